/**
 * HEIC decoding (iPhone photos). sharp's prebuilt libheif decodes AVIF only, so HEVC-coded HEIC goes
 * through heic-decode (libheif compiled to WebAssembly) to RGBA pixels. That decoder works
 * synchronously, so it runs in a worker thread — the API keeps answering meanwhile — and a decode that
 * takes too long (a hostile file) is stopped by ending the worker.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface DecodedImage {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel. */
  data: Buffer;
}

export class HeicDecodeError extends Error {}

const HEIC_DECODE = createRequire(import.meta.url).resolve('heic-decode');

// CommonJS source for an eval'd worker: no build step, no TypeScript loader needed inside it.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
// libheif-js reports failures on the console as well as by throwing; the thrown error is what we use.
for (const k of ['log', 'info', 'warn', 'error', 'debug']) console[k] = () => {};
const decode = require(${JSON.stringify(HEIC_DECODE)});
parentPort.on('message', async ({ id, bytes }) => {
  try {
    const img = await decode({ buffer: new Uint8Array(bytes) });
    const data = img.data.buffer;
    parentPort.postMessage({ id, width: img.width, height: img.height, data }, [data]);
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.message) || e) });
  }
});
`;

interface Pending {
  resolve: (v: DecodedImage) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

let worker: Worker | null = null;
const pending = new Map<number, Pending>();
let nextId = 1;

function stopWorker(reason: Error): void {
  const w = worker;
  worker = null;
  for (const p of pending.values()) {
    clearTimeout(p.timer);
    p.reject(reason);
  }
  pending.clear();
  if (w) void w.terminate();
}

function workerInstance(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_SOURCE, { eval: true });
  w.on('message', (m: { id: number; width?: number; height?: number; data?: ArrayBuffer; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (pending.size === 0) w.unref();
    if (m.error || !m.data || !m.width || !m.height) p.reject(new HeicDecodeError(m.error ?? 'HEIF decode failed'));
    else p.resolve({ width: m.width, height: m.height, data: Buffer.from(m.data) });
  });
  w.on('error', (e) => {
    if (worker === w) stopWorker(new HeicDecodeError(e.message));
  });
  w.on('exit', () => {
    if (worker === w) stopWorker(new HeicDecodeError('HEIF decoder exited'));
  });
  worker = w;
  return w;
}

/** Decode the primary image of a HEIC file to RGBA; rejects with HeicDecodeError. */
export function decodeHeic(bytes: Buffer, timeoutMs = 30_000): Promise<DecodedImage> {
  return new Promise((resolve, reject) => {
    const w = workerInstance();
    const id = nextId++;
    const timer = setTimeout(() => {
      // The worker may be stuck inside WebAssembly: only ending it stops the decode.
      stopWorker(new HeicDecodeError(`HEIF decode took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    pending.set(id, { resolve, reject, timer });
    // Keep the process alive while a decode is owed; an idle worker does not hold it open.
    w.ref();
    const copy = new Uint8Array(bytes).buffer;
    w.postMessage({ id, bytes: copy }, [copy]);
  });
}

/** End the worker (tests, shutdown). */
export function closeHeicDecoder(): void {
  stopWorker(new HeicDecodeError('HEIF decoder closed'));
}

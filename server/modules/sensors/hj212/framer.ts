/**
 * Streaming HJ 212 framer for one TCP connection: push() each received chunk and get back, in order, complete frame
 * byte slices and typed events for bytes that were skipped.
 *
 * Framing is by the declared length: a frame is `##` + 4 digits (data length L) + L bytes + 4 CRC bytes, emitted as
 * soon as those 10 + L bytes are there (the `\r\n` that normally follows is skipped silently before the next frame,
 * so a missing terminator costs nothing and delays nothing). Whether the frame is *valid* is parseFrame's business.
 *
 * Resynchronisation: anything that is not a frame start is skipped up to the next `#` and reported as garbage. A frame
 * start (`##` + 4 digits) inside a frame's body means that frame was cut short (device reset, lost bytes): the partial
 * frame is reported as 'truncated' and framing restarts there. (Best effort: a start split across two chunks inside a
 * body is not seen, and a data value spelling `##dddd` — legal but never seen — would be taken for a start; the CRC
 * check in parseFrame catches either.)
 * A frame whose declared size exceeds `maxFrameBytes` is reported as 'oversize' without buffering it; its body is then
 * skipped as garbage until the next `#`.
 *
 * Memory: never buffers more than one frame (≤ maxFrameBytes, default 8 KiB) per connection. Frames that arrive whole
 * inside one chunk are zero-copy views of that chunk; a frame split across chunks is copied once into an exact-size
 * buffer as its bytes arrive (no re-scanning, no concatenation), so trickled input costs O(n).
 */

export const DEFAULT_MAX_FRAME_BYTES = 8 * 1024;

export type GarbageReason =
  /** bytes outside any frame (noise, half a frame at connection start); CR and LF are never counted */
  | 'noise'
  /** `##` not followed by 4 decimal digits (or a lone `#`) */
  | 'bad-header'
  /** a frame cut short by the start of the next one, or left incomplete at end() */
  | 'truncated'
  /** the body of a frame dropped as oversize */
  | 'oversize';

export type FramerItem =
  /** `##` through the CRC, without `\r\n`. A view into the pushed chunk (or a private buffer for a split frame): copy it
   *  if you keep it after reusing that chunk's memory (Node socket chunks are never reused). */
  | { type: 'frame'; bytes: Buffer }
  /** Skipped bytes (CR/LF not counted) with the first 32 of them, non-printables as '.'. */
  | { type: 'garbage'; reason: GarbageReason; bytes: number; preview: string }
  /** A frame start whose declared size (`frameBytes` = 10 + declaredLength) exceeds the cap; its body follows as garbage. */
  | { type: 'oversize'; declaredLength: number; frameBytes: number; maxFrameBytes: number };

export interface FramerOptions {
  /** Cap on one frame's size (`##` through CRC) and so on the bytes buffered per connection. Default 8 KiB. */
  maxFrameBytes?: number;
}

const HASH = 0x23;
const CR = 0x0d;
const LF = 0x0a;
const PREVIEW_BYTES = 32;

/** The first frame start (`##` + 4 digits, all within buf) at or after `from` and before `stop`, or -1. */
function findStart(buf: Buffer, from: number, stop: number): number {
  const n = buf.length;
  for (;;) {
    const h = buf.indexOf(HASH, from);
    if (h < 0 || h >= stop) return -1;
    if (
      h + 5 < n &&
      buf[h + 1] === HASH &&
      isDigit(buf[h + 2]!) &&
      isDigit(buf[h + 3]!) &&
      isDigit(buf[h + 4]!) &&
      isDigit(buf[h + 5]!)
    )
      return h;
    from = h + 1;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function preview(buf: Uint8Array, start: number, end: number): string {
  const stop = Math.min(end, start + PREVIEW_BYTES);
  let s = '';
  for (let i = start; i < stop; i++) {
    const c = buf[i]!;
    s += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : '.';
  }
  return s;
}

export class Hj212Framer {
  readonly maxFrameBytes: number;
  /** First bytes (< 6) of a frame header that ended a chunk. */
  private head: Buffer | null = null;
  /** A frame being assembled across chunks: exact-size buffer, `fill` bytes written so far. */
  private body: Buffer | null = null;
  private fill = 0;
  /** Reason for noise skipped next ('oversize' right after an oversize header, until the next frame start). */
  private noiseReason: GarbageReason = 'noise';
  // Garbage run being accumulated (reported when the run's reason changes, before a frame/event, or at end of push).
  private gBytes = 0;
  private gReason: GarbageReason = 'noise';
  private gPreview = '';
  private out: FramerItem[] = [];

  constructor(opts: FramerOptions = {}) {
    const cap = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.maxFrameBytes = Number.isFinite(cap) ? Math.max(16, Math.floor(cap)) : DEFAULT_MAX_FRAME_BYTES;
  }

  /** Bytes currently held for an incomplete frame. */
  get bufferedBytes(): number {
    return (this.head?.length ?? 0) + (this.body ? this.fill : 0);
  }

  /** Feed one received chunk; returns the complete frames and skip events it produced, in stream order. */
  push(chunk: Uint8Array): FramerItem[] {
    const out: FramerItem[] = [];
    this.out = out;
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let pos = 0;
    if (this.body !== null) {
      pos = this.continueBody(buf);
    } else if (this.head !== null) {
      buf = Buffer.concat([this.head, buf]);
      this.head = null;
    }
    if (pos < buf.length) this.scan(buf, pos);
    this.flushGarbage();
    return out;
  }

  /** The connection closed: report whatever incomplete frame is buffered and reset. */
  end(): FramerItem[] {
    const out: FramerItem[] = [];
    this.out = out;
    if (this.body !== null) this.addGarbage(this.body, 0, this.fill, 'truncated');
    else if (this.head !== null) this.addGarbage(this.head, 0, this.head.length, 'truncated');
    this.body = null;
    this.head = null;
    this.fill = 0;
    this.noiseReason = 'noise';
    this.flushGarbage();
    return out;
  }

  /** Account buf[start, end) as skipped (CR and LF are line terminators, never counted). */
  private addGarbage(buf: Uint8Array, start: number, end: number, reason: GarbageReason): void {
    let count = 0;
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      if (c !== CR && c !== LF) count++;
    }
    if (count === 0) return;
    if (this.gBytes > 0 && this.gReason !== reason) this.flushGarbage();
    if (this.gBytes === 0) {
      this.gReason = reason;
      this.gPreview = preview(buf, start, end);
    } else if (this.gPreview.length < PREVIEW_BYTES) {
      this.gPreview += preview(buf, start, start + PREVIEW_BYTES - this.gPreview.length);
    }
    this.gBytes += count;
  }

  private flushGarbage(): void {
    if (this.gBytes === 0) return;
    this.out.push({ type: 'garbage', reason: this.gReason, bytes: this.gBytes, preview: this.gPreview });
    this.gBytes = 0;
    this.gPreview = '';
  }

  /** Copy the rest of a split frame from the chunk start; returns the chunk offset where scanning continues. */
  private continueBody(buf: Buffer): number {
    const body = this.body!;
    const take = Math.min(body.length - this.fill, buf.length);
    const h = findStart(buf, 0, take);
    if (h >= 0) {
      // The next frame starts before this one is complete: it was cut short.
      buf.copy(body, this.fill, 0, h);
      this.addGarbage(body, 0, this.fill + h, 'truncated');
      this.body = null;
      this.fill = 0;
      return h;
    }
    buf.copy(body, this.fill, 0, take);
    this.fill += take;
    if (this.fill === body.length) {
      this.flushGarbage();
      this.out.push({ type: 'frame', bytes: body });
      this.body = null;
      this.fill = 0;
      this.noiseReason = 'noise';
    }
    return take;
  }

  private scan(buf: Buffer, from: number): void {
    const n = buf.length;
    const cap = this.maxFrameBytes;
    let pos = from;
    while (pos < n) {
      const b = buf[pos]!;
      if (b !== HASH) {
        if (b === CR || b === LF) {
          pos++;
          continue;
        }
        let e = buf.indexOf(HASH, pos);
        if (e < 0) e = n;
        this.addGarbage(buf, pos, e, this.noiseReason);
        pos = e;
        continue;
      }
      const avail = n - pos;
      if (avail > 1 && buf[pos + 1] !== HASH) {
        this.addGarbage(buf, pos, pos + 1, 'bad-header');
        pos++;
        continue;
      }
      if (avail > 2 && buf[pos + 2] === HASH) {
        // `###…`: the frame (if any) starts at a later `#`.
        this.addGarbage(buf, pos, pos + 1, 'bad-header');
        pos++;
        continue;
      }
      let len = 0;
      let digitsOk = true;
      const lim = Math.min(avail, 6);
      for (let i = 2; i < lim; i++) {
        const d = buf[pos + i]! - 48;
        if (d < 0 || d > 9) {
          digitsOk = false;
          break;
        }
        len = len * 10 + d;
      }
      if (!digitsOk) {
        this.addGarbage(buf, pos, pos + 2, 'bad-header');
        pos += 2;
        continue;
      }
      if (avail < 6) {
        // A plausible header prefix at the end of the chunk: keep it (≤ 5 bytes) for the next push.
        this.head = Buffer.from(buf.subarray(pos, n));
        return;
      }
      const total = len + 10;
      if (total > cap) {
        this.flushGarbage();
        this.out.push({ type: 'oversize', declaredLength: len, frameBytes: total, maxFrameBytes: cap });
        this.noiseReason = 'oversize';
        pos += 6;
        continue;
      }
      const end = pos + total;
      const stop = Math.min(end, n);
      const h = findStart(buf, pos + 6, stop);
      if (h >= 0) {
        this.addGarbage(buf, pos, h, 'truncated');
        pos = h;
        continue;
      }
      this.noiseReason = 'noise';
      if (end <= n) {
        this.flushGarbage();
        this.out.push({ type: 'frame', bytes: buf.subarray(pos, end) });
        pos = end;
        continue;
      }
      const body = Buffer.allocUnsafe(total);
      buf.copy(body, 0, pos, n);
      this.body = body;
      this.fill = n - pos;
      return;
    }
  }
}

/**
 * The case-intake benchmark's HTTP clients, run in a worker thread so that the server's event loop
 * does only the server's work (real reporters are phones elsewhere). They share the machine's cores
 * with the server and the database all the same. node:http with keep-alive, not fetch: undici's web
 * streams cost several times more CPU per request.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface ClientJob {
  base: string;
  headers: Record<string, string>;
  points: { lng: number; lat: number }[];
  concurrency: number;
}

/** POST a JSON body and read the whole answer. */
function postJson(
  agent: http.Agent,
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<{ status: number; body: string }> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(data.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Post one case per point, `concurrency` at a time; latencies in ms, sorted. */
async function postCases(job: ClientJob): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.points.length) {
        const p = job.points[next++] as { lng: number; lat: number };
        const t0 = performance.now();
        const r = await postJson(
          agent,
          `${job.base}/api/v1/cases`,
          { ...job.headers, 'idempotency-key': randomUUID() },
          {
            id: randomUUID(),
            source: 'hotline_12345',
            category: 'C0301',
            location: { lat: p.lat, lng: p.lng, crs: 'wgs84' },
            description: '垃圾箱满溢(基准测试)',
          },
        );
        if (r.status !== 201) throw new Error(`intake ${r.status}: ${r.body}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  agent.destroy();
  return latencies.sort((a, b) => a - b);
}

/** Run the clients in a worker thread; resolves with their latencies. */
export function runIntakeClients(job: ClientJob): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./tsx-worker.mjs', import.meta.url), {
      workerData: { ...job, entry: import.meta.url },
    });
    worker.once('message', (m: { latencies?: number[]; error?: string }) => {
      if (m.error) reject(new Error(m.error));
      else resolve(m.latencies ?? []);
    });
    worker.once('error', reject);
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  postCases(workerData as ClientJob).then(
    (latencies) => port.postMessage({ latencies }),
    (e: unknown) => port.postMessage({ error: e instanceof Error ? e.message : String(e) }),
  );
}

/**
 * HJ 212 ingest over TCP: 100 simulated monitors (a separate process) send real-time frames (9 factors from the
 * real Lancer-Ming dust data, Flag=5) as fast as the listener takes them, each frame answered with 9014 only
 * once stored; the rate is frames stored (acknowledged) per second. Each monitor's frames are one minute
 * apart, as real monitors send them, so every frame adds 18 aggregate rows (minute and hour buckets) besides its
 * 9 readings and the raw frame. Baseline: a bare TCP server that only reads and counts the same bytes.
 * Engines: PGlite (in process) and PostgreSQL (a throw-away cluster with fsync on, when installed).
 * Goal: ≥ 10,000 stored frames/s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { parseConfig } from '../server/config.ts';
import { type Database, openDatabase, rowsOf } from '../server/db/client.ts';
import { migrateDatabase } from '../server/db/migrate.ts';
import { constructionSites } from '../server/db/schema.ts';
import { seedDemo } from '../server/db/seed/seed.service.ts';
import type { Deps } from '../server/deps.ts';
import { systemClock } from '../server/lib/clock.ts';
import { sensorMetrics, startSensorListener } from '../server/modules/sensors/index.ts';
import { addDevice, frame } from '../server/modules/sensors/sensors.int.helpers.ts';
import { startCluster } from './lib/cluster.ts';

const DEVICES = 100;
const FRAMES_PER_DEVICE = 200;
const TESTDATA = path.resolve(import.meta.dirname, '../../shared/testdata/hj212');
const CODES = ['a34001', 'a34002', 'a34004', 'LA', 'a01001', 'a01002', 'a01006', 'a01007', 'a01008'];
const fmt = (n: number) => Math.round(n).toLocaleString('en');

/** The simulated monitors: one socket each, writes with TCP backpressure, counts replies (lines). */
const CLIENT = `
const net = require('node:net');
const fs = require('node:fs');
let socks = [];
let plan;
process.on('message', async (m) => {
  if (m.type === 'connect') {
    plan = JSON.parse(fs.readFileSync(m.file, 'utf8'));
    socks = await Promise.all(plan.map(() => new Promise((res, rej) => {
      const s = net.connect({ port: m.port, host: '127.0.0.1' }, () => res(s));
      s.on('error', rej);
    })));
    process.send({ type: 'connected' });
  } else if (m.type === 'go') {
    const t0 = performance.now();
    let pending = socks.length;
    let replies = 0;
    const done = () => { if (--pending === 0) process.send({ type: 'done', ms: performance.now() - t0, replies }); };
    socks.forEach((s, i) => {
      const want = m.expectReplies ? plan[i].frames : 0;
      let got = 0;
      s.on('data', (b) => { for (const c of b) if (c === 10) got++; if (want && got === want) { replies += got; done(); } });
      const data = Buffer.from(plan[i].data, 'latin1');
      let off = 0;
      const pump = () => {
        while (off < data.length) {
          const end = Math.min(off + 65536, data.length);
          const ok = s.write(data.subarray(off, end));
          off = end;
          if (!ok) { s.once('drain', pump); return; }
        }
        if (!want) s.end(done);
      };
      pump();
    });
  } else if (m.type === 'close') {
    for (const s of socks) s.destroy();
    process.exit(0);
  }
});
`;

interface Client {
  send(m: unknown): void;
  next(type: string): Promise<Record<string, number>>;
  close(): void;
}

function startClient(): Client {
  const child = spawn(process.execPath, ['-e', CLIENT], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting: { type: string; resolve: (m: Record<string, number>) => void }[] = [];
  child.on('message', (m: { type: string } & Record<string, number>) => {
    const i = waiting.findIndex((w) => w.type === m.type);
    if (i >= 0) waiting.splice(i, 1)[0]?.resolve(m);
  });
  return {
    send: (m) => child.send(m as object),
    next: (type) => new Promise((resolve) => waiting.push({ type, resolve })),
    close: () => child.send({ type: 'close' }),
  };
}

function dustValues(): Record<string, number>[] {
  const lines = readFileSync(path.join(TESTDATA, 'dust_timeseries_lancer-ming_factory_2018.csv'), 'utf8')
    .trim()
    .split('\n');
  const cols = (lines[0] as string).split(',');
  return lines.slice(1, 3001).map((l) => {
    const v = l.split(',');
    return Object.fromEntries(CODES.map((c) => [c, Number(v[cols.indexOf(`${c}_Rtd`)])]));
  });
}

/** Per device: its MN and its frames (one minute apart, ending now), concatenated. */
function plan(prefix: string): { mn: string; frames: number; data: string }[] {
  const rows = dustValues();
  const end = Date.now();
  return Array.from({ length: DEVICES }, (_, i) => {
    const mn = `${prefix}${String(i).padStart(4, '0')}`;
    let data = '';
    for (let k = 0; k < FRAMES_PER_DEVICE; k++) {
      const at = Math.floor((end - (FRAMES_PER_DEVICE - k) * 60_000) / 1000) * 1000;
      data += frame({ mn, at, values: rows[(i * 31 + k) % rows.length] as Record<string, number> });
    }
    return { mn, frames: FRAMES_PER_DEVICE, data };
  });
}

interface Result {
  engine: string;
  frames: number;
  ms: number;
  cpuMs: number;
  stored: number;
  readings: number;
  avgBatch: number;
}

async function measureStored(
  engine: string,
  database: Database,
  url: string | undefined,
  file: string,
  devices: string[],
): Promise<Result> {
  const deps: Deps = {
    config: parseConfig({ DEMO: 'on', LOG_LEVEL: 'silent' }),
    database,
    clock: systemClock,
    log: pino({ level: 'silent' }),
  };
  await migrateDatabase(database, url);
  const tenantId = await seedDemo(deps);
  const [site] = await database.db
    .select({ id: constructionSites.id })
    .from(constructionSites)
    .where(eq(constructionSites.code, 'GC-DEMO-006'));
  for (const mn of devices) await addDevice(database.db, tenantId, { mn, siteId: site?.id ?? null }, new Date());
  const listener = await startSensorListener(deps, { port: 0, host: '127.0.0.1', maxConnectionsPerAddress: 1000 });
  const client = startClient();
  try {
    client.send({ type: 'connect', file, port: listener.port });
    await client.next('connected');
    const batch0 = await sensorMetrics.batch.get();
    const cpu0 = process.cpuUsage();
    client.send({ type: 'go', expectReplies: true });
    const done = await client.next('done');
    const cpu = process.cpuUsage(cpu0);
    const batch1 = await sensorMetrics.batch.get();
    const sum = (h: typeof batch0, name: string) => h.values.find((v) => v.metricName === name)?.value ?? 0;
    const batches =
      sum(batch1, 'gridcommand_sensor_batch_frames_count') - sum(batch0, 'gridcommand_sensor_batch_frames_count');
    const frames =
      sum(batch1, 'gridcommand_sensor_batch_frames_sum') - sum(batch0, 'gridcommand_sensor_batch_frames_sum');
    const [counts] = rowsOf<{ frames: number; readings: number }>(
      await database.db.execute(
        sql`select (select count(*)::int from sensor_frames where tenant_id = ${tenantId}) as frames,
          (select count(*)::int from sensor_readings where tenant_id = ${tenantId}) as readings`,
      ),
    );
    return {
      engine,
      frames: DEVICES * FRAMES_PER_DEVICE,
      ms: done.ms as number,
      cpuMs: (cpu.user + cpu.system) / 1000,
      stored: Number(counts?.frames),
      readings: Number(counts?.readings),
      avgBatch: batches > 0 ? frames / batches : 0,
    };
  } finally {
    client.close();
    await listener.close();
  }
}

/** The same bytes into a server that only reads them and counts frames (line ends). */
async function measureBare(file: string, total: number): Promise<number> {
  let seen = 0;
  let finished: (() => void) | null = null;
  const all = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const server = net.createServer((s) => {
    s.on('data', (b: Buffer) => {
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) seen++;
      if (seen >= total) finished?.();
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = startClient();
  try {
    client.send({ type: 'connect', file, port: (server.address() as net.AddressInfo).port });
    await client.next('connected');
    const t0 = performance.now();
    client.send({ type: 'go', expectReplies: false });
    await all;
    return performance.now() - t0;
  } finally {
    client.close();
    server.close();
  }
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gc-bench-hj212-'));
  const results: Result[] = [];
  let pgNote = 'PostgreSQL: not installed (`apt-get install postgresql`), row skipped.';
  try {
    const p = plan('BENCH');
    const file = path.join(dir, 'plan.json');
    writeFileSync(file, JSON.stringify(p));
    const total = DEVICES * FRAMES_PER_DEVICE;
    const bareMs = await measureBare(file, total);

    const lite = await openDatabase({ dataDir: 'memory://' });
    try {
      results.push(
        await measureStored(
          'PGlite (in process)',
          lite,
          undefined,
          file,
          p.map((d) => d.mn),
        ),
      );
    } finally {
      await lite.close();
    }
    const cluster = await startCluster({ durable: true });
    if (cluster) {
      const pgdb = await openDatabase({ databaseUrl: cluster.url, poolSize: 4 });
      try {
        results.push(
          await measureStored(
            'PostgreSQL (fsync on)',
            pgdb,
            cluster.url,
            file,
            p.map((d) => d.mn),
          ),
        );
        pgNote = `PostgreSQL: ${cluster.version}, throw-away cluster with fsync on (acks follow durable commits).`;
      } finally {
        await pgdb.close();
        cluster.stop();
      }
    }
    const bareRate = total / (bareMs / 1000);
    const rows = results.map((r) => {
      const rate = r.frames / (r.ms / 1000);
      return `| ${r.engine} | ${fmt(r.stored)} / ${fmt(r.frames)} | **${fmt(rate)}** | ${fmt(r.readings / (r.ms / 1000))} | ${fmt(r.frames / (r.cpuMs / 1000))} | ${fmt(r.avgBatch)} | ${(rate / bareRate).toFixed(3)} |`;
    });
    const load = os.loadavg()[0]?.toFixed(1);
    return [
      '## HJ 212 ingest over TCP (100 monitors → stored and acknowledged)',
      '',
      `${DEVICES} simulated monitors on ${DEVICES} connections (a separate process), ${FRAMES_PER_DEVICE} real-time frames each (9 factors from the real dust data, one minute apart, Flag=5), written as fast as TCP and the listener's backpressure allow. A frame counts when its 9014 arrived, which is sent only after the transaction holding it committed: raw frame, 9 readings, 18 minute/hour aggregate buckets (new ones inserted, known ones upserted), device state, threshold rules. Bare socket read of the same bytes (a server that only counts line ends): **${fmt(bareRate)} frames/s**. Load average during the run: ${load} on ${os.cpus().length} cores.`,
      '',
      '| engine | stored / sent | stored frames/s (wall) | readings/s | frames per CPU-second of the server process | frames per transaction | ratio to bare read |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `- ${pgNote} "Frames per CPU-second" counts the listener process only (with PGlite that includes the database; with PostgreSQL the server's own CPU is not in it).`,
      `- Goal ≥ 10,000 stored frames/s: ${results.map((r) => `${r.engine.split(' ')[0]} ${r.frames / (r.ms / 1000) >= 10_000 ? 'met' : 'not met'}`).join(', ')}.`,
      "- Why: a 9-factor frame is 28 rows (frame, 9 readings, 9 minute + 9 hour buckets); batching removes the per-statement cost (one transaction of up to 2,000 frames, 8–10 statements) but not the per-row one. PGlite does every row in WebAssembly on the listener's own thread: about 17 µs per COPY row and more per upsert, so it is bounded near 2,000 frames per CPU-second whatever the batching. With PostgreSQL the rows go to another process, and the listener's JavaScript (framing, parsing, the reply, column arrays) costs about 150 µs per frame; the database writes, the listener and the 100 simulated monitors share 2 cores here. Not done yet: several write lanes by device (to overlap JavaScript and database work on more cores), COPY for PostgreSQL (pg-copy-streams is not a dependency), minute buckets only for monitors reporting more often than once a minute (−9 rows per frame).",
      '',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

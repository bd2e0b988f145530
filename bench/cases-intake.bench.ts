/**
 * Case intake over HTTP — validate, route (grid, matrix, deadlines), number, insert, timeline event,
 * audit (hash chain), outbox-free intake — against a raw insert of the same rows in the same run, on
 * the embedded database (PGlite) and on PostgreSQL (a throw-away cluster with fsync on).
 * Goal: HTTP ≥ 50 % of raw.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import pg from 'pg';
import pino from 'pino';
import { parseConfig } from '../server/config.ts';
import { type Database, openDatabase, rowsOf } from '../server/db/client.ts';
import { migrateDatabase } from '../server/db/migrate.ts';
import { auditEvents, caseEvents, cases, idempotencyKeys } from '../server/db/schema.ts';
import { DEMO_PASSWORD } from '../server/db/seed/demo.ts';
import { seedDemo } from '../server/db/seed/seed.service.ts';
import type { Deps } from '../server/deps.ts';
import { buildApp } from '../server/http/app.ts';
import { systemClock } from '../server/lib/clock.ts';
import { startCluster } from './lib/cluster.ts';
import { runIntakeClients } from './lib/intake-clients.ts';

const ROUNDS = 3;
const PER_ROUND = 1000;
const CONCURRENCY = 8;
const fmt = (n: number) => Math.round(n).toLocaleString('en');

/** Points inside the demo grid (seeded PRNG), so every case routes to a community. */
function points(n: number, seed = 20261128) {
  let s = seed;
  const next = () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
  return Array.from({ length: n }, () => ({ lng: 113.705 + next() * 0.05, lat: 34.7 + next() * 0.04 }));
}

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        const t0 = performance.now();
        await fn(item);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencies.sort((a, b) => a - b);
}

/** The machine's CPU time (all cores) from /proc/stat; with a start, the busy share and ms since then. */
function machineCpu(since?: { busy: number; total: number }) {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  const now = { busy: total - idle, total };
  const tick = 1000 / 100; // USER_HZ
  return {
    ...now,
    busyShare: since ? (now.busy - since.busy) / Math.max(1, now.total - since.total) : 0,
    get busyMs() {
      return since ? (now.busy - since.busy) * tick : 0;
    },
  };
}

/** BENCH_PROFILE=dir: a CPU profile of the HTTP phase alone (open it in Chrome DevTools). */
async function startProfiler() {
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

interface Round {
  httpRate: number;
  rawRate: number;
  lat: number[];
  nodeCpuPerCase: number;
  otherCpuPerCase: number;
  serverBusy: number;
  machineBusy: number;
}

interface Row {
  engine: string;
  rounds: Round[];
  /** Medians over the rounds; `ratio` is the median of each round's HTTP ÷ raw. */
  httpRate: number;
  rawRate: number;
  ratio: number;
  p50: number;
  p95: number;
  caseRowRate: number;
  /** The process's CPU (server, and the clients' worker thread) per case during the HTTP phase. */
  nodeCpuPerCase: number;
  /** CPU the rest of the machine (the database) spent per case during the HTTP phase. */
  otherCpuPerCase: number;
  /** How busy the server's event loop, and the whole machine, were during the HTTP phase (0…1). */
  serverBusy: number;
  machineBusy: number;
}

async function measure(engine: 'pglite' | 'postgres', database: Database, url?: string): Promise<Row> {
  const deps: Deps = {
    config: parseConfig({ DEMO: 'on', LOG_LEVEL: 'silent' }),
    database,
    clock: systemClock,
    log: pino({ level: 'silent' }),
  };
  await migrateDatabase(database, url);
  await seedDemo(deps);
  const app = await buildApp(deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'leader', password: DEMO_PASSWORD }),
    });
    const info = (await login.json()) as { csrfToken: string };
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const headers = { 'content-type': 'application/json', cookie, 'x-csrf-token': info.csrfToken };
    const job = { base, headers, concurrency: CONCURRENCY };
    // Warm-up (first routing builds the grid index; first queries plan), then statistics as
    // autovacuum keeps them on a running server: a prepared statement's cached plan is made from them.
    await runIntakeClients({ ...job, points: points(50) });
    await database.db.execute(sql`analyze`);
    const rounds: Round[] = [];
    let seq = 1_000_000;
    for (let round = 0; round < ROUNDS; round++) {
      // HTTP and raw take turns, so a slow minute of the shared machine hits both.
      const pts = points(PER_ROUND, 20261128 + round);
      const h0 = performance.now();
      const machine0 = machineCpu();
      const cpu0 = process.cpuUsage();
      const elu0 = performance.eventLoopUtilization();
      const profiler = process.env.BENCH_PROFILE && round === 0 ? await startProfiler() : null;
      const lat = await runIntakeClients({ ...job, points: pts });
      const httpMs = performance.now() - h0;
      const cpu = process.cpuUsage(cpu0);
      const serverBusy = performance.eventLoopUtilization(elu0).utilization;
      const machine = machineCpu(machine0);
      if (profiler) await profiler.stop(`${process.env.BENCH_PROFILE}/intake-${engine}.cpuprofile`);
      const nodeCpuMs = (cpu.user + cpu.system) / 1000;

      // Raw, as the issue asks: the same rows an intake leaves — the case, its first timeline event,
      // its audit event and its idempotency record (with the stored response) — inserted again under
      // new keys, one transaction per case, CONCURRENCY at a time. No HTTP, validation, routing or lookups.
      const stored = await database.db.select().from(cases).orderBy(desc(cases.reportedAt)).limit(PER_ROUND);
      const ids = stored.map((c) => c.id);
      const events = new Map(
        (await database.db.select().from(caseEvents).where(inArray(caseEvents.caseId, ids))).map((e) => [e.caseId, e]),
      );
      const audits = new Map(
        (
          await database.db
            .select()
            .from(auditEvents)
            .where(and(eq(auditEvents.action, 'cases.create'), inArray(auditEvents.objectId, ids)))
        ).map((a) => [a.objectId, a]),
      );
      const keys = await database.db
        .select()
        .from(idempotencyKeys)
        .where(eq(idempotencyKeys.status, 'done'))
        .limit(PER_ROUND);
      const sets = stored.map((c, i) => {
        const id = randomUUID();
        const n = seq++;
        return {
          kase: { ...c, id, seq: n, number: `R-${n}` },
          event: { ...(events.get(c.id) as typeof caseEvents.$inferSelect), caseId: id },
          audit: { ...(audits.get(c.id) as typeof auditEvents.$inferSelect), seq: n, objectId: id },
          key: { ...(keys[i % keys.length] as typeof idempotencyKeys.$inferSelect), key: randomUUID() },
        };
      });
      const r0 = performance.now();
      await pool(sets, CONCURRENCY, async (set) => {
        await database.db.transaction(async (tx) => {
          await tx.insert(cases).values(set.kase);
          await tx.insert(caseEvents).values(set.event);
          await tx.insert(auditEvents).values(set.audit);
          await tx.insert(idempotencyKeys).values(set.key);
        });
      });
      const rawMs = performance.now() - r0;
      rounds.push({
        httpRate: (PER_ROUND / httpMs) * 1000,
        rawRate: (sets.length / rawMs) * 1000,
        lat,
        nodeCpuPerCase: nodeCpuMs / PER_ROUND,
        otherCpuPerCase: (machine.busyMs - nodeCpuMs) / PER_ROUND,
        serverBusy,
        machineBusy: machine.busyShare,
      });
    }
    const stored = await database.db.select().from(cases).limit(PER_ROUND);
    // And the case row alone, one INSERT per row (the stricter comparison used before 2026-11-28).
    const singles = stored.map((c) => ({ ...c, id: randomUUID(), seq: seq++, number: `S-${seq}` }));
    const s0 = performance.now();
    await pool(singles, CONCURRENCY, async (row) => {
      await database.db.insert(cases).values(row);
    });
    const caseRowMs = performance.now() - s0;
    const count = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from cases`))[0]?.n;
    const expected = 50 + ROUNDS * PER_ROUND * 2 + singles.length;
    if (Number(count) !== expected) throw new Error(`expected ${expected} cases, found ${count}`);
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
    const lat = rounds.flatMap((r) => r.lat).sort((x, y) => x - y);
    return {
      engine,
      rounds,
      httpRate: median(rounds.map((r) => r.httpRate)),
      rawRate: median(rounds.map((r) => r.rawRate)),
      ratio: median(rounds.map((r) => r.httpRate / r.rawRate)),
      p50: lat[Math.floor(lat.length * 0.5)] ?? 0,
      p95: lat[Math.floor(lat.length * 0.95)] ?? 0,
      caseRowRate: (singles.length / caseRowMs) * 1000,
      nodeCpuPerCase: median(rounds.map((r) => r.nodeCpuPerCase)),
      otherCpuPerCase: median(rounds.map((r) => r.otherCpuPerCase)),
      serverBusy: median(rounds.map((r) => r.serverBusy)),
      machineBusy: median(rounds.map((r) => r.machineBusy)),
    };
  } finally {
    await app.close();
  }
}

export async function run(): Promise<string> {
  const rows: Row[] = [];
  const notes: string[] = [];
  // BENCH_ENGINES=postgres (or pglite) measures one engine, e.g. under a profiler.
  const engines = (process.env.BENCH_ENGINES ?? 'pglite,postgres').split(',');
  if (engines.includes('pglite')) {
    const lite = await openDatabase({ dataDir: 'memory://' });
    try {
      rows.push(await measure('pglite', lite));
    } finally {
      await lite.close();
    }
  }
  const cluster = engines.includes('postgres') ? await startCluster({ durable: true }) : null;
  if (cluster) {
    try {
      const admin = new pg.Client({ connectionString: cluster.url });
      await admin.connect();
      await admin.query('create database bench_intake');
      await admin.end();
      const url = cluster.url.replace(/\/postgres($|\?)/, '/bench_intake$1');
      const database = await openDatabase({ databaseUrl: url, poolSize: CONCURRENCY + 2 });
      try {
        rows.push(await measure('postgres', database, url));
      } finally {
        await database.close();
      }
      notes.push(
        `- PostgreSQL: ${cluster.version}, throw-away cluster with fsync on (durable commits), pool of ${CONCURRENCY + 2}.`,
      );
    } finally {
      cluster.stop();
    }
  } else {
    notes.push('- PostgreSQL: skipped (the postgresql package is not installed).');
  }
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  const range = (xs: number[], f: (x: number) => string) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
  return [
    '## Case intake over HTTP vs a raw insert',
    '',
    `${ROUNDS} rounds; in each, ${fmt(PER_ROUND)} cases posted over HTTP (keep-alive, ${CONCURRENCY} concurrent clients in a worker thread, one \`Idempotency-Key\` each) as the district leader — session check, validation, routing (grid index + responsibility matrix + working-calendar deadlines), duplicate and recurrence lookups, numbering, then in one transaction the case row, its first timeline event, the audit event (SM3 hash chain) and the stored response under its key; the answer is built from what was written — and then "raw": the same rows an intake leaves (case, timeline event, audit event, idempotency record) inserted again under new keys, one transaction per case, ${CONCURRENCY} at a time: the issue's "raw insert of the same rows". HTTP and raw take turns so that a slow minute of the shared machine hits both; the table gives medians over the rounds, and the HTTP ÷ raw column the median of each round's own ratio with its range. "Case row alone" is one \`INSERT\` of the case row per case (the stricter baseline used before 2026-11-28). The CPU columns are for the HTTP phase: the bench process (server, and the clients' thread) and the rest of the machine (the database) per case, and how busy the server's event loop and the whole machine were.`,
    '',
    '| engine | HTTP intake cases/s (rounds) | latency p50 / p95 | raw insert of the same rows, cases/s (rounds) | HTTP ÷ raw (rounds) | case row alone, rows/s | Node CPU per case | database CPU per case | event loop busy | machine busy |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${fmt(r.httpRate)} (${range(
          r.rounds.map((x) => x.httpRate),
          fmt,
        )}) | ${r.p50.toFixed(1)} / ${r.p95.toFixed(1)} ms | ${fmt(r.rawRate)} (${range(
          r.rounds.map((x) => x.rawRate),
          fmt,
        )}) | **${pct(r.ratio)}** (${range(
          r.rounds.map((x) => x.httpRate / x.rawRate),
          pct,
        )}) | ${fmt(r.caseRowRate)} | ${r.nodeCpuPerCase.toFixed(1)} ms | ${r.otherCpuPerCase.toFixed(1)} ms | ${pct(r.serverBusy)} | ${pct(r.machineBusy)} |`,
    ),
    '',
    ...notes,
    `- Load average at the end: ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores.`,
    "- What an intake costs (2026-11-28): two statements of its own — the session (with user, tenant and reference-data stamp) and, in one statement, the Idempotency-Key claim (on connections with synchronous_commit off) with the duplicate and 反弹-spot lookup — both prepared once per connection; then a share of its batch's transaction: BEGIN, numbers + cases + first events in one INSERT, the audit rows against the head this process last wrote (checked in the statement) with the stored answers riding along, COMMIT. Rows travel as one jsonb parameter (no per-value query building); categories, matrix, units, people and grid refs come from memory under the per-tenant stamp. Before 2026-11-28: 32 statements and 15 cases/s (PGlite).",
    "- Where the PostgreSQL time goes (instrumented runs, 8 clients): a batch of about 4 intakes holds the tenant's write path (number sequence, audit-chain head) for 11–14 ms, of which the database executes about 2 ms; the rest is waiting for a core and for the event loop (delay p50 1.5 ms, p90 4 ms). Shortening that did not raise throughput: sending BEGIN and COMMIT with the statements (2 waits per batch instead of 4), a second batch in flight behind the first, and the Unix socket instead of TCP each measured within the noise (258–306 cases/s) and were not kept. The binding limit is CPU: the server's event loop is about 80 % busy at about 3 ms of JavaScript per intake (session, zod, routing, presenting the answer, pg protocol, socket writes), on two cores shared with the clients and the database.",
    '- PGlite runs inside the bench process: its CPU is in the Node column.',
    '- Goal HTTP ≥ 50 % of a raw insert of the same rows (median of the rounds): ' +
      rows.map((r) => `${r.engine} ${r.ratio >= 0.5 ? 'met' : 'not met'}`).join(', ') +
      '.',
  ].join('\n');
}

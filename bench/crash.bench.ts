/**
 * Crash test: 20 clients create and transition cases while the server is killed with SIGKILL at
 * random moments 50 times and restarted. Clients retry what was not acknowledged (intake with the
 * same id and Idempotency-Key; a transition after re-reading the case). At the end: every
 * acknowledged write is present, no case exists twice, no transition happened twice, and the audit
 * hash chain still verifies. On the embedded database (PGlite) and on PostgreSQL.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DEMO_PASSWORD } from '../server/db/seed/demo.ts';
import { freePort, startCluster } from './lib/cluster.ts';

const CLIENTS = 20;
const KILLS = 50;
const root = path.resolve(import.meta.dirname, '..');

class Server {
  child: ChildProcess | null = null;
  constructor(
    readonly port: number,
    readonly env: Record<string, string>,
  ) {}
  async start(): Promise<number> {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: String(this.port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ROLES: 'api', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stderr?.on('data', (d) => {
      out += d;
    });
    const deadline = Date.now() + 120_000;
    while (!out.includes('ready in')) {
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${out.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`server not ready:\n${out.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return performance.now() - t0;
  }
  kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  }
}

interface Tally {
  acknowledgedCases: Set<string>;
  attemptedCases: Set<string>;
  acknowledgedTransitions: Map<string, number>;
  retries: number;
  errors: number;
}

async function client(base: string, auth: () => Promise<Record<string, string>>, tally: Tally, stop: () => boolean) {
  const send = async (url: string, init: RequestInit) => {
    try {
      const r = await fetch(`${base}${url}`, { ...init, signal: AbortSignal.timeout(10_000) });
      return { status: r.status, body: await r.text(), etag: r.headers.get('etag') };
    } catch {
      return null;
    }
  };
  while (!stop()) {
    const id = randomUUID();
    const key = randomUUID();
    tally.attemptedCases.add(id);
    const body = JSON.stringify({
      id,
      source: 'hotline_12345',
      category: 'C0301',
      location: { lat: 34.705 + Math.random() * 0.03, lng: 113.71 + Math.random() * 0.04, crs: 'wgs84' },
      description: '崩溃测试',
    });
    // Intake: retry with the same id and key until acknowledged.
    for (;;) {
      const r = await send('/api/v1/cases', {
        method: 'POST',
        headers: { ...(await auth()), 'content-type': 'application/json', 'idempotency-key': key },
        body,
      });
      if (r?.status === 201) {
        tally.acknowledgedCases.add(id);
        break;
      }
      if (r && r.status !== 409 && r.status < 500) throw new Error(`intake ${r.status} ${r.body}`);
      tally.retries++;
      await new Promise((res) => setTimeout(res, 100));
      if (stop()) return;
    }
    // A transition: read, then register with If-Match; after a failure read again (it may have happened).
    for (;;) {
      const g = await send(`/api/v1/cases/${id}`, { headers: await auth() });
      if (!g || g.status >= 500) {
        tally.retries++;
        await new Promise((res) => setTimeout(res, 100));
        if (stop()) return;
        continue;
      }
      if (g.status !== 200) throw new Error(`read ${g.status} ${g.body}`);
      if (JSON.parse(g.body).status !== 'reported') break;
      const t = await send(`/api/v1/cases/${id}/transitions`, {
        method: 'POST',
        headers: { ...(await auth()), 'content-type': 'application/json', 'if-match': g.etag ?? '' },
        body: JSON.stringify({ to: 'registered' }),
      });
      if (t?.status === 200) {
        tally.acknowledgedTransitions.set(id, (tally.acknowledgedTransitions.get(id) ?? 0) + 1);
        break;
      }
      if (t && t.status !== 412 && t.status < 500) throw new Error(`transition ${t.status} ${t.body}`);
      tally.retries++;
    }
  }
}

async function runOne(
  engine: 'pglite' | 'postgres',
  env: Record<string, string>,
  check: (sql: string) => Promise<unknown[]>,
) {
  const port = await freePort();
  const server = new Server(port, env);
  const base = `http://127.0.0.1:${port}`;
  const firstStartMs = await server.start();
  let session: Record<string, string> | null = null;
  const auth = async () => {
    if (session) return session;
    for (;;) {
      try {
        const r = await fetch(`${base}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'leader', password: DEMO_PASSWORD }),
        });
        if (r.status === 200) {
          const info = (await r.json()) as { csrfToken: string };
          session = {
            cookie: (r.headers.get('set-cookie') ?? '').split(';')[0] as string,
            'x-csrf-token': info.csrfToken,
          };
          return session;
        }
      } catch {}
      await new Promise((res) => setTimeout(res, 100));
    }
  };
  await auth();
  const tally: Tally = {
    acknowledgedCases: new Set(),
    attemptedCases: new Set(),
    acknowledgedTransitions: new Map(),
    retries: 0,
    errors: 0,
  };
  let stopped = false;
  const failures: string[] = [];
  const clients = Array.from({ length: CLIENTS }, () =>
    client(base, auth, tally, () => stopped).catch((e) => {
      failures.push((e as Error).message);
    }),
  );
  const restarts: number[] = [];
  let rnd = 7;
  const next = () => {
    rnd = (rnd * 48271) % 2147483647;
    return rnd / 2147483647;
  };
  for (let k = 0; k < KILLS; k++) {
    await new Promise((r) => setTimeout(r, 1000 + next() * 3000));
    await server.kill();
    restarts.push(await server.start());
    process.stderr.write(
      `  ${engine}: kill ${k + 1}/${KILLS}, ${tally.acknowledgedCases.size} cases acknowledged, ${failures.length} clients failed ${failures[0] ?? ''}\n`,
    );
  }
  await new Promise((r) => setTimeout(r, 1500));
  stopped = true;
  await Promise.all(clients);
  await server.kill();

  // Verify in a fresh process on the same data.
  const present = new Set(
    (await check(`select id from cases where description = '崩溃测试'`)).map((r) => (r as { id: string }).id),
  );
  const missing = [...tally.acknowledgedCases].filter((id) => !present.has(id));
  const strangers = [...present].filter((id) => !tally.attemptedCases.has(id));
  const doubleEvents = (await check(
    `select case_id, count(*)::int as n from case_events where to_status = 'registered' group by case_id having count(*) > 1`,
  )) as unknown[];
  const notRegistered = (
    (await check(`select id from cases where description = '崩溃测试' and status = 'reported'`)) as { id: string }[]
  ).filter((r) => tally.acknowledgedTransitions.has(r.id));
  const audit = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
  });
  restarts.sort((a, b) => a - b);
  return {
    engine,
    firstStartMs,
    restartMedianMs: restarts[Math.floor(restarts.length / 2)] ?? 0,
    acknowledged: tally.acknowledgedCases.size,
    transitions: tally.acknowledgedTransitions.size,
    present: present.size,
    missing: missing.length,
    strangers: strangers.length,
    doubleEvents: doubleEvents.length,
    lostTransitions: notRegistered.length,
    retries: tally.retries,
    auditOk: audit.status === 0,
    auditOut: (audit.stdout + audit.stderr).trim().split('\n').slice(-1)[0] ?? '',
  };
}

export async function run(): Promise<string> {
  const results: Awaited<ReturnType<typeof runOne>>[] = [];
  const notes: string[] = [];
  // PGlite: one data directory, opened by each restarted process in turn.
  const engines = (process.env.CRASH_ENGINES ?? 'pglite,postgres').split(',');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gc-crash-'));
  try {
    if (!engines.includes('pglite')) throw new Error('skipped (CRASH_ENGINES)');
    const { openDatabase, rowsOf } = await import('../server/db/client.ts');
    const { sql } = await import('drizzle-orm');
    results.push(
      await runOne('pglite', { DATA_DIR: dataDir }, async (q) => {
        const db = await openDatabase({ dataDir: path.join(dataDir, 'pg') });
        try {
          return rowsOf(await db.db.execute(sql.raw(q)));
        } finally {
          await db.close();
        }
      }),
    );
  } catch (e) {
    notes.push(`- PGlite: the run failed — ${(e as Error).message.split('\n').slice(0, 3).join(' ')}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const cluster = engines.includes('postgres') ? await startCluster({ durable: true }) : null;
  if (cluster) {
    try {
      const admin = new pg.Client({ connectionString: cluster.url });
      await admin.connect();
      await admin.query('create database crash');
      await admin.end();
      const url = cluster.url.replace(/\/postgres$/, '/crash');
      results.push(
        await runOne('postgres', { DATABASE_URL: url, DEMO: 'on' }, async (q) => {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          try {
            return (await c.query(q)).rows;
          } finally {
            await c.end();
          }
        }),
      );
      notes.push(`- PostgreSQL: ${cluster.version}, fsync on.`);
    } finally {
      cluster.stop();
    }
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  return [
    '## Crash test: SIGKILL during writes',
    '',
    `${CLIENTS} clients create cases (client id + Idempotency-Key, retried until acknowledged) and register each one (If-Match, re-read after a failure) while the server process is killed with SIGKILL ${KILLS} times at random moments (every 1–4 s after it is ready) and restarted. Then, from a fresh process: every acknowledged case present, no case the clients did not send, no transition recorded twice, no acknowledged transition lost, \`npm run audit:verify\` on the hash chain.`,
    '',
    '| engine | acknowledged cases | acknowledged transitions | cases present | missing | unknown | double transitions | lost transitions | client retries | audit chain | first start | restart (median) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.engine} | ${fmt(r.acknowledged)} | ${fmt(r.transitions)} | ${fmt(r.present)} | ${r.missing} | ${r.strangers} | ${r.doubleEvents} | ${r.lostTransitions} | ${fmt(r.retries)} | ${r.auditOk ? 'verifies' : `BROKEN: ${r.auditOut}`} | ${fmt(r.firstStartMs)} ms | ${fmt(r.restartMedianMs)} ms |`,
    ),
    '',
    ...notes,
  ].join('\n');
}

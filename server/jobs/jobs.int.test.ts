import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { parseConfig } from '../config.ts';
import { openDatabase, rowsOf } from '../db/client.ts';
import type { Deps } from '../deps.ts';
import { ManualClock, MINUTE } from '../lib/clock.ts';
import { cloneTestDatabase, type TestDatabase } from '../test/db.ts';
import { listTenantIds } from './jobs.repo.ts';
import { backoffMs, enqueueJob, Worker } from './worker.ts';

let tdb: TestDatabase;
let deps: Deps;
let clock: ManualClock;
let tenantId: string;
before(async () => {
  tdb = await cloneTestDatabase();
  clock = new ManualClock('2026-04-15T00:00:00Z');
  deps = { config: parseConfig({}), database: tdb.database, clock, log: pino({ level: 'silent' }) };
  [tenantId = ''] = await listTenantIds(tdb.database.db);
});
after(() => tdb.drop());

const statusOf = async (id: string) =>
  rowsOf<{ status: string; attempts: number; last_error: string | null }>(
    await tdb.database.db.execute(sql`select status, attempts, last_error from jobs where id = ${id}`),
  )[0];

describe('the job queue', () => {
  test('a due job runs once and is marked done; a future one waits for its time', async () => {
    const ran: string[] = [];
    const w = new Worker(deps).register('t.echo', async (job) => {
      ran.push(String(job.payload.n));
    });
    const now = await enqueueJob(
      deps.database.db,
      { tenantId, kind: 't.echo', payload: { n: 1 }, runAt: clock.now() },
      clock.now(),
    );
    const later = await enqueueJob(
      deps.database.db,
      { tenantId, kind: 't.echo', payload: { n: 2 }, runAt: new Date(clock.now().getTime() + 10 * MINUTE) },
      clock.now(),
    );
    assert.equal(await w.runOnce(), 1);
    assert.deepEqual(ran, ['1']);
    assert.equal((await statusOf(now ?? ''))?.status, 'done');
    assert.equal(await w.runOnce(), 0);
    clock.advance(10 * MINUTE);
    assert.equal(await w.runOnce(), 1);
    assert.equal((await statusOf(later ?? ''))?.status, 'done');
  });

  test('a failing job is retried with backoff and fails for good after maxAttempts', async () => {
    let calls = 0;
    const w = new Worker(deps).register('t.flaky', async () => {
      calls++;
      throw new Error('gateway down');
    });
    const id = await enqueueJob(
      deps.database.db,
      { tenantId, kind: 't.flaky', runAt: clock.now(), maxAttempts: 3 },
      clock.now(),
    );
    await w.runOnce();
    assert.deepEqual(await statusOf(id ?? ''), { status: 'queued', attempts: 1, last_error: 'gateway down' });
    assert.equal(await w.runOnce(), 0, 'not before the backoff');
    clock.advance(backoffMs(1));
    await w.runOnce();
    clock.advance(backoffMs(2));
    await w.runOnce();
    assert.equal(calls, 3);
    assert.equal((await statusOf(id ?? ''))?.status, 'failed');
  });

  test('a dedupe key keeps one pending job', async () => {
    const a = await enqueueJob(
      deps.database.db,
      { tenantId, kind: 't.once', runAt: clock.now(), dedupeKey: 'k' },
      clock.now(),
    );
    const b = await enqueueJob(
      deps.database.db,
      { tenantId, kind: 't.once', runAt: clock.now(), dedupeKey: 'k' },
      clock.now(),
    );
    assert.ok(a);
    assert.equal(b, null);
  });

  test('a job enqueued in a rolled-back transaction never exists', async () => {
    await assert.rejects(
      deps.database.db.transaction(async (tx) => {
        await enqueueJob(tx, { tenantId, kind: 't.ghost', runAt: clock.now() }, clock.now());
        throw new Error('rollback');
      }),
    );
    const n = rowsOf<{ n: number }>(
      await deps.database.db.execute(sql`select count(*)::int as n from jobs where kind = 't.ghost'`),
    );
    assert.equal(n[0]?.n, 0);
  });

  test('a job whose worker died is claimed again after its lease', async () => {
    const dead = new Worker(deps, { leaseMs: 5 * MINUTE });
    dead.register('t.lease', async () => {
      throw new Error('unreachable');
    });
    const id = await enqueueJob(deps.database.db, { tenantId, kind: 't.lease', runAt: clock.now() }, clock.now());
    // Claim without running: simulate a crash right after the claim.
    await import('./jobs.repo.ts').then((r) =>
      r.claimJobs(deps.database.db, 'dead-worker', ['t.lease'], 1, clock.now(), 5 * MINUTE),
    );
    let ran = 0;
    const alive = new Worker(deps).register('t.lease', async () => {
      ran++;
    });
    assert.equal(await alive.runOnce(), 0, 'still leased');
    clock.advance(6 * MINUTE);
    assert.equal(await alive.runOnce(), 1);
    assert.equal(ran, 1);
    assert.equal((await statusOf(id ?? ''))?.status, 'done');
  });
});

test('two workers on PostgreSQL run each of 400 jobs exactly once', {
  skip: process.env.TEST_ENGINE !== 'postgres' && 'runs in the PostgreSQL tier (TEST_ENGINE=postgres)',
}, async () => {
  const url = tdb.url ?? '';
  // Two pools = two independent sets of connections, as two processes would have.
  const [d1, d2] = await Promise.all([
    openDatabase({ databaseUrl: url, poolSize: 4 }),
    openDatabase({ databaseUrl: url, poolSize: 4 }),
  ]);
  try {
    const realClock = { now: () => new Date() };
    const ids = [];
    for (let i = 0; i < 400; i++) {
      ids.push(await enqueueJob(d1.db, { tenantId, kind: 't.count', payload: { i }, runAt: new Date(0) }, new Date()));
    }
    const runs = new Map<number, string[]>();
    const make = (db: typeof d1, name: string) =>
      new Worker({ ...deps, database: db, clock: realClock }, { id: name, batch: 7 }).register(
        't.count',
        async (job) => {
          const i = Number(job.payload.i);
          runs.set(i, [...(runs.get(i) ?? []), name]);
          await new Promise((r) => setTimeout(r, Math.random() * 2));
        },
      );
    const w1 = make(d1, 'w1');
    const w2 = make(d2, 'w2');
    const drain = async (w: Worker) => {
      while ((await w.runOnce()) > 0) {}
    };
    await Promise.all([drain(w1), drain(w2), drain(w1), drain(w2)]);
    assert.equal(runs.size, 400);
    const twice = [...runs.entries()].filter(([, by]) => by.length !== 1);
    assert.deepEqual(twice, [], 'no job ran twice');
    const byW1 = [...runs.values()].filter((by) => by[0] === 'w1').length;
    assert.ok(byW1 > 0 && byW1 < 400, `both workers took jobs (w1 ran ${byW1})`);
  } finally {
    await Promise.all([d1.close(), d2.close()]);
  }
});

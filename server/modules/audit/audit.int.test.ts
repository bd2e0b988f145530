import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { parseConfig } from '../../config.ts';
import { openDatabase, rowsOf } from '../../db/client.ts';
import { migrateDatabase } from '../../db/migrate.ts';
import { seedDemo } from '../../db/seed/seed.service.ts';
import { ManualClock } from '../../lib/clock.ts';
import { createTestApp, type TestApp } from '../../test/app.ts';
import * as repo from './audit.repo.ts';
import { auditRowHash, recordAuditEvents, verifyChain } from './index.ts';

let t: TestApp;
let tenantId: string;
before(async () => {
  t = await createTestApp();
  tenantId = (await t.login('leader')).info.user.tenant.id;
});
after(() => t.close());

const db = () => t.deps.database.db;
const count = async () =>
  rowsOf<{ n: number }>(await db().execute(sql`select count(*)::int as n from audit_events`))[0]?.n ?? 0;

describe('the audit trail', () => {
  test('each write adds exactly one audit row, chained to the previous one', async () => {
    const sys = await t.login('sys_admin');
    const before = await count();
    const r = await t.as(sys, {
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        username: 'audit_probe',
        displayName: '审计探针',
        unitId: null,
        roles: ['unit_staff'],
        password: 'Probe#Pass1',
      },
    });
    assert.equal(r.statusCode, 201);
    assert.equal(await count(), before + 1);
    await t.as(sys, { method: 'PATCH', url: `/api/v1/users/${r.json().id}`, payload: { phone: '13800000000' } });
    assert.equal(await count(), before + 2);
    // A refused write changes nothing and writes nothing.
    const refused = await t.as(sys, {
      method: 'PATCH',
      url: `/api/v1/users/${r.json().id}`,
      payload: { phone: 'bad' },
    });
    assert.equal(refused.statusCode, 400);
    assert.equal(await count(), before + 2);
    const rows = rowsOf<{ seq: number; prev_hash: string; hash: string }>(
      await db().execute(sql`select seq::int, prev_hash, hash from audit_events order by seq desc limit 2`),
    );
    assert.equal(rows[0]?.prev_hash, rows[1]?.hash);
    assert.deepEqual(await verifyChain(db(), tenantId), { ok: true, checked: rows[0]?.seq, firstBroken: null });
  });

  test('a head this process guessed wrong (another writer, a rollback) costs a retry, never a broken chain', async () => {
    const ctx = { tenantId, userId: null, username: 'probe' };
    const record = (action: string, alongWith?: ReturnType<typeof sql>) =>
      db().transaction((tx) =>
        recordAuditEvents(tx, t.clock, [{ ctx, entry: { action } }], alongWith ? { alongWith } : {}),
      );
    await record('probe.first'); // the process now knows the head
    // Another process appends (it locks the head itself; this process's guess goes stale).
    await db().transaction(async (tx) => {
      const head = await repo.lockChainHead(tx, tenantId);
      const row = {
        tenantId,
        seq: head.lastSeq + 1,
        occurredAt: t.clock.now(),
        actorId: null,
        actorName: 'elsewhere',
        action: 'probe.elsewhere',
        objectType: null,
        objectId: null,
        outcome: 'success' as const,
        ip: null,
        requestId: null,
        details: {},
        prevHash: head.lastHash,
      };
      assert.ok(await repo.appendRows(tx, [{ ...row, hash: auditRowHash(row) }]));
    });
    await db().execute(sql`create table if not exists along_probe (n int)`);
    const [seq] = await record('probe.after', sql`insert into along_probe values (1)`);
    const along = rowsOf<{ n: number }>(await db().execute(sql`select count(*)::int as n from along_probe`))[0];
    assert.equal(along?.n, 1, 'the statement riding along ran once');
    // A transaction that rolls back leaves the guess ahead of the head.
    await assert.rejects(
      db().transaction(async (tx) => {
        await recordAuditEvents(tx, t.clock, [{ ctx, entry: { action: 'probe.rolled_back' } }]);
        throw new Error('roll back');
      }),
      /roll back/,
    );
    const [next] = await record('probe.after_rollback');
    assert.equal(next, (seq as number) + 1);
    const verdict = await verifyChain(db(), tenantId);
    assert.ok(verdict.ok, JSON.stringify(verdict.firstBroken));
  });

  test('the database refuses UPDATE, DELETE and TRUNCATE on audit_events', async () => {
    // drizzle wraps the driver's error; the database's own message is in `cause`.
    const appendOnly = (e: unknown) => /append-only/.test(String((e as { cause?: Error }).cause?.message ?? e));
    await assert.rejects(db().execute(sql`update audit_events set action = 'x' where seq = 1`), appendOnly);
    await assert.rejects(db().execute(sql`delete from audit_events where seq = 1`), appendOnly);
    await assert.rejects(db().execute(sql`truncate audit_events`), appendOnly);
  });

  test('an auditor can page the log; the audit administrator can verify the chain', async () => {
    const auditor = await t.login('auditor');
    const page = await t.as(auditor, { method: 'GET', url: '/api/v1/audit-events?pageSize=2&action=auth.' });
    assert.equal(page.statusCode, 200);
    assert.equal(page.json().items.length, 2);
    assert.ok(page.json().total >= 3);
    assert.ok(page.json().items.every((e: { action: string }) => e.action.startsWith('auth.')));
    const aa = await t.login('audit_admin');
    const v = await t.as(aa, { method: 'GET', url: '/api/v1/audit-events/verify' });
    assert.equal(v.json().ok, true);
  });
});

describe('tampering is detected', () => {
  // Someone with superuser rights can switch the trigger off; the hash chain still gives them away.
  const tamper = async (statement: ReturnType<typeof sql>) => {
    await db().execute(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
    await db().execute(statement);
    await db().execute(sql`alter table audit_events enable trigger audit_events_no_update_delete`);
  };

  test('an altered row is named', async () => {
    await tamper(sql`update audit_events set details = '{"reason":"nothing to see"}' where seq = 3`);
    const v = await verifyChain(db(), tenantId);
    assert.equal(v.ok, false);
    assert.equal(v.firstBroken?.seq, 3);
    assert.match(v.firstBroken?.reason ?? '', /altered/);
    assert.equal(v.checked, 2);
  });

  test('a removed row is named', async () => {
    const t2 = await createTestApp();
    const tid = (await t2.login('leader')).info.user.tenant.id;
    await t2.login('leader');
    await t2.login('leader');
    await t2.deps.database.db.execute(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
    await t2.deps.database.db.execute(sql`delete from audit_events where seq = 2`);
    const v = await verifyChain(t2.deps.database.db, tid);
    assert.equal(v.firstBroken?.seq, 2);
    assert.match(v.firstBroken?.reason ?? '', /missing/);
    // Removing the newest row leaves a gap only the chain head can reveal.
    await t2.deps.database.db.execute(sql`delete from audit_events where seq >= 2`);
    const tail = await verifyChain(t2.deps.database.db, tid);
    assert.equal(tail.ok, false);
    assert.match(tail.firstBroken?.reason ?? '', /removed/);
    await t2.close();
  });
});

test('npm run audit:verify walks the chain on disk and names the first broken row', {
  skip: process.env.TEST_ENGINE === 'postgres' && 'covered on PGlite',
}, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gc-audit-'));
  try {
    const database = await openDatabase({ dataDir: path.join(dir, 'pg') });
    await migrateDatabase(database);
    await seedDemo({ config: parseConfig({}), database, clock: new ManualClock(), log: pino({ level: 'silent' }) });
    const root = path.resolve(import.meta.dirname, '../../..');
    const run = () =>
      spawnSync('npm', ['run', '--silent', 'audit:verify'], {
        cwd: root,
        env: { ...process.env, DATA_DIR: dir },
        encoding: 'utf8',
      });
    await database.close();
    const ok = run();
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /OK, 1 events/);
    const again = await openDatabase({ dataDir: path.join(dir, 'pg') });
    await again.db.execute(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
    await again.db.execute(sql`update audit_events set actor_name = 'someone else' where seq = 1`);
    await again.close();
    const bad = run();
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /BROKEN at seq 1: content does not match its hash/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

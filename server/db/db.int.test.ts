/**
 * One dialect, two engines: the same migrations and the same repo queries on PGlite and on PostgreSQL,
 * and the multi-tenant rules the schema must keep (tenant_id everywhere, in every unique key).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { listTenantIds } from '../jobs/jobs.repo.ts';
import { verifyChain } from '../modules/audit/index.ts';
import { cloneTestDatabase, type TestDatabase, testEngine } from '../test/db.ts';
import { type Database, openDatabase, rowsOf } from './client.ts';
import { migrateDatabase, migrationStatus } from './migrate.ts';

let tdb: TestDatabase;
before(async () => {
  tdb = await cloneTestDatabase();
});
after(() => tdb.drop());

async function catalog(database: Database) {
  const q = async <T>(s: ReturnType<typeof sql>) => rowsOf<T>(await database.db.execute(s));
  const columns = await q<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(sql`
    select table_name, column_name, data_type, is_nullable from information_schema.columns
    where table_schema = 'public' order by table_name, column_name`);
  const indexes = await q<{ tablename: string; indexname: string; indexdef: string }>(sql`
    select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by indexname`);
  const constraints = await q<{ conname: string; def: string }>(sql`
    select conname, pg_get_constraintdef(c.oid) as def from pg_constraint c
    join pg_namespace n on n.oid = c.connamespace
    -- PostgreSQL 18 (PGlite) also lists NOT NULL as constraints (contype 'n'); 15 does not. Columns cover nullability.
    where n.nspname = 'public' and c.contype <> 'n' order by conname`);
  const triggers = await q<{ tgname: string }>(sql`
    select tgname from pg_trigger where not tgisinternal order by tgname`);
  return { columns, indexes, constraints, triggers };
}

describe(`schema on ${testEngine()}`, () => {
  test('all committed migrations are applied', async () => {
    const s = await migrationStatus(tdb.database);
    assert.ok(s.expected >= 2);
    assert.equal(s.applied, s.expected);
  });

  test('every table has a non-null tenant_id', async () => {
    const { columns } = await catalog(tdb.database);
    const tables = [...new Set(columns.map((c) => c.table_name))];
    assert.ok(tables.length >= 8);
    for (const table of tables) {
      const tid = columns.find((c) => c.table_name === table && c.column_name === 'tenant_id');
      assert.ok(tid, `${table} has no tenant_id`);
      assert.equal(tid.is_nullable, 'NO', `${table}.tenant_id is nullable`);
    }
  });

  test('every unique index and foreign key includes tenant_id (tenants.code excepted: a reference table)', async () => {
    const { indexes, constraints } = await catalog(tdb.database);
    for (const ix of indexes.filter((i) => /UNIQUE/.test(i.indexdef))) {
      if (ix.indexname === 'tenants_code_uq') continue;
      assert.match(ix.indexdef, /\(tenant_id[,)]/, `${ix.indexname} must lead with tenant_id: ${ix.indexdef}`);
    }
    for (const fk of constraints.filter((c) => c.def.startsWith('FOREIGN KEY'))) {
      assert.match(fk.def, /^FOREIGN KEY \(tenant_id, /, `${fk.conname}: ${fk.def}`);
    }
  });
});

describe('the same schema and queries on both engines', () => {
  const pgUrl = process.env.TEST_DATABASE_URL;
  test('PGlite and PostgreSQL end with identical catalogs and answer repo queries alike', {
    skip: !pgUrl && 'TEST_DATABASE_URL not set',
  }, async () => {
    const [a, b] = await Promise.all([cloneTestDatabase('pglite'), cloneTestDatabase('postgres')]);
    try {
      const [ca, cb] = await Promise.all([catalog(a.database), catalog(b.database)]);
      assert.deepEqual(ca, cb);
      const [ta, tb] = await Promise.all([listTenantIds(a.database.db), listTenantIds(b.database.db)]);
      assert.equal(ta.length, 1);
      assert.equal(tb.length, 1);
      const [va, vb] = await Promise.all([
        verifyChain(a.database.db, ta[0] ?? ''),
        verifyChain(b.database.db, tb[0] ?? ''),
      ]);
      assert.deepEqual(va, vb);
      assert.equal(va.ok, true);
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  });

  test('two instances migrating one fresh PostgreSQL database at once both succeed, migrating once', {
    skip: !pgUrl && 'TEST_DATABASE_URL not set',
  }, async () => {
    const name = `gc_mig_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const u = new URL(pgUrl ?? '');
    u.pathname = `/${name}`;
    const url = u.toString();
    const [d1, d2] = await Promise.all([openDatabase({ databaseUrl: url }), openDatabase({ databaseUrl: url })]);
    try {
      await Promise.all([migrateDatabase(d1, url), migrateDatabase(d2, url)]);
      const s = await migrationStatus(d1);
      assert.equal(s.applied, s.expected);
      const n = rowsOf<{ n: number }>(
        await d1.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`),
      );
      assert.equal(n[0]?.n, s.expected, 'each migration recorded exactly once');
    } finally {
      await Promise.all([d1.close(), d2.close()]);
      await admin.query(`drop database ${name} with (force)`);
      await admin.end();
    }
  });
});

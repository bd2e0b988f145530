/**
 * The hot-path helpers give what drizzle would: rows written through one jsonb parameter read back
 * equal to rows written by drizzle's builder, and prepared statements run on the database and
 * inside a transaction, on both engines.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { bigint, boolean, doublePrecision, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { cloneTestDatabase, type TestDatabase, testEngine } from '../test/db.ts';
import { rowsOf } from './client.ts';
import { insertJsonRows, rowFromDriver } from './json-rows.ts';
import { prepared } from './prepared.ts';
import { tz } from './schema.core.ts';

// A table of every column type the helper accepts, with defaults; created by the test only.
const probe = pgTable('json_rows_probe', {
  id: uuid('id').primaryKey(),
  label: text('label').notNull(),
  amount: doublePrecision('amount'),
  count: integer('count').notNull().default(7),
  big: bigint('big', { mode: 'number' }),
  at: tz('at'),
  data: jsonb('data').$type<Record<string, unknown>>(),
  tags: text('tags').array(),
  flag: boolean('flag').notNull().default(false),
});

let tdb: TestDatabase;
before(async () => {
  tdb = await cloneTestDatabase();
  await tdb.database.db.execute(sql`create table json_rows_probe (id uuid primary key, label text not null,
    amount double precision, count integer not null default 7, big bigint, at timestamptz, data jsonb,
    tags text[], flag boolean not null default false)`);
});
after(() => tdb.drop());

const rows = [
  {
    id: '00000000-0000-4000-8000-000000000001',
    label: '垃圾箱满溢 "quoted" \\ back',
    amount: 113.70512345678901,
    big: 2 ** 52 + 1,
    at: new Date('2026-11-28T08:30:00.123Z'),
    data: { nested: { list: [1, 'двa', null], yes: true }, note: '网格' },
    tags: ['a', 'b,c', '{x}'],
    flag: true,
  },
  // Nulls where allowed; count left to its default (in both rows).
  {
    id: '00000000-0000-4000-8000-000000000002',
    label: 'second',
    amount: null,
    at: null,
    data: null,
    tags: null,
    flag: false,
  },
];

describe(`json rows on ${testEngine()}`, () => {
  test('rows written through one jsonb parameter equal those drizzle writes', async () => {
    const db = tdb.database.db;
    const returned = await insertJsonRows(db, probe, rows, { returning: true });
    // The same values again through drizzle's builder, under other ids.
    const viaDrizzle = rows.map((r) => ({ ...r, id: r.id.replace('0000-4000', '1111-4000') }));
    await db.insert(probe).values(viaDrizzle);
    for (const r of rows) {
      const [a] = await db.select().from(probe).where(eq(probe.id, r.id));
      const [b] = await db
        .select()
        .from(probe)
        .where(eq(probe.id, r.id.replace('0000-4000', '1111-4000')));
      assert.deepEqual({ ...a, id: null }, { ...b, id: null });
      assert.deepEqual(
        returned.find((x) => x.id === r.id),
        a,
      );
    }
    const [second] = returned.filter((x) => x.label === 'second');
    assert.equal(second?.count, 7);
    assert.equal(returned[0]?.count, 7);
    assert.equal(second?.flag, false);
    assert.equal(returned[0]?.amount, rows[0]?.amount);
    assert.equal(returned[0]?.big, 2 ** 52 + 1);
  });

  test('a column with a default set in one row and not another is refused, not silently nulled', async () => {
    await assert.rejects(
      insertJsonRows(tdb.database.db, probe, [
        { id: '00000000-0000-4000-8000-000000000003', label: 'x', count: 1 },
        { id: '00000000-0000-4000-8000-000000000004', label: 'y' },
      ]),
      /rows set different columns \(count\)/,
    );
  });

  test('a prepared statement runs on the database and inside a transaction', async () => {
    const byLabel = prepared<{ id: string; at: string | null; data: unknown }>(
      'test_probe_by_label',
      'select id, at, data from json_rows_probe where label = $1 order by id',
    );
    const db = tdb.database.db;
    const direct = await byLabel.run(db, ['second']);
    assert.equal(direct.length, 2);
    // Twice on the same connection pool: the second run reuses the named statement.
    assert.deepEqual(await byLabel.run(db, ['second']), direct);
    const inTx = await db.transaction(async (tx) => {
      await tx.execute(
        sql`update json_rows_probe set label = 'renamed' where id = '00000000-0000-4000-8000-000000000002'`,
      );
      return byLabel.run(tx, ['renamed']);
    });
    assert.deepEqual(
      inTx.map((r) => r.id),
      ['00000000-0000-4000-8000-000000000002'],
    );
    await assert.rejects(byLabel.run(db, []), /1 parameters expected, 0 given/);
    assert.throws(() => prepared('test_probe_by_label', 'select 1'), /declared twice/);
  });

  test('rowFromDriver decodes a jsonb row like drizzle decodes columns', async () => {
    const [r] = rowsOf<{ row: Record<string, unknown> }>(
      await tdb.database.db.execute(
        sql`select to_jsonb(p) as row from json_rows_probe p where id = '00000000-0000-4000-8000-000000000001'`,
      ),
    );
    const [expected] = await tdb.database.db
      .select()
      .from(probe)
      .where(eq(probe.id, '00000000-0000-4000-8000-000000000001'));
    assert.deepEqual(rowFromDriver(probe, r?.row ?? {}), expected);
  });
});

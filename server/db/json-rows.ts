/**
 * Hot-path writes without per-value query building. Drizzle builds an INSERT by walking every value
 * of every row as a bound parameter (its `is()` checks and fragment merging were the largest single
 * cost of a case intake, ahead of the database itself). Here the rows travel as one jsonb parameter
 * and PostgreSQL unpacks them with jsonb_populate_recordset, so the SQL text is the same for one row
 * or a hundred and building it costs a string join. Rows come back through the table's own column
 * decoders, so callers get exactly what a drizzle `returning()` would give them.
 */
import { getTableColumns, getTableName, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { type Executor, rowsOf } from './client.ts';

/** Column types whose JSON form jsonb_populate_recordset reads back exactly. */
const SUPPORTED = new Set([
  'PgUUID',
  'PgText',
  'PgInteger',
  'PgDoublePrecision',
  'PgJsonb',
  'PgTimestamp',
  'PgBoolean',
  'PgBigInt53',
  'PgArray',
]);

interface TableInfo {
  name: string;
  /** property name → column */
  columns: [string, PgColumn][];
  byKey: Map<string, PgColumn>;
}

const infos = new WeakMap<PgTable, TableInfo>();

function infoOf(table: PgTable): TableInfo {
  let info = infos.get(table);
  if (!info) {
    const columns = Object.entries(getTableColumns(table)) as [string, PgColumn][];
    info = { name: getTableName(table), columns, byKey: new Map(columns) };
    infos.set(table, info);
  }
  return info;
}

/** A value as jsonb_populate_recordset should see it (what drizzle would bind, JSON-shaped). */
function jsonValue(column: PgColumn, v: unknown): unknown {
  if (v === null) return null;
  if (v instanceof Date) return column.mapToDriverValue(v);
  return v;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * The INSERT of `rows` into `table` through one jsonb parameter, as a fragment (to run, or to use as
 * a WITH clause of another statement). Columns are those set in any row; a column with a default
 * must be set in all of them or none, since one missing from a row would be stored as NULL instead
 * of its default.
 */
export function jsonInsertSql<T extends PgTable>(
  table: T,
  rows: T['$inferInsert'][],
  opts: {
    returning?: boolean;
    onConflict?: SQL;
    where?: SQL;
    /** Columns computed in SQL instead of sent: their values may use `r.ordinality` (1, 2, … in row order). */
    computed?: [column: string, value: SQL][];
  } = {},
): SQL {
  const info = infoOf(table);
  const keys = [
    ...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => (r as Record<string, unknown>)[k] !== undefined))),
  ];
  const columns = keys.map((k) => {
    const c = info.byKey.get(k);
    if (!c) throw new Error(`${info.name}: no column for ${k}`);
    if (!SUPPORTED.has(c.columnType)) throw new Error(`${info.name}.${c.name}: ${c.columnType} not supported`);
    return c;
  });
  const payload = rows.map((row) => {
    const r = row as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const column = columns[i] as PgColumn;
      const v = r[keys[i] as string];
      // Listed but unset means NULL here, where drizzle would write DEFAULT: only the same for no default.
      if (v === undefined && (column.hasDefault || column.defaultFn || column.onUpdateFn))
        throw new Error(`${info.name}: rows set different columns (${column.name})`);
      out[column.name] = v === undefined ? null : jsonValue(column, v);
    }
    return out;
  });
  const computed = opts.computed ?? [];
  const list = [...columns.map((c) => quote(c.name)), ...computed.map(([c]) => quote(c))].join(', ');
  const values = columns.map((c) => `r.${quote(c.name)}`).join(', ');
  return sql.join([
    sql.raw(`insert into ${quote(info.name)} (${list}) select ${values}`),
    ...computed.map(([, v]) => sql`, ${v}`),
    sql.raw(` from jsonb_populate_recordset(null::${quote(info.name)}, `),
    sql`${JSON.stringify(payload)}::jsonb) with ordinality as r`,
    opts.where ? sql` where ${opts.where}` : sql``,
    opts.onConflict ? sql` ${opts.onConflict}` : sql``,
    sql.raw(opts.returning ? ' returning *' : ''),
  ]);
}

/**
 * Insert rows of `table` through one jsonb parameter (see jsonInsertSql); with `returning`, the
 * stored rows (defaults filled) decoded by the table's columns. `prefix` is a WITH clause run in
 * the same statement; `onConflict` an ON CONFLICT clause (`excluded` is the row offered).
 */
export async function insertJsonRows<T extends PgTable>(
  ex: Executor,
  table: T,
  rows: T['$inferInsert'][],
  opts: { returning?: boolean; prefix?: SQL } & Parameters<typeof jsonInsertSql>[2] = {},
): Promise<T['$inferSelect'][]> {
  if (rows.length === 0) return [];
  const insert = jsonInsertSql(table, rows, opts);
  const result = await ex.execute(opts.prefix ? sql`${opts.prefix} ${insert}` : insert);
  if (!opts.returning) return [];
  return rowsOf<Record<string, unknown>>(result).map((r) => rowFromDriver(table, r));
}

/** A raw result row (column names as in the database) as the table's typed row, decoded like drizzle does. */
export function rowFromDriver<T extends PgTable>(table: T, raw: Record<string, unknown>): T['$inferSelect'] {
  const out: Record<string, unknown> = {};
  for (const [key, column] of infoOf(table).columns) {
    const v = raw[column.name];
    out[key] = v === null || v === undefined ? null : column.mapFromDriverValue(v);
  }
  return out as T['$inferSelect'];
}

/**
 * Statements run on every request, prepared once per connection. PostgreSQL spends more time
 * planning the intake's lookups (a join of session, user and tenant; a union of nearby cases and
 * spots) than running them, and drizzle's `execute` sends every statement unnamed, so it is parsed
 * and planned on each call. A named statement is parsed once per connection and, after a few
 * executions, runs a cached generic plan. On PGlite the name is ignored (one in-process
 * connection, nothing to save on the wire).
 *
 * The text is fixed and parameters are positional ($1, $2…); results are raw rows (column names as
 * in the database, timestamps as text) — decode them with json-rows' rowFromDriver or by hand.
 */
import { sql } from 'drizzle-orm';
import type { PgSession } from 'drizzle-orm/pg-core';
import type { Executor } from './client.ts';

interface PreparedQuery {
  execute(placeholders: Record<string, unknown>): Promise<unknown>;
}

export interface Prepared<R> {
  /** Run on the database or inside a transaction. */
  run(ex: Executor, params: readonly unknown[]): Promise<R[]>;
}

const names = new Set<string>();

/** A named statement: `text` uses $1…$n for the `params` given to run. */
export function prepared<R>(name: string, text: string): Prepared<R> {
  if (names.has(name)) throw new Error(`prepared statement ${name} declared twice`);
  names.add(name);
  const count = Math.max(0, ...[...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  const placeholders = Array.from({ length: count }, (_, i) => sql.placeholder(`p${i + 1}`));
  const keys = placeholders.map((_, i) => `p${i + 1}`);
  // A prepared query is bound to its session's client (the pool, or a transaction's connection).
  const bySession = new WeakMap<PgSession, PreparedQuery>();
  return {
    async run(ex, params) {
      if (params.length !== count) throw new Error(`${name}: ${count} parameters expected, ${params.length} given`);
      const session = (ex as unknown as { _: { session: PgSession } })._.session;
      let q = bySession.get(session);
      if (!q) {
        q = session.prepareQuery({ sql: text, params: placeholders }, undefined, `gc_${name}`, false) as PreparedQuery;
        bySession.set(session, q);
      }
      const values: Record<string, unknown> = {};
      for (let i = 0; i < count; i++) values[keys[i] as string] = params[i];
      const result = (await q.execute(values)) as { rows: R[] };
      return result.rows;
    },
  };
}

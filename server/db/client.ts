/**
 * One database API over two engines: PGlite (PostgreSQL compiled to WASM, in-process, files under
 * DATA_DIR/pg) and a PostgreSQL server through node-postgres. Same schema, same SQL.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a repo function can run SQL on: the database or an open transaction. */
export type Executor = Db | Tx;

export interface Database {
  engine: 'pglite' | 'postgres';
  db: Db;
  /** The PGlite instance, when embedded (tests dump and clone it). */
  pglite?: PGlite;
  pool?: pg.Pool;
  /**
   * Connections whose commits return before the WAL is flushed (synchronous_commit off), for writes a
   * crash may lose harmlessly — e.g. an Idempotency-Key claim, re-made by the client's retry. A later
   * durable commit on any connection flushes them too. PGlite has one connection: `db` itself.
   */
  relaxedDb: Db;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  /** PGlite data directory; 'memory://' for an in-memory database. */
  dataDir?: string;
  /** PGlite: start from a dumped data directory (a migrated template in tests). */
  loadDataDir?: Blob;
  poolSize?: number;
}

// node-postgres would otherwise parse bigint (int8) to strings and timestamps through the local TZ.
pg.types.setTypeParser(20, (v) => Number(v));

/** Open the database: PostgreSQL when a URL is given, PGlite otherwise. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // A dead connection in the pool must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    const relaxedPool = new pg.Pool({
      connectionString: opts.databaseUrl,
      // Every keyed intake's first lookup runs here (it claims the key in the same statement).
      max: opts.poolSize ?? 10,
      options: '-c synchronous_commit=off',
    });
    relaxedPool.on('error', () => {});
    const relaxedDb = drizzlePg(relaxedPool, { schema }) as unknown as Db;
    return {
      engine: 'postgres',
      db,
      pool,
      relaxedDb,
      close: async () => {
        await Promise.all([pool.end(), relaxedPool.end()]);
      },
    };
  }
  const dataDir = opts.dataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) mkdirSync(path.resolve(dataDir), { recursive: true });
  // Options object first: new PGlite(undefined, {...}) would silently drop them.
  const pglite = new PGlite({ dataDir, ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}) });
  await pglite.waitReady;
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return { engine: 'pglite', db, pglite, relaxedDb: db, close: () => pglite.close() };
}

/** Rows of a raw SQL result, the same shape from both drivers. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

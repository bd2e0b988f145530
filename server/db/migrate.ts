/**
 * Applies the committed SQL migrations with drizzle's runtime migrator, under a PostgreSQL advisory
 * lock so that two instances starting at once never both migrate.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { type Database, rowsOf } from './client.ts';

export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const MIGRATION_LOCK_KEY = 7_212_0001;

/** Bring the schema up to date. Safe to call from several processes at once. */
export async function migrateDatabase(database: Database, databaseUrl?: string): Promise<void> {
  if (database.engine === 'pglite') {
    // One process owns a PGlite data directory, so there is no one to race; same migrator, same files.
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder: MIGRATIONS_FOLDER });
    return;
  }
  // Session-level advisory locks belong to a connection: hold one connection for lock, migrate, unlock.
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migratePg(drizzlePg(client), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

interface Journal {
  entries: { idx: number; tag: string; when: number }[];
}

export function migrationJournal(): Journal {
  return JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as Journal;
}

/** How many committed migrations exist and how many the database has applied. */
export async function migrationStatus(database: Database): Promise<{ expected: number; applied: number }> {
  const expected = migrationJournal().entries.length;
  try {
    const r = rowsOf<{ n: number }>(
      await database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`),
    );
    return { expected, applied: r[0]?.n ?? 0 };
  } catch {
    return { expected, applied: 0 };
  }
}

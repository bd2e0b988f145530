/**
 * Test databases: one migrated and demo-seeded template, cloned per test file. PGlite by default (the
 * template is a dumped data directory under .cache/); PostgreSQL when TEST_ENGINE=postgres and
 * TEST_DATABASE_URL is set (the template is a database, cloned with CREATE DATABASE … TEMPLATE).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { parseConfig } from '../config.ts';
import { type Database, openDatabase } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { seedDemo } from '../db/seed/seed.service.ts';
import type { Deps } from '../deps.ts';
import { ManualClock } from '../lib/clock.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CACHE = path.join(ROOT, '.cache');
export const TEMPLATE_TIME = '2026-04-14T00:30:00Z';

export type Engine = 'pglite' | 'postgres';

export function testEngine(): Engine {
  return process.env.TEST_ENGINE === 'postgres' ? 'postgres' : 'pglite';
}

/**
 * Hash of everything that can shape the template: the migrations and all server code the seed may
 * reach (module seed files import their own data files), so a changed seed never leaves a stale template.
 */
function templateKey(): string {
  const h = createHash('sha256');
  const serverDir = path.join(ROOT, 'server');
  const files = readdirSync(serverDir, { recursive: true })
    .map(String)
    .filter(
      (f) => (f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('test/')) || f.startsWith('db/migrations/'),
    )
    .sort();
  for (const f of files) {
    const p = path.join(serverDir, f);
    if (statSync(p).isFile()) h.update(f).update(readFileSync(p));
  }
  return h.digest('hex').slice(0, 16);
}

function templateDeps(database: Database): Deps {
  return {
    config: parseConfig({ DEMO: 'on' }),
    database,
    clock: new ManualClock(TEMPLATE_TIME),
    log: pino({ level: 'silent' }),
  };
}

async function sleep(ms: number) {
  await new Promise((r) => setTimeout(r, ms));
}

async function pgliteTemplate(): Promise<Buffer> {
  const file = path.join(CACHE, `pglite-template-${templateKey()}.tar.gz`);
  const lock = `${file}.lock`;
  mkdirSync(CACHE, { recursive: true });
  for (;;) {
    if (existsSync(file)) return readFileSync(file);
    try {
      mkdirSync(lock); // atomic: one test process builds, the others wait
      break;
    } catch {
      // A lock left by a killed process is stale after two minutes.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 120_000)
        rmSync(lock, { recursive: true, force: true });
      await sleep(200);
    }
  }
  try {
    const database = await openDatabase({ dataDir: 'memory://' });
    await migrateDatabase(database);
    await seedDemo(templateDeps(database));
    const blob = (await database.pglite?.dumpDataDir('gzip')) as Blob;
    await database.close();
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    renameSync(tmp, file);
    // Templates of older code are dead weight (a few MB each): keep only the current one.
    for (const old of readdirSync(CACHE)) {
      if (old.startsWith('pglite-template-') && old.endsWith('.tar.gz') && path.join(CACHE, old) !== file) {
        rmSync(path.join(CACHE, old), { force: true });
      }
    }
    return readFileSync(file);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function adminUrl(dbName?: string): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_ENGINE=postgres needs TEST_DATABASE_URL');
  if (!dbName) return url;
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  return u.toString();
}

async function pgTemplate(): Promise<string> {
  const name = `gc_tpl_${templateKey()}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock(72120099)');
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      await admin.query(`create database ${name}`);
      const database = await openDatabase({ databaseUrl: adminUrl(name), poolSize: 2 });
      await migrateDatabase(database, adminUrl(name));
      await seedDemo(templateDeps(database));
      await database.close();
      await admin.query(`alter database ${name} with is_template true allow_connections false`);
    }
    await admin.query('select pg_advisory_unlock(72120099)');
  } finally {
    await admin.end();
  }
  return name;
}

export interface TestDatabase {
  database: Database;
  url?: string;
  drop(): Promise<void>;
}

/** A fresh database for one test file, cloned from the migrated, demo-seeded template. */
export async function cloneTestDatabase(engine: Engine = testEngine()): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const tpl = await pgliteTemplate();
    const database = await openDatabase({ dataDir: 'memory://', loadDataDir: new Blob([tpl]) });
    return { database, drop: () => database.close() };
  }
  const template = await pgTemplate();
  const name = `gc_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`create database ${name} template ${template}`);
  await admin.end();
  const url = adminUrl(name);
  const database = await openDatabase({ databaseUrl: url, poolSize: 5 });
  return {
    database,
    url,
    drop: async () => {
      await database.close();
      const a = new pg.Client({ connectionString: adminUrl() });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

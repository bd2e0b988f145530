/** An app on a cloned test database with a manual clock, plus helpers to log in as the demo accounts. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import type { TSessionInfo } from '../../common/auth.ts';
import { parseConfig } from '../config.ts';
import { DEMO_PASSWORD, DEMO_TOTP_SECRETS } from '../db/seed/demo.ts';
import type { Deps } from '../deps.ts';
import { buildApp } from '../http/app.ts';
import { ManualClock } from '../lib/clock.ts';
import { totpNow } from '../modules/auth/index.ts';
import { cloneTestDatabase, type Engine, type TestDatabase, testEngine } from './db.ts';

export interface Session {
  cookie: string;
  csrf: string;
  info: TSessionInfo;
}

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  clock: ManualClock;
  testDb: TestDatabase;
  /** Log in as a demo account (admins get their TOTP code computed). */
  login(username: string, password?: string): Promise<Session>;
  /** Inject a request as a session: cookie and CSRF header added. */
  as(session: Session | null, opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function createTestApp(
  opts: { engine?: Engine; start?: string; webDist?: string; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const testDb = await cloneTestDatabase(opts.engine ?? testEngine());
  const clock = new ManualClock(opts.start ?? '2026-04-15T01:00:00Z');
  // Files (photos …) go to a directory of this test app's own, removed on close, unless one is given.
  const ownDataDir = opts.env?.DATA_DIR ? null : mkdtempSync(path.join(os.tmpdir(), 'gc-test-data-'));
  const deps: Deps = {
    config: parseConfig({
      DEMO: 'on',
      LOG_LEVEL: 'silent',
      ...(ownDataDir ? { DATA_DIR: ownDataDir } : {}),
      ...opts.env,
    }),
    database: testDb.database,
    clock,
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  };
  const app = await buildApp(deps, { webDist: opts.webDist });
  await app.ready();
  const login = async (username: string, password = DEMO_PASSWORD): Promise<Session> => {
    const secret = (DEMO_TOTP_SECRETS as Record<string, string>)[username];
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password, ...(secret ? { totp: totpNow(secret, clock.now()) } : {}) },
    });
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'gc_sid');
    if (!cookie) throw new Error('no session cookie');
    const info = res.json() as TSessionInfo;
    // A TOTP code is single-use: move past its step so the next admin login gets a fresh one.
    if (secret) clock.advance(30_000);
    return { cookie: `gc_sid=${cookie.value}`, csrf: info.csrfToken, info };
  };
  const as = (session: Session | null, o: InjectOptions) =>
    app.inject({
      ...o,
      headers: {
        ...(o.headers ?? {}),
        ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {}),
      },
    });
  return {
    app,
    deps,
    clock,
    testDb,
    login,
    as,
    close: async () => {
      await app.close();
      await testDb.drop();
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
    },
  };
}

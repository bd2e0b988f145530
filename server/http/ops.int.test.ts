import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { parseConfig } from '../config.ts';
import { ManualClock } from '../lib/clock.ts';
import { createTestApp, type TestApp } from '../test/app.ts';
import { PUBLIC } from './access.ts';
import { buildApp } from './app.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

describe('operations endpoints', () => {
  test('healthz and readyz report the database and migrations', async () => {
    assert.equal((await t.app.inject({ url: '/healthz' })).json().status, 'ok');
    const ready = await t.app.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json().checks, { database: 'ok', migrations: 'ok' });
  });

  test('metrics are in Prometheus text format and count requests by route', async () => {
    await t.app.inject({ url: '/healthz' });
    const m = await t.app.inject({ url: '/metrics' });
    assert.match(String(m.headers['content-type']), /text\/plain/);
    assert.match(
      m.body,
      /gridcommand_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/,
    );
    assert.match(m.body, /process_cpu_user_seconds_total/);
  });

  test('the OpenAPI document describes the API from the zod schemas', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    assert.equal(doc.openapi, '3.0.3');
    const login = doc.paths['/api/v1/auth/login'].post;
    assert.deepEqual(login.requestBody.content['application/json'].schema.required.sort(), ['password', 'username']);
    assert.ok(doc.paths['/api/v1/users/{id}'].patch);
    const ui = await t.app.inject({ url: '/api/docs' });
    assert.ok([200, 302].includes(ui.statusCode));
  });
});

describe('errors', () => {
  test('unknown API paths answer a JSON 404 with the closed code', async () => {
    const r = await t.app.inject({ url: '/api/v1/nope' });
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().code, 'NOT_FOUND');
  });

  test('malformed JSON and wrong content types are client errors with codes', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":',
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'VALIDATION_FAILED');
    const type = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'text/xml' },
      payload: '<x/>',
    });
    assert.equal(type.statusCode, 415);
    assert.equal(type.json().code, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('a request id is returned and a 5xx never leaks its message', async () => {
    const logged: string[] = [];
    const app = await buildApp({
      config: parseConfig({}),
      database: t.deps.database,
      clock: new ManualClock(),
      log: pino({ level: 'error' }, { write: (s: string) => logged.push(s) }),
    });
    app.get('/boom', { config: { access: PUBLIC } }, async () => {
      throw new Error('secret connection string postgres://u:hunter2@db');
    });
    await app.ready();
    const r = await app.inject({ url: '/boom', headers: { 'x-request-id': 'req-123' } });
    assert.equal(r.statusCode, 500);
    assert.deepEqual(r.json(), {
      code: 'INTERNAL',
      message: '服务器内部错误,请稍后重试',
      details: { requestId: 'req-123' },
    });
    assert.ok(!r.body.includes('hunter2'));
    assert.ok(
      logged.some((l) => l.includes('hunter2') && l.includes('req-123')),
      'logged with the request id',
    );
    await app.close();
  });

  test('a route without an access declaration stops the app from starting', async () => {
    const app = await buildApp({
      config: parseConfig({}),
      database: t.deps.database,
      clock: new ManualClock(),
      log: pino({ level: 'silent' }),
    });
    assert.throws(() => app.get('/api/v1/undeclared', async () => 'x'), /declares no access policy/);
    await app.close();
  });
});

test('the built web app is served, deep links get index.html, API misses stay JSON', async () => {
  const dist = mkdtempSync(path.join(os.tmpdir(), 'gc-dist-'));
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(
    path.join(dist, 'index.html'),
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>网格</title></html>',
  );
  writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1)');
  const app = await buildApp(
    { config: parseConfig({}), database: t.deps.database, clock: new ManualClock(), log: pino({ level: 'silent' }) },
    { webDist: dist },
  );
  try {
    const home = await app.inject({ url: '/' });
    assert.equal(home.statusCode, 200);
    assert.match(String(home.headers['content-type']), /text\/html; charset=utf-8/);
    assert.match(home.body, /网格/);
    const deep = await app.inject({ url: '/users?page=2' });
    assert.equal(deep.statusCode, 200);
    assert.match(deep.body, /网格/);
    const asset = await app.inject({ url: '/assets/app.js' });
    assert.equal(asset.body, 'console.log(1)');
    const missingAsset = await app.inject({ url: '/assets/nope.js' });
    assert.equal(missingAsset.statusCode, 404);
    const api = await app.inject({ url: '/api/v1/nope' });
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().code, 'NOT_FOUND');
    const traversal = await app.inject({ url: '/../../etc/passwd' });
    assert.ok(!traversal.body.includes('root:'));
  } finally {
    await app.close();
    rmSync(dist, { recursive: true, force: true });
  }
});

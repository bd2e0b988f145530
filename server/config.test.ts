import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { parseConfig } from './config.ts';

test('defaults: port 3000, ./data, Asia/Shanghai, all roles, demo on for the embedded database', () => {
  const c = parseConfig({});
  assert.equal(c.PORT, 3000);
  assert.equal(c.DATA_DIR, './data');
  assert.equal(c.TZ, 'Asia/Shanghai');
  assert.deepEqual(c.ROLES, ['api', 'worker', 'sensors']);
  assert.equal(c.engine, 'pglite');
  assert.equal(c.DEMO, true);
});

test('with a DATABASE_URL demo data is off unless asked for', () => {
  const c = parseConfig({ DATABASE_URL: 'postgres://u:p@127.0.0.1/db' });
  assert.equal(c.engine, 'postgres');
  assert.equal(c.DEMO, false);
  assert.equal(parseConfig({ DATABASE_URL: 'postgres://h/db', DEMO: 'on' }).DEMO, true);
});

test('invalid values name the variable', () => {
  assert.throws(() => parseConfig({ PORT: 'abc' }), /PORT/);
  assert.throws(() => parseConfig({ ROLES: 'api,cook' }), /ROLES/);
  assert.throws(() => parseConfig({ TZ: 'Mars/Olympus' }), /TZ/);
  assert.throws(() => parseConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
  assert.throws(() => parseConfig({ DEMO: 'maybe' }), /DEMO/);
});

test('the server exits with one clear line on bad configuration', () => {
  const root = path.resolve(import.meta.dirname, '..');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '99999' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 2);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] ?? '', /^Invalid configuration: PORT /);
});

/**
 * The authorisation matrix. Every route Fastify has registered must have an entry in some module's
 * `*.authz.ts`, with the access it declares; then each route is called anonymously and as each role,
 * and object routes are called in and out of the caller's data scope (out of scope answers 404).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { permissionsOf, ROLES, type TRole } from '../../common/roles.ts';
import { createTestApp, type Session, type TestApp } from '../test/app.ts';
import type { Ctx, Matrix, ScopeCase } from '../test/authz.ts';
import { describeAccess } from './access.ts';

// Collect every module's matrix file: server/**/*.authz.ts.
const serverDir = path.resolve(import.meta.dirname, '..');
const files = readdirSync(serverDir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.authz.ts'))
  .sort();
const MATRIX: Matrix = {};
const SCOPE_CASES: ScopeCase[] = [];
for (const f of files) {
  const mod = (await import(path.join(serverDir, f))) as { MATRIX?: Matrix; SCOPE_CASES?: ScopeCase[] };
  for (const [k, v] of Object.entries(mod.MATRIX ?? {})) {
    assert.ok(!MATRIX[k], `${k} is declared in two matrix files`);
    MATRIX[k] = v;
  }
  SCOPE_CASES.push(...(mod.SCOPE_CASES ?? []));
}

// A stand-in web build, so the static-file routes are registered too.
const webDist = mkdtempSync(path.join(os.tmpdir(), 'gc-web-'));
writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><meta charset="utf-8"><title>t</title>');

let t: TestApp;
let ctx: Ctx;
const sessions = new Map<TRole, Session>();

before(async () => {
  t = await createTestApp({ webDist });
  const sysAdmin = await t.login('sys_admin');
  const leader = await t.login('leader');
  const units = (await t.as(sysAdmin, { method: 'GET', url: '/api/v1/org/units' })).json().items as {
    id: string;
    name: string;
  }[];
  const users = (await t.as(sysAdmin, { method: 'GET', url: '/api/v1/users?pageSize=200' })).json().items as {
    id: string;
    username: string;
  }[];
  const target = await t.as(sysAdmin, {
    method: 'POST',
    url: '/api/v1/users',
    payload: {
      username: 'matrix_target',
      displayName: '矩阵目标',
      unitId: null,
      roles: ['unit_staff'],
      password: 'Matrix#Pass1',
    },
  });
  let counter = 0;
  const memo = new Map<string, Promise<unknown>>();
  ctx = {
    t,
    sysAdmin,
    leader,
    unit: (name) => units.find((u) => u.name === name)?.id ?? assert.fail(`unit ${name}`),
    user: (username) => users.find((u) => u.username === username)?.id ?? assert.fail(`user ${username}`),
    targetUserId: target.json().id,
    n: () => ++counter,
    memo: <T>(key: string, make: () => Promise<T>) => {
      if (!memo.has(key)) memo.set(key, make());
      return memo.get(key) as Promise<T>;
    },
  };
  for (const role of ROLES) sessions.set(role, await t.login(role));
});
after(async () => {
  await t.close();
  rmSync(webDist, { recursive: true, force: true });
});

const key = (method: string, url: string) => `${method} ${url}`;

describe('every registered route has a matrix entry', () => {
  test('no route is missing and no entry is stale', () => {
    const registered = t.app.registeredRoutes.filter(
      (r) => r.method !== 'HEAD' || !t.app.registeredRoutes.some((g) => g.method === 'GET' && g.url === r.url),
    );
    const missing = registered.filter((r) => !MATRIX[key(r.method, r.url)]).map((r) => key(r.method, r.url));
    assert.deepEqual(missing, [], `routes without a matrix entry: ${missing.join(', ')}`);
    const stale = Object.keys(MATRIX).filter((k) => !registered.some((r) => key(r.method, r.url) === k));
    assert.deepEqual(stale, [], `matrix entries for routes that no longer exist: ${stale.join(', ')}`);
  });

  test('each route declares the access its entry says', () => {
    for (const r of t.app.registeredRoutes) {
      const entry = MATRIX[key(r.method, r.url)] ?? MATRIX[key('GET', r.url)];
      assert.equal(describeAccess(r.access), entry?.access, key(r.method, r.url));
    }
  });

  test('every /api/v1 route except login requires a login', () => {
    for (const r of t.app.registeredRoutes.filter((x) => x.url.startsWith('/api/v1'))) {
      if (r.url === '/api/v1/auth/login' || r.url.startsWith('/api/v1/open311')) continue;
      assert.notEqual(describeAccess(r.access), 'public', key(r.method, r.url));
    }
  });
});

describe('each route as anonymous and as each role', () => {
  for (const [k, entry] of Object.entries(MATRIX)) {
    const request = entry.request;
    if (!request) continue;
    test(k, async () => {
      const anon = await t.app.inject(await request(ctx));
      if (entry.access === 'public') {
        assert.ok(anon.statusCode < 400, `${k} anonymous: ${anon.statusCode} ${anon.body.slice(0, 200)}`);
        return;
      }
      assert.equal(anon.statusCode, 401, `${k} anonymous`);
      assert.equal(anon.json().code, 'UNAUTHENTICATED');
      for (const role of ROLES) {
        const allowed =
          entry.access === 'authenticated' ||
          (permissionsOf([role]) as string[]).includes(entry.access.replace('permission:', ''));
        const session = entry.consumesSession ? await t.login(role) : sessions.get(role);
        const res = await t.as(session ?? null, await request(ctx));
        if (allowed) {
          assert.ok(
            ![401, 403].includes(res.statusCode),
            `${k} as ${role}: ${res.statusCode} ${res.body.slice(0, 200)}`,
          );
          assert.ok(res.statusCode < 500, `${k} as ${role}: ${res.statusCode}`);
        } else {
          assert.equal(res.statusCode, 403, `${k} as ${role} should be forbidden`);
          assert.equal(res.json().code, 'FORBIDDEN');
        }
      }
    });
  }
});

describe('objects in and out of the caller’s data scope', () => {
  for (const [role, what, request, expected] of SCOPE_CASES) {
    test(`${role}: ${what} → ${expected}`, async () => {
      const res = await t.as(sessions.get(role) ?? null, await request(ctx));
      assert.equal(res.statusCode, expected, res.body.slice(0, 200));
      if (expected === 404) assert.equal(res.json().code, 'NOT_FOUND');
    });
  }

  test('lists are filtered to the scope', async () => {
    const fw = await t.as(sessions.get('field_worker') ?? null, { method: 'GET', url: '/api/v1/org/units' });
    assert.deepEqual(
      fw.json().items.map((u: { name: string }) => u.name),
      ['李南岗社区'],
    );
    const uh = await t.as(sessions.get('unit_head') ?? null, { method: 'GET', url: '/api/v1/users?pageSize=200' });
    const names = uh.json().items.map((u: { username: string }) => u.username);
    assert.ok(names.includes('field_worker') && names.includes('unit_head'));
    assert.ok(!names.includes('inspector') && !names.includes('leader') && !names.includes('auditor'));
    const cmd = await t.as(sessions.get('commander') ?? null, { method: 'GET', url: '/api/v1/org/units' });
    const cmdUnits = cmd.json().items.map((u: { name: string }) => u.name);
    assert.ok(cmdUnits.includes('交通指挥部') && cmdUnits.includes('李南岗社区') && cmdUnits.includes('交通运输局'));
    assert.ok(!cmdUnits.includes('环保局'));
  });
});

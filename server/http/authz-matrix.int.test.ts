/**
 * The authorisation matrix. Every route Fastify has registered must have an entry here, with the access
 * it declares; then each route is called anonymously and as each role, and object routes are called in
 * and out of the caller's data scope (out of scope answers 404, not 403).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { permissionsOf, ROLES, type TRole } from '../../common/roles.ts';
import { createTestApp, type Session, type TestApp } from '../test/app.ts';
import { describeAccess } from './access.ts';

interface Ctx {
  unit(name: string): string;
  user(username: string): string;
  /** A target account made for this test, so changing it disturbs no one. */
  targetUserId: string;
  freshTokenId(): Promise<string>;
  n(): number;
}

interface Entry {
  access: string;
  /** The request to try; omitted for plugin routes tested once anonymously below. */
  request?: (ctx: Ctx) => InjectOptions | Promise<InjectOptions>;
  /** This route ends the caller's session: use a fresh one per call. */
  consumesSession?: boolean;
}

const MATRIX: Record<string, Entry> = {
  'GET /healthz': { access: 'public', request: () => ({ method: 'GET', url: '/healthz' }) },
  'GET /readyz': { access: 'public', request: () => ({ method: 'GET', url: '/readyz' }) },
  'GET /metrics': { access: 'public', request: () => ({ method: 'GET', url: '/metrics' }) },
  'GET /api/openapi.json': { access: 'public', request: () => ({ method: 'GET', url: '/api/openapi.json' }) },
  'GET /': { access: 'public', request: () => ({ method: 'GET', url: '/' }) },
  'GET /*': { access: 'public', request: () => ({ method: 'GET', url: '/org' }) },
  'GET /api/docs': { access: 'public' },
  'HEAD /api/docs/': { access: 'public' },
  'GET /api/docs/static/index.html': { access: 'public' },
  'GET /api/docs/static/swagger-initializer.js': { access: 'public' },
  'GET /api/docs/json': { access: 'public', request: () => ({ method: 'GET', url: '/api/docs/json' }) },
  'GET /api/docs/yaml': { access: 'public' },
  'GET /api/docs/static/*': { access: 'public' },
  'POST /api/v1/auth/login': {
    access: 'public',
    request: () => ({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'leader', password: 'Demo#2026' },
    }),
  },
  'POST /api/v1/auth/logout': {
    access: 'authenticated',
    consumesSession: true,
    request: () => ({ method: 'POST', url: '/api/v1/auth/logout' }),
  },
  'GET /api/v1/me': { access: 'authenticated', request: () => ({ method: 'GET', url: '/api/v1/me' }) },
  'POST /api/v1/me/password': {
    access: 'authenticated',
    // A wrong current password: the call is authorised but changes nothing.
    request: () => ({
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: 'Not#Current1', newPassword: 'Another#Pass2' },
    }),
  },
  'GET /api/v1/auth/tokens': {
    access: 'permission:tokens.manage',
    request: () => ({ method: 'GET', url: '/api/v1/auth/tokens' }),
  },
  'POST /api/v1/auth/tokens': {
    access: 'permission:tokens.manage',
    request: (c) => ({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      payload: { name: `m${c.n()}`, userId: c.targetUserId },
    }),
  },
  'DELETE /api/v1/auth/tokens/:id': {
    access: 'permission:tokens.manage',
    request: async (c) => ({ method: 'DELETE', url: `/api/v1/auth/tokens/${await c.freshTokenId()}` }),
  },
  'GET /api/v1/org/overview': {
    access: 'authenticated',
    request: () => ({ method: 'GET', url: '/api/v1/org/overview' }),
  },
  'GET /api/v1/org/units': {
    access: 'permission:org.read',
    request: () => ({ method: 'GET', url: '/api/v1/org/units' }),
  },
  'GET /api/v1/org/units/:id': {
    access: 'permission:org.read',
    request: (c) => ({ method: 'GET', url: `/api/v1/org/units/${c.unit('李南岗社区')}` }),
  },
  'GET /api/v1/users': { access: 'permission:users.read', request: () => ({ method: 'GET', url: '/api/v1/users' }) },
  'GET /api/v1/users/:id': {
    access: 'permission:users.read',
    request: (c) => ({ method: 'GET', url: `/api/v1/users/${c.user('field_worker')}` }),
  },
  'POST /api/v1/users': {
    access: 'permission:users.write',
    request: (c) => ({
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        username: `matrix${c.n()}`,
        displayName: '矩阵',
        unitId: null,
        roles: ['unit_staff'],
        password: 'Matrix#Pass1',
      },
    }),
  },
  'PATCH /api/v1/users/:id': {
    access: 'permission:users.write',
    request: (c) => ({ method: 'PATCH', url: `/api/v1/users/${c.targetUserId}`, payload: { displayName: '矩阵目标' } }),
  },
  'PUT /api/v1/users/:id/roles': {
    access: 'permission:users.roles',
    request: (c) => ({
      method: 'PUT',
      url: `/api/v1/users/${c.targetUserId}/roles`,
      payload: { roles: ['unit_staff'] },
    }),
  },
  'POST /api/v1/users/:id/unlock': {
    access: 'permission:users.unlock',
    request: (c) => ({ method: 'POST', url: `/api/v1/users/${c.targetUserId}/unlock` }),
  },
  'GET /api/v1/audit-events': {
    access: 'permission:audit.read',
    request: () => ({ method: 'GET', url: '/api/v1/audit-events' }),
  },
  'GET /api/v1/audit-events/verify': {
    access: 'permission:audit.verify',
    request: () => ({ method: 'GET', url: '/api/v1/audit-events/verify' }),
  },
};

/** Object routes in and out of scope: [role, route key, request, expected status]. */
const SCOPE_CASES: [TRole, string, (c: Ctx) => string, number][] = [
  ['unit_head', 'unit in own subtree', (c) => `/api/v1/org/units/${c.unit('李南岗社区')}`, 200],
  ['unit_head', 'another subdistrict', (c) => `/api/v1/org/units/${c.unit('九龙办事处')}`, 404],
  ['field_worker', 'own community', (c) => `/api/v1/org/units/${c.unit('李南岗社区')}`, 200],
  ['field_worker', 'parent subdistrict', (c) => `/api/v1/org/units/${c.unit('明湖办事处')}`, 404],
  ['commander', 'a member unit of the HQ', (c) => `/api/v1/org/units/${c.unit('明湖办事处')}`, 200],
  ['commander', 'a unit of another HQ', (c) => `/api/v1/org/units/${c.unit('环保局')}`, 404],
  ['leader', 'any unit', (c) => `/api/v1/org/units/${c.unit('环保局')}`, 200],
  ['unit_head', 'a user below', (c) => `/api/v1/users/${c.user('field_worker')}`, 200],
  ['unit_head', 'a user elsewhere', (c) => `/api/v1/users/${c.user('inspector')}`, 404],
  ['unit_head', 'a tenant-level user', (c) => `/api/v1/users/${c.user('auditor')}`, 404],
  ['commander', 'a user of a member unit', (c) => `/api/v1/users/${c.user('unit_head')}`, 200],
  ['commander', 'a user outside the HQ', (c) => `/api/v1/users/${c.user('inspector')}`, 404],
  ['leader', 'any user', (c) => `/api/v1/users/${c.user('inspector')}`, 200],
  ['sec_admin', 'a missing user', () => '/api/v1/users/00000000-0000-4000-8000-000000000000', 404],
];

let t: TestApp;
let ctx: Ctx;
const sessions = new Map<TRole, Session>();

// A stand-in web build, so the static-file routes are registered too.
const webDist = mkdtempSync(path.join(os.tmpdir(), 'gc-web-'));
writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><meta charset="utf-8"><title>t</title>');

before(async () => {
  t = await createTestApp({ webDist });
  const admin = await t.login('sys_admin');
  const units = (await t.as(admin, { method: 'GET', url: '/api/v1/org/units' })).json().items as {
    id: string;
    name: string;
  }[];
  const users = (await t.as(admin, { method: 'GET', url: '/api/v1/users?pageSize=200' })).json().items as {
    id: string;
    username: string;
  }[];
  const target = await t.as(admin, {
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
  ctx = {
    unit: (name) => units.find((u) => u.name === name)?.id ?? assert.fail(`unit ${name}`),
    user: (username) => users.find((u) => u.username === username)?.id ?? assert.fail(`user ${username}`),
    targetUserId: target.json().id,
    n: () => ++counter,
    freshTokenId: async () => {
      const r = await t.as(admin, {
        method: 'POST',
        url: '/api/v1/auth/tokens',
        payload: { name: `tok${++counter}`, userId: target.json().id },
      });
      return r.json().item.id;
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
      if (r.url === '/api/v1/auth/login') continue;
      assert.notEqual(describeAccess(r.access), 'public', key(r.method, r.url));
    }
  });
});

describe('each route as anonymous and as each role', () => {
  for (const [k, entry] of Object.entries(MATRIX)) {
    if (!entry.request) continue;
    test(k, async () => {
      const anon = await t.app.inject(await entry.request!(ctx));
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
        const res = await t.as(session ?? null, await entry.request!(ctx));
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
  for (const [role, what, url, expected] of SCOPE_CASES) {
    test(`${role}: ${what} → ${expected}`, async () => {
      const res = await t.as(sessions.get(role) ?? null, { method: 'GET', url: url(ctx) });
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

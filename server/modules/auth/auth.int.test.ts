import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/client.ts';
import { DEMO_TOTP_SECRETS } from '../../db/seed/demo.ts';
import { MINUTE } from '../../lib/clock.ts';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { totpNow } from './totp.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

const login = (body: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body });

async function auditActions(since: number): Promise<{ action: string; outcome: string; details: unknown }[]> {
  return rowsOf<{ action: string; outcome: string; details: unknown }>(
    await t.deps.database.db.execute(
      sql`select action, outcome, details from audit_events where seq > ${since} order by seq`,
    ),
  );
}
async function lastSeq(): Promise<number> {
  const r = rowsOf<{ n: number }>(
    await t.deps.database.db.execute(sql`select coalesce(max(seq),0)::int as n from audit_events`),
  );
  return r[0]?.n ?? 0;
}

describe('login', () => {
  test('success sets an HttpOnly SameSite session cookie, returns the CSRF token, and is audited once', async () => {
    const seq = await lastSeq();
    const res = await login({ username: 'leader', password: 'Demo#2026' });
    assert.equal(res.statusCode, 200);
    const c = res.cookies.find((x) => x.name === 'gc_sid');
    assert.ok(c);
    assert.equal(c.httpOnly, true);
    assert.equal(c.sameSite, 'Lax');
    assert.equal(c.path, '/');
    const body = res.json();
    assert.match(body.csrfToken, /^[0-9a-f]{48}$/);
    assert.equal(body.user.username, 'leader');
    assert.deepEqual(body.user.roles, ['leader']);
    const events = await auditActions(seq);
    assert.deepEqual(
      events.map((e) => [e.action, e.outcome]),
      [['auth.login', 'success']],
    );
  });

  test('wrong password and unknown user both answer INVALID_CREDENTIALS and are audited as failures', async () => {
    const seq = await lastSeq();
    const a = await login({ username: 'unit_staff', password: 'Wrong#2026' });
    const b = await login({ username: 'nobody', password: 'Wrong#2026' });
    assert.equal(a.statusCode, 401);
    assert.equal(a.json().code, 'INVALID_CREDENTIALS');
    assert.equal(b.statusCode, 401);
    assert.equal(b.json().code, 'INVALID_CREDENTIALS');
    assert.equal(a.json().message, b.json().message, 'no hint whether the user exists');
    const events = await auditActions(seq);
    assert.deepEqual(
      events.map((e) => [e.action, e.outcome, (e.details as { reason: string }).reason]),
      [
        ['auth.login', 'failure', 'bad_password'],
        ['auth.login', 'failure', 'unknown_user'],
      ],
    );
  });

  test('validation errors name the field', async () => {
    const res = await login({ username: '', password: 'x' });
    assert.equal(res.statusCode, 400);
    const body = res.json();
    assert.equal(body.code, 'VALIDATION_FAILED');
    assert.ok(body.details.some((d: { field: string }) => d.field === 'body.username'));
    const bad = await login({ username: 'leader', password: 'Demo#2026', totp: '12ab' });
    assert.ok(bad.json().details.some((d: { field: string }) => d.field === 'body.totp'));
  });

  test('five failures lock the account for 30 minutes, audited; the right password is refused while locked', async () => {
    const seq = await lastSeq();
    for (let i = 0; i < 4; i++) {
      const r = await login({ username: 'inspector', password: 'Wrong#2026' });
      assert.equal(r.json().code, 'INVALID_CREDENTIALS');
      assert.equal(r.json().details.remainingAttempts, 4 - i);
    }
    const fifth = await login({ username: 'inspector', password: 'Wrong#2026' });
    assert.equal(fifth.statusCode, 423);
    assert.equal(fifth.json().code, 'ACCOUNT_LOCKED');
    const right = await login({ username: 'inspector', password: 'Demo#2026' });
    assert.equal(right.statusCode, 423);
    const actions = (await auditActions(seq)).map((e) => e.action);
    assert.equal(actions.filter((a) => a === 'auth.lockout').length, 1);
    assert.equal(actions.filter((a) => a === 'auth.login').length, 6);
    t.clock.advance(29 * MINUTE);
    assert.equal((await login({ username: 'inspector', password: 'Demo#2026' })).statusCode, 423);
    t.clock.advance(2 * MINUTE);
    assert.equal((await login({ username: 'inspector', password: 'Demo#2026' })).statusCode, 200);
  });
});

describe('sessions', () => {
  test('GET /me answers with the same CSRF token; without a cookie it is 401', async () => {
    const s = await t.login('unit_head');
    const me = await t.as(s, { method: 'GET', url: '/api/v1/me' });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().csrfToken, s.csrf);
    assert.equal(me.json().user.unit.name, '明湖办事处');
    const anon = await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    assert.equal(anon.statusCode, 401);
    assert.equal(anon.json().code, 'UNAUTHENTICATED');
  });

  test('a write with the cookie but without the right X-CSRF-Token is refused', async () => {
    const s = await t.login('unit_staff');
    const none = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie } });
    assert.equal(none.statusCode, 403);
    assert.equal(none.json().code, 'CSRF_FAILED');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: s.cookie, 'x-csrf-token': 'f'.repeat(48) },
    });
    assert.equal(wrong.json().code, 'CSRF_FAILED');
    assert.equal((await t.as(s, { method: 'GET', url: '/api/v1/me' })).statusCode, 200, 'session still alive');
  });

  test('idle for more than 30 minutes ends the session; activity keeps it alive', async () => {
    const s = await t.login('field_worker');
    for (let i = 0; i < 4; i++) {
      t.clock.advance(25 * MINUTE);
      assert.equal((await t.as(s, { method: 'GET', url: '/api/v1/me' })).statusCode, 200, `after ${i + 1} × 25 min`);
    }
    t.clock.advance(31 * MINUTE);
    assert.equal((await t.as(s, { method: 'GET', url: '/api/v1/me' })).statusCode, 401);
  });

  test('a session ends 12 hours after login however active', async () => {
    const s = await t.login('commander');
    for (let i = 0; i < 24; i++) {
      t.clock.advance(29 * MINUTE);
      await t.as(s, { method: 'GET', url: '/api/v1/me' });
    }
    // 24 × 29 min = 11.6 h: still valid; 25 more minutes crosses 12 h.
    assert.equal((await t.as(s, { method: 'GET', url: '/api/v1/me' })).statusCode, 200);
    t.clock.advance(25 * MINUTE);
    assert.equal((await t.as(s, { method: 'GET', url: '/api/v1/me' })).statusCode, 401);
  });

  test('logout revokes the session and is audited', async () => {
    const s = await t.login('leader');
    const seq = await lastSeq();
    const out = await t.as(s, { method: 'POST', url: '/api/v1/auth/logout' });
    assert.equal(out.statusCode, 204);
    assert.equal((await t.as(s, { method: 'GET', url: '/api/v1/me' })).statusCode, 401);
    assert.deepEqual(
      (await auditActions(seq)).map((e) => e.action),
      ['auth.logout'],
    );
  });
});

describe('second factor for administrators', () => {
  test('an admin without a code gets TOTP_REQUIRED; a wrong code TOTP_INVALID; a used code cannot be replayed', async () => {
    const noCode = await login({ username: 'sys_admin', password: 'Demo#2026' });
    assert.equal(noCode.statusCode, 401);
    assert.equal(noCode.json().code, 'TOTP_REQUIRED');
    const code = totpNow(DEMO_TOTP_SECRETS.sys_admin, t.clock.now());
    const wrongCode = code === '000000' ? '111111' : '000000';
    const wrong = await login({ username: 'sys_admin', password: 'Demo#2026', totp: wrongCode });
    assert.equal(wrong.json().code, 'TOTP_INVALID');
    const ok = await login({ username: 'sys_admin', password: 'Demo#2026', totp: code });
    assert.equal(ok.statusCode, 200);
    const replay = await login({ username: 'sys_admin', password: 'Demo#2026', totp: code });
    assert.equal(replay.json().code, 'TOTP_INVALID');
  });

  test('a wrong password with a right code is still a wrong password', async () => {
    t.clock.advance(60_000);
    const r = await login({
      username: 'sec_admin',
      password: 'Nope#2026',
      totp: totpNow(DEMO_TOTP_SECRETS.sec_admin, t.clock.now()),
    });
    assert.equal(r.json().code, 'INVALID_CREDENTIALS');
  });
});

describe('password change', () => {
  test('weak new passwords are refused with the field named', async () => {
    const s = await t.login('unit_staff');
    const r = await t.as(s, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: 'Demo#2026', newPassword: 'password' },
    });
    assert.equal(r.statusCode, 422);
    assert.equal(r.json().code, 'PASSWORD_POLICY');
    assert.ok(r.json().details.every((d: { field: string }) => d.field === 'body.newPassword'));
    const wrongCurrent = await t.as(s, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: 'Nope#2026', newPassword: 'Better#Pass9' },
    });
    assert.equal(wrongCurrent.statusCode, 400);
    assert.equal(wrongCurrent.json().details[0].field, 'body.currentPassword');
  });

  test('a change revokes every session of the user; the new password works, the old does not', async () => {
    const a = await t.login('unit_staff');
    const b = await t.login('unit_staff');
    const r = await t.as(a, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: 'Demo#2026', newPassword: 'Better#Pass9' },
    });
    assert.equal(r.statusCode, 204);
    assert.equal((await t.as(a, { method: 'GET', url: '/api/v1/me' })).statusCode, 401);
    assert.equal((await t.as(b, { method: 'GET', url: '/api/v1/me' })).statusCode, 401);
    assert.equal((await login({ username: 'unit_staff', password: 'Demo#2026' })).statusCode, 401);
    assert.equal((await login({ username: 'unit_staff', password: 'Better#Pass9' })).statusCode, 200);
  });
});

describe('accounts', () => {
  test('disabling an account ends its sessions and refuses its logins', async () => {
    const victim = await t.login('auditor');
    const admin = await t.login('sys_admin');
    const r = await t.as(admin, {
      method: 'PATCH',
      url: `/api/v1/users/${victim.info.user.id}`,
      payload: { disabled: true },
    });
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().disabled, true);
    assert.equal((await t.as(victim, { method: 'GET', url: '/api/v1/me' })).statusCode, 401);
    const again = await login({ username: 'auditor', password: 'Demo#2026' });
    assert.equal(again.json().code, 'ACCOUNT_DISABLED');
    await t.as(admin, { method: 'PATCH', url: `/api/v1/users/${victim.info.user.id}`, payload: { disabled: false } });
    assert.equal((await login({ username: 'auditor', password: 'Demo#2026' })).statusCode, 200);
  });

  test('no account may hold two of the three admin roles: the service refuses and so does the database', async () => {
    const sec = await t.login('sec_admin');
    const target = await t.login('leader');
    const r = await t.as(sec, {
      method: 'PUT',
      url: `/api/v1/users/${target.info.user.id}/roles`,
      payload: { roles: ['sys_admin', 'audit_admin'] },
    });
    assert.equal(r.statusCode, 422);
    assert.equal(r.json().details[0].field, 'body.roles');
    await assert.rejects(
      t.deps.database.db.execute(
        sql`update users set roles = array['sys_admin','sec_admin'] where username = 'leader'`,
      ),
    );
  });

  test('granting an admin role issues a TOTP secret once; sys_admin cannot grant roles', async () => {
    const sys = await t.login('sys_admin');
    const created = await t.as(sys, {
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        username: 'ops2',
        displayName: '运维二',
        unitId: null,
        roles: ['unit_staff'],
        password: 'Strong#Pass1',
      },
    });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().totpEnrolled, false);
    const byAdmin = await t.as(sys, {
      method: 'PUT',
      url: `/api/v1/users/${created.json().id}/roles`,
      payload: { roles: ['audit_admin'] },
    });
    assert.equal(byAdmin.statusCode, 403);
    const sec = await t.login('sec_admin');
    const granted = await t.as(sec, {
      method: 'PUT',
      url: `/api/v1/users/${created.json().id}/roles`,
      payload: { roles: ['audit_admin'] },
    });
    assert.equal(granted.statusCode, 200);
    assert.match(granted.json().totpProvisioningUri, /^otpauth:\/\/totp\//);
    assert.equal(granted.json().user.totpEnrolled, true);
    const adminInCreate = await t.as(sys, {
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        username: 'ops3',
        displayName: '运维三',
        unitId: null,
        roles: ['sec_admin'],
        password: 'Strong#Pass1',
      },
    });
    assert.equal(adminInCreate.statusCode, 422);
  });
});

describe('API tokens', () => {
  test('a token authenticates without CSRF, is stored hashed, and stops working when revoked', async () => {
    const sys = await t.login('sys_admin');
    const svc = await t.as(sys, {
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        username: 'integration-bot',
        displayName: '对接服务',
        unitId: null,
        roles: ['leader'],
        password: 'Strong#Pass1',
      },
    });
    assert.equal(svc.statusCode, 201);
    const made = await t.as(sys, {
      method: 'POST',
      url: '/api/v1/auth/tokens',
      payload: { name: '12345 热线对接', userId: svc.json().id, expiresInDays: 30 },
    });
    assert.equal(made.statusCode, 201);
    const { token, item } = made.json();
    assert.match(token, /^gct_[0-9a-f]{32}_[0-9a-f]{32}_[0-9a-f]{64}$/);
    const stored = rowsOf<{ secret_hash: string }>(
      await t.deps.database.db.execute(sql`select secret_hash from api_tokens where id = ${item.id}`),
    );
    assert.ok(!token.includes(stored[0]?.secret_hash ?? 'x'), 'only a hash is stored');
    const bearer = { authorization: `Bearer ${token}` };
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().user.username, 'integration-bot');
    // Writes with a bearer token need no CSRF header (there is no cookie to ride on).
    const logout = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer });
    assert.equal(logout.statusCode, 204);
    const revoke = await t.as(sys, { method: 'DELETE', url: `/api/v1/auth/tokens/${item.id}` });
    assert.equal(revoke.statusCode, 204);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer });
    assert.equal(after.statusCode, 401);
    const tampered = token.slice(0, -1) + (token.endsWith('0') ? '1' : '0');
    assert.equal(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${tampered}` } }))
        .statusCode,
      401,
    );
  });

  test('tokens cannot be issued for administrator accounts', async () => {
    const sys = await t.login('sys_admin');
    const r = await t.as(sys, {
      method: 'POST',
      url: '/api/v1/auth/tokens',
      payload: { name: 'x', userId: sys.info.user.id },
    });
    assert.equal(r.statusCode, 422);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_ROLES, menuFor, permissionsOf, ROLE_PERMISSIONS, ROLES } from './roles.ts';

test('the three administrator roles share no management permission (三员分立)', () => {
  const [sys, sec, aud] = ADMIN_ROLES.map((r) => new Set(ROLE_PERMISSIONS[r].filter((p) => !p.endsWith('.read'))));
  for (const [a, b] of [
    [sys, sec],
    [sys, aud],
    [sec, aud],
  ] as const) {
    for (const p of a ?? []) assert.ok(!b?.has(p), `${p} held by two admin roles`);
  }
});

test('only the audit roles read the audit log, only audit_admin verifies it', () => {
  const readers = ROLES.filter((r) => ROLE_PERMISSIONS[r].includes('audit.read'));
  assert.deepEqual(readers.sort(), ['audit_admin', 'auditor']);
  assert.deepEqual(
    ROLES.filter((r) => ROLE_PERMISSIONS[r].includes('audit.verify')),
    ['audit_admin'],
  );
});

test('the menu follows permissions', () => {
  const field = menuFor(permissionsOf(['field_worker'])).map((m) => m.key);
  assert.ok(field.includes('home') && field.includes('org'));
  assert.ok(!field.includes('users') && !field.includes('audit') && !field.includes('tokens'));
  const sys = menuFor(permissionsOf(['sys_admin'])).map((m) => m.key);
  assert.ok(sys.includes('users') && sys.includes('tokens') && !sys.includes('audit'));
});

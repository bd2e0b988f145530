import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, passwordProblems, verifyPassword } from './password.ts';

test('accepts a long password with three character classes', () => {
  assert.deepEqual(passwordProblems('Demo#2026'), []);
  assert.deepEqual(passwordProblems('lower+digits123'), []);
});

test('rejects short passwords', () => {
  const p = passwordProblems('Ab1!xyz');
  assert.ok(p.some((x) => x.message.includes('8')));
});

test('rejects passwords with fewer than three classes', () => {
  assert.ok(passwordProblems('alllowercase1').some((x) => x.message.includes('三类')));
  assert.ok(passwordProblems('ABCDEFGH').length > 0);
});

test('rejects common passwords, case-insensitively, even when complex-looking', () => {
  for (const pw of ['P@ssw0rd', 'Admin@123', '1qaz@WSX', 'Aa123456']) {
    assert.ok(
      passwordProblems(pw).some((x) => x.message.includes('弱口令')),
      `${pw} should be rejected as common`,
    );
  }
});

test('rejects a password that contains the username and names the field', () => {
  const p = passwordProblems('Xleader#99', 'leader', 'body.newPassword');
  assert.ok(p.some((x) => x.field === 'body.newPassword' && x.message.includes('用户名')));
});

test('argon2id hashes verify only the right password', async () => {
  const h = await hashPassword('Right#Pass1');
  assert.match(h, /^\$argon2id\$/);
  assert.equal(await verifyPassword(h, 'Right#Pass1'), true);
  assert.equal(await verifyPassword(h, 'Wrong#Pass1'), false);
  assert.equal(await verifyPassword('not-a-hash', 'x'), false);
});

test('a generated initial password: fast salted hash, verified, salted per account, wrong ones refused', async () => {
  const { hashGeneratedPassword, verifyPassword } = await import('./password.ts');
  const a = hashGeneratedPassword('Kp7#mQ2x!Rt9Zw');
  const b = hashGeneratedPassword('Kp7#mQ2x!Rt9Zw');
  assert.notEqual(a, b, 'salted');
  assert.equal(await verifyPassword(a, 'Kp7#mQ2x!Rt9Zw'), true);
  assert.equal(await verifyPassword(a, 'Kp7#mQ2x!Rt9Zv'), false);
  assert.equal(await verifyPassword('$gc-sha256$broken', 'x'), false);
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { auditRowHash, canonicalJson, GENESIS_HASH, type HashedAuditRow } from './audit.hash.ts';

test('SM3 is available and matches the GB/T 32905 example', () => {
  assert.equal(
    createHash('sm3').update('abc').digest('hex'),
    '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
  );
});

test('canonical JSON sorts keys at every level and drops undefined', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null }, u: undefined }),
    '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
  );
  assert.equal(canonicalJson({ x: '中文' }), '{"x":"中文"}');
  assert.equal(canonicalJson(new Date('2026-04-14T00:00:00Z')), '"2026-04-14T00:00:00.000Z"');
});

const row: HashedAuditRow = {
  tenantId: '00000000-0000-4000-8000-000000000001',
  seq: 1,
  occurredAt: new Date('2026-04-14T00:00:00Z'),
  actorId: null,
  actorName: 'system',
  action: 'seed.demo',
  objectType: 'tenant',
  objectId: 'x',
  outcome: 'success',
  ip: null,
  requestId: null,
  details: { a: 1, b: [2, 3] },
  prevHash: GENESIS_HASH,
};

test('the hash is stable under key order and changes with any field or the previous hash', () => {
  const h = auditRowHash(row);
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.equal(auditRowHash({ ...row, details: { b: [2, 3], a: 1 } }), h);
  assert.notEqual(auditRowHash({ ...row, details: { a: 2, b: [2, 3] } }), h);
  assert.notEqual(auditRowHash({ ...row, outcome: 'failure' }), h);
  assert.notEqual(auditRowHash({ ...row, occurredAt: new Date('2026-04-14T00:00:00.001Z') }), h);
  assert.notEqual(auditRowHash({ ...row, prevHash: h }), h);
});

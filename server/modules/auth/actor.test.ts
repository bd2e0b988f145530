import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scopeKindOf, unitPathInScope } from './actor.ts';

test('the widest role decides the scope kind', () => {
  assert.equal(scopeKindOf(['field_worker']), 'unit');
  assert.equal(scopeKindOf(['unit_staff', 'commander']), 'hq');
  assert.equal(scopeKindOf(['commander', 'leader']), 'tenant');
});

test('a subtree scope contains the unit and its descendants only', () => {
  const scope = { kind: 'subtrees' as const, paths: ['/root/minghu/'], hqIds: [] };
  assert.equal(unitPathInScope(scope, '/root/minghu/'), true);
  assert.equal(unitPathInScope(scope, '/root/minghu/linangang/'), true);
  assert.equal(unitPathInScope(scope, '/root/'), false, 'parent is outside');
  assert.equal(unitPathInScope(scope, '/root/minghu2/'), false, 'a sibling sharing a prefix is outside');
  assert.equal(unitPathInScope(scope, null), false);
  assert.equal(unitPathInScope({ kind: 'tenant' }, null), true);
  assert.equal(unitPathInScope({ kind: 'subtrees', paths: [], hqIds: [] }, '/root/'), false);
});

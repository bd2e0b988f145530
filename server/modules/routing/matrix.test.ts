import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type MatrixRule, type ProblemContext, rankRules, sameKey, specificity } from './matrix.ts';

const p: ProblemContext = {
  categoryId: 'dust',
  categoryParentId: 'construction',
  industry: null,
  level: null,
  gridId: 'g1',
  communityId: 'linangang',
  subdistrictId: 'minghu',
};
const rule = (id: string, r: Partial<MatrixRule>): MatrixRule => ({
  id,
  categoryId: null,
  industry: null,
  areaKind: 'tenant',
  areaId: null,
  level: null,
  ...r,
});

test('a rule for another area or category does not apply', () => {
  assert.equal(specificity(rule('a', { areaKind: 'community', areaId: 'jiulong' }), p), null);
  assert.equal(specificity(rule('b', { categoryId: 'ads' }), p), null);
  assert.equal(specificity(rule('c', { industry: '餐饮' }), p), null);
  assert.equal(specificity(rule('d', { areaKind: 'grid', areaId: null }), p), null);
});

test('the exact category beats its group, which beats any category, in every area', () => {
  const ranked = rankRules(
    [
      rule('any-grid', { areaKind: 'grid', areaId: 'g1' }),
      rule('group-tenant', { categoryId: 'construction' }),
      rule('exact-tenant', { categoryId: 'dust' }),
      rule('group-community', { categoryId: 'construction', areaKind: 'community', areaId: 'linangang' }),
    ],
    p,
  );
  assert.deepEqual(
    ranked.map((r) => r.rule.id),
    ['exact-tenant', 'group-community', 'group-tenant', 'any-grid'],
  );
});

test('within a category rank the smaller area wins, then industry, then level', () => {
  const q = { ...p, industry: '建筑施工', level: 'community' };
  const ranked = rankRules(
    [
      rule('sub', { categoryId: 'dust', areaKind: 'subdistrict', areaId: 'minghu' }),
      rule('grid', { categoryId: 'dust', areaKind: 'grid', areaId: 'g1' }),
      rule('grid-ind', { categoryId: 'dust', areaKind: 'grid', areaId: 'g1', industry: '建筑施工' }),
      rule('grid-ind-lvl', {
        categoryId: 'dust',
        areaKind: 'grid',
        areaId: 'g1',
        industry: '建筑施工',
        level: 'community',
      }),
      rule('tenant', { categoryId: 'dust' }),
    ],
    q,
  );
  assert.deepEqual(
    ranked.map((r) => r.rule.id),
    ['grid-ind-lvl', 'grid-ind', 'grid', 'sub', 'tenant'],
  );
  assert.deepEqual(ranked[0]?.specificity, [2, 3, 1, 1]);
});

test('only identical keys tie', () => {
  const a = rule('a', { categoryId: 'dust', areaKind: 'community', areaId: 'linangang' });
  assert.ok(sameKey(a, { ...a, id: 'b' }));
  assert.ok(!sameKey(a, { ...a, id: 'c', areaId: 'jiulong' }));
  assert.ok(!sameKey(a, { ...a, id: 'd', industry: '餐饮' }));
});

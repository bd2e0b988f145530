import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffMs } from '../../jobs/worker.ts';
import { channelMatches, deliveryId, planMessages, retryDelayMs } from './notifications.plan.ts';

describe('delivery ids', () => {
  const n = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
  const c1 = '6ba7b810-9dad-41d1-80b4-00c04fd430c8';
  const c2 = '6ba7b811-9dad-41d1-80b4-00c04fd430c8';

  test('the same notification and channel always give the same UUID v5; another pair another id', () => {
    const a = deliveryId(n, c1);
    assert.equal(a, deliveryId(n, c1));
    assert.notEqual(a, deliveryId(n, c2));
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('which channels take a notification', () => {
  const district = { unitId: null, unitPath: null, includeSubunits: false, events: [] };
  const minghu = { unitId: 'mh', unitPath: '/root/mh/', includeSubunits: false, events: [] };
  const minghuTree = { ...minghu, includeSubunits: true };
  const atLinangang = { event: 'dispatched', unitId: 'lng', unitPath: '/root/mh/lng/' };
  const atMinghu = { event: 'dispatched', unitId: 'mh', unitPath: '/root/mh/' };
  const atJiulong = { event: 'dispatched', unitId: 'jl', unitPath: '/root/jl/' };
  const noUnit = { event: 'dispatched', unitId: null, unitPath: null };

  test('a tenant-wide channel takes everything, a unit channel its own unit', () => {
    assert.ok(channelMatches(district, atLinangang));
    assert.ok(channelMatches(district, noUnit));
    assert.ok(channelMatches(minghu, atMinghu));
    assert.ok(!channelMatches(minghu, atLinangang), 'below, without include_subunits');
    assert.ok(!channelMatches(minghu, noUnit));
  });

  test('with include_subunits, notifications of units below (by path) too, not of siblings', () => {
    assert.ok(channelMatches(minghuTree, atLinangang));
    assert.ok(channelMatches(minghuTree, atMinghu));
    assert.ok(!channelMatches(minghuTree, atJiulong));
  });

  test('the events filter: empty = all, otherwise only those listed', () => {
    const overdueOnly = { ...district, events: ['overdue', 'supervision_order'] };
    assert.ok(!channelMatches(overdueOnly, atLinangang));
    assert.ok(channelMatches(overdueOnly, { ...atLinangang, event: 'overdue' }));
  });
});

describe('planning messages under a rate budget', () => {
  const items = Array.from({ length: 45 }, (_, i) => i);
  const upTo = (n: number) => (g: readonly number[]) => g.length <= n;

  test('within the budget every item is its own message', () => {
    assert.deepEqual(planMessages([1, 2, 3], 20, upTo(10)), [[1], [2], [3]]);
  });

  test('over the budget items are combined, in order, into no more messages than the budget', () => {
    const groups = planMessages(items, 20, upTo(10));
    assert.ok(groups.length <= 20);
    assert.deepEqual(groups.flat(), items, 'every item once, in order');
    assert.equal(groups.length, 5, 'as few messages as the size limit allows');
  });

  test('what does not fit even combined waits (it is not dropped from the input, only left out)', () => {
    const groups = planMessages(items, 2, upTo(10));
    assert.equal(groups.length, 2);
    assert.deepEqual(groups.flat(), items.slice(0, 20));
  });

  test('no budget, no messages', () => {
    assert.deepEqual(planMessages(items, 0, upTo(10)), []);
    assert.deepEqual(planMessages(items, -3, upTo(10)), []);
  });
});

describe('retry delay', () => {
  test('the job backoff with ±20 % jitter', () => {
    for (const attempts of [1, 2, 3, 7]) {
      const base = backoffMs(attempts);
      assert.equal(
        retryDelayMs(attempts, () => 0),
        Math.round(base * 0.8),
      );
      assert.equal(
        retryDelayMs(attempts, () => 1),
        Math.round(base * 1.2),
      );
      const d = retryDelayMs(attempts);
      assert.ok(d >= base * 0.8 && d <= base * 1.2);
    }
    assert.ok(retryDelayMs(2, () => 0.5) > retryDelayMs(1, () => 0.5), 'grows with attempts');
  });
});

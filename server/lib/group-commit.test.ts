import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCommit } from './group-commit.ts';

/** A writer that records each batch it was asked to write and fails any batch holding a "bad" item. */
function recorder() {
  const batches: number[][] = [];
  const writer = new GroupCommit<number, string>(async (take) => {
    await new Promise((r) => setTimeout(r, 2));
    const items = take();
    batches.push(items);
    if (items.some((i) => i < 0)) throw new Error(`bad item in ${items.join(',')}`);
    return items.map((i) => `ok ${i}`);
  });
  return { writer, batches };
}

test('callers arriving while a batch is written go together in the next one', async () => {
  const { writer, batches } = recorder();
  const outs = await Promise.all(Array.from({ length: 30 }, (_, i) => writer.submit(i)));
  assert.deepEqual(
    outs,
    Array.from({ length: 30 }, (_, i) => `ok ${i}`),
  );
  assert.ok(batches.length < 30, `${batches.length} batches`);
  assert.deepEqual(
    batches.flat(),
    Array.from({ length: 30 }, (_, i) => i),
    'each item written once, in order',
  );
});

test('one bad item fails only its caller; the rest commit in a few batches', async () => {
  const { writer, batches } = recorder();
  const items = Array.from({ length: 16 }, (_, i) => (i === 11 ? -1 : i));
  const results = await Promise.allSettled(items.map((i) => writer.submit(i)));
  assert.equal(results.filter((r) => r.status === 'rejected').length, 1);
  assert.equal((results[11] as PromiseRejectedResult).reason.message, 'bad item in -1');
  const committed = batches.filter((b) => !b.includes(-1)).flat();
  assert.deepEqual(
    committed.sort((a, b) => a - b),
    items.filter((i) => i >= 0),
  );
  assert.ok(batches.length <= 1 + 2 * Math.ceil(Math.log2(16)) + 1, `${batches.length} batches`);
});

test('announced items are waited for, briefly', async () => {
  const { writer, batches } = recorder();
  const release = writer.expect();
  const first = writer.submit(1);
  await new Promise((r) => setTimeout(r, 5));
  release();
  const second = writer.submit(2);
  assert.deepEqual(await Promise.all([first, second]), ['ok 1', 'ok 2']);
  assert.deepEqual(batches, [[1, 2]]);
});

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { InvalidStorageKeyError, LocalDiskStorage, storageFor, storageKeys } from './media.storage.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'gc-media-'));
after(() => rmSync(root, { recursive: true, force: true }));

const T = '6f1c6a1e-0b7e-4c55-9a55-0d3b4c2c9f10';

describe('LocalDiskStorage', () => {
  const s = new LocalDiskStorage(path.join(root, 'media'));

  test('put, get, delete; nothing but the final file is left behind', async () => {
    const key = `${T}/2026/04/a1b2.jpg`;
    await s.put(key, Buffer.from('bytes'));
    assert.equal((await s.get(key))?.toString(), 'bytes');
    assert.deepEqual(readdirSync(path.join(root, 'media', T, '2026', '04')), ['a1b2.jpg']);
    await s.put(key, Buffer.from('again'));
    assert.equal((await s.get(key))?.toString(), 'again');
    await s.delete(key);
    assert.equal(await s.get(key), null);
    await s.delete(key);
  });

  test('keys that could escape the root or be read differently are refused', async () => {
    for (const key of [
      '../outside.jpg',
      `${T}/../../outside.jpg`,
      '/etc/passwd',
      '..\\outside.jpg',
      'a/./b.jpg',
      'a//b.jpg',
      'UPPER.jpg',
      'no-extension',
      'a/b.jpg/',
      'a/b..jpg',
      `${T}/x.jpg\0.png`,
      '',
    ]) {
      assert.throws(() => s.pathOf(key), InvalidStorageKeyError, key);
      await assert.rejects(s.put(key, Buffer.from('x')), InvalidStorageKeyError, key);
    }
    assert.deepEqual(readdirSync(root), ['media']);
  });

  test('server keys: tenant, year, month, id; the thumbnail beside it', () => {
    const k = storageKeys(T, 'c0ffee00-0000-4000-8000-000000000001', new Date('2026-04-15T01:00:00Z'), 'jpg');
    assert.deepEqual(k, {
      storageKey: `${T}/2026/04/c0ffee00-0000-4000-8000-000000000001.jpg`,
      thumbKey: `${T}/2026/04/c0ffee00-0000-4000-8000-000000000001.thumb.jpg`,
    });
    assert.equal(path.relative(s.root, s.pathOf(k.thumbKey)), k.thumbKey);
  });

  test('one storage per DATA_DIR', () => {
    const a = storageFor({ config: { DATA_DIR: root } as never });
    assert.equal(storageFor({ config: { DATA_DIR: root } as never }), a);
    assert.equal((a as LocalDiskStorage).root, path.join(root, 'media'));
    assert.notEqual(storageFor({ config: { DATA_DIR: path.join(root, 'other') } as never }), a);
  });
});

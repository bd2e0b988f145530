/**
 * Where photo bytes live. Keys are made by the server (`<tenant>/<yyyy>/<mm>/<uuid>.jpg`), never from
 * an uploaded name. The default backend is the local disk under DATA_DIR/media; an object store can
 * implement the same three calls.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Deps } from '../../deps.ts';

export interface MediaStorage {
  /** Store bytes under a key; a reader sees all of them or none (never a half-written file). */
  put(key: string, bytes: Buffer): Promise<void>;
  /** The bytes, or null when nothing is stored under the key. */
  get(key: string): Promise<Buffer | null>;
  /** Remove; a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/**
 * '/'-separated segments of lower-case letters, digits, '-' and '_', the last with an extension: no
 * '..', no absolute path, no backslash, nothing a file system could read differently.
 */
const KEY = /^([a-z0-9][a-z0-9_-]*\/)*[a-z0-9][a-z0-9_-]*(\.[a-z0-9]+)+$/;

export class InvalidStorageKeyError extends Error {}

/** Files under a root directory: written to a temp file, flushed, then renamed into place. */
export class LocalDiskStorage implements MediaStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The file for a key; refuses any key that is not a plain relative path inside the root. */
  pathOf(key: string): string {
    if (typeof key !== 'string' || key.length > 300 || !KEY.test(key)) {
      throw new InvalidStorageKeyError(`invalid storage key: ${JSON.stringify(String(key).slice(0, 80))}`);
    }
    const file = path.resolve(this.root, key);
    if (!file.startsWith(this.root + path.sep)) throw new InvalidStorageKeyError('storage key escapes the root');
    return file;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    const fh = await open(tmp, 'wx', 0o640);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } catch (e) {
      await fh.close().catch(() => {});
      await rm(tmp, { force: true });
      throw e;
    }
    await fh.close();
    try {
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}

const storages = new Map<string, MediaStorage>();

/** The storage for a deployment: DATA_DIR/media on the local disk (one instance per directory). */
export function storageFor(deps: Pick<Deps, 'config'>): MediaStorage {
  const root = path.resolve(deps.config.DATA_DIR, 'media');
  let s = storages.get(root);
  if (!s) {
    s = new LocalDiskStorage(root);
    storages.set(root, s);
  }
  return s;
}

/** Server-made keys for a new photo and its thumbnail. */
export function storageKeys(tenantId: string, id: string, at: Date, ext: 'jpg' | 'webp') {
  const yyyy = String(at.getUTCFullYear());
  const mm = String(at.getUTCMonth() + 1).padStart(2, '0');
  const dir = `${tenantId}/${yyyy}/${mm}`;
  return { storageKey: `${dir}/${id}.${ext}`, thumbKey: `${dir}/${id}.thumb.${ext}` };
}

import type { Ctx, Matrix, ScopeCase } from '../../test/authz.ts';
import { jpeg, uploadRequest } from './media.fixtures.ts';

const photo = (c: Ctx) => c.memo('media.jpg', () => jpeg(64, 48, { takenAt: '2026:04:15 08:00:00' }));

/** A photo the leader uploaded: every tenant-wide reader sees it, unit roles get 404. */
const leaderPhoto = (c: Ctx) =>
  c.memo('media.leader', async () => {
    const res = await c.t.as(c.leader, uploadRequest({ filename: 'matrix.jpg', bytes: await photo(c) }));
    return res.json().id as string;
  });

/** A photo the field worker (李南岗社区) uploaded, attached to no case. */
const workerPhoto = (c: Ctx) =>
  c.memo('media.worker', async () => {
    const fw = await c.t.login('field_worker');
    const res = await c.t.as(fw, uploadRequest({ filename: 'scene.jpg', bytes: await photo(c) }));
    return res.json().id as string;
  });

export const MATRIX: Matrix = {
  'POST /api/v1/media': {
    access: 'permission:media.upload',
    request: async (c) => uploadRequest({ filename: 'matrix.jpg', contentType: 'image/jpeg', bytes: await photo(c) }),
  },
  'GET /api/v1/media/:id': {
    access: 'permission:cases.read',
    request: async (c) => ({ method: 'GET', url: `/api/v1/media/${await leaderPhoto(c)}` }),
  },
  'GET /api/v1/media/:id/thumb': {
    access: 'permission:cases.read',
    request: async (c) => ({ method: 'GET', url: `/api/v1/media/${await leaderPhoto(c)}/thumb` }),
  },
  'GET /api/v1/media/:id/meta': {
    access: 'permission:cases.read',
    request: async (c) => ({ method: 'GET', url: `/api/v1/media/${await leaderPhoto(c)}/meta` }),
  },
};

const get = (url: string) => ({ method: 'GET' as const, url });

export const SCOPE_CASES: ScopeCase[] = [
  ['field_worker', 'own photo', async (c) => get(`/api/v1/media/${await workerPhoto(c)}`), 200],
  ['field_worker', 'own photo’s metadata', async (c) => get(`/api/v1/media/${await workerPhoto(c)}/meta`), 200],
  ['leader', 'a field worker’s photo', async (c) => get(`/api/v1/media/${await workerPhoto(c)}`), 200],
  ['auditor', 'a field worker’s photo', async (c) => get(`/api/v1/media/${await workerPhoto(c)}/thumb`), 200],
  ['inspector', 'a field worker’s photo', async (c) => get(`/api/v1/media/${await workerPhoto(c)}/meta`), 200],
  ['unit_staff', 'a colleague’s photo on no case', async (c) => get(`/api/v1/media/${await workerPhoto(c)}`), 404],
  ['unit_head', 'a photo from below on no case', async (c) => get(`/api/v1/media/${await workerPhoto(c)}/meta`), 404],
  ['commander', 'a photo on no case of the HQ', async (c) => get(`/api/v1/media/${await workerPhoto(c)}/thumb`), 404],
  ['field_worker', 'the leader’s photo', async (c) => get(`/api/v1/media/${await leaderPhoto(c)}`), 404],
  ['leader', 'a missing photo', () => get('/api/v1/media/00000000-0000-4000-8000-000000000000/meta'), 404],
];

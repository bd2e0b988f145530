import type { Matrix, ScopeCase } from '../../test/authz.ts';

export const MATRIX: Matrix = {
  'GET /api/v1/org/overview': {
    access: 'authenticated',
    request: () => ({ method: 'GET', url: '/api/v1/org/overview' }),
  },
  'GET /api/v1/org/units': {
    access: 'permission:org.read',
    request: () => ({ method: 'GET', url: '/api/v1/org/units' }),
  },
  'GET /api/v1/org/units/:id': {
    access: 'permission:org.read',
    request: (c) => ({ method: 'GET', url: `/api/v1/org/units/${c.unit('李南岗社区')}` }),
  },
  'GET /api/v1/users': { access: 'permission:users.read', request: () => ({ method: 'GET', url: '/api/v1/users' }) },
  'GET /api/v1/users/:id': {
    access: 'permission:users.read',
    request: (c) => ({ method: 'GET', url: `/api/v1/users/${c.user('field_worker')}` }),
  },
  'POST /api/v1/users': {
    access: 'permission:users.write',
    request: (c) => ({
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        username: `matrix${c.n()}`,
        displayName: '矩阵',
        unitId: null,
        roles: ['unit_staff'],
        password: 'Matrix#Pass1',
      },
    }),
  },
  'PATCH /api/v1/users/:id': {
    access: 'permission:users.write',
    request: (c) => ({ method: 'PATCH', url: `/api/v1/users/${c.targetUserId}`, payload: { displayName: '矩阵目标' } }),
  },
  'PUT /api/v1/users/:id/roles': {
    access: 'permission:users.roles',
    request: (c) => ({
      method: 'PUT',
      url: `/api/v1/users/${c.targetUserId}/roles`,
      payload: { roles: ['unit_staff'] },
    }),
  },
  'POST /api/v1/users/:id/unlock': {
    access: 'permission:users.unlock',
    request: (c) => ({ method: 'POST', url: `/api/v1/users/${c.targetUserId}/unlock` }),
  },
};

const get = (url: string) => ({ method: 'GET' as const, url });

export const SCOPE_CASES: ScopeCase[] = [
  ['unit_head', 'unit in own subtree', (c) => get(`/api/v1/org/units/${c.unit('李南岗社区')}`), 200],
  ['unit_head', 'another subdistrict', (c) => get(`/api/v1/org/units/${c.unit('九龙办事处')}`), 404],
  ['field_worker', 'own community', (c) => get(`/api/v1/org/units/${c.unit('李南岗社区')}`), 200],
  ['field_worker', 'parent subdistrict', (c) => get(`/api/v1/org/units/${c.unit('明湖办事处')}`), 404],
  ['commander', 'a member unit of the HQ', (c) => get(`/api/v1/org/units/${c.unit('明湖办事处')}`), 200],
  ['commander', 'a unit of another HQ', (c) => get(`/api/v1/org/units/${c.unit('环保局')}`), 404],
  ['leader', 'any unit', (c) => get(`/api/v1/org/units/${c.unit('环保局')}`), 200],
  ['unit_head', 'a user below', (c) => get(`/api/v1/users/${c.user('field_worker')}`), 200],
  ['unit_head', 'a user elsewhere', (c) => get(`/api/v1/users/${c.user('inspector')}`), 404],
  ['unit_head', 'a tenant-level user', (c) => get(`/api/v1/users/${c.user('auditor')}`), 404],
  ['commander', 'a user of a member unit', (c) => get(`/api/v1/users/${c.user('unit_head')}`), 200],
  ['commander', 'a user outside the HQ', (c) => get(`/api/v1/users/${c.user('inspector')}`), 404],
  ['leader', 'any user', (c) => get(`/api/v1/users/${c.user('inspector')}`), 200],
  ['sec_admin', 'a missing user', () => get('/api/v1/users/00000000-0000-4000-8000-000000000000'), 404],
];

import type { Ctx, Matrix, ScopeCase } from '../../test/authz.ts';

/** A channel made for the matrix (pointed at a closed local port: nothing runs the worker here). */
const matrixChannel = (c: Ctx, key: string) =>
  c.memo(`channel:${key}`, async () => {
    const res = await c.t.as(c.sysAdmin, {
      method: 'POST',
      url: '/api/v1/notification-channels',
      payload: {
        kind: 'webhook',
        name: `矩阵渠道${key}`,
        unitId: c.unit('明湖办事处'),
        url: 'http://127.0.0.1:9/matrix',
        secret: 'matrix-secret-0123456789',
      },
    });
    return res.json().id as string;
  });

const MISSING = '00000000-0000-4000-8000-000000000000';

export const MATRIX: Matrix = {
  'GET /api/v1/inbox': { access: 'authenticated', request: () => ({ method: 'GET', url: '/api/v1/inbox' }) },
  'GET /api/v1/inbox/unread-count': {
    access: 'authenticated',
    request: () => ({ method: 'GET', url: '/api/v1/inbox/unread-count' }),
  },
  'POST /api/v1/inbox/read': {
    access: 'authenticated',
    request: () => ({ method: 'POST', url: '/api/v1/inbox/read', payload: { all: true } }),
  },
  'GET /api/v1/notification-channels': {
    access: 'permission:notifications.manage',
    request: () => ({ method: 'GET', url: '/api/v1/notification-channels' }),
  },
  'POST /api/v1/notification-channels': {
    access: 'permission:notifications.manage',
    request: (c) => ({
      method: 'POST',
      url: '/api/v1/notification-channels',
      payload: { kind: 'wecom', name: `矩阵机器人${c.n()}`, url: 'http://127.0.0.1:9/cgi-bin/webhook/send?key=matrix' },
    }),
  },
  'PATCH /api/v1/notification-channels/:id': {
    access: 'permission:notifications.manage',
    request: async (c) => ({
      method: 'PATCH',
      url: `/api/v1/notification-channels/${await matrixChannel(c, 'patch')}`,
      payload: { name: `矩阵改名${c.n()}` },
    }),
  },
  'DELETE /api/v1/notification-channels/:id': {
    access: 'permission:notifications.manage',
    request: async (c) => ({
      method: 'DELETE',
      url: `/api/v1/notification-channels/${await matrixChannel(c, 'delete')}`,
    }),
  },
  'POST /api/v1/notification-channels/:id/test': {
    access: 'permission:notifications.manage',
    request: async (c) => ({
      method: 'POST',
      url: `/api/v1/notification-channels/${await matrixChannel(c, 'test')}/test`,
    }),
  },
  'GET /api/v1/notification-channels/:id/deliveries': {
    access: 'permission:notifications.manage',
    request: async (c) => ({
      method: 'GET',
      url: `/api/v1/notification-channels/${await matrixChannel(c, 'test')}/deliveries`,
    }),
  },
};

export const SCOPE_CASES: ScopeCase[] = [
  [
    'sys_admin',
    'a channel of the tenant',
    async (c) => ({ method: 'GET', url: `/api/v1/notification-channels/${await matrixChannel(c, 'test')}/deliveries` }),
    200,
  ],
  [
    'sys_admin',
    'a missing channel',
    () => ({ method: 'GET', url: `/api/v1/notification-channels/${MISSING}/deliveries` }),
    404,
  ],
  [
    'sys_admin',
    'changing a missing channel',
    () => ({ method: 'PATCH', url: `/api/v1/notification-channels/${MISSING}`, payload: { name: 'x' } }),
    404,
  ],
  [
    'sys_admin',
    'testing a missing channel',
    () => ({ method: 'POST', url: `/api/v1/notification-channels/${MISSING}/test` }),
    404,
  ],
];

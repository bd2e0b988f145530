import type { Ctx, Matrix } from '../../test/authz.ts';

const freshTokenId = async (c: Ctx) => {
  const r = await c.t.as(c.sysAdmin, {
    method: 'POST',
    url: '/api/v1/auth/tokens',
    payload: { name: `tok${c.n()}`, userId: c.targetUserId },
  });
  return r.json().item.id as string;
};

export const MATRIX: Matrix = {
  'POST /api/v1/auth/login': {
    access: 'public',
    request: () => ({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'leader', password: 'Demo#2026' },
    }),
  },
  'POST /api/v1/auth/logout': {
    access: 'authenticated',
    consumesSession: true,
    request: () => ({ method: 'POST', url: '/api/v1/auth/logout' }),
  },
  'GET /api/v1/me': { access: 'authenticated', request: () => ({ method: 'GET', url: '/api/v1/me' }) },
  'POST /api/v1/me/password': {
    access: 'authenticated',
    // A wrong current password: the call is authorised but changes nothing.
    request: () => ({
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: 'Not#Current1', newPassword: 'Another#Pass2' },
    }),
  },
  'GET /api/v1/auth/tokens': {
    access: 'permission:tokens.manage',
    request: () => ({ method: 'GET', url: '/api/v1/auth/tokens' }),
  },
  'POST /api/v1/auth/tokens': {
    access: 'permission:tokens.manage',
    request: (c) => ({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      payload: { name: `m${c.n()}`, userId: c.targetUserId },
    }),
  },
  'DELETE /api/v1/auth/tokens/:id': {
    access: 'permission:tokens.manage',
    request: async (c) => ({ method: 'DELETE', url: `/api/v1/auth/tokens/${await freshTokenId(c)}` }),
  },
};

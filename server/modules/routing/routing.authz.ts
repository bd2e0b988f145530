import type { Ctx, Matrix } from '../../test/authz.ts';

const newRule = (c: Ctx) => ({
  categoryId: null,
  industry: `行业${c.n()}`,
  areaKind: 'tenant',
  areaId: null,
  level: null,
  unitId: c.unit('城市管理局'),
});

const freshRuleId = async (c: Ctx) => {
  const r = await c.t.as(c.sysAdmin, { method: 'POST', url: '/api/v1/routing/rules', payload: newRule(c) });
  return r.json().id as string;
};

export const MATRIX: Matrix = {
  'GET /api/v1/routing/explain': {
    access: 'permission:routing.read',
    request: () => ({ method: 'GET', url: '/api/v1/routing/explain?lat=34.72&lng=113.73&category=E0102' }),
  },
  'GET /api/v1/routing/rules': {
    access: 'permission:routing.read',
    request: () => ({ method: 'GET', url: '/api/v1/routing/rules' }),
  },
  'POST /api/v1/routing/rules': {
    access: 'permission:routing.write',
    request: (c) => ({ method: 'POST', url: '/api/v1/routing/rules', payload: newRule(c) }),
  },
  'PUT /api/v1/routing/rules/:id': {
    access: 'permission:routing.write',
    request: async (c) => ({
      method: 'PUT',
      url: `/api/v1/routing/rules/${await freshRuleId(c)}`,
      payload: newRule(c),
    }),
  },
  'DELETE /api/v1/routing/rules/:id': {
    access: 'permission:routing.write',
    request: async (c) => ({ method: 'DELETE', url: `/api/v1/routing/rules/${await freshRuleId(c)}` }),
  },
};

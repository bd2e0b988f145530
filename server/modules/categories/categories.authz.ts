import type { Ctx, Matrix } from '../../test/authz.ts';

const categoryId = (c: Ctx) =>
  c.memo('category:E0102', async () => {
    const r = await c.t.as(c.leader, { method: 'GET', url: '/api/v1/categories' });
    return (r.json().items as { id: string; code: string }[]).find((x) => x.code === 'E0102')?.id ?? '';
  });

const rule = {
  leadHqId: null,
  leadUnitId: null,
  timeLimits: { normal: { value: 2, unit: 'working_hours' } },
  evidence: { beforePhotos: 1, afterPhotos: 1 },
  deductions: { city_video: 2 },
};

export const MATRIX: Matrix = {
  'GET /api/v1/categories': {
    access: 'permission:categories.read',
    request: () => ({ method: 'GET', url: '/api/v1/categories' }),
  },
  'GET /api/v1/categories/:id': {
    access: 'permission:categories.read',
    request: async (c) => ({ method: 'GET', url: `/api/v1/categories/${await categoryId(c)}` }),
  },
  'POST /api/v1/categories': {
    access: 'permission:categories.write',
    request: (c) => ({
      method: 'POST',
      url: '/api/v1/categories',
      payload: { code: `X${String(c.n()).padStart(4, '0')}`, parentId: null, name: '矩阵分类', kind: 'event', rule },
    }),
  },
  'PATCH /api/v1/categories/:id': {
    access: 'permission:categories.write',
    request: async (c) => ({
      method: 'PATCH',
      url: `/api/v1/categories/${await categoryId(c)}`,
      payload: { sortOrder: 2 },
    }),
  },
  'PUT /api/v1/categories/:id/rule': {
    access: 'permission:categories.write',
    request: async (c) => ({ method: 'PUT', url: `/api/v1/categories/${await categoryId(c)}/rule`, payload: rule }),
  },
};

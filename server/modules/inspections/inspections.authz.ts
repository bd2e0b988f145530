import type { InjectOptions } from 'fastify';
import type { Session } from '../../test/app.ts';
import type { Ctx, Matrix, ScopeCase } from '../../test/authz.ts';

/** A tenant-wide writer (督查员) to set objects up with. */
const inspector = (c: Ctx) => c.memo('inspections:inspector', () => c.t.login('inspector'));

const HOUR = 3_600_000;
const deadlineIn = (c: Ctx, ms: number) => new Date(c.t.clock.now().getTime() + ms).toISOString();

const orderBody = (c: Ctx, unitName: string, deadlineMs = 72 * HOUR) => ({
  party: { name: `矩阵测试商户${c.n()}`, address: '第四大街 1 号' },
  facts: '于 4 月 15 日在门店外占道经营',
  legalBasis: '《城市市容和环境卫生管理条例》第十四条',
  requiredActions: '清除店外摆放物品',
  deadline: deadlineIn(c, deadlineMs),
  issuingUnitId: c.unit(unitName),
});

async function issue(c: Ctx, s: Session, body: Record<string, unknown>): Promise<{ id: string; version: number }> {
  const res = await c.t.as(s, { method: 'POST', url: '/api/v1/rectification-orders', payload: body });
  if (res.statusCode !== 201) throw new Error(`order: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** An order issued by a unit (for read routes and scope cases). */
const orderOf = (c: Ctx, unitName: string) =>
  c.memo(`inspections:order:${unitName}`, async () => (await issue(c, await inspector(c), orderBody(c, unitName))).id);

/** An order of 李南岗社区 found not complied, so enforcement routes have something to act on. */
const notCompliedOrder = (c: Ctx) =>
  c.memo('inspections:not-complied', async () => {
    const s = await inspector(c);
    const o = await issue(c, s, orderBody(c, '李南岗社区', 60_000));
    c.t.clock.advance(61_000);
    const res = await c.t.as(s, {
      method: 'POST',
      url: `/api/v1/rectification-orders/${o.id}/follow-up`,
      headers: { 'if-match': `"${o.version}"` },
      payload: { result: 'not_complied', note: '复查时仍在店外摆放' },
    });
    if (res.statusCode !== 200) throw new Error(`follow-up: ${res.statusCode} ${res.body}`);
    return o.id;
  });

/** A seizure record of many items, so every permitted role can return one. */
const seizureOf = (c: Ctx, unitName: string) =>
  c.memo(`inspections:seizure:${unitName}`, async () => {
    const s = await inspector(c);
    let orderId: string;
    if (unitName === '李南岗社区') orderId = await notCompliedOrder(c);
    else {
      const o = await issue(c, s, orderBody(c, unitName, 60_000));
      c.t.clock.advance(61_000);
      await c.t.as(s, {
        method: 'POST',
        url: `/api/v1/rectification-orders/${o.id}/follow-up`,
        headers: { 'if-match': `"${o.version}"` },
        payload: { result: 'not_complied', note: '仍未改正' },
      });
      orderId = o.id;
    }
    const res = await c.t.as(s, {
      method: 'POST',
      url: `/api/v1/rectification-orders/${orderId}/enforcements`,
      payload: { kind: 'seizure', items: [{ name: '遮阳伞', quantity: 100, unit: '把' }], note: '暂扣' },
    });
    if (res.statusCode !== 201) throw new Error(`seizure: ${res.statusCode} ${res.body}`);
    return res.json().id as string;
  });

const fieldOpOf = (c: Ctx, unitName: string) =>
  c.memo(`inspections:op:${unitName}`, async () => {
    const res = await c.t.as(await inspector(c), {
      method: 'POST',
      url: '/api/v1/field-operations',
      payload: { opDate: '2026-04-14', title: `矩阵整治${c.n()}`, unitId: c.unit(unitName), personTimes: 5 },
    });
    if (res.statusCode !== 201) throw new Error(`field op: ${res.statusCode} ${res.body}`);
    return res.json().id as string;
  });

const get = (url: string): InjectOptions => ({ method: 'GET', url });

export const MATRIX: Matrix = {
  'POST /api/v1/rectification-orders': {
    access: 'permission:inspections.write',
    request: (c) => ({ method: 'POST', url: '/api/v1/rectification-orders', payload: orderBody(c, '李南岗社区') }),
  },
  'GET /api/v1/rectification-orders': {
    access: 'permission:inspections.read',
    request: () => get('/api/v1/rectification-orders'),
  },
  'GET /api/v1/rectification-orders/:id': {
    access: 'permission:inspections.read',
    request: async (c) => get(`/api/v1/rectification-orders/${await orderOf(c, '李南岗社区')}`),
  },
  'GET /api/v1/rectification-orders/:id/docx': {
    access: 'permission:inspections.read',
    request: async (c) => get(`/api/v1/rectification-orders/${await orderOf(c, '李南岗社区')}/docx`),
  },
  'POST /api/v1/rectification-orders/:id/follow-up': {
    access: 'permission:inspections.write',
    // Without If-Match: 428 for permitted roles (the door is open), 403 for the others.
    request: async (c) => ({
      method: 'POST',
      url: `/api/v1/rectification-orders/${await orderOf(c, '李南岗社区')}/follow-up`,
      payload: { result: 'complied', note: '已清除' },
    }),
  },
  'POST /api/v1/rectification-orders/:id/enforcements': {
    access: 'permission:inspections.write',
    request: async (c) => ({
      method: 'POST',
      url: `/api/v1/rectification-orders/${await notCompliedOrder(c)}/enforcements`,
      payload: { kind: 'seizure', items: [{ name: `货架${c.n()}`, quantity: 1, unit: '个' }], note: '暂扣经营工具' },
    }),
  },
  'POST /api/v1/enforcements/:id/return': {
    access: 'permission:inspections.write',
    request: async (c) => ({
      method: 'POST',
      url: `/api/v1/enforcements/${await seizureOf(c, '李南岗社区')}/return`,
      payload: { returnedTo: '店主', items: [{ name: '遮阳伞', returnedQuantity: 1 }] },
    }),
  },
  'POST /api/v1/field-operations': {
    access: 'permission:inspections.write',
    request: (c) => ({
      method: 'POST',
      url: '/api/v1/field-operations',
      payload: { opDate: '2026-04-14', title: `矩阵整治${c.n()}`, unitId: c.unit('李南岗社区'), personTimes: 3 },
    }),
  },
  'GET /api/v1/field-operations': {
    access: 'permission:inspections.read',
    request: () => get('/api/v1/field-operations'),
  },
  'GET /api/v1/field-operations/summary': {
    access: 'permission:inspections.read',
    request: () => get('/api/v1/field-operations/summary?from=2026-04-01&to=2026-04-30'),
  },
  'GET /api/v1/field-operations/:id': {
    access: 'permission:inspections.read',
    request: async (c) => get(`/api/v1/field-operations/${await fieldOpOf(c, '李南岗社区')}`),
  },
  'PATCH /api/v1/field-operations/:id': {
    access: 'permission:inspections.write',
    request: async (c) => ({
      method: 'PATCH',
      url: `/api/v1/field-operations/${await fieldOpOf(c, '李南岗社区')}`,
      payload: { personTimes: 6 },
    }),
  },
};

export const SCOPE_CASES: ScopeCase[] = [
  [
    'field_worker',
    'an order of its own community',
    async (c) => get(`/api/v1/rectification-orders/${await orderOf(c, '李南岗社区')}`),
    200,
  ],
  [
    'field_worker',
    'an order of another subdistrict',
    async (c) => get(`/api/v1/rectification-orders/${await orderOf(c, '九龙办事处')}`),
    404,
  ],
  [
    'unit_head',
    'an order of a community below',
    async (c) => get(`/api/v1/rectification-orders/${await orderOf(c, '李南岗社区')}`),
    200,
  ],
  [
    'unit_head',
    'the notice of another subdistrict’s order',
    async (c) => get(`/api/v1/rectification-orders/${await orderOf(c, '九龙办事处')}/docx`),
    404,
  ],
  [
    'commander',
    'an order of a unit outside the HQ',
    async (c) => get(`/api/v1/rectification-orders/${await orderOf(c, '环保局')}`),
    404,
  ],
  ['leader', 'any order', async (c) => get(`/api/v1/rectification-orders/${await orderOf(c, '环保局')}`), 200],
  [
    'unit_staff',
    'following up another subdistrict’s order',
    async (c) => ({
      method: 'POST',
      url: `/api/v1/rectification-orders/${await orderOf(c, '九龙办事处')}/follow-up`,
      headers: { 'if-match': '"1"' },
      payload: { result: 'complied', note: '已改正' },
    }),
    404,
  ],
  [
    'unit_staff',
    'returning items seized by another subdistrict',
    async (c) => ({
      method: 'POST',
      url: `/api/v1/enforcements/${await seizureOf(c, '九龙办事处')}/return`,
      payload: { returnedTo: '店主', items: [{ name: '遮阳伞', returnedQuantity: 1 }] },
    }),
    404,
  ],
  [
    'unit_staff',
    'a field operation of its own community',
    async (c) => get(`/api/v1/field-operations/${await fieldOpOf(c, '李南岗社区')}`),
    200,
  ],
  [
    'unit_staff',
    'a field operation of another subdistrict',
    async (c) => get(`/api/v1/field-operations/${await fieldOpOf(c, '九龙办事处')}`),
    404,
  ],
  [
    'unit_head',
    'editing another subdistrict’s field operation',
    async (c) => ({
      method: 'PATCH',
      url: `/api/v1/field-operations/${await fieldOpOf(c, '九龙办事处')}`,
      payload: { personTimes: 9 },
    }),
    404,
  ],
  ['inspector', 'a missing order', () => get('/api/v1/rectification-orders/00000000-0000-4000-8000-000000000000'), 404],
];

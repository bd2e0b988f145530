import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Ctx, Matrix, ScopeCase } from '../../test/authz.ts';
import { gridCells } from '../grids/grids.schema.ts';

/** The middle of a demo cell, by code. */
async function cellCentre(c: Ctx, code: string): Promise<{ lat: number; lng: number }> {
  const tenantId = c.sysAdmin.info.user.tenant.id;
  const [r] = await c.t.deps.database.db
    .select({ minLng: gridCells.minLng, minLat: gridCells.minLat, maxLng: gridCells.maxLng, maxLat: gridCells.maxLat })
    .from(gridCells)
    .where(and(eq(gridCells.tenantId, tenantId), eq(gridCells.code, code)));
  if (!r) throw new Error(`demo grid ${code} missing`);
  return { lng: (r.minLng + r.maxLng) / 2, lat: (r.minLat + r.maxLat) / 2 };
}

/** A hotline case (no photos needed) at a demo cell, reported by the leader. */
const caseAt = (c: Ctx, code: string) =>
  c.memo(`case:${code}`, async () => {
    const p = await cellCentre(c, code);
    const id = randomUUID();
    const res = await c.t.as(c.leader, {
      method: 'POST',
      url: '/api/v1/cases',
      payload: {
        id,
        source: 'hotline_12345',
        category: 'C0301',
        location: { ...p, crs: 'wgs84' },
        description: '授权矩阵测试:垃圾箱满溢',
      },
    });
    if (res.statusCode !== 201) throw new Error(`case at ${code}: ${res.statusCode} ${res.body}`);
    return id;
  });

const LINANGANG_1 = '410171001001001';
const JIULONG_1 = '410171002001001';

const newCase = () => ({
  method: 'POST' as const,
  url: '/api/v1/cases',
  payload: {
    id: randomUUID(),
    source: 'hotline_12345',
    category: 'C0301',
    location: { address: '经开区第八大街与经南五路交叉口' },
    description: '授权矩阵测试',
  },
});

export const MATRIX: Matrix = {
  'POST /api/v1/cases': { access: 'permission:cases.report', request: newCase },
  'GET /api/v1/cases/nearby': {
    access: 'permission:cases.report',
    request: () => ({ method: 'GET', url: '/api/v1/cases/nearby?lat=34.735&lng=113.70&crs=wgs84&category=C0301' }),
  },
  'GET /api/v1/cases': { access: 'permission:cases.read', request: () => ({ method: 'GET', url: '/api/v1/cases' }) },
  'GET /api/v1/cases/export.xlsx': {
    access: 'permission:cases.export',
    request: () => ({ method: 'GET', url: '/api/v1/cases/export.xlsx' }),
  },
  'GET /api/v1/cases/:id': {
    access: 'permission:cases.read',
    request: async (c) => ({ method: 'GET', url: `/api/v1/cases/${await caseAt(c, LINANGANG_1)}` }),
  },
  // Without If-Match every change answers 428 before it looks at anything: access only, nothing changes.
  'POST /api/v1/cases/:id/transitions': {
    access: 'permission:cases.work',
    request: async (c) => ({
      method: 'POST',
      url: `/api/v1/cases/${await caseAt(c, LINANGANG_1)}/transitions`,
      payload: { to: 'registered' },
    }),
  },
  'POST /api/v1/cases/:id/requests': {
    access: 'permission:cases.work',
    request: async (c) => ({
      method: 'POST',
      url: `/api/v1/cases/${await caseAt(c, LINANGANG_1)}/requests`,
      payload: { kind: 'dispute', reason: '不属于本单位职责' },
    }),
  },
  'POST /api/v1/cases/:id/requests/:requestId/decision': {
    access: 'permission:cases.work',
    request: async (c) => ({
      method: 'POST',
      url: `/api/v1/cases/${await caseAt(c, LINANGANG_1)}/requests/${randomUUID()}/decision`,
      payload: { approve: false },
    }),
  },
  'POST /api/v1/cases/:id/reassign': {
    access: 'permission:cases.work',
    request: async (c) => ({
      method: 'POST',
      url: `/api/v1/cases/${await caseAt(c, LINANGANG_1)}/reassign`,
      payload: { unitId: c.unit('祥云社区'), note: '改派测试' },
    }),
  },
};

const getCase = (code: string) => async (c: Ctx) => ({
  method: 'GET' as const,
  url: `/api/v1/cases/${await caseAt(c, code)}`,
});

export const SCOPE_CASES: ScopeCase[] = [
  ['field_worker', 'a case in own community', getCase(LINANGANG_1), 200],
  ['field_worker', 'a case in another subdistrict', getCase(JIULONG_1), 404],
  ['unit_head', 'a case in a community below', getCase(LINANGANG_1), 200],
  ['unit_head', 'a case in another subdistrict', getCase(JIULONG_1), 404],
  ['inspector', 'any case', getCase(JIULONG_1), 200],
  ['auditor', 'any case', getCase(JIULONG_1), 200],
  ['leader', 'a missing case', () => ({ method: 'GET', url: `/api/v1/cases/${randomUUID()}` }), 404],
];

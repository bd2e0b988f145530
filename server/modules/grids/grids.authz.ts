import { and, eq } from 'drizzle-orm';
import type { Ctx, Matrix, ScopeCase } from '../../test/authz.ts';
import { gridCells } from './grids.schema.ts';

/** The id of a demo cell by code (community code + sequence). */
const cellId = (c: Ctx, code: string) =>
  c.memo(`grid:${code}`, async () => {
    const tenantId = c.sysAdmin.info.user.tenant.id;
    const [r] = await c.t.deps.database.db
      .select({ id: gridCells.id })
      .from(gridCells)
      .where(and(eq(gridCells.tenantId, tenantId), eq(gridCells.code, code)));
    if (!r) throw new Error(`demo grid ${code} missing`);
    return r.id;
  });

const LINANGANG_1 = '410171001001001';
const XIANGYUN_1 = '410171001002001';
const JIULONG_1 = '410171002001001';
const BINHE_1 = '410171003002001';

/** A one-square dry run far from the demo district (nothing is stored but the attempt). */
const dryRun = {
  crs: 'wgs84',
  dryRun: true,
  fileName: 'matrix.geojson',
  geojson: {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { code: '410171009009001', name: '矩阵测试网格' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [113.0, 34.0],
              [113.001, 34.0],
              [113.001, 34.001],
              [113.0, 34.001],
              [113.0, 34.0],
            ],
          ],
        },
      },
    ],
  },
};

export const MATRIX: Matrix = {
  'GET /api/v1/grids': {
    access: 'permission:grids.read',
    request: () => ({ method: 'GET', url: '/api/v1/grids?bbox=113.72,34.71,113.73,34.72' }),
  },
  'GET /api/v1/grids/locate': {
    access: 'permission:grids.read',
    request: () => ({ method: 'GET', url: '/api/v1/grids/locate?lat=34.72&lng=113.73&crs=wgs84' }),
  },
  'GET /api/v1/grids/:id': {
    access: 'permission:grids.read',
    request: async (c) => ({ method: 'GET', url: `/api/v1/grids/${await cellId(c, LINANGANG_1)}` }),
  },
  'PATCH /api/v1/grids/:id': {
    access: 'permission:grids.write',
    request: async (c) => ({
      method: 'PATCH',
      url: `/api/v1/grids/${await cellId(c, BINHE_1)}`,
      payload: { name: '滨河社区第1网格' },
    }),
  },
  'POST /api/v1/grids/import': {
    access: 'permission:grids.write',
    request: () => ({ method: 'POST', url: '/api/v1/grids/import', payload: dryRun }),
  },
  'GET /api/v1/district/boundary': {
    access: 'permission:grids.read',
    request: () => ({ method: 'GET', url: '/api/v1/district/boundary' }),
  },
  'PUT /api/v1/district/boundary': {
    access: 'permission:grids.write',
    // Invalid on purpose (two points): exercises access without replacing the demo outline.
    request: () => ({
      method: 'PUT',
      url: '/api/v1/district/boundary',
      payload: {
        name: '经开区',
        crs: 'wgs84',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [113, 34],
              [113.1, 34],
            ],
          ],
        },
      },
    }),
  },
};

const getCell = (code: string) => async (c: Ctx) => ({
  method: 'GET' as const,
  url: `/api/v1/grids/${await cellId(c, code)}`,
});

export const SCOPE_CASES: ScopeCase[] = [
  ['field_worker', 'a cell of own community', getCell(LINANGANG_1), 200],
  ['field_worker', 'a cell of the sibling community', getCell(XIANGYUN_1), 404],
  ['field_worker', 'a cell of another subdistrict', getCell(JIULONG_1), 404],
  ['unit_head', 'a cell of a community below', getCell(XIANGYUN_1), 200],
  ['unit_head', 'a cell of another subdistrict', getCell(JIULONG_1), 404],
  ['commander', 'a cell of a member subdistrict', getCell(BINHE_1), 200],
  ['leader', 'any cell', getCell(JIULONG_1), 200],
  [
    'sys_admin',
    'a missing cell',
    () => ({ method: 'GET', url: '/api/v1/grids/00000000-0000-4000-8000-000000000000' }),
    404,
  ],
];

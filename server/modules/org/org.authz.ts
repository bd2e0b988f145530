import ExcelJS from 'exceljs';
import { XLSX_MIME } from '../../../common/org.ts';
import type { Ctx, Matrix, ScopeCase } from '../../test/authz.ts';

/** A one-sheet workbook as an upload body. */
async function xlsx(header: string[], rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('data');
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
const upload = (url: string, payload: Buffer) =>
  ({ method: 'POST', url, payload, headers: { 'content-type': XLSX_MIME } }) as const;

/** A unit made for the matrix (a squad under 明湖), so editing it disturbs no one. */
const matrixUnit = (c: Ctx, key: string) =>
  c.memo(key, async () => {
    const res = await c.t.as(c.sysAdmin, {
      method: 'POST',
      url: '/api/v1/org/units',
      payload: { type: 'squad', parentId: c.unit('明湖办事处'), code: `MX-${key}`, name: `矩阵${key}` },
    });
    return res.json().id as string;
  });

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
  'POST /api/v1/org/units': {
    access: 'permission:org.write',
    request: (c) => ({
      method: 'POST',
      url: '/api/v1/org/units',
      payload: { type: 'department', parentId: c.unit('经开区“双迎攻坚”领导小组'), code: `MX${c.n()}`, name: '矩阵局' },
    }),
  },
  'PATCH /api/v1/org/units/:id': {
    access: 'permission:org.write',
    request: async (c) => ({
      method: 'PATCH',
      url: `/api/v1/org/units/${await matrixUnit(c, 'patch')}`,
      payload: { name: `矩阵改名${c.n()}` },
    }),
  },
  'POST /api/v1/org/units/:id/move': {
    access: 'permission:org.write',
    request: async (c) => ({
      method: 'POST',
      url: `/api/v1/org/units/${await matrixUnit(c, 'move')}/move`,
      payload: { parentId: c.unit('九龙办事处') },
    }),
  },
  'DELETE /api/v1/org/units/:id': {
    access: 'permission:org.write',
    request: async (c) => ({ method: 'DELETE', url: `/api/v1/org/units/${await matrixUnit(c, 'delete')}` }),
  },
  'GET /api/v1/org/hqs/:id': {
    access: 'permission:org.read',
    request: (c) => ({ method: 'GET', url: `/api/v1/org/hqs/${c.unit('交通指挥部')}` }),
  },
  'PUT /api/v1/org/hqs/:id/leaders': {
    access: 'permission:org.write',
    request: (c) => ({
      method: 'PUT',
      url: `/api/v1/org/hqs/${c.unit('交通指挥部')}/leaders`,
      payload: { commanderId: c.user('commander'), deputyIds: [] },
    }),
  },
  'PUT /api/v1/org/hqs/:id/members': {
    access: 'permission:org.write',
    request: (c) => ({
      method: 'PUT',
      url: `/api/v1/org/hqs/${c.unit('交通指挥部')}/members`,
      payload: {
        members: [
          { unitId: c.unit('交通运输局'), isLead: true },
          ...['明湖办事处', '九龙办事处', '潮河办事处'].map((n) => ({ unitId: c.unit(n), isLead: false })),
        ],
      },
    }),
  },
  'GET /api/v1/org/templates/units.xlsx': {
    access: 'permission:org.write',
    request: () => ({ method: 'GET', url: '/api/v1/org/templates/units.xlsx' }),
  },
  'GET /api/v1/org/templates/people.xlsx': {
    access: 'permission:users.write',
    request: () => ({ method: 'GET', url: '/api/v1/org/templates/people.xlsx' }),
  },
  'GET /api/v1/org/export/units.xlsx': {
    access: 'permission:org.read',
    request: () => ({ method: 'GET', url: '/api/v1/org/export/units.xlsx' }),
  },
  'GET /api/v1/org/export/people.xlsx': {
    access: 'permission:users.read',
    request: () => ({ method: 'GET', url: '/api/v1/org/export/people.xlsx' }),
  },
  'POST /api/v1/org/import/units': {
    access: 'permission:org.write',
    request: async (c) =>
      upload(
        '/api/v1/org/import/units?dryRun=true',
        await c.memo('units.xlsx', () =>
          xlsx(
            ['单位编码', '单位名称', '单位类型', '上级单位编码'],
            [['MX-IMPORT', '矩阵导入中队', '队伍', '410171001']],
          ),
        ),
      ),
  },
  'POST /api/v1/org/import/people': {
    access: 'permission:users.write',
    request: async (c) =>
      upload(
        '/api/v1/org/import/people?dryRun=true',
        await c.memo('people.xlsx', () => xlsx(['用户名', '姓名', '角色'], [['matrix_import', '矩阵导入', '网格员']])),
      ),
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
  ['commander', 'own HQ', (c) => get(`/api/v1/org/hqs/${c.unit('交通指挥部')}`), 200],
  ['commander', 'another HQ', (c) => get(`/api/v1/org/hqs/${c.unit('铁路河渠指挥部')}`), 404],
  ['unit_head', 'the HQ its subdistrict serves', (c) => get(`/api/v1/org/hqs/${c.unit('交通指挥部')}`), 404],
  [
    'sys_admin',
    'a missing unit',
    () => ({ method: 'PATCH', url: '/api/v1/org/units/00000000-0000-4000-8000-000000000000', payload: { name: 'x' } }),
    404,
  ],
  [
    'sys_admin',
    'deleting a missing unit',
    () => ({ method: 'DELETE', url: '/api/v1/org/units/00000000-0000-4000-8000-000000000000' }),
    404,
  ],
];

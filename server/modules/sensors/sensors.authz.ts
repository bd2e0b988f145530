import type { InjectOptions } from 'fastify';
import type { Ctx, Matrix, ScopeCase } from '../../test/authz.ts';

const get = (url: string): InjectOptions => ({ method: 'GET', url });
const MISSING = '00000000-0000-4000-8000-000000000000';

const siteBody = (c: Ctx, unitName: string) => {
  const n = c.n();
  return {
    code: `AUTHZ-${n}`,
    name: `矩阵测试工地${n}`,
    siteType: 'municipal',
    address: '经开区第八大街',
    lat: 34.72,
    lng: 113.73,
    builder: '矩阵建设有限公司',
    unitId: c.unit(unitName),
  };
};

/** A site of a unit, registered by the system administrator (tenant-wide). */
const siteOf = (c: Ctx, unitName: string) =>
  c.memo(`sensors:site:${unitName}`, async () => {
    const res = await c.t.as(c.sysAdmin, { method: 'POST', url: '/api/v1/sites', payload: siteBody(c, unitName) });
    if (res.statusCode !== 201) throw new Error(`site: ${res.statusCode} ${res.body}`);
    return res.json().id as string;
  });

const deviceOf = (c: Ctx, unitName: string) =>
  c.memo(`sensors:device:${unitName}`, async () => {
    const res = await c.t.as(c.sysAdmin, {
      method: 'POST',
      url: '/api/v1/sensor-devices',
      payload: { mn: `AUTHZMN${c.n()}`, siteId: await siteOf(c, unitName), name: '扬尘监测仪' },
    });
    if (res.statusCode !== 201) throw new Error(`device: ${res.statusCode} ${res.body}`);
    return res.json().id as string;
  });

const thresholdId = (c: Ctx) =>
  c.memo('sensors:threshold', async () => {
    const res = await c.t.as(c.sysAdmin, {
      method: 'POST',
      url: '/api/v1/sensor-thresholds',
      payload: { siteType: 'other', pollutant: 'a34001', rule: 'hour_avg', limit: 500, level: 'alarm' },
    });
    if (res.statusCode !== 201) throw new Error(`threshold: ${res.statusCode} ${res.body}`);
    return res.json().id as string;
  });

export const MATRIX: Matrix = {
  'GET /api/v1/sites': { access: 'permission:sensors.read', request: () => get('/api/v1/sites') },
  'GET /api/v1/sites/map': { access: 'permission:sensors.read', request: () => get('/api/v1/sites/map') },
  'GET /api/v1/sites/without-monitor': {
    access: 'permission:sensors.read',
    request: () => get('/api/v1/sites/without-monitor'),
  },
  'POST /api/v1/sites': {
    access: 'permission:sensors.write',
    request: (c) => ({ method: 'POST', url: '/api/v1/sites', payload: siteBody(c, '李南岗社区') }),
  },
  'GET /api/v1/sites/:id': {
    access: 'permission:sensors.read',
    request: async (c) => get(`/api/v1/sites/${await siteOf(c, '李南岗社区')}`),
  },
  'PATCH /api/v1/sites/:id': {
    access: 'permission:sensors.write',
    request: async (c) => ({
      method: 'PATCH',
      url: `/api/v1/sites/${await siteOf(c, '李南岗社区')}`,
      payload: { builderContact: `联系人${c.n()}` },
    }),
  },
  'GET /api/v1/sites/:id/devices': {
    access: 'permission:sensors.read',
    request: async (c) => get(`/api/v1/sites/${await siteOf(c, '李南岗社区')}/devices`),
  },
  'GET /api/v1/sites/:id/series': {
    access: 'permission:sensors.read',
    request: async (c) => get(`/api/v1/sites/${await siteOf(c, '李南岗社区')}/series?pollutants=a34002`),
  },
  'GET /api/v1/sites/:id/fees': {
    access: 'permission:sensors.read',
    request: async (c) => get(`/api/v1/sites/${await siteOf(c, '李南岗社区')}/fees`),
  },
  'POST /api/v1/sites/:id/fees': {
    access: 'permission:sensors.write',
    request: async (c) => ({
      method: 'POST',
      url: `/api/v1/sites/${await siteOf(c, '李南岗社区')}/fees`,
      payload: { kind: 'assessed', amount: '1000.00', occurredOn: '2026-04-01' },
    }),
  },
  'GET /api/v1/sites/:id/fees/photos/:mediaId': {
    access: 'permission:sensors.read',
    // No such photo on the site: permitted roles get 404, the others 403.
    request: async (c) => get(`/api/v1/sites/${await siteOf(c, '李南岗社区')}/fees/photos/${MISSING}?size=thumb`),
  },
  'GET /api/v1/dust-fees': { access: 'permission:sensors.read', request: () => get('/api/v1/dust-fees') },
  'GET /api/v1/dust-fees/warnings': {
    access: 'permission:sensors.read',
    request: () => get('/api/v1/dust-fees/warnings'),
  },
  'GET /api/v1/sensor-devices': {
    access: 'permission:sensors.read',
    request: () => get('/api/v1/sensor-devices?state=offline'),
  },
  'POST /api/v1/sensor-devices': {
    access: 'permission:sensors.write',
    request: async (c) => ({
      method: 'POST',
      url: '/api/v1/sensor-devices',
      payload: { mn: `AUTHZMN${c.n()}`, siteId: await siteOf(c, '李南岗社区'), name: '扬尘监测仪' },
    }),
  },
  'PATCH /api/v1/sensor-devices/:id': {
    access: 'permission:sensors.write',
    request: async (c) => ({
      method: 'PATCH',
      url: `/api/v1/sensor-devices/${await deviceOf(c, '李南岗社区')}`,
      payload: { name: `扬尘监测仪${c.n()}` },
    }),
  },
  'GET /api/v1/sensor-alerts': {
    access: 'permission:sensors.read',
    request: () => get('/api/v1/sensor-alerts?open=true'),
  },
  'GET /api/v1/sensor-thresholds': {
    access: 'permission:sensors.read',
    request: () => get('/api/v1/sensor-thresholds'),
  },
  'POST /api/v1/sensor-thresholds': {
    access: 'permission:sensors.write',
    request: (c) => ({
      method: 'POST',
      url: '/api/v1/sensor-thresholds',
      payload: { siteType: 'road', pollutant: 'a34005', rule: 'consecutive_rtd', limit: 100 + c.n(), level: 'warning' },
    }),
  },
  'PATCH /api/v1/sensor-thresholds/:id': {
    access: 'permission:sensors.write',
    request: async (c) => ({
      method: 'PATCH',
      url: `/api/v1/sensor-thresholds/${await thresholdId(c)}`,
      payload: { limit: 500 + c.n() },
    }),
  },
};

export const SCOPE_CASES: ScopeCase[] = [
  [
    'field_worker',
    'a site of its own community',
    async (c) => get(`/api/v1/sites/${await siteOf(c, '李南岗社区')}`),
    200,
  ],
  [
    'field_worker',
    'a site of another subdistrict',
    async (c) => get(`/api/v1/sites/${await siteOf(c, '九龙办事处')}`),
    404,
  ],
  [
    'unit_staff',
    'the monitors of another subdistrict’s site',
    async (c) => get(`/api/v1/sites/${await siteOf(c, '九龙办事处')}/devices`),
    404,
  ],
  [
    'unit_staff',
    'the readings of another subdistrict’s site',
    async (c) => get(`/api/v1/sites/${await siteOf(c, '九龙办事处')}/series`),
    404,
  ],
  [
    'unit_head',
    'a site of a community below',
    async (c) => get(`/api/v1/sites/${await siteOf(c, '李南岗社区')}/fees`),
    200,
  ],
  [
    'unit_head',
    'the fee account of another subdistrict’s site',
    async (c) => get(`/api/v1/sites/${await siteOf(c, '九龙办事处')}/fees`),
    404,
  ],
  [
    'unit_head',
    'adding a fee entry to another subdistrict’s site',
    async (c) => ({
      method: 'POST',
      url: `/api/v1/sites/${await siteOf(c, '九龙办事处')}/fees`,
      payload: { kind: 'assessed', amount: '10.00', occurredOn: '2026-04-01' },
    }),
    404,
  ],
  [
    'unit_head',
    'editing another subdistrict’s site',
    async (c) => ({
      method: 'PATCH',
      url: `/api/v1/sites/${await siteOf(c, '九龙办事处')}`,
      payload: { name: '越权修改' },
    }),
    404,
  ],
  [
    'unit_head',
    'editing a monitor of another subdistrict’s site',
    async (c) => ({
      method: 'PATCH',
      url: `/api/v1/sensor-devices/${await deviceOf(c, '九龙办事处')}`,
      payload: { name: '越权修改' },
    }),
    404,
  ],
  ['commander', 'a site of a unit outside the HQ', async (c) => get(`/api/v1/sites/${await siteOf(c, '环保局')}`), 404],
  ['leader', 'any site', async (c) => get(`/api/v1/sites/${await siteOf(c, '环保局')}`), 200],
  ['inspector', 'a missing site', () => get(`/api/v1/sites/${MISSING}`), 404],
];

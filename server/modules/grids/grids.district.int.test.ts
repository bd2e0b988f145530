import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { TLocateAnswer } from '../../../common/grids.ts';
import { LOCATE_GAP_REASON, LOCATE_OUTSIDE_REASON } from '../../../common/grids.ts';
import { rowsOf } from '../../db/client.ts';
import { fromWgs84 } from '../../lib/geo.ts';
import { createTestApp, type Session, type TestApp } from '../../test/app.ts';

// Its own app: these tests replace the district outline the other grid tests rely on.
let t: TestApp;
let admin: Session;
const TILES = 'https://t0.tianditu.gov.cn/vec_w/wmts?tk=demo&z={z}&x={x}&y={y}';
before(async () => {
  t = await createTestApp({ env: { MAP_TILE_URL: TILES, MAP_TILE_ATTRIBUTION: '天地图' } });
  admin = await t.login('sys_admin');
});
after(() => t.close());

const locate = async (lng: number, lat: number) =>
  (
    await t.as(admin, { method: 'GET', url: `/api/v1/grids/locate?lat=${lat}&lng=${lng}&crs=wgs84` })
  ).json() as TLocateAnswer;

/** A WGS-84 box given to the server in GCJ-02, as an Amap user would draw it. */
function gcjBox(x0: number, y0: number, x1: number, y1: number) {
  const ring = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ].map(([x, y]) => fromWgs84(x as number, y as number, 'gcj02'));
  return { type: 'Polygon', coordinates: [ring] };
}

test('the outline carries the configured base map', async () => {
  const fc = (await t.as(admin, { method: 'GET', url: '/api/v1/district/boundary' })).json();
  assert.deepEqual(fc.basemap, { tileUrl: TILES, attribution: '天地图' });
});

test('a bad tile URL template stops the configuration', async () => {
  const { parseConfig } = await import('../../config.ts');
  assert.throws(() => parseConfig({ MAP_TILE_URL: 'https://example.com/tiles.png' }), /MAP_TILE_URL/);
});

test('the system administrator replaces the outline (GCJ-02 in, WGS-84 stored); locate follows at once', async () => {
  // Outside the demo grid but inside the new, larger outline: no longer "outside", now "in a gap".
  const probe: [number, number] = [113.68, 34.72];
  assert.equal((await locate(...probe)).reason, LOCATE_OUTSIDE_REASON);

  const res = await t.as(admin, {
    method: 'PUT',
    url: '/api/v1/district/boundary',
    payload: { name: '经开区(扩)', crs: 'gcj02', geometry: gcjBox(113.65, 34.66, 113.81, 34.78) },
  });
  assert.equal(res.statusCode, 200, res.body);
  const fc = res.json();
  assert.equal(fc.features.length, 1);
  assert.equal(fc.features[0].properties.name, '经开区(扩)');
  const [x0, y0, x1, y1] = fc.bbox as [number, number, number, number];
  // Converted back to WGS-84 within a metre or so (GCJ-02's offset here is ~ 500 m).
  assert.ok(Math.abs(x0 - 113.65) < 2e-5 && Math.abs(y0 - 34.66) < 2e-5, String(fc.bbox));
  assert.ok(Math.abs(x1 - 113.81) < 2e-5 && Math.abs(y1 - 34.78) < 2e-5, String(fc.bbox));

  assert.equal((await locate(...probe)).reason, LOCATE_GAP_REASON);
  assert.equal((await locate(113.9, 34.72)).reason, LOCATE_OUTSIDE_REASON);

  const audit = rowsOf<{ n: number }>(
    await t.deps.database.db.execute(
      sql`select count(*)::int as n from audit_events where action = 'district.boundary.set'`,
    ),
  );
  assert.equal(audit[0]?.n, 1);
});

test('an invalid outline is refused with the ring and the reason; nothing changes', async () => {
  const before = (await t.as(admin, { method: 'GET', url: '/api/v1/district/boundary' })).json();
  const res = await t.as(admin, {
    method: 'PUT',
    url: '/api/v1/district/boundary',
    payload: {
      name: '蝴蝶',
      crs: 'wgs84',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [113.6, 34.6],
            [113.8, 34.8],
            [113.8, 34.6],
            [113.6, 34.8],
            [113.6, 34.6],
          ],
        ],
      },
    },
  });
  assert.equal(res.statusCode, 400);
  const body = res.json();
  assert.equal(body.code, 'VALIDATION_FAILED');
  assert.match(JSON.stringify(body.details), /自相交|self-intersect/);
  const after = (await t.as(admin, { method: 'GET', url: '/api/v1/district/boundary' })).json();
  assert.deepEqual(after, before);
});

test('a subdistrict head may not redraw the district', async () => {
  const head = await t.login('unit_head');
  const res = await t.as(head, {
    method: 'PUT',
    url: '/api/v1/district/boundary',
    payload: { name: 'x', crs: 'wgs84', geometry: gcjBox(113.7, 34.7, 113.71, 34.71) },
  });
  assert.equal(res.statusCode, 403);
});

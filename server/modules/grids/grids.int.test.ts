import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { TGridCollection, TGridDetail, TGridImportReport, TLocateAnswer } from '../../../common/grids.ts';
import { rowsOf } from '../../db/client.ts';
import {
  bboxOf,
  distanceM,
  fromWgs84,
  metresPerDegree,
  type PolygonGeometry,
  pointInGeometry,
  ringAreaM2,
} from '../../lib/geo.ts';
import { createTestApp, type Session, type TestApp } from '../../test/app.ts';
import { DEMO_GRID } from './grids.seed.ts';

// Shared test data, read in place (never copied into the product).
const ZHENGZHOU = path.resolve(
  import.meta.dirname,
  '../../../../shared/testdata/geo/datav_410100_zhengzhou_full.geojson',
);

let t: TestApp;
let admin: Session;
let leader: Session;
let worker: Session;
let unitHead: Session;
before(async () => {
  t = await createTestApp();
  admin = await t.login('sys_admin');
  leader = await t.login('leader');
  worker = await t.login('field_worker');
  unitHead = await t.login('unit_head');
});
after(() => t.close());

const get = (s: Session, url: string) => t.as(s, { method: 'GET', url });
const importFile = async (body: Record<string, unknown>) => {
  const res = await t.as(admin, { method: 'POST', url: '/api/v1/grids/import', payload: body });
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  return res.json() as TGridImportReport;
};
const locate = async (lng: number, lat: number, crs = 'wgs84') =>
  (await get(leader, `/api/v1/grids/locate?lng=${lng}&lat=${lat}&crs=${crs}`)).json() as TLocateAnswer;
const count = async (q: ReturnType<typeof sql>) =>
  rowsOf<{ n: number }>(await t.deps.database.db.execute(q))[0]?.n ?? 0;

const square = (x: number, y: number, d: number) => [
  [
    [x, y],
    [x + d, y],
    [x + d, y + d],
    [x, y + d],
    [x, y],
  ],
];
const feature = (code: string, name: string, coordinates: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'Feature',
  properties: { code, name, ...extra },
  geometry: { type: 'Polygon', coordinates },
});

describe('the demo grid', () => {
  test('about 5,000 cells for the leader, as GeoJSON, fast', async () => {
    const t0 = performance.now();
    const res = await get(leader, '/api/v1/grids');
    const ms = performance.now() - t0;
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /application\/json/);
    const fc = res.json() as TGridCollection;
    assert.equal(fc.type, 'FeatureCollection');
    assert.equal(fc.features.length, DEMO_GRID.rows * DEMO_GRID.cols, 'the template holds the demo grid');
    assert.deepEqual(
      fc.subdistricts.map((s) => s.name),
      ['明湖办事处', '九龙办事处', '潮河办事处'],
    );
    assert.equal(fc.units.length, 6);
    const f = fc.features[0];
    assert.ok(f && typeof f.id === 'string');
    assert.equal(fc.units[f.properties.unit ?? -1]?.name, '李南岗社区');
    assert.equal(fc.subdistricts[f.properties.sd ?? -1]?.name, '明湖办事处');
    assert.match(f.properties.name, /^李南岗社区第1网格$/);
    assert.equal(f.properties.code, '410171001001001');
    // Report size and time (the brief asks for them); keep a generous ceiling.
    console.log(`GET /api/v1/grids: ${fc.features.length} cells, ${res.rawPayload.length} bytes, ${Math.round(ms)} ms`);
    assert.ok(res.rawPayload.length < 3_000_000, `payload ${res.rawPayload.length} bytes`);
  });

  test('the layer is cached with an ETag (304 when unchanged) and sent gzipped when accepted', async () => {
    const first = await get(leader, '/api/v1/grids');
    const etag = String(first.headers.etag);
    assert.match(etag, /^".+"$/);
    const again = await t.as(leader, { method: 'GET', url: '/api/v1/grids', headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    const t0 = performance.now();
    const gz = await t.as(leader, { method: 'GET', url: '/api/v1/grids', headers: { 'accept-encoding': 'gzip, br' } });
    const ms = performance.now() - t0;
    assert.equal(gz.headers['content-encoding'], 'gzip');
    const raw = (await import('node:zlib')).gunzipSync(gz.rawPayload);
    assert.equal(raw.length, first.rawPayload.length);
    console.log(`GET /api/v1/grids cached: ${gz.rawPayload.length} bytes gzipped, ${Math.round(ms)} ms`);
    // Another scope gets another body, not the leader's.
    const w = await t.as(worker, { method: 'GET', url: '/api/v1/grids', headers: { 'if-none-match': etag } });
    assert.equal(w.statusCode, 200);
  });

  test('codes follow the community codes and names count up within each community', async () => {
    const fc = (await get(leader, '/api/v1/grids')).json() as TGridCollection;
    const byCommunity = new Map<string, number>();
    for (const f of fc.features) {
      const prefix = f.properties.code.slice(0, 12);
      byCommunity.set(prefix, (byCommunity.get(prefix) ?? 0) + 1);
      assert.match(f.properties.code, /^410171\d{9}$/);
    }
    assert.deepEqual([...byCommunity.keys()].sort(), [
      '410171001001',
      '410171001002',
      '410171002001',
      '410171002002',
      '410171003001',
      '410171003002',
    ]);
    for (const n of byCommunity.values()) assert.ok(n > 600 && n < 999, String(n));
  });

  test('a grid worker sees the cells of their community only; a subdistrict head sees the subdistrict', async () => {
    const mine = (await get(worker, '/api/v1/grids')).json() as TGridCollection;
    assert.ok(mine.features.length > 600);
    assert.ok(mine.features.every((f) => f.properties.code.startsWith('410171001001')));
    assert.deepEqual(
      mine.units.map((u) => u.name),
      ['李南岗社区'],
    );
    const head = (await get(unitHead, '/api/v1/grids')).json() as TGridCollection;
    assert.ok(head.features.every((f) => f.properties.code.startsWith('410171001')));
    assert.ok(head.features.some((f) => f.properties.code.startsWith('410171001002')));
  });

  test('bbox filters to the cells touching a box', async () => {
    const [x, y] = DEMO_GRID.centre;
    const res = await get(leader, `/api/v1/grids?bbox=${x},${y},${x + 0.002},${y + 0.002}`);
    const fc = res.json() as TGridCollection;
    assert.ok(fc.features.length >= 4 && fc.features.length <= 20, String(fc.features.length));
    assert.equal((await get(leader, '/api/v1/grids?bbox=1,2,3')).statusCode, 400);
    assert.equal((await get(leader, '/api/v1/grids?bbox=3,2,1,4')).statusCode, 400);
  });

  test('one cell with its community, subdistrict, leader and workers; 404 outside the scope', async () => {
    const fc = (await get(worker, '/api/v1/grids')).json() as TGridCollection;
    const first = fc.features.find((f) => f.properties.code === '410171001001001');
    assert.ok(first);
    const res = await get(worker, `/api/v1/grids/${first.id}`);
    assert.equal(res.statusCode, 200, res.body);
    const d = res.json() as TGridDetail;
    assert.equal(d.name, '李南岗社区第1网格');
    assert.equal(d.unit?.name, '李南岗社区');
    assert.equal(d.subdistrict?.name, '明湖办事处');
    assert.equal(d.leader?.name, '李南岗社区工作人员(演示)');
    assert.deepEqual(
      d.workers.map((w) => w.name),
      ['李南岗社区网格员(演示)'],
    );
    assert.ok(d.areaM2 > 5000 && d.areaM2 < 15000, String(d.areaM2));
    assert.equal(pointInGeometry(first.geometry, d.labelPoint[0], d.labelPoint[1]), 'inside');

    const all = (await get(leader, '/api/v1/grids')).json() as TGridCollection;
    const other = all.features.find((f) => f.properties.code === '410171002001001');
    assert.ok(other);
    const denied = await get(worker, `/api/v1/grids/${other.id}`);
    assert.equal(denied.statusCode, 404);
    assert.equal(denied.json().code, 'NOT_FOUND');
    assert.equal((await get(leader, `/api/v1/grids/${other.id}`)).statusCode, 200);
  });

  test('the district outline is a FeatureCollection with a bbox around the cells', async () => {
    const fc = (await get(worker, '/api/v1/district/boundary')).json();
    assert.equal(fc.features.length, 1);
    assert.equal(fc.features[0].properties.name, DEMO_GRID.districtName);
    const [x0, y0, x1, y1] = fc.bbox;
    assert.ok(x0 < 113.73 && x1 > 113.73 && y0 < 34.72 && y1 > 34.72);
  });
});

describe('locate', () => {
  test('the demo centre is in a cell of its community; the answer names the owner', async () => {
    const a = await locate(113.73, 34.72);
    assert.equal(a.inside, true);
    assert.equal(a.reason, null);
    assert.match(a.grid?.code ?? '', /^410171\d{9}$/);
    assert.ok(a.grid?.unitName?.endsWith('社区'));
  });

  test('outside the district: a clear answer, not a guess', async () => {
    const a = await locate(113.5, 34.5);
    assert.equal(a.inside, false);
    assert.equal(a.reason, '不在辖区范围内');
    assert.equal(a.grid, null);
  });

  test('a vertex shared by four cells resolves to the lowest code, every time', async () => {
    const fc = (await get(leader, '/api/v1/grids')).json() as TGridCollection;
    // A lattice vertex where two communities meet: shared by four cells of different owners.
    const byVertex = new Map<string, string[]>();
    for (const f of fc.features) {
      for (const p of (f.geometry as { coordinates: number[][][] }).coordinates[0]?.slice(0, -1) ?? []) {
        const k = `${p[0]},${p[1]}`;
        byVertex.set(k, [...(byVertex.get(k) ?? []), f.properties.code]);
      }
    }
    const [key, codes] =
      [...byVertex].find(([, c]) => c.length === 4 && new Set(c.map((x) => x.slice(0, 12))).size > 1) ?? [];
    assert.ok(key && codes);
    const v = key.split(',').map(Number) as [number, number];
    const sharing = [...codes].sort();
    for (let k = 0; k < 3; k++) assert.equal((await locate(v[0], v[1])).grid?.code, sharing[0]);
  });

  test('locate answers for any cell, and says whether the caller may open it', async () => {
    const res = await get(worker, '/api/v1/grids/locate?lng=113.76&lat=34.70');
    const a = res.json() as TLocateAnswer;
    assert.equal(a.inside, true);
    assert.equal(a.grid?.inScope, false, 'the east of the district is not 李南岗');
  });
});

describe('import', () => {
  test('invalid features are reported with their index and reason, and nothing is stored', async () => {
    const before = await count(sql`select count(*)::int as n from grid_cells`);
    const ok = feature('410171009001001', '测试网格1', square(113.2, 34.2, 0.001));
    const features = [
      ok,
      feature('410171009001002', '未闭合', [
        [
          [113.21, 34.2],
          [113.211, 34.2],
          [113.211, 34.201],
          [113.21, 34.201],
        ],
      ]),
      feature('410171009001003', '点太少', [
        [
          [113.22, 34.2],
          [113.221, 34.2],
          [113.22, 34.2],
        ],
      ]),
      feature('410171009001004', '自相交', [
        [
          [113.23, 34.2],
          [113.231, 34.201],
          [113.231, 34.2],
          [113.23, 34.201],
          [113.23, 34.2],
        ],
      ]),
      {
        type: 'Feature',
        properties: { code: '410171009001005', name: '线' },
        geometry: {
          type: 'LineString',
          coordinates: [
            [113.24, 34.2],
            [113.25, 34.2],
          ],
        },
      },
      feature('410171009001001', '重复编码', square(113.26, 34.2, 0.001)),
      feature('410171009001007', '未知单位', square(113.27, 34.2, 0.001), { unitCode: '999999999999' }),
      feature('41017100900', '编码太短', square(113.28, 34.2, 0.001)),
      feature('410171009001009', '无穷坐标', square(113.29, 34.2, 0.001)),
    ];
    // JSON has no Infinity: 1e999 is how a broken exporter produces one.
    const body = JSON.stringify({
      crs: 'wgs84',
      fileName: 'bad.geojson',
      geojson: { type: 'FeatureCollection', features },
    }).replace('[113.29,34.2]', '[1e999,34.2]');
    const res = await t.as(admin, {
      method: 'POST',
      url: '/api/v1/grids/import',
      payload: body,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.statusCode, 200, res.body.slice(0, 300));
    const r = res.json() as TGridImportReport;
    assert.equal(r.status, 'rejected');
    assert.equal(r.features, 9);
    assert.equal(r.imported, 0);
    const reasons = new Map(r.errors.map((e) => [e.index, e.reason]));
    assert.equal(reasons.has(0), false, 'the valid feature has no error');
    assert.match(reasons.get(1) ?? '', /not closed/);
    assert.match(reasons.get(2) ?? '', /fewer than 4 positions/);
    assert.match(reasons.get(3) ?? '', /self-intersecting/);
    assert.match(reasons.get(4) ?? '', /wrong geometry type: LineString/);
    assert.match(reasons.get(5) ?? '', /duplicate code/);
    assert.match(reasons.get(6) ?? '', /unknown unitCode/);
    assert.match(reasons.get(7) ?? '', /15 digits/);
    assert.match(reasons.get(8) ?? '', /non-finite/);
    assert.equal(r.errors.find((e) => e.index === 5)?.code, '410171009001001');
    assert.deepEqual(r.overlaps, []);
    assert.equal(r.gaps, null);
    // All or nothing.
    assert.equal(await count(sql`select count(*)::int as n from grid_cells`), before);
    assert.equal((await locate(113.2005, 34.2005)).inside, false);
    // The attempt is kept and audited.
    const row = rowsOf<{ status: string; features: number; file_name: string }>(
      await t.deps.database.db.execute(
        sql`select status, features, file_name from grid_imports where id = ${r.importId}`,
      ),
    )[0];
    assert.deepEqual(row, { status: 'rejected', features: 9, file_name: 'bad.geojson' });
    assert.equal(
      await count(
        sql`select count(*)::int as n from audit_events where action = 'grids.import' and object_id = ${r.importId} and outcome = 'failure'`,
      ),
      1,
    );
  });

  test('a file that is not a FeatureCollection is refused by validation (400)', async () => {
    const res = await t.as(admin, {
      method: 'POST',
      url: '/api/v1/grids/import',
      payload: { crs: 'wgs84', geojson: { type: 'Feature' } },
    });
    assert.equal(res.statusCode, 400);
    const bad = await t.as(admin, {
      method: 'POST',
      url: '/api/v1/grids/import',
      payload: { crs: 'epsg3857', geojson: { type: 'FeatureCollection', features: [] } },
    });
    assert.equal(bad.statusCode, 400);
  });

  test('a dry run reports overlaps (exact area) but not shared edges, and stores nothing', async () => {
    const before = await count(sql`select count(*)::int as n from grid_cells`);
    const d = 0.001;
    const r = await importFile({
      crs: 'wgs84',
      dryRun: true,
      geojson: {
        type: 'FeatureCollection',
        features: [
          feature('410171009002001', 'A', square(113.3, 34.3, d)),
          feature('410171009002002', 'B 与 A 重叠一半', square(113.3 + d / 2, 34.3, d)),
          feature('410171009002003', 'C 与 B 共边', [
            [
              [113.3 + (3 * d) / 2, 34.3],
              [113.3 + (5 * d) / 2, 34.3],
              [113.3 + (5 * d) / 2, 34.3 + d],
              [113.3 + (3 * d) / 2, 34.3 + d],
              [113.3 + (3 * d) / 2, 34.3],
            ],
          ]),
        ],
      },
    });
    assert.equal(r.status, 'dry_run');
    assert.equal(r.imported, 0);
    assert.deepEqual(r.errors, []);
    assert.equal(r.overlapCount, 1);
    const o = r.overlaps[0];
    assert.equal(o?.a, '410171009002001');
    assert.equal(o?.b, '410171009002002');
    assert.deepEqual([o?.aIndex, o?.bIndex], [0, 1]);
    const half = ringAreaM2(square(113.3, 34.3, d)[0] as number[][]) / 2;
    assert.ok(Math.abs((o?.areaM2 ?? 0) - half) / half < 0.01, `${o?.areaM2} vs ${half}`);
    // The three squares lie outside the demo district: reported, with their area outside.
    assert.deepEqual(r.outsideDistrict.map((x) => x.index).sort(), [0, 1, 2]);
    assert.equal(r.gaps?.reference, 'district');
    assert.ok(r.notes.some((n) => n.includes('栅格采样')));
    assert.equal(await count(sql`select count(*)::int as n from grid_cells`), before);
    assert.equal(
      rowsOf<{ status: string }>(
        await t.deps.database.db.execute(sql`select status from grid_imports where id = ${r.importId}`),
      )[0]?.status,
      'dry_run',
    );
  });

  test('a gap: replacing a demo cell by a smaller one leaves an uncovered area, reported where it is', async () => {
    const fc = (await get(leader, '/api/v1/grids')).json() as TGridCollection;
    const target = fc.features[35 * DEMO_GRID.cols + 35];
    assert.ok(target);
    const [x0, y0, x1, y1] = bboxOf(target.geometry);
    // A square of about 40 m × 40 m in the middle of the ~100 m cell.
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const m = metresPerDegree(cy);
    const h = 20 / m.x;
    const v = 20 / m.y;
    const small = [
      [
        [cx - h, cy - v],
        [cx + h, cy - v],
        [cx + h, cy + v],
        [cx - h, cy + v],
        [cx - h, cy - v],
      ],
    ];
    const r = await importFile({
      crs: 'wgs84',
      dryRun: true,
      geojson: {
        type: 'FeatureCollection',
        features: [feature(target.properties.code, target.properties.name, small)],
      },
    });
    assert.equal(r.status, 'dry_run');
    assert.equal(r.overlapCount, 0);
    const gaps = r.gaps;
    assert.ok(gaps);
    const expected = ringAreaM2((target.geometry as { coordinates: number[][][] }).coordinates[0] as number[][]) - 1600;
    // Raster sampling: within a few samples' worth of the true gap.
    assert.ok(Math.abs(gaps.areaM2 - expected) < 20 * gaps.stepM * gaps.stepM, `${gaps.areaM2} vs ${expected}`);
    assert.equal(gaps.regionCount, 1);
    const region = gaps.regions[0];
    assert.ok(region && distanceM(region.at, [cx, cy]) < 80, 'the gap is reported at the replaced cell');
  });

  test('GCJ-02 counties from DataV: converted to WGS-84, stored, and a known point lands in the right cell', async () => {
    const zz = JSON.parse(readFileSync(ZHENGZHOU, 'utf8')) as {
      features: {
        properties: { adcode: number; name: string; centroid: [number, number] };
        geometry: PolygonGeometry;
      }[];
    };
    const pick = (adcode: number) => {
      const f = zz.features.find((x) => x.properties.adcode === adcode);
      assert.ok(f, String(adcode));
      return f;
    };
    const zhongyuan = pick(410102);
    const erqi = pick(410103);
    const shangjie = pick(410106);
    const code = (adcode: number) => `${adcode}000000001`;
    const features = [zhongyuan, erqi, shangjie].map((f) => ({
      type: 'Feature',
      properties: { code: code(f.properties.adcode), name: `${f.properties.name}(测试)` },
      geometry: f.geometry,
    }));
    const r = await importFile({
      crs: 'gcj02',
      fileName: 'datav_410100_zhengzhou_full.geojson',
      geojson: { type: 'FeatureCollection', features },
    });
    assert.equal(r.status, 'imported', JSON.stringify(r.errors));
    assert.equal(r.imported, 3);
    assert.equal(r.created, 3);
    assert.equal(r.overlapCount, 0, 'DataV neighbours share their borders exactly');

    // Stored in WGS-84: shifted from the GCJ-02 input by the datum offset (~0.006° west here).
    const stored = rowsOf<{ min_lng: number; source_crs: string }>(
      await t.deps.database.db.execute(sql`select min_lng, source_crs from grid_cells where code = ${code(410103)}`),
    )[0];
    assert.equal(stored?.source_crs, 'gcj02');
    const rawMinLng = bboxOf(erqi.geometry)[0];
    assert.ok(rawMinLng - (stored?.min_lng ?? 0) > 0.004 && rawMinLng - (stored?.min_lng ?? 0) < 0.008);

    // A known GCJ-02 point (DataV's centroid of 二七区) lands in 二七区's cell after conversion.
    const [gx, gy] = erqi.properties.centroid;
    const a = await locate(gx, gy, 'gcj02');
    assert.equal(a.grid?.code, code(410103));
    assert.ok(distanceM(a.wgs84, [gx, gy]) > 400, 'the WGS-84 point that was looked up is the converted one');

    // Near a border the datum matters. Sent as WGS-84 without conversion, a GCJ-02 point is looked up
    // where it would be if it were shifted by the datum offset (~570 m east, ~110 m south here). Walk
    // from 中原区's centroid in that direction to its border: the last points inside 中原区 land in the
    // right cell only when their datum is declared.
    const [ax, ay] = zhongyuan.properties.centroid;
    const shifted = fromWgs84(ax, ay, 'gcj02');
    const dir = [shifted[0] - ax, shifted[1] - ay];
    let found: { p: [number, number]; wrong: TLocateAnswer } | null = null;
    for (let k = 1; k <= 100 && !found; k++) {
      const p: [number, number] = [ax + (dir[0] as number) * k * 0.5, ay + (dir[1] as number) * k * 0.5];
      if (pointInGeometry(zhongyuan.geometry, p[0], p[1]) !== 'inside') break;
      const right = await locate(p[0], p[1], 'gcj02');
      assert.equal(right.grid?.code, code(410102), 'inside 中原区 in GCJ-02 is inside its converted cell');
      const wrong = await locate(p[0], p[1], 'wgs84');
      if (wrong.grid?.code !== code(410102)) found = { p, wrong };
    }
    assert.ok(found, 'a point near the border of 中原区 that only lands right when its datum is declared');
    assert.notEqual(found.wrong.grid?.code, code(410102));

    // And the conversion is the one geo.ts does: the WGS-84 point converts back to the GCJ-02 one.
    const back = fromWgs84(a.wgs84[0], a.wgs84[1], 'gcj02');
    assert.ok(distanceM(back, [gx, gy]) < 0.05);
    // Outside any county and the district: still the clear answer.
    assert.equal((await locate(112.0, 33.0)).reason, '不在辖区范围内');
  });

  test('re-importing a code updates the cell in place (same id), and the index follows', async () => {
    const d = 0.001;
    const first = await importFile({
      crs: 'wgs84',
      geojson: {
        type: 'FeatureCollection',
        features: [feature('410171009003001', '移动前', square(113.4, 34.4, d), { unitCode: '410171003002' })],
      },
    });
    assert.equal(first.status, 'imported');
    const a = await locate(113.4005, 34.4005);
    assert.equal(a.grid?.code, '410171009003001');
    assert.equal(a.grid?.unitName, '滨河社区');
    assert.equal(first.warnings[0]?.reason.includes('不一致'), true, 'code prefix differs from the unit code');
    const second = await importFile({
      crs: 'wgs84',
      geojson: { type: 'FeatureCollection', features: [feature('410171009003001', '移动后', square(113.41, 34.4, d))] },
    });
    assert.equal(second.updated, 1);
    assert.equal(second.created, 0);
    assert.equal((await locate(113.4005, 34.4005)).inside, false);
    const b = await locate(113.4105, 34.4005);
    assert.equal(b.grid?.id, a.grid?.id, 'same cell id');
    assert.equal(b.grid?.name, '移动后');
    assert.equal(b.grid?.unitName, '滨河社区', 'no unitCode keeps the owner');
  });

  test('a large file (5,000 features, > 1 MB) is accepted and analysed', async () => {
    const features = [];
    for (let i = 0; i < 5000; i++) {
      const x = 112.5 + (i % 100) * 0.001;
      const y = 33.5 + Math.floor(i / 100) * 0.001;
      features.push(feature(`4101710095${String(i).padStart(5, '0')}`, `批量${i}`, square(x, y, 0.001)));
    }
    const payload = JSON.stringify({ crs: 'wgs84', dryRun: true, geojson: { type: 'FeatureCollection', features } });
    assert.ok(payload.length > 1024 * 1024, String(payload.length));
    const t0 = performance.now();
    const res = await t.as(admin, {
      method: 'POST',
      url: '/api/v1/grids/import',
      payload,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.statusCode, 200, res.body.slice(0, 200));
    const r = res.json() as TGridImportReport;
    console.log(`dry run of 5,000 features (${payload.length} bytes): ${Math.round(performance.now() - t0)} ms`);
    assert.equal(r.status, 'dry_run');
    assert.equal(r.features, 5000);
    assert.ok(r.overlapCount < 50, `float-noise overlaps: ${r.overlapCount}`);
  });
});

describe('edit', () => {
  test('the system administrator sets a cell’s leader and workers; the change is audited', async () => {
    const fc = (await get(leader, '/api/v1/grids')).json() as TGridCollection;
    const cell = fc.features.find((f) => f.properties.code === '410171003002010');
    assert.ok(cell);
    const users = (await get(admin, '/api/v1/users?pageSize=200')).json().items as { id: string; username: string }[];
    const id = (u: string) => users.find((x) => x.username === u)?.id as string;
    const res = await t.as(admin, {
      method: 'PATCH',
      url: `/api/v1/grids/${cell.id}`,
      payload: {
        name: '滨河社区第10网格(调整)',
        leaderUserId: id('unit_head'),
        workerUserIds: [id('field_worker'), id('unit_staff')],
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const d = res.json() as TGridDetail;
    assert.equal(d.name, '滨河社区第10网格(调整)');
    assert.equal(d.leader?.name, '明湖办事处负责人(演示)');
    assert.equal(d.workers.length, 2);
    assert.equal(
      await count(
        sql`select count(*)::int as n from audit_events where action = 'grids.update' and object_id = ${cell.id}`,
      ),
      1,
    );
    const [lx, ly] = d.labelPoint;
    assert.equal((await locate(lx, ly)).grid?.name, '滨河社区第10网格(调整)', 'the index was rebuilt');
    const after = (await get(leader, '/api/v1/grids')).json() as TGridCollection;
    assert.equal(
      after.features.find((f) => f.id === cell.id)?.properties.name,
      '滨河社区第10网格(调整)',
      'the cached map layer was replaced',
    );

    const bad = await t.as(admin, {
      method: 'PATCH',
      url: `/api/v1/grids/${cell.id}`,
      payload: { workerUserIds: ['00000000-0000-4000-8000-000000000000'] },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().details[0].field, 'body.workerUserIds.0');
    const empty = await t.as(admin, { method: 'PATCH', url: `/api/v1/grids/${cell.id}`, payload: {} });
    assert.equal(empty.statusCode, 400);
  });
});

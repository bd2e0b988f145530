import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/client.ts';
import { fromWgs84 } from '../../lib/geo.ts';
import { createTestApp, type Session, type TestApp } from '../../test/app.ts';

let t: TestApp;
let leader: Session;
let admin: Session;
// A point inside a demo cell of each community: the centre of the cell's bbox (cells are convex squares).
const points = new Map<string, { lng: number; lat: number; gridId: string }>();

before(async () => {
  t = await createTestApp({ start: '2026-04-15T01:00:00Z' }); // Wednesday 09:00 in Beijing
  leader = await t.login('leader');
  admin = await t.login('sys_admin');
  const rows = rowsOf<{ name: string; id: string; lng: number; lat: number }>(
    await t.deps.database.db.execute(sql`
      select distinct on (u.name) u.name, g.id, (g.min_lng + g.max_lng) / 2 as lng, (g.min_lat + g.max_lat) / 2 as lat
      from grid_cells g join org_units u on u.tenant_id = g.tenant_id and u.id = g.unit_id
      order by u.name, g.code`),
  );
  for (const r of rows) points.set(r.name, { lng: Number(r.lng), lat: Number(r.lat), gridId: r.id });
  assert.ok(points.has('李南岗社区') && points.has('九龙社区'), 'the demo grid covers the demo communities');
});
after(() => t.close());

const explain = async (where: string, params: Record<string, string> = {}) => {
  const p = points.get(where);
  assert.ok(p, where);
  const qs = new URLSearchParams({ lat: String(p.lat), lng: String(p.lng), ...params });
  const r = await t.as(leader, { method: 'GET', url: `/api/v1/routing/explain?${qs}` });
  assert.equal(r.statusCode, 200, r.body);
  return r.json();
};

describe('who is responsible at a point', () => {
  test('without a category: the grid, its community and subdistrict, the owner, and one answer per 大类', async () => {
    const e = await explain('李南岗社区');
    assert.equal(e.inside, true);
    assert.equal(e.grid.id, points.get('李南岗社区')?.gridId);
    assert.equal(e.community.name, '李南岗社区');
    assert.equal(e.subdistrict.name, '明湖办事处');
    assert.equal(e.responsible.unit.name, '李南岗社区');
    assert.equal(e.responsible.person.name, '李南岗社区网格员(演示)');
    const groups = new Map(
      e.groups.map((g: { code: string; responsible: { unit: { name: string } } }) => [g.code, g.responsible.unit.name]),
    );
    assert.equal(groups.get('E05'), '明湖办事处市容劝导中队', '明湖 street order goes to its squad');
    assert.equal(groups.get('E01'), '李南岗社区');
  });

  test('a district-wide rule for the exact category beats the community’s catch-all rule', async () => {
    const e = await explain('李南岗社区', { category: 'E0302' });
    assert.equal(e.category.code, 'E0302');
    assert.equal(e.hq.name, '建筑工地扬尘治理指挥部');
    assert.equal(e.leadUnit.name, '环保局');
    assert.equal(e.responsible.unit.name, '环保局');
    assert.equal(e.responsible.via, 'rule');
    assert.deepEqual(e.responsible.rule.specificity, [2, 0, 0, 0]);
    assert.deepEqual(
      e.considered.map((c: { specificity: number[] }) => c.specificity),
      [
        [2, 0, 0, 0],
        [0, 2, 0, 0],
      ],
    );
  });

  test('the same category is routed by area: 明湖’s ads go to its squad, 九龙’s to the community', async () => {
    const minghu = await explain('李南岗社区', { category: 'E0201' });
    assert.equal(minghu.responsible.unit.name, '明湖办事处市容劝导中队');
    const jiulong = await explain('九龙社区', { category: 'E0201' });
    assert.equal(jiulong.responsible.unit.name, '九龙社区');
    assert.equal(jiulong.subdistrict.name, '九龙办事处');
  });

  test('a 大类 rule covers its 小类 and beats a catch-all in a smaller area', async () => {
    const e = await explain('李南岗社区', { category: 'E0502' });
    assert.equal(e.responsible.unit.name, '明湖办事处市容劝导中队');
    assert.deepEqual(e.responsible.rule.specificity, [1, 1, 0, 0]);
  });

  test('industry narrows a rule: 餐饮 三小门店 go to market supervision, others stay local', async () => {
    assert.equal(
      (await explain('李南岗社区', { category: 'S0101', industry: '餐饮' })).responsible.unit.name,
      '市场监督管理局',
    );
    assert.equal((await explain('李南岗社区', { category: 'S0101' })).responsible.unit.name, '李南岗社区');
  });

  test('the deadline follows the category’s limit for the severity and the working calendar', async () => {
    // Before 清明 and far from any 调休, so only the weekday pattern matters here.
    // 4 working hours from Wednesday 09:00: 09–12 and 14–15 → 15:00 Beijing.
    const at = '2026-04-15T01:00:00Z';
    const normal = await explain('李南岗社区', { category: 'E0302', at });
    assert.deepEqual(normal.deadline, {
      severity: 'normal',
      limit: { value: 4, unit: 'working_hours' },
      at: '2026-04-15T07:00:00.000Z',
    });
    // Urgent: 2 hours round the clock.
    const urgent = await explain('李南岗社区', { category: 'E0302', severity: 'urgent', at });
    assert.equal(urgent.deadline.at, '2026-04-15T03:00:00.000Z');
    // A severity the category has no limit for falls back to the normal one.
    const major = await explain('李南岗社区', { category: 'E0302', severity: 'major', at });
    assert.equal(major.deadline.severity, 'normal');
    // From 17:00 on 30 September: one hour that day, then the 国庆 week off, then 3 hours on 8 October.
    const holiday = await explain('李南岗社区', { category: 'E0302', at: '2026-09-30T09:00:00Z' });
    assert.equal(holiday.deadline.at, '2026-10-08T03:00:00.000Z');
  });

  test('a GCJ-02 point is converted before it is located', async () => {
    const p = points.get('李南岗社区');
    assert.ok(p);
    const [glng, glat] = fromWgs84(p.lng, p.lat, 'gcj02');
    const r = await t.as(leader, { method: 'GET', url: `/api/v1/routing/explain?lat=${glat}&lng=${glng}&crs=gcj02` });
    const e = r.json();
    assert.equal(e.grid.id, p.gridId);
    assert.ok(Math.abs(e.point.wgs84.lng - p.lng) < 1e-5 && Math.abs(e.point.wgs84.lat - p.lat) < 1e-5);
  });

  test('outside the district the answer says so instead of guessing', async () => {
    const r = await t.as(leader, { method: 'GET', url: '/api/v1/routing/explain?lat=34.2&lng=113.2&category=E0102' });
    const e = r.json();
    assert.equal(e.inside, false);
    assert.equal(e.responsible, null);
    assert.match(e.reason, /不在本辖区/);
    assert.equal(e.category.code, 'E0102', 'the category part is still answered');
  });

  test('an unknown category is a validation error naming the field', async () => {
    const r = await t.as(leader, { method: 'GET', url: '/api/v1/routing/explain?lat=34.72&lng=113.73&category=Z9999' });
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().details[0].field, 'query.category');
  });
});

describe('editing the matrix', () => {
  const dust = async () =>
    (await t.as(leader, { method: 'GET', url: '/api/v1/categories' }))
      .json()
      .items.find((c: { code: string }) => c.code === 'E0302').id;
  const unit = async (name: string) =>
    (await t.as(leader, { method: 'GET', url: '/api/v1/org/units' }))
      .json()
      .items.find((u: { name: string }) => u.name === name).id;

  test('a rule with the same key as an existing one is refused, naming the existing one', async () => {
    const r = await t.as(admin, {
      method: 'POST',
      url: '/api/v1/routing/rules',
      payload: { categoryId: await dust(), areaKind: 'tenant', areaId: null, unitId: await unit('建设局') },
    });
    assert.equal(r.statusCode, 409);
    assert.equal(r.json().code, 'CONFLICT');
    assert.match(r.json().details.description, /环保局/);
  });

  test('area references are checked', async () => {
    const wrongKind = await t.as(admin, {
      method: 'POST',
      url: '/api/v1/routing/rules',
      payload: {
        categoryId: null,
        areaKind: 'community',
        areaId: await unit('明湖办事处'),
        unitId: await unit('建设局'),
      },
    });
    assert.equal(wrongKind.statusCode, 400);
    assert.equal(wrongKind.json().details[0].field, 'body.areaId');
    const tenantWithArea = await t.as(admin, {
      method: 'POST',
      url: '/api/v1/routing/rules',
      payload: { categoryId: null, areaKind: 'tenant', areaId: await unit('明湖办事处'), unitId: await unit('建设局') },
    });
    assert.equal(tenantWithArea.statusCode, 400);
    assert.equal(tenantWithArea.json().details[0].field, 'body.areaId');
  });

  test('a grid-level rule for the exact category takes over that cell only, and is audited', async () => {
    const gridId = points.get('李南岗社区')?.gridId;
    const count = async () =>
      rowsOf<{ n: number }>(await t.deps.database.db.execute(sql`select count(*)::int as n from audit_events`))[0]?.n;
    const before = await count();
    const created = await t.as(admin, {
      method: 'POST',
      url: '/api/v1/routing/rules',
      payload: {
        categoryId: await dust(),
        areaKind: 'grid',
        areaId: gridId,
        unitId: await unit('建设局'),
        note: '该网格内工地由建设局直管',
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(await count(), (before ?? 0) + 1);
    const here = await explain('李南岗社区', { category: 'E0302' });
    assert.equal(here.responsible.unit.name, '建设局');
    assert.deepEqual(here.responsible.rule.specificity, [2, 3, 0, 0]);
    const elsewhere = await explain('九龙社区', { category: 'E0302' });
    assert.equal(elsewhere.responsible.unit.name, '环保局');
    const del = await t.as(admin, { method: 'DELETE', url: `/api/v1/routing/rules/${created.json().id}` });
    assert.equal(del.statusCode, 204);
    assert.equal((await explain('李南岗社区', { category: 'E0302' })).responsible.unit.name, '环保局');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/client.ts';
import { createTestApp, type Session, type TestApp } from '../../test/app.ts';
import { categoryByCode } from './index.ts';

let t: TestApp;
let admin: Session;
let leader: Session;
before(async () => {
  t = await createTestApp();
  admin = await t.login('sys_admin');
  leader = await t.login('leader');
});
after(() => t.close());

const list = async () =>
  (await t.as(leader, { method: 'GET', url: '/api/v1/categories' })).json().items as {
    id: string;
    code: string;
    name: string;
    parentId: string | null;
    version: number;
    rule: { leadHqName: string | null; leadUnitName: string | null; timeLimits: Record<string, unknown> };
  }[];
const auditCount = async () =>
  rowsOf<{ n: number }>(await t.deps.database.db.execute(sql`select count(*)::int as n from audit_events`))[0]?.n ?? 0;

const rule = {
  leadHqId: null,
  leadUnitId: null,
  timeLimits: { normal: { value: 2, unit: 'working_hours' } },
  evidence: { beforePhotos: 1, afterPhotos: 1 },
  deductions: { city_video: 2 },
};

describe('the catalogue', () => {
  test('covers the 数字城管 event and component classes and the article’s targets, two levels deep', async () => {
    const items = await list();
    const names = items.map((c) => c.name);
    for (const n of [
      '市容环境',
      '宣传广告',
      '施工管理',
      '突发事件',
      '街面秩序',
      '公用设施',
      '道路交通',
      '园林绿化',
      '其他设施',
    ]) {
      assert.ok(names.includes(n), n);
    }
    for (const n of [
      '暴露垃圾',
      '违章建筑(私搭乱建)',
      '违规小广告',
      '突店经营(店外经营)',
      '学校周边交通秩序',
      '工地扬尘',
      '三小门店卫生',
      '农贸市场秩序',
      '绿化缺损',
    ]) {
      assert.ok(names.includes(n), n);
    }
    const byId = new Map(items.map((c) => [c.id, c]));
    for (const c of items)
      if (c.parentId) assert.equal(byId.get(c.parentId)?.parentId, null, `${c.code} is two levels deep`);
    const dust = items.find((c) => c.code === 'E0302');
    assert.equal(dust?.rule.leadHqName, '建筑工地扬尘治理指挥部');
    assert.equal(dust?.rule.leadUnitName, '环保局');
  });

  test('a 小类 cannot have children; codes are unique; references are checked — each with the field named', async () => {
    const items = await list();
    const sub = items.find((c) => c.code === 'E0102');
    const r1 = await t.as(admin, {
      method: 'POST',
      url: '/api/v1/categories',
      payload: { code: 'E010201', parentId: sub?.id, name: '三级', kind: 'event', rule },
    });
    assert.equal(r1.statusCode, 400);
    assert.equal(r1.json().details[0].field, 'body.parentId');
    const r2 = await t.as(admin, {
      method: 'POST',
      url: '/api/v1/categories',
      payload: { code: 'E0102', parentId: null, name: '重复', kind: 'event', rule },
    });
    assert.equal(r2.statusCode, 409);
    const dept = (await t.as(admin, { method: 'GET', url: '/api/v1/org/units' }))
      .json()
      .items.find((u: { name: string }) => u.name === '环保局');
    const r3 = await t.as(admin, {
      method: 'POST',
      url: '/api/v1/categories',
      payload: { code: 'E0199', parentId: null, name: '新类', kind: 'event', rule: { ...rule, leadHqId: dept.id } },
    });
    assert.equal(r3.statusCode, 400);
    assert.equal(r3.json().details[0].field, 'body.rule.leadHqId');
    const r4 = await t.as(admin, {
      method: 'POST',
      url: '/api/v1/categories',
      payload: { code: 'E0198', parentId: null, name: '无时限', kind: 'event', rule: { ...rule, timeLimits: {} } },
    });
    assert.equal(r4.statusCode, 400);
    assert.match(r4.json().details[0].field, /^body\.rule\.timeLimits/);
  });

  test('changing a rule makes a new version; the old one stays for cases registered under it', async () => {
    const ads = (await list()).find((c) => c.code === 'E0201');
    assert.ok(ads);
    assert.equal(ads.version, 1);
    const before = await auditCount();
    const changed = await t.as(admin, {
      method: 'PUT',
      url: `/api/v1/categories/${ads.id}/rule`,
      payload: { ...rule, timeLimits: { normal: { value: 1, unit: 'working_days' } } },
    });
    assert.equal(changed.statusCode, 200);
    assert.equal(changed.json().version, 2);
    assert.equal(await auditCount(), before + 1);
    const detail = (await t.as(leader, { method: 'GET', url: `/api/v1/categories/${ads.id}` })).json();
    assert.deepEqual(
      detail.versions.map((v: { version: number }) => v.version),
      [2, 1],
    );
    assert.deepEqual(detail.versions[1].timeLimits, { normal: { value: 4, unit: 'working_hours' } });
    const current = await categoryByCode(t.deps.database.db, leader.info.user.tenant.id, 'E0201');
    assert.deepEqual(current?.rule.timeLimits, { normal: { value: 1, unit: 'working_days' } });
  });

  test('renaming does not make a version; a deactivated category is no longer offered for routing', async () => {
    const c = (await list()).find((x) => x.code === 'E0203');
    assert.ok(c);
    const r = await t.as(admin, {
      method: 'PATCH',
      url: `/api/v1/categories/${c.id}`,
      payload: { name: '散发广告', isActive: false },
    });
    assert.equal(r.json().version, 1);
    assert.equal(r.json().name, '散发广告');
    assert.equal(await categoryByCode(t.deps.database.db, leader.info.user.tenant.id, 'E0203'), null);
  });

  test('re-submitting the current rule unchanged is refused instead of making an empty version', async () => {
    const c = (await list()).find((x) => x.code === 'E0104');
    assert.ok(c);
    const detail = (await t.as(leader, { method: 'GET', url: `/api/v1/categories/${c.id}` })).json();
    const { leadHqId, leadUnitId, timeLimits, registerCondition, closeCondition, evidence, deductions, note } =
      detail.rule;
    const same = { leadHqId, leadUnitId, timeLimits, registerCondition, closeCondition, evidence, deductions, note };
    const r = await t.as(admin, { method: 'PUT', url: `/api/v1/categories/${c.id}/rule`, payload: same });
    assert.equal(r.statusCode, 422);
    assert.equal(detail.versions[0].createdByName, null, 'the seed version has no author');
    const changed = await t.as(admin, {
      method: 'PUT',
      url: `/api/v1/categories/${c.id}/rule`,
      payload: { ...same, closeCondition: '路面冲洗干净,无污渍' },
    });
    assert.equal(changed.json().version, 2);
    const after = (await t.as(leader, { method: 'GET', url: `/api/v1/categories/${c.id}` })).json();
    assert.equal(after.versions[0].createdByName, '系统管理员(演示)');
  });

  test('disabling a 大类 withdraws its 小类 from routing', async () => {
    const tenantId = leader.info.user.tenant.id;
    assert.ok(await categoryByCode(t.deps.database.db, tenantId, 'C0201'));
    const group = (await list()).find((x) => x.code === 'C02');
    await t.as(admin, { method: 'PATCH', url: `/api/v1/categories/${group?.id}`, payload: { isActive: false } });
    assert.equal(await categoryByCode(t.deps.database.db, tenantId, 'C0201'), null);
  });
});

/** Editing the org tree and command HQs: nesting rules, moves that rewrite paths (and so scopes), deletes, leaders. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { TDistrictOverview, THqDetail, TOrgUnit } from '../../../common/org.ts';
import { rowsOf } from '../../db/client.ts';
import { createTestApp, type Session, type TestApp } from '../../test/app.ts';

let t: TestApp;
let admin: Session;
let units: TOrgUnit[];
const unit = (name: string) => units.find((u) => u.name === name)?.id ?? assert.fail(`unit ${name}`);

async function refreshUnits() {
  units = (await t.as(admin, { method: 'GET', url: '/api/v1/org/units' })).json().items;
}
async function auditCount(): Promise<number> {
  const [r] = rowsOf<{ n: number }>(await t.deps.database.db.execute(sql`select count(*)::int as n from audit_events`));
  return Number(r?.n);
}
async function lastAudit() {
  const [r] = rowsOf<{ action: string; object_id: string | null; details: Record<string, unknown> }>(
    await t.deps.database.db.execute(
      sql`select action, object_id, details from audit_events order by seq desc limit 1`,
    ),
  );
  return r;
}
async function pathOf(id: string): Promise<string> {
  const [r] = rowsOf<{ path: string }>(
    await t.deps.database.db.execute(sql`select path from org_units where id = ${id}`),
  );
  return r?.path ?? assert.fail(`no unit ${id}`);
}
const create = (body: Record<string, unknown>) =>
  t.as(admin, { method: 'POST', url: '/api/v1/org/units', payload: body });
const move = (id: string, parentId: string | null) =>
  t.as(admin, { method: 'POST', url: `/api/v1/org/units/${id}/move`, payload: { parentId } });
const getUnitAs = (s: Session, id: string) => t.as(s, { method: 'GET', url: `/api/v1/org/units/${id}` });

/** A new account with a role in a unit, logged in. */
async function personIn(username: string, unitId: string, role: string): Promise<Session> {
  const res = await t.as(admin, {
    method: 'POST',
    url: '/api/v1/users',
    payload: { username, displayName: username, unitId, roles: [role], password: 'Start#Pass2026' },
  });
  assert.equal(res.statusCode, 201, res.body);
  return t.login(username, 'Start#Pass2026');
}

before(async () => {
  t = await createTestApp();
  admin = await t.login('sys_admin');
  await refreshUnits();
});
after(() => t.close());

describe('creating units', () => {
  test('a community under a subdistrict: its path extends the parent’s, one audit event, visible below', async () => {
    const n = await auditCount();
    const res = await create({
      type: 'community',
      parentId: unit('明湖办事处'),
      code: '410171001009',
      name: '新建社区',
    });
    assert.equal(res.statusCode, 201, res.body);
    const c = res.json() as TOrgUnit;
    assert.equal(c.parentId, unit('明湖办事处'));
    assert.equal(c.sortOrder, 0);
    assert.equal(await pathOf(c.id), `${await pathOf(unit('明湖办事处'))}${c.id}/`);
    assert.equal(await auditCount(), n + 1);
    assert.equal((await lastAudit())?.action, 'org.units.create');
    assert.equal((await getUnitAs(await t.login('unit_head'), c.id)).statusCode, 200);
  });

  test('the nesting rules refuse nonsense with a clear message', async () => {
    const underDept = await create({ type: 'community', parentId: unit('环保局'), code: 'X-1', name: '错社区' });
    assert.equal(underDept.statusCode, 422);
    assert.match(underDept.json().message, /社区不能作为局委的下级,只能位于:办事处/);
    const topLevel = await create({ type: 'subdistrict', parentId: null, code: 'X-2', name: '错办事处' });
    assert.equal(topLevel.statusCode, 422);
    assert.match(topLevel.json().message, /办事处不能作为顶级单位/);
    const hqUnderHq = await create({ type: 'hq', parentId: unit('交通指挥部'), code: 'X-3', name: '错指挥部' });
    assert.equal(hqUnderHq.statusCode, 422);
  });

  test('codes are unique per tenant; a missing parent is a validation error', async () => {
    const dup = await create({ type: 'squad', parentId: unit('明湖办事处'), code: '410171001', name: '重复' });
    assert.equal(dup.statusCode, 409);
    assert.match(dup.json().message, /410171001 已被「明湖办事处」使用/);
    const missing = await create({
      type: 'squad',
      parentId: '00000000-0000-4000-8000-000000000000',
      code: 'X-4',
      name: '无上级',
    });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().details[0].field, 'body.parentId');
  });

  test('rename, recode and reorder; recoding onto another unit’s code is refused', async () => {
    const id = unit('祥云社区');
    const res = await t.as(admin, {
      method: 'PATCH',
      url: `/api/v1/org/units/${id}`,
      payload: { name: '祥云新社区', code: '410171001902', sortOrder: 7 },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      { name: res.json().name, code: res.json().code, sortOrder: res.json().sortOrder },
      { name: '祥云新社区', code: '410171001902', sortOrder: 7 },
    );
    assert.equal((await lastAudit())?.action, 'org.units.update');
    const clash = await t.as(admin, {
      method: 'PATCH',
      url: `/api/v1/org/units/${id}`,
      payload: { code: '410171002' },
    });
    assert.equal(clash.statusCode, 409);
    await t.as(admin, {
      method: 'PATCH',
      url: `/api/v1/org/units/${id}`,
      payload: { name: '祥云社区', code: '410171001002' },
    });
  });
});

describe('moving units', () => {
  test('a community moved to another subdistrict leaves the old head’s scope and enters the new one’s', async () => {
    const head9 = await personIn('jiulong_head', unit('九龙办事处'), 'unit_head');
    const headMinghu = await t.login('unit_head');
    const worker = await t.login('field_worker'); // works in 李南岗社区
    const id = unit('李南岗社区');
    assert.equal((await getUnitAs(headMinghu, id)).statusCode, 200);
    assert.equal((await getUnitAs(head9, id)).statusCode, 404);

    const res = await move(id, unit('九龙办事处'));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().parentId, unit('九龙办事处'));
    assert.equal(await pathOf(id), `${await pathOf(unit('九龙办事处'))}${id}/`);
    assert.equal((await lastAudit())?.action, 'org.units.move');

    assert.equal((await getUnitAs(headMinghu, id)).statusCode, 404);
    assert.equal((await getUnitAs(head9, id)).statusCode, 200);
    assert.equal((await getUnitAs(worker, id)).statusCode, 200, 'the worker still sees their own community');
    // The people of the community follow it.
    const fw = (await t.as(head9, { method: 'GET', url: '/api/v1/users?q=field_worker' })).json();
    assert.equal(fw.total, 1);

    assert.equal((await move(id, unit('明湖办事处'))).statusCode, 200);
    assert.equal((await getUnitAs(headMinghu, id)).statusCode, 200);
  });

  test('moving a subdistrict rewrites every descendant’s path; its head still sees its communities, others do not', async () => {
    const group = await create({
      type: 'leading_group',
      parentId: unit('经开区“双迎攻坚”领导小组'),
      code: '410171-LG2',
      name: '专项领导小组',
    });
    assert.equal(group.statusCode, 201, group.body);
    const groupId = group.json().id as string;
    const minghu = unit('明湖办事处');
    const below = units.filter((u) => u.parentId === minghu).map((u) => u.id);
    assert.ok(below.length >= 4);

    const n = await auditCount();
    const res = await move(minghu, groupId);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(await auditCount(), n + 1, 'one move, one audit event');
    const newPath = `${await pathOf(groupId)}${minghu}/`;
    assert.equal(await pathOf(minghu), newPath);
    for (const c of below) assert.equal(await pathOf(c), `${newPath}${c}/`);
    assert.equal((await lastAudit())?.details.unitsRepathed, below.length + 2); // + 明湖 + the community made above

    const head = await t.login('unit_head');
    assert.equal((await getUnitAs(head, unit('祥云社区'))).statusCode, 200);
    assert.equal((await getUnitAs(head, unit('李南岗社区'))).statusCode, 200);
    const head9 = await t.login('jiulong_head', 'Start#Pass2026');
    assert.equal((await getUnitAs(head9, unit('祥云社区'))).statusCode, 404);
    // The traffic HQ's commander keeps 明湖 (a member unit) wherever it sits.
    assert.equal((await getUnitAs(await t.login('commander'), unit('祥云社区'))).statusCode, 200);
  });

  test('a unit cannot move under itself or one of its descendants', async () => {
    const root = unit('经开区“双迎攻坚”领导小组');
    const self = await move(root, root);
    assert.equal(self.statusCode, 422);
    await refreshUnits();
    const sub = await move(root, unit('专项领导小组'));
    assert.equal(sub.statusCode, 422);
    assert.match(sub.json().message, /不能把「经开区“双迎攻坚”领导小组」移动到它自己的下级单位「专项领导小组」下面/);
    const nesting = await move(unit('明湖办事处'), unit('李南岗社区'));
    assert.equal(nesting.statusCode, 422);
    assert.match(nesting.json().message, /办事处不能作为社区的下级/);
  });
});

describe('deleting units', () => {
  test('refused while anything refers to the unit, naming what blocks it', async () => {
    const n = await auditCount();
    const res = await t.as(admin, { method: 'DELETE', url: `/api/v1/org/units/${unit('明湖办事处')}` });
    assert.equal(res.statusCode, 409);
    const msg = res.json().message as string;
    assert.match(msg, /「明湖办事处」不能删除:还有下级单位 \d+ 个、用户 1 个、指挥部成员关系 5 个.*请先移走或删除/);
    const fields = (res.json().details as { field: string }[]).map((d) => d.field);
    for (const f of ['children', 'users', 'hqMembers']) assert.ok(fields.includes(f), f);
    const cells = await t.as(admin, { method: 'DELETE', url: `/api/v1/org/units/${unit('滨河社区')}` });
    assert.equal(cells.statusCode, 409);
    assert.match(cells.json().message, /网格 \d+ 个/);
    const hq = await t.as(admin, { method: 'DELETE', url: `/api/v1/org/units/${unit('交通指挥部')}` });
    assert.match(hq.json().message, /指挥部领导设置 1 个/);
    assert.equal(await auditCount(), n, 'refusals change nothing');
  });

  test('an empty unit is deleted, with one audit event', async () => {
    const made = await create({ type: 'squad', parentId: unit('九龙办事处'), code: '410171002-Q09', name: '临时中队' });
    const id = made.json().id as string;
    const n = await auditCount();
    const res = await t.as(admin, { method: 'DELETE', url: `/api/v1/org/units/${id}` });
    assert.equal(res.statusCode, 204);
    assert.equal(await auditCount(), n + 1);
    assert.equal((await lastAudit())?.action, 'org.units.delete');
    assert.equal((await getUnitAs(admin, id)).statusCode, 404);
  });

  test('writing the org tree needs org.write', async () => {
    const res = await t.as(await t.login('leader'), {
      method: 'POST',
      url: '/api/v1/org/units',
      payload: { type: 'squad', parentId: unit('九龙办事处'), code: 'X-9', name: '越权' },
    });
    assert.equal(res.statusCode, 403);
  });
});

describe('command HQs', () => {
  const overviewHq = async (name: string) => {
    const o = (await t.as(admin, { method: 'GET', url: '/api/v1/org/overview' })).json() as TDistrictOverview;
    return o.hqs.find((h) => h.name === name) ?? assert.fail(name);
  };
  const users = async () =>
    (await t.as(admin, { method: 'GET', url: '/api/v1/users?pageSize=200' })).json().items as {
      id: string;
      username: string;
    }[];
  const userId = async (username: string) => (await users()).find((u) => u.username === username)?.id ?? '';

  test('the overview takes the commander from hq_leaders (the seed sets one for 交通指挥部)', async () => {
    const traffic = await overviewHq('交通指挥部');
    assert.equal(traffic.commander, '交通指挥部指挥长(演示)');
    assert.deepEqual(traffic.deputies, []);
    assert.equal((await overviewHq('铁路河渠指挥部')).commander, null);
  });

  test('setting commander and deputies shows them in the HQ and in the overview', async () => {
    const hq = unit('铁路河渠指挥部');
    const res = await t.as(admin, {
      method: 'PUT',
      url: `/api/v1/org/hqs/${hq}/leaders`,
      payload: {
        commanderId: await userId('leader'),
        deputyIds: [await userId('inspector'), await userId('unit_head')],
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const d = res.json() as THqDetail;
    assert.equal(d.commander?.username, 'leader');
    assert.deepEqual(
      d.deputies.map((x) => x.username),
      ['inspector', 'unit_head'],
    );
    assert.equal((await lastAudit())?.action, 'org.hq.leaders.set');
    const o = await overviewHq('铁路河渠指挥部');
    assert.equal(o.commander, '区领导(演示)');
    assert.deepEqual(o.deputies, ['督查室督查员(演示)', '明湖办事处负责人(演示)']);

    // Clearing the traffic HQ's commander clears the overview's, whatever roles the account holds.
    const cleared = await t.as(admin, {
      method: 'PUT',
      url: `/api/v1/org/hqs/${unit('交通指挥部')}/leaders`,
      payload: { commanderId: null, deputyIds: [] },
    });
    assert.equal(cleared.statusCode, 200);
    assert.equal((await overviewHq('交通指挥部')).commander, null);
  });

  test('leaders must be existing accounts, and the commander is not also a deputy', async () => {
    const hq = unit('铁路河渠指挥部');
    const missing = await t.as(admin, {
      method: 'PUT',
      url: `/api/v1/org/hqs/${hq}/leaders`,
      payload: { commanderId: '00000000-0000-4000-8000-000000000000', deputyIds: [] },
    });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().details[0].field, 'body.commanderId');
    const leader = await userId('leader');
    const twice = await t.as(admin, {
      method: 'PUT',
      url: `/api/v1/org/hqs/${hq}/leaders`,
      payload: { commanderId: leader, deputyIds: [leader] },
    });
    assert.equal(twice.statusCode, 422);
    const notHq = await t.as(admin, {
      method: 'PUT',
      url: `/api/v1/org/hqs/${unit('环保局')}/leaders`,
      payload: { commanderId: leader, deputyIds: [] },
    });
    assert.equal(notHq.statusCode, 422);
    assert.match(notHq.json().message, /不是指挥部/);
  });

  test('member units: one lead at most, only units that can serve an HQ', async () => {
    const hq = unit('宣传氛围指挥部');
    const url = `/api/v1/org/hqs/${hq}/members`;
    const twoLeads = await t.as(admin, {
      method: 'PUT',
      url,
      payload: {
        members: [
          { unitId: unit('社区局'), isLead: true },
          { unitId: unit('九龙办事处'), isLead: true },
        ],
      },
    });
    assert.equal(twoLeads.statusCode, 422);
    const wrongType = await t.as(admin, {
      method: 'PUT',
      url,
      payload: { members: [{ unitId: unit('交通指挥部'), isLead: false }] },
    });
    assert.equal(wrongType.statusCode, 400);
    assert.match(wrongType.json().message, /「交通指挥部」是指挥部,成员单位只能是局委、办事处、社区、队伍/);
    const ok = await t.as(admin, {
      method: 'PUT',
      url,
      payload: {
        members: [
          { unitId: unit('九龙办事处'), isLead: false },
          { unitId: unit('社区局'), isLead: true },
          { unitId: unit('潮河办事处'), isLead: false },
        ],
      },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    const d = ok.json() as THqDetail;
    assert.deepEqual(
      d.members.map((m) => [m.name, m.isLead]),
      [
        ['社区局', true],
        ['九龙办事处', false],
        ['潮河办事处', false],
      ],
    );
    assert.equal((await overviewHq('宣传氛围指挥部')).memberUnits, 3);
  });

  test('an HQ outside the caller’s scope is not found', async () => {
    const res = await t.as(await t.login('unit_head'), { method: 'GET', url: `/api/v1/org/hqs/${unit('交通指挥部')}` });
    assert.equal(res.statusCode, 404);
  });
});

/**
 * Sites, monitors, alerts, series and dust-fee accounts end to end: validation, scope, the live status
 * rule, the sites-without-monitor list, exact fee totals, the fee warning list and series bucketing.
 * Device states, alerts, readings and aggregates are put straight into the tables (the ingestion side is
 * not this test's subject).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type {
  TFeeAccount,
  TFeeWarnings,
  TSensorDevice,
  TSeries,
  TSite,
  TSiteDetail,
  TSiteWithoutMonitor,
} from '../../../common/sensors.ts';
import { rowsOf } from '../../db/client.ts';
import { createTestApp, type Session, type TestApp } from '../../test/app.ts';
import { jpeg, uploadRequest } from '../media/media.fixtures.ts';

type TSitesWithoutMonitorBody = { items: TSiteWithoutMonitor[]; total: number };

let t: TestApp;
let admin: Session;
let unitHead: Session;
let fieldWorker: Session;
let leader: Session;
let tenantId: string;
const unitIds = new Map<string, string>();
const unit = (name: string) => unitIds.get(name) ?? assert.fail(`unit ${name}`);

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const db = () => t.deps.database.db;
const ago = (ms: number) => new Date(t.clock.now().getTime() - ms);

async function one<T>(q: ReturnType<typeof sql>): Promise<T> {
  const [r] = rowsOf<T>(await db().execute(q));
  return r ?? assert.fail('no row');
}
const auditCount = async () => Number((await one<{ n: number }>(sql`select count(*)::int as n from audit_events`)).n);
const lastAudit = () =>
  one<{ action: string; object_id: string; details: Record<string, unknown> }>(
    sql`select action, object_id, details from audit_events order by seq desc limit 1`,
  );

let seq = 0;
const siteBody = (over: Record<string, unknown> = {}) => {
  seq += 1;
  return {
    code: `ST-${String(seq).padStart(3, '0')}`,
    name: `测试工地${seq}`,
    siteType: 'municipal',
    address: '经开区第八大街与经北六路交叉口',
    lat: 34.72,
    lng: 113.73,
    builder: '郑州市政工程有限公司',
    builderContact: '王工',
    builderPhone: '13800000000',
    unitId: unit('李南岗社区'),
    permitNo: 'XK-2026-001',
    permitFrom: '2026-03-01',
    permitTo: '2026-12-31',
    ...over,
  };
};
const post = (s: Session, url: string, payload: unknown) =>
  t.as(s, { method: 'POST', url, payload: payload as object });
const patch = (s: Session, url: string, payload: unknown) =>
  t.as(s, { method: 'PATCH', url, payload: payload as object });
const get = (s: Session, url: string) => t.as(s, { method: 'GET', url });

async function site(over: Record<string, unknown> = {}, s: Session = admin): Promise<TSiteDetail> {
  const res = await post(s, '/api/v1/sites', siteBody(over));
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

let mnSeq = 0;
async function device(siteId: string, over: Record<string, unknown> = {}): Promise<TSensorDevice> {
  mnSeq += 1;
  const res = await post(admin, '/api/v1/sensor-devices', {
    mn: `TESTMN${String(mnSeq).padStart(10, '0')}`,
    siteId,
    name: `扬尘监测仪${mnSeq}`,
    ...over,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function setState(deviceId: string, state: 'online' | 'offline' | 'never', offlineSince?: Date): Promise<void> {
  const last = state === 'never' ? null : ago(state === 'online' ? MINUTE : 3 * HOUR).toISOString();
  await db().execute(sql`
    update sensor_devices set state = ${state}, last_frame_at = ${last}::timestamptz,
           offline_since = ${offlineSince ? offlineSince.toISOString() : null}::timestamptz
    where tenant_id = ${tenantId} and id = ${deviceId}`);
}

async function alert(
  siteId: string,
  deviceId: string,
  o: { level?: 'warning' | 'alarm'; kind?: 'breach' | 'offline'; lastAt?: Date; cleared?: boolean } = {},
): Promise<string> {
  const id = randomUUID();
  const lastAt = o.lastAt ?? ago(10 * MINUTE);
  await db().execute(sql`
    insert into sensor_alerts (tenant_id, id, site_id, device_id, kind, pollutant, level, value, "limit",
                               started_at, last_at, occurrences, cleared_at, created_at)
    values (${tenantId}, ${id}, ${siteId}, ${deviceId}, ${o.kind ?? 'breach'}, 'a34002', ${o.level ?? 'warning'},
            180, 150, ${new Date(lastAt.getTime() - HOUR).toISOString()}::timestamptz, ${lastAt.toISOString()}::timestamptz,
            3, ${o.cleared ? lastAt.toISOString() : null}::timestamptz, ${lastAt.toISOString()}::timestamptz)`);
  return id;
}

before(async () => {
  t = await createTestApp();
  admin = await t.login('sys_admin');
  unitHead = await t.login('unit_head');
  fieldWorker = await t.login('field_worker');
  leader = await t.login('leader');
  const units = (await get(admin, '/api/v1/org/units')).json().items as { id: string; name: string }[];
  for (const u of units) unitIds.set(u.name, u.id);
  tenantId = (await one<{ id: string }>(sql`select tenant_id as id from org_units limit 1`)).id;
});
after(async () => {
  await t.close();
});

describe('sites', () => {
  test('registration: validation, a unique code, the grid and the unit from the gate, audit', async () => {
    const badType = await post(admin, '/api/v1/sites', siteBody({ siteType: 'factory' }));
    assert.equal(badType.statusCode, 400, badType.body);
    assert.equal(badType.json().details[0].field, 'body.siteType');

    const badDates = await post(admin, '/api/v1/sites', siteBody({ permitFrom: '2026-06-01', permitTo: '2026-05-31' }));
    assert.equal(badDates.statusCode, 400, badDates.body);
    assert.equal(badDates.json().details[0].field, 'body.permitTo');
    const notADate = await post(admin, '/api/v1/sites', siteBody({ permitFrom: '2026-02-30' }));
    assert.equal(notADate.statusCode, 400, notADate.body);
    assert.equal(notADate.json().details[0].field, 'body.permitFrom');

    const badOutline = await post(
      admin,
      '/api/v1/sites',
      siteBody({
        outline: {
          type: 'Polygon',
          coordinates: [
            [
              [113.73, 34.72],
              [113.731, 34.72],
              [113.73, 34.72],
            ],
          ],
        },
      }),
    );
    assert.equal(badOutline.statusCode, 400, badOutline.body);
    assert.equal(badOutline.json().details[0].field, 'body.outline');

    const before = await auditCount();
    // In a 李南岗 cell, without a unit: the cell's owner becomes the responsible unit.
    const s = await site({ unitId: undefined, lat: 34.75097, lng: 113.69239, siteType: 'demolition' });
    assert.equal(await auditCount(), before + 1);
    const audit = await lastAudit();
    assert.equal(audit.action, 'sensors.sites.create');
    assert.equal(audit.object_id, s.id);
    assert.ok(s.gridId, 'located in a grid cell');
    assert.equal(s.unitId, unit('李南岗社区'));
    assert.equal(s.unitName, '李南岗社区');
    assert.equal(s.live.status, 'no_monitor');

    const dup = await post(admin, '/api/v1/sites', { ...siteBody(), code: s.code });
    assert.equal(dup.statusCode, 409, dup.body);
    assert.equal(dup.json().code, 'CONFLICT');
    assert.match(dup.json().message, new RegExp(s.name));
    assert.equal(await auditCount(), before + 1, 'refusals change nothing');

    // A unit head may not register a site for a unit outside its subtree.
    const outside = await post(unitHead, '/api/v1/sites', siteBody({ unitId: unit('九龙办事处') }));
    assert.equal(outside.statusCode, 400, outside.body);
    assert.equal(outside.json().details[0].field, 'body.unitId');
    const own = await site({ unitId: unit('李南岗社区') }, unitHead);
    assert.equal(own.unitName, '李南岗社区');
  });

  test('changes: permit order against the stored dates, code conflicts, audit with from/to', async () => {
    const s = await site({ permitFrom: '2026-03-01', permitTo: '2026-12-31' });
    const early = await patch(admin, `/api/v1/sites/${s.id}`, { permitTo: '2026-02-01' });
    assert.equal(early.statusCode, 400, early.body);
    assert.equal(early.json().details[0].field, 'body.permitTo');
    const other = await site();
    const dup = await patch(admin, `/api/v1/sites/${s.id}`, { code: other.code });
    assert.equal(dup.statusCode, 409, dup.body);

    const before = await auditCount();
    const ok = await patch(admin, `/api/v1/sites/${s.id}`, { status: 'suspended', builderContact: '李工' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().status, 'suspended');
    assert.equal(await auditCount(), before + 1);
    const audit = await lastAudit();
    assert.equal(audit.action, 'sensors.sites.update');
    assert.deepEqual(audit.details.changed, ['builderContact', 'status']);
    assert.deepEqual(audit.details.from, { builderContact: '王工', status: 'active' });
    const same = await patch(admin, `/api/v1/sites/${s.id}`, { status: 'suspended' });
    assert.equal(same.statusCode, 200);
    assert.equal(await auditCount(), before + 1, 'no change, no audit event');
  });

  test('scope: other subdistricts’ sites answer 404 and stay out of lists', async () => {
    const mine = await site({ unitId: unit('李南岗社区'), name: '李南岗范围工地' });
    const theirs = await site({ unitId: unit('九龙办事处'), name: '九龙范围工地' });
    assert.equal((await get(fieldWorker, `/api/v1/sites/${mine.id}`)).statusCode, 200);
    for (const url of [
      `/api/v1/sites/${theirs.id}`,
      `/api/v1/sites/${theirs.id}/devices`,
      `/api/v1/sites/${theirs.id}/series`,
      `/api/v1/sites/${theirs.id}/fees`,
      `/api/v1/sensor-alerts?siteId=${theirs.id}`,
    ]) {
      const res = await get(unitHead, url);
      assert.equal(res.statusCode, 404, `${url}: ${res.body}`);
      assert.equal(res.json().code, 'NOT_FOUND');
    }
    const edit = await patch(unitHead, `/api/v1/sites/${theirs.id}`, { name: '越权' });
    assert.equal(edit.statusCode, 404);
    const list = (await get(unitHead, '/api/v1/sites?pageSize=200&q=范围工地')).json().items as TSite[];
    assert.deepEqual(
      list.map((s) => s.name),
      ['李南岗范围工地'],
    );
    const all = (await get(leader, '/api/v1/sites?pageSize=200&q=范围工地')).json().items as TSite[];
    assert.equal(all.length, 2);
    const points = (await get(unitHead, '/api/v1/sites/map')).json().items as { id: string }[];
    assert.ok(points.some((p) => p.id === mine.id) && !points.some((p) => p.id === theirs.id));
  });
});

describe('monitors', () => {
  test('registration: MN unique per tenant (409 naming the holder), scale codes and factors, interval, no PW out', async () => {
    const s = await site({ name: '设备测试工地' });
    const bad = async (payload: Record<string, unknown>, field: string) => {
      const res = await post(admin, '/api/v1/sensor-devices', {
        mn: 'GOODMN0001',
        siteId: s.id,
        name: '监测仪',
        ...payload,
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().details[0].field, field, res.body);
    };
    await bad({ scale: { a99999: 1 } }, 'body.scale.a99999');
    await bad({ scale: { a34002: 0 } }, 'body.scale.a34002');
    await bad({ scale: { a34002: -0.001 } }, 'body.scale.a34002');
    await bad({ intervalSeconds: 5 }, 'body.intervalSeconds');
    await bad({ mn: 'MN;1' }, 'body.mn');
    await bad({ siteId: randomUUID() }, 'body.siteId');

    const before = await auditCount();
    const d = await device(s.id, { password: 'pw123456', scale: { a34002: 0.001, LA: 1 } });
    assert.equal(d.passwordSet, true);
    assert.ok(!('password' in d));
    assert.deepEqual(d.scale, { a34002: 0.001, LA: 1 });
    assert.equal(d.state, 'never');
    assert.equal(await auditCount(), before + 1);
    const audit = await lastAudit();
    assert.equal(audit.action, 'sensors.devices.create');
    assert.ok(!JSON.stringify(audit.details).includes('pw123456'), 'the PW is not audited');

    const dup = await post(admin, '/api/v1/sensor-devices', { mn: d.mn, siteId: s.id, name: '第二台' });
    assert.equal(dup.statusCode, 409, dup.body);
    assert.match(dup.json().message, new RegExp(`${d.mn}.*设备测试工地`));
    assert.equal(dup.json().details[0].field, 'body.mn');

    const other = await device(s.id);
    const clash = await patch(admin, `/api/v1/sensor-devices/${other.id}`, { mn: d.mn });
    assert.equal(clash.statusCode, 409, clash.body);
    const pw = await patch(admin, `/api/v1/sensor-devices/${other.id}`, { password: 'secret-9', intervalSeconds: 30 });
    assert.equal(pw.statusCode, 200, pw.body);
    assert.equal(pw.json().intervalSeconds, 30);
    const pwAudit = await lastAudit();
    assert.equal(pwAudit.action, 'sensors.devices.update');
    assert.ok(!JSON.stringify(pwAudit.details).includes('secret-9'));

    const listed = (await get(admin, `/api/v1/sites/${s.id}/devices`)).json().items as TSensorDevice[];
    assert.deepEqual(listed.map((x) => x.mn).sort(), [d.mn, other.mn].sort());
  });

  test('the offline list: offline monitors of sites in scope, longest silent first', async () => {
    const mine = await site({ name: '离线甲' });
    const theirs = await site({ name: '离线乙', unitId: unit('九龙办事处') });
    const a = await device(mine.id);
    const b = await device(mine.id);
    const c = await device(theirs.id);
    await setState(a.id, 'offline', ago(2 * HOUR));
    await setState(b.id, 'offline', ago(5 * HOUR));
    await setState(c.id, 'offline', ago(9 * HOUR));
    const mineOnly = (await get(unitHead, '/api/v1/sensor-devices?state=offline&pageSize=200')).json()
      .items as TSensorDevice[];
    const ids = mineOnly.map((x) => x.id).filter((id) => [a.id, b.id, c.id].includes(id));
    assert.deepEqual(ids, [b.id, a.id]);
    const all = (await get(leader, '/api/v1/sensor-devices?state=offline&pageSize=200')).json()
      .items as TSensorDevice[];
    assert.deepEqual(
      all.map((x) => x.id).filter((id) => [a.id, b.id, c.id].includes(id)),
      [c.id, b.id, a.id],
    );
  });
});

describe('live status and sites without a working monitor', () => {
  test('no_monitor, offline, ok, warning, alarm — by the precedence rule', async () => {
    const tag = '状态测试';
    await site({ name: `${tag}无设备`, siteType: 'building' });
    const disabledOnly = await site({ name: `${tag}设备停用`, siteType: 'building' });
    await device(disabledOnly.id, { enabled: false });
    const never = await site({ name: `${tag}未上报`, siteType: 'demolition' });
    await device(never.id);
    const offline = await site({ name: `${tag}离线`, siteType: 'municipal' });
    const off1 = await device(offline.id);
    const off2 = await device(offline.id);
    await setState(off1.id, 'offline', ago(3 * HOUR));
    await setState(off2.id, 'never');
    const ok = await site({ name: `${tag}正常`, siteType: 'road' });
    const okDev = await device(ok.id);
    await setState(okDev.id, 'online');
    await alert(ok.id, okDev.id, { level: 'alarm', cleared: true });
    await alert(ok.id, okDev.id, { kind: 'offline', level: 'warning' });
    const warn = await site({ name: `${tag}预警` });
    const warnDev = await device(warn.id);
    await setState(warnDev.id, 'online');
    await alert(warn.id, warnDev.id, { level: 'warning' });
    const alarm = await site({ name: `${tag}报警` });
    const alarmDev = await device(alarm.id);
    await setState(alarmDev.id, 'online');
    await alert(alarm.id, alarmDev.id, { level: 'warning' });
    await alert(alarm.id, alarmDev.id, { level: 'alarm' });
    // An open alarm outranks an offline monitor: the breach is what matters until it clears.
    const alarmOffline = await site({ name: `${tag}报警且离线` });
    const aoDev = await device(alarmOffline.id);
    await setState(aoDev.id, 'offline', ago(HOUR));
    await alert(alarmOffline.id, aoDev.id, { level: 'alarm' });
    // Partly offline is still ok.
    const partly = await site({ name: `${tag}部分离线` });
    const p1 = await device(partly.id);
    const p2 = await device(partly.id);
    await setState(p1.id, 'online');
    await setState(p2.id, 'offline', ago(HOUR));

    const list = (await get(leader, `/api/v1/sites?pageSize=200&q=${encodeURIComponent(tag)}`)).json().items as TSite[];
    const status = Object.fromEntries(list.map((s) => [s.name.replace(tag, ''), s.live.status]));
    assert.deepEqual(status, {
      无设备: 'no_monitor',
      设备停用: 'no_monitor',
      未上报: 'offline',
      离线: 'offline',
      正常: 'ok',
      预警: 'warning',
      报警: 'alarm',
      报警且离线: 'alarm',
      部分离线: 'ok',
    });
    // Most urgent first.
    assert.deepEqual(
      list.slice(0, 2).map((s) => s.live.status),
      ['alarm', 'alarm'],
    );
    const partlyRow = list.find((s) => s.id === partly.id);
    assert.equal(partlyRow?.live.devices, 2);
    assert.equal(partlyRow?.live.onlineDevices, 1);
    assert.equal(
      list.find((s) => s.id === ok.id)?.live.openAlerts,
      1,
      'the open offline alert counts, the cleared alarm not',
    );

    const alarms = (await get(leader, `/api/v1/sites?status=alarm&pageSize=200&q=${encodeURIComponent(tag)}`)).json();
    assert.equal(alarms.total, 2);
    assert.deepEqual(new Set(alarms.items.map((s: TSite) => s.id)), new Set([alarm.id, alarmOffline.id]));
    assert.equal((await get(leader, `/api/v1/sites/${warn.id}`)).json().live.status, 'warning');

    // The article's list: required, active, no monitor online — with the reason; 拆迁 and 市政 first.
    const finished = await site({ name: `${tag}已完工`, status: 'finished' });
    const optional = await site({ name: `${tag}无需监测`, monitorRequired: false });
    const wm = (await get(leader, '/api/v1/sites/without-monitor')).json() as TSitesWithoutMonitorBody;
    const ours = wm.items.filter((s) => s.name.startsWith(tag));
    assert.deepEqual(
      ours.map((s) => [s.name.replace(tag, ''), s.reason]),
      [
        ['未上报', 'never_reported'],
        ['报警且离线', 'all_offline'],
        ['离线', 'all_offline'],
        ['无设备', 'none'],
        ['设备停用', 'none'],
      ],
    );
    const offRow = ours.find((s) => s.id === offline.id);
    assert.equal(offRow?.devices, 2);
    assert.ok(offRow?.lastFrameAt && offRow.offlineSince);
    assert.ok(!wm.items.some((s) => s.id === finished.id || s.id === optional.id));
  });
});

describe('dust-fee accounts', () => {
  test('amounts: exact decimal strings only, kind rules, dates, photos', async () => {
    const s = await site({ name: '费用校验工地' });
    const url = `/api/v1/sites/${s.id}/fees`;
    const bad = async (payload: Record<string, unknown>, field: string) => {
      const res = await post(admin, url, { kind: 'assessed', amount: '100', occurredOn: '2026-04-01', ...payload });
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
      assert.equal(res.json().details[0].field, field, res.body);
    };
    for (const amount of ['1.234', 'abc', '1e3', '', '01.5', '1,000', '12.', '.5', '+5', '1234567890123']) {
      await bad({ amount }, 'body.amount');
    }
    await bad({ amount: 12.5 }, 'body.amount');
    await bad({ amount: '0.00' }, 'body.amount');
    await bad({ amount: '-5' }, 'body.amount');
    await bad({ kind: 'adjustment', amount: '0' }, 'body.amount');
    await bad({ kind: 'spent', amount: '5', receiptNo: 'R1' }, 'body.measure');
    await bad({ kind: 'spent', amount: '5', measure: 'netting' }, 'body.receiptNo');
    await bad({ kind: 'assessed', measure: 'netting' }, 'body.measure');
    await bad({ kind: 'bonus' }, 'body.kind');
    await bad({ occurredOn: '2026-04-16' }, 'body.occurredOn');
    await bad({ occurredOn: '2026-13-01' }, 'body.occurredOn');
    await bad({ kind: 'spent', measure: 'washing', photos: [randomUUID()] }, 'body.photos.0');
    const fees = (await get(admin, url)).json() as TFeeAccount;
    assert.equal(fees.entries.length, 0, 'nothing was stored');
  });

  test('totals are exact: 0.1 + 0.2 = 0.30, spent by measure, adjustments, balance, percent; one audit event each', async () => {
    const s = await site({ name: '费用合计工地' });
    const url = `/api/v1/sites/${s.id}/fees`;
    const photo = await t.as(unitHead, uploadRequest({ filename: 'receipt.jpg', bytes: await jpeg() }));
    assert.equal(photo.statusCode, 201, photo.body);
    const photoId = photo.json().id as string;
    const add = async (payload: Record<string, unknown>, who = admin) => {
      const before = await auditCount();
      const res = await post(who, url, { occurredOn: '2026-04-10', ...payload });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(await auditCount(), before + 1);
      return res.json() as TFeeAccount;
    };
    await add({ kind: 'assessed', amount: '0.1' });
    let acc = await add({ kind: 'assessed', amount: '0.2' });
    assert.equal(acc.totals.assessed, '0.30');
    assert.equal(acc.totals.balance, '0.30');
    assert.equal(acc.totals.spentPercent, '0.0');

    await add({ kind: 'assessed', amount: '999999999999.99' });
    acc = await add({ kind: 'assessed', amount: '0.01' });
    assert.equal(acc.totals.assessed, '1000000000000.30', 'exact at the top of numeric(14,2) too');

    const s2 = await site({ name: '费用明细工地' });
    const url2 = `/api/v1/sites/${s2.id}/fees`;
    const add2 = (payload: Record<string, unknown>, who = admin) =>
      post(who, url2, { occurredOn: '2026-04-10', ...payload }).then((r) => {
        assert.equal(r.statusCode, 201, r.body);
        return r.json() as TFeeAccount;
      });
    await add2({ kind: 'assessed', amount: '50000' });
    await add2({ kind: 'spent', amount: '1200.50', measure: 'netting', receiptNo: 'FP-001' });
    await add2({ kind: 'spent', amount: '799.5', measure: 'netting', receiptNo: 'FP-002' });
    await add2({ kind: 'spent', amount: '3000.33', measure: 'spraying', photos: [photoId] }, unitHead);
    acc = await add2({ kind: 'adjustment', amount: '-2000', note: '合同变更核减' });
    assert.deepEqual(acc.totals, {
      assessed: '50000.00',
      adjustments: '-2000.00',
      netAssessed: '48000.00',
      spent: '5000.33',
      balance: '42999.67',
      spentPercent: '10.4',
      spentByMeasure: [
        { measure: 'netting', amount: '2000.00' },
        { measure: 'spraying', amount: '3000.33' },
      ],
    });
    assert.equal(acc.entries.length, 5);
    const spentEntry = acc.entries.find((e) => e.measure === 'spraying');
    assert.equal(spentEntry?.amount, '3000.33');
    assert.deepEqual(spentEntry?.photos, [photoId]);
    assert.equal((await lastAudit()).action, 'sensors.fees.create');

    // The receipt photo is readable through the site by whoever sees the site (here a leader, not the uploader).
    const img = await get(leader, `/api/v1/sites/${s2.id}/fees/photos/${photoId}?size=thumb`);
    assert.equal(img.statusCode, 200);
    assert.equal(img.headers['content-type'], 'image/jpeg');
    assert.equal(
      (await get(leader, `/api/v1/sites/${s.id}/fees/photos/${photoId}`)).statusCode,
      404,
      'not this site’s',
    );

    const overview = (await get(leader, '/api/v1/dust-fees?q=费用明细工地')).json();
    assert.equal(overview.items[0].totals.balance, '42999.67');
  });

  test('the warning list: breaches in 30 days, a balance, under 50 % spent', async () => {
    const mk = async (name: string, unitName = '李南岗社区') => {
      const s = await site({ name: `预警${name}`, unitId: unit(unitName) });
      const d = await device(s.id);
      return { s, d };
    };
    const fee = async (siteId: string, kind: string, amount: string, measure?: string) => {
      const res = await post(admin, `/api/v1/sites/${siteId}/fees`, {
        kind,
        amount,
        occurredOn: '2026-04-01',
        ...(measure ? { measure, receiptNo: 'R' } : {}),
      });
      assert.equal(res.statusCode, 201, res.body);
    };
    const hit = await mk('超标未支出');
    await fee(hit.s.id, 'assessed', '1000');
    await fee(hit.s.id, 'spent', '100', 'washing');
    await alert(hit.s.id, hit.d.id, { lastAt: ago(2 * DAY), cleared: true });
    await alert(hit.s.id, hit.d.id, { lastAt: ago(HOUR) });

    const old = await mk('超标已久');
    await fee(old.s.id, 'assessed', '1000');
    await alert(old.s.id, old.d.id, { lastAt: ago(31 * DAY), cleared: true });

    const half = await mk('支出过半');
    await fee(half.s.id, 'assessed', '1000');
    await fee(half.s.id, 'spent', '500', 'spraying');
    await alert(half.s.id, half.d.id, { lastAt: ago(DAY) });

    const justUnder = await mk('差一分过半');
    await fee(justUnder.s.id, 'assessed', '1000');
    await fee(justUnder.s.id, 'spent', '499.99', 'spraying');
    await alert(justUnder.s.id, justUnder.d.id, { lastAt: ago(DAY) });

    const noFee = await mk('无治理费');
    await alert(noFee.s.id, noFee.d.id, { lastAt: ago(DAY) });

    const offlineOnly = await mk('仅离线');
    await fee(offlineOnly.s.id, 'assessed', '1000');
    await alert(offlineOnly.s.id, offlineOnly.d.id, { kind: 'offline', lastAt: ago(DAY) });

    const elsewhere = await mk('九龙', '九龙办事处');
    await fee(elsewhere.s.id, 'assessed', '1000');
    await alert(elsewhere.s.id, elsewhere.d.id, { lastAt: ago(DAY) });

    const body = (await get(leader, '/api/v1/dust-fees/warnings')).json() as TFeeWarnings;
    assert.equal(body.days, 30);
    assert.equal(body.spentPercentBelow, 50);
    const names = body.items.map((r) => r.site.name).filter((n) => n.startsWith('预警'));
    // Most breaches first, then the larger balance.
    assert.deepEqual(names, ['预警超标未支出', '预警九龙', '预警差一分过半']);
    const first = body.items.find((r) => r.site.id === hit.s.id);
    assert.equal(first?.breaches, 2);
    assert.equal(first?.totals.balance, '900.00');
    assert.match(first?.warning?.message ?? '', /10\.0%.*900\.00/);

    const scoped = (await get(unitHead, '/api/v1/dust-fees/warnings')).json() as TFeeWarnings;
    assert.ok(!scoped.items.some((r) => r.site.id === elsewhere.s.id));
    assert.ok(scoped.items.some((r) => r.site.id === hit.s.id));

    const account = (await get(leader, `/api/v1/sites/${hit.s.id}/fees`)).json() as TFeeAccount;
    assert.equal(account.warning?.breaches, 2);
    assert.equal((await get(leader, `/api/v1/sites/${half.s.id}/fees`)).json().warning, null);
  });
});

describe('series', () => {
  let s: TSiteDetail;
  let d1: TSensorDevice;
  let d2: TSensorDevice;
  const base = () => new Date(Math.floor(ago(3 * HOUR).getTime() / HOUR) * HOUR); // a whole hour, 2–3 h ago

  const aggregate = async (deviceId: string, pollutant: string, bucket: string, at: Date, values: number[]) => {
    const sum = values.reduce((a, b) => a + b, 0);
    await db().execute(sql`
      insert into sensor_aggregates (tenant_id, device_id, pollutant, bucket, at, count, sum, min, max)
      values (${tenantId}, ${deviceId}, ${pollutant}, ${bucket}, ${at.toISOString()}::timestamptz, ${values.length},
              ${sum}, ${Math.min(...values)}, ${Math.max(...values)})`);
  };
  /** One stored reading (a sensor_values row per device, kind and time, as the listener writes them). */
  const reading = async (
    deviceId: string,
    pollutant: string,
    kind: 'rtd' | 'minute',
    at: Date,
    value: number,
    minMax?: [number, number],
  ) => {
    const stored = minMax ? [value, null, ...minMax] : [value];
    await db().execute(sql`
      insert into sensor_values (tenant_id, device_id, kind, at, readings)
      values (${tenantId}, ${deviceId}, ${kind}, ${at.toISOString()}::timestamptz,
              ${JSON.stringify({ [pollutant]: stored })}::jsonb)
      on conflict (tenant_id, device_id, kind, at) do update set readings = sensor_values.readings || excluded.readings`);
  };

  before(async () => {
    s = await site({ name: '曲线工地', siteType: 'other' });
    d1 = await device(s.id, { name: '东门监测仪' });
    d2 = await device(s.id, { name: '西门监测仪' });
    const b = base();
    // PM10 real-time readings on d1 for the first 10 minutes of the hour: 2 each, values m and m + 10 — our
    // minute buckets (computed from them).
    for (let m = 0; m < 10; m++) {
      await reading(d1.id, 'a34002', 'rtd', new Date(b.getTime() + m * MINUTE), 100 + m);
      await reading(d1.id, 'a34002', 'rtd', new Date(b.getTime() + m * MINUTE + 30_000), 110 + m);
    }
    // …then only the device's own minute averages (CN 2051; not aggregated by us): minutes 10–11.
    for (let m = 10; m < 12; m++)
      await reading(d1.id, 'a34002', 'minute', new Date(b.getTime() + m * MINUTE), 201 + m, [200 + m, 202 + m]);
    // Noise on d2 only as the device's own minute averages.
    for (let m = 0; m < 3; m++) await reading(d2.id, 'LA', 'minute', new Date(b.getTime() + m * MINUTE), 60 + m);
    // Hour aggregates of PM2.5 on d1.
    await aggregate(d1.id, 'a34004', 'hour', b, [40, 50, 60]);
    await aggregate(d1.id, 'a34004', 'hour', new Date(b.getTime() + HOUR), [70]);
    // Noise thresholds (the demo seed has none): one for this site's type, one for another type.
    const th = await post(admin, '/api/v1/sensor-thresholds', {
      siteType: 'other',
      pollutant: 'LA',
      rule: 'hour_avg',
      limit: 70,
      level: 'alarm',
    });
    assert.equal(th.statusCode, 201, th.body);
    const other = await post(admin, '/api/v1/sensor-thresholds', {
      siteType: 'building',
      pollutant: 'LA',
      rule: 'hour_avg',
      limit: 65,
      level: 'alarm',
    });
    assert.equal(other.statusCode, 201, other.body);
    const dupTh = await post(admin, '/api/v1/sensor-thresholds', {
      siteType: 'other',
      pollutant: 'LA',
      rule: 'hour_avg',
      limit: 99,
      level: 'alarm',
    });
    assert.equal(dupTh.statusCode, 409, dupTh.body);
    // A type's own PM10 alarm replaces the general one (if the demo seed has it) on this site's chart.
    const own = await post(admin, '/api/v1/sensor-thresholds', {
      siteType: 'other',
      pollutant: 'a34002',
      rule: 'hour_avg',
      limit: 140,
      level: 'alarm',
    });
    assert.equal(own.statusCode, 201, own.body);
    const badCode = await post(admin, '/api/v1/sensor-thresholds', {
      pollutant: 'zz99',
      rule: 'hour_avg',
      limit: 99,
      level: 'alarm',
    });
    assert.equal(badCode.statusCode, 400, badCode.body);
  });

  const series = async (q: string) => {
    const res = await get(leader, `/api/v1/sites/${s.id}/series?${q}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as TSeries;
  };

  test('minute steps from aggregates, the tail from the device’s own averages, per monitor; thresholds of the site type', async () => {
    const b = base();
    const r = await series(
      `pollutants=a34002,LA&bucket=minute&from=${b.toISOString()}&to=${new Date(b.getTime() + HOUR).toISOString()}`,
    );
    assert.equal(r.stepSeconds, 60);
    const pm10 = r.series.find((x) => x.pollutant === 'a34002' && x.deviceId === d1.id);
    assert.ok(pm10);
    assert.equal(pm10.source, 'mixed');
    assert.equal(pm10.points.length, 12);
    assert.deepEqual(pm10.points[0], [b.toISOString(), 105, 100, 110]);
    assert.deepEqual(pm10.points[10], [new Date(b.getTime() + 10 * MINUTE).toISOString(), 211, 210, 212]);
    const noise = r.series.find((x) => x.pollutant === 'LA');
    assert.equal(noise?.deviceName, '西门监测仪');
    assert.equal(noise?.source, 'rtd');
    assert.equal(noise?.unit, 'dB(A)');
    assert.deepEqual(
      noise?.points.map((p) => p[1]),
      [60, 61, 62],
    );
    // Those of this site's type or of every type, for the pollutants asked; not another type's.
    const noiseLimits = r.thresholds.filter((x) => x.pollutant === 'LA').map((x) => [x.limit, x.siteType]);
    assert.deepEqual(noiseLimits, [[70, 'other']]);
    assert.ok(
      r.thresholds.every(
        (x) => (x.siteType === null || x.siteType === 'other') && ['a34002', 'LA'].includes(x.pollutant),
      ),
    );
  });

  test('wide ranges are combined into wider steps (count-weighted), capped in points', async () => {
    const b = base();
    // 3 days of minutes = 4320 > 1500 points: steps of 3 minutes.
    const r = await series(
      `pollutants=a34002&bucket=minute&from=${new Date(b.getTime() - 3 * DAY + HOUR).toISOString()}&to=${new Date(b.getTime() + HOUR).toISOString()}`,
    );
    assert.equal(r.stepSeconds, 180);
    const pm10 = r.series.find((x) => x.deviceId === d1.id);
    assert.ok(pm10 && pm10.points.length <= 1500);
    // Minutes 0–2 → one step: (100+110+101+111+102+112)/6 = 106.
    const first = pm10?.points.find((p) => p[0] === b.toISOString());
    assert.deepEqual(first, [b.toISOString(), 106, 100, 112]);
    // Hour bucket: PM2.5 from hour aggregates, weighted by count.
    const h = await series(
      `pollutants=a34004&bucket=hour&from=${b.toISOString()}&to=${new Date(b.getTime() + 2 * HOUR).toISOString()}`,
    );
    assert.equal(h.stepSeconds, 3600);
    assert.deepEqual(
      h.series[0]?.points.map((p) => p[1]),
      [50, 70],
    );
    const coarse = await series(
      `pollutants=a34004&bucket=hour&from=${new Date(b.getTime() - DAY + 2 * HOUR).toISOString()}&to=${new Date(b.getTime() + 2 * HOUR).toISOString()}`,
    );
    assert.equal(coarse.series[0]?.source, 'aggregate');
  });

  test('bad queries: unknown codes, reversed or too long ranges', async () => {
    const bad = async (q: string, field: string) => {
      const res = await get(leader, `/api/v1/sites/${s.id}/series?${q}`);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().details[0].field, field);
    };
    await bad('pollutants=a34002,zz', 'querystring.pollutants');
    await bad('from=2026-04-15T00:00:00Z&to=2026-04-14T00:00:00Z', 'querystring.from');
    await bad('from=2024-01-01T00:00:00Z&to=2026-04-14T00:00:00Z', 'querystring.from');
    await bad('bucket=day', 'querystring.bucket');
  });
});

/**
 * Threshold administration through the API (listed with the values written, validation naming the field,
 * 409 on a duplicate, 403 without sensors.write) and the running HJ 212 ingest seeing site, monitor and
 * threshold changes made through the API at once — not after its 30 s cache (which follows performance.now(),
 * so a test cannot wait it out by moving the clock: without the invalidation these frames would be judged by
 * what was cached).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TSensorDevice, TSiteDetail, TThreshold } from '../../../common/sensors.ts';
import { createTestApp, type Session, type TestApp } from '../../test/app.ts';
import { demoTenantId, frame, query, sql, TestDevice } from './sensors.int.helpers.ts';
import { type SensorListener, startSensorListener } from './sensors.listener.ts';

let t: TestApp;
let admin: Session;
let commander: Session;
let leader: Session;
let fieldWorker: Session;
let tenantId: string;

const db = () => t.deps.database.db;
const post = (s: Session, url: string, payload: unknown) =>
  t.as(s, { method: 'POST', url, payload: payload as object });
const patch = (s: Session, url: string, payload: unknown) =>
  t.as(s, { method: 'PATCH', url, payload: payload as object });
const get = (s: Session, url: string) => t.as(s, { method: 'GET', url });

async function listed(s: Session = leader): Promise<TThreshold[]> {
  const res = await get(s, '/api/v1/sensor-thresholds');
  assert.equal(res.statusCode, 200, res.body);
  return res.json().items;
}

async function auditOf(objectId: string) {
  return query<{ action: string; details: Record<string, unknown> }>(
    db(),
    sql`select action, details from audit_events where object_id = ${objectId} order by seq`,
  );
}

async function createThreshold(body: Record<string, unknown>, s: Session = commander): Promise<TThreshold> {
  const res = await post(s, '/api/v1/sensor-thresholds', body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

before(async () => {
  t = await createTestApp();
  admin = await t.login('sys_admin');
  commander = await t.login('commander');
  leader = await t.login('leader');
  fieldWorker = await t.login('field_worker');
  tenantId = await demoTenantId(db());
});
after(async () => {
  await t.close();
});

describe('thresholds through the API', () => {
  test('a threshold created and then changed is listed with its new values, one audit event each', async () => {
    const created = await createThreshold({
      siteType: 'municipal',
      pollutant: 'a34005',
      rule: 'consecutive_rtd',
      limit: 180.5,
      consecutive: 4,
      level: 'warning',
    });
    assert.equal(created.pollutantName, '亚微米颗粒物 PM1.0');
    assert.equal(created.unit, 'μg/m³');
    assert.equal(created.enabled, true, 'enabled unless told');
    const row = (await listed()).find((x) => x.id === created.id);
    assert.deepEqual(
      row && [row.siteType, row.pollutant, row.rule, row.limit, row.consecutive, row.level, row.enabled],
      ['municipal', 'a34005', 'consecutive_rtd', 180.5, 4, 'warning', true],
    );

    const changed = await patch(commander, `/api/v1/sensor-thresholds/${created.id}`, {
      siteType: null,
      limit: 200,
      consecutive: 6,
      level: 'alarm',
      enabled: false,
    });
    assert.equal(changed.statusCode, 200, changed.body);
    const after = (await listed()).find((x) => x.id === created.id);
    assert.deepEqual(
      after && [
        after.siteType,
        after.pollutant,
        after.rule,
        after.limit,
        after.consecutive,
        after.level,
        after.enabled,
      ],
      [null, 'a34005', 'consecutive_rtd', 200, 6, 'alarm', false],
    );

    // A patch that changes nothing writes nothing.
    const same = await patch(commander, `/api/v1/sensor-thresholds/${created.id}`, { limit: 200 });
    assert.equal(same.statusCode, 200, same.body);
    const audit = await auditOf(created.id);
    assert.deepEqual(
      audit.map((a) => a.action),
      ['sensors.thresholds.create', 'sensors.thresholds.update'],
    );
    assert.deepEqual(audit[1]?.details.changed, ['siteType', 'limit', 'consecutive', 'level', 'enabled']);
  });

  test('validation errors name the field, in Chinese where the schema words them', async () => {
    const base = { pollutant: 'a34002', rule: 'hour_avg', limit: 90, level: 'warning' };
    const cases: [Record<string, unknown>, string, RegExp | null][] = [
      [{ ...base, limit: 0 }, 'body.limit', /限值应大于 0/],
      [{ ...base, limit: '90' }, 'body.limit', null],
      [{ ...base, consecutive: 0 }, 'body.consecutive', /连续次数至少为 1/],
      [{ ...base, consecutive: 2.5 }, 'body.consecutive', null],
      [{ ...base, siteType: 'factory' }, 'body.siteType', /工地类型/],
      [{ ...base, rule: 'daily_avg' }, 'body.rule', null],
      [{ ...base, level: 'critical' }, 'body.level', null],
      [{ ...base, pollutant: '' }, 'body.pollutant', /请选择监测因子/],
      [{ ...base, pollutant: 'zz99' }, 'body.pollutant', /未知的监测因子编码 zz99/],
    ];
    const before = (await listed()).length;
    for (const [body, field, message] of cases) {
      const res = await post(commander, '/api/v1/sensor-thresholds', body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      const details = res.json().details as { field: string; message: string }[];
      assert.equal(details[0]?.field, field, JSON.stringify(body));
      if (message) assert.match(details[0]?.message ?? '', message);
    }
    assert.equal((await listed()).length, before, 'nothing was added');

    const th = await createThreshold({ ...base, pollutant: 'a34001', rule: 'hour_avg', limit: 300 });
    const badPatch = await patch(commander, `/api/v1/sensor-thresholds/${th.id}`, { limit: -1 });
    assert.equal(badPatch.statusCode, 400, badPatch.body);
    assert.equal(badPatch.json().details[0].field, 'body.limit');
    const badCode = await patch(commander, `/api/v1/sensor-thresholds/${th.id}`, { pollutant: 'zz99' });
    assert.equal(badCode.statusCode, 400, badCode.body);
    assert.equal(badCode.json().details[0].field, 'body.pollutant');
    assert.equal((await listed()).find((x) => x.id === th.id)?.limit, 300, 'unchanged');

    const missing = await patch(commander, '/api/v1/sensor-thresholds/00000000-0000-4000-8000-000000000000', {
      limit: 1,
    });
    assert.equal(missing.statusCode, 404, missing.body);
  });

  test('the same site type, pollutant, rule and level twice: 409 on the pollutant, by create or by patch', async () => {
    const body = { siteType: 'road', pollutant: 'Leq', rule: 'hour_avg', limit: 70, level: 'warning' };
    await createThreshold(body);
    const dup = await post(commander, '/api/v1/sensor-thresholds', { ...body, limit: 75 });
    assert.equal(dup.statusCode, 409, dup.body);
    assert.equal(dup.json().details[0].field, 'body.pollutant');

    const other = await createThreshold({ ...body, level: 'alarm', limit: 80 });
    const clash = await patch(commander, `/api/v1/sensor-thresholds/${other.id}`, { level: 'warning' });
    assert.equal(clash.statusCode, 409, clash.body);
    assert.equal(clash.json().details[0].field, 'body.pollutant');
  });

  test('without sensors.write: 403 on create and change, nothing written; reading is allowed', async () => {
    const th = await createThreshold({ pollutant: 'a01007', rule: 'hour_avg', limit: 10.8, level: 'warning' });
    const count = (await listed()).length;
    for (const s of [leader, fieldWorker]) {
      assert.equal((await get(s, '/api/v1/sensor-thresholds')).statusCode, 200);
      const add = await post(s, '/api/v1/sensor-thresholds', {
        pollutant: 'a01002',
        rule: 'hour_avg',
        limit: 95,
        level: 'warning',
      });
      assert.equal(add.statusCode, 403, add.body);
      const change = await patch(s, `/api/v1/sensor-thresholds/${th.id}`, { limit: 1 });
      assert.equal(change.statusCode, 403, change.body);
    }
    assert.equal((await listed()).length, count);
    assert.equal((await listed()).find((x) => x.id === th.id)?.limit, 10.8);
    assert.equal((await auditOf(th.id)).length, 1);
  });
});

describe('the running ingest sees API changes at once', () => {
  let listener: SensorListener;
  let dev: TestDevice;
  let site: TSiteDetail;

  before(async () => {
    listener = await startSensorListener(t.deps, { port: 0, host: '127.0.0.1' });
    dev = await TestDevice.connect(listener.port);
    const res = await post(admin, '/api/v1/sites', {
      code: 'TH-INGEST-1',
      name: '阈值测试工地',
      siteType: 'building',
      address: '经开区第八大街',
      lat: 34.72,
      lng: 113.73,
      builder: '测试施工单位',
    });
    assert.equal(res.statusCode, 201, res.body);
    site = res.json();
  });
  after(async () => {
    dev.destroy();
    await listener.close();
  });

  /** Send one real-time frame a minute after the last; resolves with whether it was answered. */
  let replies = 0;
  async function send(mn: string, values: Record<string, number>, pw = '123456'): Promise<void> {
    t.clock.advance(60_000);
    await dev.write(frame({ mn, pw, at: t.clock.now().getTime(), values }));
  }
  /** Wait for the next reply (frames of one connection are answered in order) and return whose it is. */
  async function nextReply(): Promise<string | undefined> {
    replies += 1;
    const all = await dev.waitReplies(replies, 10_000);
    return all[replies - 1]?.mn;
  }
  const frames = (mn: string) =>
    query<{ verdict: string; reason: string | null }>(
      db(),
      sql`select f.verdict, f.reason from sensor_frames f join sensor_devices d
        on d.tenant_id = f.tenant_id and d.id = f.device_id where d.mn = ${mn} order by f.received_at, f.seq`,
    );
  const strangerFrames = async (mn: string) =>
    Number(
      (
        await query<{ frames: number }>(
          db(),
          sql`select frames from sensor_strangers where tenant_id = ${tenantId} and mn = ${mn}`,
        )
      )[0]?.frames ?? 0,
    );
  const breaches = async (deviceId: string, pollutant: string) =>
    Number(
      (
        await query<{ n: number }>(
          db(),
          sql`select count(*)::int as n from sensor_alerts
            where tenant_id = ${tenantId} and device_id = ${deviceId} and pollutant = ${pollutant} and kind = 'breach'`,
        )
      )[0]?.n,
    );

  async function addDevice(mn: string, over: Record<string, unknown> = {}): Promise<TSensorDevice> {
    const res = await post(admin, '/api/v1/sensor-devices', {
      mn,
      siteId: site.id,
      name: `监测仪 ${mn}`,
      password: '123456',
      ...over,
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  }

  let monitor: TSensorDevice;

  test('an unknown MN registered through the API is accepted by its very next frame', async () => {
    monitor = await addDevice('TH-SYNC-000001');
    // The stranger is looked up (and the miss cached) before the known device's frame is answered.
    await send('TH-LATE-000001', { a34002: 40 });
    await send(monitor.mn, { a34002: 40 });
    assert.equal(await nextReply(), monitor.mn, 'the stranger got no reply');
    await listener.ingest.drain();
    assert.equal(await strangerFrames('TH-LATE-000001'), 1);

    await addDevice('TH-LATE-000001');
    await send('TH-LATE-000001', { a34002: 41 });
    assert.equal(await nextReply(), 'TH-LATE-000001');
    assert.deepEqual(
      (await frames('TH-LATE-000001')).map((f) => f.verdict),
      ['ok'],
    );
  });

  test('a monitor’s new PW and new MN apply to the next frame', async () => {
    const res = await patch(admin, `/api/v1/sensor-devices/${monitor.id}`, { password: 'new-pw-1' });
    assert.equal(res.statusCode, 200, res.body);
    await send(monitor.mn, { a34002: 42 }, '123456');
    await send(monitor.mn, { a34002: 43 }, 'new-pw-1');
    assert.equal(await nextReply(), monitor.mn);
    const verdicts = (await frames(monitor.mn)).slice(-2);
    assert.equal(verdicts[0]?.verdict, 'rejected');
    assert.match(verdicts[0]?.reason ?? '', /^BAD_PW/);
    assert.equal(verdicts[1]?.verdict, 'ok');

    // Under its new MN (a stranger until now) the monitor is recognised at once; the old MN becomes a stranger.
    await send('TH-SYNC-000002', { a34002: 44 }, 'new-pw-1');
    await send(monitor.mn, { a34002: 44 }, 'new-pw-1');
    assert.equal(await nextReply(), monitor.mn);
    await listener.ingest.drain();
    assert.equal(await strangerFrames('TH-SYNC-000002'), 1);
    const renamed = await patch(admin, `/api/v1/sensor-devices/${monitor.id}`, { mn: 'TH-SYNC-000002' });
    assert.equal(renamed.statusCode, 200, renamed.body);
    await send('TH-SYNC-000001', { a34002: 44 }, 'new-pw-1');
    await send('TH-SYNC-000002', { a34002: 45 }, 'new-pw-1');
    assert.equal(await nextReply(), 'TH-SYNC-000002');
    await listener.ingest.drain();
    assert.equal(await strangerFrames('TH-SYNC-000001'), 1);
    monitor = renamed.json();
  });

  test('a threshold created, or switched on, through the API judges the next reading', async () => {
    const pw = 'new-pw-1';
    // The tenant's thresholds are cached by now; PM1.0 has no threshold of its own in the demo seed.
    await send(monitor.mn, { a34005: 80 }, pw);
    assert.equal(await nextReply(), monitor.mn);
    assert.equal(await breaches(monitor.id, 'a34005'), 0);

    await createThreshold({
      pollutant: 'a34005',
      rule: 'consecutive_rtd',
      limit: 50,
      consecutive: 1,
      level: 'warning',
    });
    await send(monitor.mn, { a34005: 80 }, pw);
    assert.equal(await nextReply(), monitor.mn);
    assert.equal(await breaches(monitor.id, 'a34005'), 1, 'the new threshold opened an alert');

    const off = await createThreshold({
      pollutant: 'a01001',
      rule: 'consecutive_rtd',
      limit: 35,
      consecutive: 1,
      level: 'warning',
      enabled: false,
    });
    await send(monitor.mn, { a01001: 40 }, pw);
    assert.equal(await nextReply(), monitor.mn);
    assert.equal(await breaches(monitor.id, 'a01001'), 0, 'a disabled threshold does nothing');
    const on = await patch(commander, `/api/v1/sensor-thresholds/${off.id}`, { enabled: true });
    assert.equal(on.statusCode, 200, on.body);
    await send(monitor.mn, { a01001: 40 }, pw);
    assert.equal(await nextReply(), monitor.mn);
    assert.equal(await breaches(monitor.id, 'a01001'), 1, 'switched on: it opened an alert');
  });

  test('a site’s new type applies to its monitors’ next readings', async () => {
    const pw = 'new-pw-1';
    await createThreshold({
      siteType: 'road',
      pollutant: 'LA',
      rule: 'consecutive_rtd',
      limit: 60,
      consecutive: 1,
      level: 'warning',
    });
    await send(monitor.mn, { LA: 70 }, pw);
    assert.equal(await nextReply(), monitor.mn);
    assert.equal(await breaches(monitor.id, 'LA'), 0, 'a building site: the road threshold does not apply');

    const res = await patch(admin, `/api/v1/sites/${site.id}`, { siteType: 'road' });
    assert.equal(res.statusCode, 200, res.body);
    await send(monitor.mn, { LA: 70 }, pw);
    assert.equal(await nextReply(), monitor.mn);
    assert.equal(await breaches(monitor.id, 'LA'), 1, 'now a road site');
  });
});

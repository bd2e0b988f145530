/**
 * A generated day through the TCP listener: 100 monitors on 50 sites, one frame every 10 simulated minutes
 * (DataTime and the test clock walk through 24 hours), values from the real dust data; PM10 breaches injected
 * at 3 sites (twice), 5 monitors stopped at noon. Checks readings, hourly aggregates, alerts, cases (one per
 * site, joined rather than duplicated), offline marks and the offline case, sites without a working monitor,
 * a monitor coming back, and frame retention.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Worker } from '../../jobs/worker.ts';
import { HOUR, MINUTE } from '../../lib/clock.ts';
import { createTestApp, type TestApp } from '../../test/app.ts';
import * as repo from './sensors.ingest.repo.ts';
import { invalidateSensorCaches } from './sensors.ingest.ts';
import { addDevice, addSite, demoTenantId, frame, query, READINGS, sql, TestDevice } from './sensors.int.helpers.ts';
import { registerSensorJobs, runFrameRetention, runSensorOfflineCheck } from './sensors.jobs.ts';
import { type SensorListener, startSensorListener } from './sensors.listener.ts';
import { aggregatePoints, sitesWithoutWorkingMonitor } from './sensors.sites.repo.ts';

const DATA = path.resolve(import.meta.dirname, '../../../../shared/testdata/hj212');
/** 2026-04-16 00:00 China time. */
const DAY_START = Date.parse('2026-04-15T16:00:00Z');
const STEP = 10 * MINUTE;
const STEPS = 144;
const SITES = 50;
const CODES = ['a34001', 'a34002', 'a34004', 'LA', 'a01001', 'a01002', 'a01006', 'a01007', 'a01008'];
/** Sites whose first monitor breaches PM10 (300 µg/m³) from 10:00 to 11:00 and again from 14:00 to 15:00. */
const BREACH_SITES = [0, 10, 20];
const BREACH_HOURS = [10, 14];
/** Monitors stopped at noon: both of sites 40 and 41, the second of site 42. */
const STOPPED = new Set(['T-DAY-040-A', 'T-DAY-040-B', 'T-DAY-041-A', 'T-DAY-041-B', 'T-DAY-042-B']);

let t: TestApp;
let listener: SensorListener;
let tenantId: string;
const siteIds: string[] = [];

/** A few hundred real rows (PM10 > 0) of the Lancer-Ming dust platform, PM10 capped at 140 µg/m³. */
function dustRows(): Record<string, number>[] {
  const lines = readFileSync(path.join(DATA, 'dust_timeseries_lancer-ming_factory_2018.csv'), 'utf8')
    .trim()
    .split('\n');
  const cols = (lines[0] as string).split(',');
  const rows: Record<string, number>[] = [];
  for (const line of lines.slice(1)) {
    const v = line.split(',');
    const get = (k: string) => Number(v[cols.indexOf(`${k}_Rtd`)]);
    if (!(get('a34002') > 0) || !['000003', '000004', '000005'].includes(v[1] as string)) continue;
    const row: Record<string, number> = {};
    for (const c of CODES) row[c] = get(c);
    row.a34002 = Math.min(row.a34002 as number, 140);
    rows.push(row);
    if (rows.length === 600) break;
  }
  return rows;
}

before(async () => {
  t = await createTestApp({ start: new Date(DAY_START).toISOString() });
  const db = t.deps.database.db;
  tenantId = await demoTenantId(db);
  // Thresholds of this test (the demo's are replaced): PM10 hourly average 100 warning / 150 alarm,
  // PM10 real-time above 250 three times in a row a warning.
  await db.execute(sql`delete from sensor_thresholds where tenant_id = ${tenantId}`);
  const now = t.clock.now();
  const rule = (
    pollutant: string,
    r: 'hour_avg' | 'consecutive_rtd',
    limit: number,
    consecutive: number,
    level: 'warning' | 'alarm',
  ) => ({
    tenantId,
    id: crypto.randomUUID(),
    siteType: null,
    pollutant,
    rule: r,
    limit,
    consecutive,
    level,
    createdAt: now,
    updatedAt: now,
  });
  await repo.insertThresholds(db, [
    rule('a34002', 'hour_avg', 100, 1, 'warning'),
    rule('a34002', 'hour_avg', 150, 1, 'alarm'),
    rule('a34002', 'consecutive_rtd', 250, 3, 'warning'),
  ]);
  // Even-numbered sites have a registered responsible unit (a squad, not where 工地扬尘 routes).
  const owner = (
    await query<{ id: string }>(
      db,
      sql`select id from org_units where tenant_id = ${tenantId} and type = 'community' order by path limit 1`,
    )
  )[0]?.id as string;
  for (let s = 0; s < SITES; s++) {
    const id = await addSite(
      db,
      tenantId,
      {
        code: `T-DAY-${String(s).padStart(3, '0')}`,
        lat: 34.7 + (s % 10) * 0.004,
        lng: 113.7 + Math.floor(s / 10) * 0.012,
        unitId: s % 2 === 0 ? owner : null,
      },
      now,
    );
    siteIds.push(id);
    for (const k of ['A', 'B'])
      await addDevice(
        db,
        tenantId,
        { mn: `T-DAY-${String(s).padStart(3, '0')}-${k}`, siteId: id, intervalSeconds: 600 },
        now,
      );
  }
  invalidateSensorCaches();
  listener = await startSensorListener(t.deps, { port: 0, host: '127.0.0.1', maxConnectionsPerAddress: 200 });
});

after(async () => {
  await listener.close();
  await t.close();
});

test('a generated day of 100 monitors gives the expected readings, aggregates, alerts, cases and offline marks', async () => {
  const db = t.deps.database.db;
  const worker = new Worker(t.deps, { batch: 50 });
  await registerSensorJobs(worker, t.deps);
  const rows = dustRows();
  assert.equal(rows.length, 600);

  const mns: string[] = [];
  for (let s = 0; s < SITES; s++) for (const k of ['A', 'B']) mns.push(`T-DAY-${String(s).padStart(3, '0')}-${k}`);
  const devices = await Promise.all(mns.map(() => TestDevice.connect(listener.port)));
  /** What each monitor sent: PM10 per hour bucket (UTC ms) → values. */
  const sent = new Map<string, Map<number, number[]>>();
  let framesSent = 0;
  const sentCount = new Map<string, number>();
  const offlineChecks = new Map<number, Awaited<ReturnType<typeof runSensorOfflineCheck>>>();

  for (let step = 0; step < STEPS; step++) {
    const at = DAY_START + step * STEP;
    t.clock.set(new Date(at));
    const hourOfDay = Math.floor((step * 10) / 60);
    const writes: Promise<void>[] = [];
    for (const [i, mn] of mns.entries()) {
      if (STOPPED.has(mn) && hourOfDay >= 12) continue;
      const values = { ...(rows[(i * 7 + step) % rows.length] as Record<string, number>) };
      const site = Math.floor(i / 2);
      if (BREACH_SITES.includes(site) && mn.endsWith('-A') && BREACH_HOURS.includes(hourOfDay)) values.a34002 = 300;
      const byHour = sent.get(mn) ?? new Map<number, number[]>();
      const hour = Math.floor(at / HOUR) * HOUR;
      byHour.set(hour, [...(byHour.get(hour) ?? []), values.a34002 as number]);
      sent.set(mn, byHour);
      writes.push((devices[i] as TestDevice).write(frame({ mn, at, values })));
      framesSent++;
      sentCount.set(mn, (sentCount.get(mn) ?? 0) + 1);
    }
    await Promise.all(writes);
    for (const [i, mn] of mns.entries()) {
      await (devices[i] as TestDevice).waitReplies(sentCount.get(mn) ?? 0);
    }
    // Case work after each injected breach hour, and offline checks around the stop.
    if (hourOfDay === 11 && step % 6 === 0) await worker.runOnce();
    if (hourOfDay === 15 && step % 6 === 0) await worker.runOnce();
    const hm = `${hourOfDay}:${(step * 10) % 60}`;
    if (hm === '12:30' || hm === '13:0' || hm === '14:30')
      offlineChecks.set(step, await runSensorOfflineCheck(t.deps, tenantId));
    if (hm === '14:30') await worker.runOnce();
  }
  await listener.ingest.drain();

  // Every frame answered with 9014 echoing its QN.
  for (const [i, mn] of mns.entries()) {
    const replies = (devices[i] as TestDevice).replies;
    assert.equal(replies.length, STOPPED.has(mn) ? 72 : 144, mn);
    assert.ok(
      replies.every((r, k) => r.cn === '9014' && r.mn === mn && r.qnTime === DAY_START + k * STEP),
      mn,
    );
  }

  // Readings: 9 pollutants per frame, every frame stored as ok.
  const [counts] = await query<{ frames: number; ok: number; readings: number }>(
    db,
    sql`select (select count(*)::int from sensor_frames f join sensor_devices d on d.tenant_id = f.tenant_id and d.id = f.device_id where d.mn like 'T-DAY-%') as frames,
      (select count(*)::int from sensor_frames f join sensor_devices d on d.tenant_id = f.tenant_id and d.id = f.device_id where d.mn like 'T-DAY-%' and f.verdict = 'ok') as ok,
      (select count(*)::int from ${READINGS} r join sensor_devices d on d.tenant_id = r.tenant_id and d.id = r.device_id where d.mn like 'T-DAY-%' and r.kind = 'rtd') as readings`,
  );
  assert.equal(framesSent, 95 * 144 + 5 * 72);
  assert.deepEqual(counts, { frames: framesSent, ok: framesSent, readings: framesSent * CODES.length });

  // Hourly aggregates of PM10 equal the mean of what was sent.
  const aggs = await query<{ mn: string; at: string | Date; count: number; sum: number; min: number; max: number }>(
    db,
    sql`select d.mn, a.at, a.count, a.sum, a.min, a.max from sensor_aggregates a join sensor_devices d
      on d.tenant_id = a.tenant_id and d.id = a.device_id where d.mn like 'T-DAY-%' and a.bucket = 'hour' and a.pollutant = 'a34002'`,
  );
  assert.equal(aggs.length, 95 * 24 + 5 * 12);
  for (const a of aggs) {
    const values = sent.get(a.mn)?.get(new Date(a.at).getTime()) as number[];
    assert.equal(a.count, values.length);
    const mean = values.reduce((x, y) => x + y, 0) / values.length;
    assert.ok(Math.abs(a.sum / a.count - mean) < 1e-9, `${a.mn} ${new Date(a.at).toISOString()}`);
    assert.equal(a.min, Math.min(...values));
    assert.equal(a.max, Math.max(...values));
  }
  // Minute buckets are computed when read: one per frame at a 10-minute interval, each the value sent.
  const dayDevices = await query<{ id: string; mn: string }>(
    db,
    sql`select id, mn from sensor_devices where tenant_id = ${tenantId} and mn like 'T-DAY-%'`,
  );
  const minutes = await aggregatePoints(db, tenantId, 'minute', {
    deviceIds: dayDevices.map((d) => d.id),
    pollutants: ['a34002'],
    from: new Date(DAY_START),
    to: new Date(DAY_START + 25 * HOUR),
    stepSeconds: 60,
    origin: new Date(DAY_START),
  });
  assert.equal(minutes.length, framesSent, 'one minute bucket per frame at a 10-minute interval');
  const mnOf = new Map(dayDevices.map((d) => [d.id, d.mn]));
  for (const p of minutes) {
    const values = sent.get(mnOf.get(p.deviceId) as string)?.get(Math.floor(p.at.getTime() / HOUR) * HOUR) ?? [];
    assert.ok(values.includes(p.avg) && p.min === p.avg && p.max === p.avg, `${p.deviceId} ${p.at.toISOString()}`);
  }

  // Alerts. Alarm (150): exactly the injected monitors, one alert per injected hour (it clears in between).
  const alerts = await query<{
    mn: string;
    level: string;
    kind: string;
    limit: number;
    started_at: string;
    cleared_at: string | null;
    case_id: string | null;
    occurrences: number;
    site_id: string;
  }>(
    db,
    sql`select d.mn, a.level, a.kind, a."limit", a.started_at, a.cleared_at, a.case_id, a.occurrences, a.site_id
      from sensor_alerts a join sensor_devices d on d.tenant_id = a.tenant_id and d.id = a.device_id
      where d.mn like 'T-DAY-%' order by a.started_at`,
  );
  const breachMns = BREACH_SITES.map((s) => `T-DAY-${String(s).padStart(3, '0')}-A`);
  const alarms = alerts.filter((a) => a.kind === 'breach' && a.level === 'alarm');
  assert.equal(alarms.length, BREACH_SITES.length * BREACH_HOURS.length);
  for (const mn of breachMns) {
    const mine = alarms.filter((a) => a.mn === mn);
    assert.deepEqual(
      mine.map((a) => new Date(a.started_at).getTime()),
      BREACH_HOURS.map((h) => DAY_START + h * HOUR),
    );
    // The first cleared when 11:00–12:00 completed below the limit (at 12:00); the second at 16:00.
    assert.deepEqual(
      mine.map((a) => a.cleared_at && new Date(a.cleared_at).getTime()),
      BREACH_HOURS.map((h) => DAY_START + (h + 2) * HOUR),
    );
  }
  // Warning (100, hourly): every monitor with a complete hour averaging above 100, and only those.
  const overHundred = new Set<string>();
  for (const [mn, byHour] of sent) {
    for (const values of byHour.values()) {
      if (values.length >= 5 && values.reduce((x, y) => x + y, 0) / values.length > 100) overHundred.add(mn);
    }
  }
  const warned = new Set(
    alerts.filter((a) => a.kind === 'breach' && a.level === 'warning' && a.limit === 100).map((a) => a.mn),
  );
  assert.deepEqual([...warned].sort(), [...overHundred].sort());
  for (const mn of breachMns) assert.ok(warned.has(mn));
  // Consecutive (250 × 3): only the injected 300s reach it (the data is capped at 140).
  const runs = alerts.filter((a) => a.kind === 'breach' && a.limit === 250);
  assert.deepEqual([...new Set(runs.map((a) => a.mn))].sort(), [...breachMns].sort());

  // Cases: one per breaching site, the second breach joined it (a timeline note), not a new case.
  const cases = await query<{
    id: string;
    source: string;
    category: string;
    description: string;
    status: string;
    lat: number;
  }>(
    db,
    sql`select c.id, c.source, k.code as category, c.description, c.status, c.lat from cases c
      join categories k on k.tenant_id = c.tenant_id and k.id = c.category_id
      where c.tenant_id = ${tenantId} and c.source = 'sensor'`,
  );
  for (const s of BREACH_SITES) {
    const siteAlarms = alarms.filter((a) => a.site_id === siteIds[s]);
    const caseIds = new Set(siteAlarms.map((a) => a.case_id));
    assert.equal(caseIds.size, 1, `one case for site ${s}`);
    const c = cases.find((x) => x.id === [...caseIds][0]);
    assert.ok(c, 'the case exists');
    assert.equal(c.category, 'E0302');
    assert.match(c.description, /扬尘监测报警/);
    // It goes to the site's registered responsible unit (when it has one), not where 工地扬尘 routes.
    const owner = await query<{ site_unit: string | null; case_unit: string | null; via: string | null }>(
      db,
      sql`select s.unit_id as site_unit, c.unit_id as case_unit, c.routing->>'via' as via
        from construction_sites s, cases c where s.tenant_id = ${tenantId} and s.id = ${siteIds[s]}
        and c.tenant_id = ${tenantId} and c.id = ${c.id}`,
    );
    if (s % 2 === 0) {
      assert.ok(owner[0]?.site_unit);
      assert.equal(owner[0]?.case_unit, owner[0]?.site_unit);
      assert.equal(owner[0]?.via, 'assigned');
    } else assert.notEqual(owner[0]?.via, 'assigned');
    assert.match(c.description, new RegExp(`T-DAY-${String(s).padStart(3, '0')}`));
    const notes = await query<{ note: string }>(
      db,
      sql`select note from case_events where tenant_id = ${tenantId} and case_id = ${c.id} and kind = 'comment' order by seq`,
    );
    assert.deepEqual(
      notes.map((n) => /^【(.+?)】/.exec(n.note)?.[1]),
      ['监测恢复', '监测报警续报', '监测恢复'],
      'recovered, breached again (joined), recovered',
    );
  }

  // Offline: the stopped monitors went offline at 12:20 (last frame 11:50 + 3 × 10 min), marked by the check at
  // 12:30; at 14:30 (offline for 130 min > 120) their alerts became alarms and their sites got a case.
  const checks = [...offlineChecks.values()];
  assert.deepEqual(checks[0]?.markedOffline.sort(), [...STOPPED].sort());
  assert.deepEqual(checks[1], { markedOffline: [], escalated: [] });
  assert.deepEqual(checks[2]?.escalated.sort(), [...STOPPED].sort());
  const states = await query<{ mn: string; state: string; offline_since: string | null }>(
    db,
    sql`select mn, state, offline_since from sensor_devices where tenant_id = ${tenantId} and mn like 'T-DAY-%'`,
  );
  for (const d of states) {
    if (STOPPED.has(d.mn)) {
      assert.equal(d.state, 'offline', d.mn);
      assert.equal(new Date(d.offline_since as string).getTime(), DAY_START + 12 * HOUR + 20 * MINUTE);
    } else assert.equal(d.state, 'online', d.mn);
  }
  const offline = alerts.filter((a) => a.kind === 'offline');
  assert.equal(offline.length, STOPPED.size);
  assert.ok(offline.every((a) => a.level === 'alarm' && a.case_id && !a.cleared_at));
  const offlineCases = new Set(offline.map((a) => a.case_id));
  assert.equal(offlineCases.size, 3, 'sites 40, 41, 42: one case each (site 40 and 41 have two monitors offline)');
  for (const id of offlineCases) assert.match(cases.find((c) => c.id === id)?.description ?? '', /监测设备离线/);
  assert.equal(cases.length, BREACH_SITES.length + 3);

  // Sites without a working monitor: 40 and 41 (all monitors offline); 42 still has one online.
  const without = await sitesWithoutWorkingMonitor(db, tenantId, null);
  const codes = without.map((w) => w.site.code);
  assert.ok(codes.includes('T-DAY-040') && codes.includes('T-DAY-041'));
  assert.ok(!codes.includes('T-DAY-042') && !codes.includes('T-DAY-000'));

  // A stopped monitor comes back: online again, its offline alert clears and its case hears of it.
  t.clock.set(new Date(DAY_START + 25 * HOUR));
  const back = devices[mns.indexOf('T-DAY-042-B')] as TestDevice;
  await back.write(
    frame({ mn: 'T-DAY-042-B', at: t.clock.now().getTime(), values: rows[0] as Record<string, number> }),
  );
  await back.waitReplies(73);
  const [d42] = await query<{ state: string }>(db, sql`select state from sensor_devices where mn = 'T-DAY-042-B'`);
  assert.equal(d42?.state, 'online');
  const [a42] = await query<{ cleared_at: string | null; case_id: string }>(
    db,
    sql`select a.cleared_at, a.case_id from sensor_alerts a join sensor_devices d on d.tenant_id = a.tenant_id and d.id = a.device_id
      where d.mn = 'T-DAY-042-B' and a.kind = 'offline'`,
  );
  assert.equal(new Date(a42?.cleared_at as string).getTime(), DAY_START + 25 * HOUR);
  const [note] = await query<{ note: string }>(
    db,
    sql`select note from case_events where case_id = ${a42?.case_id} and kind = 'comment' order by seq desc limit 1`,
  );
  assert.match(note?.note ?? '', /设备恢复/);

  // Monitors that never reported are not "offline" (they show among the sites without a working monitor).
  const [never] = await query<{ state: string }>(
    db,
    sql`select state from sensor_devices where mn = 'GCDEMO0000000002'`,
  );
  assert.equal(never?.state, 'never');

  // Raw frames are evidence for SENSOR_FRAME_RETENTION_DAYS (180), then deleted by the retention job.
  t.clock.set(new Date(DAY_START + 180 * 24 * HOUR));
  assert.equal(await runFrameRetention(t.deps, tenantId), 0);
  t.clock.set(new Date(DAY_START + 181 * 24 * HOUR + 1));
  assert.equal(await runFrameRetention(t.deps, tenantId), framesSent);
  const [left] = await query<{ n: number }>(
    db,
    sql`select count(*)::int as n from sensor_frames where tenant_id = ${tenantId}`,
  );
  assert.equal(left?.n, 1, 'the frame of day 2 is younger');

  // The gateway account reported the cases and cannot log in.
  const gw = await repo.userByUsername(db, tenantId, 'sensor-gateway');
  assert.equal(gw?.isService, true);
  assert.deepEqual(gw?.roles, ['inspector']);
  const login = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'sensor-gateway', password: '!service-account' },
  });
  assert.equal(login.statusCode, 401);
  for (const d of devices) d.destroy();
});

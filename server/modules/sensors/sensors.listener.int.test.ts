/**
 * The HJ 212 listener over real TCP (port 0) against a test app: the shared real-world packets replayed
 * through the socket, framing in pieces, garbage, limits, isolation between devices, unknown MNs, wrong
 * passwords, skewed clocks, scaling and the replies.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../../test/app.ts';
import { crc16Hj212, crcHex } from './hj212/index.ts';
import { addDevice, addSite, demoTenantId, frame, query, READINGS, sql, TestDevice } from './sensors.int.helpers.ts';
import { type SensorListener, startSensorListener } from './sensors.listener.ts';

const DATA = path.resolve(import.meta.dirname, '../../../../shared/testdata/hj212');

interface Packet {
  id: string;
  packet: string;
  crc_hj212_ok: boolean;
  crc_modbus_ok: boolean;
  parsed: { header: Record<string, string>; cp?: Record<string, string> } | null;
}

/** CNs a monitor uploads data with (answered with 9014 when Flag asks). */
const UPLOADS = new Set(['2011', '2021', '2031', '2041', '2051', '2061', '2081']);
const RESPONSES = new Set(['9011', '9012', '9013', '9014']);
/** Devices in the shared data that send CRC-16/MODBUS and are allowed to (hcu firmware). */
const MODBUS_OK = new Set(['ABCDEFG1234567']);
const SCALED = 'LXHB0CS0306310';

let t: TestApp;
let listener: SensorListener;
let tenantId: string;
let siteId: string;

before(async () => {
  t = await createTestApp({ start: '2026-04-15T02:00:00Z' });
  tenantId = await demoTenantId(t.deps.database.db);
  siteId = await addSite(t.deps.database.db, tenantId, { code: 'T-LISTEN-1' }, t.clock.now());
  listener = await startSensorListener(t.deps, { port: 0, host: '127.0.0.1' });
});

after(async () => {
  await listener.close();
  await t.close();
});

const db = () => t.deps.database.db;

async function framesOf(mn: string) {
  return query<{ verdict: string; reason: string | null; cn: string | null; qn: string | null }>(
    db(),
    sql`select f.verdict, f.reason, f.cn, f.qn from sensor_frames f join sensor_devices d
      on d.tenant_id = f.tenant_id and d.id = f.device_id where d.mn = ${mn} order by f.received_at, f.seq`,
  );
}

describe('replaying the shared real-world packets', () => {
  test('every packet is stored or refused as its metadata says, and answered as HJ 212 says', async () => {
    const packets = JSON.parse(readFileSync(path.join(DATA, 'hj212_packets.json'), 'utf8')) as Packet[];
    const wire = readFileSync(path.join(DATA, 'hj212_packets_crlf.txt'));
    assert.equal(wire.toString('latin1').split('\r\n').filter(Boolean).length, packets.length);

    // Register every MN with its most used PW.
    const pwByMn = new Map<string, Map<string, number>>();
    for (const p of packets) {
      const h = p.parsed?.header ?? {};
      if (!h.MN) continue;
      const m = pwByMn.get(h.MN) ?? new Map<string, number>();
      m.set(h.PW ?? '', (m.get(h.PW ?? '') ?? 0) + 1);
      pwByMn.set(h.MN, m);
    }
    const registeredPw = new Map<string, string>();
    for (const [mn, pws] of pwByMn) {
      const pw = [...pws.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] as string;
      registeredPw.set(mn, pw);
      await addDevice(
        db(),
        tenantId,
        {
          mn,
          siteId,
          password: pw,
          allowModbusCrc: MODBUS_OK.has(mn),
          scale: mn === SCALED ? { a34001: 0.001, a34002: 0.001, a34004: 0.001 } : {},
        },
        t.clock.now(),
      );
    }

    // What the metadata says should happen to each packet.
    const expected = new Map<string, Map<string, number>>();
    const expectedReasons = new Map<string, string[]>();
    const expectedReplies: { qn: string | undefined; cn: string }[] = [];
    let unattributed = 0;
    for (const p of packets) {
      const h = p.parsed?.header ?? {};
      const mn = h.MN;
      if (!mn) {
        unattributed++;
        continue;
      }
      let verdict: string;
      let reason: string | null = null;
      if (!p.crc_hj212_ok && !p.crc_modbus_ok) [verdict, reason] = ['rejected', 'BAD_CRC'];
      else if (!p.crc_hj212_ok && !MODBUS_OK.has(mn)) [verdict, reason] = ['rejected', 'MODBUS_CRC_NOT_ALLOWED'];
      else if (h.PW !== registeredPw.get(mn)) [verdict, reason] = ['rejected', 'BAD_PW'];
      else {
        // Every packet is years old: a DataTime (or the QN of a data upload) is a far-past clock.
        const claimsTime = p.parsed?.cp?.DataTime !== undefined || (UPLOADS.has(h.CN as string) && h.QN !== undefined);
        verdict = claimsTime ? 'skewed' : 'ok';
        const flag = h.Flag === undefined ? 0 : Number(h.Flag);
        if ((flag & 1) === 1 && !RESPONSES.has(h.CN as string))
          expectedReplies.push({ qn: h.QN, cn: UPLOADS.has(h.CN as string) ? '9014' : '9011' });
      }
      const m = expected.get(mn) ?? new Map<string, number>();
      m.set(verdict, (m.get(verdict) ?? 0) + 1);
      expected.set(mn, m);
      if (reason) expectedReasons.set(mn, [...(expectedReasons.get(mn) ?? []), reason]);
    }
    assert.equal(unattributed, 1, 'HJ062 has no MN');
    assert.ok(expectedReplies.length > 20);

    // Through one connection, in pieces that split frames anywhere and join several.
    const dev = await TestDevice.connect(listener.port);
    await dev.trickle(wire, [1, 7, 300, 3, 1200, 64, 2, 4096, 17]);
    const replies = await dev.waitReplies(expectedReplies.length);
    await listener.ingest.drain();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(replies.length, expectedReplies.length, 'no reply to refused frames, responses or Flag without A');
    for (const [i, want] of expectedReplies.entries()) {
      const got = replies[i];
      assert.equal(got?.cn, want.cn, `reply ${i} CN`);
      assert.equal(got?.st, '91');
      assert.equal(got?.qn, want.qn, `reply ${i} echoes the QN`);
      if (want.cn === '9011') assert.equal(got?.cp.other.QnRtn, '2', '请求被拒绝: the platform executes no commands');
    }
    // Replies to a Modbus-CRC device carry a Modbus CRC (the device can check them); the others the HJ 212 one.
    for (const r of replies) assert.equal(r.crcKind, MODBUS_OK.has(r.mn) ? 'modbus' : 'hj212', r.mn);

    for (const [mn, verdicts] of expected) {
      const rows = await framesOf(mn);
      const got = new Map<string, number>();
      for (const r of rows) got.set(r.verdict, (got.get(r.verdict) ?? 0) + 1);
      assert.deepEqual(Object.fromEntries(got), Object.fromEntries(verdicts), `frames of ${mn}`);
      const reasons = rows.filter((r) => r.verdict === 'rejected').map((r) => (r.reason ?? '').split(':')[0]);
      assert.deepEqual(reasons.sort(), (expectedReasons.get(mn) ?? []).sort(), `reasons of ${mn}`);
    }

    // HJ057 reports particulates ×1000: scaled back to µg/m³; its 2018 clock is flagged, filed at receive time.
    const [pm10] = await query<{ value: number; at: Date | string; claimed_at: Date | string }>(
      db(),
      sql`select r.value, r.at, r.claimed_at from ${READINGS} r join sensor_devices d
        on d.tenant_id = r.tenant_id and d.id = r.device_id where d.mn = ${SCALED} and r.pollutant = 'a34002'`,
    );
    assert.ok(pm10);
    assert.ok(Math.abs(pm10.value - 140.6) < 1e-9, `PM10 ${pm10.value}`);
    assert.equal(new Date(pm10.at).toISOString(), t.clock.now().toISOString());
    assert.equal(new Date(pm10.claimed_at).toISOString(), '2018-04-27T04:58:09.000Z');
    // The device's hourly values (CN 2061, -Avg) are readings of kind hour.
    const [hourly] = await query<{ n: number }>(
      db(),
      sql`select count(*)::int as n from ${READINGS} r join sensor_devices d
        on d.tenant_id = r.tenant_id and d.id = r.device_id where d.mn = 'Z13401000010301' and r.kind = 'hour'`,
    );
    assert.equal(hourly?.n, 5);
    dev.destroy();
  });
});

describe('framing and limits', () => {
  test('frames split byte by byte, several in one write and garbage between them all arrive, acked in order', async () => {
    await addDevice(db(), tenantId, { mn: 'T-SPLIT-01', siteId }, t.clock.now());
    const at = t.clock.now().getTime();
    const f = [0, 1, 2].map((i) => frame({ mn: 'T-SPLIT-01', at: at - i * 60_000, values: { a34002: 40 + i } }));
    const dev = await TestDevice.connect(listener.port);
    await dev.trickle(`\x00\xffnoise#${f[0]}junk##12${f[1]}`, [1]);
    await dev.write(`\r\n\r\n${f[2]}`);
    const replies = await dev.waitReplies(3);
    assert.deepEqual(
      replies.map((r) => r.cn),
      ['9014', '9014', '9014'],
    );
    assert.deepEqual(
      replies.map((r) => r.qnTime),
      [at, at - 60_000, at - 120_000],
      'in the order sent',
    );
    const rows = await framesOf('T-SPLIT-01');
    assert.deepEqual(
      rows.map((r) => r.verdict),
      ['ok', 'ok', 'ok'],
    );
    dev.destroy();
  });

  test('a frame declaring more than the buffer cap closes that connection without buffering it', async () => {
    const small = await startSensorListener(t.deps, { port: 0, host: '127.0.0.1', maxFrameBytes: 512 });
    try {
      await addDevice(db(), tenantId, { mn: 'T-CAP-01', siteId }, t.clock.now());
      const dev = await TestDevice.connect(small.port);
      const ok = frame({ mn: 'T-CAP-01', at: t.clock.now().getTime(), values: { a34002: 1 } });
      await dev.write(ok);
      await dev.waitReplies(1);
      // 600 bytes declared: over the cap.
      await dev.write(`##0590QN=${'1'.repeat(100)}`);
      await dev.closed;
      assert.equal(dev.replies.length, 1);
    } finally {
      await small.close();
    }
  });

  test('a connection that stays silent is closed after the idle time', async () => {
    const quick = await startSensorListener(t.deps, { port: 0, host: '127.0.0.1', idleMs: 300 });
    try {
      const dev = await TestDevice.connect(quick.port);
      const t0 = performance.now();
      await dev.closed;
      const waited = performance.now() - t0;
      assert.ok(waited >= 250 && waited < 10_000, `closed after ${Math.round(waited)} ms`);
      for (let i = 0; i < 200 && quick.connections() > 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(quick.connections(), 0);
    } finally {
      await quick.close();
    }
  });

  test('connections beyond the per-address limit are refused; the others keep working', async () => {
    const limited = await startSensorListener(t.deps, { port: 0, host: '127.0.0.1', maxConnectionsPerAddress: 3 });
    try {
      await addDevice(db(), tenantId, { mn: 'T-LIMIT-01', siteId }, t.clock.now());
      const devs = [];
      for (let i = 0; i < 3; i++) devs.push(await TestDevice.connect(limited.port));
      for (let i = 0; i < 200 && limited.connections() < 3; i++) await new Promise((r) => setTimeout(r, 10));
      const fourth = await TestDevice.connect(limited.port);
      await fourth.closed;
      assert.equal(limited.connections(), 3);
      const at = t.clock.now().getTime();
      for (const [i, d] of devs.entries())
        await d.write(frame({ mn: 'T-LIMIT-01', at: at - i * 1000, values: { a34002: 5 } }));
      for (const d of devs) assert.equal((await d.waitReplies(1)).length, 1);
      for (const d of devs) d.destroy();
      // Closed connections free their slots.
      for (let i = 0; i < 200 && limited.connections() > 0; i++) await new Promise((r) => setTimeout(r, 10));
      const again = await TestDevice.connect(limited.port);
      await again.write(frame({ mn: 'T-LIMIT-01', at: at - 10_000, values: { a34002: 5 } }));
      assert.equal((await again.waitReplies(1)).length, 1);
      again.destroy();
    } finally {
      await limited.close();
    }
  });

  test('a device sending garbage and broken frames does not disturb a good device on another connection', async () => {
    await addDevice(db(), tenantId, { mn: 'T-GOOD-01', siteId }, t.clock.now());
    await addDevice(db(), tenantId, { mn: 'T-BAD-01', siteId }, t.clock.now());
    const good = await TestDevice.connect(listener.port);
    const bad = await TestDevice.connect(listener.port);
    const at = t.clock.now().getTime();
    const N = 300;
    const goodFrames = Array.from({ length: N }, (_, i) =>
      frame({ mn: 'T-GOOD-01', at: at - i * 1000, values: { a34002: 30, a34004: 20, LA: 55 } }),
    );
    const broken = frame({ mn: 'T-BAD-01', at, values: { a34002: 1 } }).replace(/....\r\n$/, 'FFFF\r\n');
    const noise = Buffer.alloc(4096, 0x41); // 'A' × 4096: no frame start in it
    const badWork = (async () => {
      for (let i = 0; i < 40 && !bad.isClosed; i++) {
        await bad.write(noise).catch(() => {});
        await bad.write(broken).catch(() => {});
      }
    })();
    for (let i = 0; i < N; i += 50) await good.write(goodFrames.slice(i, i + 50).join(''));
    await badWork;
    const replies = await good.waitReplies(N);
    assert.equal(replies.length, N);
    assert.ok(replies.every((r) => r.cn === '9014' && r.mn === 'T-GOOD-01'));
    // More than 64 KiB of noise and broken frames without a usable one: closed (long before the idle time).
    await Promise.race([bad.closed, new Promise((r) => setTimeout(r, 10_000))]);
    assert.ok(bad.isClosed, 'the garbage connection was closed');
    assert.equal(bad.replies.length, 0);
    const rows = await framesOf('T-GOOD-01');
    assert.equal(rows.length, N);
    assert.ok(rows.every((r) => r.verdict === 'ok'));
    const badRows = await framesOf('T-BAD-01');
    assert.ok(badRows.length > 0 && badRows.every((r) => r.verdict === 'rejected' && r.reason?.startsWith('BAD_CRC')));
    good.destroy();
  });
});

describe('devices and clocks', () => {
  test('an unknown MN is counted, not stored, not answered', async () => {
    await addDevice(db(), tenantId, { mn: 'T-KNOWN-01', siteId }, t.clock.now());
    const at = t.clock.now().getTime();
    const dev = await TestDevice.connect(listener.port);
    const stranger = frame({ mn: 'NOBODY-0000001', at, values: { a34002: 99 } });
    await dev.write(stranger + stranger + frame({ mn: 'T-KNOWN-01', at, values: { a34002: 10 } }));
    const [reply] = await dev.waitReplies(1);
    assert.equal(reply?.mn, 'T-KNOWN-01', 'the first reply is for the known device: the strangers got none');
    await listener.ingest.drain();
    const [s] = await query<{ frames: number; last_address: string }>(
      db(),
      sql`select frames, last_address from sensor_strangers where tenant_id = ${tenantId} and mn = 'NOBODY-0000001'`,
    );
    assert.equal(Number(s?.frames), 2);
    assert.equal(s?.last_address, '127.0.0.1');
    const [n] = await query<{ n: number }>(db(), sql`select count(*)::int as n from ${READINGS} r where r.value = 99`);
    assert.equal(n?.n, 0);
    dev.destroy();
  });

  test('a wrong PW is stored as rejected with its reason, not answered, and does not make the device online', async () => {
    await addDevice(db(), tenantId, { mn: 'T-PW-01', siteId, password: 'right-pw' }, t.clock.now());
    await addDevice(db(), tenantId, { mn: 'T-PW-02', siteId }, t.clock.now());
    const at = t.clock.now().getTime();
    const dev = await TestDevice.connect(listener.port);
    await dev.write(
      frame({ mn: 'T-PW-01', pw: 'wrong-pw', at, values: { a34002: 10 } }) +
        frame({ mn: 'T-PW-02', at, values: { a34002: 10 } }),
    );
    const [reply] = await dev.waitReplies(1);
    assert.equal(reply?.mn, 'T-PW-02');
    const rows = await framesOf('T-PW-01');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.verdict, 'rejected');
    assert.match(rows[0]?.reason ?? '', /^BAD_PW/);
    const [d] = await query<{ state: string }>(db(), sql`select state from sensor_devices where mn = 'T-PW-01'`);
    assert.equal(d?.state, 'never');
    dev.destroy();
  });

  test('a clock far ahead (the 2035 QN quirk of the real dust data) is flagged and filed at the receive time', async () => {
    await addDevice(db(), tenantId, { mn: 'T-CLOCK-01', siteId }, t.clock.now());
    // The first real row of dust_timeseries: QN 20350929001058000, PM10 26.1.
    const csv = readFileSync(path.join(DATA, 'dust_timeseries_lancer-ming_factory_2018.csv'), 'utf8').split('\n');
    const cols = (csv[0] as string).split(',');
    const row = (csv[2] as string).split(',');
    const get = (k: string) => row[cols.indexOf(k)] as string;
    assert.equal(get('QN'), '20350929001058000');
    const claimed = Date.UTC(2035, 8, 28, 16, 10, 58); // 2035-09-29 00:10:58 China time
    const dev = await TestDevice.connect(listener.port);
    const near = t.clock.now().getTime() + 5 * 60_000; // 5 min ahead: tolerated
    await dev.write(
      frame({ mn: 'T-CLOCK-01', at: claimed, values: { a34002: Number(get('a34002_Rtd')) } }) +
        frame({ mn: 'T-CLOCK-01', at: near, values: { a34002: 30 } }),
    );
    const replies = await dev.waitReplies(2);
    assert.deepEqual(
      replies.map((r) => r.cn),
      ['9014', '9014'],
      'a skewed frame is still stored, so it is acknowledged',
    );
    const rows = await framesOf('T-CLOCK-01');
    assert.deepEqual(
      rows.map((r) => r.verdict),
      ['skewed', 'ok'],
    );
    assert.match(rows[0]?.reason ?? '', /^CLOCK_AHEAD/);
    const readings = await query<{ value: number; at: string | Date; claimed_at: string | Date | null }>(
      db(),
      sql`select r.value, r.at, r.claimed_at from ${READINGS} r join sensor_devices d
        on d.tenant_id = r.tenant_id and d.id = r.device_id where d.mn = 'T-CLOCK-01' order by r.at`,
    );
    assert.equal(readings.length, 2);
    assert.equal(readings[0]?.value, 26.1);
    assert.equal(new Date(readings[0]?.at as string).toISOString(), t.clock.now().toISOString());
    assert.equal(new Date(readings[0]?.claimed_at as string).toISOString(), new Date(claimed).toISOString());
    assert.equal(new Date(readings[1]?.at as string).getTime(), near);
    assert.equal(readings[1]?.claimed_at, null);
    dev.destroy();
  });

  test('a Modbus-CRC device not allowed it is refused; the same frame is accepted once allowed', async () => {
    await addDevice(db(), tenantId, { mn: 'T-MODBUS-01', siteId }, t.clock.now());
    await addDevice(db(), tenantId, { mn: 'T-MODBUS-02', siteId, allowModbusCrc: true }, t.clock.now());
    const at = t.clock.now().getTime();
    const dev = await TestDevice.connect(listener.port);
    await dev.write(
      frame({ mn: 'T-MODBUS-01', at, values: { a34002: 1 }, crc: 'modbus' }) +
        frame({ mn: 'T-MODBUS-02', at, values: { a34002: 1 }, crc: 'modbus' }),
    );
    const [reply] = await dev.waitReplies(1);
    assert.equal(reply?.mn, 'T-MODBUS-02');
    assert.equal(reply?.crcKind, 'modbus');
    assert.match((await framesOf('T-MODBUS-01'))[0]?.reason ?? '', /^MODBUS_CRC_NOT_ALLOWED/);
    assert.equal((await framesOf('T-MODBUS-02'))[0]?.verdict, 'ok');
    dev.destroy();
  });

  test('a resent frame is answered again but adds no readings and is not aggregated twice', async () => {
    await addDevice(db(), tenantId, { mn: 'T-RESEND-01', siteId }, t.clock.now());
    const at = t.clock.now().getTime() - 30_000;
    const f = frame({ mn: 'T-RESEND-01', at, values: { a34002: 70, a34004: 35 } });
    const g = frame({ mn: 'T-RESEND-01', at: at + 10_000, values: { a34002: 50, a34004: 25 } });
    const dev = await TestDevice.connect(listener.port);
    await dev.write(f);
    await dev.waitReplies(1);
    // The reply got lost, the device sends it again — together with its next frame, in one batch.
    await dev.write(f + g);
    const replies = await dev.waitReplies(3);
    assert.deepEqual(
      replies.map((r) => r.qnTime),
      [at, at, at + 10_000],
    );
    assert.equal((await framesOf('T-RESEND-01')).length, 3, 'every received frame is kept as evidence');
    const readings = await query<{ n: number }>(
      db(),
      sql`select count(*)::int as n from ${READINGS} r join sensor_devices d
        on d.tenant_id = r.tenant_id and d.id = r.device_id where d.mn = 'T-RESEND-01'`,
    );
    assert.equal(readings[0]?.n, 4);
    const aggs = await query<{ bucket: string; count: number; sum: number }>(
      db(),
      sql`select a.bucket, a.count, a.sum from sensor_aggregates a join sensor_devices d
        on d.tenant_id = a.tenant_id and d.id = a.device_id where d.mn = 'T-RESEND-01' and a.pollutant = 'a34002'
        order by a.bucket`,
    );
    const hour = aggs.find((a) => a.bucket === 'hour');
    assert.equal(hour?.count, 2);
    assert.equal(hour?.sum, 120);
    dev.destroy();
  });

  test('frames of one time and kind split over several uploads add up; a pollutant already stored keeps its first value', async () => {
    await addDevice(db(), tenantId, { mn: 'T-SPLIT-TIME-01', siteId }, t.clock.now());
    const at = t.clock.now().getTime() - 50_000;
    const mn = 'T-SPLIT-TIME-01';
    const dev = await TestDevice.connect(listener.port);
    // One batch first: PM10 + PM2.5, then (stored) a frame of the same time with PM2.5 again (another value)
    // and noise; then, in one write, TSP and a repeat of PM10 together with a frame carrying TSP once more.
    await dev.write(frame({ mn, at, values: { a34002: 80, a34004: 40 } }));
    await dev.waitReplies(1);
    await dev.write(frame({ mn, at, values: { a34004: 99, LA: 55 } }));
    await dev.waitReplies(2);
    await dev.write(frame({ mn, at, values: { a34001: 120, a34002: 1 } }) + frame({ mn, at, values: { a34001: 2 } }));
    await dev.waitReplies(4);
    const rows = await query<{ pollutant: string; value: number }>(
      db(),
      sql`select r.pollutant, r.value from ${READINGS} r join sensor_devices d
        on d.tenant_id = r.tenant_id and d.id = r.device_id where d.mn = ${mn} order by r.pollutant`,
    );
    assert.deepEqual(
      rows.map((r) => [r.pollutant, r.value]),
      [
        ['LA', 55],
        ['a34001', 120],
        ['a34002', 80],
        ['a34004', 40],
      ],
    );
    const [values] = await query<{ n: number }>(
      db(),
      sql`select count(*)::int as n from sensor_values v join sensor_devices d
        on d.tenant_id = v.tenant_id and d.id = v.device_id where d.mn = ${mn}`,
    );
    assert.equal(values?.n, 1, 'one row per device, kind and time');
    // The hour buckets counted each pollutant once, with its first value.
    const aggs = await query<{ pollutant: string; count: number; sum: number }>(
      db(),
      sql`select a.pollutant, a.count, a.sum from sensor_aggregates a join sensor_devices d
        on d.tenant_id = a.tenant_id and d.id = a.device_id where d.mn = ${mn} and a.bucket = 'hour'
        order by a.pollutant`,
    );
    assert.deepEqual(
      aggs.map((a) => [a.pollutant, a.count, a.sum]),
      [
        ['LA', 1, 55],
        ['a34001', 1, 120],
        ['a34002', 1, 80],
        ['a34004', 1, 40],
      ],
    );
    assert.equal((await framesOf(mn)).length, 4, 'every frame is kept as evidence');
    dev.destroy();
  });

  test('the demo monitor answers the README example', async () => {
    const seg =
      'QN=20260415100000000;ST=39;CN=2011;PW=123456;MN=GCDEMO0000000001;Flag=5;CP=&&DataTime=20260415100000;a34002-Rtd=86.5,a34002-Flag=N;a34004-Rtd=41.2,a34004-Flag=N&&';
    const wire = `##${String(seg.length).padStart(4, '0')}${seg}${crcHex(crc16Hj212(seg))}\r\n`;
    const dev = await TestDevice.connect(listener.port);
    await dev.write(wire);
    const [reply] = await dev.waitReplies(1);
    assert.equal(reply?.cn, '9014');
    assert.equal(reply?.qn, '20260415100000000');
    dev.destroy();
  });
});

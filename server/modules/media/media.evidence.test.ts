import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evidenceWarnings, formatDistance } from './media.evidence.ts';
import { dmsToDegrees, evidenceMetaFrom, exifTimeToDate, gpsPosition } from './media.exif.ts';

// 李南岗 area, 郑州经开区 (WGS-84).
const SPOT = { lat: 34.7236, lng: 113.7325 };
const AT = new Date('2026-04-15T02:00:00Z');
const photo = (o: Partial<{ takenAt: Date | null; exifLat: number | null; exifLng: number | null }> = {}) => ({
  takenAt: new Date('2026-04-15T01:30:00Z'),
  exifLat: SPOT.lat,
  exifLng: SPOT.lng,
  ...o,
});

describe('evidenceWarnings', () => {
  test('a photo taken on the spot shortly before has no remarks', () => {
    assert.deepEqual(evidenceWarnings(photo(), { ...SPOT, at: AT }), []);
    // 300 m north is within the default 500 m.
    assert.deepEqual(evidenceWarnings(photo({ exifLat: SPOT.lat + 0.0027 }), { ...SPOT, at: AT }), []);
  });

  test('far from the problem: the distance, in metres or kilometres', () => {
    assert.deepEqual(evidenceWarnings(photo({ exifLat: SPOT.lat + 0.0108 }), { ...SPOT, at: AT }), [
      '照片拍摄地点距问题位置约 1.2 公里',
    ]);
    assert.deepEqual(evidenceWarnings(photo({ exifLat: SPOT.lat + 0.0063 }), { ...SPOT, at: AT }), [
      '照片拍摄地点距问题位置约 700 米',
    ]);
    // A tighter limit from the caller.
    assert.equal(
      evidenceWarnings(photo({ exifLat: SPOT.lat + 0.0027 }), { ...SPOT, at: AT }, { maxDistanceM: 100, maxAgeH: 72 })
        .length,
      1,
    );
  });

  test('long before the report: the age in days (or hours under two days)', () => {
    const fiveDays = photo({ takenAt: new Date(AT.getTime() - 5 * 86_400_000 - 3_600_000) });
    assert.deepEqual(evidenceWarnings(fiveDays, { ...SPOT, at: AT }), ['照片拍摄于 5 天前']);
    const justInside = photo({ takenAt: new Date(AT.getTime() - 72 * 3_600_000 + 60_000) });
    assert.deepEqual(evidenceWarnings(justInside, { ...SPOT, at: AT }), []);
    const thirty = photo({ takenAt: new Date(AT.getTime() - 30 * 3_600_000) });
    assert.deepEqual(evidenceWarnings(thirty, { ...SPOT, at: AT }, { maxDistanceM: 500, maxAgeH: 24 }), [
      '照片拍摄于 30 小时前',
    ]);
  });

  test('after the report (beyond ten minutes): the camera clock is off', () => {
    assert.deepEqual(
      evidenceWarnings(photo({ takenAt: new Date(AT.getTime() + 5 * 60_000) }), { ...SPOT, at: AT }),
      [],
    );
    assert.deepEqual(evidenceWarnings(photo({ takenAt: new Date(AT.getTime() + 3_600_000) }), { ...SPOT, at: AT }), [
      '照片拍摄时间晚于上报时间,相机时钟可能不准',
    ]);
  });

  test('missing metadata: time always, position only when there is a point to compare', () => {
    const bare = photo({ takenAt: null, exifLat: null, exifLng: null });
    assert.deepEqual(evidenceWarnings(bare, { ...SPOT, at: AT }), [
      '照片没有拍摄时间和位置信息(可能经过编辑或转发),请核实是否为现场照片',
    ]);
    assert.deepEqual(evidenceWarnings(bare, { at: AT }), ['照片没有拍摄时间信息']);
    assert.deepEqual(evidenceWarnings(photo({ exifLat: null, exifLng: null }), { ...SPOT, at: AT }), [
      '照片没有拍摄位置信息',
    ]);
    assert.deepEqual(evidenceWarnings(photo({ exifLat: null, exifLng: null }), { at: AT }), []);
    // Both far and old: both remarks, place first.
    const both = photo({ exifLat: SPOT.lat + 0.05, takenAt: new Date(AT.getTime() - 10 * 86_400_000) });
    assert.deepEqual(evidenceWarnings(both, { ...SPOT, at: AT }), [
      '照片拍摄地点距问题位置约 5.6 公里',
      '照片拍摄于 10 天前',
    ]);
  });

  test('distances read naturally', () => {
    assert.equal(formatDistance(3), '约 10 米');
    assert.equal(formatDistance(654), '约 650 米');
    assert.equal(formatDistance(1234), '约 1.2 公里');
    assert.equal(formatDistance(2000), '约 2 公里');
    assert.equal(formatDistance(123_456), '约 123 公里');
  });
});

describe('EXIF time and position', () => {
  test('DateTimeOriginal without an offset is wall time in the configured zone', () => {
    assert.equal(
      exifTimeToDate('2026:04:14 09:30:00', null, 'Asia/Shanghai')?.toISOString(),
      '2026-04-14T01:30:00.000Z',
    );
    assert.equal(exifTimeToDate('2026:04:14 09:30:00', null, 'UTC')?.toISOString(), '2026-04-14T09:30:00.000Z');
    // Across a DST change elsewhere: New York is UTC-4 in July, UTC-5 in January.
    assert.equal(
      exifTimeToDate('2026:07:01 12:00:00', null, 'America/New_York')?.toISOString(),
      '2026-07-01T16:00:00.000Z',
    );
    assert.equal(
      exifTimeToDate('2026:01:01 12:00:00', null, 'America/New_York')?.toISOString(),
      '2026-01-01T17:00:00.000Z',
    );
  });

  test('OffsetTimeOriginal wins over the configured zone', () => {
    assert.equal(
      exifTimeToDate('2026:04:14 09:30:00', '+09:00', 'Asia/Shanghai')?.toISOString(),
      '2026-04-14T00:30:00.000Z',
    );
    assert.equal(
      exifTimeToDate('2026:04:14 09:30:00', '-03:30', 'Asia/Shanghai')?.toISOString(),
      '2026-04-14T13:00:00.000Z',
    );
    // A nonsense offset falls back to the zone.
    assert.equal(
      exifTimeToDate('2026:04:14 09:30:00', '+99:00', 'Asia/Shanghai')?.toISOString(),
      '2026-04-14T01:30:00.000Z',
    );
  });

  test('unset or impossible dates are no date', () => {
    for (const v of [
      '0000:00:00 00:00:00',
      '    :  :     :  :  ',
      '2026:02:30 10:00:00',
      '2026:13:01 10:00:00',
      '',
      42,
      null,
    ]) {
      assert.equal(exifTimeToDate(v, null, 'Asia/Shanghai'), null, String(v));
    }
  });

  test('GPS degrees, hemispheres, and 0/0 as “no fix”', () => {
    assert.equal(dmsToDegrees([34, 45, 30], 'N'), 34.758333333333333);
    assert.equal(dmsToDegrees([113, 46, 12], 'W'), -113.77);
    assert.equal(dmsToDegrees(12.5, 'S'), -12.5);
    assert.equal(dmsToDegrees('34', 'N'), null);
    assert.deepEqual(gpsPosition(0, 0), { lat: null, lng: null });
    assert.deepEqual(gpsPosition(91, 10), { lat: null, lng: null });
    assert.deepEqual(gpsPosition(34.123456789, 113.5), { lat: 34.1234568, lng: 113.5 });
  });

  test('exifr output becomes the row’s metadata and summary', () => {
    const m = evidenceMetaFrom(
      {
        Make: 'HUAWEI\0\0',
        Model: 'P60',
        Orientation: 6,
        DateTimeOriginal: '2026:04:14 09:30:00',
        GPSLatitude: [34, 43, 24.96],
        GPSLatitudeRef: 'N',
        GPSLongitude: [113, 43, 57],
        GPSLongitudeRef: 'E',
        GPSAltitude: 101.5,
      },
      'Asia/Shanghai',
    );
    assert.equal(m.takenAt?.toISOString(), '2026-04-14T01:30:00.000Z');
    assert.equal(m.exifLat, 34.7236);
    assert.equal(m.exifLng, 113.7325);
    assert.deepEqual(m.summary, {
      make: 'HUAWEI',
      model: 'P60',
      orientation: 6,
      dateTimeOriginal: '2026:04:14 09:30:00',
      offsetTimeOriginal: null,
      timeZoneSource: 'server_tz',
      gpsAltitude: 101.5,
      gpsMapDatum: null,
    });
    const digitised = evidenceMetaFrom({ CreateDate: '2026:04:14 09:30:00', OffsetTimeDigitized: '+08:00' }, 'UTC');
    assert.equal(digitised.takenAt?.toISOString(), '2026-04-14T01:30:00.000Z');
    assert.equal(digitised.summary?.timeZoneSource, 'exif_offset');
    assert.deepEqual(evidenceMetaFrom(undefined, 'UTC'), {
      takenAt: null,
      exifLat: null,
      exifLng: null,
      summary: null,
    });
  });
});

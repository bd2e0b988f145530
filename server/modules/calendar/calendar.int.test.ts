import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TCalendarDay, TCalendarYear } from '../../../common/calendar.ts';
import { createTestApp, type Session, type TestApp } from '../../test/app.ts';
import { loadWorkCalendar } from './index.ts';

let t: TestApp;
let admin: Session;
let leader: Session;
let fieldWorker: Session;
let auditor: Session;

before(async () => {
  t = await createTestApp();
  admin = await t.login('sys_admin');
  leader = await t.login('leader');
  fieldWorker = await t.login('field_worker');
  auditor = await t.login('auditor');
});
after(() => t.close());

const DEFAULT_PERIODS = [
  ['08:00', '12:00'],
  ['14:00', '18:00'],
];

async function calendarAuditCount(): Promise<number> {
  const res = await t.as(auditor, { method: 'GET', url: '/api/v1/audit-events?pageSize=1&action=calendar.' });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().total as number;
}

async function year(y: number, as: Session = leader): Promise<TCalendarYear> {
  const res = await t.as(as, { method: 'GET', url: `/api/v1/calendar?year=${y}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as TCalendarYear;
}

const deadline = async (start: string, value: number, unit: string) => {
  const res = await t.as(fieldWorker, {
    method: 'GET',
    url: `/api/v1/calendar/deadline?start=${encodeURIComponent(start)}&value=${value}&unit=${unit}`,
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { deadline: string; workingMinutes: number; timeZone: string };
};

const putDays = (y: number, days: TCalendarDay[], as: Session = admin) =>
  t.as(as, { method: 'PUT', url: `/api/v1/calendar/days/${y}`, payload: { days } });

const putSettings = (payload: object, as: Session = admin) =>
  t.as(as, { method: 'PUT', url: '/api/v1/calendar/settings', payload });

describe('reading the seeded calendar', () => {
  test('2026: default hours, the State Council holidays and 调休 days', async () => {
    const c = await year(2026);
    assert.deepEqual(c.settings.workPeriods, DEFAULT_PERIODS);
    assert.deepEqual(c.settings.weekendDays, [6, 7]);
    assert.equal(c.settings.timeZone, 'Asia/Shanghai');
    assert.equal(c.settings.workingDayMinutes, 480);
    const holidays = c.days.filter((d) => d.kind === 'holiday');
    const workdays = c.days.filter((d) => d.kind === 'workday');
    assert.equal(holidays.length, 33);
    assert.deepEqual(
      workdays.map((d) => d.date),
      ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
    );
    assert.deepEqual(
      c.days.find((d) => d.date === '2026-10-01'),
      { date: '2026-10-01', kind: 'holiday', name: '国庆节' },
    );
    assert.equal(c.days.find((d) => d.date === '2026-10-10')?.name, '国庆节调休');
    assert.equal(c.workingDayCount, 248);
  });

  test('2027 is not published yet: no exception days', async () => {
    const c = await year(2027);
    assert.deepEqual(c.days, []);
    assert.equal(c.workingDayCount, 261);
  });

  test('a bad year is refused with the field named', async () => {
    const res = await t.as(leader, { method: 'GET', url: '/api/v1/calendar?year=1800' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().details[0].field, 'querystring.year');
  });

  test('the deadline tool answers across 国庆', async () => {
    const d = await deadline('2026-09-30T10:00:00+08:00', 1, 'working_days');
    assert.equal(d.deadline, '2026-10-08T02:00:00.000Z'); // 10-08 10:00 in Shanghai
    assert.equal(d.workingMinutes, 480);
    assert.equal(d.timeZone, 'Asia/Shanghai');
    const e = await deadline('2026-09-30T20:00:00+08:00', 24, 'emergency_hours');
    assert.equal(e.deadline, '2026-10-01T12:00:00.000Z');
  });

  test('the deadline tool validates its query', async () => {
    const bad = async (qs: string, field: string) => {
      const res = await t.as(leader, { method: 'GET', url: `/api/v1/calendar/deadline?${qs}` });
      assert.equal(res.statusCode, 400, qs);
      assert.ok(
        res.json().details.some((d: { field: string }) => d.field === field),
        `${qs}: ${res.body}`,
      );
    };
    await bad('start=2026-09-30T10:00:00%2B08:00&value=1&unit=fortnights', 'querystring.unit');
    await bad('start=2026-09-30T10:00:00%2B08:00&value=-1&unit=working_hours', 'querystring.value');
    await bad('start=yesterday&value=1&unit=working_hours', 'querystring.start');
  });
});

describe('who may write', () => {
  test('non-admins get 403 and nothing is recorded', async () => {
    const before = await calendarAuditCount();
    for (const s of [leader, fieldWorker]) {
      const a = await putSettings({ workPeriods: [['09:00', '17:00']], weekendDays: [6, 7] }, s);
      assert.equal(a.statusCode, 403);
      assert.equal(a.json().code, 'FORBIDDEN');
      const b = await putDays(2026, [], s);
      assert.equal(b.statusCode, 403);
    }
    assert.equal(await calendarAuditCount(), before);
    assert.equal((await year(2026)).days.length, 39);
  });
});

describe('validation names the field', () => {
  test('periods out of order, overlapping, empty or malformed; weekend days; time zone', async () => {
    const before = await calendarAuditCount();
    const cases: [object, string][] = [
      [
        {
          workPeriods: [
            ['14:00', '18:00'],
            ['08:00', '12:00'],
          ],
          weekendDays: [6, 7],
        },
        'body.workPeriods.1',
      ],
      [
        {
          workPeriods: [
            ['08:00', '12:30'],
            ['12:00', '18:00'],
          ],
          weekendDays: [6, 7],
        },
        'body.workPeriods.1',
      ],
      [{ workPeriods: [['12:00', '08:00']], weekendDays: [6, 7] }, 'body.workPeriods.0'],
      [{ workPeriods: [['08:00', '25:00']], weekendDays: [6, 7] }, 'body.workPeriods.0.1'],
      [{ workPeriods: [['8:00', '12:00']], weekendDays: [6, 7] }, 'body.workPeriods.0.0'],
      [{ workPeriods: [], weekendDays: [6, 7] }, 'body.workPeriods'],
      [{ workPeriods: DEFAULT_PERIODS, weekendDays: [6, 8] }, 'body.weekendDays.1'],
      [{ workPeriods: DEFAULT_PERIODS, weekendDays: [1, 2, 3, 4, 5, 6, 7] }, 'body.weekendDays'],
      [{ workPeriods: DEFAULT_PERIODS, weekendDays: [6, 7], timeZone: 'Mars/Olympus' }, 'body.timeZone'],
    ];
    for (const [payload, field] of cases) {
      const res = await putSettings(payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      const body = res.json();
      assert.equal(body.code, 'VALIDATION_FAILED');
      assert.ok(
        body.details.some((d: { field: string }) => d.field === field),
        `${JSON.stringify(payload)} → ${res.body}`,
      );
    }
    assert.equal(await calendarAuditCount(), before);
  });

  test('days: outside the year, not a date, twice, or a 调休 day that is already a working day', async () => {
    const cases: [TCalendarDay[], string][] = [
      [[{ date: '2027-01-01', kind: 'holiday', name: '元旦' }], 'body.days.0.date'],
      [[{ date: '2026-02-30', kind: 'holiday', name: '错' }], 'body.days.0.date'],
      [
        [
          { date: '2026-10-01', kind: 'holiday', name: '国庆节' },
          { date: '2026-10-01', kind: 'workday', name: '国庆节调休' },
        ],
        'body.days.1.date',
      ],
      [[{ date: '2026-10-09', kind: 'workday', name: '周五' }], 'body.days.0.kind'],
    ];
    for (const [days, field] of cases) {
      const res = await putDays(2026, days);
      assert.equal(res.statusCode, 400, JSON.stringify(days));
      assert.ok(
        res.json().details.some((d: { field: string }) => d.field === field),
        `${JSON.stringify(days)} → ${res.body}`,
      );
    }
    assert.equal((await year(2026)).days.length, 39);
  });
});

describe('writes: one audit row each, and the deadline follows at once', () => {
  test('setDays replaces the year and the cached calendar is dropped', async () => {
    const start = '2026-09-30T10:00:00+08:00';
    assert.equal((await deadline(start, 1, 'working_days')).deadline, '2026-10-08T02:00:00.000Z');
    // The calendar is now cached in this process.
    const cached = await loadWorkCalendar(t.deps, admin.info.user.tenant.id);
    assert.equal(cached.holidays.has('2026-10-08'), false);

    const before = await calendarAuditCount();
    const current = (await year(2026)).days;
    // The district also gives 10-08 off (an extra local day off).
    const res = await putDays(2026, [...current, { date: '2026-10-08', kind: 'holiday', name: '国庆节(本地)' }]);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((res.json() as TCalendarYear).days.length, 40);
    assert.equal(await calendarAuditCount(), before + 1);

    assert.equal((await deadline(start, 1, 'working_days')).deadline, '2026-10-09T02:00:00.000Z');
    const reloaded = await loadWorkCalendar(t.deps, admin.info.user.tenant.id);
    assert.ok(reloaded.holidays.has('2026-10-08'));

    const audit = await t.as(auditor, {
      method: 'GET',
      url: '/api/v1/audit-events?pageSize=1&action=calendar.days.set',
    });
    const ev = audit.json().items[0];
    assert.equal(ev.objectId, '2026');
    assert.deepEqual(ev.details.added, [{ date: '2026-10-08', kind: 'holiday', name: '国庆节(本地)' }]);
    assert.deepEqual(ev.details.removed, []);

    // Put it back; removing it is recorded too.
    const back = await putDays(2026, current);
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(await calendarAuditCount(), before + 2);
    assert.equal((await deadline(start, 1, 'working_days')).deadline, '2026-10-08T02:00:00.000Z');
  });

  test('setDays for another year leaves 2026 alone', async () => {
    const res = await putDays(2027, [{ date: '2027-01-01', kind: 'holiday', name: '元旦' }]);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await year(2027)).days.length, 1);
    assert.equal((await year(2026)).days.length, 39);
    const cleared = await putDays(2027, []);
    assert.equal(cleared.statusCode, 200);
    assert.equal((await year(2027)).days.length, 0);
  });

  test('updateSettings changes the hours, writes one audit row, and the deadline follows', async () => {
    const before = await calendarAuditCount();
    const res = await putSettings({ workPeriods: [['09:00', '17:00']], weekendDays: [7, 6, 6] });
    assert.equal(res.statusCode, 200, res.body);
    const s = res.json();
    assert.deepEqual(s.weekendDays, [6, 7]);
    assert.equal(s.workingDayMinutes, 480);
    assert.equal(s.timeZone, 'Asia/Shanghai');
    assert.equal(await calendarAuditCount(), before + 1);
    // 11:30 + 1 wh: no lunch break any more.
    assert.equal(
      (await deadline('2026-04-16T11:30:00+08:00', 1, 'working_hours')).deadline,
      '2026-04-16T04:30:00.000Z',
    );
    assert.equal((await year(2026, fieldWorker)).settings.workPeriods.length, 1);

    const restore = await putSettings({ workPeriods: DEFAULT_PERIODS, weekendDays: [6, 7] });
    assert.equal(restore.statusCode, 200);
    assert.equal(await calendarAuditCount(), before + 2);
    assert.equal(
      (await deadline('2026-04-16T11:30:00+08:00', 1, 'working_hours')).deadline,
      '2026-04-16T06:30:00.000Z',
    );
    const audit = await t.as(auditor, {
      method: 'GET',
      url: '/api/v1/audit-events?pageSize=1&action=calendar.settings.update',
    });
    const ev = audit.json().items[0];
    assert.deepEqual(ev.details.from.workPeriods, [['09:00', '17:00']]);
    assert.deepEqual(ev.details.to.workPeriods, DEFAULT_PERIODS);
  });

  test('the audit chain still verifies', async () => {
    const aa = await t.login('audit_admin');
    const v = await t.as(aa, { method: 'GET', url: '/api/v1/audit-events/verify' });
    assert.equal(v.json().ok, true, v.body);
  });
});

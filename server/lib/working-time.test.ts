import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  deadlineFrom,
  isWorkingDate,
  isWorkingTime,
  type LimitUnit,
  parseHHMM,
  type WorkCalendar,
  wallMs,
  workingDayMinutes,
  workingMinutesBetween,
} from './working-time.ts';

/**
 * The 2026 schedule of 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04), written out here so the
 * library's tests stay free of domain code.
 */
const HOLIDAYS_2026 = [
  ['2026-01-01', '2026-01-03'], // 元旦
  ['2026-02-15', '2026-02-23'], // 春节
  ['2026-04-04', '2026-04-06'], // 清明节
  ['2026-05-01', '2026-05-05'], // 劳动节
  ['2026-06-19', '2026-06-21'], // 端午节
  ['2026-09-25', '2026-09-27'], // 中秋节
  ['2026-10-01', '2026-10-07'], // 国庆节
] as const;
const WORKDAYS_2026 = ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'];

function dateRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

const CN: WorkCalendar = {
  timeZone: 'Asia/Shanghai',
  workPeriods: [
    ['08:00', '12:00'],
    ['14:00', '18:00'],
  ],
  weekendDays: [6, 7],
  holidays: new Set(HOLIDAYS_2026.flatMap(([a, b]) => dateRange(a, b))),
  workdays: new Set(WORKDAYS_2026),
};

const PLAIN: WorkCalendar = { ...CN, holidays: new Set(), workdays: new Set() };

/** A Shanghai wall time 'YYYY-MM-DD HH:MM' as an instant. */
const sh = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
/** An instant shown as Shanghai wall time 'YYYY-MM-DD HH:MM' (seconds when not zero). */
function show(d: Date): string {
  const w = new Date(d.getTime() + 8 * 3_600_000).toISOString();
  const s = `${w.slice(0, 10)} ${w.slice(11, 16)}`;
  return w.slice(17, 23) === '00.000' ? s : `${s}:${w.slice(17, 23)}`;
}
const wh = (value: number) => ({ value, unit: 'working_hours' as const });
const wd = (value: number) => ({ value, unit: 'working_days' as const });
const eh = (value: number) => ({ value, unit: 'emergency_hours' as const });
const due = (start: string, limit: { value: number; unit: LimitUnit }, cal = CN) =>
  show(deadlineFrom(sh(start), limit, cal));

describe('the 2026 calendar as written in the test', () => {
  test('33 days off and 6 调休 working days, every 调休 day a weekend day', () => {
    assert.equal(CN.holidays.size, 33);
    for (const d of WORKDAYS_2026) {
      const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
      assert.ok(dow === 0 || dow === 6, d);
      assert.equal(isWorkingDate(d, CN), true, d);
    }
  });
  test('isWorkingDate', () => {
    assert.equal(isWorkingDate('2026-04-16', CN), true); // Thursday
    assert.equal(isWorkingDate('2026-04-18', CN), false); // Saturday
    assert.equal(isWorkingDate('2026-10-08', CN), true); // first day after 国庆
    assert.equal(isWorkingDate('2026-10-05', CN), false); // a Monday inside 国庆
    assert.equal(isWorkingDate('2026-10-10', CN), true); // 调休 Saturday
    assert.throws(() => isWorkingDate('2026-13-45', CN), RangeError);
  });
});

describe('working hours on an ordinary week', () => {
  test('crossing lunch: 11:30 + 1 wh → 14:30', () => {
    assert.equal(due('2026-04-16 11:30', wh(1)), '2026-04-16 14:30');
  });
  test('nights: 17:30 + 1 wh → next day 08:30', () => {
    assert.equal(due('2026-04-16 17:30', wh(1)), '2026-04-17 08:30');
  });
  test('weekends: Fri 17:00 + 2 wh → Mon 09:00', () => {
    assert.equal(due('2026-04-17 17:00', wh(2)), '2026-04-20 09:00');
  });
  test('a long limit crosses several weekends', () => {
    // 40 wh = five full days: from Thu 10:00 to the next Thu 10:00.
    assert.equal(due('2026-04-16 10:00', wh(40)), '2026-04-23 10:00');
    assert.equal(due('2026-04-16 10:00', wh(80)), '2026-04-30 10:00');
  });
  test('a start outside working time begins at the next period', () => {
    assert.equal(due('2026-04-16 06:00', wh(1)), '2026-04-16 09:00');
    assert.equal(due('2026-04-16 12:30', wh(1)), '2026-04-16 15:00');
    assert.equal(due('2026-04-16 19:00', wh(1)), '2026-04-17 09:00');
    assert.equal(due('2026-04-16 23:59', wh(1)), '2026-04-17 09:00');
    assert.equal(due('2026-04-18 10:00', wh(1)), '2026-04-20 09:00'); // Saturday
    assert.equal(due('2026-04-19 00:00', wh(1)), '2026-04-20 09:00'); // Sunday midnight
  });
  test('start exactly at the start or end of a period', () => {
    assert.equal(due('2026-04-16 08:00', wh(4)), '2026-04-16 12:00');
    assert.equal(due('2026-04-16 14:00', wh(0.5)), '2026-04-16 14:30');
    assert.equal(due('2026-04-16 12:00', wh(1)), '2026-04-16 15:00');
    assert.equal(due('2026-04-16 18:00', wh(1)), '2026-04-17 09:00');
    assert.equal(due('2026-04-16 00:00', wh(8)), '2026-04-16 18:00');
  });
  test('a deadline at the end of a period stays there', () => {
    assert.equal(due('2026-04-16 10:00', wh(2)), '2026-04-16 12:00');
    assert.equal(due('2026-04-16 16:00', wh(2)), '2026-04-16 18:00');
    assert.equal(due('2026-04-17 08:00', wh(8)), '2026-04-17 18:00'); // Friday: not Monday 08:00
    assert.equal(due('2026-04-16 08:00', wd(2)), '2026-04-17 18:00');
  });
  test('seconds and milliseconds of the start are kept', () => {
    const start = new Date('2026-04-16T03:30:15.250Z'); // 11:30:15.250 in Shanghai
    assert.equal(show(deadlineFrom(start, wh(1), CN)), '2026-04-16 14:30:15.250');
  });
});

describe('working days', () => {
  test('1 工作日 = 8 工作时 (the length of one working day)', () => {
    assert.equal(workingDayMinutes(CN), 480);
    assert.equal(due('2026-04-13 10:00', wd(1)), '2026-04-14 10:00'); // Mon → Tue
    assert.equal(due('2026-04-13 10:00', wd(1)), due('2026-04-13 10:00', wh(8)));
    assert.equal(due('2026-04-13 08:00', wd(5)), '2026-04-17 18:00'); // a whole week
    assert.equal(due('2026-04-17 10:00', wd(3)), '2026-04-22 10:00'); // Fri → Wed
  });
  test('fractional values', () => {
    assert.equal(due('2026-04-16 10:00', wd(0.5)), '2026-04-16 16:00');
    assert.equal(due('2026-04-16 08:00', wd(1.5)), '2026-04-17 12:00');
    assert.equal(due('2026-04-16 11:30', wh(1.25)), '2026-04-16 14:45');
    assert.equal(due('2026-04-16 17:45', wh(0.5)), '2026-04-17 08:15');
    assert.equal(due('2026-04-16 08:00', wh(1 / 60)), '2026-04-16 08:01');
    assert.equal(due('2026-04-16 10:00', eh(0.5)), '2026-04-16 10:30');
  });
  test('the day length follows the periods', () => {
    const long: WorkCalendar = { ...PLAIN, workPeriods: [['08:30', '17:30']] };
    assert.equal(workingDayMinutes(long), 540);
    assert.equal(due('2026-04-16 12:00', wd(1), long), '2026-04-17 12:00');
    assert.equal(due('2026-04-16 12:00', wh(9), long), '2026-04-17 12:00');
  });
});

describe('holiday weeks and 调休 (2026)', () => {
  test('registered the day before 国庆: the holiday is jumped and the 调休 Saturday counts', () => {
    // Wed 09-30 10:00–18:00 gives 6 h; 10-01…10-07 off; Thu 10-08 and Fri 10-09 8 h each; Sat 10-10 is 调休.
    assert.equal(due('2026-09-30 10:00', wd(1)), '2026-10-08 10:00');
    assert.equal(due('2026-09-30 10:00', wd(3)), '2026-10-10 10:00');
    assert.equal(due('2026-09-30 10:00', wd(3), PLAIN), '2026-10-05 10:00');
    assert.equal(due('2026-09-30 17:00', wh(2)), '2026-10-08 09:00');
    assert.equal(due('2026-10-09 17:00', wh(2)), '2026-10-10 09:00'); // Fri → 调休 Sat
    assert.equal(due('2026-10-10 17:00', wh(2)), '2026-10-12 09:00'); // Sat → Mon (Sunday off)
  });
  test('a case on a day off inside 国庆 starts on the first working day after it', () => {
    assert.equal(due('2026-10-03 09:00', wh(1)), '2026-10-08 09:00');
    assert.equal(due('2026-10-01 00:00', wd(1)), '2026-10-08 18:00');
  });
  test('the 调休 Sunday before 国庆 (09-20) is a working day; 中秋 (09-25…27) is not', () => {
    assert.equal(due('2026-09-18 17:00', wh(2)), '2026-09-20 09:00');
    assert.equal(due('2026-09-24 17:00', wh(2)), '2026-09-28 09:00');
  });
  test('春节: the 调休 Saturday 02-14, nine days off, then the 调休 Saturday 02-28', () => {
    assert.equal(due('2026-02-13 17:00', wh(2)), '2026-02-14 09:00');
    assert.equal(due('2026-02-14 17:00', wh(2)), '2026-02-24 09:00');
    assert.equal(due('2026-02-27 17:00', wh(2)), '2026-02-28 09:00');
    assert.equal(due('2026-02-13 10:00', wd(2)), '2026-02-24 10:00'); // Fri 6 h + Sat 8 h + Tue 2 h
  });
  test('元旦, 清明, 劳动节 and 端午', () => {
    assert.equal(due('2025-12-31 17:00', wh(2)), '2026-01-04 09:00'); // 调休 Sunday 01-04
    assert.equal(due('2026-04-03 17:00', wh(2)), '2026-04-07 09:00');
    assert.equal(due('2026-04-30 17:00', wh(2)), '2026-05-06 09:00');
    assert.equal(due('2026-05-08 17:00', wh(2)), '2026-05-09 09:00'); // 调休 Saturday 05-09
    assert.equal(due('2026-06-18 17:00', wh(2)), '2026-06-22 09:00');
  });
  test('emergency hours ignore weekends and holidays', () => {
    assert.equal(due('2026-09-30 20:00', eh(24)), '2026-10-01 20:00');
    assert.equal(due('2026-10-03 03:00', eh(2)), '2026-10-03 05:00');
    assert.equal(due('2026-04-17 17:00', eh(72)), '2026-04-20 17:00');
  });
});

describe('limit 0 and bad input', () => {
  test('a limit of 0 is due at the start, in every unit, even outside working time', () => {
    for (const unit of ['emergency_hours', 'working_hours', 'working_days'] as const) {
      assert.equal(due('2026-04-16 10:00', { value: 0, unit }), '2026-04-16 10:00');
      assert.equal(due('2026-10-03 22:00', { value: 0, unit }), '2026-10-03 22:00');
    }
  });
  test('bad values, dates and calendars are refused', () => {
    assert.throws(() => deadlineFrom(sh('2026-04-16 10:00'), wh(-1), CN), RangeError);
    assert.throws(() => deadlineFrom(sh('2026-04-16 10:00'), wh(Number.NaN), CN), RangeError);
    assert.throws(() => deadlineFrom(new Date('nope'), wh(1), CN), RangeError);
    assert.throws(
      () => deadlineFrom(sh('2026-04-16 10:00'), { value: 1, unit: 'fortnights' as LimitUnit }, CN),
      RangeError,
    );
    const overlapping: WorkCalendar = {
      ...CN,
      workPeriods: [
        ['08:00', '12:00'],
        ['11:00', '18:00'],
      ],
    };
    assert.throws(() => deadlineFrom(sh('2026-04-16 10:00'), wh(1), overlapping), RangeError);
    assert.throws(() => deadlineFrom(sh('2026-04-16 10:00'), wh(1), { ...CN, workPeriods: [] }), RangeError);
    const never: WorkCalendar = { ...PLAIN, weekendDays: [1, 2, 3, 4, 5, 6, 7] };
    assert.throws(() => deadlineFrom(sh('2026-04-16 10:00'), wh(1), never), /no working day/);
  });
  test('parseHHMM', () => {
    assert.equal(parseHHMM('08:00'), 480);
    assert.equal(parseHHMM('24:00'), 1440);
    for (const bad of ['8:00', '24:01', '12:60', '25:00', 'noon', '']) assert.throws(() => parseHHMM(bad), RangeError);
  });
});

describe('other time zones (nothing hard-coded to +08:00)', () => {
  test('UTC and Tokyo', () => {
    const utc: WorkCalendar = { ...PLAIN, timeZone: 'UTC' };
    assert.equal(deadlineFrom(new Date('2026-04-16T11:30:00Z'), wh(1), utc).toISOString(), '2026-04-16T14:30:00.000Z');
    const tokyo: WorkCalendar = { ...PLAIN, timeZone: 'Asia/Tokyo' };
    // 17:30 in Tokyo (08:30Z) + 1 wh → 08:30 next day in Tokyo (23:30Z the same UTC day).
    assert.equal(
      deadlineFrom(new Date('2026-04-16T08:30:00Z'), wh(1), tokyo).toISOString(),
      '2026-04-16T23:30:00.000Z',
    );
    assert.equal(isWorkingTime(new Date('2026-04-16T23:30:00Z'), tokyo), true);
    assert.equal(isWorkingTime(new Date('2026-04-16T23:30:00Z'), CN), false); // 07:30 in Shanghai
  });
  test('New York across the start of daylight saving time (2026-03-08)', () => {
    const ny: WorkCalendar = { ...PLAIN, timeZone: 'America/New_York' };
    // Fri 03-06 17:00 EST (22:00Z) + 2 wh → Mon 03-09 09:00 EDT (13:00Z).
    assert.equal(deadlineFrom(new Date('2026-03-06T22:00:00Z'), wh(2), ny).toISOString(), '2026-03-09T13:00:00.000Z');
    assert.equal(workingMinutesBetween(new Date('2026-03-06T22:00:00Z'), new Date('2026-03-09T13:00:00Z'), ny), 120);
  });
  test('a weekend on Friday and Saturday', () => {
    const friSat: WorkCalendar = { ...PLAIN, weekendDays: [5, 6] };
    assert.equal(due('2026-04-16 17:00', wh(2), friSat), '2026-04-19 09:00'); // Thu → Sun
  });
});

describe('isWorkingTime', () => {
  test('periods are half-open and only on working days', () => {
    assert.equal(isWorkingTime(sh('2026-04-16 08:00'), CN), true);
    assert.equal(isWorkingTime(sh('2026-04-16 07:59'), CN), false);
    assert.equal(isWorkingTime(sh('2026-04-16 11:59'), CN), true);
    assert.equal(isWorkingTime(sh('2026-04-16 12:00'), CN), false);
    assert.equal(isWorkingTime(sh('2026-04-16 13:00'), CN), false);
    assert.equal(isWorkingTime(sh('2026-04-16 17:59'), CN), true);
    assert.equal(isWorkingTime(sh('2026-04-16 18:00'), CN), false);
    assert.equal(isWorkingTime(sh('2026-04-18 10:00'), CN), false); // Saturday
    assert.equal(isWorkingTime(sh('2026-10-10 10:00'), CN), true); // 调休 Saturday
    assert.equal(isWorkingTime(sh('2026-10-05 10:00'), CN), false); // Monday inside 国庆
  });
});

describe('workingMinutesBetween', () => {
  test('known spans', () => {
    assert.equal(workingMinutesBetween(sh('2026-04-16 11:30'), sh('2026-04-16 14:30'), CN), 60);
    assert.equal(workingMinutesBetween(sh('2026-04-16 17:30'), sh('2026-04-17 08:30'), CN), 60);
    assert.equal(workingMinutesBetween(sh('2026-04-17 17:00'), sh('2026-04-20 09:00'), CN), 120);
    assert.equal(workingMinutesBetween(sh('2026-09-30 10:00'), sh('2026-10-08 10:00'), CN), 480);
    assert.equal(workingMinutesBetween(sh('2026-10-01 00:00'), sh('2026-10-07 23:59'), CN), 0);
    assert.equal(workingMinutesBetween(sh('2026-04-18 00:00'), sh('2026-04-20 00:00'), CN), 0);
    assert.equal(workingMinutesBetween(sh('2026-01-01 00:00'), sh('2027-01-01 00:00'), CN), 480 * 248); // 261 weekdays − 13 statutory days off
  });
  test('zero for an empty span, negative when reversed', () => {
    assert.equal(workingMinutesBetween(sh('2026-04-16 10:00'), sh('2026-04-16 10:00'), CN), 0);
    assert.equal(workingMinutesBetween(sh('2026-04-16 14:30'), sh('2026-04-16 11:30'), CN), -60);
  });
});

describe('properties over random starts in 2026', () => {
  // A small deterministic PRNG (mulberry32), so a failure can be reproduced.
  function rng(seed: number) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const rand = rng(20260415);
  const yearStart = sh('2026-01-01 00:00').getTime();
  const randomStart = () => new Date(yearStart + Math.floor(rand() * 365 * 86_400_000));
  const randomValue = () => Math.round(rand() * 200) / 4; // 0 … 50 in quarter hours

  test('workingMinutesBetween(start, deadlineFrom(start, n wh)) = 60 n, and the deadline is the earliest such instant', () => {
    for (let i = 0; i < 2000; i++) {
      const start = randomStart();
      const n = randomValue();
      const deadline = deadlineFrom(start, wh(n), CN);
      const ctx = `start ${start.toISOString()} + ${n} wh → ${deadline.toISOString()}`;
      assert.ok(Math.abs(workingMinutesBetween(start, deadline, CN) - n * 60) < 1e-9, ctx);
      assert.ok(deadline.getTime() >= start.getTime(), ctx);
      if (n > 0) {
        // Just before the deadline it is working time: the deadline is not pushed past idle time.
        assert.ok(isWorkingTime(new Date(deadline.getTime() - 1), CN), ctx);
      }
    }
  });

  test('working days are 8 working hours each', () => {
    for (let i = 0; i < 500; i++) {
      const start = randomStart();
      const n = Math.round(rand() * 40) / 4; // 0 … 10 days in quarter days
      const deadline = deadlineFrom(start, wd(n), CN);
      assert.equal(deadline.getTime(), deadlineFrom(start, wh(n * 8), CN).getTime());
      assert.ok(Math.abs(workingMinutesBetween(start, deadline, CN) - n * 480) < 1e-9);
    }
  });

  test('monotonic in the value', () => {
    for (let i = 0; i < 500; i++) {
      const start = randomStart();
      const values = [randomValue(), randomValue(), randomValue(), randomValue()].sort((a, b) => a - b);
      for (const unit of ['emergency_hours', 'working_hours', 'working_days'] as const) {
        const times = values.map((value) => deadlineFrom(start, { value, unit }, CN).getTime());
        for (let k = 1; k < times.length; k++) {
          const prev = times[k - 1] ?? 0;
          const cur = times[k] ?? 0;
          assert.ok(cur >= prev, `${unit} ${values.join(',')} from ${start.toISOString()}`);
          if ((values[k] ?? 0) > (values[k - 1] ?? 0)) assert.ok(cur > prev, 'strictly later for a larger value');
        }
      }
    }
  });

  test('splitting a limit: deadline(deadline(s, a), b) = deadline(s, a + b) when a ends inside working time', () => {
    for (let i = 0; i < 500; i++) {
      const start = randomStart();
      const a = randomValue() + 0.25;
      const b = randomValue() + 0.25;
      const mid = deadlineFrom(start, wh(a), CN);
      const whole = deadlineFrom(start, wh(a + b), CN);
      assert.equal(deadlineFrom(mid, wh(b), CN).getTime(), whole.getTime(), `${start.toISOString()} ${a} ${b}`);
    }
  });
});

describe('wall clock (offsets kept per 15-minute slice)', () => {
  /** The local time straight from Intl, no cache. */
  function reference(t: number, timeZone: string): number {
    const f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const p: Record<string, number> = {};
    for (const x of f.formatToParts(new Date(t))) if (x.type !== 'literal') p[x.type] = Number(x.value);
    return (
      Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) + (t % 1000)
    );
  }

  test('equals Intl around every 2026 transition, a mid-slice historical one and random instants', () => {
    // New York and Lord Howe (a 30-minute change) switch in 2026; Kathmandu is +05:45 all year.
    const zones = ['Asia/Shanghai', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Europe/London'];
    const instants: number[] = [];
    let s = 7;
    for (let i = 0; i < 3000; i++) {
      s = (s * 48271) % 2147483647;
      instants.push(Date.UTC(2026, 0, 1) + Math.floor((s / 2147483647) * 365 * 86_400_000));
    }
    for (const iso of [
      '2026-03-08T07:00:00Z',
      '2026-11-01T06:00:00Z',
      '2026-04-04T15:00:00Z',
      '2026-10-03T15:30:00Z',
      '2026-03-29T01:00:00Z',
      '2026-10-25T01:00:00Z',
    ]) {
      const at = Date.parse(iso);
      for (let d = -120_000; d <= 120_000; d += 997) instants.push(at + d);
    }
    // Shanghai left local mean time (+08:05:43) at 1900-12-31T15:54:17Z, inside a 15-minute slice.
    const lmtEnd = Date.parse('1900-12-31T15:54:17Z');
    for (let d = -900_000; d <= 900_000; d += 1_000) instants.push(lmtEnd + d); // whole seconds: before 1970 ICU rounds milliseconds differently
    for (const zone of zones) {
      for (const t of instants) {
        // Twice: the second answer comes from the kept offset.
        assert.equal(wallMs(t, zone), reference(t, zone), `${zone} ${new Date(t).toISOString()}`);
        assert.equal(wallMs(t, zone), reference(t, zone), `${zone} ${new Date(t).toISOString()} (kept)`);
      }
    }
  });
});

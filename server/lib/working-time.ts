/**
 * Working time: deadlines (整改时限) and elapsed working time over a working calendar. Pure and
 * generic — no database, no domain imports; the calendar module loads a tenant's WorkCalendar.
 *
 * Semantics
 * - Local time. Every date and time of day is taken in `cal.timeZone` (Asia/Shanghai for the demo),
 *   read through Intl, so no offset is hard-coded and another zone works. In a zone with daylight
 *   saving, periods are measured in wall-clock time (a period spanning a transition counts its
 *   wall-clock length).
 * - Working day. A local date is a working day when it is (not a weekend day and not a holiday) or it
 *   is an adjusted working day (调休 `workdays`, e.g. the Saturday before 国庆). `weekendDays` are ISO
 *   weekday numbers 1 (Monday) … 7 (Sunday).
 * - Working time. The half-open periods [start, end) of `workPeriods` on working days; 08:00 is
 *   working time, 12:00 and 18:00 are not.
 * - `emergency_hours`: natural hours, round the clock, holidays included: start + value hours.
 * - `working_hours`: only time inside work periods on working days counts. A start outside working
 *   time begins at the next working period (a case reported on Saturday starts Monday 08:00). A
 *   deadline landing exactly at the end of a period stays there (18:00, not the next 08:00).
 * - `working_days`: value × the length of one working day (the sum of the periods: 8 h with the
 *   default 08:00–12:00, 14:00–18:00) in working hours. This is the 数字城管 convention of
 *   1 工作日 = 8 工作时, so "1 working day" from Monday 10:00 is Tuesday 10:00, and 0.5 working days is
 *   4 working hours.
 * - Fractional values work in every unit (to the millisecond). A limit of 0 gives the start itself.
 *
 * Cost: one Intl lookup per call plus a loop over local days (whole non-working days are skipped with
 * one set lookup each; nothing is walked minute by minute), so it is cheap enough to call per case.
 */

export interface WorkCalendar {
  /** IANA zone, e.g. 'Asia/Shanghai'. */
  timeZone: string;
  /** Ordered, non-overlapping local periods 'HH:MM' (end may be '24:00'), e.g. [['08:00','12:00'],['14:00','18:00']]. */
  workPeriods: [string, string][];
  /** ISO weekday numbers (1 = Monday … 7 = Sunday) that are not working days; usually [6, 7]. */
  weekendDays: number[];
  /** Local dates 'YYYY-MM-DD' that are days off (public holidays). */
  holidays: ReadonlySet<string>;
  /** Local dates 'YYYY-MM-DD' that are working days although they fall on a weekend (调休). */
  workdays: ReadonlySet<string>;
}

export type LimitUnit = 'emergency_hours' | 'working_hours' | 'working_days';
export const LIMIT_UNITS: readonly LimitUnit[] = ['emergency_hours', 'working_hours', 'working_days'];

const MS_MIN = 60_000;
const MS_HOUR = 3_600_000;
const MS_DAY = 86_400_000;
/** No calendar has this many non-working days in a row; stop rather than loop forever. */
const MAX_IDLE_DAYS = 3660;

// ---- Local date and time through Intl ----

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local wall-clock time of an instant, as milliseconds since 1970-01-01T00:00 of the local calendar. */
function wallMsIntl(t: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(t))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const ms = ((t % 1000) + 1000) % 1000;
  // Some engines answer hour 24 for midnight even with h23; Date.UTC rolls it over correctly.
  return Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) + ms;
}

/**
 * Offsets by zone and 15-minute slice. formatToParts is the slow part of every deadline (several
 * µs a call, a few calls per stage); a zone's offset changes at most once in a slice, and only when
 * the two ends of the slice disagree, so a slice whose ends agree has one offset throughout.
 */
const SLICE_MS = 15 * 60_000;
const offsetCache = new Map<string, Map<number, number>>();

/** Local wall-clock time of instant `t` as if it were UTC (ms); exported for its test. */
export function wallMs(t: number, timeZone: string): number {
  let byZone = offsetCache.get(timeZone);
  if (!byZone) {
    byZone = new Map();
    offsetCache.set(timeZone, byZone);
  }
  const slice = Math.floor(t / SLICE_MS);
  const known = byZone.get(slice);
  if (known !== undefined) return t + known;
  const start = slice * SLICE_MS;
  const end = start + SLICE_MS - 1;
  const offset = wallMsIntl(start, timeZone) - start;
  if (wallMsIntl(end, timeZone) - end !== offset) return wallMsIntl(t, timeZone);
  if (byZone.size > 50_000) byZone.clear();
  byZone.set(slice, offset);
  return t + offset;
}

/** The instant at which the local wall clock shows `wall` (the later instant if the wall time repeats). */
function instantOf(wall: number, timeZone: string): number {
  const offset1 = wallMs(wall, timeZone) - wall;
  const t = wall - offset1;
  const offset2 = wallMs(t, timeZone) - t;
  return offset2 === offset1 ? t : wall - offset2;
}

/** Local day number (days since 1970-01-01) and the time of day in ms. */
function localPosition(t: number, timeZone: string): { day: number; pos: number } {
  const w = wallMs(t, timeZone);
  const day = Math.floor(w / MS_DAY);
  return { day, pos: w - day * MS_DAY };
}

function isoDate(day: number): string {
  return new Date(day * MS_DAY).toISOString().slice(0, 10);
}

/** ISO weekday of a day number: 1970-01-01 was a Thursday (4). */
function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

// ---- The calendar's periods ----

/** 'HH:MM' → minutes after midnight; '24:00' allowed as an end. Throws on anything else. */
export function parseHHMM(s: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  const h = Number(m?.[1]);
  const min = Number(m?.[2]);
  if (!m || min > 59 || h > 24 || (h === 24 && min !== 0)) throw new RangeError(`invalid time of day: ${s}`);
  return h * 60 + min;
}

interface Span {
  start: number;
  end: number;
}

function spansOf(cal: WorkCalendar): Span[] {
  const spans = cal.workPeriods.map(([a, b]) => ({ start: parseHHMM(a) * MS_MIN, end: parseHHMM(b) * MS_MIN }));
  let prevEnd = 0;
  for (const s of spans) {
    if (s.end <= s.start || s.start < prevEnd) {
      throw new RangeError('work periods must be ordered, non-empty and non-overlapping');
    }
    prevEnd = s.end;
  }
  return spans;
}

/** Length of one working day in minutes (the sum of the work periods): 480 by default. */
export function workingDayMinutes(cal: WorkCalendar): number {
  return spansOf(cal).reduce((n, s) => n + (s.end - s.start), 0) / MS_MIN;
}

/** Whether a local date 'YYYY-MM-DD' is a working day in this calendar. */
export function isWorkingDate(date: string, cal: WorkCalendar): boolean {
  if (cal.workdays.has(date)) return true;
  if (cal.holidays.has(date)) return false;
  const day = Math.floor(Date.parse(`${date}T00:00:00Z`) / MS_DAY);
  if (Number.isNaN(day)) throw new RangeError(`invalid date: ${date}`);
  return !cal.weekendDays.includes(isoWeekday(day));
}

function isWorkingDayNumber(day: number, cal: WorkCalendar): boolean {
  const date = isoDate(day);
  if (cal.workdays.has(date)) return true;
  if (cal.holidays.has(date)) return false;
  return !cal.weekendDays.includes(isoWeekday(day));
}

function checkInstant(t: Date, what: string): number {
  const ms = t instanceof Date ? t.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${what} is not a valid date`);
  return ms;
}

// ---- Public API ----

/** Whether an instant lies inside a work period on a working day. */
export function isWorkingTime(t: Date, cal: WorkCalendar): boolean {
  const { day, pos } = localPosition(checkInstant(t, 't'), cal.timeZone);
  if (!isWorkingDayNumber(day, cal)) return false;
  return spansOf(cal).some((s) => pos >= s.start && pos < s.end);
}

/** The deadline of a time limit started at `start` (see the semantics at the top of this file). */
export function deadlineFrom(start: Date, limit: { value: number; unit: LimitUnit }, cal: WorkCalendar): Date {
  const t0 = checkInstant(start, 'start');
  const { value, unit } = limit;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`invalid limit value: ${value}`);
  if (unit === 'emergency_hours') return new Date(t0 + Math.round(value * MS_HOUR));
  const spans = spansOf(cal);
  const dayLength = spans.reduce((n, s) => n + (s.end - s.start), 0);
  let remaining: number;
  if (unit === 'working_hours') remaining = Math.round(value * MS_HOUR);
  else if (unit === 'working_days') remaining = Math.round(value * dayLength);
  else throw new RangeError(`unknown limit unit: ${String(unit)}`);
  if (remaining === 0) return new Date(t0);
  if (dayLength === 0) throw new RangeError('the calendar has no working hours');

  let { day, pos } = localPosition(t0, cal.timeZone);
  let idle = 0;
  for (;;) {
    if (isWorkingDayNumber(day, cal)) {
      idle = 0;
      if (pos === 0 && remaining > dayLength) {
        remaining -= dayLength; // a whole working day at once
      } else {
        for (const s of spans) {
          if (pos >= s.end) continue;
          const from = Math.max(pos, s.start);
          const available = s.end - from;
          if (remaining <= available) return new Date(instantOf(day * MS_DAY + from + remaining, cal.timeZone));
          remaining -= available;
        }
      }
    } else if (++idle > MAX_IDLE_DAYS) {
      throw new RangeError('the calendar has no working day in ten years');
    }
    day += 1;
    pos = 0;
  }
}

/**
 * Working minutes between two instants (time inside work periods on working days), possibly
 * fractional. Signed: negative when `b` is before `a` (time left before a deadline).
 */
export function workingMinutesBetween(a: Date, b: Date, cal: WorkCalendar): number {
  const ta = checkInstant(a, 'a');
  const tb = checkInstant(b, 'b');
  if (tb < ta) return -workingMinutesBetween(b, a, cal);
  const spans = spansOf(cal);
  const from = localPosition(ta, cal.timeZone);
  const to = localPosition(tb, cal.timeZone);
  let total = 0;
  for (let day = from.day; day <= to.day; day++) {
    if (!isWorkingDayNumber(day, cal)) continue;
    const lo = day === from.day ? from.pos : 0;
    const hi = day === to.day ? to.pos : MS_DAY;
    for (const s of spans) total += Math.max(0, Math.min(hi, s.end) - Math.max(lo, s.start));
  }
  return total / MS_MIN;
}

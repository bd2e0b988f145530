import type {
  TCalendarDay,
  TCalendarSettings,
  TCalendarYear,
  TDeadlineAnswer,
  TDeadlineQuery,
  TUpdateCalendarSettings,
} from '../../../common/calendar.ts';
import type { TFieldIssue } from '../../../common/errors.ts';
import type { Database } from '../../db/client.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import {
  deadlineFrom,
  isWorkingDate,
  parseHHMM,
  type WorkCalendar,
  workingDayMinutes,
  workingMinutesBetween,
} from '../../lib/working-time.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import * as repo from './calendar.repo.ts';

/** Working hours of a tenant that has never saved its own. */
export const DEFAULT_SETTINGS = {
  timeZone: 'Asia/Shanghai',
  workPeriods: [
    ['08:00', '12:00'],
    ['14:00', '18:00'],
  ] as [string, string][],
  weekendDays: [6, 7],
};

// ---- The in-process cache of each tenant's WorkCalendar ----

/** How long a cached calendar is trusted; bounds staleness when another process wrote the change. */
const CACHE_TTL_MS = 5 * 60_000;
const cache = new WeakMap<Database, Map<string, { loadedAt: number; calendar: Promise<WorkCalendar> }>>();

function cacheOf(database: Database) {
  let m = cache.get(database);
  if (!m) {
    m = new Map();
    cache.set(database, m);
  }
  return m;
}

/** Drop a tenant's cached calendar (after a write has committed). */
function invalidate(database: Database, tenantId: string): void {
  cacheOf(database).delete(tenantId);
}

async function readWorkCalendar(deps: Deps, tenantId: string): Promise<WorkCalendar> {
  const db = deps.database.db;
  const [settings, days] = await Promise.all([repo.getSettings(db, tenantId), repo.listDays(db, tenantId)]);
  const s = settings ?? DEFAULT_SETTINGS;
  return {
    timeZone: s.timeZone,
    workPeriods: s.workPeriods,
    weekendDays: s.weekendDays,
    holidays: new Set(days.filter((d) => d.kind === 'holiday').map((d) => d.day)),
    workdays: new Set(days.filter((d) => d.kind === 'workday').map((d) => d.day)),
  };
}

/**
 * A tenant's working calendar for deadline arithmetic, cached in process and dropped on every write
 * through this module (and after five minutes, for writes made by another process).
 */
export function loadWorkCalendar(deps: Deps, tenantId: string): Promise<WorkCalendar> {
  const m = cacheOf(deps.database);
  const now = deps.clock.now().getTime();
  const hit = m.get(tenantId);
  if (hit && now - hit.loadedAt < CACHE_TTL_MS && now >= hit.loadedAt) return hit.calendar;
  const calendar = readWorkCalendar(deps, tenantId);
  const entry = { loadedAt: now, calendar };
  m.set(tenantId, entry);
  // A failed load must not stay cached.
  calendar.catch(() => {
    if (m.get(tenantId) === entry) m.delete(tenantId);
  });
  return calendar;
}

// ---- Reading ----

const yearRange = (year: number) => ({ from: `${year}-01-01`, to: `${year}-12-31` });

function toSettings(row: repo.SettingsRow | null): TCalendarSettings {
  const s = row ?? DEFAULT_SETTINGS;
  return {
    timeZone: s.timeZone,
    workPeriods: s.workPeriods,
    weekendDays: [...s.weekendDays].sort((a, b) => a - b),
    workingDayMinutes: workingDayMinutes({ ...s, holidays: new Set(), workdays: new Set() }),
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

const toDay = (d: repo.DayRow): TCalendarDay => ({ date: d.day, kind: d.kind as TCalendarDay['kind'], name: d.name });

function countWorkingDays(year: number, cal: WorkCalendar): number {
  let n = 0;
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
    if (isWorkingDate(new Date(t).toISOString().slice(0, 10), cal)) n++;
  }
  return n;
}

/** One year of the tenant's calendar: settings, holidays and 调休 days, and the number of working days. */
export async function getCalendar(actor: Actor, deps: Deps, year: number): Promise<TCalendarYear> {
  const db = deps.database.db;
  const [row, dayRows] = await Promise.all([
    repo.getSettings(db, actor.tenantId),
    repo.listDays(db, actor.tenantId, yearRange(year)),
  ]);
  const settings = toSettings(row);
  const days = dayRows.map(toDay);
  const cal: WorkCalendar = {
    ...settings,
    holidays: new Set(days.filter((d) => d.kind === 'holiday').map((d) => d.date)),
    workdays: new Set(days.filter((d) => d.kind === 'workday').map((d) => d.date)),
  };
  return { year, settings, days, workingDayCount: countWorkingDays(year, cal) };
}

// ---- Writing ----

function fail(issues: TFieldIssue[]): never {
  throw new AppError('VALIDATION_FAILED', issues.map((i) => i.message).join(';'), issues);
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Change working hours, weekend days or the time zone (periods ordered and non-overlapping). */
export async function updateSettings(
  actor: Actor,
  deps: Deps,
  input: TUpdateCalendarSettings,
): Promise<TCalendarSettings> {
  const issues: TFieldIssue[] = [];
  let prevEnd = -1;
  input.workPeriods.forEach(([a, b], i) => {
    const start = parseHHMM(a);
    const end = parseHHMM(b);
    if (start === 24 * 60) issues.push({ field: `body.workPeriods.${i}.0`, message: '开始时间不能是 24:00' });
    else if (end <= start)
      issues.push({ field: `body.workPeriods.${i}`, message: `时段 ${a}–${b} 的结束时间应晚于开始时间` });
    else if (start < prevEnd) {
      issues.push({ field: `body.workPeriods.${i}`, message: `时段 ${a}–${b} 与上一时段重叠或未按时间先后排列` });
    }
    prevEnd = Math.max(prevEnd, end);
  });
  const weekendDays = [...new Set(input.weekendDays)].sort((x, y) => x - y);
  if (weekendDays.length >= 7) issues.push({ field: 'body.weekendDays', message: '每周至少要有一个工作日' });
  const timeZone = input.timeZone ?? (await repo.getSettings(deps.database.db, actor.tenantId))?.timeZone;
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) {
    issues.push({ field: 'body.timeZone', message: `未知的时区 ${timeZone}` });
  }
  if (issues.length) fail(issues);

  const now = deps.clock.now();
  await deps.database.db.transaction(async (tx) => {
    const before = await repo.getSettings(tx, actor.tenantId);
    const after = {
      tenantId: actor.tenantId,
      workPeriods: input.workPeriods,
      weekendDays,
      timeZone: timeZone ?? DEFAULT_SETTINGS.timeZone,
      updatedAt: now,
    };
    await repo.upsertSettings(tx, after);
    const pick = (s: typeof DEFAULT_SETTINGS) => ({
      workPeriods: s.workPeriods,
      weekendDays: s.weekendDays,
      timeZone: s.timeZone,
    });
    await recordAudit(tx, deps.clock, actor, {
      action: 'calendar.settings.update',
      objectType: 'calendar_settings',
      objectId: actor.tenantId,
      details: { from: before ? pick(before) : null, to: pick(after) },
    });
  });
  invalidate(deps.database, actor.tenantId);
  return toSettings(await repo.getSettings(deps.database.db, actor.tenantId));
}

function isRealDate(date: string): boolean {
  const t = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === date;
}

/**
 * Replace a year's holidays and 调休 working days at once (one audit event). A date appears once
 * (it cannot be both), lies in the year, and a 调休 working day must fall on a weekend day.
 */
export async function setDays(actor: Actor, deps: Deps, year: number, days: TCalendarDay[]): Promise<TCalendarYear> {
  const settings = toSettings(await repo.getSettings(deps.database.db, actor.tenantId));
  const plain: WorkCalendar = { ...settings, holidays: new Set(), workdays: new Set() };
  const issues: TFieldIssue[] = [];
  const seen = new Map<string, number>();
  days.forEach((d, i) => {
    const field = `body.days.${i}`;
    if (!isRealDate(d.date)) issues.push({ field: `${field}.date`, message: `${d.date} 不是有效日期` });
    else if (!d.date.startsWith(`${year}-`))
      issues.push({ field: `${field}.date`, message: `${d.date} 不在 ${year} 年内` });
    else if (seen.has(d.date)) {
      issues.push({
        field: `${field}.date`,
        message: `${d.date} 与第 ${(seen.get(d.date) ?? 0) + 1} 项重复(同一天不能既是节假日又是调休工作日)`,
      });
    } else if (d.kind === 'workday' && isWorkingDate(d.date, plain)) {
      issues.push({ field: `${field}.kind`, message: `${d.date} 本就是工作日,无需设为调休上班` });
    }
    if (!seen.has(d.date)) seen.set(d.date, i);
  });
  if (issues.length) fail(issues);

  const sorted = [...days].sort((a, b) => a.date.localeCompare(b.date));
  await deps.database.db.transaction(async (tx) => {
    const before = (await repo.listDays(tx, actor.tenantId, yearRange(year))).map(toDay);
    await repo.deleteDays(tx, actor.tenantId, yearRange(year));
    await repo.insertDays(
      tx,
      sorted.map((d) => ({ tenantId: actor.tenantId, day: d.date, kind: d.kind, name: d.name })),
    );
    const key = (d: TCalendarDay) => `${d.date}|${d.kind}|${d.name}`;
    const beforeKeys = new Set(before.map(key));
    const afterKeys = new Set(sorted.map(key));
    await recordAudit(tx, deps.clock, actor, {
      action: 'calendar.days.set',
      objectType: 'calendar_year',
      objectId: String(year),
      details: {
        year,
        holidays: sorted.filter((d) => d.kind === 'holiday').length,
        workdays: sorted.filter((d) => d.kind === 'workday').length,
        added: sorted.filter((d) => !beforeKeys.has(key(d))),
        removed: before.filter((d) => !afterKeys.has(key(d))),
      },
    });
  });
  invalidate(deps.database, actor.tenantId);
  return getCalendar(actor, deps, year);
}

// ---- The deadline tool ----

/** The deadline of a limit started at a given time, on the caller's tenant calendar. */
export async function computeDeadline(actor: Actor, deps: Deps, q: TDeadlineQuery): Promise<TDeadlineAnswer> {
  const cal = await loadWorkCalendar(deps, actor.tenantId);
  const start = new Date(q.start);
  const deadline = deadlineFrom(start, { value: q.value, unit: q.unit }, cal);
  return {
    start: start.toISOString(),
    value: q.value,
    unit: q.unit,
    deadline: deadline.toISOString(),
    timeZone: cal.timeZone,
    workingMinutes: workingMinutesBetween(start, deadline, cal),
  };
}

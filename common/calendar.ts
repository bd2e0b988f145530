/** The working calendar (工作日历): working hours, weekends, holidays and 调休 days; the deadline tool. */
import { z } from 'zod';

export const LIMIT_UNITS = ['emergency_hours', 'working_hours', 'working_days'] as const;
export const ZLimitUnit = z.enum(LIMIT_UNITS);
export type TLimitUnit = z.infer<typeof ZLimitUnit>;
export const LIMIT_UNIT_LABELS: Record<TLimitUnit, string> = {
  emergency_hours: '紧急小时(自然时)',
  working_hours: '工作时',
  working_days: '工作日',
};

export const DAY_KINDS = ['holiday', 'workday'] as const;
export const ZDayKind = z.enum(DAY_KINDS);
export type TDayKind = z.infer<typeof ZDayKind>;
export const DAY_KIND_LABELS: Record<TDayKind, string> = { holiday: '休', workday: '班' };

export const WEEKDAY_LABELS: Record<number, string> = {
  1: '周一',
  2: '周二',
  3: '周三',
  4: '周四',
  5: '周五',
  6: '周六',
  7: '周日',
};

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;
export const ZYear = z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR);

/** 'HH:MM' on the 24-hour clock; '24:00' is accepted as the end of a period. */
export const ZTimeOfDay = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, '时间格式应为 HH:MM(24 小时制)');
export const ZWorkPeriod = z.tuple([ZTimeOfDay, ZTimeOfDay]);
export const ZIsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

export const ZCalendarSettings = z.object({
  timeZone: z.string(),
  workPeriods: z.array(ZWorkPeriod),
  weekendDays: z.array(z.number().int()),
  /** Length of one working day in minutes (the sum of the periods); 1 工作日 = this many working minutes. */
  workingDayMinutes: z.number(),
  updatedAt: z.string().nullable(),
});
export type TCalendarSettings = z.infer<typeof ZCalendarSettings>;

export const ZUpdateCalendarSettings = z.object({
  workPeriods: z.array(ZWorkPeriod).min(1, '至少需要一个工作时段').max(6, '最多 6 个工作时段'),
  weekendDays: z.array(z.number().int().min(1, '休息日为 1–7(周一至周日)').max(7, '休息日为 1–7(周一至周日)')).max(6),
  /** IANA zone; unchanged when omitted. */
  timeZone: z.string().trim().min(1).max(64).optional(),
});
export type TUpdateCalendarSettings = z.infer<typeof ZUpdateCalendarSettings>;

export const ZCalendarDay = z.object({
  date: ZIsoDate,
  kind: ZDayKind,
  /** What the day is, e.g. 国庆节 or 国庆节调休. */
  name: z.string().trim().min(1).max(32),
});
export type TCalendarDay = z.infer<typeof ZCalendarDay>;

export const ZSetCalendarDays = z.object({ days: z.array(ZCalendarDay).max(366) });
export type TSetCalendarDays = z.infer<typeof ZSetCalendarDays>;

export const ZCalendarYear = z.object({
  year: z.number().int(),
  settings: ZCalendarSettings,
  days: z.array(ZCalendarDay),
  /** Working days in the year after weekends, holidays and 调休. */
  workingDayCount: z.number().int(),
});
export type TCalendarYear = z.infer<typeof ZCalendarYear>;

export const ZDeadlineQuery = z.object({
  start: z.iso.datetime({ offset: true, error: '开始时间应为 ISO 8601 时间,例如 2026-09-30T10:00:00+08:00' }),
  value: z.coerce.number().min(0, '时限不能为负').max(10_000, '时限过大'),
  unit: ZLimitUnit,
});
export type TDeadlineQuery = z.infer<typeof ZDeadlineQuery>;

export const ZDeadlineAnswer = z.object({
  start: z.string(),
  value: z.number(),
  unit: ZLimitUnit,
  deadline: z.string(),
  timeZone: z.string(),
  /** Working minutes between start and deadline (equal to the limit for the working units). */
  workingMinutes: z.number(),
});
export type TDeadlineAnswer = z.infer<typeof ZDeadlineAnswer>;

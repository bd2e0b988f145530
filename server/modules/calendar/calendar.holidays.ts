/**
 * China's public holidays and adjusted working days (调休) as published each November by the General
 * Office of the State Council (国务院办公厅关于<year>年部分节假日安排的通知). Only published years are
 * listed; administrators enter later years on the calendar page when the notice appears.
 */
import type { TCalendarDay } from '../../../common/calendar.ts';

export interface PublishedYear {
  year: number;
  /** Where the dates come from. */
  source: string;
  /** [name, first day off, last day off, 调休 working days]. */
  festivals: [name: string, from: string, to: string, workdays: string[]][];
}

export const PUBLISHED_HOLIDAYS: readonly PublishedYear[] = [
  {
    year: 2026,
    source:
      '国务院办公厅关于2026年部分节假日安排的通知(2025年11月4日,新华社电;https://politics.gmw.cn/2025-11/04/content_38391083.htm)',
    festivals: [
      ['元旦', '2026-01-01', '2026-01-03', ['2026-01-04']],
      ['春节', '2026-02-15', '2026-02-23', ['2026-02-14', '2026-02-28']],
      ['清明节', '2026-04-04', '2026-04-06', []],
      ['劳动节', '2026-05-01', '2026-05-05', ['2026-05-09']],
      ['端午节', '2026-06-19', '2026-06-21', []],
      ['中秋节', '2026-09-25', '2026-09-27', []],
      ['国庆节', '2026-10-01', '2026-10-07', ['2026-09-20', '2026-10-10']],
    ],
  },
];

/** The published year as calendar days: each day off ('holiday', the festival's name) and each 调休 day. */
export function publishedDays(y: PublishedYear): TCalendarDay[] {
  const days: TCalendarDay[] = [];
  for (const [name, from, to, workdays] of y.festivals) {
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
      days.push({ date: new Date(t).toISOString().slice(0, 10), kind: 'holiday', name });
    }
    for (const date of workdays) days.push({ date, kind: 'workday', name: `${name}调休` });
  }
  return days.sort((a, b) => a.date.localeCompare(b.date));
}

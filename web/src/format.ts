/** Display helpers. Times are always shown in the district's zone, Asia/Shanghai, whatever the browser's. */

export const TIME_ZONE = 'Asia/Shanghai';

const dateTimeFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

const dateFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

function parts(fmt: Intl.DateTimeFormat, d: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of fmt.formatToParts(d)) out[p.type] = p.value;
  return out;
}

function toDate(v: string | Date | null | undefined): Date | null {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "2026-04-14 09:00:00" in Asia/Shanghai; "—" for nothing. */
export function formatDateTime(v: string | Date | null | undefined): string {
  const d = toDate(v);
  if (!d) return '—';
  const p = parts(dateTimeFmt, d);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** "2026-04-14" in Asia/Shanghai. */
export function formatDate(v: string | Date | null | undefined): string {
  const d = toDate(v);
  if (!d) return '—';
  const p = parts(dateFmt, d);
  return `${p.year}-${p.month}-${p.day}`;
}

/** "2026年4月14日 星期二" for the home page header. */
export function formatLongDate(d: Date = new Date()): string {
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: 'long',
  }).format(d);
}

/** True when an ISO time lies in the future (e.g. lockedUntil). */
export function isFuture(v: string | null | undefined, now: number = Date.now()): boolean {
  const d = toDate(v);
  return d !== null && d.getTime() > now;
}

/** Shortens a hash for a table cell: first 10 characters and an ellipsis. */
export function shortHash(h: string, n = 10): string {
  return h.length > n ? `${h.slice(0, n)}…` : h;
}

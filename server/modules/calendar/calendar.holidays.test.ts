import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PUBLISHED_HOLIDAYS, publishedDays } from './calendar.holidays.ts';

const weekday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay(); // 0 = Sunday

test('2026 as in the State Council notice of 2025-11-04', () => {
  const y2026 = PUBLISHED_HOLIDAYS.find((y) => y.year === 2026);
  assert.ok(y2026);
  const days = publishedDays(y2026);
  const lengths = Object.fromEntries(
    y2026.festivals.map(([name]) => [name, days.filter((d) => d.kind === 'holiday' && d.name === name).length]),
  );
  assert.deepEqual(lengths, { 元旦: 3, 春节: 9, 清明节: 3, 劳动节: 5, 端午节: 3, 中秋节: 3, 国庆节: 7 });
  assert.deepEqual(
    days.filter((d) => d.kind === 'workday').map((d) => `${d.date} ${d.name}`),
    [
      '2026-01-04 元旦调休',
      '2026-02-14 春节调休',
      '2026-02-28 春节调休',
      '2026-05-09 劳动节调休',
      '2026-09-20 国庆节调休',
      '2026-10-10 国庆节调休',
    ],
  );
});

test('every published year: dates in the year, none twice, 调休 days on weekends', () => {
  for (const y of PUBLISHED_HOLIDAYS) {
    const days = publishedDays(y);
    assert.equal(new Set(days.map((d) => d.date)).size, days.length, `${y.year}: a date twice`);
    for (const d of days) {
      assert.ok(d.date.startsWith(`${y.year}-`), d.date);
      if (d.kind === 'workday') assert.ok([0, 6].includes(weekday(d.date)), `${d.date} is not a weekend day`);
    }
    assert.ok(y.source.includes(String(y.year)));
  }
});

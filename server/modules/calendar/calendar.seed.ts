import type { Tx } from '../../db/client.ts';
import { PUBLISHED_HOLIDAYS, publishedDays } from './calendar.holidays.ts';
import * as repo from './calendar.repo.ts';
import { DEFAULT_SETTINGS } from './calendar.service.ts';

/**
 * Working hours, weekends and the published public holidays with their 调休 days (2026; 2027 is
 * added to calendar.holidays.ts once the State Council publishes it), for the demo tenant.
 */
export async function seedDemoCalendar(tx: Tx, tenantId: string, now: Date): Promise<void> {
  await seedCalendarDefaults(tx, tenantId, now);
  const rows = PUBLISHED_HOLIDAYS.flatMap(publishedDays).map((d) => ({
    tenantId,
    day: d.date,
    kind: d.kind,
    name: d.name,
  }));
  await repo.insertDays(tx, rows);
}

/** Default working hours for a new tenant (holidays are entered by the administrator). */
export async function seedCalendarDefaults(tx: Tx, tenantId: string, now: Date): Promise<void> {
  await repo.upsertSettings(tx, { tenantId, ...DEFAULT_SETTINGS, updatedAt: now });
}

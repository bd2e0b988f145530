/** SQL of the working calendar: one settings row per tenant and the exception days. */
import { and, asc, eq, gte, lte } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { calendarDays, calendarSettings } from '../../db/schema.ts';

export type SettingsRow = typeof calendarSettings.$inferSelect;
export type DayRow = typeof calendarDays.$inferSelect;

export async function getSettings(db: Executor, tenantId: string): Promise<SettingsRow | null> {
  const [row] = await db.select().from(calendarSettings).where(eq(calendarSettings.tenantId, tenantId));
  return row ?? null;
}

/** Insert or replace the tenant's settings row. */
export async function upsertSettings(db: Executor, row: SettingsRow): Promise<void> {
  await db
    .insert(calendarSettings)
    .values(row)
    .onConflictDoUpdate({
      target: calendarSettings.tenantId,
      set: {
        workPeriods: row.workPeriods,
        weekendDays: row.weekendDays,
        timeZone: row.timeZone,
        updatedAt: row.updatedAt,
      },
    });
}

/** Exception days between two dates (inclusive), by date; all of them when no range is given. */
export async function listDays(
  db: Executor,
  tenantId: string,
  range?: { from: string; to: string },
): Promise<DayRow[]> {
  return db
    .select()
    .from(calendarDays)
    .where(
      and(
        eq(calendarDays.tenantId, tenantId),
        range ? gte(calendarDays.day, range.from) : undefined,
        range ? lte(calendarDays.day, range.to) : undefined,
      ),
    )
    .orderBy(asc(calendarDays.day));
}

/** Remove the exception days between two dates (inclusive); returns how many there were. */
export async function deleteDays(db: Executor, tenantId: string, range: { from: string; to: string }) {
  const rows = await db
    .delete(calendarDays)
    .where(and(eq(calendarDays.tenantId, tenantId), gte(calendarDays.day, range.from), lte(calendarDays.day, range.to)))
    .returning({ day: calendarDays.day });
  return rows.length;
}

/** Insert exception days in one statement. */
export async function insertDays(db: Executor, rows: DayRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(calendarDays).values(rows);
}

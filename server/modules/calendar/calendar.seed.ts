import type { Tx } from '../../db/client.ts';

/** Working hours, weekends and this year's public holidays with their 调休 days, for the demo tenant. */
export async function seedDemoCalendar(_tx: Tx, _tenantId: string, _now: Date): Promise<void> {}

/** Default working hours for a new tenant (holidays are entered by the administrator). */
export async function seedCalendarDefaults(_tx: Tx, _tenantId: string, _now: Date): Promise<void> {}

/** Org additions: HQ leadership (指挥长/副指挥长) and the working calendar (工作日历). */
import { sql } from 'drizzle-orm';
import { check, date, foreignKey, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { orgUnits, tz, users } from '../../db/schema.core.ts';

export const hqLeaders = pgTable(
  'hq_leaders',
  {
    tenantId: uuid('tenant_id').notNull(),
    hqId: uuid('hq_id').notNull(),
    userId: uuid('user_id').notNull(),
    /** commander (指挥长) or deputy (副指挥长). */
    position: text('position').notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.hqId, t.userId] }),
    foreignKey({
      columns: [t.tenantId, t.hqId],
      foreignColumns: [orgUnits.tenantId, orgUnits.id],
      name: 'hq_leaders_hq_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.userId],
      foreignColumns: [users.tenantId, users.id],
      name: 'hq_leaders_user_fk',
    }),
    check('hq_leaders_position_ck', sql`${t.position} in ('commander','deputy')`),
  ],
);

/** Working hours and weekend days of a tenant (one row per tenant). */
export const calendarSettings = pgTable('calendar_settings', {
  tenantId: uuid('tenant_id').primaryKey(),
  /** [["08:00","12:00"],["14:00","18:00"]] in the tenant's time zone. */
  workPeriods: jsonb('work_periods').$type<[string, string][]>().notNull(),
  /** ISO weekday numbers that are not working days by default (6 = Saturday, 7 = Sunday). */
  weekendDays: integer('weekend_days').array().notNull(),
  timeZone: text('time_zone').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

/** Exceptions to the weekly pattern: public holidays and adjusted working days (调休). */
export const calendarDays = pgTable(
  'calendar_days',
  {
    tenantId: uuid('tenant_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.day] }),
    check('calendar_days_kind_ck', sql`${t.kind} in ('holiday','workday')`),
  ],
);

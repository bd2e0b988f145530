/**
 * The problem catalogue (大类/小类). Rules that a case depends on — lead HQ and unit, time limits,
 * conditions, evidence, deductions — live in versions, so a case keeps the rule it was registered under.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { orgUnits, tz, users } from '../../db/schema.core.ts';

export type TimeLimitUnit = 'emergency_hours' | 'working_hours' | 'working_days';
export interface TimeLimit {
  value: number;
  unit: TimeLimitUnit;
}
export type Severity = 'normal' | 'major' | 'urgent';

export const categories = pgTable(
  'categories',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    code: text('code').notNull(),
    parentId: uuid('parent_id'),
    name: text('name').notNull(),
    /** event (事件) or component (部件) per the 数字城管 standard, or campaign (攻坚专项). */
    kind: text('kind').notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
    isActive: boolean('is_active').notNull().default(true),
    currentVersion: integer('current_version').notNull().default(1),
    createdAt: tz('created_at').notNull(),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('categories_code_uq').on(t.tenantId, t.code),
    foreignKey({ columns: [t.tenantId, t.parentId], foreignColumns: [t.tenantId, t.id], name: 'categories_parent_fk' }),
    check('categories_kind_ck', sql`${t.kind} in ('event','component','campaign')`),
  ],
);

export const categoryVersions = pgTable(
  'category_versions',
  {
    tenantId: uuid('tenant_id').notNull(),
    categoryId: uuid('category_id').notNull(),
    version: integer('version').notNull(),
    leadHqId: uuid('lead_hq_id'),
    leadUnitId: uuid('lead_unit_id'),
    /** Per severity: { normal: { value, unit }, major: …, urgent: … }. */
    timeLimits: jsonb('time_limits').$type<Partial<Record<Severity, TimeLimit>>>().notNull(),
    registerCondition: text('register_condition').notNull().default(''),
    closeCondition: text('close_condition').notNull().default(''),
    /** Photos required before (at intake) and after (at handling). */
    evidence: jsonb('evidence').$type<{ beforePhotos: number; afterPhotos: number }>().notNull(),
    /** Points deducted from the responsible unit per case, by source (city_video, provincial_undercover …). */
    deductions: jsonb('deductions').$type<Record<string, number>>().notNull(),
    note: text('note'),
    createdBy: uuid('created_by'),
    createdAt: tz('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.categoryId, t.version] }),
    foreignKey({
      columns: [t.tenantId, t.categoryId],
      foreignColumns: [categories.tenantId, categories.id],
      name: 'category_versions_category_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.leadHqId],
      foreignColumns: [orgUnits.tenantId, orgUnits.id],
      name: 'category_versions_hq_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.leadUnitId],
      foreignColumns: [orgUnits.tenantId, orgUnits.id],
      name: 'category_versions_unit_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.createdBy],
      foreignColumns: [users.tenantId, users.id],
      name: 'category_versions_user_fk',
    }),
  ],
);

/**
 * The responsibility matrix (网格化责任体系): (category or category group, industry?, area, level?) →
 * responsible unit and person. The most specific matching rule wins; identical keys are refused.
 */
import { sql } from 'drizzle-orm';
import { check, foreignKey, pgTable, primaryKey, text, unique, uuid } from 'drizzle-orm/pg-core';
import { orgUnits, tz, users } from '../../db/schema.core.ts';
import { categories } from '../categories/categories.schema.ts';

export const responsibilityRules = pgTable(
  'responsibility_rules',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    /** A 小类, a 大类 (covering its 小类), or null for any category. */
    categoryId: uuid('category_id'),
    /** 分行业: e.g. 餐饮, 建筑施工; null for any. */
    industry: text('industry'),
    /** 分区域: tenant | subdistrict | community | grid, with the unit or grid id (null for tenant). */
    areaKind: text('area_kind').notNull(),
    areaId: uuid('area_id'),
    /** 分层次: e.g. district | subdistrict | community; null for any. */
    level: text('level'),
    unitId: uuid('unit_id').notNull(),
    userId: uuid('user_id'),
    note: text('note'),
    createdBy: uuid('created_by'),
    createdAt: tz('created_at').notNull(),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('responsibility_rules_key_uq')
      .on(t.tenantId, t.categoryId, t.industry, t.areaKind, t.areaId, t.level)
      .nullsNotDistinct(),
    foreignKey({
      columns: [t.tenantId, t.categoryId],
      foreignColumns: [categories.tenantId, categories.id],
      name: 'responsibility_rules_category_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.unitId],
      foreignColumns: [orgUnits.tenantId, orgUnits.id],
      name: 'responsibility_rules_unit_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.userId],
      foreignColumns: [users.tenantId, users.id],
      name: 'responsibility_rules_user_fk',
    }),
    check(
      'responsibility_rules_area_ck',
      sql`(${t.areaKind} = 'tenant') = (${t.areaId} is null) and ${t.areaKind} in ('tenant','subdistrict','community','grid')`,
    ),
  ],
);

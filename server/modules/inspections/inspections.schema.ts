/**
 * Enforcement on the ground: rectification orders (责令改正通知书) with their follow-up and enforcement
 * records (e.g. tools seized, 暂扣), and field operations (整治行动) with what they achieved.
 */
import { sql } from 'drizzle-orm';
import {
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { orgUnits, tz, users } from '../../db/schema.core.ts';
import { cases } from '../cases/cases.schema.ts';

export interface OrderParty {
  name: string;
  address: string;
  contact?: string | null;
  phone?: string | null;
  licenceNo?: string | null;
}

export const rectificationOrders = pgTable(
  'rectification_orders',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    caseId: uuid('case_id'),
    year: integer('year').notNull(),
    seq: integer('seq').notNull(),
    /** e.g. 经开城管责改〔2026〕第0001号 */
    number: text('number').notNull(),
    party: jsonb('party').$type<OrderParty>().notNull(),
    /** The problem as found (违法事实). */
    facts: text('facts').notNull(),
    legalBasis: text('legal_basis').notNull(),
    requiredActions: text('required_actions').notNull(),
    deadline: tz('deadline').notNull(),
    issuingUnitId: uuid('issuing_unit_id').notNull(),
    issuedBy: uuid('issued_by').notNull(),
    issuedAt: tz('issued_at').notNull(),
    /** issued → complied | not_complied (after the follow-up inspection) | cancelled */
    status: text('status').notNull().default('issued'),
    followUp: jsonb('follow_up').$type<{
      at: string;
      by: string;
      result: string;
      note?: string;
      photos?: string[];
    } | null>(),
    version: integer('version').notNull().default(1),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('rectification_orders_number_uq').on(t.tenantId, t.year, t.seq),
    index('rectification_orders_case_idx').on(t.tenantId, t.caseId),
    foreignKey({
      columns: [t.tenantId, t.caseId],
      foreignColumns: [cases.tenantId, cases.id],
      name: 'rectification_orders_case_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.issuingUnitId],
      foreignColumns: [orgUnits.tenantId, orgUnits.id],
      name: 'rectification_orders_unit_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.issuedBy],
      foreignColumns: [users.tenantId, users.id],
      name: 'rectification_orders_user_fk',
    }),
    check('rectification_orders_status_ck', sql`${t.status} in ('issued','complied','not_complied','cancelled')`),
  ],
);

export interface EnforcementItem {
  name: string;
  quantity: number;
  unit: string;
  returnedQuantity?: number;
}

/** An enforcement measure after non-compliance, e.g. 暂扣 of tools with an item list, later returned. */
export const enforcementRecords = pgTable(
  'enforcement_records',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    orderId: uuid('order_id').notNull(),
    caseId: uuid('case_id'),
    kind: text('kind').notNull(),
    items: jsonb('items').$type<EnforcementItem[]>().notNull().default([]),
    note: text('note'),
    photos: jsonb('photos').$type<string[]>().notNull().default([]),
    takenAt: tz('taken_at').notNull(),
    takenBy: uuid('taken_by').notNull(),
    returnedAt: tz('returned_at'),
    returnedTo: text('returned_to'),
    returnedBy: uuid('returned_by'),
    createdAt: tz('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('enforcement_records_order_idx').on(t.tenantId, t.orderId),
    foreignKey({
      columns: [t.tenantId, t.orderId],
      foreignColumns: [rectificationOrders.tenantId, rectificationOrders.id],
      name: 'enforcement_records_order_fk',
    }),
    check('enforcement_records_kind_ck', sql`${t.kind} in ('seizure','fine','closure','other')`),
  ],
);

/** 整治行动: a day's operation by a unit over some grids, with people, equipment and results. */
export const fieldOperations = pgTable(
  'field_operations',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    opDate: date('op_date').notNull(),
    title: text('title').notNull(),
    unitId: uuid('unit_id').notNull(),
    gridIds: jsonb('grid_ids').$type<string[]>().notNull().default([]),
    /** 人次 */
    personTimes: integer('person_times').notNull(),
    equipment: jsonb('equipment').$type<{ type: string; count: number }[]>().notNull().default([]),
    results: jsonb('results').$type<{ item: string; quantity: number; unit: string }[]>().notNull().default([]),
    photos: jsonb('photos').$type<string[]>().notNull().default([]),
    caseIds: jsonb('case_ids').$type<string[]>().notNull().default([]),
    note: text('note'),
    createdBy: uuid('created_by').notNull(),
    createdAt: tz('created_at').notNull(),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('field_operations_date_idx').on(t.tenantId, t.opDate),
    foreignKey({
      columns: [t.tenantId, t.unitId],
      foreignColumns: [orgUnits.tenantId, orgUnits.id],
      name: 'field_operations_unit_fk',
    }),
  ],
);

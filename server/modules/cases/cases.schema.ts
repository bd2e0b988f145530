/**
 * Cases (案卷) and their timeline. A case keeps the category rule version it was registered under, the
 * routing answer that placed it, and its stage deadlines; every change is one case_events row.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
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
import { categories } from '../categories/categories.schema.ts';
import { media } from '../media/media.schema.ts';

export const CASE_STATUSES_SQL = `'reported','registered','rejected','dispatched','in_progress','handled','returned','verified','closed','parked','cancelled','merged'`;

export const cases = pgTable(
  'cases',
  {
    tenantId: uuid('tenant_id').notNull(),
    /** Client-generated UUID (offline phones create it before they can reach the server). */
    id: uuid('id').notNull(),
    /** Human number, per tenant and year: 2026-000123. */
    year: integer('year').notNull(),
    seq: integer('seq').notNull(),
    number: text('number').notNull(),
    source: text('source').notNull(),
    categoryId: uuid('category_id').notNull(),
    categoryVersion: integer('category_version').notNull(),
    severity: text('severity').notNull().default('normal'),
    status: text('status').notNull(),
    description: text('description').notNull(),
    address: text('address'),
    /** WGS-84; the point as given is kept too, with its coordinate system. */
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    inputCrs: text('input_crs'),
    inputLat: doublePrecision('input_lat'),
    inputLng: doublePrecision('input_lng'),
    gridId: uuid('grid_id'),
    hqId: uuid('hq_id'),
    leadUnitId: uuid('lead_unit_id'),
    /** The unit that must act, and its responsible person. */
    unitId: uuid('unit_id'),
    assigneeId: uuid('assignee_id'),
    /** The routing answer at intake (rule matched, why), kept as it was. */
    routing: jsonb('routing').$type<Record<string, unknown>>().notNull(),
    reporter: jsonb('reporter').$type<{ name?: string; phone?: string } | null>(),
    reportedBy: uuid('reported_by'),
    externalRef: text('external_ref'),
    /** Optimistic concurrency: the ETag. */
    version: integer('version').notNull().default(1),
    /** Stage deadlines from the category's limits and the working calendar. */
    registerDue: tz('register_due'),
    dispatchDue: tz('dispatch_due'),
    handleDue: tz('handle_due'),
    verifyDue: tz('verify_due'),
    /** The stage whose clock runs now (register | dispatch | handle | verify | none), its deadline, when it turns "due soon", and how it stands. */
    stage: text('stage').notNull().default('none'),
    stageStartedAt: tz('stage_started_at'),
    dueAt: tz('due_at'),
    dueSoonAt: tz('due_soon_at'),
    dueState: text('due_state').notNull().default('none'),
    overdueCount: integer('overdue_count').notNull().default(0),
    returnedCount: integer('returned_count').notNull().default(0),
    extensionCount: integer('extension_count').notNull().default(0),
    escalationLevel: integer('escalation_level').notNull().default(0),
    handledBy: uuid('handled_by'),
    verifiedBy: uuid('verified_by'),
    parkedUntil: tz('parked_until'),
    mergedIntoId: uuid('merged_into_id'),
    /** 反弹: the same category closed at this spot within the window. */
    spotId: uuid('spot_id'),
    isRecurrence: boolean('is_recurrence').notNull().default(false),
    recurrenceOfId: uuid('recurrence_of_id'),
    /** An open dispute or request waiting for the HQ. */
    pendingRequest: text('pending_request'),
    reportedAt: tz('reported_at').notNull(),
    registeredAt: tz('registered_at'),
    dispatchedAt: tz('dispatched_at'),
    handledAt: tz('handled_at'),
    verifiedAt: tz('verified_at'),
    closedAt: tz('closed_at'),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('cases_number_uq').on(t.tenantId, t.year, t.seq),
    index('cases_status_idx').on(t.tenantId, t.status, t.reportedAt),
    index('cases_unit_idx').on(t.tenantId, t.unitId, t.status),
    index('cases_due_idx').on(t.tenantId, t.dueAt),
    index('cases_nearby_idx').on(t.tenantId, t.categoryId, t.lat),
    index('cases_ext_idx').on(t.tenantId, t.externalRef),
    foreignKey({
      columns: [t.tenantId, t.categoryId],
      foreignColumns: [categories.tenantId, categories.id],
      name: 'cases_category_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.unitId],
      foreignColumns: [orgUnits.tenantId, orgUnits.id],
      name: 'cases_unit_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.hqId],
      foreignColumns: [orgUnits.tenantId, orgUnits.id],
      name: 'cases_hq_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.assigneeId],
      foreignColumns: [users.tenantId, users.id],
      name: 'cases_assignee_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.reportedBy],
      foreignColumns: [users.tenantId, users.id],
      name: 'cases_reporter_fk',
    }),
    check('cases_status_ck', sql.raw(`status in (${CASE_STATUSES_SQL})`)),
    check('cases_stage_ck', sql`${t.stage} in ('none','register','dispatch','handle','verify')`),
    check('cases_due_state_ck', sql`${t.dueState} in ('none','ok','due_soon','overdue')`),
    check('cases_severity_ck', sql`${t.severity} in ('normal','major','urgent')`),
  ],
);

/** The timeline: one row per change, in order. */
export const caseEvents = pgTable(
  'case_events',
  {
    tenantId: uuid('tenant_id').notNull(),
    caseId: uuid('case_id').notNull(),
    seq: integer('seq').notNull(),
    at: tz('at').notNull(),
    actorId: uuid('actor_id'),
    actorName: text('actor_name').notNull(),
    /** created | transition | merged | supervised | request | decision | reassigned | deadline | comment */
    kind: text('kind').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    note: text('note'),
    photos: jsonb('photos').$type<string[]>().notNull().default([]),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.caseId, t.seq] }),
    foreignKey({
      columns: [t.tenantId, t.caseId],
      foreignColumns: [cases.tenantId, cases.id],
      name: 'case_events_case_fk',
    }),
  ],
);

/** Photos attached to a case, by stage (before = at intake, after = proof of handling). */
export const caseMedia = pgTable(
  'case_media',
  {
    tenantId: uuid('tenant_id').notNull(),
    caseId: uuid('case_id').notNull(),
    mediaId: uuid('media_id').notNull(),
    stage: text('stage').notNull(),
    eventSeq: integer('event_seq').notNull(),
    /** Warnings computed from EXIF (taken far away / long before). */
    warnings: jsonb('warnings').$type<string[]>().notNull().default([]),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.caseId, t.mediaId] }),
    foreignKey({
      columns: [t.tenantId, t.caseId],
      foreignColumns: [cases.tenantId, cases.id],
      name: 'case_media_case_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.mediaId],
      foreignColumns: [media.tenantId, media.id],
      name: 'case_media_media_fk',
    }),
    check('case_media_stage_ck', sql`${t.stage} in ('before','after','verify','other')`),
  ],
);

/** Idempotency-Key records (IETF draft): in flight, then the stored response to replay. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tenantId: uuid('tenant_id').notNull(),
    userId: uuid('user_id').notNull(),
    key: text('key').notNull(),
    route: text('route').notNull(),
    requestHash: text('request_hash').notNull(),
    status: text('status').notNull(),
    /** An in-flight record older than this is abandoned (its request died with a process). */
    lockedUntil: tz('locked_until'),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: tz('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId, t.key] }),
    index('idempotency_keys_created_idx').on(t.createdAt),
    check('idempotency_keys_status_ck', sql`${t.status} in ('in_flight','done')`),
  ],
);

/** Requests waiting for the HQ: extension, parking (挂账), dispute (推诿扯皮: "not ours"). */
export const caseRequests = pgTable(
  'case_requests',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    caseId: uuid('case_id').notNull(),
    kind: text('kind').notNull(),
    unitId: uuid('unit_id'),
    reason: text('reason').notNull(),
    /** kind-specific: requested due date, review date, suggested unit … */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    requestedBy: uuid('requested_by'),
    requestedAt: tz('requested_at').notNull(),
    decideBy: tz('decide_by'),
    status: text('status').notNull().default('pending'),
    decidedBy: uuid('decided_by'),
    decidedAt: tz('decided_at'),
    decision: jsonb('decision').$type<Record<string, unknown>>(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('case_requests_case_idx').on(t.tenantId, t.caseId),
    index('case_requests_pending_idx').on(t.tenantId, t.status, t.decideBy),
    foreignKey({
      columns: [t.tenantId, t.caseId],
      foreignColumns: [cases.tenantId, cases.id],
      name: 'case_requests_case_fk',
    }),
    check('case_requests_kind_ck', sql`${t.kind} in ('extension','park','dispute')`),
    check('case_requests_status_ck', sql`${t.status} in ('pending','approved','rejected','expired')`),
  ],
);

/** 督办单: issued when a case is due soon or overdue, escalating by level. */
export const supervisionOrders = pgTable(
  'supervision_orders',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    caseId: uuid('case_id').notNull(),
    year: integer('year').notNull(),
    seq: integer('seq').notNull(),
    number: text('number').notNull(),
    level: integer('level').notNull(),
    reason: text('reason').notNull(),
    toUnitId: uuid('to_unit_id'),
    /** Whom it is copied to at this level (HQ, district leader). */
    copiedTo: jsonb('copied_to').$type<string[]>().notNull().default([]),
    stage: text('stage').notNull(),
    stageDueAt: tz('stage_due_at'),
    issuedAt: tz('issued_at').notNull(),
    acknowledgedAt: tz('acknowledged_at'),
    acknowledgedBy: uuid('acknowledged_by'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('supervision_orders_number_uq').on(t.tenantId, t.year, t.seq),
    uniqueIndex('supervision_orders_level_uq').on(t.tenantId, t.caseId, t.stage, t.level),
    foreignKey({
      columns: [t.tenantId, t.caseId],
      foreignColumns: [cases.tenantId, cases.id],
      name: 'supervision_orders_case_fk',
    }),
  ],
);

/** A spot where a category keeps coming back: closed cases within the window are linked to it. */
export const caseSpots = pgTable(
  'case_spots',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    categoryId: uuid('category_id').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    gridId: uuid('grid_id'),
    caseCount: integer('case_count').notNull().default(1),
    recurrenceCount: integer('recurrence_count').notNull().default(0),
    lastCaseId: uuid('last_case_id'),
    lastClosedAt: tz('last_closed_at'),
    createdAt: tz('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('case_spots_near_idx').on(t.tenantId, t.categoryId, t.lat),
  ],
);

/** Per-tenant, per-year counters for human numbers (cases, orders …), taken under a row lock. */
export const numberSequences = pgTable(
  'number_sequences',
  {
    tenantId: uuid('tenant_id').notNull(),
    kind: text('kind').notNull(),
    year: integer('year').notNull(),
    last: integer('last').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.kind, t.year] })],
);

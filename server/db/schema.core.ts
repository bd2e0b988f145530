/**
 * The database schema (drizzle pg-core). Every table carries tenant_id, every primary and unique key
 * starts with it and every foreign key includes it, so a deployment can distribute by tenant on Citus.
 * The one exception is `tenants` itself, which would be a Citus reference table.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** A timestamptz column read as a Date: the one timestamp shape every table uses. */
export const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const tenantId = () => uuid('tenant_id').notNull();

export const tenants = pgTable(
  'tenants',
  {
    tenantId: uuid('tenant_id').primaryKey(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    isDemo: boolean('is_demo').notNull().default(false),
    createdAt: tz('created_at').notNull(),
  },
  (t) => [uniqueIndex('tenants_code_uq').on(t.code)],
);

export const orgUnits = pgTable(
  'org_units',
  {
    tenantId: tenantId(),
    id: uuid('id').notNull(),
    parentId: uuid('parent_id'),
    type: text('type').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** Materialised path of ids, '/root/…/self/', so "this unit and below" is one prefix match. */
    path: text('path').notNull(),
    sortOrder: integer('sort_order').notNull().default(0),
    isDemo: boolean('is_demo').notNull().default(false),
    createdAt: tz('created_at').notNull(),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('org_units_code_uq').on(t.tenantId, t.code),
    index('org_units_path_idx').on(t.tenantId, t.path),
    foreignKey({ columns: [t.tenantId, t.parentId], foreignColumns: [t.tenantId, t.id], name: 'org_units_parent_fk' }),
    check('org_units_type_ck', sql`${t.type} in ('leading_group','hq','department','subdistrict','community','squad')`),
  ],
);

/** Which units answer to which command HQ (a unit may serve several HQs). */
export const hqMembers = pgTable(
  'hq_members',
  {
    tenantId: tenantId(),
    hqId: uuid('hq_id').notNull(),
    unitId: uuid('unit_id').notNull(),
    isLead: boolean('is_lead').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.hqId, t.unitId] }),
    foreignKey({
      columns: [t.tenantId, t.hqId],
      foreignColumns: [orgUnits.tenantId, orgUnits.id],
      name: 'hq_members_hq_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.unitId],
      foreignColumns: [orgUnits.tenantId, orgUnits.id],
      name: 'hq_members_unit_fk',
    }),
  ],
);

export const users = pgTable(
  'users',
  {
    tenantId: tenantId(),
    id: uuid('id').notNull(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    unitId: uuid('unit_id'),
    phone: text('phone'),
    passwordHash: text('password_hash').notNull(),
    roles: text('roles').array().notNull(),
    totpSecret: text('totp_secret'),
    /** Last accepted TOTP time step, so one code cannot be replayed. */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: tz('locked_until'),
    disabled: boolean('disabled').notNull().default(false),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    isService: boolean('is_service').notNull().default(false),
    passwordChangedAt: tz('password_changed_at').notNull(),
    createdAt: tz('created_at').notNull(),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('users_username_uq').on(t.tenantId, t.username),
    index('users_unit_idx').on(t.tenantId, t.unitId),
    foreignKey({
      columns: [t.tenantId, t.unitId],
      foreignColumns: [orgUnits.tenantId, orgUnits.id],
      name: 'users_unit_fk',
    }),
    // 三员分立: defence in depth behind the service's own check.
    check(
      'users_one_admin_role_ck',
      sql`((('sys_admin' = any(${t.roles}))::int + ('sec_admin' = any(${t.roles}))::int + ('audit_admin' = any(${t.roles}))::int) <= 1)`,
    ),
    check('users_has_role_ck', sql`cardinality(${t.roles}) >= 1`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    tenantId: tenantId(),
    id: uuid('id').notNull(),
    userId: uuid('user_id').notNull(),
    /** SHA-256 of the cookie's secret part; the secret itself is never stored. */
    secretHash: text('secret_hash').notNull(),
    csrfToken: text('csrf_token').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: tz('created_at').notNull(),
    lastSeenAt: tz('last_seen_at').notNull(),
    expiresAt: tz('expires_at').notNull(),
    revokedAt: tz('revoked_at'),
    revokedReason: text('revoked_reason'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('sessions_user_idx').on(t.tenantId, t.userId),
    foreignKey({
      columns: [t.tenantId, t.userId],
      foreignColumns: [users.tenantId, users.id],
      name: 'sessions_user_fk',
    }),
  ],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    tenantId: tenantId(),
    id: uuid('id').notNull(),
    userId: uuid('user_id').notNull(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    createdBy: uuid('created_by'),
    createdAt: tz('created_at').notNull(),
    expiresAt: tz('expires_at').notNull(),
    revokedAt: tz('revoked_at'),
    lastUsedAt: tz('last_used_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.userId],
      foreignColumns: [users.tenantId, users.id],
      name: 'api_tokens_user_fk',
    }),
  ],
);

/** Append-only, hash-chained (SM3) audit trail; a trigger rejects UPDATE, DELETE and TRUNCATE. */
export const auditEvents = pgTable(
  'audit_events',
  {
    tenantId: tenantId(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    occurredAt: tz('occurred_at').notNull(),
    actorId: uuid('actor_id'),
    actorName: text('actor_name'),
    action: text('action').notNull(),
    objectType: text('object_type'),
    objectId: text('object_id'),
    outcome: text('outcome').notNull(),
    ip: text('ip'),
    requestId: text('request_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.seq] }),
    index('audit_events_time_idx').on(t.tenantId, t.occurredAt),
    index('audit_events_actor_idx').on(t.tenantId, t.actorId),
    check('audit_events_outcome_ck', sql`${t.outcome} in ('success','failure')`),
  ],
);

/** The head of each tenant's audit chain; its row lock serialises appends so the chain never forks. */
export const auditChainHeads = pgTable('audit_chain_heads', {
  tenantId: uuid('tenant_id').primaryKey(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
  lastHash: text('last_hash').notNull(),
});

/**
 * A counter per tenant that triggers bump whenever reference data changes (categories and their rule
 * versions, the responsibility matrix, org units, HQ membership, users, grid cells, the calendar), in
 * the writing transaction. In-process caches of that data compare it before use, so every process
 * sees a committed change on its next request without each write path having to remember to say so.
 */
export const configStamps = pgTable('config_stamps', {
  tenantId: uuid('tenant_id').primaryKey(),
  stamp: bigint('stamp', { mode: 'number' }).notNull(),
});

/** Background work, claimed with FOR UPDATE SKIP LOCKED so that no job runs twice. */
export const jobs = pgTable(
  'jobs',
  {
    tenantId: tenantId(),
    id: uuid('id').notNull(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    /** Optional: a second enqueue with the same key while one is pending is a no-op. */
    dedupeKey: text('dedupe_key'),
    status: text('status').notNull().default('queued'),
    runAt: tz('run_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    lockedBy: text('locked_by'),
    lockedUntil: tz('locked_until'),
    lastError: text('last_error'),
    createdAt: tz('created_at').notNull(),
    finishedAt: tz('finished_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('jobs_due_idx').on(t.status, t.runAt),
    uniqueIndex('jobs_dedupe_uq')
      .on(t.tenantId, t.kind, t.dedupeKey)
      .where(sql`${t.dedupeKey} is not null and ${t.status} = 'queued'`),
    check('jobs_status_ck', sql`${t.status} in ('queued','running','done','failed')`),
  ],
);

/**
 * Notifications: an outbox row written in the same transaction as the event it reports, then one
 * delivery per recipient channel (in-app inbox, WeCom/DingTalk group robot, webhook, SMS gateway),
 * each with its state, attempts and next try — so nothing is lost across a restart.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { orgUnits, tz, users } from '../../db/schema.core.ts';

/** A configured outbound channel, usually one per unit's work group (工作群). */
export const notificationChannels = pgTable(
  'notification_channels',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    /** The unit whose notifications go here (and its subtree when includeSubunits). */
    unitId: uuid('unit_id'),
    includeSubunits: boolean('include_subunits').notNull().default(false),
    /** Which event kinds; empty = all. */
    events: jsonb('events').$type<string[]>().notNull().default([]),
    /** url, secret (robot signing key), phone numbers for SMS … */
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    /** Messages per minute this endpoint accepts (robots: 20). */
    ratePerMinute: integer('rate_per_minute').notNull().default(20),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: tz('created_at').notNull(),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.unitId],
      foreignColumns: [orgUnits.tenantId, orgUnits.id],
      name: 'notification_channels_unit_fk',
    }),
    check('notification_channels_kind_ck', sql`${t.kind} in ('wecom','dingtalk','webhook','sms')`),
  ],
);

/** The outbox: what happened, to whom (a unit and/or a person), written with the event. */
export const notifications = pgTable(
  'notifications',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    /** dispatched | due_soon | overdue | returned | dispute | supervision_order | … */
    event: text('event').notNull(),
    caseId: uuid('case_id'),
    unitId: uuid('unit_id'),
    userId: uuid('user_id'),
    title: text('title').notNull(),
    body: text('body').notNull(),
    link: text('link'),
    createdAt: tz('created_at').notNull(),
    /** Fanned out into deliveries (by the worker) yet? */
    fannedOutAt: tz('fanned_out_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('notifications_pending_idx').on(t.tenantId, t.fannedOutAt),
    index('notifications_case_idx').on(t.tenantId, t.caseId),
  ],
);

export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    notificationId: uuid('notification_id').notNull(),
    channelId: uuid('channel_id').notNull(),
    /** queued → sent | failed (gave up); batched: sent inside another delivery's message. */
    status: text('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: tz('next_attempt_at').notNull(),
    lastError: text('last_error'),
    batchId: uuid('batch_id'),
    sentAt: tz('sent_at'),
    createdAt: tz('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('notification_deliveries_due_idx').on(t.tenantId, t.status, t.nextAttemptAt),
    index('notification_deliveries_channel_idx').on(t.tenantId, t.channelId, t.sentAt),
    foreignKey({
      columns: [t.tenantId, t.notificationId],
      foreignColumns: [notifications.tenantId, notifications.id],
      name: 'notification_deliveries_notification_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.channelId],
      foreignColumns: [notificationChannels.tenantId, notificationChannels.id],
      name: 'notification_deliveries_channel_fk',
    }),
    check('notification_deliveries_status_ck', sql`${t.status} in ('queued','sent','failed','batched')`),
  ],
);

/** The in-app inbox: one row per person per notification. */
export const inboxItems = pgTable(
  'inbox_items',
  {
    tenantId: uuid('tenant_id').notNull(),
    userId: uuid('user_id').notNull(),
    notificationId: uuid('notification_id').notNull(),
    createdAt: tz('created_at').notNull(),
    readAt: tz('read_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId, t.notificationId] }),
    index('inbox_items_unread_idx').on(t.tenantId, t.userId, t.readAt),
    foreignKey({
      columns: [t.tenantId, t.userId],
      foreignColumns: [users.tenantId, users.id],
      name: 'inbox_items_user_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.notificationId],
      foreignColumns: [notifications.tenantId, notifications.id],
      name: 'inbox_items_notification_fk',
    }),
  ],
);

/** All SQL of the notifications module: the outbox, fan-out, delivery claims, channels and the inbox. */
import { and, asc, count, desc, eq, gte, inArray, isNull, lte, min, type SQL, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../../db/client.ts';
import {
  inboxItems,
  notificationChannels,
  notificationDeliveries,
  notifications,
  orgUnits,
  users,
} from '../../db/schema.ts';

export type ChannelRow = typeof notificationChannels.$inferSelect;
export type NotificationRow = typeof notifications.$inferSelect;
export type DeliveryRow = typeof notificationDeliveries.$inferSelect;
export type ChannelWithUnit = ChannelRow & { unitName: string | null; unitPath: string | null };

const unitJoin = and(
  eq(orgUnits.tenantId, notificationChannels.tenantId),
  eq(orgUnits.id, notificationChannels.unitId),
);
const withUnit = { channel: notificationChannels, unitName: orgUnits.name, unitPath: orgUnits.path };
const flat = (r: { channel: ChannelRow; unitName: string | null; unitPath: string | null }): ChannelWithUnit => ({
  ...r.channel,
  unitName: r.unitName,
  unitPath: r.unitPath,
});

// ---- the outbox and fan-out ----

export async function insertNotification(db: Executor, row: typeof notifications.$inferInsert): Promise<void> {
  await db.insert(notifications).values(row);
}

/**
 * Notifications not yet fanned out, oldest first, locked for this transaction. SKIP LOCKED: a second
 * worker fanning out the same tenant takes other rows (or none) instead of waiting or doubling.
 */
export async function lockPendingNotifications(tx: Tx, tenantId: string, limit: number) {
  return tx
    .select({ n: notifications, unitPath: orgUnits.path })
    .from(notifications)
    .leftJoin(orgUnits, and(eq(orgUnits.tenantId, notifications.tenantId), eq(orgUnits.id, notifications.unitId)))
    .where(and(eq(notifications.tenantId, tenantId), isNull(notifications.fannedOutAt)))
    .orderBy(asc(notifications.createdAt), asc(notifications.id))
    .limit(limit)
    .for('update', { of: notifications, skipLocked: true });
}

export async function markFannedOut(tx: Tx, tenantId: string, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(notifications)
    .set({ fannedOutAt: now })
    .where(and(eq(notifications.tenantId, tenantId), inArray(notifications.id, ids)));
}

const activeUser = (tenantId: string) =>
  and(eq(users.tenantId, tenantId), eq(users.disabled, false), eq(users.isService, false));

/** Of these user ids, the ones that are enabled people (not disabled, not service accounts). */
export async function activeUserIds(db: Executor, tenantId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(activeUser(tenantId), inArray(users.id, ids)));
  return rows.map((r) => r.id);
}

/** Enabled people whose own unit is one of these (not the units below). */
export async function activeMembersOf(db: Executor, tenantId: string, unitIds: string[]) {
  if (unitIds.length === 0) return [];
  return db
    .select({ id: users.id, unitId: users.unitId })
    .from(users)
    .where(and(activeUser(tenantId), inArray(users.unitId, unitIds)));
}

export async function enabledChannels(db: Executor, tenantId: string): Promise<ChannelWithUnit[]> {
  const rows = await db
    .select(withUnit)
    .from(notificationChannels)
    .leftJoin(orgUnits, unitJoin)
    .where(and(eq(notificationChannels.tenantId, tenantId), eq(notificationChannels.enabled, true)));
  return rows.map(flat);
}

export async function insertInboxItems(tx: Tx, rows: (typeof inboxItems.$inferInsert)[]): Promise<number> {
  if (rows.length === 0) return 0;
  const out = await tx
    .insert(inboxItems)
    .values(rows)
    .onConflictDoNothing()
    .returning({ id: inboxItems.notificationId });
  return out.length;
}

/** Insert deliveries; an id already present (a redone fan-out) is skipped. Returns how many were new. */
export async function insertDeliveries(
  db: Executor,
  rows: (typeof notificationDeliveries.$inferInsert)[],
): Promise<number> {
  if (rows.length === 0) return 0;
  let n = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const out = await db
      .insert(notificationDeliveries)
      .values(rows.slice(i, i + 500))
      .onConflictDoNothing()
      .returning({ id: notificationDeliveries.id });
    n += out.length;
  }
  return n;
}

// ---- delivery ----

const enabledChannelOf = and(
  eq(notificationChannels.tenantId, notificationDeliveries.tenantId),
  eq(notificationChannels.id, notificationDeliveries.channelId),
  eq(notificationChannels.enabled, true),
);

/** Enabled channels with at least one queued delivery that is due. */
export async function channelIdsWithDue(db: Executor, tenantId: string, now: Date): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: notificationDeliveries.channelId })
    .from(notificationDeliveries)
    .innerJoin(notificationChannels, enabledChannelOf)
    .where(
      and(
        eq(notificationDeliveries.tenantId, tenantId),
        eq(notificationDeliveries.status, 'queued'),
        lte(notificationDeliveries.nextAttemptAt, now),
      ),
    );
  return rows.map((r) => r.id);
}

/** When the next queued delivery (of an enabled channel) falls due, or null when none waits. */
export async function nextDueAt(db: Executor, tenantId: string): Promise<Date | null> {
  const [r] = await db
    .select({ at: min(notificationDeliveries.nextAttemptAt) })
    .from(notificationDeliveries)
    .innerJoin(notificationChannels, enabledChannelOf)
    .where(and(eq(notificationDeliveries.tenantId, tenantId), eq(notificationDeliveries.status, 'queued')));
  return r?.at ? new Date(r.at) : null;
}

/** The channel row, locked: claims for one channel serialise, so two workers cannot both spend its budget. */
export async function lockChannel(tx: Tx, tenantId: string, id: string): Promise<ChannelRow | null> {
  const [r] = await tx
    .select()
    .from(notificationChannels)
    .where(and(eq(notificationChannels.tenantId, tenantId), eq(notificationChannels.id, id)))
    .for('update');
  return r ?? null;
}

/**
 * Messages counted against a channel's rate at or after `since`: sent ones, and ones handed to a sender that
 * has not answered yet (a queued row whose sent_at marks when it was handed over). Plus the oldest such
 * time, from which the next free slot follows.
 */
export async function windowUsage(tx: Tx, tenantId: string, channelId: string, since: Date) {
  const [r] = await tx
    .select({ used: count(), oldest: min(notificationDeliveries.sentAt) })
    .from(notificationDeliveries)
    .where(
      and(
        eq(notificationDeliveries.tenantId, tenantId),
        eq(notificationDeliveries.channelId, channelId),
        gte(notificationDeliveries.sentAt, since),
        inArray(notificationDeliveries.status, ['sent', 'queued']),
      ),
    );
  return { used: Number(r?.used ?? 0), oldest: r?.oldest ? new Date(r.oldest) : null };
}

/** A channel's due deliveries with their notification, oldest notification first, locked (SKIP LOCKED) for claiming. */
export async function lockDueDeliveries(tx: Tx, tenantId: string, channelId: string, now: Date, limit: number) {
  return tx
    .select({ d: notificationDeliveries, n: notifications })
    .from(notificationDeliveries)
    .innerJoin(
      notifications,
      and(
        eq(notifications.tenantId, notificationDeliveries.tenantId),
        eq(notifications.id, notificationDeliveries.notificationId),
      ),
    )
    .where(
      and(
        eq(notificationDeliveries.tenantId, tenantId),
        eq(notificationDeliveries.channelId, channelId),
        eq(notificationDeliveries.status, 'queued'),
        lte(notificationDeliveries.nextAttemptAt, now),
      ),
    )
    .orderBy(asc(notifications.createdAt), asc(notifications.id))
    .limit(limit)
    .for('update', { of: notificationDeliveries, skipLocked: true });
}

const byIds = (tenantId: string, ids: string[]) =>
  and(eq(notificationDeliveries.tenantId, tenantId), inArray(notificationDeliveries.id, ids));

/**
 * Claim deliveries for sending: one more attempt, and next_attempt_at moved to the lease's end so no
 * other worker takes them meanwhile; a sender that dies leaves them due again when the lease runs out.
 */
export async function claimDeliveries(
  tx: Tx,
  tenantId: string,
  ids: string[],
  batchId: string | null,
  leaseUntil: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(notificationDeliveries)
    .set({
      attempts: sql`${notificationDeliveries.attempts} + 1`,
      nextAttemptAt: leaseUntil,
      batchId,
      sentAt: null,
    })
    .where(byIds(tenantId, ids));
}

/** Mark the message-carrying delivery as handed to the sender at `at` (it counts against the rate). */
export async function markInFlight(tx: Tx, tenantId: string, id: string, at: Date): Promise<void> {
  await tx
    .update(notificationDeliveries)
    .set({ sentAt: at })
    .where(byIds(tenantId, [id]));
}

/** Rate-limited: these wait (no attempt spent) until the channel's window has room. */
export async function deferDeliveries(tx: Tx, tenantId: string, ids: string[], until: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx.update(notificationDeliveries).set({ nextAttemptAt: until }).where(byIds(tenantId, ids));
}

/** The message went out: the carrier is sent, the others it carried are batched into it. */
export async function markSent(db: Executor, tenantId: string, carrierId: string, memberIds: string[], at: Date) {
  await db.transaction(async (tx) => {
    await tx
      .update(notificationDeliveries)
      .set({ status: 'sent', sentAt: at, lastError: null })
      .where(byIds(tenantId, [carrierId]));
    if (memberIds.length) {
      await tx
        .update(notificationDeliveries)
        .set({ status: 'batched', sentAt: at, batchId: carrierId, lastError: null })
        .where(byIds(tenantId, memberIds));
    }
  });
}

/** The message failed: each row is queued again for `nextAttemptAt`, or failed for good (nextAttemptAt null). */
export async function markAttemptFailed(
  db: Executor,
  tenantId: string,
  rows: { id: string; nextAttemptAt: Date | null }[],
  error: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    for (const r of rows) {
      await tx
        .update(notificationDeliveries)
        .set(
          r.nextAttemptAt
            ? { status: 'queued', nextAttemptAt: r.nextAttemptAt, lastError: error, sentAt: null, batchId: null }
            : { status: 'failed', lastError: error, sentAt: null, batchId: null },
        )
        .where(byIds(tenantId, [r.id]));
    }
  });
}

/** Give claimed-but-unsent deliveries back (their channel just failed): the attempt is not counted. */
export async function releaseClaims(db: Executor, tenantId: string, ids: string[], nextAt: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(notificationDeliveries)
    .set({
      attempts: sql`greatest(${notificationDeliveries.attempts} - 1, 0)`,
      nextAttemptAt: nextAt,
      sentAt: null,
      batchId: null,
    })
    .where(byIds(tenantId, ids));
}

// ---- channels (administration) ----

export async function listChannels(db: Executor, tenantId: string): Promise<ChannelWithUnit[]> {
  const rows = await db
    .select(withUnit)
    .from(notificationChannels)
    .leftJoin(orgUnits, unitJoin)
    .where(eq(notificationChannels.tenantId, tenantId))
    .orderBy(asc(notificationChannels.createdAt), asc(notificationChannels.name));
  return rows.map(flat);
}

export async function getChannel(db: Executor, tenantId: string, id: string): Promise<ChannelWithUnit | null> {
  const [r] = await db
    .select(withUnit)
    .from(notificationChannels)
    .leftJoin(orgUnits, unitJoin)
    .where(and(eq(notificationChannels.tenantId, tenantId), eq(notificationChannels.id, id)));
  return r ? flat(r) : null;
}

export interface ChannelStatsRow {
  queued: number;
  failed: number;
  sentLastDay: number;
  lastSentAt: Date | null;
}

/** Per channel: deliveries waiting, failed for good, sent since `since`, and the last send. */
export async function channelStats(
  db: Executor,
  tenantId: string,
  channelIds: string[],
  since: Date,
): Promise<Map<string, ChannelStatsRow>> {
  const out = new Map<string, ChannelStatsRow>();
  if (channelIds.length === 0) return out;
  const d = notificationDeliveries;
  const rows = await db
    .select({
      channelId: d.channelId,
      queued: sql<number>`count(*) filter (where ${d.status} = 'queued')::int`,
      failed: sql<number>`count(*) filter (where ${d.status} = 'failed')::int`,
      sentLastDay: sql<number>`count(*) filter (where ${d.status} = 'sent' and ${d.sentAt} > ${since})::int`,
      lastSentAt: sql<Date | null>`max(${d.sentAt}) filter (where ${d.status} = 'sent')`,
    })
    .from(d)
    .where(and(eq(d.tenantId, tenantId), inArray(d.channelId, channelIds)))
    .groupBy(d.channelId);
  for (const r of rows) {
    out.set(r.channelId, {
      queued: Number(r.queued),
      failed: Number(r.failed),
      sentLastDay: Number(r.sentLastDay),
      lastSentAt: r.lastSentAt ? new Date(r.lastSentAt) : null,
    });
  }
  return out;
}

export async function insertChannel(db: Executor, row: typeof notificationChannels.$inferInsert): Promise<void> {
  await db.insert(notificationChannels).values(row);
}

export async function updateChannel(
  db: Executor,
  tenantId: string,
  id: string,
  patch: Partial<typeof notificationChannels.$inferInsert>,
): Promise<void> {
  await db
    .update(notificationChannels)
    .set(patch)
    .where(and(eq(notificationChannels.tenantId, tenantId), eq(notificationChannels.id, id)));
}

/** Delete a channel with its delivery records; returns how many deliveries went with it. */
export async function deleteChannel(tx: Tx, tenantId: string, id: string): Promise<number> {
  const gone = await tx
    .delete(notificationDeliveries)
    .where(and(eq(notificationDeliveries.tenantId, tenantId), eq(notificationDeliveries.channelId, id)))
    .returning({ id: notificationDeliveries.id });
  await tx
    .delete(notificationChannels)
    .where(and(eq(notificationChannels.tenantId, tenantId), eq(notificationChannels.id, id)));
  return gone.length;
}

/** A channel's deliveries, newest first, with the notification's event and title and each batch's size. */
export async function listDeliveries(
  db: Executor,
  tenantId: string,
  channelId: string,
  status: string | undefined,
  offset: number,
  limit: number,
) {
  const d = notificationDeliveries;
  const where = and(eq(d.tenantId, tenantId), eq(d.channelId, channelId), status ? eq(d.status, status) : undefined);
  const [rows, [total]] = await Promise.all([
    db
      .select({
        d,
        event: notifications.event,
        title: notifications.title,
        batchSize: sql<number | null>`case when ${d.batchId} = ${d.id} then (select count(*)::int
          from notification_deliveries b where b.tenant_id = ${d.tenantId} and b.batch_id = ${d.id}) end`,
      })
      .from(d)
      .innerJoin(notifications, and(eq(notifications.tenantId, d.tenantId), eq(notifications.id, d.notificationId)))
      .where(where)
      .orderBy(desc(d.createdAt), desc(d.id))
      .offset(offset)
      .limit(limit),
    db.select({ n: count() }).from(d).where(where),
  ]);
  return { rows, total: Number(total?.n ?? 0) };
}

// ---- the inbox ----

const mine = (tenantId: string, userId: string) =>
  and(eq(inboxItems.tenantId, tenantId), eq(inboxItems.userId, userId));

/** A person's inbox: unread first, then newest first. */
export async function listInbox(
  db: Executor,
  tenantId: string,
  userId: string,
  unreadOnly: boolean,
  offset: number,
  limit: number,
) {
  const where = and(mine(tenantId, userId), unreadOnly ? isNull(inboxItems.readAt) : undefined);
  const [rows, [total]] = await Promise.all([
    db
      .select({ item: inboxItems, n: notifications })
      .from(inboxItems)
      .innerJoin(
        notifications,
        and(eq(notifications.tenantId, inboxItems.tenantId), eq(notifications.id, inboxItems.notificationId)),
      )
      .where(where)
      .orderBy(sql`${inboxItems.readAt} is null desc`, desc(notifications.createdAt), desc(notifications.id))
      .offset(offset)
      .limit(limit),
    db.select({ n: count() }).from(inboxItems).where(where),
  ]);
  return { rows, total: Number(total?.n ?? 0) };
}

export async function countUnread(db: Executor, tenantId: string, userId: string): Promise<number> {
  const [r] = await db
    .select({ n: count() })
    .from(inboxItems)
    .where(and(mine(tenantId, userId), isNull(inboxItems.readAt)));
  return Number(r?.n ?? 0);
}

/** Mark some (ids) or all (null) of a person's unread items read; other people's ids are ignored. */
export async function markRead(
  tx: Tx,
  tenantId: string,
  userId: string,
  ids: string[] | null,
  now: Date,
): Promise<number> {
  const conds: (SQL | undefined)[] = [mine(tenantId, userId), isNull(inboxItems.readAt)];
  if (ids) conds.push(inArray(inboxItems.notificationId, ids));
  const out = await tx
    .update(inboxItems)
    .set({ readAt: now })
    .where(and(...conds))
    .returning({ id: inboxItems.notificationId });
  return out.length;
}

/** The deliveries one notification fanned out to. */
export async function deliveriesOf(db: Executor, tenantId: string, notificationId: string): Promise<DeliveryRow[]> {
  return db
    .select()
    .from(notificationDeliveries)
    .where(
      and(eq(notificationDeliveries.tenantId, tenantId), eq(notificationDeliveries.notificationId, notificationId)),
    );
}

/** A unit's id and materialised path (to check a channel's unit exists and lies in the caller's scope). */
export async function unitById(db: Executor, tenantId: string, id: string) {
  const [u] = await db
    .select({ id: orgUnits.id, path: orgUnits.path })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.id, id)));
  return u ?? null;
}

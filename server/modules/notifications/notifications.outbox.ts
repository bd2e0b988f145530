/**
 * The outbox. notify() writes a notification in the caller's transaction and enqueues (same transaction)
 * the tenant's fan-out job; the fan-out turns each notification into inbox rows and one delivery per
 * matching channel, in one transaction per chunk, so a crash leaves a chunk to be redone, never half done.
 */
import { randomUUID } from 'node:crypto';
import { type TNotificationEvent, ZNotificationEvent } from '../../../common/notifications.ts';
import type { Executor } from '../../db/client.ts';
import type { Deps } from '../../deps.ts';
import { enqueueJob } from '../../jobs/worker.ts';
import { channelMatches, deliveryId } from './notifications.plan.ts';
import * as repo from './notifications.repo.ts';

export const FANOUT_JOB = 'notifications.fanout';
export const DELIVER_JOB = 'notifications.deliver';
const FANOUT_CHUNK = 200;
const TITLE_MAX = 200;
const BODY_MAX = 4000;

export interface NotifyInput {
  tenantId: string;
  event: TNotificationEvent;
  caseId?: string | null;
  /** The unit concerned: its people get an inbox item (unless userId is given) and its channels a message. */
  unitId?: string | null;
  /** One person: only they get an inbox item. */
  userId?: string | null;
  title: string;
  body: string;
  /** Where the web app shows the matter, e.g. /cases/<id>; robots show it only when absolute (http…). */
  link?: string | null;
}

const clip = (s: string, max: number) => {
  const chars = [...s.trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
};

/**
 * Record a notification in the caller's transaction (`tx`) and enqueue the tenant's fan-out job in the
 * same transaction: it exists if and only if the caller's change commits. Returns the notification id.
 */
export async function notify(tx: Executor, deps: Deps, n: NotifyInput): Promise<string> {
  const event = ZNotificationEvent.parse(n.event);
  const id = randomUUID();
  const now = deps.clock.now();
  await repo.insertNotification(tx, {
    tenantId: n.tenantId,
    id,
    event,
    caseId: n.caseId ?? null,
    unitId: n.unitId ?? null,
    userId: n.userId ?? null,
    title: clip(n.title, TITLE_MAX),
    body: clip(n.body, BODY_MAX),
    link: n.link ?? null,
    createdAt: now,
  });
  await enqueueFanOut(tx, n.tenantId, now);
  return id;
}

/** One pending fan-out job per tenant (the dedupe key), however many notifications wait. */
export function enqueueFanOut(db: Executor, tenantId: string, now: Date) {
  return enqueueJob(db, { tenantId, kind: FANOUT_JOB, runAt: now, dedupeKey: FANOUT_JOB }, now);
}

/** A delivery run at `at`; one pending job per instant (a run schedules at most one follow-up). */
export function scheduleDelivery(db: Executor, tenantId: string, at: Date, now: Date) {
  return enqueueJob(
    db,
    { tenantId, kind: DELIVER_JOB, runAt: at, dedupeKey: `${DELIVER_JOB}@${at.toISOString()}` },
    now,
  );
}

export interface FanOutResult {
  notifications: number;
  inboxItems: number;
  deliveries: number;
}

/**
 * Fan out a tenant's pending notifications, a chunk per transaction: inbox rows — for the person when
 * userId is given, otherwise for every enabled, non-service person whose own unit is unitId — and one
 * delivery per enabled channel that matches (channelMatches); then fanned_out_at. Inbox rows are keyed
 * (user, notification) and delivery ids derive from (notification, channel), so a redone chunk adds nothing.
 */
export async function fanOut(deps: Deps, tenantId: string): Promise<FanOutResult> {
  const total: FanOutResult = { notifications: 0, inboxItems: 0, deliveries: 0 };
  for (;;) {
    const r = await deps.database.db.transaction(async (tx) => {
      const pending = await repo.lockPendingNotifications(tx, tenantId, FANOUT_CHUNK);
      if (pending.length === 0) return null;
      const now = deps.clock.now();
      const channels = await repo.enabledChannels(tx, tenantId);
      const userIds = [...new Set(pending.flatMap((p) => (p.n.userId ? [p.n.userId] : [])))];
      const unitIds = [...new Set(pending.flatMap((p) => (!p.n.userId && p.n.unitId ? [p.n.unitId] : [])))];
      const activeUsers = new Set(await repo.activeUserIds(tx, tenantId, userIds));
      const members = await repo.activeMembersOf(tx, tenantId, unitIds);

      const inbox: { tenantId: string; userId: string; notificationId: string; createdAt: Date }[] = [];
      const deliveries: {
        tenantId: string;
        id: string;
        notificationId: string;
        channelId: string;
        nextAttemptAt: Date;
        createdAt: Date;
      }[] = [];
      for (const { n, unitPath } of pending) {
        const people = n.userId
          ? activeUsers.has(n.userId)
            ? [n.userId]
            : []
          : n.unitId
            ? members.filter((m) => m.unitId === n.unitId).map((m) => m.id)
            : [];
        for (const userId of people) inbox.push({ tenantId, userId, notificationId: n.id, createdAt: n.createdAt });
        for (const ch of channels) {
          if (!channelMatches(ch, { event: n.event, unitId: n.unitId, unitPath })) continue;
          deliveries.push({
            tenantId,
            id: deliveryId(n.id, ch.id),
            notificationId: n.id,
            channelId: ch.id,
            nextAttemptAt: now,
            createdAt: now,
          });
        }
      }
      const inboxN = await repo.insertInboxItems(tx, inbox);
      const deliveriesN = await repo.insertDeliveries(tx, deliveries);
      await repo.markFannedOut(
        tx,
        tenantId,
        pending.map((p) => p.n.id),
        now,
      );
      if (deliveries.length > 0) await scheduleDelivery(tx, tenantId, now, now);
      return { notifications: pending.length, inboxItems: inboxN, deliveries: deliveriesN };
    });
    if (!r) break;
    total.notifications += r.notifications;
    total.inboxItems += r.inboxItems;
    total.deliveries += r.deliveries;
    if (r.notifications < FANOUT_CHUNK) break;
  }
  if (total.notifications) deps.log.debug({ tenantId, ...total }, 'notifications fanned out');
  return total;
}

/**
 * The pure decisions of fan-out and delivery: which channels a notification goes to, the id of a
 * delivery (deterministic, so a re-run cannot double it), how waiting notifications become messages
 * under a rate budget, and when a failed delivery is tried again.
 */
import { createHash } from 'node:crypto';
import { backoffMs } from '../../jobs/worker.ts';

/** A delivery gives up after this many attempts (≈ 15 h with backoff: 30 s, 2 min, 8 min … 6 h). */
export const MAX_ATTEMPTS = 8;

/** Namespace for delivery ids (a fixed random UUID). */
const DELIVERY_NS = Buffer.from('6f1d3c0a5b2e4e7d9a41c2b7e8f09d13', 'hex');

/**
 * UUID version 5 (SHA-1, RFC 9562 §5.5) of notification id + channel id: the same pair always gives the
 * same delivery id, so inserting it twice (a fan-out redone after a crash) is a no-op.
 */
export function deliveryId(notificationId: string, channelId: string): string {
  const h = createHash('sha1')
    .update(DELIVERY_NS)
    .update(`${notificationId}:${channelId}`, 'utf8')
    .digest()
    .subarray(0, 16);
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export interface ChannelScope {
  /** null: a tenant-wide channel. */
  unitId: string | null;
  unitPath: string | null;
  includeSubunits: boolean;
  /** Empty: every event. */
  events: readonly string[];
}

export interface NotificationScope {
  event: string;
  unitId: string | null;
  unitPath: string | null;
}

/**
 * Does a channel take this notification? Its events filter must allow the event, and either the channel
 * is tenant-wide, or its unit is the notification's unit, or — with include_subunits — an ancestor of it
 * (the notification unit's materialised path starts with the channel unit's path).
 */
export function channelMatches(ch: ChannelScope, n: NotificationScope): boolean {
  if (ch.events.length > 0 && !ch.events.includes(n.event)) return false;
  if (ch.unitId === null) return true;
  if (n.unitId === null) return false;
  if (n.unitId === ch.unitId) return true;
  if (!ch.includeSubunits || ch.unitPath === null) return false;
  return n.unitPath?.startsWith(ch.unitPath) ?? false;
}

/**
 * Turn waiting items (oldest first) into messages under a budget of `budget` messages. While everything
 * fits, each item is its own message. When more wait than the budget allows, items are combined —
 * greedily, in order, as many per message as `fits` accepts — into at most `budget` messages; what does
 * not fit even then waits for the next window (it is never dropped).
 */
export function planMessages<T>(items: readonly T[], budget: number, fits: (group: readonly T[]) => boolean): T[][] {
  if (budget <= 0 || items.length === 0) return [];
  if (items.length <= budget) return items.map((it) => [it]);
  const groups: T[][] = [];
  let current: T[] = [];
  for (const it of items) {
    if (current.length === 0 || fits([...current, it])) {
      current.push(it);
      continue;
    }
    groups.push(current);
    if (groups.length === budget) return groups;
    current = [it];
  }
  if (current.length) groups.push(current);
  return groups;
}

/** Delay before the next attempt after `attempts` failures: the job queue's backoff ±20 % jitter. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  return Math.round(backoffMs(attempts) * (0.8 + 0.4 * random()));
}

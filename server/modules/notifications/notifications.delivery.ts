/**
 * The delivery run: for each enabled channel with due deliveries (concurrently, so one slow or broken
 * channel holds up no other), claim what its rate budget allows — combining notifications into digests
 * when more wait than the budget — send over HTTP with a timeout, and record sent / batched / retry /
 * failed. No transaction stays open across HTTP: claims are leases (next_attempt_at moved ahead).
 */
import type { TChannelKind } from '../../../common/notifications.ts';
import type { Deps } from '../../deps.ts';
import { MINUTE } from '../../lib/clock.ts';
import {
  buildRequests,
  type ChannelConfig,
  fitsOneMessage,
  type HttpRequestSpec,
  interpretResponse,
  type MessageItem,
  redact,
} from './notifications.adapters.ts';
import { scheduleDelivery } from './notifications.outbox.ts';
import { MAX_ATTEMPTS, planMessages, retryDelayMs } from './notifications.plan.ts';
import * as repo from './notifications.repo.ts';

export interface DeliveryOptions {
  /** Per HTTP request (AbortSignal.timeout). */
  timeoutMs: number;
  /** Jitter source (tests may fix it). */
  random?: () => number;
}

/** Deliveries one channel claims per run at most (the rest: the next run, at once). */
const CLAIM_LIMIT = 1000;
/** A lease lasts the sends it covers plus this margin. */
const LEASE_MARGIN_MS = MINUTE;
/** After a channel's run threw (not an HTTP failure: a bug or the database), wait at least this long. */
const ERROR_PAUSE_MS = 30_000;

export interface DeliveryRunResult {
  channels: number;
  messages: number;
  sent: number;
  failed: number;
}

type Claimed = Awaited<ReturnType<typeof repo.lockDueDeliveries>>[number];

const toItem = (c: Claimed): MessageItem => ({
  id: c.n.id,
  event: c.n.event,
  title: c.n.title,
  body: c.n.body,
  link: c.n.link,
  caseId: c.n.caseId,
  unitId: c.n.unitId,
  createdAt: c.n.createdAt,
});

/** Deliver what is due for a tenant, then schedule the next run for when the next delivery falls due. */
export async function deliverDue(deps: Deps, tenantId: string, opts: DeliveryOptions): Promise<DeliveryRunResult> {
  const { database, clock, log } = deps;
  const started = clock.now();
  const channelIds = await repo.channelIdsWithDue(database.db, tenantId, started);
  const result: DeliveryRunResult = { channels: channelIds.length, messages: 0, sent: 0, failed: 0 };
  let threw = false;
  await Promise.all(
    channelIds.map(async (channelId) => {
      try {
        const r = await deliverChannel(deps, tenantId, channelId, opts);
        result.messages += r.messages;
        result.sent += r.sent;
        result.failed += r.failed;
      } catch (err) {
        // Never out of the job for one channel; the channel's config is not logged.
        threw = true;
        log.error({ tenantId, channelId, err: err instanceof Error ? err.message : String(err) }, 'channel run failed');
      }
    }),
  );
  const next = await repo.nextDueAt(database.db, tenantId);
  if (next) {
    const now = clock.now();
    const floor = threw ? now.getTime() + ERROR_PAUSE_MS : now.getTime();
    await scheduleDelivery(database.db, tenantId, new Date(Math.max(next.getTime(), floor)), now);
  }
  return result;
}

export interface Plan {
  channelId: string;
  kind: TChannelKind;
  config: ChannelConfig;
  /** Messages to send, in order; each group's first delivery carries the message. */
  groups: Claimed[][];
}

/** Claim, then send. */
async function deliverChannel(deps: Deps, tenantId: string, channelId: string, opts: DeliveryOptions) {
  const plan = await claimChannel(deps, tenantId, channelId, opts);
  return plan ? sendPlan(deps, tenantId, plan, opts) : { messages: 0, sent: 0, failed: 0 };
}

/**
 * One short transaction: lock the channel (claims for it serialise across workers), take its due
 * deliveries, spend at most its remaining budget for the sliding minute — combining notifications into
 * digests when more wait than the budget — lease what will be sent, and defer the rest to when the window
 * has room. Exported so tests can stop a "worker" right after its claim, as a crash would.
 */
export async function claimChannel(
  deps: Deps,
  tenantId: string,
  channelId: string,
  opts: DeliveryOptions,
): Promise<Plan | null> {
  const { database, clock } = deps;
  return database.db.transaction(async (tx): Promise<Plan | null> => {
    const now = clock.now();
    const ch = await repo.lockChannel(tx, tenantId, channelId);
    if (!ch?.enabled) return null;
    const due = await repo.lockDueDeliveries(tx, tenantId, channelId, now, CLAIM_LIMIT);
    if (due.length === 0) return null;
    const kind = ch.kind as TChannelKind;
    const config = ch.config as unknown as ChannelConfig;
    const { used, oldest } = await repo.windowUsage(tx, tenantId, channelId, new Date(now.getTime() - MINUTE));
    const groups = planMessages(due, ch.ratePerMinute - used, (g) => fitsOneMessage(kind, g.map(toItem)));
    const planned = new Set(groups.flat().map((c) => c.d.id));
    const waiting = due.filter((c) => !planned.has(c.d.id)).map((c) => c.d.id);
    if (waiting.length) {
      // Once these messages go the window is full; it has room again when its oldest message leaves it.
      const from = used > 0 && oldest ? oldest.getTime() : now.getTime();
      await repo.deferDeliveries(tx, tenantId, waiting, new Date(from + MINUTE + 1));
    }
    const perMessage = kind === 'sms' ? Math.max(1, config.phones?.length ?? 1) : 1;
    const lease = new Date(now.getTime() + groups.length * perMessage * opts.timeoutMs + LEASE_MARGIN_MS);
    for (const g of groups) {
      const carrier = g[0];
      if (!carrier) continue;
      await repo.claimDeliveries(
        tx,
        tenantId,
        g.map((c) => c.d.id),
        g.length > 1 ? carrier.d.id : null,
        lease,
      );
      await repo.markInFlight(tx, tenantId, carrier.d.id, now);
    }
    return { channelId, kind, config, groups };
  });
}

/** Send each planned message in order and record it; stop at the channel's first failure. */
export async function sendPlan(deps: Deps, tenantId: string, plan: Plan, opts: DeliveryOptions) {
  const { database, clock, log } = deps;
  const out = { messages: 0, sent: 0, failed: 0 };
  for (let i = 0; i < plan.groups.length; i++) {
    const g = plan.groups[i] ?? [];
    const carrier = g[0];
    if (!carrier) continue;
    out.messages++;
    const requests = buildRequests({ kind: plan.kind, config: plan.config }, g.map(toItem), clock.now(), {
      deliveryId: carrier.d.id,
      timeZone: deps.config.TZ,
    });
    const error = requests.length === 0 ? '没有可发送的接收方(未配置手机号)' : await sendAll(plan.kind, requests, opts);
    const at = clock.now();
    if (error === null) {
      await repo.markSent(
        database.db,
        tenantId,
        carrier.d.id,
        g.slice(1).map((c) => c.d.id),
        at,
      );
      out.sent++;
      continue;
    }
    const safe = redact(error, plan.config).slice(0, 1000);
    const rows = g.map((c) => {
      const attempts = c.d.attempts + 1;
      const retryAt = attempts >= MAX_ATTEMPTS ? null : new Date(at.getTime() + retryDelayMs(attempts, opts.random));
      return { id: c.d.id, nextAttemptAt: retryAt };
    });
    await repo.markAttemptFailed(database.db, tenantId, rows, safe);
    out.failed++;
    log.warn(
      {
        tenantId,
        channelId: plan.channelId,
        kind: plan.kind,
        deliveryId: carrier.d.id,
        attempts: carrier.d.attempts + 1,
        err: safe,
      },
      'notification delivery failed',
    );
    // The channel is failing: hand the rest back for the same retry time rather than try each now.
    const rest = plan.groups
      .slice(i + 1)
      .flat()
      .map((c) => c.d.id);
    const retryTimes = rows.flatMap((r) => (r.nextAttemptAt ? [r.nextAttemptAt.getTime()] : []));
    const retryAt = new Date(retryTimes.length ? Math.min(...retryTimes) : at.getTime() + retryDelayMs(1, opts.random));
    await repo.releaseClaims(database.db, tenantId, rest, retryAt);
    break;
  }
  return out;
}

/** Send a message's requests in order (SMS: one per phone); the first failure is the message's failure. */
async function sendAll(kind: TChannelKind, requests: HttpRequestSpec[], opts: DeliveryOptions): Promise<string | null> {
  for (const r of requests) {
    const error = await send(kind, r, opts.timeoutMs);
    if (error !== null) return error;
  }
  return null;
}

/** One HTTP request with node's fetch and a timeout; never throws. */
async function send(kind: TChannelKind, r: HttpRequestSpec, timeoutMs: number): Promise<string | null> {
  try {
    const res = await fetch(r.url, {
      method: r.method,
      headers: r.headers,
      body: r.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return interpretResponse(kind, res.status, text.slice(0, 10_000));
  } catch (err) {
    return describeFetchError(err, timeoutMs);
  }
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `请求超时(${timeoutMs} ms 内无响应)`;
  }
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message;
    return detail ? `${err.message}: ${detail}` : err.message;
  }
  return String(err);
}

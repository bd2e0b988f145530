/** The inbox (each person's own) and the administration of outbound channels, for the routes. */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  channelProblems,
  type TChannel,
  type TChannelKind,
  type TDelivery,
  type TDeliveryStatus,
  TEST_EVENT,
  type TInboxPage,
  type TMarkRead,
  type TNotificationEvent,
  type TUpdateChannel,
  type ZCreateChannel,
} from '../../../common/notifications.ts';
import type { Deps } from '../../deps.ts';
import { DAY } from '../../lib/clock.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import { type ChannelConfig, maskSecret, maskUrl } from './notifications.adapters.ts';
import { scheduleDelivery } from './notifications.outbox.ts';
import { deliveryId } from './notifications.plan.ts';
import { canSeeChannel } from './notifications.policy.ts';
import * as repo from './notifications.repo.ts';

type CreateChannel = z.output<typeof ZCreateChannel>;

// ---- inbox ----

/** The caller's own inbox, unread first, with their unread count. */
export async function listInbox(
  actor: Actor,
  deps: Deps,
  q: { page: number; pageSize: number; unread: boolean },
): Promise<TInboxPage> {
  const db = deps.database.db;
  const [{ rows, total }, unreadCount] = await Promise.all([
    repo.listInbox(db, actor.tenantId, actor.userId, q.unread, (q.page - 1) * q.pageSize, q.pageSize),
    repo.countUnread(db, actor.tenantId, actor.userId),
  ]);
  return {
    items: rows.map(({ item, n }) => ({
      id: n.id,
      event: n.event,
      title: n.title,
      body: n.body,
      link: n.link,
      caseId: n.caseId,
      unitId: n.unitId,
      createdAt: n.createdAt.toISOString(),
      readAt: item.readAt?.toISOString() ?? null,
    })),
    total,
    page: q.page,
    pageSize: q.pageSize,
    unreadCount,
  };
}

/** How many of the caller's inbox items are unread (the header badge). */
export async function unreadCount(actor: Actor, deps: Deps): Promise<{ count: number }> {
  return { count: await repo.countUnread(deps.database.db, actor.tenantId, actor.userId) };
}

/** Mark some or all of the caller's own items read; ids of other people's items change nothing. */
export async function markInboxRead(actor: Actor, deps: Deps, input: TMarkRead): Promise<{ updated: number }> {
  const ids = input.all ? null : [...new Set(input.ids ?? [])];
  const updated = await deps.database.db.transaction(async (tx) => {
    const n = await repo.markRead(tx, actor.tenantId, actor.userId, ids, deps.clock.now());
    if (n > 0) {
      await recordAudit(tx, deps.clock, actor, {
        action: 'inbox.read',
        objectType: 'user',
        objectId: actor.userId,
        details: { count: n, all: input.all === true },
      });
    }
    return n;
  });
  return { updated };
}

// ---- channels ----

const configOf = (c: repo.ChannelRow) => c.config as unknown as ChannelConfig;

function toChannel(c: repo.ChannelWithUnit, stats: repo.ChannelStatsRow | undefined): TChannel {
  const cfg = configOf(c);
  return {
    id: c.id,
    kind: c.kind as TChannelKind,
    name: c.name,
    unitId: c.unitId,
    unitName: c.unitName,
    includeSubunits: c.includeSubunits,
    events: c.events as TNotificationEvent[],
    urlMasked: maskUrl(cfg.url),
    secretMasked: maskSecret(cfg.secret),
    format: cfg.format ?? 'markdown',
    phones: cfg.phones ?? [],
    method: cfg.method ?? 'POST',
    bodyTemplate: cfg.bodyTemplate ?? null,
    ratePerMinute: c.ratePerMinute,
    enabled: c.enabled,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    stats: {
      queued: stats?.queued ?? 0,
      failed: stats?.failed ?? 0,
      sentLastDay: stats?.sentLastDay ?? 0,
      lastSentAt: stats?.lastSentAt?.toISOString() ?? null,
    },
  };
}

/** Only what the kind uses is stored. */
function buildConfig(
  kind: TChannelKind,
  v: {
    url: string;
    secret?: string | null;
    format?: 'markdown' | 'text';
    phones?: string[];
    method?: 'POST' | 'PUT';
    bodyTemplate?: string;
  },
): ChannelConfig {
  const secret = v.secret ? v.secret : null;
  switch (kind) {
    case 'wecom':
      return { url: v.url, format: v.format ?? 'markdown' };
    case 'dingtalk':
    case 'webhook':
      return { url: v.url, secret };
    case 'sms':
      return {
        url: v.url,
        secret,
        phones: v.phones ?? [],
        method: v.method ?? 'POST',
        bodyTemplate: v.bodyTemplate ?? '',
      };
  }
}

function failIfProblems(kind: TChannelKind, cfg: ChannelConfig): void {
  const problems = channelProblems({ kind, ...cfg });
  const first = problems[0];
  if (first) {
    throw new AppError(
      'VALIDATION_FAILED',
      first.message,
      problems.map((p) => ({ field: `body.${p.field}`, message: p.message })),
    );
  }
}

async function unitInScopeOrFail(actor: Actor, deps: Deps, unitId: string | null): Promise<void> {
  if (unitId === null) {
    if (actor.scope.kind !== 'tenant') {
      throw new AppError('VALIDATION_FAILED', '请选择单位', [{ field: 'body.unitId', message: '请选择单位' }]);
    }
    return;
  }
  const u = await repo.unitById(deps.database.db, actor.tenantId, unitId);
  if (!u || !canSeeChannel(actor, u.id, u.path)) {
    throw new AppError('VALIDATION_FAILED', '所选单位不存在或不在管辖范围内', [
      { field: 'body.unitId', message: '单位不存在' },
    ]);
  }
}

async function visibleChannel(actor: Actor, deps: Deps, id: string): Promise<repo.ChannelWithUnit> {
  const c = await repo.getChannel(deps.database.db, actor.tenantId, id);
  if (!c || !canSeeChannel(actor, c.unitId, c.unitPath)) throw notFound('通知渠道');
  return c;
}

/** Channels in the caller's scope with their delivery counts; secrets masked. */
export async function listChannels(actor: Actor, deps: Deps): Promise<TChannel[]> {
  const db = deps.database.db;
  const all = (await repo.listChannels(db, actor.tenantId)).filter((c) => canSeeChannel(actor, c.unitId, c.unitPath));
  const since = new Date(deps.clock.now().getTime() - DAY);
  const stats = await repo.channelStats(
    db,
    actor.tenantId,
    all.map((c) => c.id),
    since,
  );
  return all.map((c) => toChannel(c, stats.get(c.id)));
}

async function channelOut(actor: Actor, deps: Deps, id: string): Promise<TChannel> {
  const c = await visibleChannel(actor, deps, id);
  const stats = await repo.channelStats(
    deps.database.db,
    actor.tenantId,
    [id],
    new Date(deps.clock.now().getTime() - DAY),
  );
  return toChannel(c, stats.get(id));
}

/** What an audit event may say about a channel: never the secret, the address only masked. */
function auditView(c: {
  kind: string;
  name: string;
  unitId: string | null;
  includeSubunits: boolean;
  events: readonly string[];
  ratePerMinute: number;
  enabled: boolean;
  config: ChannelConfig;
}) {
  return {
    kind: c.kind,
    name: c.name,
    unitId: c.unitId,
    includeSubunits: c.includeSubunits,
    events: c.events,
    ratePerMinute: c.ratePerMinute,
    enabled: c.enabled,
    url: maskUrl(c.config.url),
    hasSecret: Boolean(c.config.secret),
    phones: c.config.phones?.length ?? 0,
  };
}

/** Add a channel (a unit's robot, a webhook, an SMS gateway). */
export async function createChannel(actor: Actor, deps: Deps, input: CreateChannel): Promise<TChannel> {
  const config = buildConfig(input.kind, input);
  failIfProblems(input.kind, config);
  await unitInScopeOrFail(actor, deps, input.unitId);
  const id = randomUUID();
  const now = deps.clock.now();
  const row = {
    tenantId: actor.tenantId,
    id,
    kind: input.kind,
    name: input.name,
    unitId: input.unitId,
    includeSubunits: input.unitId ? input.includeSubunits : false,
    events: [...new Set(input.events)],
    config: config as unknown as Record<string, unknown>,
    ratePerMinute: input.ratePerMinute,
    enabled: input.enabled,
    createdAt: now,
    updatedAt: now,
  };
  await deps.database.db.transaction(async (tx) => {
    await repo.insertChannel(tx, row);
    await recordAudit(tx, deps.clock, actor, {
      action: 'notifications.channel.create',
      objectType: 'notification_channel',
      objectId: id,
      details: auditView({ ...row, config }),
    });
  });
  return channelOut(actor, deps, id);
}

/** Change a channel. Omitted url/secret keep their values; re-enabling resumes its waiting deliveries. */
export async function updateChannel(actor: Actor, deps: Deps, id: string, patch: TUpdateChannel): Promise<TChannel> {
  const cur = await visibleChannel(actor, deps, id);
  const kind = cur.kind as TChannelKind;
  const curCfg = configOf(cur);
  const config = buildConfig(kind, {
    url: patch.url ?? curCfg.url,
    secret: patch.secret === undefined ? curCfg.secret : patch.secret,
    format: patch.format ?? curCfg.format,
    phones: patch.phones ?? curCfg.phones,
    method: patch.method ?? curCfg.method,
    bodyTemplate: patch.bodyTemplate ?? curCfg.bodyTemplate,
  });
  failIfProblems(kind, config);
  if (patch.unitId !== undefined && patch.unitId !== cur.unitId) await unitInScopeOrFail(actor, deps, patch.unitId);
  const unitId = patch.unitId === undefined ? cur.unitId : patch.unitId;
  const now = deps.clock.now();
  const next = {
    name: patch.name ?? cur.name,
    unitId,
    includeSubunits: unitId ? (patch.includeSubunits ?? cur.includeSubunits) : false,
    events: patch.events ? [...new Set(patch.events)] : cur.events,
    config: config as unknown as Record<string, unknown>,
    ratePerMinute: patch.ratePerMinute ?? cur.ratePerMinute,
    enabled: patch.enabled ?? cur.enabled,
    updatedAt: now,
  };
  const before = auditView({ ...cur, config: curCfg });
  const after = auditView({ ...next, kind, config });
  const changed = Object.keys(after).filter(
    (k) => JSON.stringify(after[k as keyof typeof after]) !== JSON.stringify(before[k as keyof typeof before]),
  );
  if (patch.secret !== undefined && patch.secret !== curCfg.secret) changed.push('secret');
  if (patch.url !== undefined && patch.url !== curCfg.url && !changed.includes('url')) changed.push('url');
  await deps.database.db.transaction(async (tx) => {
    await repo.updateChannel(tx, actor.tenantId, id, next);
    // Deliveries of a disabled channel wait; switching it back on sends them.
    if (next.enabled && !cur.enabled) await scheduleDelivery(tx, actor.tenantId, now, now);
    await recordAudit(tx, deps.clock, actor, {
      action: 'notifications.channel.update',
      objectType: 'notification_channel',
      objectId: id,
      details: { changed, to: after },
    });
  });
  return channelOut(actor, deps, id);
}

/** Delete a channel and its delivery records. */
export async function deleteChannel(actor: Actor, deps: Deps, id: string): Promise<void> {
  const cur = await visibleChannel(actor, deps, id);
  await deps.database.db.transaction(async (tx) => {
    const deliveries = await repo.deleteChannel(tx, actor.tenantId, id);
    await recordAudit(tx, deps.clock, actor, {
      action: 'notifications.channel.delete',
      objectType: 'notification_channel',
      objectId: id,
      details: { ...auditView({ ...cur, config: configOf(cur) }), deliveriesDeleted: deliveries },
    });
  });
}

/** Queue a test message to one channel (it goes out with the next delivery run). */
export async function testChannel(
  actor: Actor,
  deps: Deps,
  id: string,
): Promise<{ notificationId: string; deliveryId: string }> {
  const ch = await visibleChannel(actor, deps, id);
  if (!ch.enabled) {
    throw new AppError('UNPROCESSABLE', '渠道已停用,请先启用再测试', [{ field: 'params.id', message: '渠道已停用' }]);
  }
  const now = deps.clock.now();
  const notificationId = randomUUID();
  const did = deliveryId(notificationId, ch.id);
  await deps.database.db.transaction(async (tx) => {
    await repo.insertNotification(tx, {
      tenantId: actor.tenantId,
      id: notificationId,
      event: TEST_EVENT,
      unitId: ch.unitId,
      title: `测试消息:${ch.name}`,
      body: `这是由 ${actor.displayName} 发起的渠道测试消息。收到即说明“${ch.name}”配置正确。`,
      createdAt: now,
      // Goes to this channel only: no fan-out.
      fannedOutAt: now,
    });
    await repo.insertDeliveries(tx, [
      { tenantId: actor.tenantId, id: did, notificationId, channelId: ch.id, nextAttemptAt: now, createdAt: now },
    ]);
    await scheduleDelivery(tx, actor.tenantId, now, now);
    await recordAudit(tx, deps.clock, actor, {
      action: 'notifications.channel.test',
      objectType: 'notification_channel',
      objectId: ch.id,
      details: { notificationId, deliveryId: did },
    });
  });
  return { notificationId, deliveryId: did };
}

/** A channel's recent deliveries: state, attempts, last error, batch. */
export async function listDeliveries(
  actor: Actor,
  deps: Deps,
  id: string,
  q: { page: number; pageSize: number; status?: TDeliveryStatus },
): Promise<{ items: TDelivery[]; total: number; page: number; pageSize: number }> {
  await visibleChannel(actor, deps, id);
  const { rows, total } = await repo.listDeliveries(
    deps.database.db,
    actor.tenantId,
    id,
    q.status,
    (q.page - 1) * q.pageSize,
    q.pageSize,
  );
  return {
    items: rows.map(({ d, event, title, batchSize }) => ({
      id: d.id,
      notificationId: d.notificationId,
      event,
      title,
      status: d.status as TDeliveryStatus,
      attempts: d.attempts,
      nextAttemptAt: d.nextAttemptAt.toISOString(),
      lastError: d.lastError,
      batchId: d.batchId,
      batchSize: batchSize === null || batchSize === undefined ? null : Number(batchSize),
      sentAt: d.sentAt?.toISOString() ?? null,
      createdAt: d.createdAt.toISOString(),
    })),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}

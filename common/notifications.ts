/**
 * Notifications: the events other modules report, the in-app inbox, and the outbound channels (WeCom and
 * DingTalk group robots, a generic signed webhook, an SMS gateway) with their delivery records.
 */
import { z } from 'zod';
import { ZPage, ZPageQuery } from './org.ts';

/** What happened to a case (or around it). A closed set: a new kind of event is a code change here. */
export const NOTIFICATION_EVENTS = [
  'dispatched',
  'due_soon',
  'overdue',
  'returned',
  'dispute',
  'dispute_decided',
  'supervision_order',
  'extension',
  'parked',
  'parked_review',
  'request_overdue',
  'verified',
  'closed',
] as const;
export const ZNotificationEvent = z.enum(NOTIFICATION_EVENTS);
export type TNotificationEvent = z.infer<typeof ZNotificationEvent>;

export const NOTIFICATION_EVENT_LABELS: Record<TNotificationEvent, string> = {
  dispatched: '派遣',
  due_soon: '即将到期',
  overdue: '已超期',
  returned: '返工',
  dispute: '推诿争议',
  dispute_decided: '争议裁定',
  supervision_order: '督办',
  extension: '延期',
  parked: '挂账',
  parked_review: '挂账复查到期',
  request_overdue: '请求逾期未决',
  verified: '核查通过',
  closed: '结案',
};

/** A channel's test message carries this event; it is never sent by other modules. */
export const TEST_EVENT = 'test';
export function eventLabel(event: string): string {
  if (event === TEST_EVENT) return '测试';
  return (NOTIFICATION_EVENT_LABELS as Record<string, string>)[event] ?? event;
}

export const CHANNEL_KINDS = ['wecom', 'dingtalk', 'webhook', 'sms'] as const;
export const ZChannelKind = z.enum(CHANNEL_KINDS);
export type TChannelKind = z.infer<typeof ZChannelKind>;
export const CHANNEL_KIND_LABELS: Record<TChannelKind, string> = {
  wecom: '企业微信群机器人',
  dingtalk: '钉钉群机器人',
  webhook: '通用 Webhook',
  sms: '短信网关',
};

export const DELIVERY_STATUSES = ['queued', 'sent', 'batched', 'failed'] as const;
export const ZDeliveryStatus = z.enum(DELIVERY_STATUSES);
export type TDeliveryStatus = z.infer<typeof ZDeliveryStatus>;
export const DELIVERY_STATUS_LABELS: Record<TDeliveryStatus, string> = {
  queued: '待发送',
  sent: '已发送',
  batched: '已合并发送',
  failed: '发送失败',
};

/** Group robots accept 20 messages a minute (WeCom and DingTalk both document this limit). */
export const DEFAULT_RATE_PER_MINUTE = 20;

// ---- inbox ----

export const ZInboxItem = z.object({
  /** The notification's id (one inbox row per person and notification). */
  id: z.string().uuid(),
  event: z.string(),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  caseId: z.string().uuid().nullable(),
  unitId: z.string().uuid().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type TInboxItem = z.infer<typeof ZInboxItem>;

export const ZInboxPage = ZPage(ZInboxItem).extend({ unreadCount: z.number() });
export type TInboxPage = z.infer<typeof ZInboxPage>;

export const ZInboxQuery = ZPageQuery.extend({
  unread: z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
});

export const ZMarkRead = z
  .object({
    ids: z.array(z.string().uuid()).min(1).max(500).optional(),
    all: z.literal(true).optional(),
  })
  .refine((v) => v.ids !== undefined || v.all === true, { message: '请指定要标为已读的消息(ids)或全部(all)' });
export type TMarkRead = z.infer<typeof ZMarkRead>;

export const ZUnreadCount = z.object({ count: z.number() });

// ---- channels ----

const ZHttpUrl = z
  .string()
  .trim()
  .max(2000)
  .regex(/^https?:\/\/[^\s]+$/i, '请输入 http:// 或 https:// 开头的地址');
const ZPhone = z
  .string()
  .trim()
  .regex(/^\+?\d{5,20}$/, '手机号为 5–20 位数字');
const ZChannelName = z.string().trim().min(1, '请输入渠道名称').max(64, '渠道名称最多 64 字');
const ZRate = z.number().int().min(1, '每分钟至少 1 条').max(600, '每分钟最多 600 条');

/** Fields every kind shares, and the kind-specific ones (checked by channelProblems). */
const channelFields = {
  name: ZChannelName,
  /** null: the whole tenant (every notification, filtered by events). */
  unitId: z.string().uuid().nullable(),
  includeSubunits: z.boolean(),
  /** Empty: every event. */
  events: z.array(ZNotificationEvent).max(NOTIFICATION_EVENTS.length),
  url: ZHttpUrl,
  /** Robot signing key (DingTalk 加签), webhook HMAC key, or the SMS gateway's key ({secret}). */
  secret: z.string().trim().max(512).nullable(),
  ratePerMinute: ZRate,
  enabled: z.boolean(),
  /** WeCom: markdown (default) or text. */
  format: z.enum(['markdown', 'text']),
  /** SMS: who receives the text. */
  phones: z.array(ZPhone).max(100),
  /** SMS: HTTP method of the gateway. */
  method: z.enum(['POST', 'PUT']),
  /** SMS: the JSON request body with {phone}, {text} (and optionally {secret}) placeholders. */
  bodyTemplate: z.string().max(4000),
};

export const ZCreateChannel = z.object({
  kind: ZChannelKind,
  ...channelFields,
  unitId: channelFields.unitId.default(null),
  includeSubunits: channelFields.includeSubunits.default(false),
  events: channelFields.events.default([]),
  secret: channelFields.secret.optional(),
  ratePerMinute: ZRate.default(DEFAULT_RATE_PER_MINUTE),
  enabled: channelFields.enabled.default(true),
  format: channelFields.format.optional(),
  phones: channelFields.phones.optional(),
  method: channelFields.method.optional(),
  bodyTemplate: channelFields.bodyTemplate.optional(),
});
export type TCreateChannel = z.input<typeof ZCreateChannel>;

/** A change; the kind is fixed. `url`/`secret` omitted keep the stored value (the API never returns them). */
export const ZUpdateChannel = z
  .object({
    name: channelFields.name,
    unitId: channelFields.unitId,
    includeSubunits: channelFields.includeSubunits,
    events: channelFields.events,
    url: channelFields.url,
    /** null clears the secret. */
    secret: channelFields.secret,
    ratePerMinute: ZRate,
    enabled: channelFields.enabled,
    format: channelFields.format,
    phones: channelFields.phones,
    method: channelFields.method,
    bodyTemplate: channelFields.bodyTemplate,
  })
  .partial();
export type TUpdateChannel = z.infer<typeof ZUpdateChannel>;

/** What a channel needs beyond the shared fields, as field problems ([] = fine). */
export function channelProblems(c: {
  kind: TChannelKind;
  secret?: string | null;
  phones?: readonly string[];
  bodyTemplate?: string;
}): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  if (c.kind === 'webhook' && !c.secret) {
    out.push({ field: 'secret', message: '通用 Webhook 须设置签名密钥(用于 X-GridCommand-Signature)' });
  }
  if (c.kind === 'sms') {
    if (!c.phones?.length) out.push({ field: 'phones', message: '请至少填写一个接收手机号' });
    const t = c.bodyTemplate ?? '';
    if (!t.includes('{phone}') || !t.includes('{text}')) {
      out.push({ field: 'bodyTemplate', message: '请求体模板须包含 {phone} 和 {text} 占位符' });
    } else {
      try {
        JSON.parse(t.replaceAll('{phone}', '13800000000').replaceAll('{text}', '测试').replaceAll('{secret}', 'x'));
      } catch {
        out.push({ field: 'bodyTemplate', message: '请求体模板替换占位符后不是合法的 JSON' });
      }
    }
  }
  return out;
}

export const ZChannelStats = z.object({
  queued: z.number(),
  failed: z.number(),
  sentLastDay: z.number(),
  lastSentAt: z.string().nullable(),
});

export const ZChannel = z.object({
  id: z.string().uuid(),
  kind: ZChannelKind,
  name: z.string(),
  unitId: z.string().uuid().nullable(),
  unitName: z.string().nullable(),
  includeSubunits: z.boolean(),
  events: z.array(ZNotificationEvent),
  /** The address with its credentials (robot key, access token, long path segments) masked. */
  urlMasked: z.string(),
  /** The secret's last characters only, or null when none is set. */
  secretMasked: z.string().nullable(),
  format: z.enum(['markdown', 'text']),
  phones: z.array(z.string()),
  method: z.enum(['POST', 'PUT']),
  bodyTemplate: z.string().nullable(),
  ratePerMinute: z.number(),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  stats: ZChannelStats,
});
export type TChannel = z.infer<typeof ZChannel>;

export const ZDelivery = z.object({
  id: z.string().uuid(),
  notificationId: z.string().uuid(),
  event: z.string(),
  title: z.string(),
  status: ZDeliveryStatus,
  attempts: z.number(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  /** For a batched row: the delivery whose message carried it; for a batch's carrier: its own id. */
  batchId: z.string().uuid().nullable(),
  /** For a carrier of a batch: how many notifications its message carried. */
  batchSize: z.number().nullable(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
});
export type TDelivery = z.infer<typeof ZDelivery>;

export const ZDeliveriesQuery = ZPageQuery.extend({ status: ZDeliveryStatus.optional() });
export const ZDeliveryPage = ZPage(ZDelivery);

export const ZTestResult = z.object({ notificationId: z.string().uuid(), deliveryId: z.string().uuid() });

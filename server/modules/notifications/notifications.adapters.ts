/**
 * Channel adapters: pure functions that turn one or more notifications into the HTTP request(s) a channel
 * expects, and a response into success or an error text. No I/O here; the delivery job sends.
 *
 * Formats, as documented by the vendors (found with the search tool):
 * - WeCom group robot (企业微信 群机器人配置说明, https://work.weixin.qq.com/api/doc/90000/90136/91770):
 *   POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY with
 *   {"msgtype":"text","text":{"content":…}} (content ≤ 2048 bytes, UTF-8) or
 *   {"msgtype":"markdown","markdown":{"content":…}}; the answer is JSON with errcode 0 on success;
 *   "每个机器人发送的消息不能超过20条/分钟" (errcode 130101 / 45009 "send too fast" beyond it).
 *   markdown content is limited to 4096 bytes (cited by several client libraries); we stay under 4000.
 * - DingTalk custom robot (自定义机器人接入, https://open.dingtalk.com/document/group/custom-robot-access, as
 *   quoted on zhuoqun.info/article/182 and blog.csdn.net/weixin_31560545/article/details/116255918):
 *   POST https://oapi.dingtalk.com/robot/send?access_token=… ; with 加签, append &timestamp=<ms>&sign=<s>
 *   where s = urlEncode(base64(HmacSHA256(key = secret, message = timestamp + "\n" + secret)));
 *   body {"msgtype":"markdown","markdown":{"title":…,"text":…}}; errcode 0 on success;
 *   "每个机器人每分钟最多发送20条 … 大量发消息的场景 … 通过markdown消息以摘要的形式发送" — which is what
 *   batching does.
 */
import { createHmac } from 'node:crypto';
import { eventLabel, type TChannelKind } from '../../../common/notifications.ts';

/** One notification as a channel renders it. */
export interface MessageItem {
  id: string;
  event: string;
  title: string;
  body: string;
  link: string | null;
  caseId: string | null;
  unitId: string | null;
  createdAt: Date;
}

/** A channel's stored configuration (notification_channels.config). */
export interface ChannelConfig {
  url: string;
  secret?: string | null;
  format?: 'markdown' | 'text';
  phones?: string[];
  method?: 'POST' | 'PUT';
  bodyTemplate?: string;
}

export interface ChannelTarget {
  kind: TChannelKind;
  config: ChannelConfig;
}

export interface HttpRequestSpec {
  method: 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Robot markdown/text content budget in UTF-8 bytes (WeCom markdown ≤ 4096, text ≤ 2048). */
export const ROBOT_MAX_BYTES = 4000;
export const WECOM_TEXT_MAX_BYTES = 2000;
export const WEBHOOK_MAX_ITEMS = 100;
export const SMS_MAX_ITEMS = 50;
const SMS_MAX_CHARS = 300;
/** In a combined message each item shows its title and the start of its body. */
const BATCH_SNIPPET_CHARS = 60;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Cut a string to at most `max` UTF-8 bytes without splitting a character, marking the cut with "…". */
export function truncateBytes(s: string, max: number): string {
  if (bytes(s) <= max) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const b = bytes(ch);
    if (used + b > max - 3) break;
    out += ch;
    used += b;
  }
  return `${out}…`;
}

const truncateChars = (s: string, max: number) => {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
};

const FULLWIDTH: Record<string, string> = {
  '[': '［',
  ']': '］',
  '<': '＜',
  '>': '＞',
  '*': '＊',
  '`': '｀',
};
/**
 * Text from cases (descriptions typed by reporters) must not become markup in a group chat: links,
 * emphasis, headings, or WeCom's <@userid> mentions. Full-width look-alikes keep it readable.
 */
export function mdEscape(s: string): string {
  return s.replace(/[[\]<>*`]/g, (c) => FULLWIDTH[c] ?? c).replace(/^#/gm, '＃');
}
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();

function formatTime(d: Date, timeZone: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('zh-CN', {
      timeZone,
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Only absolute links mean anything outside the web app. */
const absoluteLink = (link: string | null) => (link && /^https?:\/\//i.test(link) ? link : null);

export interface Rendered {
  /** Short title (DingTalk shows it in the chat list). */
  title: string;
  /** Markdown (WeCom/DingTalk subset: headings, bold, quotes, links). */
  markdown: string;
  /** Plain text (WeCom text messages, SMS). */
  text: string;
}

/** One notification, or several combined into one digest, as a robot message. */
export function renderMessage(
  items: readonly MessageItem[],
  opts: { timeZone?: string; paragraph?: string } = {},
): Rendered {
  const tz = opts.timeZone ?? 'Asia/Shanghai';
  const sep = opts.paragraph ?? '\n';
  const first = items[0];
  if (!first) throw new Error('renderMessage: no items');
  if (items.length === 1) {
    const label = eventLabel(first.event);
    const title = oneLine(first.title);
    const link = absoluteLink(first.link);
    const markdown = [
      `### 【${label}】${mdEscape(title)}`,
      mdEscape(first.body.trim()),
      `> ${formatTime(first.createdAt, tz)}${link ? ` [查看详情](${link})` : ''}`,
    ]
      .filter(Boolean)
      .join(sep);
    const text = [`【${label}】${title}`, first.body.trim(), link ?? ''].filter(Boolean).join('\n');
    return { title: `【${label}】${truncateChars(title, 40)}`, markdown, text };
  }
  const lines = items.map((it, i) => {
    const snippet = truncateChars(oneLine(it.body), BATCH_SNIPPET_CHARS);
    const link = absoluteLink(it.link);
    const head = `${i + 1}. **【${eventLabel(it.event)}】${mdEscape(oneLine(it.title))}**`;
    return `${head} ${mdEscape(snippet)}${link ? ` [详情](${link})` : ''} (${formatTime(it.createdAt, tz)})`;
  });
  const markdown = [`### 共 ${items.length} 条通知(消息较多,已合并发送)`, ...lines].join(sep);
  const text = [
    `共 ${items.length} 条通知(已合并发送):`,
    ...items.map((it, i) => `${i + 1}.【${eventLabel(it.event)}】${oneLine(it.title)}`),
  ].join('\n');
  return { title: `${items.length} 条新通知`, markdown, text };
}

/** Does this group still fit in one message of the channel? (A single item always fits: it is truncated.) */
export function fitsOneMessage(kind: TChannelKind, items: readonly MessageItem[]): boolean {
  if (items.length <= 1) return true;
  switch (kind) {
    case 'wecom':
    case 'dingtalk':
      return (
        bytes(renderMessage(items, { paragraph: kind === 'dingtalk' ? '\n\n' : '\n' }).markdown) <= ROBOT_MAX_BYTES
      );
    case 'webhook':
      return items.length <= WEBHOOK_MAX_ITEMS;
    case 'sms':
      return items.length <= SMS_MAX_ITEMS;
  }
}

/** DingTalk 加签: urlEncode(base64(HmacSHA256(secret, `${timestamp}\n${secret}`))). */
export function dingtalkSign(secret: string, timestampMs: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
  return encodeURIComponent(mac);
}

/** The generic webhook's signature header value: sha256=<hex HMAC-SHA256 of the exact body bytes>. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** A JSON string literal's inside: what replaces a placeholder that sits between quotes in the template. */
const jsonInside = (s: string) => JSON.stringify(s).slice(1, -1);

/** Fill the SMS gateway's body template; values are JSON-escaped (placeholders sit inside "…"). */
export function fillSmsTemplate(
  template: string,
  vars: { phone: string; text: string; secret?: string | null },
): string {
  return template
    .replaceAll('{phone}', jsonInside(vars.phone))
    .replaceAll('{text}', jsonInside(vars.text))
    .replaceAll('{secret}', jsonInside(vars.secret ?? ''));
}

/** SMS is plain and short: one notification's title and body, or a list of titles. */
export function smsText(items: readonly MessageItem[]): string {
  const first = items[0];
  const text =
    items.length === 1 && first
      ? `【${eventLabel(first.event)}】${oneLine(first.title)}:${oneLine(first.body)}`
      : `您有 ${items.length} 条新通知:${items.map((it) => `【${eventLabel(it.event)}】${oneLine(it.title)}`).join(';')}`;
  return truncateChars(text, SMS_MAX_CHARS);
}

/**
 * The HTTP request(s) that deliver `items` as one message on a channel (SMS: one per phone). `now` is
 * the injected clock's time: it becomes DingTalk's signed timestamp and the webhook's timestamp.
 */
export function buildRequests(
  target: ChannelTarget,
  items: readonly MessageItem[],
  now: Date,
  opts: { deliveryId?: string; timeZone?: string } = {},
): HttpRequestSpec[] {
  const { kind, config } = target;
  const json = { 'content-type': 'application/json; charset=utf-8' };
  switch (kind) {
    case 'wecom': {
      const r = renderMessage(items, { timeZone: opts.timeZone });
      const body =
        config.format === 'text'
          ? { msgtype: 'text', text: { content: truncateBytes(r.text, WECOM_TEXT_MAX_BYTES) } }
          : { msgtype: 'markdown', markdown: { content: truncateBytes(r.markdown, ROBOT_MAX_BYTES) } };
      return [{ method: 'POST', url: config.url, headers: json, body: JSON.stringify(body) }];
    }
    case 'dingtalk': {
      const r = renderMessage(items, { timeZone: opts.timeZone, paragraph: '\n\n' });
      let url = config.url;
      if (config.secret) {
        const ts = now.getTime();
        url += `${url.includes('?') ? '&' : '?'}timestamp=${ts}&sign=${dingtalkSign(config.secret, ts)}`;
      }
      const body = {
        msgtype: 'markdown',
        markdown: { title: r.title, text: truncateBytes(r.markdown, ROBOT_MAX_BYTES) },
      };
      return [{ method: 'POST', url, headers: json, body: JSON.stringify(body) }];
    }
    case 'webhook': {
      const ts = now.getTime();
      const body = JSON.stringify({
        type: 'gridcommand.notifications',
        deliveryId: opts.deliveryId ?? null,
        timestamp: ts,
        count: items.length,
        notifications: items.map((it) => ({
          id: it.id,
          event: it.event,
          eventLabel: eventLabel(it.event),
          title: it.title,
          body: it.body,
          link: it.link,
          caseId: it.caseId,
          unitId: it.unitId,
          createdAt: it.createdAt.toISOString(),
        })),
      });
      const headers: Record<string, string> = { ...json, 'x-gridcommand-timestamp': String(ts) };
      if (opts.deliveryId) headers['x-gridcommand-delivery'] = opts.deliveryId;
      if (config.secret) headers['x-gridcommand-signature'] = signWebhookBody(config.secret, body);
      return [{ method: 'POST', url: config.url, headers, body }];
    }
    case 'sms': {
      const text = smsText(items);
      return (config.phones ?? []).map((phone) => ({
        method: config.method ?? 'POST',
        url: config.url,
        headers: json,
        body: fillSmsTemplate(config.bodyTemplate ?? '', { phone, text, secret: config.secret }),
      }));
    }
  }
}

/** null when the channel accepted the message; otherwise why not (kept in last_error). */
export function interpretResponse(kind: TChannelKind, status: number, body: string): string | null {
  const snippet = body.replace(/\s+/g, ' ').slice(0, 200);
  if (kind === 'wecom' || kind === 'dingtalk') {
    let parsed: { errcode?: unknown; errmsg?: unknown } | null = null;
    try {
      parsed = JSON.parse(body) as { errcode?: unknown; errmsg?: unknown };
    } catch {
      parsed = null;
    }
    if (status >= 200 && status < 300 && parsed && parsed.errcode === 0) return null;
    if (parsed && parsed.errcode !== undefined) {
      return `errcode ${String(parsed.errcode)}: ${String(parsed.errmsg ?? '')}`.slice(0, 300);
    }
    return `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
  }
  if (status >= 200 && status < 300) return null;
  return `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
}

/** "****wxyz": the last four characters of a secret (none when it is short). */
export function maskSecret(secret: string | null | undefined): string | null {
  if (!secret) return null;
  return secret.length <= 8 ? '****' : `****${secret.slice(-4)}`;
}

const maskPart = (v: string) => (v.length <= 4 ? '****' : `${v.slice(0, 2)}****${v.slice(-2)}`);

/**
 * An address safe to show: query values (WeCom key, DingTalk access_token) and long path segments
 * (tokens some gateways put in the path) masked; user:password dropped.
 */
export function maskUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return '****';
  }
  const path = u.pathname
    .split('/')
    .map((seg) => (seg.length >= 16 ? maskPart(seg) : seg))
    .join('/');
  const query = [...u.searchParams.entries()].map(([k, v]) => `${k}=${maskPart(v)}`).join('&');
  return `${u.protocol}//${u.host}${path}${query ? `?${query}` : ''}`;
}

/** Remove a channel's credentials from an error text before it is stored or logged. */
export function redact(text: string, config: ChannelConfig): string {
  let out = text;
  const secrets = [config.url, config.secret ?? ''].filter((s) => s.length >= 4);
  try {
    for (const v of new URL(config.url).searchParams.values()) if (v.length >= 4) secrets.push(v);
  } catch {}
  for (const s of secrets.sort((a, b) => b.length - a.length)) out = out.split(s).join('****');
  return out;
}

/**
 * Notifications end to end against a local HTTP receiver (node:http on port 0) standing in for the WeCom
 * and DingTalk robots, a webhook endpoint and an SMS gateway. The worker is driven by hand (runOnce) and
 * time by the ManualClock, so rate windows and retry backoff are exact.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/client.ts';
import { claimJobs, listTenantIds } from '../../jobs/jobs.repo.ts';
import { Worker } from '../../jobs/worker.ts';
import { MINUTE } from '../../lib/clock.ts';
import { createTestApp, type Session, type TestApp } from '../../test/app.ts';
import { claimChannel } from './notifications.delivery.ts';
import { registerNotificationJobs } from './notifications.jobs.ts';
import { DELIVER_JOB, FANOUT_JOB, fanOut, type NotifyInput, notify } from './notifications.outbox.ts';
import { MAX_ATTEMPTS } from './notifications.plan.ts';

// ---- the receiver ----

interface Received {
  method: string;
  path: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: string;
}
interface Behaviour {
  /** Answer HTTP 500 this many times first. */
  failTimes?: number;
  /** Answer 200 with this errcode (robots) every time. */
  errcode?: number;
  /** Never answer. */
  hang?: boolean;
}

function startReceiver() {
  const received: Received[] = [];
  const behaviours = new Map<string, Behaviour>();
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      received.push({
        method: req.method ?? '',
        path: url.pathname,
        url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const b = behaviours.get(url.pathname) ?? {};
      if (b.hang) {
        hanging.add(res);
        return;
      }
      if (b.failTimes && b.failTimes > 0) {
        b.failTimes--;
        res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream down');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(b.errcode ? { errcode: b.errcode, errmsg: `error ${b.errcode}` } : { errcode: 0, errmsg: 'ok' }),
      );
    });
  });
  return new Promise<{
    base: string;
    received: Received[];
    at: (path: string) => Received[];
    set: (path: string, b: Behaviour) => void;
    close: () => Promise<void>;
  }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        base: `http://127.0.0.1:${port}`,
        received,
        at: (path) => received.filter((r) => r.path === path),
        set: (path, b) => behaviours.set(path, b),
        close: async () => {
          for (const r of hanging) r.destroy();
          server.closeAllConnections();
          await new Promise<void>((done) => server.close(() => done()));
        },
      });
    });
  });
}

// ---- fixtures ----

let t: TestApp;
let rx: Awaited<ReturnType<typeof startReceiver>>;
let admin: Session;
let tenantId: string;
let worker: Worker;
const units = new Map<string, string>();
const users = new Map<string, string>();
const created: string[] = [];
const TIMEOUT_MS = 1500;

before(async () => {
  t = await createTestApp();
  rx = await startReceiver();
  [tenantId = ''] = await listTenantIds(t.deps.database.db);
  admin = await t.login('sys_admin');
  for (const u of (await t.as(admin, { method: 'GET', url: '/api/v1/org/units' })).json().items)
    units.set(u.name, u.id);
  for (const u of (await t.as(admin, { method: 'GET', url: '/api/v1/users?pageSize=200' })).json().items) {
    users.set(u.username, u.id);
  }
  worker = new Worker(t.deps, { id: 'worker-a' });
  await registerNotificationJobs(worker, t.deps, { httpTimeoutMs: TIMEOUT_MS, random: () => 0.5 });
  await drain();
});
after(async () => {
  await rx.close();
  await t.close();
});
// Tests move the clock by hours: a fresh admin session for each.
beforeEach(async () => {
  admin = await t.login('sys_admin');
});
// Channels of one test must not receive the next test's notifications.
afterEach(async () => {
  admin = await t.login('sys_admin');
  while (created.length) {
    const id = created.pop();
    await t.as(admin, { method: 'DELETE', url: `/api/v1/notification-channels/${id}` });
  }
});

const unit = (name: string) => units.get(name) ?? assert.fail(`unit ${name}`);
const user = (name: string) => users.get(name) ?? assert.fail(`user ${name}`);
const q = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await t.deps.database.db.execute(query));

/** Run the worker until no job is due. */
async function drain(w: Worker = worker): Promise<number> {
  let total = 0;
  for (let i = 0; i < 100; i++) {
    const n = await w.runOnce();
    total += n;
    if (n === 0) return total;
  }
  throw new Error('worker did not settle');
}

async function createChannel(payload: Record<string, unknown>): Promise<string> {
  const res = await t.as(admin, { method: 'POST', url: '/api/v1/notification-channels', payload });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json().id as string;
  created.push(id);
  return id;
}

async function notifyCommitted(n: Omit<NotifyInput, 'tenantId'>): Promise<string> {
  return t.deps.database.db.transaction((tx) => notify(tx, t.deps, { tenantId, ...n }));
}

interface DeliveryRow {
  id: string;
  notification_id: string;
  status: string;
  attempts: number;
  last_error: string | null;
  batch_id: string | null;
  sent_at: Date | null;
  next_attempt_at: Date;
}
const deliveriesOfChannel = (channelId: string) =>
  q<DeliveryRow>(
    sql`select id, notification_id, status, attempts, last_error, batch_id, sent_at, next_attempt_at
        from notification_deliveries where channel_id = ${channelId} order by created_at, id`,
  );

// ---- tests ----

describe('the outbox', () => {
  test('notify in a transaction that rolls back leaves nothing: no notification, no job', async () => {
    await drain();
    const queuedFanouts = async () =>
      (
        await q<{ n: number }>(
          sql`select count(*)::int as n from jobs where kind = ${FANOUT_JOB} and status = 'queued'`,
        )
      )[0]?.n;
    assert.equal(await queuedFanouts(), 0);
    await assert.rejects(
      t.deps.database.db.transaction(async (tx) => {
        await notify(tx, t.deps, {
          tenantId,
          event: 'dispatched',
          unitId: unit('李南岗社区'),
          title: '回滚的通知',
          body: 'x',
        });
        throw new Error('the case change failed');
      }),
      /the case change failed/,
    );
    const ghosts = await q<{ n: number }>(sql`select count(*)::int as n from notifications where title = '回滚的通知'`);
    assert.equal(ghosts[0]?.n, 0);
    assert.equal(await queuedFanouts(), 0);

    // Committed: the notification and exactly one pending fan-out job, however many notify calls.
    for (let i = 0; i < 3; i++) {
      await notifyCommitted({ event: 'dispatched', unitId: unit('李南岗社区'), title: `提交的通知${i}`, body: 'x' });
    }
    assert.equal(await queuedFanouts(), 1);
    await drain();
  });

  test('fan-out: inbox rows for the person or the unit’s people, one delivery per matching channel, idempotent', async () => {
    const wecom = await createChannel({
      kind: 'wecom',
      name: '明湖办事处工作群',
      unitId: unit('明湖办事处'),
      includeSubunits: true,
      url: `${rx.base}/fanout/wecom?key=k-minghu`,
    });
    const ding = await createChannel({
      kind: 'dingtalk',
      name: '李南岗社区超期提醒',
      unitId: unit('李南岗社区'),
      events: ['overdue'],
      url: `${rx.base}/fanout/ding?access_token=t-lng`,
      secret: 'SEC-fanout-secret',
    });
    const district = await createChannel({
      kind: 'webhook',
      name: '区大数据中心',
      url: `${rx.base}/fanout/webhook`,
      secret: 'wh-fanout-secret',
    });
    const jiulong = await createChannel({
      kind: 'wecom',
      name: '九龙办事处工作群',
      unitId: unit('九龙办事处'),
      includeSubunits: true,
      url: `${rx.base}/fanout/jiulong?key=k-jl`,
    });

    // To the community's people (unit only) …
    const a = await notifyCommitted({
      event: 'dispatched',
      unitId: unit('李南岗社区'),
      title: '案件 2026-000101 已派遣',
      body: '铁路沿线垃圾',
      caseId: '11111111-1111-4111-8111-000000000101',
    });
    // … and to one person, about the subdistrict.
    const b = await notifyCommitted({
      event: 'overdue',
      unitId: unit('明湖办事处'),
      userId: user('unit_head'),
      title: '案件 2026-000102 已超期',
      body: '请尽快处置',
    });

    const r = await fanOut(t.deps, tenantId);
    assert.equal(r.notifications, 2);
    const inbox = await q<{ notification_id: string; user_id: string }>(
      sql`select notification_id, user_id from inbox_items where notification_id in (${a}, ${b})`,
    );
    const whoGot = (id: string) =>
      inbox
        .filter((i) => i.notification_id === id)
        .map((i) => [...users].find(([, uid]) => uid === i.user_id)?.[0])
        .sort();
    assert.deepEqual(whoGot(a), ['field_worker', 'unit_staff'], 'every enabled person of 李南岗社区');
    assert.deepEqual(whoGot(b), ['unit_head'], 'only the named person');

    const ds = await q<{ notification_id: string; channel_id: string }>(
      sql`select notification_id, channel_id from notification_deliveries where notification_id in (${a}, ${b})`,
    );
    const to = (id: string) =>
      ds
        .filter((d) => d.notification_id === id)
        .map((d) => d.channel_id)
        .sort();
    assert.deepEqual(to(a), [wecom, district].sort(), 'the subdistrict group (with subunits) and the district');
    assert.deepEqual(to(b), [wecom, district].sort(), 'not the community’s overdue robot: 明湖 is above it');
    assert.ok(!ds.some((d) => d.channel_id === ding || d.channel_id === jiulong));

    // Redone (as after a crash between commit and job completion): nothing doubles.
    await t.deps.database.db.execute(sql`update notifications set fanned_out_at = null where id in (${a}, ${b})`);
    const again = await fanOut(t.deps, tenantId);
    assert.deepEqual(again, { notifications: 2, inboxItems: 0, deliveries: 0 });

    await drain();
    assert.equal(rx.at('/fanout/wecom').length, 2);
    assert.equal(rx.at('/fanout/webhook').length, 2);
    assert.equal(rx.at('/fanout/ding').length, 0);
  });
});

describe('channel formats', () => {
  test('WeCom: markdown to the key URL; DingTalk: signed with the clock’s timestamp, verifiable', async () => {
    const secret = 'SEC0123456789abcdef0123456789abcdef';
    await createChannel({
      kind: 'wecom',
      name: '格式-企业微信',
      unitId: unit('潮河办事处'),
      url: `${rx.base}/fmt/wecom/cgi-bin/webhook/send?key=fmt-key`,
    });
    await createChannel({
      kind: 'dingtalk',
      name: '格式-钉钉',
      unitId: unit('潮河办事处'),
      url: `${rx.base}/fmt/ding/robot/send?access_token=fmt-token`,
      secret,
    });
    await notifyCommitted({
      event: 'supervision_order',
      unitId: unit('潮河办事处'),
      title: '督办:潮河办事处店外经营',
      body: '请于今日 18:00 前整改到位',
    });
    const sentAt = t.clock.now().getTime();
    await drain();

    const [w] = rx.at('/fmt/wecom/cgi-bin/webhook/send');
    assert.ok(w);
    assert.equal(w.method, 'POST');
    assert.equal(w.url.searchParams.get('key'), 'fmt-key');
    assert.match(String(w.headers['content-type']), /application\/json/);
    const wb = JSON.parse(w.body);
    assert.equal(wb.msgtype, 'markdown');
    assert.match(wb.markdown.content, /【督办】督办:潮河办事处店外经营/);

    const [d] = rx.at('/fmt/ding/robot/send');
    assert.ok(d);
    assert.equal(d.url.searchParams.get('access_token'), 'fmt-token');
    const ts = d.url.searchParams.get('timestamp');
    assert.equal(ts, String(sentAt), 'the timestamp is the injected clock’s');
    const expected = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
    assert.equal(d.url.searchParams.get('sign'), expected);
    assert.ok(/[?&]sign=[^&]*%/.test(d.url.search) || !/[+/=]/.test(expected), 'the sign is URL-encoded on the wire');
    const db = JSON.parse(d.body);
    assert.equal(db.msgtype, 'markdown');
    assert.equal(db.markdown.title, '【督办】督办:潮河办事处店外经营');
    assert.match(db.markdown.text, /18:00/);
  });

  test('webhook: the X-GridCommand-Signature HMAC of the body verifies with the channel secret', async () => {
    const secret = 'whsec-verify-0123456789';
    await createChannel({
      kind: 'webhook',
      name: '格式-webhook',
      unitId: unit('潮河办事处'),
      url: `${rx.base}/fmt/webhook`,
      secret,
    });
    const nid = await notifyCommitted({ event: 'closed', unitId: unit('潮河办事处'), title: '已结案', body: '谢谢' });
    await drain();
    const [r] = rx.at('/fmt/webhook');
    assert.ok(r);
    const sig = String(r.headers['x-gridcommand-signature']);
    assert.equal(sig, `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`);
    assert.equal(r.headers['x-gridcommand-timestamp'], String(t.clock.now().getTime()));
    assert.notEqual(sig, `sha256=${createHmac('sha256', 'wrong').update(r.body).digest('hex')}`);
    const body = JSON.parse(r.body);
    assert.equal(body.notifications[0].id, nid);
    assert.equal(body.notifications[0].event, 'closed');
  });

  test('SMS gateway: one request per phone with the template filled', async () => {
    await createChannel({
      kind: 'sms',
      name: '格式-短信',
      unitId: unit('潮河办事处'),
      url: `${rx.base}/fmt/sms`,
      phones: ['13800000001', '13800000002'],
      bodyTemplate: '{"to":"{phone}","msg":"{text}","key":"{secret}"}',
      secret: 'sms-key',
    });
    await notifyCommitted({ event: 'overdue', unitId: unit('潮河办事处'), title: '案件已超期', body: '请处置' });
    await drain();
    const got = rx.at('/fmt/sms').map((r) => JSON.parse(r.body));
    assert.deepEqual(
      got.map((b) => b.to),
      ['13800000001', '13800000002'],
    );
    assert.equal(got[0].msg, '【已超期】案件已超期:请处置');
    assert.equal(got[0].key, 'sms-key');
  });
});

describe('rate limit and batching', () => {
  async function checkAccounting(channelId: string, path: string, expected: string[]) {
    const rows = await deliveriesOfChannel(channelId);
    assert.equal(rows.length, expected.length);
    assert.deepEqual(rows.map((r) => r.notification_id).sort(), [...expected].sort());
    const sent = rows.filter((r) => r.status === 'sent');
    const batched = rows.filter((r) => r.status === 'batched');
    assert.equal(sent.length + batched.length, expected.length, 'every notification sent or batched');
    const sentIds = new Set(sent.map((r) => r.id));
    for (const b of batched) assert.ok(b.batch_id && sentIds.has(b.batch_id), 'batched into a message that was sent');
    assert.equal(rx.at(path).length, sent.length, 'one HTTP message per sent delivery');
    // Each batched notification's title is in its carrier's message.
    const titles = await q<{ id: string; title: string }>(
      sql`select id, title from notifications where id in ${sql.raw(`('${expected.join("','")}')`)}`,
    );
    const allText = rx
      .at(path)
      .map((r) => JSON.parse(r.body).markdown.content as string)
      .join('\n');
    for (const n of titles) assert.ok(allText.includes(n.title), `${n.title} reached the robot`);
    // No 60-second window holds more than 20 messages.
    const times = sent.map((r) => new Date(r.sent_at ?? 0).getTime()).sort((x, y) => x - y);
    for (const start of times) {
      const inWindow = times.filter((x) => x >= start && x <= start + MINUTE).length;
      assert.ok(inWindow <= 20, `${inWindow} messages within a minute`);
    }
    return { sent: sent.length, batched: batched.length };
  }

  test('45 at once to one robot: at most 20 messages, every notification accounted for', async () => {
    const path = '/rate/burst';
    const ch = await createChannel({
      kind: 'wecom',
      name: '限流-突发',
      unitId: unit('九龙办事处'),
      url: `${rx.base}${path}?key=burst`,
    });
    const ids: string[] = [];
    for (let i = 0; i < 45; i++) {
      ids.push(
        await notifyCommitted({
          event: i % 3 ? 'dispatched' : 'due_soon',
          unitId: unit('九龙办事处'),
          title: `突发通知 ${String(i + 1).padStart(2, '0')}`,
          body: `九龙办事处第 ${i + 1} 个问题的描述`,
        }),
      );
    }
    await drain();
    const r = await checkAccounting(ch, path, ids);
    assert.ok(r.sent <= 20 && r.batched > 0, JSON.stringify(r));
  });

  test('45 trickling in within a minute: 20 single messages, then the rest combined; none lost', async () => {
    const path = '/rate/trickle';
    const ch = await createChannel({
      kind: 'wecom',
      name: '限流-持续',
      unitId: unit('交通运输局'),
      url: `${rx.base}${path}?key=trickle`,
    });
    const ids: string[] = [];
    const start = t.clock.now().getTime();
    for (let i = 0; i < 45; i++) {
      ids.push(
        await notifyCommitted({
          event: 'dispatched',
          unitId: unit('交通运输局'),
          title: `持续通知 ${String(i + 1).padStart(2, '0')}`,
          body: `第 ${i + 1} 条`,
        }),
      );
      await drain();
      t.clock.advance(1300);
    }
    const inFirstMinute = (await deliveriesOfChannel(ch)).filter(
      (r) => r.status === 'sent' && new Date(r.sent_at ?? 0).getTime() < start + MINUTE,
    ).length;
    assert.equal(inFirstMinute, 20);
    for (let i = 0; i < 60 && (await deliveriesOfChannel(ch)).some((r) => r.status === 'queued'); i++) {
      t.clock.advance(5000);
      await drain();
    }
    const r = await checkAccounting(ch, path, ids);
    assert.ok(r.batched > 0);
    assert.ok(r.sent < 45);
  });
});

describe('retries', () => {
  test('failures retry with backoff, then succeed', async () => {
    const path = '/retry/flaky';
    rx.set(path, { failTimes: 2 });
    const ch = await createChannel({
      kind: 'wecom',
      name: '重试',
      unitId: unit('环保局'),
      url: `${rx.base}${path}?key=r`,
    });
    await notifyCommitted({ event: 'dispatched', unitId: unit('环保局'), title: '重试通知', body: 'x' });
    await drain();
    let [d] = await deliveriesOfChannel(ch);
    assert.equal(d?.status, 'queued');
    assert.equal(d?.attempts, 1);
    assert.match(d?.last_error ?? '', /^HTTP 500/);
    assert.equal(new Date(d?.next_attempt_at ?? 0).getTime() - t.clock.now().getTime(), 30_000, 'backoff 30 s');

    await drain();
    assert.equal(rx.at(path).length, 1, 'nothing before the backoff');
    t.clock.advance(30_000);
    await drain();
    [d] = await deliveriesOfChannel(ch);
    assert.equal(d?.attempts, 2);
    assert.equal(new Date(d?.next_attempt_at ?? 0).getTime() - t.clock.now().getTime(), 120_000, 'then 2 min');
    t.clock.advance(120_000);
    await drain();
    [d] = await deliveriesOfChannel(ch);
    assert.equal(d?.status, 'sent');
    assert.equal(d?.attempts, 3);
    assert.equal(rx.at(path).length, 3);
  });

  test('a robot answering errcode ≠ 0 is retried; after the last attempt the delivery fails with the error', async () => {
    const path = '/retry/broken';
    rx.set(path, { errcode: 93000 });
    const ch = await createChannel({
      kind: 'wecom',
      name: '坏机器人',
      unitId: unit('环保局'),
      url: `${rx.base}${path}?key=bad`,
    });
    await notifyCommitted({ event: 'dispatched', unitId: unit('环保局'), title: '发不出去', body: 'x' });
    for (let i = 0; i < MAX_ATTEMPTS + 3; i++) {
      await drain();
      t.clock.advance(7 * 3_600_000);
    }
    const [d] = await deliveriesOfChannel(ch);
    assert.equal(d?.status, 'failed');
    assert.equal(d?.attempts, MAX_ATTEMPTS);
    assert.equal(d?.last_error, 'errcode 93000: error 93000');
    assert.equal(rx.at(path).length, MAX_ATTEMPTS, 'no attempt after giving up');
  });
});

describe('nothing lost across a restart', () => {
  test('a worker dies after claiming; a second worker on the same database finishes everything', async () => {
    const path = '/restart';
    const ch = await createChannel({
      kind: 'webhook',
      name: '重启',
      unitId: unit('城市管理局'),
      url: `${rx.base}${path}`,
      secret: 's-restart-secret',
    });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push(
        await notifyCommitted({ event: 'dispatched', unitId: unit('城市管理局'), title: `重启前 ${i}`, body: 'x' }),
      );
    }
    // Worker A fans out, claims the channel's deliveries (a lease) … and dies before sending.
    await fanOut(t.deps, tenantId);
    const plan = await claimChannel(t.deps, tenantId, ch, { timeoutMs: TIMEOUT_MS });
    assert.ok(plan && plan.groups.length > 0);
    await claimJobs(t.deps.database.db, 'worker-a-dead', [DELIVER_JOB], 10, t.clock.now(), 5 * MINUTE);
    // More work arrives while no worker runs.
    for (let i = 0; i < 5; i++) {
      ids.push(
        await notifyCommitted({ event: 'overdue', unitId: unit('城市管理局'), title: `重启时 ${i}`, body: 'x' }),
      );
    }
    assert.equal(rx.at(path).length, 0);

    // The restart: a new Worker registers the jobs (its start-up sweep enqueues a fan-out and a delivery run).
    const b = new Worker(t.deps, { id: 'worker-b' });
    await registerNotificationJobs(b, t.deps, { httpTimeoutMs: TIMEOUT_MS, random: () => 0.5 });
    await drain(b);
    const leased = (await deliveriesOfChannel(ch)).filter((r) => r.status === 'queued');
    assert.equal(leased.length, 30, 'the dead worker’s leased deliveries wait for their lease');
    t.clock.advance(2 * MINUTE + TIMEOUT_MS * 30);
    await drain(b);

    const rows = await deliveriesOfChannel(ch);
    assert.equal(rows.length, 35);
    assert.ok(
      rows.every((r) => r.status === 'sent' || r.status === 'batched'),
      JSON.stringify(rows.map((r) => r.status)),
    );
    const delivered = rx.at(path).flatMap((r) => JSON.parse(r.body).notifications.map((n: { id: string }) => n.id));
    assert.deepEqual([...new Set(delivered)].sort(), [...ids].sort(), 'every notification reached the endpoint');
  });
});

describe('one bad channel blocks no other', () => {
  test('a channel that never answers times out; the other channel’s delivery goes out meanwhile', async () => {
    rx.set('/hang', { hang: true });
    const slow = await createChannel({
      kind: 'wecom',
      name: '挂起',
      unitId: unit('市场监督管理局'),
      url: `${rx.base}/hang?key=h`,
    });
    const fast = await createChannel({
      kind: 'wecom',
      name: '正常',
      unitId: unit('市场监督管理局'),
      url: `${rx.base}/ok?key=o`,
    });
    await notifyCommitted({ event: 'dispatched', unitId: unit('市场监督管理局'), title: '两个渠道', body: 'x' });
    await fanOut(t.deps, tenantId);

    // A worker of its own with a longer timeout, so a slow machine cannot blur "before the timeout".
    const hangTimeout = 4000;
    const w = new Worker(t.deps, { id: 'worker-hang' });
    await registerNotificationJobs(w, t.deps, { httpTimeoutMs: hangTimeout, random: () => 0.5 });
    const started = performance.now();
    let runDone = false;
    const run = drain(w).then(() => {
      runDone = true;
    });
    let fastSentWhileHanging = false;
    while (!runDone) {
      const [d] = await deliveriesOfChannel(fast);
      if (d?.status === 'sent') {
        fastSentWhileHanging = !runDone && rx.at('/hang').length === 1;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(fastSentWhileHanging, 'the good channel delivered while the other request was still hanging');
    await run;
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= hangTimeout, `the run ended with the timeout (${Math.round(elapsed)} ms)`);
    const [d] = await deliveriesOfChannel(slow);
    assert.equal(d?.status, 'queued');
    assert.equal(d?.attempts, 1);
    assert.match(d?.last_error ?? '', /超时/);
  });
});

describe('the routes', () => {
  test('channels: secrets never returned, validation per kind, test message, deliveries, audited', async () => {
    const secret = 'SEC-route-secret-abcdef0123456789';
    const res = await t.as(admin, {
      method: 'POST',
      url: '/api/v1/notification-channels',
      payload: {
        kind: 'dingtalk',
        name: '路由-钉钉',
        unitId: unit('明湖办事处'),
        includeSubunits: true,
        events: ['overdue', 'supervision_order'],
        url: `${rx.base}/routes/ding?access_token=route-token-abcdef`,
        secret,
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    const ch = res.json();
    created.push(ch.id);
    assert.equal(ch.secretMasked, '****6789');
    assert.match(ch.urlMasked, /access_token=ro\*\*\*\*ef$/);
    const list = await t.as(admin, { method: 'GET', url: '/api/v1/notification-channels' });
    assert.ok(!list.body.includes(secret) && !list.body.includes('route-token-abcdef'), 'no secret in the list');

    // Kind-specific validation.
    const noSecret = await t.as(admin, {
      method: 'POST',
      url: '/api/v1/notification-channels',
      payload: { kind: 'webhook', name: 'x', url: 'https://example.org/h' },
    });
    assert.equal(noSecret.statusCode, 400);
    assert.equal(noSecret.json().details[0].field, 'body.secret');
    const badSms = await t.as(admin, {
      method: 'POST',
      url: '/api/v1/notification-channels',
      payload: {
        kind: 'sms',
        name: 'x',
        url: 'https://example.org/s',
        phones: ['13800000000'],
        bodyTemplate: '{"a":{phone}}',
      },
    });
    assert.equal(badSms.statusCode, 400);
    assert.equal(badSms.json().details[0].field, 'body.bodyTemplate');

    // A change without url/secret keeps them: the test message still reaches the robot, signed.
    const patched = await t.as(admin, {
      method: 'PATCH',
      url: `/api/v1/notification-channels/${ch.id}`,
      payload: { name: '路由-钉钉(改)', ratePerMinute: 10 },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().ratePerMinute, 10);
    const tested = await t.as(admin, { method: 'POST', url: `/api/v1/notification-channels/${ch.id}/test` });
    assert.equal(tested.statusCode, 202, tested.body);
    await drain();
    const [got] = rx.at('/routes/ding');
    assert.ok(got);
    assert.equal(got.url.searchParams.get('access_token'), 'route-token-abcdef');
    const ts = got.url.searchParams.get('timestamp');
    assert.equal(
      got.url.searchParams.get('sign'),
      createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64'),
    );
    assert.ok(JSON.parse(got.body).markdown.title.includes('【测试】测试消息:路由-钉钉(改)'), got.body);

    const deliveries = await t.as(admin, { method: 'GET', url: `/api/v1/notification-channels/${ch.id}/deliveries` });
    assert.equal(deliveries.statusCode, 200);
    const [dl] = deliveries.json().items;
    assert.equal(dl.id, tested.json().deliveryId);
    assert.equal(dl.status, 'sent');
    assert.equal(dl.event, 'test');
    assert.equal(dl.attempts, 1);

    // Disabled: a test is refused; deleting removes the channel and its deliveries.
    await t.as(admin, { method: 'PATCH', url: `/api/v1/notification-channels/${ch.id}`, payload: { enabled: false } });
    const refused = await t.as(admin, { method: 'POST', url: `/api/v1/notification-channels/${ch.id}/test` });
    assert.equal(refused.statusCode, 422);
    const del = await t.as(admin, { method: 'DELETE', url: `/api/v1/notification-channels/${ch.id}` });
    assert.equal(del.statusCode, 204);
    created.pop();
    const gone = await t.as(admin, { method: 'GET', url: `/api/v1/notification-channels/${ch.id}/deliveries` });
    assert.equal(gone.statusCode, 404);

    const audits = await q<{ action: string; details: Record<string, unknown> }>(
      sql`select action, details from audit_events where object_id = ${ch.id} order by seq`,
    );
    assert.deepEqual(
      audits.map((a) => a.action),
      [
        'notifications.channel.create',
        'notifications.channel.update',
        'notifications.channel.test',
        'notifications.channel.update',
        'notifications.channel.delete',
      ],
    );
    assert.ok(!JSON.stringify(audits).includes(secret), 'no secret in the audit trail');
  });

  test('a disabled channel keeps its deliveries waiting; enabling it sends them', async () => {
    const path = '/routes/paused';
    const ch = await createChannel({
      kind: 'wecom',
      name: '暂停',
      unitId: unit('环保局'),
      url: `${rx.base}${path}?key=p`,
      enabled: false,
    });
    await notifyCommitted({ event: 'dispatched', unitId: unit('环保局'), title: '停用时的通知', body: 'x' });
    await drain();
    // A disabled channel gets no deliveries at fan-out time: nothing is queued for it.
    assert.equal((await deliveriesOfChannel(ch)).length, 0);
    await t.as(admin, { method: 'PATCH', url: `/api/v1/notification-channels/${ch}`, payload: { enabled: true } });
    await notifyCommitted({ event: 'dispatched', unitId: unit('环保局'), title: '启用后的通知', body: 'x' });
    await fanOut(t.deps, tenantId);
    await t.as(admin, { method: 'PATCH', url: `/api/v1/notification-channels/${ch}`, payload: { enabled: false } });
    await drain();
    assert.equal(rx.at(path).length, 0, 'queued while disabled');
    await t.as(admin, { method: 'PATCH', url: `/api/v1/notification-channels/${ch}`, payload: { enabled: true } });
    await drain();
    assert.equal(rx.at(path).length, 1);
  });

  test('inbox: own items only, unread first, mark some or all read, unread count', async () => {
    const fw = await t.login('field_worker');
    const other = await notifyCommitted({ event: 'dispatched', userId: user('unit_head'), title: '别人的', body: 'x' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        await notifyCommitted({
          event: 'returned',
          userId: user('field_worker'),
          title: `返工 ${i}`,
          body: '照片不清晰',
          caseId: '22222222-2222-4222-8222-000000000001',
          link: '/cases/22222222-2222-4222-8222-000000000001',
        }),
      );
      t.clock.advance(1000);
    }
    await drain();
    const count = async () =>
      (await t.as(fw, { method: 'GET', url: '/api/v1/inbox/unread-count' })).json().count as number;
    const base = await count();
    assert.ok(base >= 3);

    // Marking someone else's item changes nothing.
    const foreign = await t.as(fw, { method: 'POST', url: '/api/v1/inbox/read', payload: { ids: [other] } });
    assert.equal(foreign.json().updated, 0);
    const one = await t.as(fw, { method: 'POST', url: '/api/v1/inbox/read', payload: { ids: [ids[2]] } });
    assert.equal(one.json().updated, 1);
    assert.equal(await count(), base - 1);

    const page = (await t.as(fw, { method: 'GET', url: '/api/v1/inbox?pageSize=200' })).json();
    assert.ok(!page.items.some((i: { id: string }) => i.id === other));
    const firstRead = page.items.findIndex((i: { readAt: string | null }) => i.readAt !== null);
    assert.ok(
      page.items.slice(firstRead).every((i: { readAt: string | null }) => i.readAt !== null),
      'unread first',
    );
    assert.equal(page.items[0].id, ids[1], 'newest unread first');
    assert.equal(page.unreadCount, base - 1);
    const unreadOnly = (await t.as(fw, { method: 'GET', url: '/api/v1/inbox?unread=true&pageSize=200' })).json();
    assert.equal(unreadOnly.total, base - 1);

    const all = await t.as(fw, { method: 'POST', url: '/api/v1/inbox/read', payload: { all: true } });
    assert.equal(all.json().updated, base - 1);
    assert.equal(await count(), 0);
    const bad = await t.as(fw, { method: 'POST', url: '/api/v1/inbox/read', payload: {} });
    assert.equal(bad.statusCode, 400);
  });
});

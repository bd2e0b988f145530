import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  buildRequests,
  dingtalkSign,
  fillSmsTemplate,
  fitsOneMessage,
  interpretResponse,
  type MessageItem,
  maskSecret,
  maskUrl,
  mdEscape,
  redact,
  renderMessage,
  signWebhookBody,
  truncateBytes,
  WECOM_TEXT_MAX_BYTES,
} from './notifications.adapters.ts';

const NOW = new Date('2026-04-15T01:00:00.000Z');
const item = (i: number, over: Partial<MessageItem> = {}): MessageItem => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  event: 'dispatched',
  title: `案件 2026-${String(i).padStart(6, '0')} 已派遣至李南岗社区`,
  body: '107辅道与经南三路交叉口东北角垃圾堆积,请于 2 个工作日内清理。',
  link: null,
  caseId: null,
  unitId: null,
  createdAt: NOW,
  ...over,
});
const bodyOf = (r: { body: string }) => JSON.parse(r.body) as Record<string, unknown>;

describe('WeCom group robot', () => {
  const url = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';

  test('markdown: POST to the webhook URL as given, {msgtype:"markdown", markdown:{content}}', () => {
    const [r, ...more] = buildRequests({ kind: 'wecom', config: { url } }, [item(1)], NOW);
    assert.equal(more.length, 0);
    assert.ok(r);
    assert.equal(r.method, 'POST');
    assert.equal(r.url, url);
    assert.match(r.headers['content-type'] ?? '', /application\/json/);
    const b = bodyOf(r) as { msgtype: string; markdown: { content: string } };
    assert.equal(b.msgtype, 'markdown');
    assert.match(b.markdown.content, /^### 【派遣】案件 2026-000001 已派遣至李南岗社区/);
    assert.match(b.markdown.content, /垃圾堆积/);
    assert.match(b.markdown.content, /04-15 09:00/, 'time shown in Asia/Shanghai');
  });

  test('text format: {msgtype:"text", text:{content}} within 2048 bytes', () => {
    const long = item(2, { body: '很长的描述。'.repeat(400) });
    const [r] = buildRequests({ kind: 'wecom', config: { url, format: 'text' } }, [long], NOW);
    const b = bodyOf(r ?? { body: '{}' }) as { msgtype: string; text: { content: string } };
    assert.equal(b.msgtype, 'text');
    assert.ok(Buffer.byteLength(b.text.content) <= WECOM_TEXT_MAX_BYTES);
    assert.match(b.text.content, /^【派遣】/);
  });

  test('success is HTTP 200 with errcode 0; anything else is a failure with errmsg', () => {
    assert.equal(interpretResponse('wecom', 200, '{"errcode":0,"errmsg":"ok"}'), null);
    assert.equal(
      interpretResponse('wecom', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}'),
      'errcode 93000: invalid webhook url',
    );
    assert.match(interpretResponse('wecom', 200, '<html>gateway</html>') ?? '', /^HTTP 200/);
    assert.match(interpretResponse('wecom', 502, '') ?? '', /^HTTP 502$/);
    assert.match(interpretResponse('wecom', 500, '{"errcode":0}') ?? '', /errcode 0/);
  });
});

describe('DingTalk custom robot', () => {
  const url = 'https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789';
  const secret = 'SECtest0123456789abcdef';

  test('加签 matches the documented algorithm (vector computed with Python hmac/base64/quote_plus)', () => {
    assert.equal(dingtalkSign(secret, 1713142800000), '2QKOLSoP4e13MJgQDwwwOsxBXGxhLxAjzoQMwVCYJPo%3D');
  });

  test('signed URL carries the clock’s timestamp and its sign; body is markdown {title, text}', () => {
    const [r] = buildRequests({ kind: 'dingtalk', config: { url, secret } }, [item(1)], NOW);
    assert.ok(r);
    const u = new URL(r.url);
    assert.equal(u.searchParams.get('access_token'), 'abcdef0123456789');
    assert.equal(u.searchParams.get('timestamp'), String(NOW.getTime()));
    const expected = createHmac('sha256', secret).update(`${NOW.getTime()}\n${secret}`).digest('base64');
    assert.equal(u.searchParams.get('sign'), expected, 'the URL-decoded sign is the base64 HMAC');
    const b = bodyOf(r) as { msgtype: string; markdown: { title: string; text: string } };
    assert.equal(b.msgtype, 'markdown');
    assert.equal(b.markdown.title, '【派遣】案件 2026-000001 已派遣至李南岗社区');
    assert.match(b.markdown.text, /### 【派遣】/);
  });

  test('without a secret the URL is left alone; a URL without a query gets "?"', () => {
    const [a] = buildRequests({ kind: 'dingtalk', config: { url } }, [item(1)], NOW);
    assert.equal(a?.url, url);
    const [b] = buildRequests(
      { kind: 'dingtalk', config: { url: 'http://127.0.0.1:1/robot', secret } },
      [item(1)],
      NOW,
    );
    assert.match(b?.url ?? '', /^http:\/\/127\.0\.0\.1:1\/robot\?timestamp=\d+&sign=/);
  });

  test('errcode ≠ 0 (e.g. 310000 sign not match) is a failure', () => {
    assert.equal(interpretResponse('dingtalk', 200, '{"errcode":0,"errmsg":"ok"}'), null);
    assert.equal(
      interpretResponse('dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}'),
      'errcode 310000: sign not match',
    );
  });
});

describe('generic webhook', () => {
  test('POST JSON of the notifications with an HMAC-SHA256 signature of the exact body and a timestamp', () => {
    const secret = 'whsec-0123456789';
    const [r] = buildRequests(
      { kind: 'webhook', config: { url: 'https://example.org/hook', secret } },
      [item(1, { caseId: '11111111-1111-4111-8111-111111111111', link: '/cases/1' }), item(2)],
      NOW,
      { deliveryId: 'd-1' },
    );
    assert.ok(r);
    const sig = r.headers['x-gridcommand-signature'] ?? '';
    assert.equal(sig, `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`);
    assert.equal(r.headers['x-gridcommand-timestamp'], String(NOW.getTime()));
    assert.equal(r.headers['x-gridcommand-delivery'], 'd-1');
    const b = bodyOf(r) as { count: number; timestamp: number; notifications: { caseId: string | null }[] };
    assert.equal(b.count, 2);
    assert.equal(b.timestamp, NOW.getTime());
    assert.equal(b.notifications[0]?.caseId, '11111111-1111-4111-8111-111111111111');
  });

  test('signature helper matches an independent vector', () => {
    assert.equal(
      signWebhookBody('whsec', '{"a":1}'),
      'sha256=19373ef0e8c66f206e49d251e4402291615bbce6ef00922e94a47a213fb76ee1',
    );
  });

  test('any 2xx is success', () => {
    assert.equal(interpretResponse('webhook', 204, ''), null);
    assert.match(interpretResponse('webhook', 401, 'bad signature') ?? '', /^HTTP 401: bad signature/);
  });
});

describe('SMS gateway', () => {
  test('one request per phone, placeholders filled JSON-safely, method as configured', () => {
    const config = {
      url: 'https://sms.example.org/send',
      method: 'PUT' as const,
      phones: ['13800000001', '13800000002'],
      bodyTemplate: '{"mobile":"{phone}","content":"{text}","apiKey":"{secret}"}',
      secret: 'k"ey',
    };
    const tricky = item(1, { title: '含"引号"和\\反斜杠', body: '第一行\n第二行' });
    const reqs = buildRequests({ kind: 'sms', config }, [tricky], NOW);
    assert.equal(reqs.length, 2);
    const bodies = reqs.map((r) => JSON.parse(r.body) as { mobile: string; content: string; apiKey: string });
    assert.deepEqual(
      bodies.map((b) => b.mobile),
      ['13800000001', '13800000002'],
    );
    assert.equal(bodies[0]?.content, '【派遣】含"引号"和\\反斜杠:第一行 第二行');
    assert.equal(bodies[0]?.apiKey, 'k"ey');
    assert.ok(reqs.every((r) => r.method === 'PUT'));
  });

  test('a batch becomes one short list of titles', () => {
    const text = JSON.parse(fillSmsTemplate('{"t":"{text}"}', { phone: '1', text: 'a"b' })) as { t: string };
    assert.equal(text.t, 'a"b');
    const [r] = buildRequests(
      { kind: 'sms', config: { url: 'http://x/', phones: ['1'], bodyTemplate: '{"p":"{phone}","t":"{text}"}' } },
      [item(1), item(2), item(3)],
      NOW,
    );
    const t = (JSON.parse(r?.body ?? '{}') as { t: string }).t;
    assert.match(t, /^您有 3 条新通知:/);
    assert.ok([...t].length <= 300);
  });
});

describe('rendering and limits', () => {
  test('a batch lists every item with its event and title', () => {
    const items = [1, 2, 3].map((i) => item(i, { event: i === 2 ? 'overdue' : 'dispatched' }));
    const r = renderMessage(items);
    assert.match(r.markdown, /共 3 条通知/);
    for (const it of items) assert.ok(r.markdown.includes(it.title));
    assert.match(r.markdown, /2\. \*\*【已超期】/);
    assert.equal(r.title, '3 条新通知');
  });

  test('robots take as many items as fit in 4000 bytes; the webhook up to 100', () => {
    const many = Array.from({ length: 60 }, (_, i) => item(i));
    assert.equal(fitsOneMessage('wecom', many.slice(0, 5)), true);
    assert.equal(fitsOneMessage('wecom', many), false);
    assert.equal(fitsOneMessage('webhook', many), true);
    assert.equal(fitsOneMessage('wecom', [item(1, { body: 'x'.repeat(100_000) })]), true, 'one item always fits');
  });

  test('reporter text cannot inject links, emphasis or mentions into a group chat', () => {
    const out = mdEscape('[点我](http://evil.example) <@all> **粗** # 标题');
    assert.ok(!out.includes('[') && !out.includes('<') && !out.includes('**'));
    assert.match(out, /^[^#]/);
  });

  test('absolute links are shown, relative app paths are not', () => {
    assert.match(renderMessage([item(1, { link: 'https://gc.example.org/cases/1' })]).markdown, /\[查看详情\]/);
    assert.doesNotMatch(renderMessage([item(1, { link: '/cases/1' })]).markdown, /查看详情/);
  });

  test('truncateBytes never splits a character and respects the limit', () => {
    const s = '网格'.repeat(1000);
    const t = truncateBytes(s, 100);
    assert.ok(Buffer.byteLength(t) <= 100);
    assert.ok(t.endsWith('…'));
    assert.ok(!t.includes('\uFFFD'));
  });
});

describe('secrets', () => {
  test('masked for display', () => {
    assert.equal(
      maskUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa'),
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=69****aa',
    );
    assert.equal(
      maskUrl('https://hooks.example.org/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX'),
      'https://hooks.example.org/services/T0000/B0000/XX****XX',
    );
    assert.equal(maskSecret('SEC0123456789abcdef'), '****cdef');
    assert.equal(maskSecret('short'), '****');
    assert.equal(maskSecret(null), null);
  });

  test('removed from error texts', () => {
    const cfg = { url: 'https://x.example/send?key=supersecretkey', secret: 'SECsecretvalue' };
    const out = redact('Failed to parse https://x.example/send?key=supersecretkey (SECsecretvalue)', cfg);
    assert.ok(!out.includes('supersecretkey') && !out.includes('SECsecretvalue'), out);
  });
});

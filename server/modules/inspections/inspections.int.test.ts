/**
 * Rectification orders and field operations end to end: validation, numbering under concurrency, the
 * printed notice, follow-up with If-Match, enforcement and returns, the case timeline, scope, audit,
 * and the field-operation summary.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { TEnforcement, TFieldOp, TFieldOpSummary, TOrderDetail } from '../../../common/inspections.ts';
import { rowsOf } from '../../db/client.ts';
import { createTestApp, type Session, type TestApp } from '../../test/app.ts';

let t: TestApp;
let inspector: Session;
let unitHead: Session;
let unitStaff: Session;
let fieldWorker: Session;
let tenantId: string;
const unitIds = new Map<string, string>();
const unit = (name: string) => unitIds.get(name) ?? assert.fail(`unit ${name}`);

const HOUR = 3_600_000;
const at = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();
const db = () => t.deps.database.db;

async function one<T>(q: ReturnType<typeof sql>): Promise<T> {
  const [r] = rowsOf<T>(await db().execute(q));
  return r ?? assert.fail('no row');
}
const auditCount = async () => Number((await one<{ n: number }>(sql`select count(*)::int as n from audit_events`)).n);
const lastAudit = () =>
  one<{ action: string; object_id: string }>(sql`select action, object_id from audit_events order by seq desc limit 1`);

/** A demo grid cell by code (李南岗 = 410171001001xxx, 九龙 = 410171002001xxx). */
const cell = async (code: string) =>
  (await one<{ id: string }>(sql`select id from grid_cells where tenant_id = ${tenantId} and code = ${code}`)).id;

/** A case row put straight into the table (the cases module is not this test's subject), with one event. */
async function makeCase(unitName: string): Promise<string> {
  const cat = await one<{ id: string; v: number }>(
    sql`select id, current_version as v from categories where tenant_id = ${tenantId} order by code limit 1`,
  );
  const id = randomUUID();
  const seq = Number((await one<{ n: number }>(sql`select count(*)::int + 900 as n from cases`)).n);
  await db().execute(sql`
    insert into cases (tenant_id, id, year, seq, number, source, category_id, category_version, status, description,
                       routing, unit_id, reported_at, updated_at)
    values (${tenantId}, ${id}, 2026, ${seq}, ${`2026-${String(seq).padStart(6, '0')}`}, 'patrol', ${cat.id}, ${cat.v},
            'dispatched', '店外经营', '{}'::jsonb, ${unit(unitName)}, now(), now())`);
  await db().execute(sql`
    insert into case_events (tenant_id, case_id, seq, at, actor_name, kind, note)
    values (${tenantId}, ${id}, 1, now(), 'system', 'created', '立案')`);
  return id;
}

/** A photo row as the media module stores it (the bytes are not needed here). */
async function makeMedia(): Promise<string> {
  const id = randomUUID();
  await db().execute(sql`
    insert into media (tenant_id, id, source_format, mime, bytes, width, height, sha256, storage_key, thumb_key,
                       original_bytes, uploaded_at)
    values (${tenantId}, ${id}, 'jpeg', 'image/jpeg', 1000, 640, 480, ${'0'.repeat(64)}, ${`k/${id}`}, ${`t/${id}`},
            1000, now())`);
  return id;
}

const orderBody = (over: Record<string, unknown> = {}) => ({
  party: {
    name: '四大街张记餐馆',
    address: '郑州经开区第四大街 88 号',
    contact: '张三',
    phone: '13800000000',
    licenceNo: '91350100M000100Y43',
  },
  facts: '于2026年4月15日在第四大街农贸市场北侧店外摆放货架、遮阳伞,占用人行道经营',
  legalBasis: '《城市市容和环境卫生管理条例》第十四条',
  requiredActions: '清除店外摆放的货架和遮阳伞\n恢复人行道通行',
  deadline: at(72 * HOUR),
  issuingUnitId: unit('李南岗社区'),
  ...over,
});
const issue = (s: Session, body: Record<string, unknown>) =>
  t.as(s, { method: 'POST', url: '/api/v1/rectification-orders', payload: body });
const getOrder = (s: Session, id: string) => t.as(s, { method: 'GET', url: `/api/v1/rectification-orders/${id}` });
const followUp = (s: Session, id: string, ifMatch: string | null, body: Record<string, unknown>) =>
  t.as(s, {
    method: 'POST',
    url: `/api/v1/rectification-orders/${id}/follow-up`,
    headers: ifMatch === null ? {} : { 'if-match': ifMatch },
    payload: body,
  });
const enforce = (s: Session, id: string, body: Record<string, unknown>) =>
  t.as(s, { method: 'POST', url: `/api/v1/rectification-orders/${id}/enforcements`, payload: body });
const giveBack = (s: Session, id: string, body: Record<string, unknown>) =>
  t.as(s, { method: 'POST', url: `/api/v1/enforcements/${id}/return`, payload: body });

async function issued(s: Session, over: Record<string, unknown> = {}): Promise<TOrderDetail> {
  const res = await issue(s, orderBody(over));
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** An order whose deadline has passed and whose follow-up found it not complied. */
async function notComplied(over: Record<string, unknown> = {}): Promise<TOrderDetail> {
  const o = await issued(inspector, { deadline: at(60_000), ...over });
  t.clock.advance(61_000);
  const res = await followUp(inspector, o.id, `"${o.version}"`, { result: 'not_complied', note: '复查时仍在店外经营' });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** The bytes of one member of a zip archive (a .docx), read from the central directory. */
function zipEntry(zip: Buffer, name: string): Buffer {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'not a zip');
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    assert.equal(zip.readUInt32LE(p), 0x02014b50);
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const entryName = zip.toString('utf8', p + 46, p + 46 + nameLen);
    if (entryName === name) {
      const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(dataStart, dataStart + size);
      return method === 0 ? Buffer.from(data) : inflateRawSync(data);
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  return assert.fail(`${name} not in the archive`);
}

/** The visible text of a WordprocessingML part, paragraph by paragraph. */
function paragraphsOf(xml: string): string[] {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) =>
    [...m[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((x) => x[1]).join(''),
  );
}

/** Sessions end after 30 idle minutes: after moving the clock far, everyone logs in again. */
async function loginAll(): Promise<void> {
  inspector = await t.login('inspector');
  unitHead = await t.login('unit_head');
  unitStaff = await t.login('unit_staff');
  fieldWorker = await t.login('field_worker');
}
async function setClock(iso: string): Promise<void> {
  t.clock.set(iso);
  await loginAll();
}

before(async () => {
  t = await createTestApp();
  await loginAll();
  tenantId = inspector.info.user.tenant.id;
  const admin = await t.login('sys_admin');
  for (const u of (await t.as(admin, { method: 'GET', url: '/api/v1/org/units' })).json().items as {
    id: string;
    name: string;
  }[])
    unitIds.set(u.name, u.id);
});
after(() => t.close());

describe('issuing an order: validation', () => {
  test('a well-formed order is numbered, stored with one audit event, and comes back with ETag = version', async () => {
    const n = await auditCount();
    const res = await issue(unitStaff, orderBody());
    assert.equal(res.statusCode, 201, res.body);
    const o = res.json() as TOrderDetail;
    assert.match(o.number, /^经开城管责改〔2026〕第\d{4}号$/);
    assert.equal(o.status, 'issued');
    assert.equal(o.version, 1);
    assert.equal(res.headers.etag, '"1"');
    assert.equal(o.issuingUnitName, '李南岗社区');
    assert.equal(o.party.licenceNo, '91350100M000100Y43');
    assert.deepEqual(o.enforcements, []);
    assert.equal(await auditCount(), n + 1);
    assert.deepEqual(await lastAudit(), { action: 'inspections.orders.issue', object_id: o.id });
  });

  test('a licence number that fails the GB 32100 checksum is refused, naming the field', async () => {
    const res = await issue(
      unitStaff,
      orderBody({ party: { name: 'x', address: 'y', licenceNo: '91350100M000100Y44' } }),
    );
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().details[0].field, 'body.party.licenceNo');
    assert.match(res.json().details[0].message, /校验位/);
  });

  test('a deadline not after now is refused', async () => {
    for (const deadline of [at(-HOUR), t.clock.now().toISOString()]) {
      const res = await issue(unitStaff, orderBody({ deadline }));
      assert.equal(res.statusCode, 400, deadline);
      assert.equal(res.json().details[0].field, 'body.deadline');
    }
  });

  test('an unknown case, or one the caller cannot see, answers 404; a visible one links', async () => {
    const n = await auditCount();
    const missing = await issue(unitStaff, orderBody({ caseId: randomUUID() }));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'NOT_FOUND');
    const jiulongCase = await makeCase('九龙社区');
    assert.equal((await issue(unitStaff, orderBody({ caseId: jiulongCase }))).statusCode, 404);
    assert.equal(await auditCount(), n, 'nothing stored');
    const own = await makeCase('李南岗社区');
    const ok = await issue(unitStaff, orderBody({ caseId: own }));
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(ok.json().caseId, own);
    assert.match(ok.json().caseNumber, /^2026-/);
  });

  test('an issuing unit outside the caller’s scope is refused', async () => {
    const res = await issue(unitStaff, orderBody({ issuingUnitId: unit('九龙办事处') }));
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().details[0].field, 'body.issuingUnitId');
    // …while a tenant-wide inspector may issue for any unit.
    assert.equal((await issue(inspector, orderBody({ issuingUnitId: unit('九龙办事处') }))).statusCode, 201);
  });

  test('roles without inspections.write cannot issue', async () => {
    assert.equal((await issue(fieldWorker, orderBody())).statusCode, 403);
  });
});

describe('numbering', () => {
  test('20 concurrent issues get 20 distinct, consecutive numbers', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => issue(inspector, orderBody())));
    for (const r of results) assert.equal(r.statusCode, 201, r.body);
    const seqs = results.map((r) => (r.json() as TOrderDetail).seq).sort((a, b) => a - b);
    assert.equal(new Set(seqs).size, 20);
    const first = seqs[0] ?? 0;
    assert.deepEqual(
      seqs,
      Array.from({ length: 20 }, (_, i) => first + i),
    );
    for (const r of results) {
      const o = r.json() as TOrderDetail;
      assert.equal(o.number, `经开城管责改〔2026〕第${String(o.seq).padStart(4, '0')}号`);
    }
    const counter = await one<{ last: number }>(
      sql`select last from number_sequences where tenant_id = ${tenantId} and kind = 'rectification_order' and year = 2026`,
    );
    assert.equal(counter.last, seqs[19]);
  });

  test('a refused order does not use up a number', async () => {
    const before = (await issued(inspector)).seq;
    assert.equal((await issue(inspector, orderBody({ caseId: randomUUID() }))).statusCode, 404);
    assert.equal((await issued(inspector)).seq, before + 1);
  });
});

describe('the printed notice (.docx)', () => {
  test('is a Word file naming the number, the party, the deadline and the legal basis, in the 9704 layout', async () => {
    const o = await issued(unitStaff, { deadline: '2026-04-18T18:00:00+08:00' });
    const res = await t.as(fieldWorker, { method: 'GET', url: `/api/v1/rectification-orders/${o.id}/docx` });
    assert.equal(res.statusCode, 200);
    assert.equal(
      res.headers['content-type'],
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    assert.match(String(res.headers['content-disposition']), /filename\*=UTF-8''%E8%B4%A3/);
    const xml = zipEntry(res.rawPayload, 'word/document.xml').toString('utf8');
    const paras = paragraphsOf(xml);
    const text = paras.join('\n');
    assert.ok(text.includes(o.number), 'number');
    assert.ok(text.includes('四大街张记餐馆'), 'party');
    assert.ok(text.includes('91350100M000100Y43'), 'licence');
    assert.ok(text.includes('2026年4月18日'), 'deadline');
    assert.ok(text.includes('《城市市容和环境卫生管理条例》第十四条'), 'legal basis');
    assert.ok(text.includes('经查，你（单位）于2026年4月15日'), 'facts with full-width punctuation');
    assert.ok(text.includes('（一）清除店外摆放的货架和遮阳伞。'), 'numbered requirements');
    assert.ok(text.includes('陈述、申辩'), 'the right to state objections');
    assert.ok(paras.includes('经开区李南岗社区'), 'issuing authority');
    assert.ok(paras.includes('2026年4月15日'), 'date of issue');
    assert.ok(paras.includes('送达回证'), 'receipt page');
    assert.ok(text.includes('受送达人签名或盖章'), 'signature line for the party');
    // A4, margins 37/35/28/26 mm (twips), 三号 仿宋 body and 二号 小标宋 title.
    assert.match(xml, /<w:pgSz w:w="11906" w:h="16838"/);
    assert.match(xml, /<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587"/);
    assert.match(xml, /w:eastAsia="仿宋_GB2312"/);
    assert.match(xml, /w:eastAsia="方正小标宋简体"[^>]*\/>(?:<[^>]+>)*?<w:sz w:val="44"\/>/);
    const footer = zipEntry(res.rawPayload, 'word/footer1.xml').toString('utf8');
    assert.match(footer, /PAGE/);
  });

  test('a short notice is tightened to one page; a long one runs on at 28.95 pt with its tail kept together', async () => {
    const docOf = async (facts: string) => {
      const o = await issued(unitStaff, { facts });
      const res = await t.as(unitStaff, { method: 'GET', url: `/api/v1/rectification-orders/${o.id}/docx` });
      return zipEntry(res.rawPayload, 'word/document.xml').toString('utf8');
    };
    const pitches = (xml: string) => new Set([...xml.matchAll(/w:line="(\d+)" w:lineRule="exact"/g)].map((m) => m[1]));
    const short = await docOf('在店外摆放货架');
    assert.deepEqual([...pitches(short)], ['579'], 'fits in 22 lines at the standard pitch');
    const medium = await docOf('于2026年4月15日上午在第四大街农贸市场北侧门店外摆放货架、遮阳伞和桌椅,'.repeat(2));
    const [p] = [...pitches(medium)].map(Number);
    assert.ok(p !== undefined && p < 579 && p >= 480, `tightened pitch ${p}`);
    const long = await docOf('在店外摆放货架、遮阳伞和桌椅,占用人行道经营。'.repeat(40));
    assert.deepEqual([...pitches(long)], ['579']);
    // The objection sentence, the handler, the signature and the date keep with the next paragraph.
    assert.ok((long.match(/<w:keepNext\/>/g) ?? []).length >= 5);
  });

  test('outside the caller’s scope: 404', async () => {
    const o = await issued(inspector, { issuingUnitId: unit('九龙办事处') });
    const res = await t.as(fieldWorker, { method: 'GET', url: `/api/v1/rectification-orders/${o.id}/docx` });
    assert.equal(res.statusCode, 404);
  });
});

describe('follow-up with If-Match', () => {
  test('428 without If-Match, 412 when stale, 200 with the current version (which then moves on)', async () => {
    const o = await issued(unitStaff);
    const body = { result: 'complied', note: '已清除店外物品,人行道恢复通行' };
    const missing = await followUp(unitStaff, o.id, null, body);
    assert.equal(missing.statusCode, 428);
    assert.equal(missing.json().code, 'PRECONDITION_REQUIRED');
    const stale = await followUp(unitStaff, o.id, '"0"', body);
    assert.equal(stale.statusCode, 412);
    assert.equal(stale.json().code, 'PRECONDITION_FAILED');
    assert.equal((await getOrder(unitStaff, o.id)).json().status, 'issued', 'nothing changed');
    const n = await auditCount();
    const photo = await makeMedia();
    const ok = await followUp(unitStaff, o.id, (await getOrder(unitStaff, o.id)).headers.etag as string, {
      ...body,
      photos: [photo],
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().status, 'complied');
    assert.equal(ok.json().version, 2);
    assert.equal(ok.headers.etag, '"2"');
    assert.equal(ok.json().followUp.result, 'complied');
    assert.equal(ok.json().followUp.byName, '李南岗社区工作人员(演示)');
    assert.deepEqual(ok.json().followUp.photos, [photo]);
    assert.equal(await auditCount(), n + 1);
    assert.equal((await lastAudit()).action, 'inspections.orders.follow_up');
    // The old version is stale now; and a complied order takes no further follow-up.
    assert.equal((await followUp(unitStaff, o.id, '"1"', body)).statusCode, 412);
    assert.equal((await followUp(unitStaff, o.id, '"2"', body)).statusCode, 409);
  });

  test('"not complied" only once the deadline has passed', async () => {
    const o = await issued(unitStaff, { deadline: at(5 * 60_000) });
    const early = await followUp(unitStaff, o.id, '"1"', { result: 'not_complied', note: '仍在经营' });
    assert.equal(early.statusCode, 422);
    t.clock.advance(5 * 60_000 + 1000);
    const late = await followUp(unitStaff, o.id, '"1"', { result: 'not_complied', note: '仍在经营' });
    assert.equal(late.statusCode, 200, late.body);
    assert.equal(late.json().status, 'not_complied');
  });

  test('an overdue order without follow-up is flagged', async () => {
    const o = await issued(unitStaff, { deadline: at(5 * 60_000) });
    assert.equal((await getOrder(unitStaff, o.id)).json().overdue, false);
    t.clock.advance(5 * 60_000 + 1000);
    assert.equal((await getOrder(unitStaff, o.id)).json().overdue, true);
  });
});

describe('enforcement and returns', () => {
  const seizure = { kind: 'seizure', items: [{ name: '遮阳伞', quantity: 5, unit: '把' }], note: '暂扣经营工具' };

  test('enforcement only after the follow-up found the order not complied', async () => {
    const open = await issued(unitStaff);
    const refused = await enforce(unitStaff, open.id, seizure);
    assert.equal(refused.statusCode, 409);
    const o = await notComplied({ issuingUnitId: unit('李南岗社区') });
    const n = await auditCount();
    const res = await enforce(unitStaff, o.id, seizure);
    assert.equal(res.statusCode, 201, res.body);
    const rec = res.json() as TEnforcement;
    assert.equal(rec.kind, 'seizure');
    assert.deepEqual(rec.items, [{ name: '遮阳伞', quantity: 5, unit: '把', returnedQuantity: 0 }]);
    assert.equal(rec.returnState, 'none');
    assert.equal(await auditCount(), n + 1);
    const detail = (await getOrder(unitStaff, o.id)).json() as TOrderDetail;
    assert.equal(detail.enforcements.length, 1);
    assert.equal(detail.enforcementCount, 1);
  });

  test('a seizure needs an item list; duplicate item names are refused', async () => {
    const o = await notComplied();
    assert.equal((await enforce(inspector, o.id, { kind: 'seizure', items: [], note: '' })).statusCode, 400);
    const dup = await enforce(inspector, o.id, {
      kind: 'seizure',
      items: [
        { name: '货架', quantity: 1, unit: '个' },
        { name: '货架', quantity: 2, unit: '个' },
      ],
    });
    assert.equal(dup.statusCode, 400);
    assert.equal(dup.json().details[0].field, 'body.items.1.name');
  });

  test('partial returns add up; more than was taken is refused', async () => {
    const o = await notComplied();
    const rec = (
      await enforce(inspector, o.id, {
        kind: 'seizure',
        items: [
          { name: '遮阳伞', quantity: 5, unit: '把' },
          { name: '货架', quantity: 2, unit: '个' },
        ],
        note: '',
      })
    ).json() as TEnforcement;
    const tooMany = await giveBack(inspector, rec.id, {
      returnedTo: '张三',
      items: [{ name: '货架', returnedQuantity: 3 }],
    });
    assert.equal(tooMany.statusCode, 400);
    assert.equal(tooMany.json().details[0].field, 'body.items.0.returnedQuantity');
    const unknown = await giveBack(inspector, rec.id, {
      returnedTo: '张三',
      items: [{ name: '冰柜', returnedQuantity: 1 }],
    });
    assert.equal(unknown.statusCode, 400);
    const first = await giveBack(inspector, rec.id, {
      returnedTo: '张三',
      items: [{ name: '遮阳伞', returnedQuantity: 2 }],
    });
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().returnState, 'partial');
    assert.equal(first.json().returnedTo, '张三');
    // Two lines for the same item in one request count together: 2 + 2 > 3 left.
    const split = await giveBack(inspector, rec.id, {
      returnedTo: '张三',
      items: [
        { name: '遮阳伞', returnedQuantity: 2 },
        { name: '遮阳伞', returnedQuantity: 2 },
      ],
    });
    assert.equal(split.statusCode, 400);
    const rest = await giveBack(inspector, rec.id, {
      returnedTo: '李四(张三委托)',
      items: [
        { name: '遮阳伞', returnedQuantity: 3 },
        { name: '货架', returnedQuantity: 2 },
      ],
    });
    assert.equal(rest.statusCode, 200, rest.body);
    const done = rest.json() as TEnforcement;
    assert.equal(done.returnState, 'full');
    assert.deepEqual(
      done.items.map((i) => [i.name, i.returnedQuantity]),
      [
        ['遮阳伞', 5],
        ['货架', 2],
      ],
    );
    assert.equal(
      (await giveBack(inspector, rec.id, { returnedTo: '张三', items: [{ name: '货架', returnedQuantity: 1 }] }))
        .statusCode,
      400,
    );
  });

  test('only seizures hold items to return', async () => {
    const o = await notComplied();
    const fine = (
      await enforce(inspector, o.id, {
        kind: 'fine',
        items: [{ name: '罚款', quantity: 200, unit: '元' }],
        note: '',
      })
    ).json() as TEnforcement;
    const res = await giveBack(inspector, fine.id, { returnedTo: 'x', items: [{ name: '罚款', returnedQuantity: 1 }] });
    assert.equal(res.statusCode, 422);
  });
});

describe('the case timeline', () => {
  test('issuing, follow-up, enforcement and return each add a row with the next seq', async () => {
    const caseId = await makeCase('李南岗社区');
    const o = await issued(unitStaff, { caseId, deadline: at(60_000) });
    t.clock.advance(61_000);
    assert.equal((await followUp(unitStaff, o.id, '"1"', { result: 'not_complied', note: '未改正' })).statusCode, 200);
    const rec = (
      await enforce(unitStaff, o.id, {
        kind: 'seizure',
        items: [{ name: '货架', quantity: 2, unit: '个' }],
        note: '暂扣',
      })
    ).json() as TEnforcement;
    assert.equal(rec.caseId, caseId);
    assert.equal(
      (await giveBack(unitStaff, rec.id, { returnedTo: '张三', items: [{ name: '货架', returnedQuantity: 2 }] }))
        .statusCode,
      200,
    );
    const rows = rowsOf<{ seq: number; kind: string; actor_name: string; data: { action?: string; orderId?: string } }>(
      await db().execute(
        sql`select seq, kind, actor_name, data from case_events where tenant_id = ${tenantId} and case_id = ${caseId} order by seq`,
      ),
    );
    assert.deepEqual(
      rows.map((r) => [r.seq, r.kind, r.data.action ?? null]),
      [
        [1, 'created', null],
        [2, 'order', 'issued'],
        [3, 'order', 'follow_up'],
        [4, 'enforcement', 'taken'],
        [5, 'enforcement', 'returned'],
      ],
    );
    assert.equal(rows[1]?.data.orderId, o.id);
    assert.equal(rows[1]?.actor_name, '李南岗社区工作人员(演示)');
    const listed = await t.as(unitStaff, { method: 'GET', url: `/api/v1/rectification-orders?caseId=${caseId}` });
    assert.deepEqual(
      listed.json().items.map((x: { id: string }) => x.id),
      [o.id],
    );
  });

  test('concurrent writers on one case never collide on seq', async () => {
    const caseId = await makeCase('李南岗社区');
    const results = await Promise.all(Array.from({ length: 8 }, () => issue(unitStaff, orderBody({ caseId }))));
    for (const r of results) assert.equal(r.statusCode, 201, r.body);
    const seqs = rowsOf<{ seq: number }>(
      await db().execute(sql`select seq from case_events where case_id = ${caseId} order by seq`),
    ).map((r) => r.seq);
    assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('scope', () => {
  test('a community worker neither lists nor opens another subdistrict’s orders', async () => {
    const jiulong = await issued(inspector, {
      issuingUnitId: unit('九龙办事处'),
      party: { name: '九龙某超市', address: '九龙' },
    });
    const own = await issued(unitStaff, { party: { name: '李南岗某商店', address: '李南岗' } });
    assert.equal((await getOrder(fieldWorker, jiulong.id)).statusCode, 404);
    assert.equal((await getOrder(fieldWorker, own.id)).statusCode, 200);
    const list = await t.as(fieldWorker, { method: 'GET', url: '/api/v1/rectification-orders?pageSize=200' });
    const units = new Set(list.json().items.map((o: { issuingUnitName: string }) => o.issuingUnitName));
    assert.deepEqual([...units], ['李南岗社区']);
    const head = await t.as(unitHead, { method: 'GET', url: '/api/v1/rectification-orders?q=九龙某超市' });
    assert.equal(head.json().total, 0);
    const all = await t.as(inspector, { method: 'GET', url: '/api/v1/rectification-orders?q=九龙某超市' });
    assert.equal(all.json().total, 1);
  });

  test('list filters: status and free text (number, party, licence)', async () => {
    const o = await issued(unitStaff, { party: { name: '过滤测试五金店', address: '经北六路' } });
    const byNumber = await t.as(unitStaff, {
      method: 'GET',
      url: `/api/v1/rectification-orders?q=${encodeURIComponent(o.number.slice(-6))}`,
    });
    assert.ok(byNumber.json().items.some((x: { id: string }) => x.id === o.id));
    const byName = await t.as(unitStaff, {
      method: 'GET',
      url: `/api/v1/rectification-orders?q=${encodeURIComponent('五金')}`,
    });
    assert.deepEqual(
      byName.json().items.map((x: { id: string }) => x.id),
      [o.id],
    );
    const complied = await t.as(unitStaff, {
      method: 'GET',
      url: '/api/v1/rectification-orders?status=complied&pageSize=200',
    });
    assert.ok(complied.json().items.every((x: { status: string }) => x.status === 'complied'));
    assert.ok(!complied.json().items.some((x: { id: string }) => x.id === o.id));
  });
});

describe('field operations', () => {
  const op = (s: Session, body: Record<string, unknown>) =>
    t.as(s, { method: 'POST', url: '/api/v1/field-operations', payload: body });

  test('validation: future date, a grid outside scope, an unknown case, unknown photos', async () => {
    await setClock('2026-04-20T02:00:00Z');
    const base = { opDate: '2026-04-17', title: '铁路沿线垃圾清理', unitId: unit('李南岗社区'), personTimes: 12 };
    const future = await op(unitStaff, { ...base, opDate: '2026-04-21' });
    assert.equal(future.statusCode, 400);
    assert.equal(future.json().details[0].field, 'body.opDate');
    const jiulongCell = await cell('410171002001001');
    const outside = await op(unitStaff, { ...base, gridIds: [await cell('410171001001001'), jiulongCell] });
    assert.equal(outside.statusCode, 400);
    assert.equal(outside.json().details[0].field, 'body.gridIds.1');
    assert.equal((await op(unitStaff, { ...base, caseIds: [randomUUID()] })).statusCode, 404);
    const photos = await op(unitStaff, { ...base, photos: [randomUUID()] });
    assert.equal(photos.statusCode, 400);
    assert.equal(photos.json().details[0].field, 'body.photos.0');
    assert.equal((await op(unitStaff, { ...base, personTimes: 0 })).statusCode, 400);
    assert.equal(
      (await op(unitStaff, { ...base, results: [{ item: '清理垃圾', quantity: 0, unit: 'm³' }] })).statusCode,
      400,
    );
    assert.equal((await op(unitStaff, { ...base, unitId: unit('九龙社区') })).statusCode, 400);
  });

  test('create, list and summary: the article’s operations add up per unit', async () => {
    await setClock('2026-04-20T02:00:00Z');
    const caseId = await makeCase('李南岗社区');
    const n = await auditCount();
    const railway = await op(unitStaff, {
      opDate: '2026-04-17',
      title: '李南岗铁路沿线积存垃圾清理',
      unitId: unit('李南岗社区'),
      gridIds: [await cell('410171001001001')],
      personTimes: 12,
      equipment: [
        { type: '铲车', count: 1 },
        { type: '三轮车', count: 2 },
      ],
      results: [{ item: '清理垃圾', quantity: 200, unit: 'm³' }],
      caseIds: [caseId],
      note: '环卫工 10 余人',
    });
    assert.equal(railway.statusCode, 201, railway.body);
    const r = railway.json() as TFieldOp;
    assert.equal(r.unitName, '李南岗社区');
    assert.equal(r.grids[0]?.code, '410171001001001');
    assert.equal(r.cases[0]?.id, caseId);
    assert.equal(await auditCount(), n + 1);
    assert.equal((await lastAudit()).action, 'inspections.field_ops.create');
    const ads = await op(unitHead, {
      opDate: '2026-04-17',
      title: '八大街经北六路广告清理',
      unitId: unit('明湖办事处市容劝导中队'),
      personTimes: 8,
      equipment: [{ type: '三轮车', count: 1 }],
      results: [
        { item: '清理小广告', quantity: 30, unit: '处' },
        { item: '清理小广告', quantity: 6, unit: '处' },
      ],
    });
    assert.equal(ads.statusCode, 201, ads.body);
    assert.deepEqual(ads.json().results, [{ item: '清理小广告', quantity: 36, unit: '处' }], 'same item+unit merged');
    const shops = await op(inspector, {
      opDate: '2026-04-16',
      title: '九龙突店经营集中整治',
      unitId: unit('九龙办事处'),
      personTimes: 30,
      results: [{ item: '整治出店经营', quantity: 20, unit: '处' }],
    });
    assert.equal(shops.statusCode, 201);
    const chaohe = await op(inspector, {
      opDate: '2026-03-30',
      title: '107辅道垃圾清理',
      unitId: unit('潮河办事处'),
      personTimes: 6,
      equipment: [{ type: '推土机', count: 1 }],
      results: [{ item: '清理垃圾', quantity: 15.5, unit: '吨' }],
    });
    assert.equal(chaohe.statusCode, 201);

    const sum = (
      await t.as(inspector, {
        method: 'GET',
        url: '/api/v1/field-operations/summary?from=2026-04-01&to=2026-04-30',
      })
    ).json() as TFieldOpSummary;
    assert.equal(sum.totals.operations, 3);
    assert.equal(sum.totals.personTimes, 50);
    assert.deepEqual(sum.totals.equipment, [
      { type: '三轮车', count: 3 },
      { type: '铲车', count: 1 },
    ]);
    assert.deepEqual(
      sum.totals.results.map((x) => `${x.item} ${x.quantity}${x.unit}`).sort(),
      ['整治出店经营 20处', '清理垃圾 200m³', '清理小广告 36处'].sort(),
    );
    assert.deepEqual(sum.units.map((u) => [u.unitName, u.operations, u.personTimes]).sort(), [
      ['九龙办事处', 1, 30],
      ['明湖办事处市容劝导中队', 1, 8],
      ['李南岗社区', 1, 12],
    ]);

    // The unit head of 明湖 sees 明湖's units only; March holds 潮河's operation.
    const mine = (
      await t.as(unitHead, {
        method: 'GET',
        url: '/api/v1/field-operations/summary?from=2026-04-01&to=2026-04-30',
      })
    ).json() as TFieldOpSummary;
    assert.equal(mine.totals.operations, 2);
    assert.equal(mine.totals.personTimes, 20);
    const march = (
      await t.as(inspector, {
        method: 'GET',
        url: '/api/v1/field-operations/summary?from=2026-03-01&to=2026-03-31',
      })
    ).json() as TFieldOpSummary;
    assert.deepEqual(march.totals.results, [{ item: '清理垃圾', unit: '吨', quantity: 15.5 }]);
    // Default period: this month up to today.
    const dflt = (await t.as(inspector, { method: 'GET', url: '/api/v1/field-operations/summary' })).json();
    assert.deepEqual([dflt.from, dflt.to], ['2026-04-01', '2026-04-20']);
    assert.equal(
      (await t.as(inspector, { method: 'GET', url: '/api/v1/field-operations/summary?from=2026-05-01&to=2026-04-01' }))
        .statusCode,
      400,
    );

    const list = await t.as(unitStaff, {
      method: 'GET',
      url: '/api/v1/field-operations?from=2026-04-17&to=2026-04-17',
    });
    assert.deepEqual(
      list.json().items.map((x: TFieldOp) => x.title),
      ['李南岗铁路沿线积存垃圾清理'],
    );
    const byUnit = await t.as(inspector, {
      method: 'GET',
      url: `/api/v1/field-operations?unitId=${unit('九龙办事处')}`,
    });
    assert.ok(byUnit.json().items.every((x: TFieldOp) => x.unitName === '九龙办事处'));
    assert.ok(byUnit.json().total >= 1);

    // An edit changes the summary and is audited once; an edit that changes nothing is not.
    const before = await auditCount();
    const patched = await t.as(unitStaff, {
      method: 'PATCH',
      url: `/api/v1/field-operations/${r.id}`,
      payload: { personTimes: 15, results: [{ item: '清理垃圾', quantity: 210, unit: 'm³' }] },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(await auditCount(), before + 1);
    assert.equal((await lastAudit()).action, 'inspections.field_ops.update');
    const same = await t.as(unitStaff, {
      method: 'PATCH',
      url: `/api/v1/field-operations/${r.id}`,
      payload: { personTimes: 15 },
    });
    assert.equal(same.statusCode, 200);
    assert.equal(await auditCount(), before + 1);
    const after = (
      await t.as(inspector, {
        method: 'GET',
        url: '/api/v1/field-operations/summary?from=2026-04-01&to=2026-04-30',
      })
    ).json() as TFieldOpSummary;
    assert.equal(after.totals.personTimes, 53);
    assert.ok(after.totals.results.some((x) => x.item === '清理垃圾' && x.unit === 'm³' && x.quantity === 210));
    // Moving it to a unit outside the editor's scope is refused.
    const away = await t.as(unitStaff, {
      method: 'PATCH',
      url: `/api/v1/field-operations/${r.id}`,
      payload: { unitId: unit('九龙社区') },
    });
    assert.equal(away.statusCode, 400);
  });
});

/**
 * Rectification orders (责令改正通知书): issue with a per-tenant, per-year number, print, follow up,
 * enforce (暂扣 …) and return seized items; field operations (整治行动) and their period summary.
 * Every change is one transaction with one audit event (and a case-timeline row when a case is linked).
 */
import { randomUUID } from 'node:crypto';
import {
  STATEMENT_DAYS,
  type TCreateEnforcement,
  type TCreateFieldOp,
  type TCreateOrder,
  type TEnforcement,
  type TEnforcementItem,
  type TEnforcementKind,
  type TFieldOp,
  type TFieldOpListQuery,
  type TFieldOpSummary,
  type TFieldOpTotals,
  type TFollowUp,
  type TOrder,
  type TOrderDetail,
  type TOrderListQuery,
  type TOrderStatus,
  type TPatchFieldOp,
  type TReturnItems,
} from '../../../common/inspections.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import { loadWorkCalendar } from '../calendar/index.ts';
import { appendCaseEvent, nextNumber } from '../cases/index.ts';
import { mediaByIds } from '../media/index.ts';
import { cn, type NoticeModel, renderNoticeDocx } from './inspections.docx.ts';
import { canSeeCase, canSeeUnit, canUseCell, scopePaths } from './inspections.policy.ts';
import * as repo from './inspections.repo.ts';

export const ORDER_SEQUENCE_KIND = 'rectification_order';

// ---- Dates in the tenant's zone ----

function localParts(d: Date, timeZone: string): { y: number; m: number; d: number } {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day) };
}

/** 'YYYY-MM-DD' of an instant in a zone. */
export function localDate(d: Date, timeZone: string): string {
  const p = localParts(d, timeZone);
  return `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

/** 2026年4月20日 (GB/T 9704: Arabic numerals, year in full, no leading zeros). */
export function chineseDate(d: Date, timeZone: string): string {
  const p = localParts(d, timeZone);
  return `${p.y}年${p.m}月${p.d}日`;
}

const timeZoneOf = async (deps: Deps, tenantId: string) => (await loadWorkCalendar(deps, tenantId)).timeZone;

// ---- Numbering ----

/**
 * The 机关代字 of the tenant's orders: the tenant's short name (经开区 → 经开) + 城管责改. One counter per
 * tenant and year, so the prefix is the tenant's and not the issuing unit's: numbers stay consecutive
 * under one prefix; the issuing unit is named on the document itself.
 */
export function orderNumberPrefix(tenantName: string): string {
  const short = tenantName.length > 2 ? tenantName.replace(/[区县市]$/, '') : tenantName;
  return `${short}城管责改`;
}

/** 经开城管责改〔2026〕第0001号 */
export function orderNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}\u3014${year}\u3015第${String(seq).padStart(4, '0')}号`;
}

// ---- Validation helpers ----

const issue = (field: string, message: string) => new AppError('VALIDATION_FAILED', message, [{ field, message }]);

async function unitInScope(actor: Actor, deps: Deps, unitId: string, field: string): Promise<repo.UnitRef> {
  const [u] = await repo.unitsByIds(deps.database.db, actor.tenantId, [unitId]);
  if (!u || !canSeeUnit(actor, u.path)) throw issue(field, '单位不存在或不在管辖范围内');
  return u;
}

async function cellsInScope(actor: Actor, deps: Deps, ids: string[], field: string): Promise<repo.CellRef[]> {
  const unique = [...new Set(ids)];
  const found = await repo.cellsByIds(deps.database.db, actor.tenantId, unique);
  const issues = unique.flatMap((id) => {
    const c = found.find((f) => f.id === id);
    return c && canUseCell(actor, c.unitPath)
      ? []
      : [{ field: `${field}.${ids.indexOf(id)}`, message: `网格 ${id} 不存在或不在管辖范围内` }];
  });
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', issues.map((i) => i.message).join(';'), issues);
  return unique.map((id) => found.find((f) => f.id === id) as repo.CellRef);
}

/** Cases the caller can see; any other id answers 404 (not there and not yours look the same). */
async function visibleCases(actor: Actor, deps: Deps, ids: string[]): Promise<repo.CaseRef[]> {
  const unique = [...new Set(ids)];
  const found = await repo.casesByIds(deps.database.db, actor.tenantId, unique);
  for (const id of unique) {
    const c = found.find((f) => f.id === id);
    if (!c || !canSeeCase(actor, c)) throw notFound('案件');
  }
  return unique.map((id) => found.find((f) => f.id === id) as repo.CaseRef);
}

async function photosExist(actor: Actor, deps: Deps, ids: string[] | undefined, field: string): Promise<string[]> {
  const unique = [...new Set(ids ?? [])];
  const have = new Set((await mediaByIds(deps.database.db, actor.tenantId, unique)).map((m) => m.id));
  const issues = unique
    .filter((id) => !have.has(id))
    .map((id) => ({ field: `${field}.${(ids ?? []).indexOf(id)}`, message: `照片 ${id} 不存在` }));
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', issues.map((i) => i.message).join(';'), issues);
  return unique;
}

// ---- Mapping ----

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toEnforcement(r: { rec: repo.EnforcementRow; takenByName: string | null }): TEnforcement {
  const items: TEnforcementItem[] = r.rec.items.map((i) => ({
    name: i.name,
    quantity: i.quantity,
    unit: i.unit,
    returnedQuantity: i.returnedQuantity ?? 0,
  }));
  const returned = items.reduce((s, i) => s + i.returnedQuantity, 0);
  const full = items.length > 0 && items.every((i) => i.returnedQuantity >= i.quantity);
  return {
    id: r.rec.id,
    orderId: r.rec.orderId,
    caseId: r.rec.caseId,
    kind: r.rec.kind as TEnforcementKind,
    items,
    note: r.rec.note,
    photos: r.rec.photos,
    takenAt: r.rec.takenAt.toISOString(),
    takenBy: r.rec.takenBy,
    takenByName: r.takenByName,
    returnedAt: iso(r.rec.returnedAt),
    returnedTo: r.rec.returnedTo,
    returnState: full ? 'full' : returned > 0 ? 'partial' : 'none',
  };
}

function toOrder(r: repo.OrderWithRefs, now: Date, names: Map<string, string>): TOrder {
  const o = r.order;
  const f = o.followUp;
  return {
    id: o.id,
    number: o.number,
    year: o.year,
    seq: o.seq,
    caseId: o.caseId,
    caseNumber: r.caseNumber,
    party: {
      name: o.party.name,
      address: o.party.address,
      contact: o.party.contact ?? null,
      phone: o.party.phone ?? null,
      licenceNo: o.party.licenceNo ?? null,
    },
    facts: o.facts,
    legalBasis: o.legalBasis,
    requiredActions: o.requiredActions,
    deadline: o.deadline.toISOString(),
    issuingUnitId: o.issuingUnitId,
    issuingUnitName: r.unitName,
    issuedBy: o.issuedBy,
    issuedByName: r.issuedByName,
    issuedAt: o.issuedAt.toISOString(),
    status: o.status as TOrderStatus,
    overdue: o.status === 'issued' && o.deadline.getTime() < now.getTime(),
    followUp: f
      ? {
          at: f.at,
          by: f.by,
          byName: names.get(f.by) ?? null,
          result: f.result,
          note: f.note ?? null,
          photos: f.photos ?? [],
        }
      : null,
    enforcementCount: r.enforcementCount,
    version: o.version,
    updatedAt: o.updatedAt.toISOString(),
  };
}

// ---- Rectification orders ----

async function visibleOrder(actor: Actor, deps: Deps, id: string): Promise<repo.OrderWithRefs> {
  const r = await repo.getOrder(deps.database.db, actor.tenantId, id);
  if (!r || !canSeeUnit(actor, r.unitPath)) throw notFound('责令改正通知书');
  return r;
}

/** One order with its enforcement records (inspections.read; 404 outside the caller's scope). */
export async function getOrder(actor: Actor, deps: Deps, id: string): Promise<TOrderDetail> {
  const r = await visibleOrder(actor, deps, id);
  const db = deps.database.db;
  const [recs, names] = await Promise.all([
    repo.enforcementsOf(db, actor.tenantId, id),
    repo.userNames(db, actor.tenantId, r.order.followUp ? [r.order.followUp.by] : []),
  ]);
  return { ...toOrder(r, deps.clock.now(), names), enforcements: recs.map(toEnforcement) };
}

/** Orders whose issuing unit is in the caller's scope, newest first (inspections.read). */
export async function listOrders(actor: Actor, deps: Deps, q: TOrderListQuery) {
  const db = deps.database.db;
  const { rows, total } = await repo.listOrders(
    db,
    actor.tenantId,
    scopePaths(actor),
    { status: q.status, caseId: q.caseId, q: q.q },
    (q.page - 1) * q.pageSize,
    q.pageSize,
  );
  const names = await repo.userNames(
    db,
    actor.tenantId,
    rows.flatMap((r) => (r.order.followUp ? [r.order.followUp.by] : [])),
  );
  const now = deps.clock.now();
  return { items: rows.map((r) => toOrder(r, now, names)), total, page: q.page, pageSize: q.pageSize };
}

/**
 * Issue a 责令改正通知书 (inspections.write): the issuing unit must be in the caller's scope, the case
 * (if any) visible, the deadline in the future. The number is taken inside the transaction.
 */
export async function issueOrder(actor: Actor, deps: Deps, input: TCreateOrder): Promise<TOrderDetail> {
  const now = deps.clock.now();
  const deadline = new Date(input.deadline);
  if (deadline.getTime() <= now.getTime()) throw issue('body.deadline', '整改期限必须晚于当前时间');
  const unit = await unitInScope(actor, deps, input.issuingUnitId, 'body.issuingUnitId');
  const [linked] = input.caseId ? await visibleCases(actor, deps, [input.caseId]) : [];
  const timeZone = await timeZoneOf(deps, actor.tenantId);
  const year = localParts(now, timeZone).y;
  const prefix = orderNumberPrefix(actor.tenantName);
  const id = randomUUID();
  await deps.database.db.transaction(async (tx) => {
    const seq = await nextNumber(tx, actor.tenantId, ORDER_SEQUENCE_KIND, year);
    const number = orderNumber(prefix, year, seq);
    await repo.insertOrder(tx, {
      tenantId: actor.tenantId,
      id,
      caseId: linked?.id ?? null,
      year,
      seq,
      number,
      party: input.party,
      facts: input.facts,
      legalBasis: input.legalBasis,
      requiredActions: input.requiredActions,
      deadline,
      issuingUnitId: unit.id,
      issuedBy: actor.userId,
      issuedAt: now,
      status: 'issued',
      followUp: null,
      version: 1,
      updatedAt: now,
    });
    if (linked) {
      await appendCaseEvent(tx, actor.tenantId, linked.id, {
        at: now,
        actorId: actor.userId,
        actorName: actor.displayName,
        kind: 'order',
        note: `下达责令改正通知书 ${number},当事人:${input.party.name},限期至 ${chineseDate(deadline, timeZone)}`,
        photos: [],
        data: { action: 'issued', orderId: id, number, deadline: deadline.toISOString(), party: input.party.name },
      });
    }
    await recordAudit(tx, deps.clock, actor, {
      action: 'inspections.orders.issue',
      objectType: 'rectification_order',
      objectId: id,
      details: {
        number,
        party: input.party.name,
        licenceNo: input.party.licenceNo ?? null,
        issuingUnitId: unit.id,
        caseId: linked?.id ?? null,
        deadline: deadline.toISOString(),
      },
    });
  });
  return getOrder(actor, deps, id);
}

/** The issuing authority as printed: the unit's name, with the tenant's in front unless it already is. */
function authorityName(tenantName: string, unitName: string): string {
  return unitName.startsWith(tenantName) ? unitName : `${tenantName}${unitName}`;
}

/** The printable notice as .docx (inspections.read; 404 outside scope). */
export async function orderDocx(
  actor: Actor,
  deps: Deps,
  id: string,
): Promise<{ fileName: string; bytes: Buffer; model: NoticeModel }> {
  const r = await visibleOrder(actor, deps, id);
  const o = r.order;
  const timeZone = await timeZoneOf(deps, actor.tenantId);
  const handler = await repo.userContact(deps.database.db, actor.tenantId, o.issuedBy);
  const model: NoticeModel = {
    authority: authorityName(actor.tenantName, r.unitName),
    number: o.number,
    party: {
      name: o.party.name,
      address: o.party.address,
      contact: o.party.contact ?? null,
      phone: o.party.phone ?? null,
      licenceNo: o.party.licenceNo ?? null,
    },
    facts: o.facts,
    legalBasis: o.legalBasis,
    requiredActions: o.requiredActions.split(/\r?\n/),
    deadlineText: chineseDate(o.deadline, timeZone),
    issuedDateText: chineseDate(o.issuedAt, timeZone),
    handler: { name: handler?.name ?? '', phone: handler?.phone ?? null },
    statementDays: STATEMENT_DAYS,
  };
  const bytes = await renderNoticeDocx(model);
  return { fileName: `责令改正通知书-${cn(o.number)}-${o.party.name}.docx`, bytes, model };
}

/** The version an If-Match header names: 428 without one, 412 when it does not name the current version. */
function expectedVersion(ifMatch: string | undefined): string {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    throw new AppError('PRECONDITION_REQUIRED', '缺少 If-Match 请求头:请先读取通知书,并带上其版本号(ETag)提交');
  }
  return ifMatch
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
}

/**
 * Record the follow-up inspection (复查) of an order (inspections.write, If-Match version): complied
 * closes it; not complied (only once the deadline has passed) opens the way to enforcement.
 */
export async function followUp(
  actor: Actor,
  deps: Deps,
  id: string,
  ifMatch: string | undefined,
  input: TFollowUp,
): Promise<TOrderDetail> {
  const wanted = expectedVersion(ifMatch);
  await visibleOrder(actor, deps, id);
  const photos = await photosExist(actor, deps, input.photos, 'body.photos');
  const now = deps.clock.now();
  await deps.database.db.transaction(async (tx) => {
    const locked = await repo.lockOrder(tx, actor.tenantId, id);
    if (!locked || !canSeeUnit(actor, locked.unitPath)) throw notFound('责令改正通知书');
    const o = locked.order;
    if (String(o.version) !== wanted) {
      throw new AppError('PRECONDITION_FAILED', `通知书已被他人修改(当前版本 ${o.version}),请刷新后重试`, {
        currentVersion: o.version,
      });
    }
    if (o.status !== 'issued' && o.status !== 'not_complied') {
      throw new AppError('CONFLICT', `通知书状态为「${o.status === 'complied' ? '已改正' : '已撤销'}」,不能再复查`);
    }
    if (input.result === 'not_complied' && now.getTime() < o.deadline.getTime()) {
      throw new AppError('UNPROCESSABLE', '整改期限尚未届满,不能认定逾期未改正', [
        { field: 'body.result', message: '整改期限尚未届满' },
      ]);
    }
    await repo.setOrderFollowUp(tx, actor.tenantId, id, {
      status: input.result,
      followUp: { at: now.toISOString(), by: actor.userId, result: input.result, note: input.note, photos },
      updatedAt: now,
    });
    if (o.caseId) {
      await appendCaseEvent(tx, actor.tenantId, o.caseId, {
        at: now,
        actorId: actor.userId,
        actorName: actor.displayName,
        kind: 'order',
        note: `复查 ${o.number}:${input.result === 'complied' ? '已改正' : '逾期未改正'}。${input.note}`,
        photos,
        data: { action: 'follow_up', orderId: id, number: o.number, result: input.result },
      });
    }
    await recordAudit(tx, deps.clock, actor, {
      action: 'inspections.orders.follow_up',
      objectType: 'rectification_order',
      objectId: id,
      details: { number: o.number, from: o.status, to: input.result, photos: photos.length },
    });
  });
  return getOrder(actor, deps, id);
}

/** Record an enforcement measure (暂扣, 罚款 …) on an order found not complied (inspections.write). */
export async function addEnforcement(
  actor: Actor,
  deps: Deps,
  orderId: string,
  input: TCreateEnforcement,
): Promise<TEnforcement> {
  await visibleOrder(actor, deps, orderId);
  const photos = await photosExist(actor, deps, input.photos, 'body.photos');
  const now = deps.clock.now();
  const id = randomUUID();
  await deps.database.db.transaction(async (tx) => {
    const locked = await repo.lockOrder(tx, actor.tenantId, orderId);
    if (!locked || !canSeeUnit(actor, locked.unitPath)) throw notFound('责令改正通知书');
    const o = locked.order;
    if (o.status !== 'not_complied') {
      throw new AppError('CONFLICT', '只有经复查逾期未改正的通知书才能采取强制措施');
    }
    const items = input.items.map((i) => ({ ...i, returnedQuantity: 0 }));
    await repo.insertEnforcement(tx, {
      tenantId: actor.tenantId,
      id,
      orderId,
      caseId: o.caseId,
      kind: input.kind,
      items,
      note: input.note || null,
      photos,
      takenAt: now,
      takenBy: actor.userId,
      createdAt: now,
    });
    if (o.caseId) {
      await appendCaseEvent(tx, actor.tenantId, o.caseId, {
        at: now,
        actorId: actor.userId,
        actorName: actor.displayName,
        kind: 'enforcement',
        note: [`${o.number} 逾期未改正,采取强制措施`, input.note].filter(Boolean).join(':'),
        photos,
        data: { action: 'taken', enforcementId: id, orderId, number: o.number, kind: input.kind, items },
      });
    }
    await recordAudit(tx, deps.clock, actor, {
      action: 'inspections.enforcements.create',
      objectType: 'enforcement_record',
      objectId: id,
      details: { orderId, number: o.number, kind: input.kind, items: input.items },
    });
  });
  const recs = await repo.enforcementsOf(deps.database.db, actor.tenantId, orderId);
  return toEnforcement(recs.find((r) => r.rec.id === id) as (typeof recs)[number]);
}

/**
 * Return seized items (inspections.write): partial returns add up per item; returning more than was
 * taken is refused. Only 暂扣 records hold items to return.
 */
export async function returnItems(actor: Actor, deps: Deps, id: string, input: TReturnItems): Promise<TEnforcement> {
  const now = deps.clock.now();
  let orderId = '';
  await deps.database.db.transaction(async (tx) => {
    const locked = await repo.lockEnforcement(tx, actor.tenantId, id);
    if (!locked || !canSeeUnit(actor, locked.unitPath)) throw notFound('强制措施记录');
    const rec = locked.rec;
    orderId = rec.orderId;
    if (rec.kind !== 'seizure') {
      throw new AppError('UNPROCESSABLE', '只有暂扣的物品可以退还', [{ field: 'params.id', message: '不是暂扣记录' }]);
    }
    const wanted = new Map<string, number>();
    const issues: { field: string; message: string }[] = [];
    input.items.forEach((it, i) => {
      const taken = rec.items.find((x) => x.name === it.name);
      if (!taken) {
        issues.push({ field: `body.items.${i}.name`, message: `暂扣清单中没有「${it.name}」` });
        return;
      }
      const total = (wanted.get(it.name) ?? 0) + it.returnedQuantity;
      wanted.set(it.name, total);
      const left = taken.quantity - (taken.returnedQuantity ?? 0);
      if (total > left + 1e-9) {
        issues.push({
          field: `body.items.${i}.returnedQuantity`,
          message: `「${it.name}」最多还可退还 ${left}${taken.unit}(暂扣 ${taken.quantity}${taken.unit},已退还 ${taken.returnedQuantity ?? 0}${taken.unit})`,
        });
      }
    });
    if (issues.length > 0) throw new AppError('VALIDATION_FAILED', issues.map((i) => i.message).join(';'), issues);
    const items = rec.items.map((x) => ({
      ...x,
      returnedQuantity: (x.returnedQuantity ?? 0) + (wanted.get(x.name) ?? 0),
    }));
    await repo.updateEnforcementReturn(tx, actor.tenantId, id, {
      items,
      returnedAt: now,
      returnedTo: input.returnedTo,
      returnedBy: actor.userId,
    });
    const returned = [...wanted].map(([name, quantity]) => ({ name, quantity }));
    if (rec.caseId) {
      await appendCaseEvent(tx, actor.tenantId, rec.caseId, {
        at: now,
        actorId: actor.userId,
        actorName: actor.displayName,
        kind: 'enforcement',
        note: `退还暂扣物品(${locked.orderNumber})给 ${input.returnedTo}${input.note ? `:${input.note}` : ''}`,
        photos: [],
        data: {
          action: 'returned',
          enforcementId: id,
          orderId: rec.orderId,
          returnedTo: input.returnedTo,
          items: returned,
        },
      });
    }
    await recordAudit(tx, deps.clock, actor, {
      action: 'inspections.enforcements.return',
      objectType: 'enforcement_record',
      objectId: id,
      details: { orderId: rec.orderId, returnedTo: input.returnedTo, items: returned, note: input.note ?? null },
    });
  });
  const recs = await repo.enforcementsOf(deps.database.db, actor.tenantId, orderId);
  return toEnforcement(recs.find((r) => r.rec.id === id) as (typeof recs)[number]);
}

// ---- Field operations ----

async function toFieldOp(actor: Actor, deps: Deps, r: repo.FieldOpWithRefs): Promise<TFieldOp> {
  const db = deps.database.db;
  const [cells, linked] = await Promise.all([
    repo.cellsByIds(db, actor.tenantId, r.op.gridIds),
    repo.casesByIds(db, actor.tenantId, r.op.caseIds),
  ]);
  return fieldOpOut(r, cells, linked);
}

function fieldOpOut(r: repo.FieldOpWithRefs, cells: repo.CellRef[], linked: repo.CaseRef[]): TFieldOp {
  const o = r.op;
  return {
    id: o.id,
    opDate: o.opDate,
    title: o.title,
    unitId: o.unitId,
    unitName: r.unitName,
    grids: o.gridIds.flatMap((id) => {
      const c = cells.find((x) => x.id === id);
      return c ? [{ id: c.id, code: c.code, name: c.name }] : [];
    }),
    personTimes: o.personTimes,
    equipment: o.equipment,
    results: o.results,
    photos: o.photos,
    cases: o.caseIds.flatMap((id) => {
      const c = linked.find((x) => x.id === id);
      return c ? [{ id: c.id, number: c.number }] : [];
    }),
    note: o.note,
    createdBy: o.createdBy,
    createdByName: r.createdByName,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

async function visibleFieldOp(actor: Actor, deps: Deps, id: string): Promise<repo.FieldOpWithRefs> {
  const r = await repo.getFieldOp(deps.database.db, actor.tenantId, id);
  if (!r || !canSeeUnit(actor, r.unitPath)) throw notFound('整治行动');
  return r;
}

async function checkOpDate(deps: Deps, tenantId: string, opDate: string): Promise<void> {
  const today = localDate(deps.clock.now(), await timeZoneOf(deps, tenantId));
  if (opDate > today) throw issue('body.opDate', '行动日期不能晚于今天');
}

/** Same equipment type or result item+unit twice: add them up, so totals are per type. */
function mergeEquipment(list: { type: string; count: number }[]) {
  const m = new Map<string, number>();
  for (const e of list) m.set(e.type, (m.get(e.type) ?? 0) + e.count);
  return [...m].map(([type, count]) => ({ type, count }));
}
function mergeResults(list: { item: string; quantity: number; unit: string }[]) {
  const m = new Map<string, { item: string; quantity: number; unit: string }>();
  for (const r of list) {
    const k = `${r.item}\u0000${r.unit}`;
    const cur = m.get(k);
    m.set(k, cur ? { ...cur, quantity: cur.quantity + r.quantity } : { ...r });
  }
  return [...m.values()];
}

/** Record a field operation (inspections.write): unit and cells in scope, linked cases visible, photos known. */
export async function createFieldOp(actor: Actor, deps: Deps, input: TCreateFieldOp): Promise<TFieldOp> {
  await checkOpDate(deps, actor.tenantId, input.opDate);
  const unit = await unitInScope(actor, deps, input.unitId, 'body.unitId');
  const cells = await cellsInScope(actor, deps, input.gridIds, 'body.gridIds');
  const linked = await visibleCases(actor, deps, input.caseIds);
  const photos = await photosExist(actor, deps, input.photos, 'body.photos');
  const now = deps.clock.now();
  const id = randomUUID();
  await deps.database.db.transaction(async (tx) => {
    await repo.insertFieldOp(tx, {
      tenantId: actor.tenantId,
      id,
      opDate: input.opDate,
      title: input.title,
      unitId: unit.id,
      gridIds: cells.map((c) => c.id),
      personTimes: input.personTimes,
      equipment: mergeEquipment(input.equipment),
      results: mergeResults(input.results),
      photos,
      caseIds: linked.map((c) => c.id),
      note: input.note,
      createdBy: actor.userId,
      createdAt: now,
      updatedAt: now,
    });
    await recordAudit(tx, deps.clock, actor, {
      action: 'inspections.field_ops.create',
      objectType: 'field_operation',
      objectId: id,
      details: {
        title: input.title,
        opDate: input.opDate,
        unitId: unit.id,
        personTimes: input.personTimes,
        grids: cells.length,
        cases: linked.length,
      },
    });
  });
  return getFieldOp(actor, deps, id);
}

/** One field operation (inspections.read; 404 outside scope). */
export async function getFieldOp(actor: Actor, deps: Deps, id: string): Promise<TFieldOp> {
  return toFieldOp(actor, deps, await visibleFieldOp(actor, deps, id));
}

/** Field operations of units in the caller's scope, by date, newest first (inspections.read). */
export async function listFieldOps(actor: Actor, deps: Deps, q: TFieldOpListQuery) {
  const db = deps.database.db;
  const { rows, total } = await repo.listFieldOps(
    db,
    actor.tenantId,
    scopePaths(actor),
    { from: q.from, to: q.to, unitId: q.unitId },
    (q.page - 1) * q.pageSize,
    q.pageSize,
  );
  const [cells, linked] = await Promise.all([
    repo.cellsByIds(db, actor.tenantId, [...new Set(rows.flatMap((r) => r.op.gridIds))]),
    repo.casesByIds(db, actor.tenantId, [...new Set(rows.flatMap((r) => r.op.caseIds))]),
  ]);
  return { items: rows.map((r) => fieldOpOut(r, cells, linked)), total, page: q.page, pageSize: q.pageSize };
}

/** Change a field operation (inspections.write; the unit, old and new, must be in scope). */
export async function patchFieldOp(actor: Actor, deps: Deps, id: string, patch: TPatchFieldOp): Promise<TFieldOp> {
  const current = await visibleFieldOp(actor, deps, id);
  if (patch.opDate !== undefined) await checkOpDate(deps, actor.tenantId, patch.opDate);
  const changes: Partial<repo.FieldOpRow> = {};
  if (patch.unitId !== undefined) changes.unitId = (await unitInScope(actor, deps, patch.unitId, 'body.unitId')).id;
  if (patch.gridIds !== undefined) {
    changes.gridIds = (await cellsInScope(actor, deps, patch.gridIds, 'body.gridIds')).map((c) => c.id);
  }
  if (patch.caseIds !== undefined) changes.caseIds = (await visibleCases(actor, deps, patch.caseIds)).map((c) => c.id);
  if (patch.photos !== undefined) changes.photos = await photosExist(actor, deps, patch.photos, 'body.photos');
  if (patch.opDate !== undefined) changes.opDate = patch.opDate;
  if (patch.title !== undefined) changes.title = patch.title;
  if (patch.personTimes !== undefined) changes.personTimes = patch.personTimes;
  if (patch.equipment !== undefined) changes.equipment = mergeEquipment(patch.equipment);
  if (patch.results !== undefined) changes.results = mergeResults(patch.results);
  if (patch.note !== undefined) changes.note = patch.note;
  const changed = Object.keys(changes).filter(
    (k) =>
      JSON.stringify(changes[k as keyof typeof changes]) !== JSON.stringify(current.op[k as keyof repo.FieldOpRow]),
  );
  if (changed.length === 0) return toFieldOp(actor, deps, current);
  await deps.database.db.transaction(async (tx) => {
    await repo.updateFieldOp(tx, actor.tenantId, id, { ...changes, updatedAt: deps.clock.now() });
    await recordAudit(tx, deps.clock, actor, {
      action: 'inspections.field_ops.update',
      objectType: 'field_operation',
      objectId: id,
      details: {
        changed,
        from: Object.fromEntries(changed.map((k) => [k, current.op[k as keyof repo.FieldOpRow]])),
        to: Object.fromEntries(changed.map((k) => [k, changes[k as keyof typeof changes]])),
      },
    });
  });
  return getFieldOp(actor, deps, id);
}

function emptyTotals(): TFieldOpTotals {
  return { operations: 0, personTimes: 0, equipment: [], results: [] };
}

/**
 * Totals of field operations over a period (default: this month up to today), per unit in the
 * caller's scope and overall: operations, 人次, equipment by type, results by item and unit.
 */
export async function fieldOpSummary(
  actor: Actor,
  deps: Deps,
  q: { from?: string; to?: string },
): Promise<TFieldOpSummary> {
  const today = localDate(deps.clock.now(), await timeZoneOf(deps, actor.tenantId));
  const to = q.to ?? today;
  const from = q.from ?? `${to.slice(0, 7)}-01`;
  if (from > to) throw issue('query.from', '开始日期不能晚于结束日期');
  const sums = await repo.fieldOpSums(deps.database.db, actor.tenantId, scopePaths(actor), from, to);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  const byType = (a: { type: string; count: number }, b: { type: string; count: number }) =>
    b.count - a.count || a.type.localeCompare(b.type, 'zh-CN');
  const byItem = (a: { item: string; unit: string }, b: { item: string; unit: string }) =>
    a.item.localeCompare(b.item, 'zh-CN') || a.unit.localeCompare(b.unit, 'zh-CN');
  const units = [...sums.perUnit]
    .sort((a, b) => a.sortOrder - b.sortOrder || a.unitName.localeCompare(b.unitName, 'zh-CN'))
    .map((u) => ({
      unitId: u.unitId,
      unitName: u.unitName,
      operations: Number(u.operations),
      personTimes: Number(u.personTimes),
      equipment: sums.equipment
        .filter((e) => e.unitId === u.unitId)
        .map((e) => ({ type: e.type, count: Number(e.count) }))
        .sort(byType),
      results: sums.results
        .filter((r) => r.unitId === u.unitId)
        .map((r) => ({ item: r.item, unit: r.unit, quantity: round(Number(r.quantity)) }))
        .sort(byItem),
    }));
  const totals = emptyTotals();
  const eqMap = new Map<string, number>();
  const resMap = new Map<string, { item: string; unit: string; quantity: number }>();
  for (const u of units) {
    totals.operations += u.operations;
    totals.personTimes += u.personTimes;
    for (const e of u.equipment) eqMap.set(e.type, (eqMap.get(e.type) ?? 0) + e.count);
    for (const r of u.results) {
      const k = `${r.item}\u0000${r.unit}`;
      const cur = resMap.get(k);
      resMap.set(k, { item: r.item, unit: r.unit, quantity: round((cur?.quantity ?? 0) + r.quantity) });
    }
  }
  totals.equipment = [...eqMap].map(([type, count]) => ({ type, count })).sort(byType);
  totals.results = [...resMap.values()].sort(byItem);
  return { from, to, totals, units };
}

/**
 * Cases: intake (routed, numbered, idempotent), the closed loop driven by cases.states.ts, requests to
 * the HQ (extension, parking, dispute), reassignment, the ledger. Every change is one transaction with
 * one timeline event, one audit event and its notifications (outbox).
 */
import { randomUUID } from 'node:crypto';
import {
  REQUEST_KINDS,
  type TCaseDetail,
  type TCaseListQuery,
  type TCaseRequestCreate,
  type TCaseRequestDecision,
  type TCaseStage,
  type TCaseStatus,
  type TCaseSummary,
  type TCreateCase,
  type TCreateCaseResponse,
  type TTransitionRequest,
} from '../../../common/cases.ts';
import type { TCaseSource, TSeverity } from '../../../common/categories.ts';
import type { TRole } from '../../../common/roles.ts';
import type { Executor, Tx } from '../../db/client.ts';
import { readConfigStamp, referenceData } from '../../db/config-stamps.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { distanceM, metresPerDegree } from '../../lib/geo.ts';
import { GroupCommit } from '../../lib/group-commit.ts';
import { type AuditEntry, recordAudit, recordAuditEvents } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import { deadlineFrom, loadWorkCalendar, type WorkCalendar } from '../calendar/index.ts';
import { categoryByCode, categoryByCodeAt, categoryRuleVersion } from '../categories/index.ts';
import { evidenceWarnings } from '../media/index.ts';
import { notify } from '../notifications/index.ts';
import { explain, pointGridRuleAt } from '../routing/index.ts';
import {
  type ClaimedKey,
  claimKey,
  completeKey,
  isClientError,
  type KeyClaim,
  KeyTaken,
  newClaim,
  releaseKey,
} from './cases.idempotency.ts';
import * as repo from './cases.repo.ts';
import {
  DUE_SOON_MIN_MS,
  DUE_SOON_SHARE,
  REQUEST_DECISION_LIMIT,
  REQUEST_RULES,
  type Relation,
  SOURCES_WITH_PHOTOS,
  STAGE_LIMITS,
  type StageLimit,
  TRANSITIONS,
  type TransitionDef,
  transitionFor,
} from './cases.states.ts';

// ---------------------------------------------------------------------------------------------------
// Who may do what to which case

/** The caller's visibility as a ledger filter (null = whole tenant). */
export function scopeFilter(actor: Actor): repo.CaseFilter['scope'] {
  return actor.scope.kind === 'tenant'
    ? null
    : { paths: actor.scope.paths, hqIds: actor.scope.hqIds, userId: actor.userId };
}

interface Standing {
  isHq: boolean;
  isUnit: boolean;
  isReporter: boolean;
  isHandler: boolean;
}

async function standingOf(actor: Actor, db: Executor, c: repo.CaseRow): Promise<Standing> {
  const unit = c.unitId ? (await repo.unitsByIds(db, actor.tenantId, [c.unitId]))[0] : undefined;
  return standingWith(actor, c, unit);
}

function standingWith(actor: Actor, c: repo.CaseRow, unit: repo.UnitInfo | undefined): Standing {
  const tenantWide = actor.scope.kind === 'tenant';
  return {
    isHq: tenantWide || (c.hqId !== null && actor.scope.kind === 'subtrees' && actor.scope.hqIds.includes(c.hqId)),
    isUnit:
      unit !== undefined &&
      actor.scope.kind === 'subtrees' &&
      actor.scope.paths.some((p) => unit.path.startsWith(p)) &&
      // An HQ's scope covers its member units, but acting for the unit is the unit's own people.
      !actor.roles.includes('commander'),
    isReporter: c.reportedBy === actor.userId,
    isHandler: c.handledBy === actor.userId,
  };
}

function hasRole(actor: Actor, roles: readonly TRole[]): boolean {
  return actor.roles.some((r) => roles.includes(r));
}

function relationHolds(actor: Actor, s: Standing, relation: Relation): boolean {
  switch (relation) {
    case 'hq':
      return s.isHq;
    case 'unit':
      return s.isUnit;
    case 'verifier':
      // Someone other than the handler: normally an inspector, or the source that reported it, or the HQ.
      return !s.isHandler && (actor.roles.includes('inspector') || s.isReporter || s.isHq);
  }
}

function mayTake(actor: Actor, s: Standing, def: TransitionDef): boolean {
  return hasRole(actor, def.roles) && relationHolds(actor, s, def.relation);
}

// ---------------------------------------------------------------------------------------------------
// Deadlines

interface StageClock {
  stage: TCaseStage;
  stageStartedAt: Date | null;
  dueAt: Date | null;
  dueSoonAt: Date | null;
  dueState: 'none' | 'ok';
}

function clockFor(stage: TCaseStage, start: Date, due: Date | null): StageClock {
  if (stage === 'none' || !due)
    return { stage: 'none', stageStartedAt: null, dueAt: null, dueSoonAt: null, dueState: 'none' };
  const span = Math.max(0, due.getTime() - start.getTime());
  const lead = Math.max(span * DUE_SOON_SHARE, DUE_SOON_MIN_MS);
  const soon = new Date(Math.max(start.getTime(), due.getTime() - lead));
  return { stage, stageStartedAt: start, dueAt: due, dueSoonAt: soon, dueState: 'ok' };
}

async function handleLimit(
  db: Executor,
  c: Pick<repo.CaseRow, 'tenantId' | 'categoryId' | 'categoryVersion' | 'severity'>,
): Promise<StageLimit> {
  const v = await categoryRuleVersion(db, c.tenantId, c.categoryId, c.categoryVersion);
  const limits = v?.timeLimits ?? {};
  return limits[c.severity as TSeverity] ?? limits.normal ?? { value: 1, unit: 'working_days' };
}

async function stageDeadline(
  db: Executor,
  cal: WorkCalendar,
  c: Pick<repo.CaseRow, 'tenantId' | 'categoryId' | 'categoryVersion' | 'severity'>,
  stage: TCaseStage,
  from: Date,
): Promise<Date | null> {
  if (stage === 'none') return null;
  const limit = stage === 'handle' ? await handleLimit(db, c) : STAGE_LIMITS[stage][c.severity as TSeverity];
  return deadlineFrom(from, limit, cal);
}

/** The calendar year of an instant in the district's time zone (numbers restart each year). */
export function yearIn(date: Date, timeZone: string): number {
  let f = yearFormats.get(timeZone);
  if (!f) {
    // Building a DateTimeFormat costs far more than using one.
    f = new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' });
    yearFormats.set(timeZone, f);
  }
  return Number(f.format(date));
}
const yearFormats = new Map<string, Intl.DateTimeFormat>();

// ---------------------------------------------------------------------------------------------------
// Photos

async function checkPhotos(
  tx: Tx,
  actor: Actor,
  ids: readonly string[],
  caseId: string,
  field: string,
): Promise<repo.MediaFacts[]> {
  const unique = [...new Set(ids)];
  if (unique.length !== ids.length)
    throw new AppError('VALIDATION_FAILED', '照片重复', [{ field, message: '同一张照片只能提交一次' }]);
  const facts = await repo.mediaFacts(tx, actor.tenantId, unique);
  const missing = unique.filter((id) => !facts.some((f) => f.id === id));
  if (missing.length > 0)
    throw new AppError(
      'VALIDATION_FAILED',
      '照片不存在,请重新上传',
      missing.map((id) => ({ field, message: `照片 ${id} 不存在` })),
    );
  const elsewhere = facts.filter((f) => f.attachedTo && f.attachedTo !== caseId);
  if (elsewhere.length > 0)
    throw new AppError(
      'VALIDATION_FAILED',
      '照片已用于其他案件',
      elsewhere.map((f) => ({ field, message: `照片 ${f.id} 已属于其他案件` })),
    );
  return facts;
}

// ---------------------------------------------------------------------------------------------------
// Intake

const DUPLICATE_SOURCES_NOTE = '同类问题';

function boxAround(lng: number, lat: number, radiusM: number): [number, number, number, number] {
  const m = metresPerDegree(lat);
  const dx = radiusM / m.x;
  const dy = radiusM / m.y;
  return [lng - dx, lat - dy, lng + dx, lat + dy];
}

/** Open cases of a category near a point, reported within the duplicate window: candidates to merge. */
export async function nearbyOpenCases(
  actor: Actor,
  deps: Deps,
  q: { lat: number; lng: number; categoryId: string; excludeId?: string | null },
) {
  const r = deps.config.CASE_DUPLICATE_RADIUS_M;
  const rows = await repo.openCasesNear(
    deps.database.db,
    actor.tenantId,
    q.categoryId,
    boxAround(q.lng, q.lat, r),
    duplicateWindowStart(deps),
    q.excludeId ?? null,
  );
  return duplicatesFrom(deps, q, rows);
}

function duplicateWindowStart(deps: Deps): Date {
  return new Date(deps.clock.now().getTime() - deps.config.CASE_DUPLICATE_WINDOW_H * 3_600_000);
}

function duplicatesFrom(
  deps: Deps,
  at: { lat: number; lng: number },
  rows: { id: string; number: string; lat: number; lng: number; reported_at: string; status: string }[],
) {
  const r = deps.config.CASE_DUPLICATE_RADIUS_M;
  return rows
    .map((x) => ({
      id: x.id,
      number: x.number,
      distanceM: Math.round(distanceM([at.lng, at.lat], [x.lng, x.lat])),
      reportedAt: new Date(x.reported_at).toISOString(),
      status: x.status as TCaseStatus,
    }))
    .filter((x) => x.distanceM <= r)
    .sort((a, b) => a.distanceM - b.distanceM);
}

/** GET /cases/nearby: duplicates a reporter should see before submitting. */
export async function nearby(
  actor: Actor,
  deps: Deps,
  q: { lat: number; lng: number; crs: 'wgs84' | 'gcj02' | 'bd09'; category: string },
) {
  const category = await categoryByCode(deps.database.db, actor.tenantId, q.category);
  if (!category)
    throw new AppError('VALIDATION_FAILED', `问题分类 ${q.category} 不存在或已停用`, [
      { field: 'query.category', message: '分类不存在' },
    ]);
  const { toWgs84 } = await import('../grids/index.ts');
  const [lng, lat] = toWgs84(q.lng, q.lat, q.crs);
  return { items: await nearbyOpenCases(actor, deps, { lat, lng, categoryId: category.id }) };
}

/** The first timeline event of a new case (its seq is always 1). */
function firstEvent(
  tenantId: string,
  caseId: string,
  e: Pick<repo.CaseEventRow, 'at' | 'actorId' | 'actorName' | 'note' | 'photos' | 'data'>,
): repo.CaseEventRow {
  return { tenantId, caseId, seq: 1, kind: 'created', fromStatus: null, toStatus: 'reported', ...e };
}

/** The ledger's view of a case row, from names the caller already knows (no join needed). */
function ledgerRowOf(
  c: repo.CaseRow,
  names: {
    category: { code: string; name: string };
    grid: { code: string; name: string } | null;
    hq: string | null;
    unit: string | null;
    assignee: string | null;
  },
): repo.LedgerRow {
  return {
    id: c.id,
    number: c.number,
    source: c.source,
    status: c.status,
    category_id: c.categoryId,
    category_code: names.category.code,
    category_name: names.category.name,
    category_version: c.categoryVersion,
    severity: c.severity,
    description: c.description,
    address: c.address,
    lat: c.lat,
    lng: c.lng,
    grid_id: c.gridId,
    grid_code: names.grid?.code ?? null,
    grid_name: names.grid?.name ?? null,
    hq_id: c.hqId,
    hq_name: names.hq,
    unit_id: c.unitId,
    unit_name: names.unit,
    assignee_id: c.assigneeId,
    assignee_name: names.assignee,
    stage: c.stage,
    due_at: iso(c.dueAt),
    due_state: c.dueState,
    overdue_count: c.overdueCount,
    returned_count: c.returnedCount,
    escalation_level: c.escalationLevel,
    is_recurrence: c.isRecurrence,
    pending_request: c.pendingRequest,
    external_ref: c.externalRef,
    reported_at: iso(c.reportedAt) as string,
    closed_at: iso(c.closedAt),
    version: c.version,
  };
}

/**
 * Report a problem: validate, route (grid, HQ, unit, person, deadlines), number, store with its
 * before-photos, the first timeline event and the audit event; answer with duplicates nearby. The
 * answer is built from what was written, and with `idempotency` it is stored under that key in
 * the same transaction (a retry either finds both or neither).
 */
export async function createCase(
  actor: Actor,
  deps: Deps,
  input: TCreateCase,
  opts: CreateCaseOptions = {},
): Promise<TCreateCaseResponse> {
  const writer = intakeWriter(deps, actor.tenantId);
  const release = writer.expect();
  let prepared: PreparedCase;
  try {
    prepared = await prepareCase(actor, deps, input, opts);
  } finally {
    release();
  }
  try {
    return await writer.submit(prepared);
  } catch (e) {
    if (isUniqueViolation(e, 'cases_tenant_id_id_pk')) {
      throw new AppError('CONFLICT', '该案件编号(id)已存在;重试请使用相同的 Idempotency-Key', [
        { field: 'body.id', message: '已存在' },
      ]);
    }
    throw e;
  }
}

/** Everything about a new case that can be decided before writing it (routing, deadlines, lookups). */
async function prepareCase(
  actor: Actor,
  deps: Deps,
  input: TCreateCase,
  opts: CreateCaseOptions,
): Promise<PreparedCase> {
  const db = deps.database.db;
  // Reference data (category, matrix, units, people) comes from memory under the tenant's stamp.
  const stamp = actor.configStamp ?? (await readConfigStamp(db, actor.tenantId));
  const reference = referenceData(deps.database, actor.tenantId, stamp);
  const category = await categoryByCodeAt(deps, actor.tenantId, input.category, stamp);
  if (!category) {
    throw new AppError('VALIDATION_FAILED', `问题分类 ${input.category} 不存在或已停用`, [
      { field: 'body.category', message: '分类不存在或已停用' },
    ]);
  }
  const needPhotos = SOURCES_WITH_PHOTOS.includes(input.source) ? category.rule.evidence.beforePhotos : 0;
  if (input.photos.length < needPhotos) {
    throw new AppError('VALIDATION_FAILED', `该类问题现场上报须附 ${needPhotos} 张现场照片`, [
      { field: 'body.photos', message: `至少 ${needPhotos} 张照片` },
    ]);
  }

  const now = deps.clock.now();
  const loc = input.location;
  const point = 'lat' in loc ? loc : null;
  const routed = point
    ? await explain(
        { ...actor, configStamp: stamp },
        deps,
        {
          lat: point.lat,
          lng: point.lng,
          crs: point.crs,
          category: input.category,
          severity: input.severity,
        },
        { category },
      )
    : null;
  if (routed && !routed.inside) {
    throw new AppError('UNPROCESSABLE', `不在辖区范围内:${routed.reason ?? '该位置不属于本辖区'}`, [
      { field: 'body.location', message: routed.reason ?? '不在辖区范围内' },
    ]);
  }
  const wgs = routed?.point.wgs84 ?? null;
  const responsible = routed?.responsible ?? null;
  const hqId = routed?.hq?.id ?? category.rule.leadHqId;
  const leadUnitId = routed?.leadUnit?.id ?? category.rule.leadUnitId;
  // Without a point the category's lead unit answers (the HQ may reassign once the place is known).
  // A system reporter that knows who answers for the place (a site's responsible unit) says so.
  const assigned = opts.assignTo ?? null;
  const unitId = assigned?.unitId ?? responsible?.unit.id ?? leadUnitId ?? null;
  const assigneeId = assigned ? null : (responsible?.person?.id ?? null);
  const routing = routed
    ? {
        via: assigned ? 'assigned' : (responsible?.via ?? null),
        ...(assigned ? { note: assigned.why } : {}),
        rule: assigned ? null : (responsible?.rule ?? null),
        grid: routed.grid,
        community: routed.community,
        subdistrict: routed.subdistrict,
        considered: routed.considered.slice(0, 5),
      }
    : assigned
      ? { via: 'assigned', rule: null, note: assigned.why }
      : { via: 'category_lead', rule: null, note: '仅有地址,按分类牵头单位派往' };

  const cal = await loadWorkCalendar(deps, actor.tenantId);
  const severity = input.severity as TSeverity;
  // Planned stage deadlines, each from the previous one; each is reset when its stage really starts.
  // The category was read at its current rule version, so its handling limit is that version's.
  const handle: StageLimit = category.rule.timeLimits[severity] ??
    category.rule.timeLimits.normal ?? { value: 1, unit: 'working_days' };
  const registerDue = deadlineFrom(now, STAGE_LIMITS.register[severity], cal);
  const dispatchDue = deadlineFrom(registerDue, STAGE_LIMITS.dispatch[severity], cal);
  const handleDue = deadlineFrom(dispatchDue, handle, cal);
  const verifyDue = deadlineFrom(handleDue, STAGE_LIMITS.verify[severity], cal);

  // Duplicates (open, recent) and the 反弹 spot, read together — and a new Idempotency-Key claimed
  // in the same round trip (through the relaxed connections, see claimKey).
  const claim = opts.claim;
  const near = wgs
    ? await repo.openCasesAndSpotsNear(
        claim ? deps.database.relaxedDb : db,
        actor.tenantId,
        category.id,
        boxAround(wgs.lng, wgs.lat, deps.config.CASE_DUPLICATE_RADIUS_M),
        duplicateWindowStart(deps),
        claim?.row,
      )
    : {
        cases: [],
        spots: [],
        claimed: claim ? await repo.claimIdempotency(deps.database.relaxedDb, claim.row) : false,
      };
  if (claim) {
    if (!near.claimed) throw new KeyTaken();
    claim.made = true;
  }
  const duplicates = wgs ? duplicatesFrom(deps, wgs, near.cases) : [];
  const year = yearIn(now, deps.config.TZ);
  const warnings: string[] = [];
  if (duplicates.length > 0)
    warnings.push(
      `附近 ${deps.config.CASE_DUPLICATE_RADIUS_M} 米内 ${deps.config.CASE_DUPLICATE_WINDOW_H} 小时内已有 ${duplicates.length} 件${DUPLICATE_SOURCES_NOTE}未办结,可合并`,
    );
  const unit = unitId
    ? (await reference.memo(`cases:unit:${unitId}`, () => repo.unitsByIds(db, actor.tenantId, [unitId])))[0]
    : undefined;
  const leadUnitName =
    routed?.leadUnit?.id === leadUnitId ? (routed?.leadUnit?.name ?? null) : category.rule.leadUnitName;
  if (assigned && !unit) throw new AppError('VALIDATION_FAILED', '指定的责任单位不存在', { unitId: assigned.unitId });
  const unitName =
    unit?.name ??
    (responsible?.unit.id === unitId ? responsible.unit.name : unitId === leadUnitId ? leadUnitName : null);

  // 反弹: the same category closed at this spot within the window. Read before the write (a spot is
  // only created when a case closes, so a case written concurrently cannot change the answer).
  let spot: repo.SpotRow | undefined;
  let recurrenceOfId: string | null = null;
  if (wgs) {
    spot = near.spots
      .map((s) => ({ s, d: distanceM([wgs.lng, wgs.lat], [s.lng, s.lat]) }))
      .filter((x) => x.d <= deps.config.CASE_DUPLICATE_RADIUS_M)
      .sort((a, b) => a.d - b.d)[0]?.s;
    if (spot) {
      const windowStart = now.getTime() - deps.config.CASE_RECURRENCE_DAYS * 86_400_000;
      if (spot.lastClosedAt && spot.lastClosedAt.getTime() >= windowStart) recurrenceOfId = spot.lastCaseId;
    }
  }
  const linked = recurrenceOfId ? await repo.casesNumbers(db, actor.tenantId, [recurrenceOfId]) : [];

  return {
    actor,
    input,
    idempotency: opts.idempotency ?? opts.claim?.key ?? null,
    year,
    row: {
      tenantId: actor.tenantId,
      id: input.id,
      source: input.source,
      categoryId: category.id,
      categoryVersion: category.version,
      severity: input.severity,
      status: 'reported',
      description: input.description,
      address: loc.address ?? null,
      lat: wgs?.lat ?? null,
      lng: wgs?.lng ?? null,
      inputCrs: point?.crs ?? null,
      inputLat: point?.lat ?? null,
      inputLng: point?.lng ?? null,
      gridId: routed?.grid?.id ?? null,
      hqId,
      leadUnitId,
      unitId,
      assigneeId,
      routing,
      reporter: input.reporter ?? null,
      reportedBy: actor.userId,
      externalRef: input.externalRef ?? null,
      registerDue,
      dispatchDue,
      handleDue,
      verifyDue,
      ...clockFor('register', now, registerDue),
      spotId: spot?.id ?? null,
      isRecurrence: recurrenceOfId !== null,
      recurrenceOfId,
      reportedAt: now,
      updatedAt: now,
    },
    event: firstEvent(actor.tenantId, input.id, {
      at: now,
      actorId: actor.userId,
      actorName: actor.displayName,
      note: input.description,
      photos: input.photos,
      data: {
        source: input.source,
        category: category.code,
        unitId,
        via: assigned ? 'assigned' : (responsible?.via ?? 'category_lead'),
        ...(recurrenceOfId ? { recurrenceOfId } : {}),
        ...(duplicates.length ? { duplicates: duplicates.map((d) => d.id) } : {}),
      },
    }),
    audit: {
      action: 'cases.create',
      objectType: 'case',
      objectId: input.id,
      details: { source: input.source, category: category.code, unitId, recurrence: recurrenceOfId !== null },
    },
    names: {
      category,
      grid: routed?.grid ?? null,
      hq: routed?.hq?.id === hqId ? (routed?.hq?.name ?? null) : category.rule.leadHqName,
      unit: unitName,
      assignee: responsible?.person?.id === assigneeId ? (responsible?.person?.name ?? null) : null,
    },
    unit,
    lead: leadUnitId ? { id: leadUnitId, name: leadUnitName ?? '' } : undefined,
    linked,
    spot: spot ?? null,
    point: wgs,
    duplicates,
    warnings,
  };
}

export interface CreateCaseOptions {
  /** Store the answer under this claimed Idempotency-Key, in the transaction that writes the case. */
  idempotency?: ClaimedKey;
  /** Claim a new key while preparing (throws KeyTaken when it was used before), then store as above. */
  claim?: KeyClaim;
  /**
   * The unit that answers, decided by the (system) caller instead of the matrix — e.g. a dust alarm
   * goes to the construction site's registered responsible unit. Never taken from request input.
   */
  assignTo?: { unitId: string; why: string };
}

/** A case ready to be written: everything decided, nothing stored yet. */
interface PreparedCase {
  actor: Actor;
  input: TCreateCase;
  idempotency: ClaimedKey | null;
  year: number;
  row: Omit<repo.CaseInsert, 'year' | 'seq' | 'number'>;
  event: repo.CaseEventRow;
  audit: AuditEntry;
  names: Parameters<typeof ledgerRowOf>[1];
  unit: repo.UnitInfo | undefined;
  lead: { id: string; name: string } | undefined;
  linked: { id: string; number: string }[];
  spot: repo.SpotRow | null;
  point: { lat: number; lng: number } | null;
  duplicates: TCreateCaseResponse['duplicates'];
  warnings: string[];
}

const intakeWriters = new WeakMap<Deps['database'], Map<string, GroupCommit<PreparedCase, TCreateCaseResponse>>>();

/** One group-commit queue per database and tenant (the audit chain is per tenant). */
function intakeWriter(deps: Deps, tenantId: string): GroupCommit<PreparedCase, TCreateCaseResponse> {
  let byTenant = intakeWriters.get(deps.database);
  if (!byTenant) {
    byTenant = new Map();
    intakeWriters.set(deps.database, byTenant);
  }
  let w = byTenant.get(tenantId);
  if (!w) {
    // PGlite runs one statement at a time, so intakes being prepared are worth waiting for (briefly);
    // a PostgreSQL server prepares them concurrently and the batch takes whoever is queued.
    w = new GroupCommit((take) => writeCases(deps, tenantId, take), 64, deps.database.engine === 'pglite' ? 50 : 0);
    byTenant.set(tenantId, w);
  }
  return w;
}

/**
 * Write prepared cases of one tenant in one transaction: numbers, rows, first events, photos, audit
 * events and the stored answers of their idempotency keys. The cases are taken from the queue once
 * the transaction is open; answers in the order taken.
 */
async function writeCases(deps: Deps, tenantId: string, take: () => PreparedCase[]): Promise<TCreateCaseResponse[]> {
  return deps.database.db.transaction(async (tx) => {
    const items = take();
    // The same photo in two cases of one batch would pass both checks; written alone, the second fails.
    const photoIds = items.flatMap((p) => p.input.photos);
    if (items.length > 1 && new Set(photoIds).size !== photoIds.length)
      throw new Error('photo in two cases of a batch');
    const media = new Map<string, repo.CaseMediaView[]>();
    const warnings = new Map<string, string[]>();
    for (const p of items) {
      const list = [...p.warnings];
      if (p.input.photos.length > 0) {
        const facts = await checkPhotos(tx, p.actor, p.input.photos, p.input.id, 'body.photos');
        media.set(
          p.input.id,
          facts.map((f) => {
            const w = evidenceWarnings(f, { lat: p.point?.lat, lng: p.point?.lng, at: p.row.reportedAt as Date });
            list.push(...w);
            return { mediaId: f.id, stage: 'before', warnings: w, takenAt: f.takenAt };
          }),
        );
      }
      warnings.set(p.input.id, list);
      if (p.spot) await repo.bumpSpotCounts(tx, tenantId, p.spot.id, p.row.recurrenceOfId !== null);
    }
    // Per year (a batch can straddle New Year): numbers reserved, cases and first events written in
    // one statement. Events, numbers and rows follow the order taken.
    const stored = new Map<string, repo.CaseRow>();
    for (const year of new Set(items.map((p) => p.year))) {
      const ofYear = items.filter((p) => p.year === year);
      const written = await repo.insertNumberedCases(
        tx,
        tenantId,
        year,
        ofYear.map((p) => p.row),
        ofYear.map((p) => p.event),
      );
      for (const c of written) stored.set(c.id, c);
    }
    await repo.attachMedia(
      tx,
      items.flatMap((p) =>
        (media.get(p.input.id) ?? []).map((m) => ({
          tenantId,
          caseId: p.input.id,
          mediaId: m.mediaId,
          stage: m.stage,
          eventSeq: p.event.seq,
          warnings: m.warnings,
        })),
      ),
    );
    const bodies = items.map((p): TCreateCaseResponse => {
      const c = stored.get(p.input.id) as repo.CaseRow;
      const detail = presentCase(p.actor, {
        row: ledgerRowOf(c, p.names),
        c,
        events: [p.event],
        media: media.get(p.input.id) ?? [],
        requests: [],
        orders: [],
        standing: standingWith(p.actor, c, p.unit),
        users: [{ id: p.actor.userId, name: p.actor.displayName }],
        lead: p.lead,
        linked: p.linked,
        spot: p.spot
          ? {
              id: p.spot.id,
              caseCount: p.spot.caseCount + 1,
              recurrenceCount: p.spot.recurrenceCount + (p.row.recurrenceOfId ? 1 : 0),
            }
          : null,
      });
      return { ...detail, duplicates: p.duplicates, warnings: warnings.get(p.input.id) ?? [] };
    });
    // The audit events and the stored answers go in one round trip.
    const done = items.flatMap((p, i) =>
      p.idempotency ? [{ userId: p.actor.userId, ...p.idempotency, status: 201, body: bodies[i] }] : [],
    );
    await recordAuditEvents(
      tx,
      deps.clock,
      items.map((p) => ({ ctx: p.actor, entry: p.audit })),
      done.length > 0 ? { alongWith: repo.completeIdempotencyKeysSql(tenantId, done) } : {},
    );
    return bodies;
  });
}

// ---------------------------------------------------------------------------------------------------
// Reading

function iso(d: Date | string | null | undefined): string | null {
  if (!d) return null;
  return (d instanceof Date ? d : new Date(d)).toISOString();
}

function summaryOf(r: repo.LedgerRow): TCaseSummary {
  return {
    id: r.id,
    number: r.number,
    source: r.source as TCaseSource,
    status: r.status as TCaseStatus,
    category: { id: r.category_id, code: r.category_code, name: r.category_name, version: Number(r.category_version) },
    severity: r.severity as TSeverity,
    description: r.description,
    address: r.address,
    lat: r.lat,
    lng: r.lng,
    grid: r.grid_id && r.grid_code ? { id: r.grid_id, code: r.grid_code, name: r.grid_name ?? '' } : null,
    hq: r.hq_id ? { id: r.hq_id, name: r.hq_name ?? '' } : null,
    unit: r.unit_id ? { id: r.unit_id, name: r.unit_name ?? '' } : null,
    assignee: r.assignee_id ? { id: r.assignee_id, name: r.assignee_name ?? '' } : null,
    stage: r.stage as TCaseStage,
    dueAt: iso(r.due_at),
    dueState: r.due_state as TCaseSummary['dueState'],
    overdueCount: Number(r.overdue_count),
    returnedCount: Number(r.returned_count),
    escalationLevel: Number(r.escalation_level),
    isRecurrence: r.is_recurrence,
    pendingRequest: r.pending_request,
    externalRef: r.external_ref,
    reportedAt: iso(r.reported_at) as string,
    closedAt: iso(r.closed_at),
    version: Number(r.version),
  };
}

/** One case as the caller may see it (404 outside their scope), with timeline, photos and allowed actions. */
export async function getCase(actor: Actor, deps: Deps, id: string): Promise<TCaseDetail> {
  const db = deps.database.db;
  const row = await repo.ledgerRow(db, { tenantId: actor.tenantId, scope: scopeFilter(actor) }, id);
  if (!row) throw notFound('案件');
  const c = (await repo.getCase(db, actor.tenantId, id)) as repo.CaseRow;
  const [events, media, requests, orders, standing] = await Promise.all([
    repo.listEvents(db, actor.tenantId, id),
    repo.listCaseMedia(db, actor.tenantId, id),
    repo.listRequests(db, actor.tenantId, id),
    repo.listSupervisionOrders(db, actor.tenantId, id),
    standingOf(actor, db, c),
  ]);
  const userIds = [c.reportedBy, c.handledBy, c.verifiedBy, ...requests.map((r) => r.requestedBy)].filter(
    (x): x is string => !!x,
  );
  const [users, units, linked, spot] = await Promise.all([
    repo.usersByIds(db, actor.tenantId, userIds),
    repo.unitsByIds(db, actor.tenantId, [c.leadUnitId ?? '']),
    repo.casesNumbers(db, actor.tenantId, [c.mergedIntoId ?? '', c.recurrenceOfId ?? '']),
    c.spotId ? repo.getSpot(db, actor.tenantId, c.spotId) : Promise.resolve(null),
  ]);
  return presentCase(actor, { row, c, events, media, requests, orders, standing, users, lead: units[0], linked, spot });
}

/** Everything a case detail is made of, read from the database or known from having just written it. */
interface CaseParts {
  row: repo.LedgerRow;
  c: repo.CaseRow;
  events: repo.CaseEventRow[];
  media: repo.CaseMediaView[];
  requests: repo.RequestRow[];
  orders: Awaited<ReturnType<typeof repo.listSupervisionOrders>>;
  standing: Standing;
  users: { id: string; name: string }[];
  lead: { id: string; name: string } | undefined;
  linked: { id: string; number: string }[];
  spot: { id: string; caseCount: number; recurrenceCount: number } | null;
}

function presentCase(actor: Actor, p: CaseParts): TCaseDetail {
  const { row, c, events, media, requests, orders, standing, users, linked, spot } = p;
  const ref = (uid: string | null) => {
    const u = uid ? users.find((x) => x.id === uid) : undefined;
    return u ? { id: u.id, name: u.name } : null;
  };
  const num = (cid: string | null) => {
    const x = cid ? linked.find((l) => l.id === cid) : undefined;
    return x ? { id: x.id, number: x.number } : null;
  };
  const status = c.status as TCaseStatus;
  const transitions = TRANSITIONS.filter((d) => d.from.includes(status) && mayTake(actor, standing, d)).map((d) => ({
    to: d.to,
    action: d.action,
    label: d.label,
    requires: [...d.requires],
  }));
  const requestKinds = REQUEST_KINDS.filter(
    (k) =>
      !c.pendingRequest &&
      REQUEST_RULES[k].from.includes(status) &&
      hasRole(actor, REQUEST_RULES[k].roles) &&
      standing.isUnit,
  );
  const lead = p.lead;
  return {
    ...summaryOf(row),
    reporter: c.reporter ?? null,
    reportedBy: ref(c.reportedBy),
    leadUnit: lead ? { id: lead.id, name: lead.name } : null,
    inputLocation:
      c.inputLat !== null && c.inputLng !== null && c.inputCrs
        ? { lat: c.inputLat, lng: c.inputLng, crs: c.inputCrs }
        : null,
    routing: c.routing,
    deadlines: {
      register: iso(c.registerDue),
      dispatch: iso(c.dispatchDue),
      handle: iso(c.handleDue),
      verify: iso(c.verifyDue),
    },
    handledBy: ref(c.handledBy),
    verifiedBy: ref(c.verifiedBy),
    parkedUntil: iso(c.parkedUntil),
    mergedInto: num(c.mergedIntoId),
    recurrenceOf: num(c.recurrenceOfId),
    spot: spot ? { id: spot.id, caseCount: spot.caseCount, recurrenceCount: spot.recurrenceCount } : null,
    photos: media.map((m) => ({
      id: m.mediaId,
      stage: m.stage,
      url: `/api/v1/media/${m.mediaId}`,
      thumbUrl: `/api/v1/media/${m.mediaId}/thumb`,
      takenAt: iso(m.takenAt),
      warnings: m.warnings,
    })),
    events: events.map((e) => ({
      seq: e.seq,
      at: e.at.toISOString(),
      actor: { id: e.actorId, name: e.actorName },
      kind: e.kind,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      note: e.note,
      photos: e.photos,
      data: e.data,
    })),
    requests: requests.map((r) => ({
      id: r.id,
      kind: r.kind as (typeof REQUEST_KINDS)[number],
      reason: r.reason,
      payload: r.payload,
      requestedBy: ref(r.requestedBy),
      requestedAt: r.requestedAt.toISOString(),
      decideBy: iso(r.decideBy),
      status: r.status,
      decision: r.decision ?? null,
    })),
    supervisionOrders: orders.map((o) => ({
      id: o.id,
      number: o.number,
      level: o.level,
      stage: o.stage,
      issuedAt: o.issuedAt.toISOString(),
      reason: o.reason,
    })),
    allowed: {
      transitions,
      requests: requestKinds,
      decide: standing.isHq && !!c.pendingRequest && hasRole(actor, ['commander', 'leader']),
      reassign:
        standing.isHq &&
        hasRole(actor, ['commander', 'leader']) &&
        ['registered', 'dispatched', 'in_progress', 'returned'].includes(status),
    },
  };
}

/** The ledger: filters, the caller's scope, server-side paging. */
export async function listCases(actor: Actor, deps: Deps, q: TCaseListQuery) {
  const filter = await ledgerFilter(actor, deps, q);
  const { rows, total } = await repo.listLedger(deps.database.db, filter, {
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
    sort: q.view === 'all' ? q.sort : 'due_asc',
  });
  return { items: rows.map(summaryOf), total, page: q.page, pageSize: q.pageSize };
}

/** The same filters for the Excel export (up to `limit` rows). */
export async function ledgerRowsForExport(actor: Actor, deps: Deps, q: TCaseListQuery, limit: number) {
  const filter = await ledgerFilter(actor, deps, q);
  const { rows, total } = await repo.listLedger(deps.database.db, filter, { offset: 0, limit, sort: q.sort });
  return { items: rows.map(summaryOf), total };
}

async function ledgerFilter(actor: Actor, deps: Deps, q: TCaseListQuery): Promise<repo.CaseFilter> {
  const db = deps.database.db;
  const f: repo.CaseFilter = { tenantId: actor.tenantId, scope: scopeFilter(actor) };
  if (q.status) f.statuses = q.status;
  if (q.source) f.sources = q.source;
  if (q.category) {
    const cat = await categoryByCode(db, actor.tenantId, q.category);
    if (!cat)
      throw new AppError('VALIDATION_FAILED', `问题分类 ${q.category} 不存在`, [
        { field: 'query.category', message: '分类不存在' },
      ]);
    if (cat.parentId) f.categoryId = cat.id;
    else f.categoryParentId = cat.id;
  }
  if (q.unitId) {
    const [u] = await repo.unitsByIds(db, actor.tenantId, [q.unitId]);
    if (!u) throw new AppError('VALIDATION_FAILED', '单位不存在', [{ field: 'query.unitId', message: '单位不存在' }]);
    f.unitPath = u.path;
  }
  if (q.gridId) f.gridId = q.gridId;
  if (q.from) f.from = new Date(q.from);
  if (q.to) f.to = new Date(q.to);
  if (q.overdue) f.overdue = q.overdue === 'true';
  if (q.recurrence) f.recurrence = q.recurrence === 'true';
  if (q.q) f.q = q.q;
  if (q.view === 'mine') {
    f.minePaths = actor.scope.kind === 'tenant' ? [] : actor.unitId ? actor.scope.paths.slice(0, 1) : [];
    if (actor.scope.kind !== 'tenant' && actor.unitId) {
      const [own] = await repo.unitsByIds(db, actor.tenantId, [actor.unitId]);
      f.minePaths = own ? [own.path] : [];
    }
  }
  if (q.view === 'dispatch') {
    f.dispatchHqIds = actor.scope.kind === 'tenant' ? null : actor.scope.hqIds;
  }
  return f;
}

// ---------------------------------------------------------------------------------------------------
// Changing a case

/** Parse If-Match ("3", W/"3"); missing → 428. */
export function expectedVersion(ifMatch: string | undefined): number {
  if (!ifMatch) {
    throw new AppError('PRECONDITION_REQUIRED', '缺少 If-Match 请求头:请先读取案件,再带上它的 ETag 提交', [
      { field: 'headers.if-match', message: '必填' },
    ]);
  }
  const m = /^(?:W\/)?"(\d+)"$/.exec(ifMatch.trim());
  if (!m) {
    throw new AppError('VALIDATION_FAILED', 'If-Match 格式应为 "版本号"', [
      { field: 'headers.if-match', message: '格式错误' },
    ]);
  }
  return Number(m[1]);
}

/** Lock the case, check visibility and the version; the caller continues in the same transaction. */
async function lockForChange(tx: Tx, actor: Actor, id: string, version: number): Promise<repo.CaseRow> {
  const visible = await repo.ledgerRow(tx, { tenantId: actor.tenantId, scope: scopeFilter(actor) }, id);
  if (!visible) throw notFound('案件');
  const c = await repo.lockCase(tx, actor.tenantId, id);
  if (!c) throw notFound('案件');
  if (c.version !== version) {
    throw new AppError('PRECONDITION_FAILED', '案件已被他人更新,请刷新后再试', {
      currentVersion: c.version,
      yourVersion: version,
    });
  }
  return c;
}

async function saveChange(tx: Tx, c: repo.CaseRow, patch: Partial<repo.CaseInsert>): Promise<void> {
  if (!(await repo.updateCase(tx, c.tenantId, c.id, c.version, patch))) {
    throw new AppError('PRECONDITION_FAILED', '案件已被他人更新,请刷新后再试', { yourVersion: c.version });
  }
}

const NOTIFY_TEXT: Record<string, (number: string, category: string) => { title: string; body: string }> = {
  dispatched: (n, cat) => ({ title: `新派遣案件 ${n}`, body: `${cat}:请及时签收处置。` }),
  returned: (n, cat) => ({ title: `案件返工 ${n}`, body: `${cat}:核查未通过,请重新处置。` }),
  parked: (n, cat) => ({ title: `案件挂账 ${n}`, body: `${cat}:已挂账,到期复查。` }),
  verified: (n, cat) => ({ title: `案件核查通过 ${n}`, body: `${cat}:待结案。` }),
  closed: (n, cat) => ({ title: `案件已结案 ${n}`, body: `${cat}:已结案。` }),
};

async function categoryLabel(db: Executor, tenantId: string, categoryId: string): Promise<string> {
  const [c] = await repo.categoriesByIds(db, tenantId, [categoryId]);
  return c ? `${c.name}(${c.code})` : '案件';
}

/** Take a transition of the closed loop (cases.states.ts): roles, relation, inputs, version — then one event. */
export async function transition(
  actor: Actor,
  deps: Deps,
  id: string,
  ifMatch: string | undefined,
  input: TTransitionRequest,
): Promise<TCaseDetail> {
  const version = expectedVersion(ifMatch);
  const now = deps.clock.now();
  const cal = await loadWorkCalendar(deps, actor.tenantId);
  await deps.database.db.transaction(async (tx) => {
    const c = await lockForChange(tx, actor, id, version);
    const from = c.status as TCaseStatus;
    const def = transitionFor(from, input.to);
    if (!def) {
      throw new AppError('CONFLICT', `案件当前为“${from}”,不能转为“${input.to}”`, {
        from,
        to: input.to,
        allowed: TRANSITIONS.filter((d) => d.from.includes(from)).map((d) => d.to),
      });
    }
    const standing = await standingOf(actor, tx, c);
    if (!hasRole(actor, def.roles)) throw new AppError('FORBIDDEN', `您的角色不能执行“${def.label}”`);
    if (!relationHolds(actor, standing, def.relation)) {
      const why =
        def.relation === 'verifier' && standing.isHandler
          ? '核查须由处置人以外的人员进行'
          : def.relation === 'unit'
            ? '只有责任单位可以执行此操作'
            : def.relation === 'hq'
              ? '只有牵头指挥部可以执行此操作'
              : '只有督查员、上报人或指挥部可以核查';
      throw new AppError('FORBIDDEN', `${def.label}:${why}`);
    }

    // Inputs the transition requires.
    const missing: { field: string; message: string }[] = [];
    const cat = await categoryRuleVersion(tx, c.tenantId, c.categoryId, c.categoryVersion);
    for (const r of def.requires) {
      if (r === 'note' && !input.note) missing.push({ field: 'body.note', message: `${def.label}须填写说明` });
      if (r === 'photos') {
        const need = Math.max(1, cat?.evidence.afterPhotos ?? 1);
        if ((input.photos?.length ?? 0) < need)
          missing.push({ field: 'body.photos', message: `${def.label}须附处置后照片至少 ${need} 张` });
      }
      if (r === 'reviewDate' && (!input.reviewDate || new Date(input.reviewDate) <= now))
        missing.push({ field: 'body.reviewDate', message: '须填写将来的复查日期' });
      if (r === 'mergeInto' && !input.mergeInto)
        missing.push({ field: 'body.mergeInto', message: '须指定合并到的案件' });
    }
    if (missing.length > 0) throw new AppError('VALIDATION_FAILED', missing.map((m) => m.message).join(';'), missing);

    const patch: Partial<repo.CaseInsert> = { status: def.to, updatedAt: now };
    const data: Record<string, unknown> = { action: def.action };
    let notifyUnit: string | null = c.unitId;

    switch (def.action) {
      case 'register':
        patch.registeredAt = now;
        break;
      case 'dispatch': {
        patch.dispatchedAt = now;
        if (input.unitId && input.unitId !== c.unitId) {
          const [u] = await repo.unitsByIds(tx, c.tenantId, [input.unitId]);
          if (!u)
            throw new AppError('VALIDATION_FAILED', '派遣单位不存在', [
              { field: 'body.unitId', message: '单位不存在' },
            ]);
          patch.unitId = u.id;
          patch.assigneeId = null;
          notifyUnit = u.id;
          data.unitChanged = { from: c.unitId, to: u.id };
        }
        if (input.assigneeId) {
          const [p] = await repo.usersByIds(tx, c.tenantId, [input.assigneeId]);
          const unitId = (patch.unitId as string | undefined) ?? c.unitId;
          if (!p || p.disabled || p.unitId !== unitId)
            throw new AppError('VALIDATION_FAILED', '责任人须为派遣单位的在岗人员', [
              { field: 'body.assigneeId', message: '不属于该单位' },
            ]);
          patch.assigneeId = p.id;
        }
        break;
      }
      case 'handle':
        patch.handledAt = now;
        patch.handledBy = actor.userId;
        break;
      case 'verify':
        patch.verifiedAt = now;
        patch.verifiedBy = actor.userId;
        break;
      case 'return':
        patch.returnedCount = c.returnedCount + 1;
        data.round = c.returnedCount + 1;
        break;
      case 'close':
        if (!c.verifiedAt) throw new AppError('CONFLICT', '结案须先经核查');
        patch.closedAt = now;
        await recordSpotClosed(tx, deps, c, now, patch);
        break;
      case 'park':
        patch.parkedUntil = new Date(input.reviewDate as string);
        data.reviewDate = input.reviewDate;
        break;
      case 'unpark':
        patch.parkedUntil = null;
        break;
      case 'merge': {
        if (input.mergeInto === c.id)
          throw new AppError('VALIDATION_FAILED', '不能合并到自身', [
            { field: 'body.mergeInto', message: '不能是本案' },
          ]);
        const target = await repo.getCase(tx, c.tenantId, input.mergeInto as string);
        if (
          !target ||
          target.categoryId !== c.categoryId ||
          ![
            'reported',
            'registered',
            'dispatched',
            'in_progress',
            'handled',
            'returned',
            'verified',
            'parked',
          ].includes(target.status)
        ) {
          throw new AppError('VALIDATION_FAILED', '只能合并到同一类别、尚未办结的案件', [
            { field: 'body.mergeInto', message: '目标案件不符合' },
          ]);
        }
        patch.mergedIntoId = target.id;
        data.mergeInto = { id: target.id, number: target.number };
        const tSeq = await repo.appendEvent(tx, {
          tenantId: c.tenantId,
          caseId: target.id,
          at: now,
          actorId: actor.userId,
          actorName: actor.displayName,
          kind: 'merged',
          note: `合并重复案件 ${c.number}`,
          data: { merged: { id: c.id, number: c.number } },
        });
        void tSeq;
        break;
      }
    }

    // The clock of the stage that starts now (or none). Signing for a case (accept) keeps the handling
    // clock that dispatch started; every other transition starts its stage afresh.
    if (def.action !== 'accept') {
      const due = await stageDeadline(tx, cal, c, def.startsStage, now);
      Object.assign(patch, clockFor(def.startsStage, now, due), { escalationLevel: 0 });
      if (def.startsStage !== 'none') {
        const dueKey = {
          register: 'registerDue',
          dispatch: 'dispatchDue',
          handle: 'handleDue',
          verify: 'verifyDue',
        } as const;
        (patch as Record<string, unknown>)[dueKey[def.startsStage]] = due;
      }
    }

    const photos = input.photos ?? [];
    const facts = photos.length ? await checkPhotos(tx, actor, photos, c.id, 'body.photos') : [];
    await saveChange(tx, c, patch);
    const seq = await repo.appendEvent(tx, {
      tenantId: c.tenantId,
      caseId: c.id,
      at: now,
      actorId: actor.userId,
      actorName: actor.displayName,
      kind: 'transition',
      fromStatus: from,
      toStatus: def.to,
      note: input.note ?? null,
      photos,
      data,
    });
    await repo.attachMedia(
      tx,
      facts.map((p) => ({
        tenantId: c.tenantId,
        caseId: c.id,
        mediaId: p.id,
        stage: def.photoStage ?? 'other',
        eventSeq: seq,
        warnings: evidenceWarnings(p, { lat: c.lat ?? undefined, lng: c.lng ?? undefined, at: now }),
      })),
    );
    await recordAudit(tx, deps.clock, actor, {
      action: `cases.${def.action}`,
      objectType: 'case',
      objectId: c.id,
      details: { from, to: def.to, version: c.version + 1, ...(input.note ? { note: input.note.slice(0, 200) } : {}) },
    });
    if (def.notify) {
      const text = NOTIFY_TEXT[def.notify]?.(c.number, await categoryLabel(tx, c.tenantId, c.categoryId));
      const toUnit = def.notify === 'verified' || def.notify === 'parked' ? c.hqId : notifyUnit;
      if (text)
        await notify(tx, deps, {
          tenantId: c.tenantId,
          event: def.notify,
          caseId: c.id,
          unitId: toUnit,
          userId:
            def.notify === 'dispatched' ? ((patch.assigneeId as string | null | undefined) ?? c.assigneeId) : null,
          ...text,
          link: `/cases/${c.id}`,
        });
    }
  });
  return getCase(actor, deps, id);
}

/** On closing: the spot (same category, within the radius) remembers when and which case closed there. */
async function recordSpotClosed(tx: Tx, deps: Deps, c: repo.CaseRow, now: Date, patch: Partial<repo.CaseInsert>) {
  if (c.lat === null || c.lng === null) return;
  const lat = c.lat;
  const lng = c.lng;
  if (c.spotId) {
    await repo.updateSpot(tx, c.tenantId, c.spotId, { lastClosedAt: now, lastCaseId: c.id });
    return;
  }
  const near = (
    await repo.spotsNear(tx, c.tenantId, c.categoryId, boxAround(lng, lat, deps.config.CASE_DUPLICATE_RADIUS_M))
  )
    .map((s) => ({ s, d: distanceM([lng, lat], [s.lng, s.lat]) }))
    .filter((x) => x.d <= deps.config.CASE_DUPLICATE_RADIUS_M)
    .sort((a, b) => a.d - b.d)[0]?.s;
  if (near) {
    await repo.updateSpot(tx, c.tenantId, near.id, {
      lastClosedAt: now,
      lastCaseId: c.id,
      caseCount: near.caseCount + 1,
    });
    patch.spotId = near.id;
  } else {
    const id = randomUUID();
    await repo.insertSpot(tx, {
      tenantId: c.tenantId,
      id,
      categoryId: c.categoryId,
      lat,
      lng,
      gridId: c.gridId,
      caseCount: 1,
      recurrenceCount: 0,
      lastCaseId: c.id,
      lastClosedAt: now,
      createdAt: now,
    });
    patch.spotId = id;
  }
}

// ---------------------------------------------------------------------------------------------------
// Requests to the HQ: extension, parking, dispute

/** A unit asks its HQ: more time, parking (挂账), or "not ours" (推诿扯皮 settled by the HQ, in time). */
export async function createRequest(
  actor: Actor,
  deps: Deps,
  id: string,
  ifMatch: string | undefined,
  input: TCaseRequestCreate,
): Promise<TCaseDetail> {
  const version = expectedVersion(ifMatch);
  const now = deps.clock.now();
  const cal = await loadWorkCalendar(deps, actor.tenantId);
  await deps.database.db.transaction(async (tx) => {
    const c = await lockForChange(tx, actor, id, version);
    const rule = REQUEST_RULES[input.kind];
    const standing = await standingOf(actor, tx, c);
    if (!hasRole(actor, rule.roles) || !standing.isUnit) throw new AppError('FORBIDDEN', '只有责任单位可以提出申请');
    if (!rule.from.includes(c.status as TCaseStatus))
      throw new AppError('CONFLICT', `案件当前状态不能提出${input.kind === 'dispute' ? '争议' : '申请'}`);
    if (c.pendingRequest) throw new AppError('CONFLICT', '已有待指挥部决定的申请');
    const payload: Record<string, unknown> = {};
    if (input.kind === 'extension') {
      if (
        !input.requestedDue ||
        (c.dueAt && new Date(input.requestedDue) <= c.dueAt) ||
        new Date(input.requestedDue) <= now
      )
        throw new AppError('VALIDATION_FAILED', '延期须申请一个晚于当前时限的新时限', [
          { field: 'body.requestedDue', message: '须晚于当前时限' },
        ]);
      payload.requestedDue = new Date(input.requestedDue).toISOString();
      payload.currentDue = c.dueAt?.toISOString() ?? null;
    }
    if (input.kind === 'park') {
      if (!input.reviewDate || new Date(input.reviewDate) <= now)
        throw new AppError('VALIDATION_FAILED', '挂账须填写将来的复查日期', [
          { field: 'body.reviewDate', message: '须为将来日期' },
        ]);
      payload.reviewDate = new Date(input.reviewDate).toISOString();
    }
    if (input.kind === 'dispute') {
      if (input.suggestedUnitId) {
        const [u] = await repo.unitsByIds(tx, c.tenantId, [input.suggestedUnitId]);
        if (!u)
          throw new AppError('VALIDATION_FAILED', '建议的责任单位不存在', [
            { field: 'body.suggestedUnitId', message: '不存在' },
          ]);
        if (u.id === c.unitId)
          throw new AppError('VALIDATION_FAILED', '建议的单位就是本单位', [
            { field: 'body.suggestedUnitId', message: '须为其他单位' },
          ]);
        payload.suggestedUnitId = u.id;
        payload.suggestedUnitName = u.name;
      }
      payload.fromUnitId = c.unitId;
    }
    const requestId = randomUUID();
    const decideBy = deadlineFrom(now, REQUEST_DECISION_LIMIT, cal);
    await repo.insertRequest(tx, {
      tenantId: c.tenantId,
      id: requestId,
      caseId: c.id,
      kind: input.kind,
      unitId: c.unitId,
      reason: input.reason,
      payload,
      requestedBy: actor.userId,
      requestedAt: now,
      decideBy,
      status: 'pending',
    });
    await saveChange(tx, c, { pendingRequest: input.kind, updatedAt: now });
    await repo.appendEvent(tx, {
      tenantId: c.tenantId,
      caseId: c.id,
      at: now,
      actorId: actor.userId,
      actorName: actor.displayName,
      kind: 'request',
      note: input.reason,
      data: { requestId, kind: input.kind, ...payload, decideBy: decideBy.toISOString() },
    });
    await recordAudit(tx, deps.clock, actor, {
      action: `cases.request.${input.kind}`,
      objectType: 'case',
      objectId: c.id,
      details: { requestId, ...payload },
    });
    const label = await categoryLabel(tx, c.tenantId, c.categoryId);
    await notify(tx, deps, {
      tenantId: c.tenantId,
      event: input.kind === 'dispute' ? 'dispute' : input.kind === 'extension' ? 'extension' : 'parked',
      caseId: c.id,
      unitId: c.hqId,
      title: `${input.kind === 'dispute' ? '争议待裁定' : input.kind === 'extension' ? '延期申请' : '挂账申请'} ${c.number}`,
      body: `${label}:${input.reason}(请于 ${decideBy.toISOString().slice(0, 16).replace('T', ' ')} UTC 前决定)`,
      link: `/cases/${c.id}`,
    });
  });
  return getCase(actor, deps, id);
}

/** The HQ decides a pending request; an upheld dispute re-routes the case and may fix the matrix. */
export async function decideRequest(
  actor: Actor,
  deps: Deps,
  id: string,
  requestId: string,
  ifMatch: string | undefined,
  input: TCaseRequestDecision,
): Promise<TCaseDetail> {
  const version = expectedVersion(ifMatch);
  const now = deps.clock.now();
  const cal = await loadWorkCalendar(deps, actor.tenantId);
  await deps.database.db.transaction(async (tx) => {
    const c = await lockForChange(tx, actor, id, version);
    const standing = await standingOf(actor, tx, c);
    if (!standing.isHq || !hasRole(actor, ['commander', 'leader']))
      throw new AppError('FORBIDDEN', '只有牵头指挥部可以决定申请');
    const r = await repo.getRequest(tx, c.tenantId, c.id, requestId);
    if (!r) throw notFound('申请');
    if (r.status !== 'pending') throw new AppError('CONFLICT', '该申请已有决定');
    const patch: Partial<repo.CaseInsert> = { pendingRequest: null, updatedAt: now };
    const decision: Record<string, unknown> = { approve: input.approve, note: input.note ?? null };
    let event: 'extension' | 'parked' | 'dispute_decided' | 'dispatched' = 'dispute_decided';
    let toStatus: TCaseStatus | null = null;
    if (input.approve) {
      if (r.kind === 'extension') {
        const due = new Date(input.newDue ?? (r.payload.requestedDue as string));
        if (!(due > now))
          throw new AppError('VALIDATION_FAILED', '批准的时限须在将来', [
            { field: 'body.newDue', message: '须为将来时间' },
          ]);
        patch.handleDue = due;
        if (c.stage === 'handle')
          Object.assign(patch, clockFor('handle', c.stageStartedAt ?? now, due), { escalationLevel: 0 });
        patch.extensionCount = c.extensionCount + 1;
        decision.newDue = due.toISOString();
        event = 'extension';
      } else if (r.kind === 'park') {
        toStatus = 'parked';
        Object.assign(
          patch,
          { status: 'parked', parkedUntil: new Date(r.payload.reviewDate as string) },
          clockFor('none', now, null),
        );
        event = 'parked';
      } else {
        const unitId = input.unitId ?? (r.payload.suggestedUnitId as string | undefined);
        if (!unitId)
          throw new AppError('VALIDATION_FAILED', '支持争议须指定新的责任单位', [
            { field: 'body.unitId', message: '必填' },
          ]);
        const [u] = await repo.unitsByIds(tx, c.tenantId, [unitId]);
        if (!u)
          throw new AppError('VALIDATION_FAILED', '责任单位不存在', [{ field: 'body.unitId', message: '不存在' }]);
        let assigneeId: string | null = null;
        if (input.assigneeId) {
          const [p] = await repo.usersByIds(tx, c.tenantId, [input.assigneeId]);
          if (!p || p.unitId !== u.id)
            throw new AppError('VALIDATION_FAILED', '责任人须属于新的责任单位', [
              { field: 'body.assigneeId', message: '不属于该单位' },
            ]);
          assigneeId = p.id;
        }
        toStatus = 'dispatched';
        const due = await stageDeadline(tx, cal, c, 'handle', now);
        Object.assign(
          patch,
          { status: 'dispatched', unitId: u.id, assigneeId, dispatchedAt: now, handleDue: due, escalationLevel: 0 },
          clockFor('handle', now, due),
        );
        decision.unitId = u.id;
        decision.unitName = u.name;
        if (input.updateMatrix) {
          if (!c.gridId)
            throw new AppError('VALIDATION_FAILED', '案件没有网格,无法更新责任矩阵', [
              { field: 'body.updateMatrix', message: '无网格' },
            ]);
          const rule = await pointGridRuleAt(tx, deps, actor, {
            categoryId: c.categoryId,
            gridId: c.gridId,
            unitId: u.id,
            userId: assigneeId,
            note: `争议裁定 ${c.number}`,
          });
          decision.matrixRule = rule;
        }
        event = 'dispatched';
      }
    }
    await repo.decideRequest(tx, c.tenantId, r.id, {
      status: input.approve ? 'approved' : 'rejected',
      decidedBy: actor.userId,
      decidedAt: now,
      decision,
    });
    await saveChange(tx, c, patch);
    await repo.appendEvent(tx, {
      tenantId: c.tenantId,
      caseId: c.id,
      at: now,
      actorId: actor.userId,
      actorName: actor.displayName,
      kind: 'decision',
      fromStatus: toStatus ? c.status : null,
      toStatus,
      note: input.note ?? null,
      data: { requestId: r.id, kind: r.kind, late: r.decideBy ? now > r.decideBy : false, ...decision },
    });
    await recordAudit(tx, deps.clock, actor, {
      action: `cases.decide.${r.kind}`,
      objectType: 'case',
      objectId: c.id,
      details: { requestId: r.id, ...decision },
    });
    const label = await categoryLabel(tx, c.tenantId, c.categoryId);
    const verdict = input.approve ? '已批准' : '未批准';
    await notify(tx, deps, {
      tenantId: c.tenantId,
      event: r.kind === 'dispute' ? 'dispute_decided' : event,
      caseId: c.id,
      unitId: c.unitId,
      title: `${r.kind === 'dispute' ? '争议裁定' : r.kind === 'extension' ? '延期申请' : '挂账申请'}${verdict} ${c.number}`,
      body: `${label}${input.note ? `:${input.note}` : ''}`,
      link: `/cases/${c.id}`,
    });
    if (r.kind === 'dispute' && input.approve && decision.unitId) {
      await notify(tx, deps, {
        tenantId: c.tenantId,
        event: 'dispatched',
        caseId: c.id,
        unitId: decision.unitId as string,
        title: `新派遣案件 ${c.number}`,
        body: `${label}:经指挥部裁定由贵单位办理。`,
        link: `/cases/${c.id}`,
      });
    }
  });
  return getCase(actor, deps, id);
}

/** The HQ moves a case to another unit (and person) without a dispute. */
export async function reassign(
  actor: Actor,
  deps: Deps,
  id: string,
  ifMatch: string | undefined,
  input: { unitId: string; assigneeId?: string; note: string },
): Promise<TCaseDetail> {
  const version = expectedVersion(ifMatch);
  const now = deps.clock.now();
  await deps.database.db.transaction(async (tx) => {
    const c = await lockForChange(tx, actor, id, version);
    const standing = await standingOf(actor, tx, c);
    if (!standing.isHq || !hasRole(actor, ['commander', 'leader']))
      throw new AppError('FORBIDDEN', '只有牵头指挥部可以改派');
    if (!['registered', 'dispatched', 'in_progress', 'returned'].includes(c.status))
      throw new AppError('CONFLICT', '当前状态不能改派');
    const [u] = await repo.unitsByIds(tx, c.tenantId, [input.unitId]);
    if (!u) throw new AppError('VALIDATION_FAILED', '单位不存在', [{ field: 'body.unitId', message: '不存在' }]);
    let assigneeId: string | null = null;
    if (input.assigneeId) {
      const [p] = await repo.usersByIds(tx, c.tenantId, [input.assigneeId]);
      if (!p || p.unitId !== u.id)
        throw new AppError('VALIDATION_FAILED', '责任人须属于该单位', [
          { field: 'body.assigneeId', message: '不属于该单位' },
        ]);
      assigneeId = p.id;
    }
    const patch: Partial<repo.CaseInsert> = { unitId: u.id, assigneeId, updatedAt: now };
    // A case already with a unit goes back to "dispatched": the new unit must sign for it.
    if (c.status === 'in_progress' || c.status === 'returned') patch.status = 'dispatched';
    await saveChange(tx, c, patch);
    await repo.appendEvent(tx, {
      tenantId: c.tenantId,
      caseId: c.id,
      at: now,
      actorId: actor.userId,
      actorName: actor.displayName,
      kind: 'reassigned',
      fromStatus: patch.status ? c.status : null,
      toStatus: (patch.status as string | undefined) ?? null,
      note: input.note,
      data: { fromUnitId: c.unitId, toUnitId: u.id, toUnitName: u.name, assigneeId },
    });
    await recordAudit(tx, deps.clock, actor, {
      action: 'cases.reassign',
      objectType: 'case',
      objectId: c.id,
      details: { fromUnitId: c.unitId, toUnitId: u.id, assigneeId },
    });
    if (c.status !== 'registered') {
      await notify(tx, deps, {
        tenantId: c.tenantId,
        event: 'dispatched',
        caseId: c.id,
        unitId: u.id,
        userId: assigneeId,
        title: `改派案件 ${c.number}`,
        body: `${await categoryLabel(tx, c.tenantId, c.categoryId)}:${input.note}`,
        link: `/cases/${c.id}`,
      });
    }
  });
  return getCase(actor, deps, id);
}

const INTAKE_ROUTE = 'POST /api/v1/cases';

/**
 * Intake with an optional Idempotency-Key. A retry after the first attempt committed but died before
 * its response was stored finds the case it created (same id, same reporter) and answers it.
 */
export async function intake(
  actor: Actor,
  deps: Deps,
  input: TCreateCase,
  key: string | undefined,
): Promise<{ status: number; body: unknown }> {
  if (!key) return { status: 201, body: await createCase(actor, deps, input) };
  // The common case, a new key: claimed in the same round trip as the duplicate lookup.
  const first = newClaim(actor, deps, INTAKE_ROUTE, key, input);
  try {
    return { status: 201, body: await createCase(actor, deps, input, { claim: first }) };
  } catch (e) {
    if (first.made) {
      if (isClientError(e)) await releaseKey(actor, deps, key);
      throw e;
    }
    // Refused before claiming: the key may answer a request made before (whose answer stands even if
    // this body no longer passes, e.g. a category since retired) — the locked look below decides.
    if (!(e instanceof KeyTaken) && !isClientError(e)) throw e;
  }
  const claim = await claimKey(actor, deps, INTAKE_ROUTE, key, input);
  if (claim.replay) return { status: claim.status, body: claim.body };
  try {
    // Only a takeover (an earlier attempt's lease ran out) can find the case already there.
    const existing = claim.takeover ? await repo.getCase(deps.database.db, actor.tenantId, input.id) : null;
    if (existing && existing.reportedBy === actor.userId) {
      const body = { ...(await getCase(actor, deps, input.id)), duplicates: [], warnings: [] };
      await deps.database.db.transaction((tx) => completeKey(tx, actor, key, 201, body));
      return { status: 201, body };
    }
    return { status: 201, body: await createCase(actor, deps, input, { idempotency: claim.key }) };
  } catch (e) {
    if (isClientError(e)) await releaseKey(actor, deps, key);
    throw e;
  }
}

/**
 * Append an event to a case's timeline from another module (an order, an enforcement, a sensor
 * report), in the caller's transaction: the case row is locked so concurrent writers take seqs in turn.
 */
export async function appendCaseEvent(
  tx: Tx,
  tenantId: string,
  caseId: string,
  e: {
    at: Date;
    actorId: string | null;
    actorName: string;
    kind: string;
    note: string | null;
    photos?: string[];
    data?: Record<string, unknown>;
  },
): Promise<number> {
  if (!(await repo.lockCase(tx, tenantId, caseId))) throw notFound('案件');
  return repo.appendEvent(tx, { tenantId, caseId, ...e });
}

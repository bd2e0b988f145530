/** All SQL of the cases module. */
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { type Executor, rowsOf } from '../../db/client.ts';
import { insertJsonRows, jsonInsertSql } from '../../db/json-rows.ts';
import { prepared } from '../../db/prepared.ts';
import {
  caseEvents,
  caseMedia,
  caseRequests,
  caseSpots,
  cases,
  idempotencyKeys,
  supervisionOrders,
} from './cases.schema.ts';

export type CaseRow = typeof cases.$inferSelect;
export type CaseInsert = typeof cases.$inferInsert;
export type CaseEventRow = typeof caseEvents.$inferSelect;
export type RequestRow = typeof caseRequests.$inferSelect;
export type SpotRow = typeof caseSpots.$inferSelect;

/** Next number of a per-tenant, per-year sequence; concurrent callers get distinct numbers. */
export async function nextNumber(db: Executor, tenantId: string, kind: string, year: number): Promise<number> {
  return reserveNumbers(db, tenantId, kind, year, 1);
}

/** Reserve `count` consecutive numbers of a sequence; returns the first. */
export async function reserveNumbers(
  db: Executor,
  tenantId: string,
  kind: string,
  year: number,
  count: number,
): Promise<number> {
  const r = rowsOf<{ last: number }>(
    await db.execute(sql`insert into number_sequences (tenant_id, kind, year, last) values (${tenantId}, ${kind}, ${year}, ${count})
      on conflict (tenant_id, kind, year) do update set last = number_sequences.last + ${count} returning last`),
  );
  return Number(r[0]?.last) - count + 1;
}

/** Case number as shown: the year and at least six digits ('2026-000123'); see insertNumberedCases. */
export function caseNumber(year: number, seq: number): string {
  return `${year}-${String(seq).padStart(6, '0')}`;
}

/**
 * Insert cases of one year with their first timeline events, numbered consecutively in the order
 * given from the tenant's sequence for that year — reservation, cases and events in one statement —
 * and return the stored cases (defaults included) in the same order. The events' foreign key is
 * checked at the end of the statement, when the cases are there.
 */
export async function insertNumberedCases(
  db: Executor,
  tenantId: string,
  year: number,
  rows: Omit<CaseInsert, 'year' | 'seq' | 'number'>[],
  firstEvents: CaseEventRow[],
): Promise<CaseRow[]> {
  if (rows.length === 0) return [];
  const count = rows.length;
  // The same text as caseNumber: lpad to at least six digits, never cutting longer numbers.
  const seq = sql`((select last from reserved) - ${count}::int + r.ordinality::int)`;
  const stored = await insertJsonRows(db, cases, rows as CaseInsert[], {
    returning: true,
    prefix: sql`with reserved as (insert into number_sequences (tenant_id, kind, year, last)
        values (${tenantId}, 'case', ${year}::int, ${count}::int)
        on conflict (tenant_id, kind, year) do update set last = number_sequences.last + excluded.last
        returning last)${firstEvents.length > 0 ? sql`, first_events as (${jsonInsertSql(caseEvents, firstEvents)})` : sql``}`,
    computed: [
      ['year', sql`${year}::int`],
      ['seq', seq],
      ['number', sql`${year}::int || '-' || lpad(${seq}::text, greatest(6, length(${seq}::text)), '0')`],
    ],
  });
  const byId = new Map(stored.map((r) => [r.id, r]));
  return rows.map((r) => byId.get(r.id as string) as CaseRow);
}

/** The case row, locked for the rest of the transaction. */
export async function lockCase(db: Executor, tenantId: string, id: string): Promise<CaseRow | null> {
  const [r] = await db
    .select()
    .from(cases)
    .where(and(eq(cases.tenantId, tenantId), eq(cases.id, id)))
    .for('update');
  return r ?? null;
}

export async function getCase(db: Executor, tenantId: string, id: string): Promise<CaseRow | null> {
  const [r] = await db
    .select()
    .from(cases)
    .where(and(eq(cases.tenantId, tenantId), eq(cases.id, id)));
  return r ?? null;
}

/** Update only if the version is still the one read; returns false when someone else got there first. */
export async function updateCase(
  db: Executor,
  tenantId: string,
  id: string,
  version: number,
  patch: Partial<CaseInsert>,
): Promise<boolean> {
  const r = await db
    .update(cases)
    .set({ ...patch, version: version + 1 })
    .where(and(eq(cases.tenantId, tenantId), eq(cases.id, id), eq(cases.version, version)))
    .returning({ id: cases.id });
  return r.length === 1;
}

/** Append a timeline event (the case row must be locked or new); returns its seq. */
export async function appendEvent(db: Executor, row: Omit<typeof caseEvents.$inferInsert, 'seq'>): Promise<number> {
  const r = rowsOf<{ seq: number }>(
    await db.execute(sql`insert into case_events (tenant_id, case_id, seq, at, actor_id, actor_name, kind, from_status, to_status, note, photos, data)
      select ${row.tenantId}, ${row.caseId}, coalesce(max(seq), 0) + 1, ${row.at}, ${row.actorId ?? null}, ${row.actorName}, ${row.kind},
        ${row.fromStatus ?? null}, ${row.toStatus ?? null}, ${row.note ?? null}, ${JSON.stringify(row.photos ?? [])}::jsonb, ${JSON.stringify(row.data ?? {})}::jsonb
      from case_events where tenant_id = ${row.tenantId} and case_id = ${row.caseId}
      returning seq`),
  );
  return Number(r[0]?.seq);
}

export async function listEvents(db: Executor, tenantId: string, caseId: string): Promise<CaseEventRow[]> {
  return db
    .select()
    .from(caseEvents)
    .where(and(eq(caseEvents.tenantId, tenantId), eq(caseEvents.caseId, caseId)))
    .orderBy(caseEvents.seq);
}

export async function attachMedia(db: Executor, rows: (typeof caseMedia.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await db.insert(caseMedia).values(rows).onConflictDoNothing();
}

export interface CaseMediaView {
  mediaId: string;
  stage: string;
  warnings: string[];
  takenAt: Date | null;
}
export async function listCaseMedia(db: Executor, tenantId: string, caseId: string): Promise<CaseMediaView[]> {
  const r = rowsOf<{ media_id: string; stage: string; warnings: string[]; taken_at: string | null }>(
    await db.execute(sql`select cm.media_id, cm.stage, cm.warnings, m.taken_at::text as taken_at
      from case_media cm join media m on m.tenant_id = cm.tenant_id and m.id = cm.media_id
      where cm.tenant_id = ${tenantId} and cm.case_id = ${caseId} order by cm.event_seq, m.uploaded_at`),
  );
  return r.map((x) => ({
    mediaId: x.media_id,
    stage: x.stage,
    warnings: x.warnings ?? [],
    takenAt: x.taken_at ? new Date(x.taken_at) : null,
  }));
}

export interface MediaFacts {
  id: string;
  uploadedBy: string | null;
  takenAt: Date | null;
  exifLat: number | null;
  exifLng: number | null;
  attachedTo: string | null;
}
/** The photos named by id in this tenant, with where they are already attached. */
export async function mediaFacts(db: Executor, tenantId: string, ids: string[]): Promise<MediaFacts[]> {
  if (ids.length === 0) return [];
  const r = rowsOf<{
    id: string;
    uploaded_by: string | null;
    taken_at: string | null;
    exif_lat: number | null;
    exif_lng: number | null;
    attached_to: string | null;
  }>(
    await db.execute(sql`select m.id, m.uploaded_by, m.taken_at::text as taken_at, m.exif_lat, m.exif_lng,
        (select cm.case_id from case_media cm where cm.tenant_id = m.tenant_id and cm.media_id = m.id limit 1) as attached_to
      from media m where m.tenant_id = ${tenantId} and m.id in (${sql.join(
        ids.map((i) => sql`${i}::uuid`),
        sql`, `,
      )})`),
  );
  return r.map((x) => ({
    id: x.id,
    uploadedBy: x.uploaded_by,
    takenAt: x.taken_at ? new Date(x.taken_at) : null,
    exifLat: x.exif_lat,
    exifLng: x.exif_lng,
    attachedTo: x.attached_to,
  }));
}

export interface UnitInfo {
  id: string;
  name: string;
  type: string;
  path: string;
}
export async function unitsByIds(db: Executor, tenantId: string, ids: string[]): Promise<UnitInfo[]> {
  const list = [...new Set(ids.filter(Boolean))];
  if (list.length === 0) return [];
  return rowsOf<UnitInfo>(
    await db.execute(
      sql`select id, name, type, path from org_units where tenant_id = ${tenantId} and id in (${sql.join(
        list.map((i) => sql`${i}::uuid`),
        sql`, `,
      )})`,
    ),
  );
}

export interface UserInfo {
  id: string;
  name: string;
  unitId: string | null;
  roles: string[];
  disabled: boolean;
}
export async function usersByIds(db: Executor, tenantId: string, ids: string[]): Promise<UserInfo[]> {
  const list = [...new Set(ids.filter(Boolean))];
  if (list.length === 0) return [];
  return rowsOf<UserInfo>(
    await db.execute(
      sql`select id, display_name as name, unit_id as "unitId", roles, disabled from users where tenant_id = ${tenantId} and id in (${sql.join(
        list.map((i) => sql`${i}::uuid`),
        sql`, `,
      )})`,
    ),
  );
}

/** The tenant's leading group (领导小组), the top of escalation. */
export async function leadingGroupId(db: Executor, tenantId: string): Promise<string | null> {
  const r = rowsOf<{ id: string }>(
    await db.execute(
      sql`select id from org_units where tenant_id = ${tenantId} and type = 'leading_group' order by path limit 1`,
    ),
  );
  return r[0]?.id ?? null;
}

export async function gridsByIds(db: Executor, tenantId: string, ids: string[]) {
  const list = [...new Set(ids.filter(Boolean))];
  if (list.length === 0) return [];
  return rowsOf<{ id: string; code: string; name: string }>(
    await db.execute(
      sql`select id, code, name from grid_cells where tenant_id = ${tenantId} and id in (${sql.join(
        list.map((i) => sql`${i}::uuid`),
        sql`, `,
      )})`,
    ),
  );
}

export async function categoriesByIds(db: Executor, tenantId: string, ids: string[]) {
  const list = [...new Set(ids.filter(Boolean))];
  if (list.length === 0) return [];
  return rowsOf<{ id: string; code: string; name: string }>(
    await db.execute(
      sql`select id, code, name from categories where tenant_id = ${tenantId} and id in (${sql.join(
        list.map((i) => sql`${i}::uuid`),
        sql`, `,
      )})`,
    ),
  );
}

export async function casesNumbers(db: Executor, tenantId: string, ids: string[]) {
  const list = [...new Set(ids.filter(Boolean))];
  if (list.length === 0) return [];
  return rowsOf<{ id: string; number: string }>(
    await db.execute(
      sql`select id, number from cases where tenant_id = ${tenantId} and id in (${sql.join(
        list.map((i) => sql`${i}::uuid`),
        sql`, `,
      )})`,
    ),
  );
}

/** Open cases of a category inside a lat/lng box reported since a time (distance is checked by the caller). */
export async function openCasesNear(
  db: Executor,
  tenantId: string,
  categoryId: string,
  box: [number, number, number, number],
  since: Date,
  excludeId: string | null,
) {
  return rowsOf<{ id: string; number: string; lat: number; lng: number; reported_at: string; status: string }>(
    await db.execute(sql`select id, number, lat, lng, reported_at::text as reported_at, status from cases
      where tenant_id = ${tenantId} and category_id = ${categoryId}
        and lat between ${box[1]} and ${box[3]} and lng between ${box[0]} and ${box[2]}
        and reported_at >= ${since}
        and status in ('reported','registered','dispatched','in_progress','handled','returned','verified','parked')
        ${excludeId ? sql`and id <> ${excludeId}` : sql``}
      order by reported_at desc limit 20`),
  );
}

type NearCase = { id: string; number: string; lat: number; lng: number; reported_at: string; status: string };

type NearRow = NearCase & {
  k: 'c' | 's' | 'k';
  grid_id: string | null;
  case_count: number | null;
  recurrence_count: number | null;
  last_case_id: string | null;
  last_closed_at: string | null;
  created_at: string | null;
};

const NEAR_SQL = `select * from (select 'c' as k, id, number, lat, lng, reported_at::text as reported_at, status,
        null::uuid as grid_id, null::int as case_count, null::int as recurrence_count, null::uuid as last_case_id,
        null::text as last_closed_at, null::text as created_at
      from cases
      where tenant_id = $1 and category_id = $2
        and lat between $4 and $6 and lng between $3 and $5
        and reported_at >= $7::timestamptz
        and status in ('reported','registered','dispatched','in_progress','handled','returned','verified','parked')
      order by reported_at desc limit 20) c
    union all
    select 's', id, null, lat, lng, null, null, grid_id, case_count, recurrence_count, last_case_id,
        last_closed_at::text, created_at::text
      from case_spots
      where tenant_id = $1 and category_id = $2
        and lat between $4 and $6 and lng between $3 and $5`;

// Prepared: every intake runs it, and planning the union cost more than running it.
const nearStatement = prepared<NearRow>('cases_near', NEAR_SQL);

// The same, with a new Idempotency-Key claimed in the same round trip (a 'k' row when it was).
const nearClaimStatement = prepared<NearRow>(
  'cases_near_claim',
  `with claim as (${claimInsertSql(8)})
    ${NEAR_SQL}
    union all
    select 'k', null, null, null, null, null, null, null, null, null, null, null, null from claim`,
);

/**
 * openCasesNear and spotsNear in one round trip (case intake asks both for the same box); with
 * `claim`, the key is claimed in the same statement and `claimed` says whether it was.
 */
export async function openCasesAndSpotsNear(
  db: Executor,
  tenantId: string,
  categoryId: string,
  box: [number, number, number, number],
  since: Date,
  claim?: ClaimRow,
): Promise<{ cases: NearCase[]; spots: SpotRow[]; claimed: boolean }> {
  const near = [tenantId, categoryId, box[0], box[1], box[2], box[3], since.toISOString()];
  const rows = claim
    ? await nearClaimStatement.run(db, [...near, ...claimParams(claim)])
    : await nearStatement.run(db, near);
  const date = (v: string | null) => (v === null ? null : new Date(v));
  return {
    claimed: rows.some((r) => r.k === 'k'),
    cases: rows
      .filter((r) => r.k === 'c')
      .map((r) => ({
        id: r.id,
        number: r.number,
        lat: r.lat,
        lng: r.lng,
        reported_at: r.reported_at,
        status: r.status,
      })),
    spots: rows
      .filter((r) => r.k === 's')
      .map((r) => ({
        tenantId,
        id: r.id,
        categoryId,
        lat: Number(r.lat),
        lng: Number(r.lng),
        gridId: r.grid_id,
        caseCount: Number(r.case_count),
        recurrenceCount: Number(r.recurrence_count),
        lastCaseId: r.last_case_id,
        lastClosedAt: date(r.last_closed_at),
        createdAt: date(r.created_at) as Date,
      })),
  };
}

export async function spotsNear(
  db: Executor,
  tenantId: string,
  categoryId: string,
  box: [number, number, number, number],
) {
  return db
    .select()
    .from(caseSpots)
    .where(
      and(
        eq(caseSpots.tenantId, tenantId),
        eq(caseSpots.categoryId, categoryId),
        sql`${caseSpots.lat} between ${box[1]} and ${box[3]} and ${caseSpots.lng} between ${box[0]} and ${box[2]}`,
      ),
    );
}

export async function getSpot(db: Executor, tenantId: string, id: string): Promise<SpotRow | null> {
  const [r] = await db
    .select()
    .from(caseSpots)
    .where(and(eq(caseSpots.tenantId, tenantId), eq(caseSpots.id, id)));
  return r ?? null;
}

export async function insertSpot(db: Executor, row: typeof caseSpots.$inferInsert): Promise<void> {
  await db.insert(caseSpots).values(row);
}

export async function updateSpot(
  db: Executor,
  tenantId: string,
  id: string,
  patch: Partial<typeof caseSpots.$inferInsert>,
) {
  await db
    .update(caseSpots)
    .set(patch)
    .where(and(eq(caseSpots.tenantId, tenantId), eq(caseSpots.id, id)));
}

export async function bumpSpotCounts(db: Executor, tenantId: string, id: string, recurrence: boolean): Promise<void> {
  await db.execute(sql`update case_spots set case_count = case_count + 1,
      recurrence_count = recurrence_count + ${recurrence ? 1 : 0} where tenant_id = ${tenantId} and id = ${id}`);
}

// Requests to the HQ ------------------------------------------------------------------------------

export async function insertRequest(db: Executor, row: typeof caseRequests.$inferInsert): Promise<void> {
  await db.insert(caseRequests).values(row);
}

export async function listRequests(db: Executor, tenantId: string, caseId: string): Promise<RequestRow[]> {
  return db
    .select()
    .from(caseRequests)
    .where(and(eq(caseRequests.tenantId, tenantId), eq(caseRequests.caseId, caseId)))
    .orderBy(caseRequests.requestedAt);
}

export async function getRequest(
  db: Executor,
  tenantId: string,
  caseId: string,
  id: string,
): Promise<RequestRow | null> {
  const [r] = await db
    .select()
    .from(caseRequests)
    .where(and(eq(caseRequests.tenantId, tenantId), eq(caseRequests.caseId, caseId), eq(caseRequests.id, id)));
  return r ?? null;
}

export async function decideRequest(
  db: Executor,
  tenantId: string,
  id: string,
  patch: Partial<typeof caseRequests.$inferInsert>,
): Promise<void> {
  await db
    .update(caseRequests)
    .set(patch)
    .where(and(eq(caseRequests.tenantId, tenantId), eq(caseRequests.id, id)));
}

// Supervision orders ------------------------------------------------------------------------------

export async function insertSupervisionOrder(
  db: Executor,
  row: typeof supervisionOrders.$inferInsert,
): Promise<boolean> {
  const r = await db
    .insert(supervisionOrders)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: supervisionOrders.id });
  return r.length === 1;
}

export async function listSupervisionOrders(db: Executor, tenantId: string, caseId: string) {
  return db
    .select()
    .from(supervisionOrders)
    .where(and(eq(supervisionOrders.tenantId, tenantId), eq(supervisionOrders.caseId, caseId)))
    .orderBy(supervisionOrders.issuedAt);
}

/** Open cases whose stage turns due soon or overdue by `now` (or that are overdue and may escalate). */
export async function casesNeedingDeadlineWork(db: Executor, tenantId: string, now: Date, limit: number) {
  return db
    .select()
    .from(cases)
    .where(
      and(
        eq(cases.tenantId, tenantId),
        sql`${cases.dueAt} is not null and ${cases.stage} <> 'none'`,
        sql`((${cases.dueState} in ('none','ok') and ${cases.dueSoonAt} <= ${now})
          or (${cases.dueState} <> 'overdue' and ${cases.dueAt} <= ${now})
          or (${cases.dueState} = 'overdue' and ${cases.escalationLevel} < 3))`,
      ),
    )
    .orderBy(cases.dueAt)
    .limit(limit);
}

/** Parked cases whose review date has come and whose HQ has not yet been reminded of that date. */
export async function parkedDue(db: Executor, tenantId: string, now: Date, limit: number) {
  return db
    .select({ id: cases.id })
    .from(cases)
    .where(
      and(
        eq(cases.tenantId, tenantId),
        eq(cases.status, 'parked'),
        sql`${cases.parkedUntil} <= ${now}`,
        sql`not exists (select 1 from case_events e where e.tenant_id = ${cases.tenantId} and e.case_id = ${cases.id}
          and e.kind = 'deadline' and e.data->>'state' = 'parked_review'
          and (e.data->>'parkedUntil')::timestamptz = ${cases.parkedUntil})`,
      ),
    )
    .orderBy(cases.parkedUntil)
    .limit(limit);
}

/** Pending requests to the HQ past their decide-by time that have not been escalated yet. */
export async function requestsPastDecideBy(db: Executor, tenantId: string, now: Date, limit: number) {
  return db
    .select()
    .from(caseRequests)
    .where(
      and(
        eq(caseRequests.tenantId, tenantId),
        eq(caseRequests.status, 'pending'),
        sql`${caseRequests.decideBy} <= ${now}`,
        sql`not exists (select 1 from case_events e where e.tenant_id = ${caseRequests.tenantId}
          and e.case_id = ${caseRequests.caseId} and e.kind = 'deadline' and e.data->>'state' = 'request_overdue'
          and e.data->>'requestId' = ${caseRequests.id}::text)`,
      ),
    )
    .orderBy(caseRequests.decideBy)
    .limit(limit);
}

// Idempotency keys --------------------------------------------------------------------------------

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

export async function getIdempotency(db: Executor, tenantId: string, userId: string, key: string) {
  const [r] = await db
    .select()
    .from(idempotencyKeys)
    .where(
      and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)),
    )
    .for('update');
  return r ?? null;
}

export type KeyCompletion = {
  userId: string;
  key: string;
  route: string;
  requestHash: string;
  createdAt: Date;
  status: number;
  body: unknown;
};

/**
 * The statement that stores the answers of several requests under their (claimed) keys, to run
 * alone or along with another. An upsert on the key: each row finds its claim through the primary
 * key, where an UPDATE … FROM a row set is planned as a hash join over the whole table (the set's
 * size is unknown to the planner).
 */
export function completeIdempotencyKeysSql(tenantId: string, done: KeyCompletion[]): SQL {
  return jsonInsertSql(
    idempotencyKeys,
    done.map((d) => ({
      tenantId,
      userId: d.userId,
      key: d.key,
      route: d.route,
      requestHash: d.requestHash,
      status: 'done',
      lockedUntil: null,
      responseStatus: d.status,
      responseBody: d.body,
      createdAt: d.createdAt,
    })),
    {
      onConflict: sql`on conflict (tenant_id, user_id, key) do update set status = 'done', locked_until = null,
        response_status = excluded.response_status, response_body = excluded.response_body`,
    },
  );
}

// Written out and prepared: the insert builder cost more CPU than the round trip on the intake path.
const claimStatement = prepared<{ key: string }>('idempotency_claim', claimInsertSql(1));
export interface ClaimRow {
  tenantId: string;
  userId: string;
  key: string;
  route: string;
  requestHash: string;
  status: string;
  lockedUntil: Date;
  createdAt: Date;
}

/** The claim's INSERT with its eight parameters numbered from $first (claimParams gives them). */
function claimInsertSql(first: number): string {
  const p = (i: number) => `$${first + i}`;
  return `insert into idempotency_keys (tenant_id, user_id, key, route, request_hash, status, locked_until, created_at)
    values (${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}::timestamptz, ${p(7)}::timestamptz)
    on conflict do nothing returning key`;
}

const claimParams = (row: ClaimRow) => [
  row.tenantId,
  row.userId,
  row.key,
  row.route,
  row.requestHash,
  row.status,
  row.lockedUntil.toISOString(),
  row.createdAt.toISOString(),
];

/** Claim a key; false when another request holds it already. */
export async function claimIdempotency(db: Executor, row: ClaimRow): Promise<boolean> {
  const r = await claimStatement.run(db, claimParams(row));
  return r.length === 1;
}

export async function updateIdempotency(
  db: Executor,
  tenantId: string,
  userId: string,
  key: string,
  patch: Partial<typeof idempotencyKeys.$inferInsert>,
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set(patch)
    .where(
      and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)),
    );
}

export async function deleteIdempotency(db: Executor, tenantId: string, userId: string, key: string): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(
      and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)),
    );
}

export async function purgeIdempotency(db: Executor, before: Date): Promise<number> {
  const r = await db
    .delete(idempotencyKeys)
    .where(sql`${idempotencyKeys.createdAt} < ${before}`)
    .returning({ key: idempotencyKeys.key });
  return r.length;
}

// The ledger --------------------------------------------------------------------------------------

export interface CaseFilter {
  tenantId: string;
  /** null = whole tenant; otherwise the caller sees cases of these unit subtrees, HQs, or reported by them. */
  scope: { paths: string[]; hqIds: string[]; userId: string } | null;
  statuses?: string[];
  sources?: string[];
  categoryId?: string;
  /** A 大类 covers its 小类. */
  categoryParentId?: string;
  unitPath?: string;
  gridId?: string;
  from?: Date;
  to?: Date;
  overdue?: boolean;
  recurrence?: boolean;
  /** Tasks of these unit subtrees (dispatched, in progress, returned). */
  minePaths?: string[];
  /** What waits for an HQ: these HQ ids (null = any, for tenant-wide callers). */
  dispatchHqIds?: string[] | null;
  q?: string;
}

function whereOf(f: CaseFilter) {
  const parts = [sql`c.tenant_id = ${f.tenantId}`];
  const anyPath = (paths: string[]) =>
    paths.length === 0
      ? sql`false`
      : sql`u.path like any(array[${sql.join(
          paths.map((p) => sql`${`${p}%`}`),
          sql`, `,
        )}]::text[])`;
  const anyId = (col: ReturnType<typeof sql>, ids: string[]) =>
    ids.length === 0
      ? sql`false`
      : sql`${col} in (${sql.join(
          ids.map((i) => sql`${i}::uuid`),
          sql`, `,
        )})`;
  if (f.scope) {
    parts.push(
      sql`(${anyPath(f.scope.paths)} or ${anyId(sql`c.hq_id`, f.scope.hqIds)} or c.reported_by = ${f.scope.userId})`,
    );
  }
  if (f.statuses?.length)
    parts.push(
      sql`c.status in (${sql.join(
        f.statuses.map((s) => sql`${s}`),
        sql`, `,
      )})`,
    );
  if (f.sources?.length)
    parts.push(
      sql`c.source in (${sql.join(
        f.sources.map((s) => sql`${s}`),
        sql`, `,
      )})`,
    );
  if (f.categoryId) parts.push(sql`c.category_id = ${f.categoryId}`);
  if (f.categoryParentId)
    parts.push(sql`(c.category_id = ${f.categoryParentId} or cat.parent_id = ${f.categoryParentId})`);
  if (f.unitPath) parts.push(sql`u.path like ${`${f.unitPath}%`}`);
  if (f.gridId) parts.push(sql`c.grid_id = ${f.gridId}`);
  if (f.from) parts.push(sql`c.reported_at >= ${f.from}`);
  if (f.to) parts.push(sql`c.reported_at < ${f.to}`);
  if (f.overdue !== undefined)
    parts.push(
      f.overdue
        ? sql`(c.due_state = 'overdue' or c.overdue_count > 0)`
        : sql`(c.due_state <> 'overdue' and c.overdue_count = 0)`,
    );
  if (f.recurrence !== undefined) parts.push(sql`c.is_recurrence = ${f.recurrence}`);
  if (f.minePaths) parts.push(sql`(${anyPath(f.minePaths)} and c.status in ('dispatched','in_progress','returned'))`);
  if (f.dispatchHqIds !== undefined) {
    const hq = f.dispatchHqIds === null ? sql`true` : anyId(sql`c.hq_id`, f.dispatchHqIds);
    parts.push(sql`(${hq} and (c.status in ('reported','registered','verified') or c.pending_request is not null))`);
  }
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    parts.push(
      sql`(c.number like ${like} or c.description like ${like} or c.address like ${like} or c.external_ref like ${like})`,
    );
  }
  return sql.join(parts, sql` and `);
}

export interface LedgerRow {
  id: string;
  number: string;
  source: string;
  status: string;
  category_id: string;
  category_code: string;
  category_name: string;
  category_version: number;
  severity: string;
  description: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  grid_id: string | null;
  grid_code: string | null;
  grid_name: string | null;
  hq_id: string | null;
  hq_name: string | null;
  unit_id: string | null;
  unit_name: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  stage: string;
  due_at: string | null;
  due_state: string;
  overdue_count: number;
  returned_count: number;
  escalation_level: number;
  is_recurrence: boolean;
  pending_request: string | null;
  external_ref: string | null;
  reported_at: string;
  closed_at: string | null;
  version: number;
}

const LEDGER_SELECT = sql`select c.id, c.number, c.source, c.status, c.category_id, cat.code as category_code, cat.name as category_name,
    c.category_version, c.severity, c.description, c.address, c.lat, c.lng, c.grid_id, g.code as grid_code, g.name as grid_name,
    c.hq_id, hq.name as hq_name, c.unit_id, u.name as unit_name, c.assignee_id, a.display_name as assignee_name,
    c.stage, c.due_at::text as due_at, c.due_state, c.overdue_count, c.returned_count, c.escalation_level, c.is_recurrence,
    c.pending_request, c.external_ref, c.reported_at::text as reported_at, c.closed_at::text as closed_at, c.version
  from cases c
  join categories cat on cat.tenant_id = c.tenant_id and cat.id = c.category_id
  left join grid_cells g on g.tenant_id = c.tenant_id and g.id = c.grid_id
  left join org_units hq on hq.tenant_id = c.tenant_id and hq.id = c.hq_id
  left join org_units u on u.tenant_id = c.tenant_id and u.id = c.unit_id
  left join users a on a.tenant_id = c.tenant_id and a.id = c.assignee_id`;

const ORDER = {
  reported_desc: sql`c.reported_at desc, c.id`,
  reported_asc: sql`c.reported_at asc, c.id`,
  due_asc: sql`(c.due_state = 'overdue') desc, c.due_at asc nulls last, c.reported_at, c.id`,
} as const;

export async function listLedger(
  db: Executor,
  f: CaseFilter,
  page: { offset: number; limit: number; sort: keyof typeof ORDER },
): Promise<{ rows: LedgerRow[]; total: number }> {
  const where = whereOf(f);
  const [rows, count] = await Promise.all([
    db.execute(
      sql`${LEDGER_SELECT} where ${where} order by ${ORDER[page.sort]} limit ${page.limit} offset ${page.offset}`,
    ),
    db.execute(sql`select count(*)::int as n from cases c
      join categories cat on cat.tenant_id = c.tenant_id and cat.id = c.category_id
      left join org_units u on u.tenant_id = c.tenant_id and u.id = c.unit_id where ${where}`),
  ]);
  return { rows: rowsOf<LedgerRow>(rows), total: Number(rowsOf<{ n: number }>(count)[0]?.n ?? 0) };
}

/** One case's ledger row, if the filter (scope) lets the caller see it. */
export async function ledgerRow(db: Executor, f: CaseFilter, id: string): Promise<LedgerRow | null> {
  const r = rowsOf<LedgerRow>(await db.execute(sql`${LEDGER_SELECT} where ${whereOf(f)} and c.id = ${id}`));
  return r[0] ?? null;
}

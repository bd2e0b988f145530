/** All SQL of the inspections module: orders, enforcement records, field operations (numbers and case timeline rows come from the cases module). */
import { aliasedTable, and, asc, count, desc, eq, gte, ilike, inArray, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../../db/client.ts';
import {
  cases,
  enforcementRecords,
  fieldOperations,
  gridCells,
  orgUnits,
  rectificationOrders,
  users,
} from '../../db/schema.ts';

export type OrderRow = typeof rectificationOrders.$inferSelect;
export type EnforcementRow = typeof enforcementRecords.$inferSelect;
export type FieldOpRow = typeof fieldOperations.$inferSelect;

/** A scope as SQL: null means the whole tenant; otherwise unit paths under one of the prefixes. */
export type PathFilter = string[] | null;

function pathCond(column: typeof orgUnits.path, paths: PathFilter): SQL | undefined {
  if (paths === null) return undefined;
  if (paths.length === 0) return sql`false`;
  return or(...paths.map((p) => sql`${column} like ${`${p}%`}`));
}

const likeOf = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

// ---- Lookups used for validation ----

export interface UnitRef {
  id: string;
  name: string;
  type: string;
  path: string;
}

export async function unitsByIds(db: Executor, tenantId: string, ids: string[]): Promise<UnitRef[]> {
  if (ids.length === 0) return [];
  return db
    .select({ id: orgUnits.id, name: orgUnits.name, type: orgUnits.type, path: orgUnits.path })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), inArray(orgUnits.id, ids)));
}

export interface CellRef {
  id: string;
  code: string;
  name: string;
  unitPath: string | null;
}

export async function cellsByIds(db: Executor, tenantId: string, ids: string[]): Promise<CellRef[]> {
  if (ids.length === 0) return [];
  return db
    .select({ id: gridCells.id, code: gridCells.code, name: gridCells.name, unitPath: orgUnits.path })
    .from(gridCells)
    .leftJoin(orgUnits, and(eq(orgUnits.tenantId, gridCells.tenantId), eq(orgUnits.id, gridCells.unitId)))
    .where(and(eq(gridCells.tenantId, tenantId), inArray(gridCells.id, ids)));
}

/** A case with what decides who may see it (the cases module's rule): its responsible unit, its HQ, its reporter. */
export interface CaseRef {
  id: string;
  number: string;
  hqId: string | null;
  unitPath: string | null;
  reportedBy: string | null;
}

export async function casesByIds(db: Executor, tenantId: string, ids: string[]): Promise<CaseRef[]> {
  if (ids.length === 0) return [];
  return db
    .select({
      id: cases.id,
      number: cases.number,
      hqId: cases.hqId,
      unitPath: orgUnits.path,
      reportedBy: cases.reportedBy,
    })
    .from(cases)
    .leftJoin(orgUnits, and(eq(orgUnits.tenantId, cases.tenantId), eq(orgUnits.id, cases.unitId)))
    .where(and(eq(cases.tenantId, tenantId), inArray(cases.id, ids)));
}

export async function userNames(db: Executor, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), inArray(users.id, unique)));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function userContact(db: Executor, tenantId: string, id: string) {
  const [r] = await db
    .select({ name: users.displayName, phone: users.phone })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)));
  return r ?? null;
}

// ---- Rectification orders ----

const issuer = aliasedTable(users, 'issuer');

const orderColumns = {
  order: rectificationOrders,
  unitName: orgUnits.name,
  unitPath: orgUnits.path,
  issuedByName: issuer.displayName,
  caseNumber: cases.number,
  enforcementCount: sql<number>`(select count(*)::int from ${enforcementRecords} er where er.tenant_id = ${rectificationOrders.tenantId} and er.order_id = ${rectificationOrders.id})`,
};

export type OrderWithRefs = {
  order: OrderRow;
  unitName: string;
  unitPath: string;
  issuedByName: string | null;
  caseNumber: string | null;
  enforcementCount: number;
};

function orderQuery(db: Executor) {
  return db
    .select(orderColumns)
    .from(rectificationOrders)
    .innerJoin(
      orgUnits,
      and(eq(orgUnits.tenantId, rectificationOrders.tenantId), eq(orgUnits.id, rectificationOrders.issuingUnitId)),
    )
    .leftJoin(
      issuer,
      and(eq(issuer.tenantId, rectificationOrders.tenantId), eq(issuer.id, rectificationOrders.issuedBy)),
    )
    .leftJoin(cases, and(eq(cases.tenantId, rectificationOrders.tenantId), eq(cases.id, rectificationOrders.caseId)));
}

export async function insertOrder(tx: Tx, row: typeof rectificationOrders.$inferInsert): Promise<void> {
  await tx.insert(rectificationOrders).values(row);
}

export async function getOrder(db: Executor, tenantId: string, id: string): Promise<OrderWithRefs | null> {
  const [r] = await orderQuery(db).where(
    and(eq(rectificationOrders.tenantId, tenantId), eq(rectificationOrders.id, id)),
  );
  return r ? { ...r, enforcementCount: Number(r.enforcementCount) } : null;
}

/** The order row under a row lock, with its issuing unit's path (for the scope check). */
export async function lockOrder(tx: Tx, tenantId: string, id: string) {
  const [r] = await tx
    .select({ order: rectificationOrders, unitPath: orgUnits.path })
    .from(rectificationOrders)
    .innerJoin(
      orgUnits,
      and(eq(orgUnits.tenantId, rectificationOrders.tenantId), eq(orgUnits.id, rectificationOrders.issuingUnitId)),
    )
    .where(and(eq(rectificationOrders.tenantId, tenantId), eq(rectificationOrders.id, id)))
    .for('update', { of: rectificationOrders });
  return r ?? null;
}

export interface OrderFilter {
  status?: string;
  caseId?: string;
  q?: string;
}

export async function listOrders(
  db: Executor,
  tenantId: string,
  paths: PathFilter,
  filter: OrderFilter,
  offset: number,
  limit: number,
): Promise<{ rows: OrderWithRefs[]; total: number }> {
  const conds: (SQL | undefined)[] = [eq(rectificationOrders.tenantId, tenantId), pathCond(orgUnits.path, paths)];
  if (filter.status) conds.push(eq(rectificationOrders.status, filter.status));
  if (filter.caseId) conds.push(eq(rectificationOrders.caseId, filter.caseId));
  if (filter.q) {
    const like = likeOf(filter.q);
    conds.push(
      or(
        ilike(rectificationOrders.number, like),
        sql`${rectificationOrders.party}->>'name' ilike ${like}`,
        sql`${rectificationOrders.party}->>'address' ilike ${like}`,
        sql`${rectificationOrders.party}->>'licenceNo' ilike ${like}`,
      ),
    );
  }
  const where = and(...conds);
  const [rows, [total]] = await Promise.all([
    orderQuery(db)
      .where(where)
      .orderBy(desc(rectificationOrders.issuedAt), desc(rectificationOrders.seq))
      .offset(offset)
      .limit(limit),
    db
      .select({ n: count() })
      .from(rectificationOrders)
      .innerJoin(
        orgUnits,
        and(eq(orgUnits.tenantId, rectificationOrders.tenantId), eq(orgUnits.id, rectificationOrders.issuingUnitId)),
      )
      .where(where),
  ]);
  return {
    rows: rows.map((r) => ({ ...r, enforcementCount: Number(r.enforcementCount) })),
    total: Number(total?.n ?? 0),
  };
}

/** Record the follow-up; the version moves on. */
export async function setOrderFollowUp(
  tx: Tx,
  tenantId: string,
  id: string,
  patch: { status: string; followUp: NonNullable<OrderRow['followUp']>; updatedAt: Date },
): Promise<number> {
  const [r] = await tx
    .update(rectificationOrders)
    .set({ ...patch, version: sql`${rectificationOrders.version} + 1` })
    .where(and(eq(rectificationOrders.tenantId, tenantId), eq(rectificationOrders.id, id)))
    .returning({ version: rectificationOrders.version });
  return r?.version ?? 0;
}

// ---- Enforcement records ----

export async function enforcementsOf(db: Executor, tenantId: string, orderId: string) {
  const taker = aliasedTable(users, 'taker');
  return db
    .select({ rec: enforcementRecords, takenByName: taker.displayName })
    .from(enforcementRecords)
    .leftJoin(taker, and(eq(taker.tenantId, enforcementRecords.tenantId), eq(taker.id, enforcementRecords.takenBy)))
    .where(and(eq(enforcementRecords.tenantId, tenantId), eq(enforcementRecords.orderId, orderId)))
    .orderBy(asc(enforcementRecords.takenAt), asc(enforcementRecords.createdAt));
}

export async function insertEnforcement(tx: Tx, row: typeof enforcementRecords.$inferInsert): Promise<void> {
  await tx.insert(enforcementRecords).values(row);
}

/** An enforcement record under a row lock, with its order's issuing-unit path and number. */
export async function lockEnforcement(tx: Tx, tenantId: string, id: string) {
  const [r] = await tx
    .select({
      rec: enforcementRecords,
      unitPath: orgUnits.path,
      orderNumber: rectificationOrders.number,
    })
    .from(enforcementRecords)
    .innerJoin(
      rectificationOrders,
      and(
        eq(rectificationOrders.tenantId, enforcementRecords.tenantId),
        eq(rectificationOrders.id, enforcementRecords.orderId),
      ),
    )
    .innerJoin(
      orgUnits,
      and(eq(orgUnits.tenantId, rectificationOrders.tenantId), eq(orgUnits.id, rectificationOrders.issuingUnitId)),
    )
    .where(and(eq(enforcementRecords.tenantId, tenantId), eq(enforcementRecords.id, id)))
    .for('update', { of: enforcementRecords });
  return r ?? null;
}

export async function updateEnforcementReturn(
  tx: Tx,
  tenantId: string,
  id: string,
  patch: Pick<EnforcementRow, 'items' | 'returnedAt' | 'returnedTo' | 'returnedBy'>,
): Promise<void> {
  await tx
    .update(enforcementRecords)
    .set(patch)
    .where(and(eq(enforcementRecords.tenantId, tenantId), eq(enforcementRecords.id, id)));
}

// ---- Field operations ----

export type FieldOpWithRefs = { op: FieldOpRow; unitName: string; unitPath: string; createdByName: string | null };

function fieldOpQuery(db: Executor) {
  const creator = aliasedTable(users, 'creator');
  return db
    .select({
      op: fieldOperations,
      unitName: orgUnits.name,
      unitPath: orgUnits.path,
      createdByName: creator.displayName,
    })
    .from(fieldOperations)
    .innerJoin(orgUnits, and(eq(orgUnits.tenantId, fieldOperations.tenantId), eq(orgUnits.id, fieldOperations.unitId)))
    .leftJoin(creator, and(eq(creator.tenantId, fieldOperations.tenantId), eq(creator.id, fieldOperations.createdBy)));
}

export async function insertFieldOp(tx: Tx, row: typeof fieldOperations.$inferInsert): Promise<void> {
  await tx.insert(fieldOperations).values(row);
}

export async function getFieldOp(db: Executor, tenantId: string, id: string): Promise<FieldOpWithRefs | null> {
  const [r] = await fieldOpQuery(db).where(and(eq(fieldOperations.tenantId, tenantId), eq(fieldOperations.id, id)));
  return r ?? null;
}

export async function updateFieldOp(
  tx: Tx,
  tenantId: string,
  id: string,
  patch: Partial<typeof fieldOperations.$inferInsert>,
): Promise<void> {
  await tx
    .update(fieldOperations)
    .set(patch)
    .where(and(eq(fieldOperations.tenantId, tenantId), eq(fieldOperations.id, id)));
}

export interface FieldOpFilter {
  from?: string;
  to?: string;
  unitId?: string;
}

function fieldOpConds(tenantId: string, paths: PathFilter, f: FieldOpFilter): SQL | undefined {
  return and(
    eq(fieldOperations.tenantId, tenantId),
    pathCond(orgUnits.path, paths),
    f.from ? gte(fieldOperations.opDate, f.from) : undefined,
    f.to ? lte(fieldOperations.opDate, f.to) : undefined,
    f.unitId ? eq(fieldOperations.unitId, f.unitId) : undefined,
  );
}

export async function listFieldOps(
  db: Executor,
  tenantId: string,
  paths: PathFilter,
  filter: FieldOpFilter,
  offset: number,
  limit: number,
): Promise<{ rows: FieldOpWithRefs[]; total: number }> {
  const where = fieldOpConds(tenantId, paths, filter);
  const [rows, [total]] = await Promise.all([
    fieldOpQuery(db)
      .where(where)
      .orderBy(desc(fieldOperations.opDate), desc(fieldOperations.createdAt))
      .offset(offset)
      .limit(limit),
    db
      .select({ n: count() })
      .from(fieldOperations)
      .innerJoin(
        orgUnits,
        and(eq(orgUnits.tenantId, fieldOperations.tenantId), eq(orgUnits.id, fieldOperations.unitId)),
      )
      .where(where),
  ]);
  return { rows, total: Number(total?.n ?? 0) };
}

/** Sums over a period, per unit: operations and 人次, equipment by type, results by item and unit. */
export async function fieldOpSums(db: Executor, tenantId: string, paths: PathFilter, from: string, to: string) {
  const where = fieldOpConds(tenantId, paths, { from, to });
  const join = and(eq(orgUnits.tenantId, fieldOperations.tenantId), eq(orgUnits.id, fieldOperations.unitId));
  const equipment = sql`jsonb_array_elements(${fieldOperations.equipment})`;
  const results = sql`jsonb_array_elements(${fieldOperations.results})`;
  const [perUnit, eq_, res] = await Promise.all([
    db
      .select({
        unitId: fieldOperations.unitId,
        unitName: orgUnits.name,
        sortOrder: orgUnits.sortOrder,
        operations: sql<number>`count(*)::int`,
        personTimes: sql<number>`coalesce(sum(${fieldOperations.personTimes}), 0)::int`,
      })
      .from(fieldOperations)
      .innerJoin(orgUnits, join)
      .where(where)
      .groupBy(fieldOperations.unitId, orgUnits.name, orgUnits.sortOrder),
    db
      .select({
        unitId: fieldOperations.unitId,
        type: sql<string>`e.value->>'type'`,
        count: sql<number>`sum((e.value->>'count')::int)::int`,
      })
      .from(fieldOperations)
      .innerJoin(orgUnits, join)
      .innerJoin(sql`${equipment} as e(value)`, sql`true`)
      .where(where)
      .groupBy(fieldOperations.unitId, sql`e.value->>'type'`),
    db
      .select({
        unitId: fieldOperations.unitId,
        item: sql<string>`r.value->>'item'`,
        unit: sql<string>`r.value->>'unit'`,
        quantity: sql<string>`sum((r.value->>'quantity')::numeric)::text`,
      })
      .from(fieldOperations)
      .innerJoin(orgUnits, join)
      .innerJoin(sql`${results} as r(value)`, sql`true`)
      .where(where)
      .groupBy(fieldOperations.unitId, sql`r.value->>'item'`, sql`r.value->>'unit'`),
  ]);
  return { perUnit, equipment: eq_, results: res };
}

import { and, asc, count, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { hqMembers, orgUnits, tenants, users } from '../../db/schema.ts';

export type UnitRow = typeof orgUnits.$inferSelect;
export type UserRow = typeof users.$inferSelect;

/** A scope as SQL: null means the whole tenant; otherwise unit paths under one of the prefixes. */
export type PathFilter = string[] | null;

function pathCond(column: typeof orgUnits.path, paths: PathFilter): SQL | undefined {
  if (paths === null) return undefined;
  if (paths.length === 0) return sql`false`;
  return or(...paths.map((p) => sql`${column} like ${`${p}%`}`));
}

export async function listUnits(db: Executor, tenantId: string, paths: PathFilter): Promise<UnitRow[]> {
  return db
    .select()
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), pathCond(orgUnits.path, paths)))
    .orderBy(asc(orgUnits.sortOrder), asc(orgUnits.code));
}

export async function getUnit(db: Executor, tenantId: string, id: string): Promise<UnitRow | null> {
  const [u] = await db
    .select()
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.id, id)));
  return u ?? null;
}

export async function getTenant(db: Executor, tenantId: string) {
  const [t] = await db.select().from(tenants).where(eq(tenants.tenantId, tenantId));
  return t ?? null;
}

export async function unitCountsByType(db: Executor, tenantId: string): Promise<Record<string, number>> {
  const rows = await db
    .select({ type: orgUnits.type, n: count() })
    .from(orgUnits)
    .where(eq(orgUnits.tenantId, tenantId))
    .groupBy(orgUnits.type);
  return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
}

export async function countUsers(db: Executor, tenantId: string): Promise<number> {
  const [r] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.isService, false)));
  return Number(r?.n ?? 0);
}

/** Each HQ with its commanders' names and how many units answer to it. */
export async function hqSummaries(db: Executor, tenantId: string) {
  const hqs = await db
    .select({ id: orgUnits.id, name: orgUnits.name })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.type, 'hq')))
    .orderBy(asc(orgUnits.sortOrder), asc(orgUnits.name));
  if (hqs.length === 0) return [];
  const ids = hqs.map((h) => h.id);
  const [members, commanders] = await Promise.all([
    db
      .select({ hqId: hqMembers.hqId, n: count() })
      .from(hqMembers)
      .where(and(eq(hqMembers.tenantId, tenantId), inArray(hqMembers.hqId, ids)))
      .groupBy(hqMembers.hqId),
    db
      .select({ unitId: users.unitId, name: users.displayName })
      .from(users)
      .where(
        and(
          eq(users.tenantId, tenantId),
          inArray(users.unitId, ids),
          sql`'commander' = any(${users.roles})`,
          eq(users.disabled, false),
        ),
      )
      .orderBy(asc(users.createdAt)),
  ]);
  return hqs.map((h) => ({
    id: h.id,
    name: h.name,
    commander: commanders.find((c) => c.unitId === h.id)?.name ?? null,
    memberUnits: Number(members.find((m) => m.hqId === h.id)?.n ?? 0),
  }));
}

export interface UserFilter {
  q?: string;
  unitId?: string;
}

export async function listUsers(
  db: Executor,
  tenantId: string,
  paths: PathFilter,
  filter: UserFilter,
  offset: number,
  limit: number,
) {
  const conds: (SQL | undefined)[] = [eq(users.tenantId, tenantId)];
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(or(ilike(users.username, like), ilike(users.displayName, like)));
  }
  if (filter.unitId) conds.push(eq(users.unitId, filter.unitId));
  // Out-of-scope callers see only users whose unit lies in their subtrees (users without a unit are tenant-level).
  conds.push(pathCond(orgUnits.path, paths));
  const where = and(...conds);
  const base = db
    .select({ user: users, unitName: orgUnits.name, unitPath: orgUnits.path })
    .from(users)
    .leftJoin(orgUnits, and(eq(orgUnits.tenantId, users.tenantId), eq(orgUnits.id, users.unitId)));
  const [rows, [total]] = await Promise.all([
    base.where(where).orderBy(asc(users.username)).offset(offset).limit(limit),
    db
      .select({ n: count() })
      .from(users)
      .leftJoin(orgUnits, and(eq(orgUnits.tenantId, users.tenantId), eq(orgUnits.id, users.unitId)))
      .where(where),
  ]);
  return { rows, total: Number(total?.n ?? 0) };
}

export async function getUserWithUnit(db: Executor, tenantId: string, id: string) {
  const [r] = await db
    .select({ user: users, unitName: orgUnits.name, unitPath: orgUnits.path })
    .from(users)
    .leftJoin(orgUnits, and(eq(orgUnits.tenantId, users.tenantId), eq(orgUnits.id, users.unitId)))
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)));
  return r ?? null;
}

export async function findUserIdByUsername(db: Executor, tenantId: string, username: string) {
  const [r] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.username, username)));
  return r?.id ?? null;
}

export async function insertUser(db: Executor, row: typeof users.$inferInsert): Promise<void> {
  await db.insert(users).values(row);
}

export async function updateUser(
  db: Executor,
  tenantId: string,
  id: string,
  patch: Partial<typeof users.$inferInsert>,
): Promise<void> {
  await db
    .update(users)
    .set(patch)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)));
}

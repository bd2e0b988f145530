import { and, asc, count, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import {
  categoryVersions,
  gridCells,
  hqLeaders,
  hqMembers,
  orgUnits,
  responsibilityRules,
  tenants,
  users,
} from '../../db/schema.ts';

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

/** Each HQ with its commander and deputies (hq_leaders, enabled accounts) and how many units answer to it. */
export async function hqSummaries(db: Executor, tenantId: string) {
  const hqs = await db
    .select({ id: orgUnits.id, name: orgUnits.name })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.type, 'hq')))
    .orderBy(asc(orgUnits.sortOrder), asc(orgUnits.name));
  if (hqs.length === 0) return [];
  const ids = hqs.map((h) => h.id);
  const [members, leaders] = await Promise.all([
    db
      .select({ hqId: hqMembers.hqId, n: count() })
      .from(hqMembers)
      .where(and(eq(hqMembers.tenantId, tenantId), inArray(hqMembers.hqId, ids)))
      .groupBy(hqMembers.hqId),
    db
      .select({ hqId: hqLeaders.hqId, position: hqLeaders.position, name: users.displayName })
      .from(hqLeaders)
      .innerJoin(users, and(eq(users.tenantId, hqLeaders.tenantId), eq(users.id, hqLeaders.userId)))
      .where(and(eq(hqLeaders.tenantId, tenantId), inArray(hqLeaders.hqId, ids), eq(users.disabled, false)))
      .orderBy(asc(hqLeaders.sortOrder), asc(users.displayName)),
  ]);
  return hqs.map((h) => ({
    id: h.id,
    name: h.name,
    commander: leaders.find((l) => l.hqId === h.id && l.position === 'commander')?.name ?? null,
    deputies: leaders.filter((l) => l.hqId === h.id && l.position === 'deputy').map((l) => l.name),
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

// ---- Editing units ----

/**
 * Serialise changes to a tenant's org tree (create, move, delete, import) for the rest of the
 * transaction, so two concurrent moves cannot leave paths that disagree with parents.
 */
export async function lockOrgTree(tx: Executor, tenantId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`org_tree:${tenantId}`}))`);
}

export async function findUnitByCode(db: Executor, tenantId: string, code: string): Promise<UnitRow | null> {
  const [u] = await db
    .select()
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.code, code)));
  return u ?? null;
}

export async function insertUnits(db: Executor, rows: (typeof orgUnits.$inferInsert)[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await db.insert(orgUnits).values(rows.slice(i, i + 1000));
}

export async function updateUnit(
  db: Executor,
  tenantId: string,
  id: string,
  patch: Partial<typeof orgUnits.$inferInsert>,
): Promise<void> {
  await db
    .update(orgUnits)
    .set(patch)
    .where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.id, id)));
}

/**
 * Move a unit under a new parent in one statement: the unit gets its new parent, and the unit and
 * every descendant get `newPath` in place of the `oldPath` prefix. Returns how many rows changed.
 */
export async function moveSubtree(
  db: Executor,
  tenantId: string,
  unitId: string,
  newParentId: string | null,
  oldPath: string,
  newPath: string,
  now: Date,
): Promise<number> {
  const rows = await db
    .update(orgUnits)
    .set({
      path: sql`${newPath} || substr(${orgUnits.path}, ${oldPath.length + 1})`,
      parentId: sql`case when ${orgUnits.id} = ${unitId} then ${newParentId}::uuid else ${orgUnits.parentId} end`,
      updatedAt: now,
    })
    .where(and(eq(orgUnits.tenantId, tenantId), sql`left(${orgUnits.path}, ${oldPath.length}) = ${oldPath}`))
    .returning({ id: orgUnits.id });
  return rows.length;
}

/** What still refers to a unit (each non-zero count blocks deleting it). */
export async function unitReferences(db: Executor, tenantId: string, id: string) {
  const n = (table: SQL, where: SQL) =>
    sql<number>`(select count(*)::int from ${table} where ${where})`.mapWith(Number);
  const [r] = await db
    .select({
      children: n(sql`${orgUnits}`, sql`${orgUnits.tenantId} = ${tenantId} and ${orgUnits.parentId} = ${id}`),
      users: n(sql`${users}`, sql`${users.tenantId} = ${tenantId} and ${users.unitId} = ${id}`),
      gridCells: n(sql`${gridCells}`, sql`${gridCells.tenantId} = ${tenantId} and ${gridCells.unitId} = ${id}`),
      hqMembers: n(
        sql`${hqMembers}`,
        sql`${hqMembers.tenantId} = ${tenantId} and (${hqMembers.hqId} = ${id} or ${hqMembers.unitId} = ${id})`,
      ),
      hqLeaders: n(sql`${hqLeaders}`, sql`${hqLeaders.tenantId} = ${tenantId} and ${hqLeaders.hqId} = ${id}`),
      categories: n(
        sql`${categoryVersions}`,
        sql`${categoryVersions.tenantId} = ${tenantId} and (${categoryVersions.leadHqId} = ${id} or ${categoryVersions.leadUnitId} = ${id})`,
      ),
      rules: n(
        sql`${responsibilityRules}`,
        sql`${responsibilityRules.tenantId} = ${tenantId} and (${responsibilityRules.unitId} = ${id} or ${responsibilityRules.areaId} = ${id})`,
      ),
    })
    .from(sql`(select 1) as one`);
  return r ?? { children: 0, users: 0, gridCells: 0, hqMembers: 0, hqLeaders: 0, categories: 0, rules: 0 };
}

export async function deleteUnit(db: Executor, tenantId: string, id: string): Promise<void> {
  await db.delete(orgUnits).where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.id, id)));
}

// ---- Command HQs ----

export async function hqLeadersOf(db: Executor, tenantId: string, hqId: string) {
  return db
    .select({
      position: hqLeaders.position,
      userId: users.id,
      username: users.username,
      displayName: users.displayName,
      disabled: users.disabled,
      unitName: orgUnits.name,
    })
    .from(hqLeaders)
    .innerJoin(users, and(eq(users.tenantId, hqLeaders.tenantId), eq(users.id, hqLeaders.userId)))
    .leftJoin(orgUnits, and(eq(orgUnits.tenantId, users.tenantId), eq(orgUnits.id, users.unitId)))
    .where(and(eq(hqLeaders.tenantId, tenantId), eq(hqLeaders.hqId, hqId)))
    .orderBy(asc(hqLeaders.sortOrder), asc(users.displayName));
}

export async function hqMembersOf(db: Executor, tenantId: string, hqId: string) {
  return db
    .select({
      unitId: orgUnits.id,
      code: orgUnits.code,
      name: orgUnits.name,
      type: orgUnits.type,
      path: orgUnits.path,
      isLead: hqMembers.isLead,
    })
    .from(hqMembers)
    .innerJoin(orgUnits, and(eq(orgUnits.tenantId, hqMembers.tenantId), eq(orgUnits.id, hqMembers.unitId)))
    .where(and(eq(hqMembers.tenantId, tenantId), eq(hqMembers.hqId, hqId)))
    .orderBy(sql`${hqMembers.isLead} desc`, asc(orgUnits.sortOrder), asc(orgUnits.code));
}

export async function replaceHqLeaders(
  db: Executor,
  tenantId: string,
  hqId: string,
  rows: { userId: string; position: 'commander' | 'deputy' }[],
): Promise<void> {
  await db.delete(hqLeaders).where(and(eq(hqLeaders.tenantId, tenantId), eq(hqLeaders.hqId, hqId)));
  if (rows.length === 0) return;
  await db
    .insert(hqLeaders)
    .values(rows.map((r, i) => ({ tenantId, hqId, userId: r.userId, position: r.position, sortOrder: i })));
}

export async function replaceHqMembers(
  db: Executor,
  tenantId: string,
  hqId: string,
  rows: { unitId: string; isLead: boolean }[],
): Promise<void> {
  await db.delete(hqMembers).where(and(eq(hqMembers.tenantId, tenantId), eq(hqMembers.hqId, hqId)));
  if (rows.length === 0) return;
  await db.insert(hqMembers).values(rows.map((r) => ({ tenantId, hqId, unitId: r.unitId, isLead: r.isLead })));
}

/** Users by id, with their unit's path (for scope checks). */
export async function usersByIds(db: Executor, tenantId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ user: users, unitPath: orgUnits.path })
    .from(users)
    .leftJoin(orgUnits, and(eq(orgUnits.tenantId, users.tenantId), eq(orgUnits.id, users.unitId)))
    .where(and(eq(users.tenantId, tenantId), inArray(users.id, ids)));
}

// ---- Excel import and export ----

/** Every account of the tenant with what an import compares, and the unit's code and path. */
export async function usersForImport(db: Executor, tenantId: string) {
  return db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      unitId: users.unitId,
      phone: users.phone,
      roles: users.roles,
      disabled: users.disabled,
      isService: users.isService,
      unitCode: orgUnits.code,
      unitName: orgUnits.name,
      unitPath: orgUnits.path,
    })
    .from(users)
    .leftJoin(orgUnits, and(eq(orgUnits.tenantId, users.tenantId), eq(orgUnits.id, users.unitId)))
    .where(eq(users.tenantId, tenantId))
    .orderBy(asc(orgUnits.path), asc(users.username));
}

export type UnitImportUpdate = { id: string; parentId: string | null; name: string; sortOrder: number; path: string };

/** Update many units in statements of up to 1,000 rows (name, order, parent and path). */
export async function updateUnitsBatch(
  db: Executor,
  tenantId: string,
  rows: UnitImportUpdate[],
  now: Date,
): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    const values = sql.join(
      rows
        .slice(i, i + 1000)
        .map((r) => sql`(${r.id}::uuid, ${r.parentId}::uuid, ${r.name}::text, ${r.sortOrder}::int, ${r.path}::text)`),
      sql`, `,
    );
    await db.execute(sql`
      update org_units as o
         set parent_id = v.parent_id, name = v.name, sort_order = v.sort_order, path = v.path, updated_at = ${now}
        from (values ${values}) as v(id, parent_id, name, sort_order, path)
       where o.tenant_id = ${tenantId} and o.id = v.id`);
  }
}

export async function insertUsers(db: Executor, rows: (typeof users.$inferInsert)[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insert(users).values(rows.slice(i, i + 500));
}

export type UserImportUpdate = {
  id: string;
  displayName: string;
  unitId: string | null;
  phone: string | null;
  disabled: boolean;
};

/** Update many accounts in statements of up to 1,000 rows (name, unit, phone, disabled). */
export async function updateUsersBatch(
  db: Executor,
  tenantId: string,
  rows: UserImportUpdate[],
  now: Date,
): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    const values = sql.join(
      rows
        .slice(i, i + 1000)
        .map(
          (r) =>
            sql`(${r.id}::uuid, ${r.displayName}::text, ${r.unitId}::uuid, ${r.phone}::text, ${r.disabled}::boolean)`,
        ),
      sql`, `,
    );
    await db.execute(sql`
      update users as u
         set display_name = v.display_name, unit_id = v.unit_id, phone = v.phone, disabled = v.disabled, updated_at = ${now}
        from (values ${values}) as v(id, display_name, unit_id, phone, disabled)
       where u.tenant_id = ${tenantId} and u.id = v.id`);
  }
}

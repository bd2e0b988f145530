import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { type Executor, rowsOf } from '../../db/client.ts';
import { orgUnits, users } from '../../db/schema.core.ts';
import { districtBoundaries, gridCells, gridImports, gridMembers } from './grids.schema.ts';

export type CellRow = typeof gridCells.$inferSelect;
export type CellInsert = typeof gridCells.$inferInsert;
export type DistrictRow = typeof districtBoundaries.$inferSelect;

/** Unit paths of a scope: null = the whole tenant, else "path starts with one of these". */
export type PathFilter = string[] | null;

/** Changes to cells or the outline change this (count, newest updated_at): the index staleness check. */
export async function gridStamp(db: Executor, tenantId: string): Promise<string> {
  const res = await db.execute(sql`select
    (select count(*) from ${gridCells} where ${gridCells.tenantId} = ${tenantId})::int as n,
    (select max(${gridCells.updatedAt}) from ${gridCells} where ${gridCells.tenantId} = ${tenantId})::text as cells,
    (select max(${districtBoundaries.updatedAt}) from ${districtBoundaries} where ${districtBoundaries.tenantId} = ${tenantId})::text as district`);
  const r = rowsOf<{ n: number; cells: string | null; district: string | null }>(res)[0];
  return `${r?.n ?? 0}|${r?.cells ?? ''}|${r?.district ?? ''}`;
}

/** gridStamp plus the org tree's newest change: what the map layer's cached body depends on. */
export async function layerStamp(db: Executor, tenantId: string): Promise<string> {
  const res = await db.execute(
    sql`select max(${orgUnits.updatedAt})::text as units, count(*)::int as n from ${orgUnits} where ${orgUnits.tenantId} = ${tenantId}`,
  );
  const r = rowsOf<{ units: string | null; n: number }>(res)[0];
  return `${await gridStamp(db, tenantId)}|${r?.n ?? 0}|${r?.units ?? ''}`;
}

export async function cellsForIndex(db: Executor, tenantId: string) {
  return db
    .select({
      id: gridCells.id,
      code: gridCells.code,
      name: gridCells.name,
      level: gridCells.level,
      unitId: gridCells.unitId,
      geometry: gridCells.geometry,
      minLng: gridCells.minLng,
      minLat: gridCells.minLat,
      maxLng: gridCells.maxLng,
      maxLat: gridCells.maxLat,
    })
    .from(gridCells)
    .where(eq(gridCells.tenantId, tenantId))
    .orderBy(asc(gridCells.code));
}

export async function getCell(db: Executor, tenantId: string, id: string) {
  const [r] = await db
    .select({ cell: gridCells, unitPath: orgUnits.path })
    .from(gridCells)
    .leftJoin(orgUnits, and(eq(orgUnits.tenantId, gridCells.tenantId), eq(orgUnits.id, gridCells.unitId)))
    .where(and(eq(gridCells.tenantId, tenantId), eq(gridCells.id, id)));
  return r ?? null;
}

export async function existingCodes(db: Executor, tenantId: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ id: gridCells.id, code: gridCells.code })
    .from(gridCells)
    .where(eq(gridCells.tenantId, tenantId));
  return new Map(rows.map((r) => [r.code, r.id]));
}

export type UnitLite = { id: string; parentId: string | null; type: string; code: string; name: string; path: string };

export async function unitsOfTenant(db: Executor, tenantId: string): Promise<UnitLite[]> {
  return db
    .select({
      id: orgUnits.id,
      parentId: orgUnits.parentId,
      type: orgUnits.type,
      code: orgUnits.code,
      name: orgUnits.name,
      path: orgUnits.path,
    })
    .from(orgUnits)
    .where(eq(orgUnits.tenantId, tenantId));
}

export async function usersByIds(db: Executor, tenantId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      phone: users.phone,
      disabled: users.disabled,
      unitId: users.unitId,
      unitPath: orgUnits.path,
    })
    .from(users)
    .leftJoin(orgUnits, and(eq(orgUnits.tenantId, users.tenantId), eq(orgUnits.id, users.unitId)))
    .where(and(eq(users.tenantId, tenantId), inArray(users.id, ids)));
}

export async function userIdsByUsername(db: Executor, tenantId: string, usernames: string[]) {
  if (usernames.length === 0) return new Map<string, string>();
  const rows = await db
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), inArray(users.username, usernames)));
  return new Map(rows.map((r) => [r.username, r.id]));
}

export async function memberIds(db: Executor, tenantId: string, gridId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: gridMembers.userId })
    .from(gridMembers)
    .where(and(eq(gridMembers.tenantId, tenantId), eq(gridMembers.gridId, gridId)));
  return rows.map((r) => r.userId);
}

export async function replaceMembers(db: Executor, tenantId: string, gridId: string, userIds: string[]) {
  await db.delete(gridMembers).where(and(eq(gridMembers.tenantId, tenantId), eq(gridMembers.gridId, gridId)));
  if (userIds.length) await db.insert(gridMembers).values(userIds.map((userId) => ({ tenantId, gridId, userId })));
}

const BATCH = 500;
const BULK = 5000;

/** What varies per cell in a bulk insert; the rest is the same for the whole batch. */
export type BulkCell = Pick<
  CellInsert,
  | 'id'
  | 'code'
  | 'name'
  | 'level'
  | 'unitId'
  | 'leaderUserId'
  | 'geometry'
  | 'minLng'
  | 'minLat'
  | 'maxLng'
  | 'maxLat'
  | 'areaM2'
>;

/**
 * Insert cells in one statement per 5,000: the rows travel as one JSON parameter expanded by
 * json_to_recordset, several times faster than multi-row VALUES on PGlite (4,900 demo cells), and
 * what is the same for every row (tenant, CRS, demo flag, time) is a parameter of its own. With
 * `upsert`, an existing code is updated in place (keeping its id, leader and workers; a row
 * without a unit keeps the old owner).
 */
export async function insertCells(
  db: Executor,
  common: { tenantId: string; sourceCrs: string; isDemo: boolean; at: Date },
  rows: BulkCell[],
  opts: { upsert?: boolean } = {},
): Promise<void> {
  for (let i = 0; i < rows.length; i += BULK) {
    const chunk = rows.slice(i, i + BULK).map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      level: r.level ?? 1,
      unit_id: r.unitId ?? null,
      leader_user_id: r.leaderUserId ?? null,
      geometry: r.geometry,
      min_lng: r.minLng,
      min_lat: r.minLat,
      max_lng: r.maxLng,
      max_lat: r.maxLat,
      area_m2: r.areaM2,
    }));
    const conflict = opts.upsert
      ? sql`on conflict (tenant_id, code) do update set
          name = excluded.name, level = excluded.level,
          unit_id = coalesce(excluded.unit_id, ${gridCells}.unit_id),
          geometry = excluded.geometry, min_lng = excluded.min_lng, min_lat = excluded.min_lat,
          max_lng = excluded.max_lng, max_lat = excluded.max_lat, area_m2 = excluded.area_m2,
          source_crs = excluded.source_crs, updated_at = excluded.updated_at`
      : sql``;
    const at = common.at.toISOString();
    await db.execute(sql`insert into ${gridCells}
      (tenant_id, id, code, name, level, unit_id, leader_user_id, geometry, min_lng, min_lat, max_lng, max_lat,
       area_m2, source_crs, is_demo, created_at, updated_at)
      select ${common.tenantId}::uuid, id, code, name, level, unit_id, leader_user_id, geometry,
       min_lng, min_lat, max_lng, max_lat, area_m2, ${common.sourceCrs}, ${common.isDemo}::boolean,
       ${at}::timestamptz, ${at}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(
        id uuid, code text, name text, level integer, unit_id uuid, leader_user_id uuid, geometry jsonb,
        min_lng double precision, min_lat double precision, max_lng double precision, max_lat double precision,
        area_m2 double precision)
      ${conflict}`);
  }
}

export async function insertMembers(db: Executor, rows: (typeof gridMembers.$inferInsert)[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH * 4) await db.insert(gridMembers).values(rows.slice(i, i + BATCH * 4));
}

export async function updateCell(db: Executor, tenantId: string, id: string, patch: Partial<CellInsert>) {
  await db
    .update(gridCells)
    .set(patch)
    .where(and(eq(gridCells.tenantId, tenantId), eq(gridCells.id, id)));
}

export async function insertImport(db: Executor, row: typeof gridImports.$inferInsert): Promise<void> {
  await db.insert(gridImports).values(row);
}

export async function getDistrict(db: Executor, tenantId: string): Promise<DistrictRow | null> {
  const [r] = await db
    .select()
    .from(districtBoundaries)
    .where(eq(districtBoundaries.tenantId, tenantId))
    .orderBy(asc(districtBoundaries.createdAt))
    .limit(1);
  return r ?? null;
}

export async function insertDistrict(db: Executor, row: typeof districtBoundaries.$inferInsert): Promise<void> {
  await db.insert(districtBoundaries).values(row);
}

export async function updateDistrict(
  db: Executor,
  tenantId: string,
  id: string,
  patch: Partial<typeof districtBoundaries.$inferInsert>,
): Promise<void> {
  await db
    .update(districtBoundaries)
    .set(patch)
    .where(and(eq(districtBoundaries.tenantId, tenantId), eq(districtBoundaries.id, id)));
}

import { and, asc, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../../db/client.ts';
import { orgUnits, users } from '../../db/schema.core.ts';
import { categories, categoryVersions } from '../categories/categories.schema.ts';
import { gridCells } from '../grids/grids.schema.ts';
import { responsibilityRules } from './routing.schema.ts';

export type RuleRow = typeof responsibilityRules.$inferSelect;

const unit = alias(orgUnits, 'unit');
const areaUnit = alias(orgUnits, 'area_unit');

/** Every rule with the names a person needs to read it. */
export async function listRules(db: Executor, tenantId: string) {
  return db
    .select({
      rule: responsibilityRules,
      categoryCode: categories.code,
      categoryName: categories.name,
      categoryParentId: categories.parentId,
      unitName: unit.name,
      userName: users.displayName,
      areaUnitName: areaUnit.name,
      gridName: gridCells.name,
    })
    .from(responsibilityRules)
    .leftJoin(
      categories,
      and(eq(categories.tenantId, responsibilityRules.tenantId), eq(categories.id, responsibilityRules.categoryId)),
    )
    .innerJoin(unit, and(eq(unit.tenantId, responsibilityRules.tenantId), eq(unit.id, responsibilityRules.unitId)))
    .leftJoin(users, and(eq(users.tenantId, responsibilityRules.tenantId), eq(users.id, responsibilityRules.userId)))
    .leftJoin(
      areaUnit,
      and(eq(areaUnit.tenantId, responsibilityRules.tenantId), eq(areaUnit.id, responsibilityRules.areaId)),
    )
    .leftJoin(
      gridCells,
      and(eq(gridCells.tenantId, responsibilityRules.tenantId), eq(gridCells.id, responsibilityRules.areaId)),
    )
    .where(eq(responsibilityRules.tenantId, tenantId))
    .orderBy(asc(categories.code), asc(responsibilityRules.areaKind), asc(responsibilityRules.createdAt));
}

export type RuleWithNames = Awaited<ReturnType<typeof listRules>>[number];

export async function getRule(db: Executor, tenantId: string, id: string): Promise<RuleRow | null> {
  const [r] = await db
    .select()
    .from(responsibilityRules)
    .where(and(eq(responsibilityRules.tenantId, tenantId), eq(responsibilityRules.id, id)));
  return r ?? null;
}

export async function insertRules(db: Executor, rows: (typeof responsibilityRules.$inferInsert)[]): Promise<void> {
  if (rows.length) await db.insert(responsibilityRules).values(rows);
}

export async function updateRule(
  db: Executor,
  tenantId: string,
  id: string,
  patch: Partial<typeof responsibilityRules.$inferInsert>,
): Promise<void> {
  await db
    .update(responsibilityRules)
    .set(patch)
    .where(and(eq(responsibilityRules.tenantId, tenantId), eq(responsibilityRules.id, id)));
}

export async function deleteRule(db: Executor, tenantId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(responsibilityRules)
    .where(and(eq(responsibilityRules.tenantId, tenantId), eq(responsibilityRules.id, id)))
    .returning({ id: responsibilityRules.id });
  return rows.length > 0;
}

export async function unitsByIds(db: Executor, tenantId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: orgUnits.id, name: orgUnits.name, type: orgUnits.type, path: orgUnits.path })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), inArray(orgUnits.id, ids)));
}

export async function userRef(db: Executor, tenantId: string, id: string) {
  const [r] = await db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)));
  return r ?? null;
}

const gridRefColumns = {
  id: gridCells.id,
  code: gridCells.code,
  name: gridCells.name,
  unitId: gridCells.unitId,
  leaderUserId: gridCells.leaderUserId,
};

/** Every grid cell's reference (name, owner, leader) by id. */
export async function gridRefs(db: Executor, tenantId: string) {
  const rows = await db.select(gridRefColumns).from(gridCells).where(eq(gridCells.tenantId, tenantId));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function gridRef(db: Executor, tenantId: string, id: string) {
  const [r] = await db
    .select(gridRefColumns)
    .from(gridCells)
    .where(and(eq(gridCells.tenantId, tenantId), eq(gridCells.id, id)));
  return r ?? null;
}

const leadUnit = alias(orgUnits, 'lead_unit');

/** Every category with its current lead unit (the fallback when no matrix rule matches). */
export async function allCategories(db: Executor, tenantId: string) {
  return db
    .select({
      id: categories.id,
      code: categories.code,
      name: categories.name,
      isActive: categories.isActive,
      parentId: categories.parentId,
      leadUnitId: categoryVersions.leadUnitId,
      leadUnitName: leadUnit.name,
    })
    .from(categories)
    .innerJoin(
      categoryVersions,
      and(
        eq(categoryVersions.tenantId, categories.tenantId),
        eq(categoryVersions.categoryId, categories.id),
        eq(categoryVersions.version, categories.currentVersion),
      ),
    )
    .leftJoin(
      leadUnit,
      and(eq(leadUnit.tenantId, categoryVersions.tenantId), eq(leadUnit.id, categoryVersions.leadUnitId)),
    )
    .where(eq(categories.tenantId, tenantId))
    .orderBy(asc(categories.sortOrder));
}

import { and, asc, desc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../../db/client.ts';
import { orgUnits, users } from '../../db/schema.core.ts';
import { categories, categoryVersions } from './categories.schema.ts';

export type CategoryRow = typeof categories.$inferSelect;
export type VersionRow = typeof categoryVersions.$inferSelect;

const hq = alias(orgUnits, 'hq');
const lead = alias(orgUnits, 'lead');

const versionJoin = (db: Executor) =>
  db
    .select({ category: categories, version: categoryVersions, leadHqName: hq.name, leadUnitName: lead.name })
    .from(categories)
    .innerJoin(
      categoryVersions,
      and(
        eq(categoryVersions.tenantId, categories.tenantId),
        eq(categoryVersions.categoryId, categories.id),
        eq(categoryVersions.version, categories.currentVersion),
      ),
    )
    .leftJoin(hq, and(eq(hq.tenantId, categoryVersions.tenantId), eq(hq.id, categoryVersions.leadHqId)))
    .leftJoin(lead, and(eq(lead.tenantId, categoryVersions.tenantId), eq(lead.id, categoryVersions.leadUnitId)));

export type CategoryWithRule = Awaited<ReturnType<typeof listWithCurrentRule>>[number];

/** Every category with its current rule version, in catalogue order. */
export async function listWithCurrentRule(db: Executor, tenantId: string) {
  return versionJoin(db)
    .where(eq(categories.tenantId, tenantId))
    .orderBy(asc(categories.sortOrder), asc(categories.code));
}

/** Whether a category and (for a 小类) its 大类 are both active. */
export async function isUsable(db: Executor, tenantId: string, row: CategoryRow): Promise<boolean> {
  if (!row.isActive) return false;
  if (!row.parentId) return true;
  const parent = await getCategory(db, tenantId, row.parentId);
  return parent?.isActive ?? false;
}

export async function getWithCurrentRule(db: Executor, tenantId: string, by: { id?: string; code?: string }) {
  const cond = by.id ? eq(categories.id, by.id) : eq(categories.code, by.code ?? '');
  const [r] = await versionJoin(db).where(and(eq(categories.tenantId, tenantId), cond));
  return r ?? null;
}

export async function getCategory(db: Executor, tenantId: string, id: string): Promise<CategoryRow | null> {
  const [r] = await db
    .select()
    .from(categories)
    .where(and(eq(categories.tenantId, tenantId), eq(categories.id, id)));
  return r ?? null;
}

export async function findByCode(db: Executor, tenantId: string, code: string): Promise<CategoryRow | null> {
  const [r] = await db
    .select()
    .from(categories)
    .where(and(eq(categories.tenantId, tenantId), eq(categories.code, code)));
  return r ?? null;
}

export async function listVersions(db: Executor, tenantId: string, categoryId: string) {
  return db
    .select({
      version: categoryVersions,
      leadHqName: hq.name,
      leadUnitName: lead.name,
      createdByName: users.displayName,
    })
    .from(categoryVersions)
    .leftJoin(users, and(eq(users.tenantId, categoryVersions.tenantId), eq(users.id, categoryVersions.createdBy)))
    .leftJoin(hq, and(eq(hq.tenantId, categoryVersions.tenantId), eq(hq.id, categoryVersions.leadHqId)))
    .leftJoin(lead, and(eq(lead.tenantId, categoryVersions.tenantId), eq(lead.id, categoryVersions.leadUnitId)))
    .where(and(eq(categoryVersions.tenantId, tenantId), eq(categoryVersions.categoryId, categoryId)))
    .orderBy(desc(categoryVersions.version));
}

/** One specific version (a case keeps the version it was registered under). */
export async function getVersion(db: Executor, tenantId: string, categoryId: string, version: number) {
  const [r] = await db
    .select()
    .from(categoryVersions)
    .where(
      and(
        eq(categoryVersions.tenantId, tenantId),
        eq(categoryVersions.categoryId, categoryId),
        eq(categoryVersions.version, version),
      ),
    );
  return r ?? null;
}

export async function insertCategories(db: Executor, rows: (typeof categories.$inferInsert)[]): Promise<void> {
  if (rows.length) await db.insert(categories).values(rows);
}

export async function insertVersions(db: Executor, rows: (typeof categoryVersions.$inferInsert)[]): Promise<void> {
  if (rows.length) await db.insert(categoryVersions).values(rows);
}

export async function updateCategory(
  db: Executor,
  tenantId: string,
  id: string,
  patch: Partial<typeof categories.$inferInsert>,
): Promise<void> {
  await db
    .update(categories)
    .set(patch)
    .where(and(eq(categories.tenantId, tenantId), eq(categories.id, id)));
}

export async function unitType(db: Executor, tenantId: string, unitId: string): Promise<string | null> {
  const [r] = await db
    .select({ type: orgUnits.type })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.id, unitId)));
  return r?.type ?? null;
}

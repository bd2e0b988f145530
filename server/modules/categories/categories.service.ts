import { randomUUID } from 'node:crypto';
import type { TCategory, TCategoryRule, TCreateCategory, TUpdateCategory } from '../../../common/categories.ts';
import type { Executor } from '../../db/client.ts';
import { referenceData } from '../../db/config-stamps.ts';
import type { Deps } from '../../deps.ts';
import { canonicalJson } from '../../lib/canonical-json.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import * as repo from './categories.repo.ts';

function toRule(v: repo.VersionRow): TCategoryRule {
  return {
    leadHqId: v.leadHqId,
    leadUnitId: v.leadUnitId,
    timeLimits: v.timeLimits as TCategoryRule['timeLimits'],
    registerCondition: v.registerCondition,
    closeCondition: v.closeCondition,
    evidence: v.evidence,
    deductions: v.deductions,
    note: v.note,
  };
}

/** Rules compare by content; key order and defaults do not matter. */
function sameRule(a: TCategoryRule, b: TCategoryRule): boolean {
  return canonicalJson(a) === canonicalJson({ ...b, note: b.note ?? null });
}

function toCategory(r: repo.CategoryWithRule): TCategory {
  return {
    id: r.category.id,
    code: r.category.code,
    parentId: r.category.parentId,
    name: r.category.name,
    kind: r.category.kind as TCategory['kind'],
    isActive: r.category.isActive,
    sortOrder: r.category.sortOrder,
    version: r.version.version,
    rule: {
      ...toRule(r.version),
      leadHqName: r.leadHqName,
      leadUnitName: r.leadUnitName,
      createdAt: r.version.createdAt.toISOString(),
    },
  };
}

/** The whole catalogue with each category's current rule. */
export async function listCategories(actor: Actor, deps: Deps): Promise<TCategory[]> {
  return (await repo.listWithCurrentRule(deps.database.db, actor.tenantId)).map(toCategory);
}

/** One category with its version history, newest first. */
export async function getCategory(actor: Actor, deps: Deps, id: string) {
  const db = deps.database.db;
  const r = await repo.getWithCurrentRule(db, actor.tenantId, { id });
  if (!r) throw notFound('问题分类');
  const versions = await repo.listVersions(db, actor.tenantId, id);
  return {
    ...toCategory(r),
    versions: versions.map((v) => ({
      ...toRule(v.version),
      version: v.version.version,
      leadHqName: v.leadHqName,
      leadUnitName: v.leadUnitName,
      createdAt: v.version.createdAt.toISOString(),
      createdBy: v.version.createdBy,
      createdByName: v.createdByName,
    })),
  };
}

/**
 * A category's current rule looked up by code, for routing and case intake; null when unknown or when it
 * or its 大类 is inactive (disabling a 大类 withdraws its 小类 too).
 */
export async function categoryByCode(db: Executor, tenantId: string, code: string): Promise<TCategory | null> {
  const r = await repo.getWithCurrentRule(db, tenantId, { code });
  return r && (await repo.isUsable(db, tenantId, r.category)) ? toCategory(r) : null;
}

/**
 * categoryByCode from memory when the tenant's reference data has not changed since `stamp` was read
 * (see db/config-stamps.ts); for hot read paths such as case intake. Do not mutate the result.
 */
export function categoryByCodeAt(deps: Deps, tenantId: string, code: string, stamp: number): Promise<TCategory | null> {
  return referenceData(deps.database, tenantId, stamp).memo(`category:${code}`, () =>
    categoryByCode(deps.database.db, tenantId, code),
  );
}

/** categoryRuleVersion from memory under `stamp` (rule versions are written once and not changed). */
export function categoryRuleVersionAt(
  deps: Deps,
  tenantId: string,
  categoryId: string,
  version: number,
  stamp: number,
): ReturnType<typeof categoryRuleVersion> {
  return referenceData(deps.database, tenantId, stamp).memo(`category-version:${categoryId}:${version}`, () =>
    categoryRuleVersion(deps.database.db, tenantId, categoryId, version),
  );
}

async function checkRuleRefs(deps: Deps, tenantId: string, rule: TCategoryRule): Promise<void> {
  const db = deps.database.db;
  if (rule.leadHqId && (await repo.unitType(db, tenantId, rule.leadHqId)) !== 'hq') {
    throw new AppError('VALIDATION_FAILED', '牵头指挥部不存在', [
      { field: 'body.rule.leadHqId', message: '须为一个指挥部' },
    ]);
  }
  if (rule.leadUnitId && !(await repo.unitType(db, tenantId, rule.leadUnitId))) {
    throw new AppError('VALIDATION_FAILED', '牵头单位不存在', [
      { field: 'body.rule.leadUnitId', message: '单位不存在' },
    ]);
  }
}

/** Add a category (大类 without a parent, 小类 under a 大类) with its first rule version. */
export async function createCategory(actor: Actor, deps: Deps, input: TCreateCategory): Promise<TCategory> {
  const db = deps.database.db;
  if (await repo.findByCode(db, actor.tenantId, input.code)) {
    throw new AppError('CONFLICT', `分类编码 ${input.code} 已存在`, [{ field: 'body.code', message: '已存在' }]);
  }
  if (input.parentId) {
    const parent = await repo.getCategory(db, actor.tenantId, input.parentId);
    if (!parent)
      throw new AppError('VALIDATION_FAILED', '上级分类不存在', [{ field: 'body.parentId', message: '不存在' }]);
    // Two levels only: 大类 → 小类.
    if (parent.parentId) {
      throw new AppError('VALIDATION_FAILED', '分类只有两级(大类/小类),小类下不能再建分类', [
        { field: 'body.parentId', message: '须为大类' },
      ]);
    }
  }
  await checkRuleRefs(deps, actor.tenantId, input.rule);
  const id = randomUUID();
  const now = deps.clock.now();
  await db.transaction(async (tx) => {
    await repo.insertCategories(tx, [
      {
        tenantId: actor.tenantId,
        id,
        code: input.code,
        parentId: input.parentId,
        name: input.name,
        kind: input.kind,
        sortOrder: input.sortOrder,
        currentVersion: 1,
        createdAt: now,
        updatedAt: now,
      },
    ]);
    await repo.insertVersions(tx, [
      { tenantId: actor.tenantId, categoryId: id, version: 1, ...input.rule, createdBy: actor.userId, createdAt: now },
    ]);
    await recordAudit(tx, deps.clock, actor, {
      action: 'categories.create',
      objectType: 'category',
      objectId: id,
      details: { code: input.code, name: input.name },
    });
  });
  return (await listCategories(actor, deps)).find((c) => c.id === id) as TCategory;
}

/** Rename, reorder, activate or deactivate; these do not touch the rule, so no new version. */
export async function updateCategory(actor: Actor, deps: Deps, id: string, patch: TUpdateCategory): Promise<TCategory> {
  const db = deps.database.db;
  if (!(await repo.getCategory(db, actor.tenantId, id))) throw notFound('问题分类');
  await db.transaction(async (tx) => {
    await repo.updateCategory(tx, actor.tenantId, id, { ...patch, updatedAt: deps.clock.now() });
    await recordAudit(tx, deps.clock, actor, {
      action: 'categories.update',
      objectType: 'category',
      objectId: id,
      details: { changes: patch },
    });
  });
  return (await listCategories(actor, deps)).find((c) => c.id === id) as TCategory;
}

/** Change a category's rule: a new version; cases already registered keep theirs. */
export async function setCategoryRule(actor: Actor, deps: Deps, id: string, rule: TCategoryRule): Promise<TCategory> {
  const db = deps.database.db;
  const current = await repo.getCategory(db, actor.tenantId, id);
  if (!current) throw notFound('问题分类');
  await checkRuleRefs(deps, actor.tenantId, rule);
  const latest = await repo.getVersion(db, actor.tenantId, id, current.currentVersion);
  if (latest && sameRule(toRule(latest), rule)) {
    throw new AppError('UNPROCESSABLE', '规则没有变化,无需生成新版本');
  }
  const version = current.currentVersion + 1;
  const now = deps.clock.now();
  await db.transaction(async (tx) => {
    await repo.insertVersions(tx, [
      { tenantId: actor.tenantId, categoryId: id, version, ...rule, createdBy: actor.userId, createdAt: now },
    ]);
    await repo.updateCategory(tx, actor.tenantId, id, { currentVersion: version, updatedAt: now });
    await recordAudit(tx, deps.clock, actor, {
      action: 'categories.rule.set',
      objectType: 'category',
      objectId: id,
      details: { code: current.code, version },
    });
  });
  return (await listCategories(actor, deps)).find((c) => c.id === id) as TCategory;
}

/** The rule a case was registered under: a category's version as it was stored. */
export async function categoryRuleVersion(db: Executor, tenantId: string, categoryId: string, version: number) {
  return repo.getVersion(db, tenantId, categoryId, version);
}

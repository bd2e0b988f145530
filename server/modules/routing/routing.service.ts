import { randomUUID } from 'node:crypto';
import type { TSeverity } from '../../../common/categories.ts';
import {
  AREA_KIND_LABELS,
  type TExplainQuery,
  type TExplanation,
  type TRule,
  type TRuleInput,
} from '../../../common/routing.ts';
import type { Tx } from '../../db/client.ts';
import { referenceData } from '../../db/config-stamps.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import { deadlineFrom, loadWorkCalendar } from '../calendar/index.ts';
import { categoryByCode } from '../categories/index.ts';
import { locatePoint, toWgs84 } from '../grids/index.ts';
import { type AreaKind, type MatrixRule, type ProblemContext, rankRules, sameKey } from './matrix.ts';
import * as repo from './routing.repo.ts';

type Ref = { id: string; name: string };

const asMatrixRule = (r: repo.RuleRow): MatrixRule => ({ ...r, areaKind: r.areaKind as AreaKind });

function describe(r: repo.RuleWithNames): string {
  const cat = r.categoryName ? `${r.categoryName}(${r.categoryCode})` : '任意问题';
  const area =
    r.rule.areaKind === 'tenant'
      ? '全区'
      : `${AREA_KIND_LABELS[r.rule.areaKind as keyof typeof AREA_KIND_LABELS]}:${r.areaUnitName ?? r.gridName ?? '?'}`;
  const extra = [r.rule.industry && `行业:${r.rule.industry}`, r.rule.level && `层级:${r.rule.level}`].filter(Boolean);
  const who = r.userName ? `${r.unitName}(${r.userName})` : r.unitName;
  return `${cat} @ ${area}${extra.length ? ` [${extra.join(',')}]` : ''} → ${who}`;
}

function toRule(r: repo.RuleWithNames): TRule {
  return {
    id: r.rule.id,
    categoryId: r.rule.categoryId,
    categoryCode: r.categoryCode,
    categoryName: r.categoryName,
    industry: r.rule.industry,
    areaKind: r.rule.areaKind as TRule['areaKind'],
    areaId: r.rule.areaId,
    areaName: r.areaUnitName ?? r.gridName ?? null,
    level: r.rule.level,
    unit: { id: r.rule.unitId, name: r.unitName },
    user: r.rule.userId && r.userName ? { id: r.rule.userId, name: r.userName } : null,
    note: r.rule.note,
    description: describe(r),
    updatedAt: r.rule.updatedAt.toISOString(),
  };
}

/** The whole responsibility matrix, readable. */
export async function listRules(actor: Actor, deps: Deps): Promise<TRule[]> {
  return (await repo.listRules(deps.database.db, actor.tenantId)).map(toRule);
}

async function validateRule(actor: Actor, deps: Deps, input: TRuleInput, selfId: string | null): Promise<void> {
  const db = deps.database.db;
  const bad = (field: string, message: string) => new AppError('VALIDATION_FAILED', message, [{ field, message }]);
  if (input.areaKind === 'subdistrict' || input.areaKind === 'community') {
    const [u] = await repo.unitsByIds(db, actor.tenantId, [input.areaId ?? '']);
    if (!u || u.type !== input.areaKind) throw bad('body.areaId', `区域须为一个${AREA_KIND_LABELS[input.areaKind]}`);
  }
  if (input.areaKind === 'grid' && !(await repo.gridRef(db, actor.tenantId, input.areaId ?? ''))) {
    throw bad('body.areaId', '网格不存在');
  }
  if ((await repo.unitsByIds(db, actor.tenantId, [input.unitId])).length === 0)
    throw bad('body.unitId', '责任单位不存在');
  if (input.userId && !(await repo.userRef(db, actor.tenantId, input.userId))) throw bad('body.userId', '责任人不存在');
  if (input.categoryId && !(await repo.allCategories(db, actor.tenantId)).some((c) => c.id === input.categoryId)) {
    throw bad('body.categoryId', '问题分类不存在');
  }
  // A second rule with the same key would tie with the first everywhere: refuse and name the first.
  const candidate: MatrixRule = { id: selfId ?? '', ...input };
  const twin = (await repo.listRules(db, actor.tenantId)).find(
    (r) => r.rule.id !== selfId && sameKey(asMatrixRule(r.rule), candidate),
  );
  if (twin) {
    throw new AppError('CONFLICT', `与已有规则冲突:${describe(twin)}`, {
      conflictingRuleId: twin.rule.id,
      description: describe(twin),
    });
  }
}

/** Add a matrix rule; a rule with the same key as an existing one is refused (it would tie). */
export async function createRule(actor: Actor, deps: Deps, input: TRuleInput): Promise<TRule> {
  await validateRule(actor, deps, input, null);
  const id = randomUUID();
  const now = deps.clock.now();
  await deps.database.db.transaction(async (tx) => {
    await repo.insertRules(tx, [
      { tenantId: actor.tenantId, id, ...input, createdBy: actor.userId, createdAt: now, updatedAt: now },
    ]);
    await recordAudit(tx, deps.clock, actor, {
      action: 'routing.rule.create',
      objectType: 'responsibility_rule',
      objectId: id,
      details: { ...input },
    });
  });
  return (await listRules(actor, deps)).find((r) => r.id === id) as TRule;
}

/** Change a matrix rule. */
export async function updateRule(actor: Actor, deps: Deps, id: string, input: TRuleInput): Promise<TRule> {
  if (!(await repo.getRule(deps.database.db, actor.tenantId, id))) throw notFound('责任规则');
  await validateRule(actor, deps, input, id);
  await deps.database.db.transaction(async (tx) => {
    await repo.updateRule(tx, actor.tenantId, id, { ...input, updatedAt: deps.clock.now() });
    await recordAudit(tx, deps.clock, actor, {
      action: 'routing.rule.update',
      objectType: 'responsibility_rule',
      objectId: id,
      details: { ...input },
    });
  });
  return (await listRules(actor, deps)).find((r) => r.id === id) as TRule;
}

/** Remove a matrix rule. */
export async function deleteRule(actor: Actor, deps: Deps, id: string): Promise<void> {
  await deps.database.db.transaction(async (tx) => {
    if (!(await repo.deleteRule(tx, actor.tenantId, id))) throw notFound('责任规则');
    await recordAudit(tx, deps.clock, actor, {
      action: 'routing.rule.delete',
      objectType: 'responsibility_rule',
      objectId: id,
    });
  });
}

/**
 * For a point (and optionally a category): the grid, its community and subdistrict, the lead HQ and
 * unit, the responsible unit and person with the rule that decided it, and the deadline — with why.
 */
export async function explain(
  actor: Actor,
  deps: Deps,
  q: TExplainQuery,
  /** The category already looked up by the caller (case intake), to save the second lookup. */
  known?: { category: Awaited<ReturnType<typeof categoryByCode>> },
): Promise<TExplanation> {
  const db = deps.database.db;
  // Read-only: the matrix, units, people and grid refs may come from memory under the request's stamp.
  const ref = actor.configStamp === undefined ? null : referenceData(deps.database, actor.tenantId, actor.configStamp);
  const cached = <T>(key: string, load: () => Promise<T>): Promise<T> => (ref ? ref.memo(key, load) : load());
  const [wlng, wlat] = toWgs84(q.lng, q.lat, q.crs);
  const base: TExplanation = {
    point: { lng: q.lng, lat: q.lat, crs: q.crs, wgs84: { lng: wlng, lat: wlat } },
    inside: false,
    reason: null,
    grid: null,
    community: null,
    subdistrict: null,
    gridLeader: null,
    category: null,
    hq: null,
    leadUnit: null,
    responsible: null,
    deadline: null,
    considered: [],
    groups: null,
  };

  const category = known?.category ?? (q.category ? await categoryByCode(db, actor.tenantId, q.category) : null);
  if (q.category && !category) {
    throw new AppError('VALIDATION_FAILED', `问题分类 ${q.category} 不存在或已停用`, [
      { field: 'query.category', message: '分类不存在' },
    ]);
  }
  if (category) {
    base.category = { id: category.id, code: category.code, name: category.name, version: category.version };
    if (category.rule.leadHqId) base.hq = { id: category.rule.leadHqId, name: category.rule.leadHqName ?? '' };
    if (category.rule.leadUnitId)
      base.leadUnit = { id: category.rule.leadUnitId, name: category.rule.leadUnitName ?? '' };
    const severity: TSeverity = category.rule.timeLimits[q.severity] ? q.severity : 'normal';
    const limit = category.rule.timeLimits[severity];
    if (limit) {
      const start = q.at ? new Date(q.at) : deps.clock.now();
      const at = deadlineFrom(start, limit, await loadWorkCalendar(deps, actor.tenantId));
      base.deadline = { severity, limit, at: at.toISOString() };
    }
  }

  const cell = await locatePoint(deps, actor.tenantId, wlng, wlat);
  if (!cell) return { ...base, reason: '该位置不在本辖区网格范围内,请核实位置或转交属地' };
  const cellId = cell.gridId;
  const ownerId = cell.unitId;
  // All cells' refs in one read when they can be kept: a district has a few thousand cells and an
  // intake stream touches most of them, one query each otherwise.
  const grid = ref
    ? ((await ref.memo('grid-refs', () => repo.gridRefs(db, actor.tenantId))).get(cellId) ?? null)
    : await repo.gridRef(db, actor.tenantId, cellId);
  const owner = ownerId
    ? (await cached(`unit:${ownerId}`, () => repo.unitsByIds(db, actor.tenantId, [ownerId])))[0]
    : undefined;
  // The community is the owner; the subdistrict is the nearest subdistrict on the owner's path.
  const ancestors = owner
    ? await cached(`ancestors:${owner.id}`, () =>
        repo.unitsByIds(db, actor.tenantId, owner.path.split('/').filter(Boolean)),
      )
    : [];
  const community = ancestors.find((u) => u.type === 'community') ?? null;
  const subdistrict = ancestors.find((u) => u.type === 'subdistrict') ?? null;
  const leaderId = grid?.leaderUserId;
  const leader = leaderId ? await cached(`user:${leaderId}`, () => repo.userRef(db, actor.tenantId, leaderId)) : null;
  const out: TExplanation = {
    ...base,
    inside: true,
    grid: { id: cell.gridId, code: cell.code, name: cell.name },
    community: community && { id: community.id, name: community.name },
    subdistrict: subdistrict && { id: subdistrict.id, name: subdistrict.name },
    gridLeader: leader,
  };

  const rules = await cached('rules', () => repo.listRules(db, actor.tenantId));
  const ctxFor = (categoryId: string | null, parentId: string | null): ProblemContext => ({
    categoryId,
    categoryParentId: parentId,
    industry: q.industry ?? null,
    level: q.level ?? null,
    gridId: cell.gridId,
    communityId: community?.id ?? null,
    subdistrictId: subdistrict?.id ?? null,
  });
  const decide = (
    categoryId: string | null,
    parentId: string | null,
    fallback: Ref | null,
    fallbackVia: 'category_lead' | 'grid_owner',
  ) => {
    const ranked = rankRules(
      rules.map((r) => ({ ...r.rule, ...asMatrixRule(r.rule), named: r })),
      ctxFor(categoryId, parentId),
    );
    const win = ranked[0];
    const ownerRef = owner ? { id: owner.id, name: owner.name } : null;
    let responsible: TExplanation['responsible'] = null;
    if (win) {
      const person = win.rule.userId
        ? { id: win.rule.userId, name: win.rule.named.userName ?? '' }
        : win.rule.unitId === owner?.id
          ? leader
          : null;
      responsible = {
        unit: { id: win.rule.unitId, name: win.rule.named.unitName },
        person,
        via: 'rule',
        rule: { id: win.rule.id, description: describe(win.rule.named), specificity: win.specificity },
      };
    } else if (fallback) {
      responsible = {
        unit: fallback,
        person: fallback.id === ownerRef?.id ? leader : null,
        via: fallbackVia,
        rule: null,
      };
    }
    return {
      responsible,
      considered: ranked.map((r) => ({
        id: r.rule.id,
        description: describe(r.rule.named),
        specificity: r.specificity,
      })),
    };
  };

  const ownerRef = owner ? { id: owner.id, name: owner.name } : null;
  if (category) {
    // No rule: the category's lead unit answers; a category without one falls back to the grid's owner.
    const d = out.leadUnit
      ? decide(category.id, category.parentId, out.leadUnit, 'category_lead')
      : decide(category.id, category.parentId, ownerRef, 'grid_owner');
    return { ...out, responsible: d.responsible, considered: d.considered };
  }
  const d = decide(null, null, ownerRef, 'grid_owner');
  const groups = (await repo.allCategories(db, actor.tenantId))
    .filter((c) => c.parentId === null && c.isActive)
    .map((g) => {
      const lead = g.leadUnitId && g.leadUnitName ? { id: g.leadUnitId, name: g.leadUnitName } : null;
      const gd = lead ? decide(g.id, null, lead, 'category_lead') : decide(g.id, null, ownerRef, 'grid_owner');
      return gd.responsible ? { code: g.code, name: g.name, responsible: gd.responsible } : null;
    })
    .filter((g) => g !== null);
  return { ...out, responsible: d.responsible, considered: d.considered, groups };
}

/**
 * Make a grid-level rule for one category point at a unit, inside the caller's transaction: used
 * when the HQ settles a dispute (推诿扯皮) so that the next case at that grid routes right. An
 * existing rule with the same key is repointed rather than duplicated (it would tie).
 */
export async function pointGridRuleAt(
  tx: Tx,
  deps: Deps,
  actor: Actor,
  input: { categoryId: string; gridId: string; unitId: string; userId: string | null; note: string },
): Promise<{ ruleId: string; created: boolean }> {
  const key: TRuleInput = {
    categoryId: input.categoryId,
    industry: null,
    areaKind: 'grid',
    areaId: input.gridId,
    level: null,
    unitId: input.unitId,
    userId: input.userId,
    note: input.note,
  };
  const candidate: MatrixRule = { id: '', ...key };
  const twin = (await repo.listRules(tx, actor.tenantId)).find((r) => sameKey(asMatrixRule(r.rule), candidate));
  const now = deps.clock.now();
  const id = twin?.rule.id ?? randomUUID();
  if (twin)
    await repo.updateRule(tx, actor.tenantId, id, {
      unitId: input.unitId,
      userId: input.userId,
      note: input.note,
      updatedAt: now,
    });
  else
    await repo.insertRules(tx, [
      { tenantId: actor.tenantId, id, ...key, createdBy: actor.userId, createdAt: now, updatedAt: now },
    ]);
  await recordAudit(tx, deps.clock, actor, {
    action: twin ? 'routing.rule.update' : 'routing.rule.create',
    objectType: 'responsibility_rule',
    objectId: id,
    details: { ...key, reason: 'dispute' },
  });
  return { ruleId: id, created: !twin };
}

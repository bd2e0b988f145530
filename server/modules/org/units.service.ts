/** Editing the org tree (create, rename/recode, move, delete units) and command HQs (leaders, member units). */

import { randomUUID } from 'node:crypto';
import {
  HQ_MEMBER_TYPES,
  nestingProblem,
  type TCreateUnit,
  type THqDetail,
  type THqLeader,
  type TOrgUnit,
  type TSetHqLeaders,
  type TSetHqMembers,
  type TUnitType,
  type TUpdateUnit,
  UNIT_TYPE_LABELS,
} from '../../../common/org.ts';
import { sqlState } from '../../db/errors.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import { canSeeUnit, canSeeUser } from './org.policy.ts';
import * as repo from './org.repo.ts';

export const toUnit = (u: repo.UnitRow): TOrgUnit => ({
  id: u.id,
  parentId: u.parentId,
  type: u.type as TUnitType,
  code: u.code,
  name: u.name,
  sortOrder: u.sortOrder,
  isDemo: u.isDemo,
});

async function visibleUnit(actor: Actor, deps: Deps, id: string): Promise<repo.UnitRow> {
  const u = await repo.getUnit(deps.database.db, actor.tenantId, id);
  if (!u || !canSeeUnit(actor, u.path)) throw notFound('单位');
  return u;
}

/** The parent a unit goes under: null (top level) or a unit in the caller's scope that may hold `type`. */
async function checkedParent(
  actor: Actor,
  deps: Deps,
  type: TUnitType,
  parentId: string | null,
  field: string,
): Promise<repo.UnitRow | null> {
  const parent = parentId ? await repo.getUnit(deps.database.db, actor.tenantId, parentId) : null;
  if (parentId && (!parent || !canSeeUnit(actor, parent.path))) {
    throw new AppError('VALIDATION_FAILED', '上级单位不存在或不在管辖范围内', [{ field, message: '上级单位不存在' }]);
  }
  const problem = nestingProblem(type, (parent?.type as TUnitType | undefined) ?? null);
  if (problem) throw new AppError('UNPROCESSABLE', problem, [{ field, message: problem }]);
  return parent;
}

async function codeFreeOrFail(deps: Deps, tenantId: string, code: string, exceptId?: string): Promise<void> {
  const other = await repo.findUnitByCode(deps.database.db, tenantId, code);
  if (other && other.id !== exceptId) {
    throw new AppError('CONFLICT', `单位编码 ${code} 已被「${other.name}」使用`, [
      { field: 'body.code', message: '编码已存在' },
    ]);
  }
}

function conflictOnDuplicateCode(e: unknown, code: string): never {
  if (sqlState(e) === '23505') {
    throw new AppError('CONFLICT', `单位编码 ${code} 已存在`, [{ field: 'body.code', message: '编码已存在' }]);
  }
  throw e;
}

/** Create a unit under a parent the nesting rules allow (org.write). */
export async function createUnit(actor: Actor, deps: Deps, input: TCreateUnit): Promise<TOrgUnit> {
  const parent = await checkedParent(actor, deps, input.type, input.parentId, 'body.parentId');
  await codeFreeOrFail(deps, actor.tenantId, input.code);
  const id = randomUUID();
  const now = deps.clock.now();
  try {
    await deps.database.db.transaction(async (tx) => {
      await repo.lockOrgTree(tx, actor.tenantId);
      // The parent may have moved since it was read: take its path inside the lock.
      const fresh = parent ? await repo.getUnit(tx, actor.tenantId, parent.id) : null;
      if (parent && !fresh) throw notFound('上级单位');
      await repo.insertUnits(tx, [
        {
          tenantId: actor.tenantId,
          id,
          parentId: input.parentId,
          type: input.type,
          code: input.code,
          name: input.name,
          path: `${fresh?.path ?? '/'}${id}/`,
          sortOrder: input.sortOrder,
          createdAt: now,
          updatedAt: now,
        },
      ]);
      await recordAudit(tx, deps.clock, actor, {
        action: 'org.units.create',
        objectType: 'org_unit',
        objectId: id,
        details: { type: input.type, code: input.code, name: input.name, parentId: input.parentId },
      });
    });
  } catch (e) {
    conflictOnDuplicateCode(e, input.code);
  }
  return toUnit((await repo.getUnit(deps.database.db, actor.tenantId, id)) as repo.UnitRow);
}

/** Rename, recode or reorder a unit (org.write). */
export async function updateUnit(actor: Actor, deps: Deps, id: string, patch: TUpdateUnit): Promise<TOrgUnit> {
  const current = await visibleUnit(actor, deps, id);
  if (patch.code !== undefined && patch.code !== current.code)
    await codeFreeOrFail(deps, actor.tenantId, patch.code, id);
  const changes = Object.fromEntries(
    Object.entries(patch).filter(([k, v]) => v !== undefined && current[k as keyof repo.UnitRow] !== v),
  ) as TUpdateUnit;
  if (Object.keys(changes).length === 0) return toUnit(current);
  try {
    await deps.database.db.transaction(async (tx) => {
      await repo.updateUnit(tx, actor.tenantId, id, { ...changes, updatedAt: deps.clock.now() });
      await recordAudit(tx, deps.clock, actor, {
        action: 'org.units.update',
        objectType: 'org_unit',
        objectId: id,
        details: {
          changes,
          from: Object.fromEntries(Object.keys(changes).map((k) => [k, current[k as keyof repo.UnitRow]])),
        },
      });
    });
  } catch (e) {
    conflictOnDuplicateCode(e, patch.code ?? current.code);
  }
  return toUnit((await repo.getUnit(deps.database.db, actor.tenantId, id)) as repo.UnitRow);
}

/**
 * Move a unit (and its subtree) under another parent (org.write). The unit's path and every
 * descendant's are rewritten in one statement; moving under itself or a descendant is refused.
 */
export async function moveUnit(actor: Actor, deps: Deps, id: string, parentId: string | null): Promise<TOrgUnit> {
  const unit = await visibleUnit(actor, deps, id);
  if (parentId === unit.parentId) return toUnit(unit);
  if (parentId === id) {
    throw new AppError('UNPROCESSABLE', '不能把单位移动到它自己下面', [
      { field: 'body.parentId', message: '不能是自己' },
    ]);
  }
  await checkedParent(actor, deps, unit.type as TUnitType, parentId, 'body.parentId');
  await deps.database.db.transaction(async (tx) => {
    await repo.lockOrgTree(tx, actor.tenantId);
    const fresh = await repo.getUnit(tx, actor.tenantId, id);
    const parent = parentId ? await repo.getUnit(tx, actor.tenantId, parentId) : null;
    if (!fresh || (parentId && !parent)) throw notFound('单位');
    if (parent?.path.startsWith(fresh.path)) {
      throw new AppError('UNPROCESSABLE', `不能把「${fresh.name}」移动到它自己的下级单位「${parent.name}」下面`, [
        { field: 'body.parentId', message: '不能移动到自己的下级单位下' },
      ]);
    }
    const newPath = `${parent?.path ?? '/'}${id}/`;
    const moved = await repo.moveSubtree(tx, actor.tenantId, id, parentId, fresh.path, newPath, deps.clock.now());
    await recordAudit(tx, deps.clock, actor, {
      action: 'org.units.move',
      objectType: 'org_unit',
      objectId: id,
      details: { fromParentId: fresh.parentId, toParentId: parentId, unitsRepathed: moved },
    });
  });
  return toUnit((await repo.getUnit(deps.database.db, actor.tenantId, id)) as repo.UnitRow);
}

const BLOCKER_LABELS: Record<keyof Awaited<ReturnType<typeof repo.unitReferences>>, string> = {
  children: '下级单位',
  users: '用户',
  gridCells: '网格',
  hqMembers: '指挥部成员关系',
  hqLeaders: '指挥部领导设置',
  categories: '问题分类的牵头设置',
  rules: '责任矩阵规则',
};

/** Delete a unit that nothing refers to any more (org.write); otherwise say what blocks it. */
export async function deleteUnit(actor: Actor, deps: Deps, id: string): Promise<void> {
  const unit = await visibleUnit(actor, deps, id);
  try {
    await deps.database.db.transaction(async (tx) => {
      await repo.lockOrgTree(tx, actor.tenantId);
      const refs = await repo.unitReferences(tx, actor.tenantId, id);
      const blockers = (Object.keys(BLOCKER_LABELS) as (keyof typeof refs)[]).filter((k) => refs[k] > 0);
      if (blockers.length > 0) {
        const list = blockers.map((k) => `${BLOCKER_LABELS[k]} ${refs[k]} 个`);
        throw new AppError('CONFLICT', `「${unit.name}」不能删除:还有${list.join('、')},请先移走或删除`, [
          ...blockers.map((k) => ({ field: k, message: `${BLOCKER_LABELS[k]} ${refs[k]} 个` })),
        ]);
      }
      await repo.deleteUnit(tx, actor.tenantId, id);
      await recordAudit(tx, deps.clock, actor, {
        action: 'org.units.delete',
        objectType: 'org_unit',
        objectId: id,
        details: { code: unit.code, name: unit.name, type: unit.type, parentId: unit.parentId },
      });
    });
  } catch (e) {
    // A table added later that refers to units: the database still refuses, and says so.
    if (sqlState(e) === '23503') {
      throw new AppError('CONFLICT', `「${unit.name}」仍被其他数据引用,不能删除`, [
        { field: 'params.id', message: '仍被引用' },
      ]);
    }
    throw e;
  }
}

// ---- Command HQs ----

async function visibleHq(actor: Actor, deps: Deps, id: string): Promise<repo.UnitRow> {
  const hq = await visibleUnit(actor, deps, id);
  if (hq.type !== 'hq') {
    throw new AppError('UNPROCESSABLE', `「${hq.name}」不是指挥部`, [{ field: 'params.id', message: '不是指挥部' }]);
  }
  return hq;
}

/** One command HQ with its commander, deputies and member units (org.read; 404 outside scope). */
export async function getHq(actor: Actor, deps: Deps, id: string): Promise<THqDetail> {
  const hq = await visibleHq(actor, deps, id);
  const db = deps.database.db;
  const [leaders, members] = await Promise.all([
    repo.hqLeadersOf(db, actor.tenantId, id),
    repo.hqMembersOf(db, actor.tenantId, id),
  ]);
  const toLeader = (l: (typeof leaders)[number]): THqLeader => ({
    userId: l.userId,
    username: l.username,
    displayName: l.displayName,
    unitName: l.unitName,
    disabled: l.disabled,
  });
  return {
    id: hq.id,
    code: hq.code,
    name: hq.name,
    commander: leaders.filter((l) => l.position === 'commander').map(toLeader)[0] ?? null,
    deputies: leaders.filter((l) => l.position === 'deputy').map(toLeader),
    members: members.map((m) => ({
      unitId: m.unitId,
      code: m.code,
      name: m.name,
      type: m.type as TUnitType,
      isLead: m.isLead,
    })),
  };
}

/** Set an HQ's commander (指挥长) and deputies (副指挥长): existing, enabled accounts (org.write). */
export async function setHqLeaders(actor: Actor, deps: Deps, id: string, input: TSetHqLeaders): Promise<THqDetail> {
  const hq = await visibleHq(actor, deps, id);
  const deputyIds = [...new Set(input.deputyIds)];
  if (input.commanderId && deputyIds.includes(input.commanderId)) {
    throw new AppError('UNPROCESSABLE', '指挥长不能同时担任副指挥长', [
      { field: 'body.deputyIds', message: '包含了指挥长本人' },
    ]);
  }
  const ids = [...(input.commanderId ? [input.commanderId] : []), ...deputyIds];
  const found = await repo.usersByIds(deps.database.db, actor.tenantId, ids);
  const issues = ids.flatMap((uid) => {
    const field = uid === input.commanderId ? 'body.commanderId' : 'body.deputyIds';
    const u = found.find((f) => f.user.id === uid);
    if (!u || !canSeeUser(actor, u.unitPath)) return [{ field, message: `用户 ${uid} 不存在` }];
    if (u.user.isService) return [{ field, message: `${u.user.displayName} 是服务账户,不能担任指挥部领导` }];
    if (u.user.disabled) return [{ field, message: `${u.user.displayName} 已停用` }];
    return [];
  });
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', issues.map((i) => i.message).join(';'), issues);
  const before = await getHq(actor, deps, id);
  await deps.database.db.transaction(async (tx) => {
    await repo.replaceHqLeaders(tx, actor.tenantId, id, [
      ...(input.commanderId ? [{ userId: input.commanderId, position: 'commander' as const }] : []),
      ...deputyIds.map((userId) => ({ userId, position: 'deputy' as const })),
    ]);
    await recordAudit(tx, deps.clock, actor, {
      action: 'org.hq.leaders.set',
      objectType: 'org_unit',
      objectId: id,
      details: {
        hq: hq.name,
        from: { commanderId: before.commander?.userId ?? null, deputyIds: before.deputies.map((d) => d.userId) },
        to: { commanderId: input.commanderId, deputyIds },
      },
    });
  });
  return getHq(actor, deps, id);
}

/** Set the units that answer to an HQ, at most one of them the lead unit (牵头单位) (org.write). */
export async function setHqMembers(actor: Actor, deps: Deps, id: string, input: TSetHqMembers): Promise<THqDetail> {
  const hq = await visibleHq(actor, deps, id);
  const seen = new Set<string>();
  const members = input.members.filter((m) => !seen.has(m.unitId) && seen.add(m.unitId));
  if (members.filter((m) => m.isLead).length > 1) {
    throw new AppError('UNPROCESSABLE', '牵头单位只能有一个', [
      { field: 'body.members', message: '牵头单位只能有一个' },
    ]);
  }
  const issues: { field: string; message: string }[] = [];
  for (const [i, m] of members.entries()) {
    const u = await repo.getUnit(deps.database.db, actor.tenantId, m.unitId);
    const field = `body.members.${i}.unitId`;
    if (!u || !canSeeUnit(actor, u.path)) issues.push({ field, message: `单位 ${m.unitId} 不存在` });
    else if (!HQ_MEMBER_TYPES.includes(u.type as TUnitType)) {
      issues.push({
        field,
        message: `「${u.name}」是${UNIT_TYPE_LABELS[u.type as TUnitType]},成员单位只能是${HQ_MEMBER_TYPES.map((t) => UNIT_TYPE_LABELS[t]).join('、')}`,
      });
    }
  }
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', issues.map((i) => i.message).join(';'), issues);
  const before = await repo.hqMembersOf(deps.database.db, actor.tenantId, id);
  await deps.database.db.transaction(async (tx) => {
    await repo.replaceHqMembers(tx, actor.tenantId, id, members);
    await recordAudit(tx, deps.clock, actor, {
      action: 'org.hq.members.set',
      objectType: 'org_unit',
      objectId: id,
      details: {
        hq: hq.name,
        from: before.map((m) => ({ unitId: m.unitId, isLead: m.isLead })),
        to: members,
      },
    });
  });
  return getHq(actor, deps, id);
}

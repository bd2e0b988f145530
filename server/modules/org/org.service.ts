import { randomUUID } from 'node:crypto';
import type { TCreateUser, TDistrictOverview, TOrgUnit, TUpdateUser, TUser } from '../../../common/org.ts';
import { ADMIN_ROLES, type TRole } from '../../../common/roles.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../audit/index.ts';
import {
  type Actor,
  endSessionsOf,
  hashPassword,
  isAdminRole,
  newTotpSecret,
  otpauthUri,
  passwordProblems,
} from '../auth/index.ts';
import { canSeeUnit, canSeeUser, scopePaths } from './org.policy.ts';
import * as repo from './org.repo.ts';
import { toUnit } from './units.service.ts';

const toUser = (r: { user: repo.UserRow; unitName: string | null }): TUser => ({
  id: r.user.id,
  username: r.user.username,
  displayName: r.user.displayName,
  roles: r.user.roles as TRole[],
  unitId: r.user.unitId,
  unitName: r.unitName,
  phone: r.user.phone,
  disabled: r.user.disabled,
  lockedUntil: r.user.lockedUntil?.toISOString() ?? null,
  totpEnrolled: r.user.totpSecret !== null,
  createdAt: r.user.createdAt.toISOString(),
});

/** The district at a glance for the home page: counts, command HQs, subdistricts and their communities. */
export async function districtOverview(actor: Actor, deps: Deps): Promise<TDistrictOverview> {
  const db = deps.database.db;
  const [tenant, counts, userCount, hqs, units] = await Promise.all([
    repo.getTenant(db, actor.tenantId),
    repo.unitCountsByType(db, actor.tenantId),
    repo.countUsers(db, actor.tenantId),
    repo.hqSummaries(db, actor.tenantId),
    repo.listUnits(db, actor.tenantId, null),
  ]);
  const subdistricts = units
    .filter((u) => u.type === 'subdistrict')
    .map((s) => ({
      id: s.id,
      name: s.name,
      communities: units.filter((u) => u.type === 'community' && u.parentId === s.id).map((c) => c.name),
    }));
  return {
    tenant: { name: tenant?.name ?? actor.tenantName, code: tenant?.code ?? actor.tenantCode },
    isDemo: tenant?.isDemo ?? false,
    counts: {
      subdistricts: counts.subdistrict ?? 0,
      communities: counts.community ?? 0,
      departments: counts.department ?? 0,
      hqs: counts.hq ?? 0,
      users: userCount,
    },
    hqs,
    subdistricts,
  };
}

/** Org units within the caller's scope, in their display order (the web builds the tree from parentId). */
export async function listUnits(actor: Actor, deps: Deps): Promise<TOrgUnit[]> {
  return (await repo.listUnits(deps.database.db, actor.tenantId, scopePaths(actor))).map(toUnit);
}

/** One org unit; 404 when it does not exist or lies outside the caller's scope. */
export async function getUnit(actor: Actor, deps: Deps, id: string): Promise<TOrgUnit> {
  const u = await repo.getUnit(deps.database.db, actor.tenantId, id);
  if (!u || !canSeeUnit(actor, u.path)) throw notFound('单位');
  return toUnit(u);
}

/** A page of users within the caller's scope. */
export async function listUsers(
  actor: Actor,
  deps: Deps,
  q: { page: number; pageSize: number; q?: string; unitId?: string },
) {
  const { rows, total } = await repo.listUsers(
    deps.database.db,
    actor.tenantId,
    scopePaths(actor),
    { q: q.q, unitId: q.unitId },
    (q.page - 1) * q.pageSize,
    q.pageSize,
  );
  return { items: rows.map(toUser), total, page: q.page, pageSize: q.pageSize };
}

async function visibleUser(actor: Actor, deps: Deps, id: string) {
  const r = await repo.getUserWithUnit(deps.database.db, actor.tenantId, id);
  if (!r || !canSeeUser(actor, r.unitPath)) throw notFound('用户');
  return r;
}

/** One user; 404 outside the caller's scope. */
export async function getUser(actor: Actor, deps: Deps, id: string): Promise<TUser> {
  return toUser(await visibleUser(actor, deps, id));
}

async function unitInScopeOrFail(actor: Actor, deps: Deps, unitId: string | null, field: string) {
  if (unitId === null) return;
  const u = await repo.getUnit(deps.database.db, actor.tenantId, unitId);
  if (!u || !canSeeUnit(actor, u.path)) {
    throw new AppError('VALIDATION_FAILED', '所选单位不存在或不在管辖范围内', [{ field, message: '单位不存在' }]);
  }
}

/** Create an account. Administrator roles are granted only by the security administrator (setRoles). */
export async function createUser(actor: Actor, deps: Deps, input: TCreateUser): Promise<TUser> {
  const db = deps.database.db;
  if (input.roles.some(isAdminRole)) {
    throw new AppError('UNPROCESSABLE', '管理员角色须由安全管理员授予', [
      { field: 'body.roles', message: '不能在创建用户时授予管理员角色' },
    ]);
  }
  const problems = passwordProblems(input.password, input.username, 'body.password');
  if (problems.length) throw new AppError('PASSWORD_POLICY', problems.map((p) => p.message).join(';'), problems);
  await unitInScopeOrFail(actor, deps, input.unitId, 'body.unitId');
  if (await repo.findUserIdByUsername(db, actor.tenantId, input.username)) {
    throw new AppError('CONFLICT', `用户名 ${input.username} 已存在`, [{ field: 'body.username', message: '已存在' }]);
  }
  const id = randomUUID();
  const now = deps.clock.now();
  const passwordHash = await hashPassword(input.password);
  await db.transaction(async (tx) => {
    await repo.insertUser(tx, {
      tenantId: actor.tenantId,
      id,
      username: input.username,
      displayName: input.displayName,
      unitId: input.unitId,
      phone: input.phone,
      passwordHash,
      roles: [...new Set(input.roles)],
      // Someone else chose this password: the owner replaces it at first login.
      mustChangePassword: true,
      passwordChangedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    await recordAudit(tx, deps.clock, actor, {
      action: 'users.create',
      objectType: 'user',
      objectId: id,
      details: { username: input.username, roles: input.roles, unitId: input.unitId },
    });
  });
  return getUser(actor, deps, id);
}

/** Edit an account; disabling it ends its sessions at once. */
export async function updateUser(actor: Actor, deps: Deps, id: string, patch: TUpdateUser): Promise<TUser> {
  const current = await visibleUser(actor, deps, id);
  if (patch.disabled === true && id === actor.userId) {
    throw new AppError('UNPROCESSABLE', '不能停用自己的账户', [{ field: 'body.disabled', message: '不能停用自己' }]);
  }
  if (patch.unitId !== undefined) await unitInScopeOrFail(actor, deps, patch.unitId, 'body.unitId');
  const now = deps.clock.now();
  await deps.database.db.transaction(async (tx) => {
    await repo.updateUser(tx, actor.tenantId, id, { ...patch, updatedAt: now });
    let sessionsRevoked = 0;
    if (patch.disabled === true && !current.user.disabled) {
      sessionsRevoked = await endSessionsOf(tx, actor.tenantId, id, 'account_disabled', now);
    }
    await recordAudit(tx, deps.clock, actor, {
      action: 'users.update',
      objectType: 'user',
      objectId: id,
      details: { changes: patch, sessionsRevoked },
    });
  });
  return getUser(actor, deps, id);
}

/**
 * Set an account's roles (security administrator). Enforces 三员分立; granting an admin role to an
 * account without a TOTP secret creates one and returns its provisioning URI, once.
 */
export async function setRoles(
  actor: Actor,
  deps: Deps,
  id: string,
  roles: TRole[],
): Promise<{ user: TUser; totpProvisioningUri: string | null }> {
  const current = await visibleUser(actor, deps, id);
  if (id === actor.userId) {
    throw new AppError('UNPROCESSABLE', '不能修改自己的角色', [{ field: 'params.id', message: '不能修改自己的角色' }]);
  }
  const unique = [...new Set(roles)];
  const admins = unique.filter((r) => ADMIN_ROLES.includes(r));
  if (admins.length > 1) {
    throw new AppError('UNPROCESSABLE', '同一账户不得同时担任系统管理员、安全管理员、审计管理员中的两个(三员分立)', [
      { field: 'body.roles', message: `冲突的管理员角色: ${admins.join(', ')}` },
    ]);
  }
  if (current.user.isService && admins.length > 0) {
    throw new AppError('UNPROCESSABLE', '服务账户不能担任管理员', [{ field: 'body.roles', message: '服务账户' }]);
  }
  const now = deps.clock.now();
  const newSecret = admins.length > 0 && !current.user.totpSecret ? newTotpSecret() : null;
  await deps.database.db.transaction(async (tx) => {
    await repo.updateUser(tx, actor.tenantId, id, {
      roles: unique,
      updatedAt: now,
      ...(newSecret ? { totpSecret: newSecret, totpLastStep: null } : {}),
    });
    // Permissions are read per request, but a role change is a moment to make the owner log in again.
    const sessionsRevoked = await endSessionsOf(tx, actor.tenantId, id, 'roles_changed', now);
    await recordAudit(tx, deps.clock, actor, {
      action: 'users.roles.set',
      objectType: 'user',
      objectId: id,
      details: { from: current.user.roles, to: unique, totpIssued: newSecret !== null, sessionsRevoked },
    });
  });
  return {
    user: await getUser(actor, deps, id),
    totpProvisioningUri: newSecret ? otpauthUri(newSecret, current.user.username) : null,
  };
}

/** Lift a lockout (security administrator). */
export async function unlockUser(actor: Actor, deps: Deps, id: string): Promise<TUser> {
  const current = await visibleUser(actor, deps, id);
  const now = deps.clock.now();
  await deps.database.db.transaction(async (tx) => {
    await repo.updateUser(tx, actor.tenantId, id, { failedLogins: 0, lockedUntil: null, updatedAt: now });
    await recordAudit(tx, deps.clock, actor, {
      action: 'users.unlock',
      objectType: 'user',
      objectId: id,
      details: { wasLockedUntil: current.user.lockedUntil?.toISOString() ?? null },
    });
  });
  return getUser(actor, deps, id);
}

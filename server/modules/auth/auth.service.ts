import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { TChangePassword, TCreateApiToken, TLoginRequest, TSessionInfo } from '../../../common/auth.ts';
import { ADMIN_ROLES, permissionsOf, type TRole } from '../../../common/roles.ts';
import type { Tx } from '../../db/client.ts';
import { referenceData } from '../../db/config-stamps.ts';
import type { Deps, RequestMeta } from '../../deps.ts';
import { DAY, HOUR, MINUTE } from '../../lib/clock.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { type AuditContext, recordAudit, recordAuditAlone } from '../audit/index.ts';
import { type Actor, type DataScope, scopeKindOf } from './actor.ts';
import * as repo from './auth.repo.ts';
import { burnPasswordCheck, hashPassword, passwordProblems, verifyPassword } from './password.ts';
import { matchTotp } from './totp.ts';

export const SESSION_IDLE_MS = 30 * MINUTE;
export const SESSION_ABSOLUTE_MS = 12 * HOUR;
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 30 * MINUTE;
/** Write last_seen_at at most this often: idle timeout needs minutes, not every request. */
const TOUCH_EVERY_MS = MINUTE;

export const SESSION_COOKIE = 'gc_sid';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const hex = (n: number) => randomBytes(n).toString('hex');
const compact = (uuid: string) => uuid.replaceAll('-', '');
const expand = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;

function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

export const isAdminRole = (r: TRole) => ADMIN_ROLES.includes(r);

/** Compute the data scope of a user from the org tree. */
export async function scopeFor(
  deps: Deps,
  tenantId: string,
  roles: TRole[],
  unitId: string | null,
  /** The tenant's reference-data stamp read with the session: the scope is then kept in memory under it. */
  configStamp?: number,
): Promise<DataScope> {
  const kind = scopeKindOf(roles);
  if (kind === 'tenant') return { kind: 'tenant' };
  if (!unitId) return { kind: 'subtrees', paths: [], hqIds: [] };
  const load = async (): Promise<DataScope> => {
    const db = deps.database.db;
    const path = await repo.unitPath(db, tenantId, unitId);
    if (!path) return { kind: 'subtrees', paths: [], hqIds: [] };
    if (kind === 'unit') return { kind: 'subtrees', paths: [path], hqIds: [] };
    const hqIds = await repo.hqsContaining(db, tenantId, path);
    const memberPaths = await repo.hqMemberPaths(db, tenantId, hqIds);
    return { kind: 'subtrees', paths: [...new Set([path, ...memberPaths])], hqIds };
  };
  if (configStamp === undefined) return load();
  return referenceData(deps.database, tenantId, configStamp).memo(`scope:${kind}:${unitId}`, load);
}

async function actorFor(
  deps: Deps,
  tenant: repo.TenantRow,
  user: repo.UserRow,
  via: Actor['via'],
  meta: RequestMeta,
  ids: { sessionId?: string; tokenId?: string; configStamp?: number },
): Promise<Actor> {
  const roles = user.roles as TRole[];
  return {
    tenantId: tenant.tenantId,
    tenantCode: tenant.code,
    tenantName: tenant.name,
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    roles,
    permissions: new Set(permissionsOf(roles)),
    unitId: user.unitId,
    scope: await scopeFor(deps, tenant.tenantId, roles, user.unitId, ids.configStamp),
    via,
    sessionId: ids.sessionId ?? null,
    tokenId: ids.tokenId ?? null,
    ip: meta.ip,
    requestId: meta.requestId,
    ...(ids.configStamp !== undefined ? { configStamp: ids.configStamp } : {}),
  };
}

async function sessionInfo(
  deps: Deps,
  tenant: repo.TenantRow,
  user: repo.UserRow,
  csrfToken: string,
  expiresAt: Date,
): Promise<TSessionInfo> {
  const unit = user.unitId ? await repo.unitRef(deps.database.db, tenant.tenantId, user.unitId) : null;
  const roles = user.roles as TRole[];
  return {
    user: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      roles,
      permissions: permissionsOf(roles),
      unit: unit ? { id: unit.id, name: unit.name, type: unit.type } : null,
      tenant: { id: tenant.tenantId, code: tenant.code, name: tenant.name },
      mustChangePassword: user.mustChangePassword,
    },
    csrfToken,
    expiresAt: expiresAt.toISOString(),
  };
}

export interface LoginResult {
  info: TSessionInfo;
  cookieValue: string;
}

/** Check credentials (and the second factor for admin roles), open a session, audit the outcome. */
export async function login(deps: Deps, input: TLoginRequest, meta: RequestMeta): Promise<LoginResult> {
  const { database, clock } = deps;
  const db = database.db;
  const now = clock.now();
  const tenant = await repo.findTenantByCode(db, input.tenant ?? deps.config.TENANT_CODE);
  const badCredentials = () => new AppError('INVALID_CREDENTIALS', '用户名或密码错误');
  if (!tenant) {
    await burnPasswordCheck(input.password);
    throw badCredentials();
  }
  const anon: AuditContext = { tenantId: tenant.tenantId, userId: null, username: input.username, ...meta };
  const fail = (ctx: AuditContext, reason: string, userId?: string) =>
    recordAuditAlone(database, clock, ctx, {
      action: 'auth.login',
      outcome: 'failure',
      objectType: 'user',
      objectId: userId,
      details: { username: input.username, reason },
    });

  const user = await repo.findUserByUsername(db, tenant.tenantId, input.username);
  if (!user || user.isService) {
    await burnPasswordCheck(input.password);
    await fail(anon, user ? 'service_account' : 'unknown_user');
    throw badCredentials();
  }
  const ctx: AuditContext = { ...anon, userId: user.id, username: user.username };
  if (user.lockedUntil && user.lockedUntil > now) {
    await fail(ctx, 'locked', user.id);
    throw new AppError('ACCOUNT_LOCKED', `账户已锁定,请于 ${fmt(user.lockedUntil)} 后重试或联系安全管理员`, {
      lockedUntil: user.lockedUntil.toISOString(),
    });
  }

  const registerFailure = async (reason: string): Promise<AppError> => {
    const failures = (user.lockedUntil && user.lockedUntil <= now ? 0 : user.failedLogins) + 1;
    const lock = failures >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCKOUT_MS) : null;
    await database.db.transaction(async (tx) => {
      await repo.setLoginFailures(tx, tenant.tenantId, user.id, lock ? 0 : failures, lock, now);
      await recordAudit(tx, clock, ctx, {
        action: 'auth.login',
        outcome: 'failure',
        objectType: 'user',
        objectId: user.id,
        details: { username: user.username, reason, failures },
      });
      if (lock) {
        await recordAudit(tx, clock, ctx, {
          action: 'auth.lockout',
          objectType: 'user',
          objectId: user.id,
          details: { failures, lockedUntil: lock.toISOString() },
        });
      }
    });
    if (lock) {
      return new AppError('ACCOUNT_LOCKED', `连续 ${MAX_FAILED_LOGINS} 次验证失败,账户已锁定 30 分钟`, {
        lockedUntil: lock.toISOString(),
      });
    }
    return reason === 'bad_totp'
      ? new AppError('TOTP_INVALID', '动态口令错误或已使用', { remainingAttempts: MAX_FAILED_LOGINS - failures })
      : new AppError('INVALID_CREDENTIALS', '用户名或密码错误', { remainingAttempts: MAX_FAILED_LOGINS - failures });
  };

  if (!(await verifyPassword(user.passwordHash, input.password))) throw await registerFailure('bad_password');
  if (user.disabled) {
    await fail(ctx, 'disabled', user.id);
    throw new AppError('ACCOUNT_DISABLED', '账户已停用,请联系系统管理员');
  }
  const roles = user.roles as TRole[];
  let totpStep: number | null = null;
  if (roles.some(isAdminRole)) {
    if (!user.totpSecret) {
      await fail(ctx, 'totp_not_enrolled', user.id);
      throw new AppError('FORBIDDEN', '管理员账户尚未绑定动态口令,请联系安全管理员');
    }
    if (!input.totp) {
      throw new AppError('TOTP_REQUIRED', '管理员账户须输入动态口令');
    }
    totpStep = matchTotp(user.totpSecret, input.totp, now, user.totpLastStep);
    if (totpStep === null) throw await registerFailure('bad_totp');
  }

  const sessionId = randomUUID();
  const secret = hex(32);
  const csrfToken = hex(24);
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
  await database.db.transaction(async (tx) => {
    await repo.markLoginSuccess(tx, tenant.tenantId, user.id, totpStep, now);
    await repo.insertSession(tx, {
      tenantId: tenant.tenantId,
      id: sessionId,
      userId: user.id,
      secretHash: sha256(secret),
      csrfToken,
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    });
    await recordAudit(tx, clock, ctx, {
      action: 'auth.login',
      objectType: 'session',
      objectId: sessionId,
      details: { secondFactor: totpStep !== null },
    });
  });
  return {
    info: await sessionInfo(deps, tenant, user, csrfToken, expiresAt),
    cookieValue: `${compact(tenant.tenantId)}.${compact(sessionId)}.${secret}`,
  };
}

function fmt(d: Date): string {
  return d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}

export interface ResolvedSession {
  actor: Actor;
  csrfToken: string;
  expiresAt: Date;
}

/** Turn a session cookie into an actor, enforcing idle and absolute timeouts; null when not valid. */
export async function resolveSession(
  deps: Deps,
  cookieValue: string,
  meta: RequestMeta,
): Promise<ResolvedSession | null> {
  const m = /^([0-9a-f]{32})\.([0-9a-f]{32})\.([0-9a-f]{64})$/.exec(cookieValue);
  if (!m) return null;
  const [, tenantHex, sessionHex, secret] = m as unknown as [string, string, string, string];
  const db = deps.database.db;
  const tenantId = expand(tenantHex);
  const found = await repo.findSessionWithUser(db, tenantId, expand(sessionHex));
  if (!found) return null;
  const { session, tenant, user, configStamp } = found;
  if (session.revokedAt || !safeEqual(session.secretHash, sha256(secret))) return null;
  const now = deps.clock.now();
  if (session.expiresAt <= now) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > SESSION_IDLE_MS) {
    await repo.revokeSession(db, tenantId, session.id, 'idle_timeout', now);
    return null;
  }
  if (user.disabled) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await repo.touchSession(db, tenantId, session.id, now);
  }
  return {
    actor: await actorFor(deps, tenant, user, 'session', meta, { sessionId: session.id, configStamp }),
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt,
  };
}

export function csrfMatches(expected: string, given: string | undefined): boolean {
  return typeof given === 'string' && safeEqual(expected, given);
}

/** Turn an API token (`gct_<tenant>_<id>_<secret>`) into the actor of its service account. */
export async function resolveApiToken(deps: Deps, token: string, meta: RequestMeta): Promise<Actor | null> {
  const m = /^gct_([0-9a-f]{32})_([0-9a-f]{32})_([0-9a-f]{64})$/.exec(token);
  if (!m) return null;
  const [, tenantHex, idHex, secret] = m as unknown as [string, string, string, string];
  const db = deps.database.db;
  const tenantId = expand(tenantHex);
  const row = await repo.findApiToken(db, tenantId, expand(idHex));
  const now = deps.clock.now();
  if (!row || row.revokedAt || row.expiresAt <= now || !safeEqual(row.secretHash, sha256(secret))) return null;
  const [tenant, user] = await Promise.all([
    repo.findTenantById(db, tenantId),
    repo.findUserById(db, tenantId, row.userId),
  ]);
  if (!tenant || !user || user.disabled) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await repo.touchApiToken(db, tenantId, row.id, now);
  }
  return actorFor(deps, tenant, user, 'token', meta, { tokenId: row.id });
}

/** The session's user and CSRF token, as GET /me answers. */
export async function currentSession(actor: Actor, deps: Deps, csrfToken: string, expiresAt: Date) {
  const db = deps.database.db;
  const [tenant, user] = await Promise.all([
    repo.findTenantById(db, actor.tenantId),
    repo.findUserById(db, actor.tenantId, actor.userId),
  ]);
  if (!tenant || !user) throw new AppError('UNAUTHENTICATED', '会话已失效,请重新登录');
  return sessionInfo(deps, tenant, user, csrfToken, expiresAt);
}

/** End the caller's session. */
export async function logout(actor: Actor, deps: Deps): Promise<void> {
  if (!actor.sessionId) return;
  const sessionId = actor.sessionId;
  const now = deps.clock.now();
  await deps.database.db.transaction(async (tx) => {
    await repo.revokeSession(tx, actor.tenantId, sessionId, 'logout', now);
    await recordAudit(tx, deps.clock, actor, { action: 'auth.logout', objectType: 'session', objectId: sessionId });
  });
}

/** Change one's own password; every session of the user ends, this one included. */
export async function changePassword(actor: Actor, deps: Deps, input: TChangePassword): Promise<void> {
  const db = deps.database.db;
  const user = await repo.findUserById(db, actor.tenantId, actor.userId);
  if (!user) throw notFound('用户');
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await recordAuditAlone(deps.database, deps.clock, actor, {
      action: 'auth.password.change',
      outcome: 'failure',
      objectType: 'user',
      objectId: user.id,
      details: { reason: 'bad_current_password' },
    });
    throw new AppError('VALIDATION_FAILED', '当前密码不正确', [
      { field: 'body.currentPassword', message: '当前密码不正确' },
    ]);
  }
  const problems = passwordProblems(input.newPassword, user.username, 'body.newPassword');
  if (input.newPassword === input.currentPassword) {
    problems.push({ field: 'body.newPassword', message: '新密码不得与当前密码相同' });
  }
  if (problems.length) throw new AppError('PASSWORD_POLICY', problems.map((p) => p.message).join(';'), problems);
  const passwordHash = await hashPassword(input.newPassword);
  const now = deps.clock.now();
  await db.transaction(async (tx) => {
    await repo.updatePasswordHash(tx, actor.tenantId, user.id, passwordHash, now);
    const revoked = await repo.revokeUserSessions(tx, actor.tenantId, user.id, 'password_changed', now);
    await recordAudit(tx, deps.clock, actor, {
      action: 'auth.password.change',
      objectType: 'user',
      objectId: user.id,
      details: { sessionsRevoked: revoked },
    });
  });
}

/** Issue an API token for a service account; the secret is returned once and stored only hashed. */
export async function createApiToken(actor: Actor, deps: Deps, input: TCreateApiToken) {
  const db = deps.database.db;
  const owner = await repo.findUserById(db, actor.tenantId, input.userId);
  if (!owner) throw notFound('用户');
  if ((owner.roles as TRole[]).some(isAdminRole)) {
    // A token has no second factor, so it must never carry an administrator's power.
    throw new AppError('UNPROCESSABLE', '不能为管理员账户签发接口令牌', [
      { field: 'body.userId', message: '管理员账户须使用动态口令登录' },
    ]);
  }
  const now = deps.clock.now();
  const id = randomUUID();
  const secret = hex(32);
  const token = `gct_${compact(actor.tenantId)}_${compact(id)}_${secret}`;
  const expiresAt = new Date(now.getTime() + input.expiresInDays * DAY);
  await db.transaction(async (tx) => {
    await repo.insertApiToken(tx, {
      tenantId: actor.tenantId,
      id,
      userId: owner.id,
      name: input.name,
      prefix: token.slice(0, 12),
      secretHash: sha256(secret),
      createdBy: actor.userId,
      createdAt: now,
      expiresAt,
    });
    await recordAudit(tx, deps.clock, actor, {
      action: 'auth.token.create',
      objectType: 'api_token',
      objectId: id,
      details: { name: input.name, userId: owner.id, expiresAt: expiresAt.toISOString() },
    });
  });
  const item = (await listApiTokens(actor, deps)).find((t) => t.id === id);
  return { token, item };
}

/** All API tokens of the tenant (never their secrets). */
export async function listApiTokens(actor: Actor, deps: Deps) {
  const rows = await repo.listApiTokens(deps.database.db, actor.tenantId);
  return rows.map((r) => ({
    ...r,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    revokedAt: r.revokedAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  }));
}

/** Revoke an API token at once. */
export async function revokeApiToken(actor: Actor, deps: Deps, id: string): Promise<void> {
  const now = deps.clock.now();
  await deps.database.db.transaction(async (tx) => {
    if (!(await repo.revokeApiToken(tx, actor.tenantId, id, now))) throw notFound('令牌');
    await recordAudit(tx, deps.clock, actor, { action: 'auth.token.revoke', objectType: 'api_token', objectId: id });
  });
}

/** Housekeeping: drop sessions that ended more than a day ago. */
export async function purgeEndedSessions(deps: Deps): Promise<number> {
  return repo.purgeSessions(deps.database.db, new Date(deps.clock.now().getTime() - DAY));
}

/** End every live session of a user inside the caller's transaction (account disabled, roles changed). */
export function endSessionsOf(tx: Tx, tenantId: string, userId: string, reason: string, now: Date): Promise<number> {
  return repo.revokeUserSessions(tx, tenantId, userId, reason, now);
}

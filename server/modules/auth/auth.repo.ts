import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { rowFromDriver } from '../../db/json-rows.ts';
import { prepared } from '../../db/prepared.ts';
import { apiTokens, hqMembers, orgUnits, sessions, tenants, users } from '../../db/schema.ts';

export type UserRow = typeof users.$inferSelect;
export type TenantRow = typeof tenants.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;

export async function findTenantByCode(db: Executor, code: string): Promise<TenantRow | null> {
  const [t] = await db.select().from(tenants).where(eq(tenants.code, code));
  return t ?? null;
}

export async function findTenantById(db: Executor, tenantId: string): Promise<TenantRow | null> {
  const [t] = await db.select().from(tenants).where(eq(tenants.tenantId, tenantId));
  return t ?? null;
}

export async function findUserByUsername(db: Executor, tenantId: string, username: string): Promise<UserRow | null> {
  const [u] = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.username, username)));
  return u ?? null;
}

export async function findUserById(db: Executor, tenantId: string, userId: string): Promise<UserRow | null> {
  const [u] = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)));
  return u ?? null;
}

export async function setLoginFailures(
  db: Executor,
  tenantId: string,
  userId: string,
  failedLogins: number,
  lockedUntil: Date | null,
  now: Date,
): Promise<void> {
  await db
    .update(users)
    .set({ failedLogins, lockedUntil, updatedAt: now })
    .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)));
}

export async function markLoginSuccess(
  db: Executor,
  tenantId: string,
  userId: string,
  totpStep: number | null,
  now: Date,
): Promise<void> {
  await db
    .update(users)
    .set({
      failedLogins: 0,
      lockedUntil: null,
      updatedAt: now,
      ...(totpStep !== null ? { totpLastStep: totpStep } : {}),
    })
    .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)));
}

export async function updatePasswordHash(
  db: Executor,
  tenantId: string,
  userId: string,
  passwordHash: string,
  now: Date,
): Promise<void> {
  await db
    .update(users)
    .set({ passwordHash, passwordChangedAt: now, mustChangePassword: false, updatedAt: now })
    .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)));
}

export async function unitPath(db: Executor, tenantId: string, unitId: string): Promise<string | null> {
  const [u] = await db
    .select({ path: orgUnits.path })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.id, unitId)));
  return u?.path ?? null;
}

export async function unitRef(db: Executor, tenantId: string, unitId: string) {
  const [u] = await db
    .select({ id: orgUnits.id, name: orgUnits.name, type: orgUnits.type, path: orgUnits.path })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.id, unitId)));
  return u ?? null;
}

/** Paths of the units answering to the given HQs (for a commander's scope). */
export async function hqMemberPaths(db: Executor, tenantId: string, hqIds: string[]): Promise<string[]> {
  if (hqIds.length === 0) return [];
  const rows = await db
    .select({ path: orgUnits.path })
    .from(hqMembers)
    .innerJoin(orgUnits, and(eq(orgUnits.tenantId, hqMembers.tenantId), eq(orgUnits.id, hqMembers.unitId)))
    .where(and(eq(hqMembers.tenantId, tenantId), inArray(hqMembers.hqId, hqIds)));
  return rows.map((r) => r.path);
}

/** HQ units at or above a unit (a commander belongs to the HQ unit or one below it). */
export async function hqsContaining(db: Executor, tenantId: string, path: string): Promise<string[]> {
  const ids = path.split('/').filter(Boolean);
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: orgUnits.id })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), inArray(orgUnits.id, ids), eq(orgUnits.type, 'hq')));
  return rows.map((r) => r.id);
}

export async function insertSession(db: Executor, row: typeof sessions.$inferInsert): Promise<void> {
  await db.insert(sessions).values(row);
}

export async function findSession(db: Executor, tenantId: string, id: string): Promise<SessionRow | null> {
  const [s] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, id)));
  return s ?? null;
}

// Every request runs it: written out and prepared (planning the join cost more than running it);
// each row travels as jsonb and is decoded by its table's own columns.
const sessionStatement = prepared<{
  session: Record<string, unknown>;
  user: Record<string, unknown>;
  tenant: Record<string, unknown>;
  stamp: number | string;
}>(
  'auth_session',
  `select to_jsonb(s) as session, to_jsonb(u) as "user", to_jsonb(t) as tenant,
      coalesce((select c.stamp from config_stamps c where c.tenant_id = s.tenant_id), 0) as stamp
    from sessions s
    join users u on u.tenant_id = s.tenant_id and u.id = s.user_id
    join tenants t on t.tenant_id = s.tenant_id
    where s.tenant_id = $1 and s.id = $2`,
);

/**
 * A session with its user, tenant and the tenant's reference-data stamp in one round trip (every
 * authenticated request starts here).
 */
export async function findSessionWithUser(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<{ session: SessionRow; user: UserRow; tenant: TenantRow; configStamp: number } | null> {
  const [r] = await sessionStatement.run(db, [tenantId, id]);
  return r
    ? {
        session: rowFromDriver(sessions, r.session),
        user: rowFromDriver(users, r.user),
        tenant: rowFromDriver(tenants, r.tenant),
        configStamp: Number(r.stamp),
      }
    : null;
}

export async function touchSession(db: Executor, tenantId: string, id: string, now: Date): Promise<void> {
  await db
    .update(sessions)
    .set({ lastSeenAt: now })
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, id)));
}

export async function revokeSession(db: Executor, tenantId: string, id: string, reason: string, now: Date) {
  await db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, id), isNull(sessions.revokedAt)));
}

/** Revoke every live session of a user; returns how many. */
export async function revokeUserSessions(
  db: Executor,
  tenantId: string,
  userId: string,
  reason: string,
  now: Date,
): Promise<number> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.length;
}

/** Delete sessions that ended (expired or revoked) before a cut-off. */
export async function purgeSessions(db: Executor, before: Date): Promise<number> {
  const rows = await db
    .delete(sessions)
    .where(sql`${sessions.expiresAt} < ${before} or ${sessions.revokedAt} < ${before}`)
    .returning({ id: sessions.id });
  return rows.length;
}

export async function insertApiToken(db: Executor, row: typeof apiTokens.$inferInsert): Promise<void> {
  await db.insert(apiTokens).values(row);
}

export async function findApiToken(db: Executor, tenantId: string, id: string) {
  const [t] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, id)));
  return t ?? null;
}

export async function listApiTokens(db: Executor, tenantId: string) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      userId: apiTokens.userId,
      username: users.username,
      prefix: apiTokens.prefix,
      createdAt: apiTokens.createdAt,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .innerJoin(users, and(eq(users.tenantId, apiTokens.tenantId), eq(users.id, apiTokens.userId)))
    .where(eq(apiTokens.tenantId, tenantId))
    .orderBy(desc(apiTokens.createdAt));
}

export async function revokeApiToken(db: Executor, tenantId: string, id: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

export async function touchApiToken(db: Executor, tenantId: string, id: string, now: Date): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, id)));
}

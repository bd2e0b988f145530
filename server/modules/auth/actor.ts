/** The acting user of a request (or a system job): identity, roles, permissions and data scope. */
import { ROLE_SCOPE, type TPermission, type TRole } from '../../../common/roles.ts';

/**
 * What a caller may see. `tenant`: everything in the tenant. `subtrees`: org units whose path starts
 * with one of `paths` (own unit and below; for a commander, the HQ and each member unit and below),
 * plus, for later modules, the HQs whose categories the caller owns.
 */
export type DataScope = { kind: 'tenant' } | { kind: 'subtrees'; paths: string[]; hqIds: string[] };

export interface Actor {
  tenantId: string;
  tenantCode: string;
  tenantName: string;
  userId: string;
  username: string;
  displayName: string;
  roles: TRole[];
  permissions: ReadonlySet<TPermission>;
  unitId: string | null;
  scope: DataScope;
  via: 'session' | 'token' | 'system';
  sessionId: string | null;
  tokenId: string | null;
  ip: string | null;
  requestId: string | null;
  /**
   * The tenant's reference-data stamp read with the session (see db/config-stamps.ts): services that
   * only read reference data may key in-memory copies by it. Absent for system actors and tokens.
   */
  configStamp?: number;
}

/** True when a unit (by its materialised path) lies within the scope. */
export function unitPathInScope(scope: DataScope, unitPath: string | null | undefined): boolean {
  if (scope.kind === 'tenant') return true;
  if (!unitPath) return false;
  return scope.paths.some((p) => unitPath.startsWith(p));
}

/** The widest scope kind any of the roles grants. */
export function scopeKindOf(roles: readonly TRole[]): 'tenant' | 'hq' | 'unit' {
  const kinds = roles.map((r) => ROLE_SCOPE[r]);
  if (kinds.includes('tenant')) return 'tenant';
  if (kinds.includes('hq')) return 'hq';
  return 'unit';
}

export function hasPermission(actor: Actor, p: TPermission): boolean {
  return actor.permissions.has(p);
}

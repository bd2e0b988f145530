/** Who may call the org module's routes, and which units and users a caller may see. */
import { AUTHENTICATED, can } from '../../http/access.ts';
import { type Actor, unitPathInScope } from '../auth/index.ts';
import type { PathFilter } from './org.repo.ts';

export const orgAccess = {
  overview: AUTHENTICATED,
  listUnits: can('org.read'),
  getUnit: can('org.read'),
  createUnit: can('org.write'),
  updateUnit: can('org.write'),
  moveUnit: can('org.write'),
  deleteUnit: can('org.write'),
  getHq: can('org.read'),
  setHqLeaders: can('org.write'),
  setHqMembers: can('org.write'),
  unitsTemplate: can('org.write'),
  peopleTemplate: can('users.write'),
  exportUnits: can('org.read'),
  exportPeople: can('users.read'),
  importUnits: can('org.write'),
  importPeople: can('users.write'),
  listUsers: can('users.read'),
  getUser: can('users.read'),
  createUser: can('users.write'),
  updateUser: can('users.write'),
  setRoles: can('users.roles'),
  unlockUser: can('users.unlock'),
} as const;

/** The caller's scope as a unit-path filter for SQL (null = whole tenant). */
export function scopePaths(actor: Actor): PathFilter {
  return actor.scope.kind === 'tenant' ? null : actor.scope.paths;
}

export function canSeeUnit(actor: Actor, unitPath: string | null): boolean {
  return unitPathInScope(actor.scope, unitPath);
}

/** A user is visible when their unit is; users without a unit belong to the tenant level. */
export function canSeeUser(actor: Actor, unitPath: string | null): boolean {
  return actor.scope.kind === 'tenant' || (unitPath !== null && unitPathInScope(actor.scope, unitPath));
}

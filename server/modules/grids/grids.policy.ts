/** Who may call the grid routes, and which cells a caller may see. */
import { can } from '../../http/access.ts';
import { type Actor, unitPathInScope } from '../auth/index.ts';
import type { PathFilter } from './grids.repo.ts';

export const gridsAccess = {
  list: can('grids.read'),
  get: can('grids.read'),
  locate: can('grids.read'),
  district: can('grids.read'),
  setDistrict: can('grids.write'),
  import: can('grids.write'),
  patch: can('grids.write'),
} as const;

/** The caller's scope as a unit-path filter for SQL (null = whole tenant). */
export function scopePaths(actor: Actor): PathFilter {
  return actor.scope.kind === 'tenant' ? null : actor.scope.paths;
}

/** A cell is visible when its owning unit is; cells without an owner belong to the tenant level. */
export function canSeeCell(actor: Actor, unitPath: string | null): boolean {
  return unitPathInScope(actor.scope, unitPath);
}

export function canSeeUnit(actor: Actor, unitPath: string | null): boolean {
  return unitPathInScope(actor.scope, unitPath);
}

/** Users without a unit are tenant-level: visible to tenant-wide callers only. */
export function canSeeUser(actor: Actor, unitPath: string | null): boolean {
  return actor.scope.kind === 'tenant' || (unitPath !== null && unitPathInScope(actor.scope, unitPath));
}

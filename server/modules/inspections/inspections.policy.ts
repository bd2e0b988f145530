/** Who may call the inspections routes, and which orders, operations, units, cells and cases a caller may see. */
import { can } from '../../http/access.ts';
import { type Actor, unitPathInScope } from '../auth/index.ts';
import type { CaseRef, PathFilter } from './inspections.repo.ts';

export const inspectionsAccess = {
  issueOrder: can('inspections.write'),
  listOrders: can('inspections.read'),
  getOrder: can('inspections.read'),
  orderDocx: can('inspections.read'),
  followUp: can('inspections.write'),
  enforce: can('inspections.write'),
  returnItems: can('inspections.write'),
  createFieldOp: can('inspections.write'),
  listFieldOps: can('inspections.read'),
  fieldOpSummary: can('inspections.read'),
  getFieldOp: can('inspections.read'),
  patchFieldOp: can('inspections.write'),
} as const;

/** The caller's scope as a unit-path filter for SQL (null = whole tenant). */
export function scopePaths(actor: Actor): PathFilter {
  return actor.scope.kind === 'tenant' ? null : actor.scope.paths;
}

/** Orders and their enforcement records are seen through the issuing unit; operations through their unit. */
export function canSeeUnit(actor: Actor, unitPath: string | null): boolean {
  return unitPathInScope(actor.scope, unitPath);
}

/** A cell is usable when its owning unit is in scope; unowned cells belong to the tenant level. */
export function canUseCell(actor: Actor, ownerPath: string | null): boolean {
  return unitPathInScope(actor.scope, ownerPath);
}

/**
 * A case is visible as the cases module decides for its ledger: tenant-wide callers see all; others see
 * cases whose responsible unit lies in their subtrees, cases of their HQs, and cases they reported.
 * (Mirrored here because cases/index.ts exports no such check yet.)
 */
export function canSeeCase(actor: Actor, c: CaseRef): boolean {
  if (actor.scope.kind === 'tenant') return true;
  if (c.hqId && actor.scope.hqIds.includes(c.hqId)) return true;
  if (c.reportedBy === actor.userId) return true;
  return c.unitPath !== null && unitPathInScope(actor.scope, c.unitPath);
}

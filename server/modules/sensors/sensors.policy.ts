/** Who may call the site, monitor, alert, threshold and dust-fee routes, and which sites a caller may see. */
import { can } from '../../http/access.ts';
import { type Actor, unitPathInScope } from '../auth/index.ts';
import type { PathFilter } from './sensors.sites.repo.ts';

export const sensorsAccess = {
  listSites: can('sensors.read'),
  sitePoints: can('sensors.read'),
  sitesWithoutMonitor: can('sensors.read'),
  getSite: can('sensors.read'),
  createSite: can('sensors.write'),
  patchSite: can('sensors.write'),
  siteDevices: can('sensors.read'),
  listDevices: can('sensors.read'),
  createDevice: can('sensors.write'),
  patchDevice: can('sensors.write'),
  series: can('sensors.read'),
  listAlerts: can('sensors.read'),
  listThresholds: can('sensors.read'),
  createThreshold: can('sensors.write'),
  patchThreshold: can('sensors.write'),
  getFees: can('sensors.read'),
  addFee: can('sensors.write'),
  feePhoto: can('sensors.read'),
  feeAccounts: can('sensors.read'),
  feeWarnings: can('sensors.read'),
} as const;

/** The caller's scope as a unit-path filter for SQL (null = whole tenant). */
export function scopePaths(actor: Actor): PathFilter {
  return actor.scope.kind === 'tenant' ? null : actor.scope.paths;
}

/**
 * A site is seen through its responsible unit: in the caller's subtrees, or anything for tenant-wide
 * callers (a site without a unit is theirs only). Devices, alerts and fee entries follow their site.
 */
export function canSeeSite(actor: Actor, unitPath: string | null): boolean {
  return unitPathInScope(actor.scope, unitPath);
}

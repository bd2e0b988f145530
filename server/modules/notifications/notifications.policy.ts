/** Who may call the notifications routes, and which channels a manager may see. */
import { AUTHENTICATED, can } from '../../http/access.ts';
import { type Actor, unitPathInScope } from '../auth/index.ts';

export const notificationsAccess = {
  /** Everyone signed in reads and marks their own inbox. */
  listInbox: AUTHENTICATED,
  markRead: AUTHENTICATED,
  unreadCount: AUTHENTICATED,
  listChannels: can('notifications.manage'),
  createChannel: can('notifications.manage'),
  updateChannel: can('notifications.manage'),
  deleteChannel: can('notifications.manage'),
  testChannel: can('notifications.manage'),
  listDeliveries: can('notifications.manage'),
} as const;

/** A channel is in scope when its unit is; a tenant-wide channel (no unit) only for a tenant-wide scope. */
export function canSeeChannel(actor: Actor, unitId: string | null, unitPath: string | null): boolean {
  if (actor.scope.kind === 'tenant') return true;
  return unitId !== null && unitPathInScope(actor.scope, unitPath);
}

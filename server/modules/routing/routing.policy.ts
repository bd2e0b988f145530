/**
 * Who may read and change the responsibility matrix. Reading it (and asking "who is responsible here?")
 * is everyday knowledge for every working role; the matrix is tenant-wide, so no per-object scope.
 */
import { can } from '../../http/access.ts';

export const routingAccess = {
  explain: can('routing.read'),
  listRules: can('routing.read'),
  createRule: can('routing.write'),
  updateRule: can('routing.write'),
  deleteRule: can('routing.write'),
} as const;

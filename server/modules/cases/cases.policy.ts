/**
 * Who may call the case routes. The door is a permission; which transition a caller may take on which
 * case is decided per case by cases.states.ts (roles + relation), and cases outside the caller's
 * scope answer 404.
 */
import { can } from '../../http/access.ts';

export const casesAccess = {
  create: can('cases.report'),
  nearby: can('cases.report'),
  list: can('cases.read'),
  get: can('cases.read'),
  export: can('cases.export'),
  transition: can('cases.work'),
  request: can('cases.work'),
  decide: can('cases.work'),
  reassign: can('cases.work'),
} as const;

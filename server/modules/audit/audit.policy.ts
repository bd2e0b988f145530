/** Who may read and verify the audit trail: auditors and the audit administrator, tenant-wide. */
import { can } from '../../http/access.ts';

export const auditAccess = {
  list: can('audit.read'),
  verify: can('audit.verify'),
} as const;

/** Hashing of audit rows: SM3(prev_hash ‖ canonical JSON of the row). Pure; used to append and to verify. */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../lib/canonical-json.ts';

export { canonicalJson };

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit row that the hash covers (everything but the hash itself). */
export interface HashedAuditRow {
  tenantId: string;
  seq: number;
  occurredAt: Date;
  actorId: string | null;
  actorName: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  outcome: 'success' | 'failure';
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
}

export function auditRowHash(row: HashedAuditRow): string {
  const body = canonicalJson({ ...row, occurredAt: row.occurredAt.toISOString() });
  return createHash('sm3').update(row.prevHash).update(body).digest('hex');
}

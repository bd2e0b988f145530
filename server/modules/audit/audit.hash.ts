/** Hashing of audit rows: SM3(prev_hash ‖ canonical JSON of the row). Pure; used to append and to verify. */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level and no whitespace, so equal rows hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

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

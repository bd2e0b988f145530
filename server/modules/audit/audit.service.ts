import type { SQL } from 'drizzle-orm';
import type { TAuditEvent } from '../../../common/org.ts';
import type { Database, Executor, Tx } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { auditRowHash, GENESIS_HASH } from './audit.hash.ts';
import * as repo from './audit.repo.ts';

/** Who did it and from where: an Actor satisfies this, and so does a system job. */
export interface AuditContext {
  tenantId: string;
  userId: string | null;
  username: string | null;
  ip?: string | null;
  requestId?: string | null;
}

export interface AuditEntry {
  action: string;
  objectType?: string;
  objectId?: string;
  outcome?: 'success' | 'failure';
  details?: Record<string, unknown>;
}

/**
 * Append one audit event to the tenant's hash chain inside the caller's transaction, so the event
 * commits or rolls back with the change it records.
 */
export async function recordAudit(tx: Tx, clock: Clock, ctx: AuditContext, entry: AuditEntry): Promise<number> {
  const [seq] = await recordAuditEvents(tx, clock, [{ ctx, entry }]);
  return seq as number;
}

/**
 * The chain head this process last wrote, per tenant: a guess, checked by the very statement that
 * relies on it (the head moves only if it is still exactly this seq and hash), so a guess that is
 * stale — another process wrote, a transaction rolled back, another database — costs one round trip
 * and is never wrong. Keyed by tenant alone for that reason.
 */
const knownHeads = new Map<string, { lastSeq: number; lastHash: string }>();

/** The rows that extend the chain from `head`, hashed. */
function chainRows(
  tenantId: string,
  clock: Clock,
  items: readonly { ctx: AuditContext; entry: AuditEntry }[],
  head: { lastSeq: number; lastHash: string },
) {
  let { lastSeq, lastHash } = head;
  return items.map(({ ctx, entry }) => {
    // Round-trip through JSON so the hash covers exactly what jsonb will give back.
    const details = JSON.parse(JSON.stringify(entry.details ?? {})) as Record<string, unknown>;
    const row = {
      tenantId,
      seq: lastSeq + 1,
      occurredAt: clock.now(),
      actorId: ctx.userId,
      actorName: ctx.username,
      action: entry.action,
      objectType: entry.objectType ?? null,
      objectId: entry.objectId ?? null,
      outcome: entry.outcome ?? 'success',
      ip: ctx.ip ?? null,
      requestId: ctx.requestId ?? null,
      details,
      prevHash: lastHash,
    } as const;
    const hashed = { ...row, hash: auditRowHash(row) };
    lastSeq = hashed.seq;
    lastHash = hashed.hash;
    return hashed;
  });
}

/**
 * Append several audit events of one tenant, in order, inside the caller's transaction: one head
 * lock and one write for all of them (several changes committed together, e.g. grouped case intake).
 * `alongWith` is a statement of the caller's (e.g. an INSERT) run once in the same round trip.
 * When this process knows the head, the head check, the rows and `alongWith` are one statement.
 */
export async function recordAuditEvents(
  tx: Tx,
  clock: Clock,
  items: readonly { ctx: AuditContext; entry: AuditEntry }[],
  opts: { alongWith?: SQL } = {},
): Promise<number[]> {
  const first = items[0];
  if (!first) {
    if (opts.alongWith) await tx.execute(opts.alongWith);
    return [];
  }
  const tenantId = first.ctx.tenantId;
  if (items.some((i) => i.ctx.tenantId !== tenantId)) throw new Error('recordAuditEvents: one tenant per call');
  let alongWith = opts.alongWith;
  const guess = knownHeads.get(tenantId);
  if (guess) {
    const rows = chainRows(tenantId, clock, items, guess);
    const appended = await repo.appendRows(tx, rows, { expected: guess, alongWith });
    alongWith = undefined; // it ran, whatever the head said
    if (appended) {
      remember(tenantId, rows);
      return rows.map((r) => r.seq);
    }
  }
  const head = await repo.lockChainHead(tx, tenantId);
  const rows = chainRows(tenantId, clock, items, head);
  if (!(await repo.appendRows(tx, rows, { alongWith }))) throw new Error('audit: chain head missing under its lock');
  remember(tenantId, rows);
  return rows.map((r) => r.seq);
}

function remember(tenantId: string, rows: { seq: number; hash: string }[]) {
  const last = rows[rows.length - 1];
  if (last) knownHeads.set(tenantId, { lastSeq: last.seq, lastHash: last.hash });
}

/** Record an event on its own (a failed login has no surrounding change to ride along with). */
export async function recordAuditAlone(
  database: Database,
  clock: Clock,
  ctx: AuditContext,
  entry: AuditEntry,
): Promise<number> {
  return database.db.transaction((tx) => recordAudit(tx, clock, ctx, entry));
}

export interface ChainVerdict {
  ok: boolean;
  checked: number;
  firstBroken: { seq: number; reason: string } | null;
}

/** Walk a tenant's chain from the genesis and name the first row whose link or content is broken. */
export async function verifyChain(db: Executor, tenantId: string): Promise<ChainVerdict> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  const broken = (seq: number, reason: string): ChainVerdict => ({ ok: false, checked, firstBroken: { seq, reason } });
  for (;;) {
    const rows = await repo.rowsAfter(db, tenantId, expectedSeq - 1, 1000);
    for (const r of rows) {
      if (r.seq !== expectedSeq) return broken(expectedSeq, `row ${expectedSeq} is missing (next present is ${r.seq})`);
      if (r.prevHash !== prevHash) return broken(r.seq, 'prev_hash does not match the previous row');
      const recomputed = auditRowHash({
        tenantId: r.tenantId,
        seq: r.seq,
        occurredAt: r.occurredAt,
        actorId: r.actorId,
        actorName: r.actorName,
        action: r.action,
        objectType: r.objectType,
        objectId: r.objectId,
        outcome: r.outcome as 'success' | 'failure',
        ip: r.ip,
        requestId: r.requestId,
        details: r.details as Record<string, unknown>,
        prevHash: r.prevHash,
      });
      if (recomputed !== r.hash) return broken(r.seq, 'content does not match its hash (row altered)');
      prevHash = r.hash;
      expectedSeq++;
      checked++;
    }
    if (rows.length < 1000) break;
  }
  const head = await repo.chainHead(db, tenantId);
  if (head && (head.lastSeq !== expectedSeq - 1 || head.lastHash !== prevHash)) {
    return broken(expectedSeq, `chain ends at ${expectedSeq - 1} but its head records ${head.lastSeq} (rows removed)`);
  }
  return { ok: true, checked, firstBroken: null };
}

/** A page of audit events, newest first. */
export async function listAuditEvents(
  db: Executor,
  tenantId: string,
  filter: repo.AuditFilter,
  page: number,
  pageSize: number,
): Promise<{ items: TAuditEvent[]; total: number }> {
  const { rows, total } = await repo.listRows(db, tenantId, filter, (page - 1) * pageSize, pageSize);
  return {
    total,
    items: rows.map((r) => ({
      seq: r.seq,
      occurredAt: r.occurredAt.toISOString(),
      actorId: r.actorId,
      actorName: r.actorName,
      action: r.action,
      objectType: r.objectType,
      objectId: r.objectId,
      outcome: r.outcome as 'success' | 'failure',
      ip: r.ip,
      requestId: r.requestId,
      details: r.details as Record<string, unknown>,
      hash: r.hash,
    })),
  };
}

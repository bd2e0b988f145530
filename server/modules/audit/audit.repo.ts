import { and, asc, count, desc, eq, gt, ilike, or, type SQL, sql } from 'drizzle-orm';
import { type Executor, rowsOf, type Tx } from '../../db/client.ts';
import { jsonInsertSql } from '../../db/json-rows.ts';
import { auditChainHeads, auditEvents } from '../../db/schema.ts';
import { GENESIS_HASH } from './audit.hash.ts';

export type AuditRow = typeof auditEvents.$inferSelect;

/** Lock the tenant's chain head (creating it on first use) and return it. Must run inside a transaction. */
export async function lockChainHead(tx: Tx, tenantId: string): Promise<{ lastSeq: number; lastHash: string }> {
  const select = () =>
    tx
      .select({ lastSeq: auditChainHeads.lastSeq, lastHash: auditChainHeads.lastHash })
      .from(auditChainHeads)
      .where(eq(auditChainHeads.tenantId, tenantId))
      .for('update');
  // The head exists after a tenant's first event: one statement from then on.
  const [found] = await select();
  if (found) return found;
  await tx.insert(auditChainHeads).values({ tenantId, lastSeq: 0, lastHash: GENESIS_HASH }).onConflictDoNothing();
  const [head] = await select();
  if (!head) throw new Error('audit chain head missing after upsert');
  return head;
}

/**
 * Append rows (in chain order) and move the head to the last, in one statement; `alongWith`, a
 * statement of the caller's, runs in the same statement either way. With `expected`, only if the
 * head is still exactly that (a head moved meanwhile — its row lock waited for, then re-read —
 * appends nothing and answers false); without, the caller holds the head's lock (lockChainHead).
 */
export async function appendRows(
  tx: Tx,
  rows: (typeof auditEvents.$inferInsert)[],
  opts: { expected?: { lastSeq: number; lastHash: string }; alongWith?: SQL } = {},
): Promise<boolean> {
  const last = rows[rows.length - 1];
  if (!last) return true;
  const { expected, alongWith } = opts;
  const result = await tx.execute(sql`with move_head as (update audit_chain_heads
        set last_seq = ${last.seq}, last_hash = ${last.hash}
        where tenant_id = ${last.tenantId}${expected ? sql` and last_seq = ${expected.lastSeq} and last_hash = ${expected.lastHash}` : sql``}
        returning tenant_id)${alongWith ? sql`, along_with as (${alongWith})` : sql``},
      appended as (${jsonInsertSql(auditEvents, rows, { where: sql`exists (select 1 from move_head)`, returning: true })})
    select count(*)::int as n from appended`);
  const n = Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
  if (n !== 0 && n !== rows.length) throw new Error(`audit: ${n} of ${rows.length} rows appended`);
  return n === rows.length;
}

export async function chainHead(db: Executor, tenantId: string) {
  const [head] = await db.select().from(auditChainHeads).where(eq(auditChainHeads.tenantId, tenantId));
  return head ?? null;
}

/** Rows after a sequence number, in chain order (for the verifier's walk). */
export async function rowsAfter(db: Executor, tenantId: string, afterSeq: number, limit: number): Promise<AuditRow[]> {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.tenantId, tenantId), gt(auditEvents.seq, afterSeq)))
    .orderBy(asc(auditEvents.seq))
    .limit(limit);
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  objectId?: string;
}

export async function listRows(
  db: Executor,
  tenantId: string,
  filter: AuditFilter,
  offset: number,
  limit: number,
): Promise<{ rows: AuditRow[]; total: number }> {
  const conds: SQL[] = [eq(auditEvents.tenantId, tenantId)];
  if (filter.action) conds.push(ilike(auditEvents.action, `${escapeLike(filter.action)}%`));
  if (filter.actor) {
    const c = or(ilike(auditEvents.actorName, `%${escapeLike(filter.actor)}%`));
    if (c) conds.push(c);
  }
  if (filter.objectId) conds.push(eq(auditEvents.objectId, filter.objectId));
  const where = and(...conds);
  const [rows, [total]] = await Promise.all([
    db.select().from(auditEvents).where(where).orderBy(desc(auditEvents.seq)).offset(offset).limit(limit),
    db.select({ n: count() }).from(auditEvents).where(where),
  ]);
  return { rows, total: Number(total?.n ?? 0) };
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

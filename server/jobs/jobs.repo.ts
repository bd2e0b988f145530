import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { rowsOf } from '../db/client.ts';
import { jobs } from '../db/schema.ts';

export type JobRow = typeof jobs.$inferSelect;

export interface NewJob {
  tenantId: string;
  kind: string;
  payload?: Record<string, unknown>;
  runAt: Date;
  dedupeKey?: string;
  maxAttempts?: number;
}

/** Enqueue a job (in the caller's transaction when given one). With a dedupe key, a pending twin wins. */
export async function insertJob(db: Executor, job: NewJob, now: Date): Promise<string | null> {
  const id = randomUUID();
  const rows = await db
    .insert(jobs)
    .values({
      tenantId: job.tenantId,
      id,
      kind: job.kind,
      payload: job.payload ?? {},
      dedupeKey: job.dedupeKey ?? null,
      runAt: job.runAt,
      maxAttempts: job.maxAttempts ?? 5,
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: jobs.id });
  return rows[0]?.id ?? null;
}

/**
 * Claim up to `limit` due jobs for one worker. FOR UPDATE SKIP LOCKED lets several workers claim at
 * once without waiting on, or taking, each other's rows; a running job whose lease ran out is due again.
 */
export async function claimJobs(
  db: Executor,
  workerId: string,
  kinds: string[],
  limit: number,
  now: Date,
  leaseMs: number,
): Promise<JobRow[]> {
  if (kinds.length === 0) return [];
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const kindList = sql.join(
    kinds.map((k) => sql`${k}`),
    sql`, `,
  );
  const result = await db.execute(sql`
    update jobs set status = 'running', locked_by = ${workerId}, locked_until = ${leaseUntil},
                    attempts = attempts + 1
    where (tenant_id, id) in (
      select tenant_id, id from jobs
      where kind in (${kindList})
        and ((status = 'queued' and run_at <= ${now}) or (status = 'running' and locked_until < ${now}))
      order by run_at
      limit ${limit}
      for update skip locked
    )
    returning tenant_id as "tenantId", id, kind, payload, dedupe_key as "dedupeKey", status, run_at as "runAt",
              attempts, max_attempts as "maxAttempts", locked_by as "lockedBy", locked_until as "lockedUntil",
              last_error as "lastError", created_at as "createdAt", finished_at as "finishedAt"`);
  return rowsOf<JobRow>(result).map((r) => ({
    ...r,
    runAt: new Date(r.runAt),
    createdAt: new Date(r.createdAt),
    lockedUntil: r.lockedUntil ? new Date(r.lockedUntil) : null,
    finishedAt: null,
  }));
}

export async function completeJob(db: Executor, job: JobRow, workerId: string, now: Date): Promise<void> {
  await db
    .update(jobs)
    .set({ status: 'done', finishedAt: now, lockedBy: null, lockedUntil: null })
    .where(and(eq(jobs.tenantId, job.tenantId), eq(jobs.id, job.id), eq(jobs.lockedBy, workerId)));
}

/** Record a failure: retry later with backoff, or give up after maxAttempts. */
export async function failJob(
  db: Executor,
  job: JobRow,
  workerId: string,
  error: string,
  retryAt: Date | null,
  now: Date,
): Promise<void> {
  await db
    .update(jobs)
    .set(
      retryAt
        ? { status: 'queued', runAt: retryAt, lastError: error, lockedBy: null, lockedUntil: null }
        : { status: 'failed', finishedAt: now, lastError: error, lockedBy: null, lockedUntil: null },
    )
    .where(and(eq(jobs.tenantId, job.tenantId), eq(jobs.id, job.id), eq(jobs.lockedBy, workerId)));
}

export async function countByStatus(db: Executor): Promise<Record<string, number>> {
  const rows = rowsOf<{ status: string; n: number }>(
    await db.execute(sql`select status, count(*)::int as n from jobs group by status`),
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Remove finished jobs older than a cut-off. */
export async function purgeFinished(db: Executor, before: Date): Promise<number> {
  const r = await db.execute(sql`delete from jobs where status in ('done','failed') and finished_at < ${before}`);
  return (
    (r as { rowCount?: number; affectedRows?: number }).rowCount ?? (r as { affectedRows?: number }).affectedRows ?? 0
  );
}

export async function listTenantIds(db: Executor): Promise<string[]> {
  const rows = rowsOf<{ tenant_id: string }>(await db.execute(sql`select tenant_id from tenants`));
  return rows.map((r) => r.tenant_id);
}

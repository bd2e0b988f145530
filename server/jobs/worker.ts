/**
 * The worker role: polls the jobs table, runs handlers, retries with backoff. Several workers (in one
 * or many processes) can run against one PostgreSQL; SKIP LOCKED ensures each job runs once.
 */
import { randomUUID } from 'node:crypto';
import type { Executor } from '../db/client.ts';
import type { Deps } from '../deps.ts';
import { jobsProcessed } from '../http/metrics.ts';
import * as repo from './jobs.repo.ts';

export type JobHandler = (job: repo.JobRow, deps: Deps) => Promise<void>;

export interface WorkerOptions {
  pollMs?: number;
  batch?: number;
  leaseMs?: number;
  id?: string;
}

/** Enqueue a job; pass the open transaction so the job exists if and only if the change commits. */
export function enqueueJob(db: Executor, job: repo.NewJob, now: Date): Promise<string | null> {
  return repo.insertJob(db, job, now);
}

export class Worker {
  readonly id: string;
  private readonly handlers = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private readonly pollMs: number;
  private readonly batch: number;
  private readonly leaseMs: number;

  constructor(
    private readonly deps: Deps,
    opts: WorkerOptions = {},
  ) {
    this.id = opts.id ?? `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.pollMs = opts.pollMs ?? 1000;
    this.batch = opts.batch ?? 10;
    this.leaseMs = opts.leaseMs ?? 5 * 60_000;
  }

  register(kind: string, handler: JobHandler): this {
    this.handlers.set(kind, handler);
    return this;
  }

  /** Claim and run one batch; returns how many jobs ran. Tests call this directly. */
  async runOnce(): Promise<number> {
    const { database, clock, log } = this.deps;
    const claimed = await repo.claimJobs(
      database.db,
      this.id,
      [...this.handlers.keys()],
      this.batch,
      clock.now(),
      this.leaseMs,
    );
    for (const job of claimed) {
      const handler = this.handlers.get(job.kind);
      try {
        if (!handler) throw new Error(`no handler for ${job.kind}`);
        await handler(job, this.deps);
        await repo.completeJob(database.db, job, this.id, clock.now());
        jobsProcessed.inc({ kind: job.kind, outcome: 'done' });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const retry = job.attempts < job.maxAttempts ? new Date(clock.now().getTime() + backoffMs(job.attempts)) : null;
        log.warn({ jobId: job.id, kind: job.kind, attempts: job.attempts, err: message }, 'job failed');
        await repo.failJob(database.db, job, this.id, message.slice(0, 2000), retry, clock.now());
        jobsProcessed.inc({ kind: job.kind, outcome: retry ? 'retry' : 'failed' });
      }
    }
    return claimed.length;
  }

  start(): void {
    this.stopped = false;
    const tick = async () => {
      if (this.stopped) return;
      this.running = (async () => {
        try {
          // Keep draining while there is work; then sleep.
          while (!this.stopped && (await this.runOnce()) === this.batch) {}
        } catch (err) {
          this.deps.log.error({ err }, 'worker poll failed');
        }
      })();
      await this.running;
      this.running = null;
      if (!this.stopped) this.timer = setTimeout(tick, this.pollMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stop polling and wait for the batch in hand to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.running) await this.running;
  }
}

/** 30 s, 2 min, 8 min, 32 min … capped at 6 h. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 4 ** Math.max(0, attempts - 1), 6 * 3_600_000);
}

/** The worker side of notifications: the fan-out and delivery jobs, and a start-up sweep per tenant. */
import type { Deps } from '../../deps.ts';
import { listTenantIds } from '../../jobs/jobs.repo.ts';
import type { Worker } from '../../jobs/worker.ts';
import { type DeliveryOptions, deliverDue } from './notifications.delivery.ts';
import { DELIVER_JOB, enqueueFanOut, FANOUT_JOB, fanOut, scheduleDelivery } from './notifications.outbox.ts';

export interface NotificationJobOptions {
  /** Timeout of each outbound HTTP request (default 10 s). */
  httpTimeoutMs?: number;
  /** Jitter source for retry delays (tests). */
  random?: () => number;
}

/**
 * Register the fan-out and delivery handlers, and enqueue one of each per tenant now: whatever a crash or
 * restart left (notifications not fanned out, deliveries queued or leased by a dead worker) is picked up.
 */
export async function registerNotificationJobs(
  worker: Worker,
  deps: Deps,
  opts: NotificationJobOptions = {},
): Promise<void> {
  const delivery: DeliveryOptions = { timeoutMs: opts.httpTimeoutMs ?? 10_000, random: opts.random };
  worker.register(FANOUT_JOB, async (job, d) => {
    await fanOut(d, job.tenantId);
  });
  worker.register(DELIVER_JOB, async (job, d) => {
    await deliverDue(d, job.tenantId, delivery);
  });
  const now = deps.clock.now();
  for (const tenantId of await listTenantIds(deps.database.db)) {
    await enqueueFanOut(deps.database.db, tenantId, now);
    await scheduleDelivery(deps.database.db, tenantId, now, now);
  }
}

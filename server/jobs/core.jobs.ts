/** Housekeeping jobs every deployment runs: purge ended sessions and old finished jobs, daily. */
import type { Deps } from '../deps.ts';
import { DAY, HOUR } from '../lib/clock.ts';
import { purgeEndedSessions } from '../modules/auth/index.ts';
import * as repo from './jobs.repo.ts';
import { listTenantIds } from './jobs.repo.ts';
import { enqueueJob, type Worker } from './worker.ts';

export const HOUSEKEEPING = 'core.housekeeping';

/** Register the core handlers and make sure the recurring housekeeping job is scheduled. */
export async function registerCoreJobs(worker: Worker, deps: Deps): Promise<void> {
  worker.register(HOUSEKEEPING, async (job, d) => {
    const sessions = await purgeEndedSessions(d);
    const jobs = await repo.purgeFinished(d.database.db, new Date(d.clock.now().getTime() - 7 * DAY));
    d.log.info({ sessions, jobs }, 'housekeeping');
    // Schedule the next run; the dedupe key keeps exactly one pending.
    await scheduleHousekeeping(d, job.tenantId, new Date(d.clock.now().getTime() + 6 * HOUR));
  });
  for (const tenantId of await listTenantIds(deps.database.db)) {
    await scheduleHousekeeping(deps, tenantId, deps.clock.now());
  }
}

function scheduleHousekeeping(deps: Deps, tenantId: string, runAt: Date) {
  return enqueueJob(
    deps.database.db,
    { tenantId, kind: HOUSEKEEPING, runAt, dedupeKey: `${HOUSEKEEPING}:next` },
    deps.clock.now(),
  );
}

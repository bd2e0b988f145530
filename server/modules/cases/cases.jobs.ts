/**
 * The deadline watch: a recurring worker job per tenant marks stages due soon and overdue, counts
 * overdue stages for evaluation, and issues supervision orders (督办单) escalating by level
 * (cases.states.ts ESCALATION). Time comes from deps.clock, so tests drive it with a ManualClock.
 */
import { randomUUID } from 'node:crypto';
import { CASE_STAGE_LABELS, REQUEST_KIND_LABELS, type TCaseStage } from '../../../common/cases.ts';
import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../deps.ts';
import { listTenantIds } from '../../jobs/jobs.repo.ts';
import { enqueueJob, type Worker } from '../../jobs/worker.ts';
import { MINUTE } from '../../lib/clock.ts';
import { recordAudit } from '../audit/index.ts';
import { deadlineFrom, loadWorkCalendar } from '../calendar/index.ts';
import { notify } from '../notifications/index.ts';
import * as repo from './cases.repo.ts';
import { yearIn } from './cases.service.ts';
import { ESCALATION } from './cases.states.ts';

export const DEADLINE_JOB = 'cases.deadlines';
export const DEADLINE_EVERY_MS = 5 * MINUTE;
const BATCH = 200;

const SYSTEM = (tenantId: string) => ({ tenantId, userId: null, username: 'system' });

/** Register the deadline watch and make sure one run is scheduled per tenant. */
export async function registerCaseJobs(worker: Worker, deps: Deps): Promise<void> {
  worker.register(DEADLINE_JOB, async (job, d) => {
    await runDeadlineWatch(d, job.tenantId);
    await schedule(d, job.tenantId, new Date(d.clock.now().getTime() + DEADLINE_EVERY_MS));
  });
  for (const tenantId of await listTenantIds(deps.database.db)) await schedule(deps, tenantId, deps.clock.now());
}

function schedule(deps: Deps, tenantId: string, runAt: Date) {
  return enqueueJob(
    deps.database.db,
    { tenantId, kind: DEADLINE_JOB, runAt, dedupeKey: `${DEADLINE_JOB}:next` },
    deps.clock.now(),
  );
}

export interface WatchResult {
  dueSoon: number;
  overdue: number;
  orders: number;
  /** Parked cases whose review date came (the HQ is reminded once per review date). */
  parkedReviews: number;
  /** Requests to the HQ left undecided past their decide-by time (escalated once to the leading group). */
  overdueRequests: number;
}

/** One pass over a tenant's open cases; each case is changed in its own transaction. */
export async function runDeadlineWatch(deps: Deps, tenantId: string): Promise<WatchResult> {
  const out: WatchResult = { dueSoon: 0, overdue: 0, orders: 0, parkedReviews: 0, overdueRequests: 0 };
  const now = deps.clock.now();
  const cal = await loadWorkCalendar(deps, tenantId);
  const leadingGroup = await repo.leadingGroupId(deps.database.db, tenantId);
  for (;;) {
    const batch = await repo.casesNeedingDeadlineWork(deps.database.db, tenantId, now, BATCH);
    let changed = 0;
    for (const candidate of batch) {
      const did = await deps.database.db.transaction(async (tx) => {
        const c = await repo.lockCase(tx, tenantId, candidate.id);
        if (!c?.dueAt || c.stage === 'none') return false;
        const stage = c.stage as TCaseStage;
        const stageLabel = CASE_STAGE_LABELS[stage];
        const patch: Partial<repo.CaseInsert> = {};
        const events: { note: string; data: Record<string, unknown> }[] = [];
        const notices: Parameters<typeof notify>[2][] = [];
        const base = { tenantId, caseId: c.id, link: `/cases/${c.id}` };
        // Register and dispatch are the HQ's stages; handling is the unit's; verification the HQ's again.
        const owner = stage === 'handle' ? c.unitId : c.hqId;

        if (c.dueAt <= now && c.dueState !== 'overdue') {
          patch.dueState = 'overdue';
          patch.overdueCount = c.overdueCount + 1;
          events.push({
            note: `${stageLabel}环节已超期`,
            data: { stage, state: 'overdue', dueAt: c.dueAt.toISOString() },
          });
          notices.push({
            ...base,
            event: 'overdue',
            unitId: owner,
            title: `案件超期 ${c.number}`,
            body: `${stageLabel}时限已过,请立即办理。`,
          });
          out.overdue++;
        } else if (
          c.dueState !== 'overdue' &&
          c.dueState !== 'due_soon' &&
          c.dueSoonAt &&
          c.dueSoonAt <= now &&
          c.dueAt > now
        ) {
          patch.dueState = 'due_soon';
          events.push({
            note: `${stageLabel}环节即将超期`,
            data: { stage, state: 'due_soon', dueAt: c.dueAt.toISOString() },
          });
          notices.push({
            ...base,
            event: 'due_soon',
            unitId: owner,
            title: `案件即将超期 ${c.number}`,
            body: `${stageLabel}时限:${c.dueAt.toISOString()}`,
          });
          out.dueSoon++;
        }

        // Escalation: the highest level whose delay after the deadline has passed.
        const overdueNow = (patch.dueState ?? c.dueState) === 'overdue';
        let level = c.escalationLevel;
        if (overdueNow) {
          for (const e of ESCALATION) {
            if (e.level <= level) continue;
            const at = e.after.value === 0 ? c.dueAt : deadlineFrom(c.dueAt, e.after, cal);
            if (at > now) break;
            const year = yearIn(now, deps.config.TZ);
            const seq = await repo.nextNumber(tx, tenantId, 'supervision_order', year);
            const copied = e.copyTo
              .map((w) => (w === 'unit' ? c.unitId : w === 'hq' ? c.hqId : leadingGroup))
              .filter((x): x is string => !!x);
            const number = `督办〔${year}〕${String(seq).padStart(4, '0')}号`;
            const issued = await repo.insertSupervisionOrder(tx, {
              tenantId,
              id: randomUUID(),
              caseId: c.id,
              year,
              seq,
              number,
              level: e.level,
              reason: `${stageLabel}环节超期`,
              toUnitId: owner,
              copiedTo: copied,
              stage,
              stageDueAt: c.dueAt,
              issuedAt: now,
            });
            level = e.level;
            if (!issued) continue;
            out.orders++;
            events.push({
              note: `${e.level} 级督办:${number}`,
              data: { stage, supervisionOrder: number, level: e.level },
            });
            for (const unitId of copied) {
              notices.push({
                ...base,
                event: 'supervision_order',
                unitId,
                title: `${e.level} 级督办 ${number}`,
                body: `案件 ${c.number} ${stageLabel}环节超期,请限时办结并反馈。`,
              });
            }
          }
          if (level !== c.escalationLevel) patch.escalationLevel = level;
        }
        if (Object.keys(patch).length === 0) return false;
        await repo.updateCase(tx, tenantId, c.id, c.version, { ...patch, updatedAt: now });
        for (const e of events) {
          await repo.appendEvent(tx, {
            tenantId,
            caseId: c.id,
            at: now,
            actorId: null,
            actorName: '系统',
            kind: 'deadline',
            note: e.note,
            data: e.data,
          });
        }
        await recordAudit(tx, deps.clock, SYSTEM(tenantId), {
          action: 'cases.deadline',
          objectType: 'case',
          objectId: c.id,
          details: { stage, ...patch },
        });
        for (const n of notices) await notify(tx, deps, n);
        return true;
      });
      if (did) changed++;
    }
    // A full batch may have more behind it; a batch where nothing changed means the rest is waiting on time.
    if (batch.length < BATCH || changed === 0) break;
  }
  out.parkedReviews = await remindParkedReviews(deps, tenantId, now);
  out.overdueRequests = await escalateUndecidedRequests(deps, tenantId, now, leadingGroup);
  return out;
}

/** A timeline event, an audit event and notices for one case, in the caller's transaction. */
async function systemNote(
  tx: Tx,
  deps: Deps,
  c: repo.CaseRow,
  note: { text: string; data: Record<string, unknown>; action: string },
  notices: Parameters<typeof notify>[2][],
): Promise<void> {
  const now = deps.clock.now();
  await repo.appendEvent(tx, {
    tenantId: c.tenantId,
    caseId: c.id,
    at: now,
    actorId: null,
    actorName: '系统',
    kind: 'deadline',
    note: note.text,
    data: note.data,
  });
  await recordAudit(tx, deps.clock, SYSTEM(c.tenantId), {
    action: note.action,
    objectType: 'case',
    objectId: c.id,
    details: note.data,
  });
  for (const n of notices) await notify(tx, deps, n);
}

/** 挂账 is not forgetting: when a parked case's review date comes, its HQ is told to look again. */
async function remindParkedReviews(deps: Deps, tenantId: string, now: Date): Promise<number> {
  let done = 0;
  for (const { id } of await repo.parkedDue(deps.database.db, tenantId, now, BATCH)) {
    const did = await deps.database.db.transaction(async (tx) => {
      const c = await repo.lockCase(tx, tenantId, id);
      if (c?.status !== 'parked' || !c.parkedUntil || c.parkedUntil > now) return false;
      const parkedUntil = c.parkedUntil.toISOString();
      await systemNote(
        tx,
        deps,
        c,
        {
          text: '挂账复查日期已到,请指挥部复查:恢复办理或继续挂账',
          data: { state: 'parked_review', parkedUntil },
          action: 'cases.parked_review',
        },
        [
          {
            tenantId,
            caseId: c.id,
            link: `/cases/${c.id}`,
            event: 'parked_review',
            unitId: c.hqId,
            title: `挂账案件到期复查 ${c.number}`,
            body: `案件 ${c.number} 挂账复查日期已到,请复查后恢复办理或说明继续挂账的理由。`,
          },
        ],
      );
      return true;
    });
    if (did) done++;
  }
  return done;
}

/** A request the HQ leaves undecided past its time limit goes up to the leading group (推诿 has a clock too). */
async function escalateUndecidedRequests(
  deps: Deps,
  tenantId: string,
  now: Date,
  leadingGroup: string | null,
): Promise<number> {
  let done = 0;
  for (const r of await repo.requestsPastDecideBy(deps.database.db, tenantId, now, BATCH)) {
    const did = await deps.database.db.transaction(async (tx) => {
      const c = await repo.lockCase(tx, tenantId, r.caseId);
      if (!c || c.pendingRequest !== r.kind) return false;
      const label = REQUEST_KIND_LABELS[r.kind as keyof typeof REQUEST_KIND_LABELS] ?? r.kind;
      const recipients = [c.hqId, leadingGroup].filter((x): x is string => !!x);
      await systemNote(
        tx,
        deps,
        c,
        {
          text: `${label}申请逾期未裁定,已报领导小组`,
          data: {
            state: 'request_overdue',
            requestId: r.id,
            kind: r.kind,
            decideBy: r.decideBy?.toISOString() ?? null,
          },
          action: 'cases.request_overdue',
        },
        recipients.map((unitId) => ({
          tenantId,
          caseId: c.id,
          link: `/cases/${c.id}`,
          event: 'request_overdue' as const,
          unitId,
          title: `${label}申请逾期未裁定 ${c.number}`,
          body: `案件 ${c.number} 的${label}申请已超过裁定时限,请指挥部立即裁定。`,
        })),
      );
      return true;
    });
    if (did) done++;
  }
  return done;
}

/**
 * Worker jobs of the sensors module (time from deps.clock):
 * - sensors.offline (every minute per tenant): an enabled monitor silent for longer than interval × 3 is
 *   marked offline (offline_since = last frame + interval × 3) with an offline alert (warning); once it has
 *   been offline for SENSOR_OFFLINE_CASE_AFTER_MINUTES the alert becomes an alarm and its site gets a case.
 *   A frame from the device clears the alert (ingest).
 * - sensors.case (queued with each alarm alert, one pending per site): the site's alarm alerts that no case
 *   knows yet join the site's open sensor case (a timeline note) or open a new 工地扬尘 (E0302) case
 *   reported by the `sensor-gateway` account. The new case's id is a UUID v5 of the site and its first
 *   alert, so two workers racing for one site end up with one case.
 * - sensors.retention (every 6 hours per tenant): raw frames older than SENSOR_FRAME_RETENTION_DAYS go (per
 *   device along the frames' primary key); the readings parsed from them (sensor_values) stay.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { TCreateCase } from '../../../common/cases.ts';
import type { Deps } from '../../deps.ts';
import { listTenantIds } from '../../jobs/jobs.repo.ts';
import { enqueueJob, type Worker } from '../../jobs/worker.ts';
import { DAY, HOUR, MINUTE } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { createCase } from '../cases/index.ts';
import { POLLUTANTS } from './hj212/index.ts';
import * as repo from './sensors.ingest.repo.ts';
import { appendSensorNote, CASE_JOB, GATEWAY_USERNAME, scheduleCaseWork } from './sensors.ingest.ts';
import { sensorGatewayActor } from './sensors.service-actor.ts';

export const OFFLINE_JOB = 'sensors.offline';
export const RETENTION_JOB = 'sensors.retention';
export { CASE_JOB };
/** A monitor is offline after this many of its reporting intervals without an accepted frame. */
export const OFFLINE_GRACE_INTERVALS = 3;
export const OFFLINE_EVERY_MS = MINUTE;
export const RETENTION_EVERY_MS = 6 * HOUR;
/** 工地扬尘 under 施工管理. */
export const DUST_CATEGORY = 'E0302';
const RETENTION_CHUNK = 10_000;

const gateway = (tenantId: string) => ({ tenantId, userId: null, username: GATEWAY_USERNAME });

/** Register the sensor jobs and schedule the recurring ones per tenant. */
export async function registerSensorJobs(worker: Worker, deps: Deps): Promise<void> {
  worker.register(OFFLINE_JOB, async (job, d) => {
    await runSensorOfflineCheck(d, job.tenantId);
    await schedule(d, job.tenantId, OFFLINE_JOB, new Date(d.clock.now().getTime() + OFFLINE_EVERY_MS));
  });
  worker.register(RETENTION_JOB, async (job, d) => {
    await runFrameRetention(d, job.tenantId);
    await schedule(d, job.tenantId, RETENTION_JOB, new Date(d.clock.now().getTime() + RETENTION_EVERY_MS));
  });
  worker.register(CASE_JOB, async (job, d) => {
    const siteId = typeof job.payload.siteId === 'string' ? job.payload.siteId : null;
    if (siteId) await runSensorCaseWork(d, job.tenantId, siteId);
  });
  for (const tenantId of await listTenantIds(deps.database.db)) {
    await schedule(deps, tenantId, OFFLINE_JOB, deps.clock.now());
    await schedule(deps, tenantId, RETENTION_JOB, deps.clock.now());
  }
}

function schedule(deps: Deps, tenantId: string, kind: string, runAt: Date) {
  return enqueueJob(deps.database.db, { tenantId, kind, runAt, dedupeKey: `${kind}:next` }, deps.clock.now());
}

function when(d: Date | string, timeZone: string): string {
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(d));
}

export interface OfflineResult {
  /** MNs marked offline in this run. */
  markedOffline: string[];
  /** MNs whose offline alert became an alarm (their site gets a case). */
  escalated: string[];
}

/** Mark silent monitors offline and escalate long offline ones (see the file comment). */
export async function runSensorOfflineCheck(deps: Deps, tenantId: string): Promise<OfflineResult> {
  const now = deps.clock.now();
  const out: OfflineResult = { markedOffline: [], escalated: [] };
  await deps.database.db.transaction(async (tx) => {
    const marks = await repo.markSilentDevicesOffline(tx, tenantId, now, OFFLINE_GRACE_INTERVALS);
    for (const m of marks) {
      const id = randomUUID();
      const since = new Date(m.offline_since);
      await repo.insertAlerts(tx, [
        {
          tenantId,
          id,
          siteId: m.site_id,
          deviceId: m.id,
          kind: 'offline',
          level: 'warning',
          startedAt: since,
          lastAt: since,
          createdAt: now,
        },
      ]);
      await recordAudit(tx, deps.clock, gateway(tenantId), {
        action: 'sensors.device.offline',
        objectType: 'sensor_device',
        objectId: m.id,
        details: { mn: m.mn, lastFrameAt: new Date(m.last_frame_at).toISOString(), alertId: id },
      });
      out.markedOffline.push(m.mn);
    }
  });
  const limitMs = deps.config.SENSOR_OFFLINE_CASE_AFTER_MINUTES * MINUTE;
  const due = await repo.offlineAlertsToEscalate(deps.database.db, tenantId, new Date(now.getTime() - limitMs));
  for (const a of due) {
    await deps.database.db.transaction(async (tx) => {
      await repo.updateAlert(tx, tenantId, a.id, { level: 'alarm', lastAt: now });
      await recordAudit(tx, deps.clock, gateway(tenantId), {
        action: 'sensors.alert.escalate',
        objectType: 'sensor_alert',
        objectId: a.id,
        details: { mn: a.mn, kind: 'offline', offlineSince: new Date(a.offline_since).toISOString() },
      });
      if (a.site_id) await scheduleCaseWork(tx, deps, tenantId, a.site_id);
    });
    out.escalated.push(a.mn);
  }
  return out;
}

/** Delete raw frames past the retention period, in chunks; returns how many went. */
export async function runFrameRetention(deps: Deps, tenantId: string): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - deps.config.SENSOR_FRAME_RETENTION_DAYS * DAY);
  let total = 0;
  for (;;) {
    const n = await repo.deleteFramesBefore(deps.database.db, tenantId, before, RETENTION_CHUNK);
    total += n;
    if (n < RETENTION_CHUNK) break;
  }
  if (total > 0)
    deps.log.info({ tenantId, frames: total, before: before.toISOString() }, 'sensor frames past retention deleted');
  return total;
}

/** UUID version 5 (SHA-1) of a name in this module's namespace. */
export function sensorUuid(name: string): string {
  const h = createHash('sha1')
    .update(Buffer.from('3b0f6a52c1d94e0b8f7a2d6c5e4b1a90', 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

type Unlinked = Awaited<ReturnType<typeof repo.unlinkedAlarmAlerts>>[number];

function describeAlert(u: Unlinked, timeZone: string): string {
  const a = u.alert;
  if (a.kind === 'offline') {
    return `监测设备 ${u.mn}(${u.deviceName})自 ${when(a.startedAt, timeZone)} 起离线,未上报监测数据`;
  }
  const p = a.pollutant ? POLLUTANTS[a.pollutant] : undefined;
  const name = p?.zh ?? a.pollutant ?? '监测值';
  const unit = p?.unit ?? '';
  const value = a.value === null ? '—' : String(Math.round(a.value * 10) / 10);
  return `监测设备 ${u.mn} 的${name}为 ${value} ${unit},超过报警限值 ${a.limit ?? '—'} ${unit}(${when(a.startedAt, timeZone)} 起)`;
}

export interface CaseWorkResult {
  caseId: string | null;
  created: boolean;
  linked: number;
}

/**
 * Give a site's unlinked alarm alerts a case: join the site's open sensor case with a timeline note, or open
 * a new 工地扬尘 case. Idempotent; safe to run concurrently for one site.
 */
export async function runSensorCaseWork(deps: Deps, tenantId: string, siteId: string): Promise<CaseWorkResult> {
  const db = deps.database.db;
  const tz = deps.config.TZ;
  const site = await repo.siteById(db, tenantId, siteId);
  const unlinked = await repo.unlinkedAlarmAlerts(db, tenantId, siteId);
  if (!site || unlinked.length === 0) return { caseId: null, created: false, linked: 0 };
  const actor = await sensorGatewayActor(deps, tenantId);
  let caseId = await repo.openCaseOfSite(db, tenantId, siteId);
  let created = false;
  if (!caseId) {
    const first = unlinked[0] as Unlinked;
    caseId = sensorUuid(`${siteId}:${first.alert.id}`);
    const offline = unlinked.every((u) => u.alert.kind === 'offline');
    const lines = unlinked.map((u) => describeAlert(u, tz));
    const description = [
      `【${offline ? '监测设备离线' : '扬尘监测报警'}】${site.name}(工地编号 ${site.code},建设/施工单位 ${site.builder})`,
      `${lines.join(';')}。`,
      offline
        ? '请督促施工单位尽快恢复监测设备运行并说明原因。'
        : '请核查现场扬尘防治措施(覆盖、喷淋、冲洗等)落实情况并反馈。',
    ].join('');
    const input: TCreateCase = {
      id: caseId,
      source: 'sensor',
      category: DUST_CATEGORY,
      severity: 'normal',
      location: { lat: site.lat, lng: site.lng, crs: 'wgs84', address: site.address.slice(0, 200) },
      description: description.slice(0, 2000),
      photos: [],
      externalRef: `sensor-alert:${first.alert.id}`,
    };
    // The site's registered responsible unit answers for it, not wherever 工地扬尘 routes in general.
    const opts = site.unitId ? { assignTo: { unitId: site.unitId, why: `工地登记的责任单位(${site.code})` } } : {};
    try {
      await createCase(actor, deps, input, opts);
      created = true;
    } catch (err) {
      if (err instanceof AppError && err.code === 'UNPROCESSABLE') {
        // The gate lies outside every grid cell: file it by address (the category's lead unit takes it).
        try {
          await createCase(actor, deps, { ...input, location: { address: site.address.slice(0, 200) } }, opts);
          created = true;
        } catch (e2) {
          if (!(e2 instanceof AppError && e2.code === 'CONFLICT')) throw e2;
        }
      } else if (!(err instanceof AppError && err.code === 'CONFLICT')) throw err;
      // CONFLICT: another run made this very case (same id) already.
    }
  }
  const target = caseId;
  const linked = await db.transaction(async (tx) => {
    const mine: Unlinked[] = [];
    for (const u of unlinked) if (await repo.linkAlertToCase(tx, tenantId, u.alert.id, target)) mine.push(u);
    if (mine.length === 0) return 0;
    if (!created) {
      const seq = await appendSensorNote(tx, tenantId, target, {
        at: deps.clock.now(),
        actorId: actor.userId,
        actorName: actor.displayName,
        note: `【监测报警续报】${site.name}:${mine.map((u) => describeAlert(u, tz)).join(';')}。`,
        data: { source: 'sensor', event: 'alarm', alerts: mine.map((u) => u.alert.id) },
      });
      if (seq === null) throw new Error('the site case closed meanwhile; retry opens a new one');
    }
    await recordAudit(tx, deps.clock, actor, {
      action: 'sensors.alert.case',
      objectType: 'case',
      objectId: target,
      details: { siteId, created, alerts: mine.map((u) => u.alert.id) },
    });
    return mine.length;
  });
  return { caseId: target, created, linked };
}

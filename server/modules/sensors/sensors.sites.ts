/**
 * The site side of dust control: the site registry with each site's live status, the monitor registry,
 * alerts and thresholds, reading series for charts, and the dust-control fee ledger (扬尘治理费) with its
 * warning list. Every change is one transaction with one audit event. Money is computed in fen as bigint.
 */

import { randomUUID } from 'node:crypto';
import {
  DEFAULT_SERIES_POLLUTANTS,
  displayYuan,
  FEE_MEASURES,
  FEE_WARNING_DAYS,
  FEE_WARNING_SPENT_PERCENT,
  formatFen,
  parseFen,
  SERIES_MAX_POINTS,
  type TAlertKind,
  type TAlertLevel,
  type TAlertListQuery,
  type TCreateDevice,
  type TCreateFeeEntry,
  type TCreateSite,
  type TCreateThreshold,
  type TDeviceListQuery,
  type TDeviceState,
  type TFeeAccount,
  type TFeeAccountRow,
  type TFeeAccountsQuery,
  type TFeeEntry,
  type TFeeKind,
  type TFeeMeasure,
  type TFeeTotals,
  type TFeeWarnings,
  type TLiveStatus,
  type TNoMonitorReason,
  type TPatchDevice,
  type TPatchSite,
  type TPatchThreshold,
  type TSensorAlert,
  type TSensorDevice,
  type TSeries,
  type TSeriesBucket,
  type TSeriesQuery,
  type TSite,
  type TSiteDetail,
  type TSiteListQuery,
  type TSitePoint,
  type TSiteStatus,
  type TSiteType,
  type TSiteWithoutMonitor,
  type TThreshold,
} from '../../../common/sensors.ts';
import { sqlState } from '../../db/errors.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { type Crs, geometryProblems, geometryToWgs84, type PolygonGeometry, toWgs84 } from '../../lib/geo.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import { locatePoint } from '../grids/index.ts';
import { mediaByIds, storageFor } from '../media/index.ts';
import { POLLUTANTS } from './hj212/index.ts';
import { invalidateSensorCaches } from './sensors.ingest.ts';
import { canSeeSite, scopePaths } from './sensors.policy.ts';
import { effectiveThresholds, type RuleKind } from './sensors.rules.ts';
import * as repo from './sensors.sites.repo.ts';

const DAY_MS = 86_400_000;

// ---- Helpers ----

const issue = (field: string, message: string) => new AppError('VALIDATION_FAILED', message, [{ field, message }]);
const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

/** 'YYYY-MM-DD' of an instant in a zone. */
function localDate(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** The zone's offset from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(at)
      .map((x) => [x.type, Number(x.value)]),
  ) as Record<string, number>;
  const asUtc = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

const pollutantInfo = (code: string) => POLLUTANTS[code] ?? null;

/**
 * After a committed change, make the running HJ 212 ingest of this process re-read these monitors (it caches
 * each MN's device with its site for 30 s, misses too). Also drops the tenant's cached thresholds: the
 * narrowest the ingest offers — without a tenant it would drop every tenant's.
 */
function forgetMonitors(tenantId: string, mns: Iterable<string>): void {
  for (const mn of new Set(mns)) invalidateSensorCaches({ mn, tenantId });
}

// ---- Sites: mapping ----

function liveOf(r: repo.SiteWithRefs, pm10: { value: number; at: Date } | undefined): TSite['live'] {
  return {
    status: r.liveStatus as TLiveStatus,
    devices: r.devices,
    onlineDevices: r.onlineDevices,
    openAlerts: r.openAlerts,
    latestPm10: pm10 ? { value: pm10.value, at: pm10.at.toISOString() } : null,
  };
}

function toSite(r: repo.SiteWithRefs, pm10: { value: number; at: Date } | undefined): TSite {
  const s = r.site;
  return {
    id: s.id,
    code: s.code,
    name: s.name,
    siteType: s.siteType as TSiteType,
    address: s.address,
    lat: s.lat,
    lng: s.lng,
    outline: s.outline ?? null,
    gridId: s.gridId,
    gridName: r.gridName,
    builder: s.builder,
    builderContact: s.builderContact,
    builderPhone: s.builderPhone,
    unitId: s.unitId,
    unitName: r.unitName,
    permitNo: s.permitNo,
    permitFrom: s.permitFrom,
    permitTo: s.permitTo,
    status: s.status as TSiteStatus,
    monitorRequired: s.monitorRequired,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    live: liveOf(r, pm10),
  };
}

const PM10 = 'a34002';

async function visibleSite(actor: Actor, deps: Deps, id: string): Promise<repo.SiteWithRefs> {
  const r = await repo.getSite(deps.database.db, actor.tenantId, id);
  if (!r || !canSeeSite(actor, r.unitPath)) throw notFound('工地');
  return r;
}

// ---- Sites: reading ----

/** One site with its live status, the latest PM10 and the cases its alerts opened (sensors.read; 404 outside scope). */
export async function getSite(actor: Actor, deps: Deps, id: string): Promise<TSiteDetail> {
  const r = await visibleSite(actor, deps, id);
  const db = deps.database.db;
  const [pm10, linked] = await Promise.all([
    repo.latestValueBySite(db, actor.tenantId, [id], PM10),
    repo.casesOfSite(db, actor.tenantId, id),
  ]);
  return { ...toSite(r, pm10.get(id)), cases: linked };
}

/** Sites whose responsible unit is in the caller's scope, most urgent live status first (sensors.read). */
export async function listSites(actor: Actor, deps: Deps, q: TSiteListQuery) {
  const db = deps.database.db;
  let unitPath: string | undefined;
  if (q.unitId) {
    const u = await repo.unitById(db, actor.tenantId, q.unitId);
    if (!u) throw issue('querystring.unitId', '单位不存在');
    unitPath = u.path;
  }
  const { rows, total } = await repo.listSites(
    db,
    actor.tenantId,
    scopePaths(actor),
    { siteType: q.type, liveStatus: q.status, siteStatus: q.siteStatus, unitPath, q: q.q },
    (q.page - 1) * q.pageSize,
    q.pageSize,
  );
  const pm10 = await repo.latestValueBySite(
    db,
    actor.tenantId,
    rows.map((r) => r.site.id),
    PM10,
  );
  return {
    items: rows.map((r) => toSite(r, pm10.get(r.site.id))),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** Every site in scope as a map point with its live status and latest PM10 (sensors.read). */
export async function sitePoints(actor: Actor, deps: Deps): Promise<{ items: TSitePoint[] }> {
  const db = deps.database.db;
  const rows = await repo.allSites(db, actor.tenantId, scopePaths(actor));
  const pm10 = await repo.latestValueBySite(
    db,
    actor.tenantId,
    rows.map((r) => r.site.id),
    PM10,
  );
  return {
    items: rows.map((r) => ({
      id: r.site.id,
      code: r.site.code,
      name: r.site.name,
      siteType: r.site.siteType as TSiteType,
      status: r.site.status as TSiteStatus,
      builder: r.site.builder,
      unitName: r.unitName,
      lat: r.site.lat,
      lng: r.site.lng,
      live: liveOf(r, pm10.get(r.site.id)),
    })),
  };
}

/**
 * "督促各类工地安装空气检测设备": active sites that must run a monitor and have no working one — none
 * registered, every monitor never reported, or every monitor offline (sensors.read). 拆迁 and 市政 first.
 */
export async function sitesWithoutMonitor(
  actor: Actor,
  deps: Deps,
): Promise<{ items: TSiteWithoutMonitor[]; total: number }> {
  const rows = await repo.sitesWithoutWorkingMonitor(deps.database.db, actor.tenantId, scopePaths(actor));
  const items = rows.map((r): TSiteWithoutMonitor => {
    const reason: TNoMonitorReason =
      r.devices === 0 ? 'none' : r.never === r.devices ? 'never_reported' : 'all_offline';
    return {
      id: r.site.id,
      code: r.site.code,
      name: r.site.name,
      siteType: r.site.siteType as TSiteType,
      address: r.site.address,
      builder: r.site.builder,
      builderContact: r.site.builderContact,
      builderPhone: r.site.builderPhone,
      unitId: r.site.unitId,
      unitName: r.unitName,
      reason,
      devices: r.devices,
      lastFrameAt: iso(r.lastFrameAt),
      offlineSince: reason === 'all_offline' ? iso(r.offlineSince) : null,
    };
  });
  return { items, total: items.length };
}

// ---- Sites: writing ----

interface Place {
  lat: number;
  lng: number;
  outline: PolygonGeometry | null;
}

/** The gate and outline in WGS-84, with the outline's rings checked. */
function placeOf(lat: number, lng: number, outline: PolygonGeometry | null | undefined, crs: Crs): Place {
  const [wLng, wLat] = crs === 'wgs84' ? [lng, lat] : toWgs84(lng, lat, crs);
  let out: PolygonGeometry | null = null;
  if (outline) {
    const problems = geometryProblems(outline);
    if (problems.length > 0) {
      const details = problems.map((p) => ({ field: 'body.outline', message: `${p.where}: ${p.reason}` }));
      throw new AppError('VALIDATION_FAILED', `工地范围不合法:${details[0]?.message}`, details);
    }
    out = crs === 'wgs84' ? outline : geometryToWgs84(outline, crs);
  }
  return { lat: wLat, lng: wLng, outline: out };
}

function checkPermit(from: string | null | undefined, to: string | null | undefined): void {
  if (from && to && to < from) throw issue('body.permitTo', '许可截止日期不能早于开始日期');
}

async function codeFreeOrFail(deps: Deps, tenantId: string, code: string, exceptId?: string): Promise<void> {
  const other = await repo.findSiteByCode(deps.database.db, tenantId, code);
  if (other && other.id !== exceptId) {
    throw new AppError('CONFLICT', `工地编号 ${code} 已被「${other.name}」使用`, [
      { field: 'body.code', message: '编号已存在' },
    ]);
  }
}

function conflictOnDuplicate(e: unknown, field: string, message: string): never {
  if (sqlState(e) === '23505') throw new AppError('CONFLICT', message, [{ field, message }]);
  throw e;
}

/** The responsible unit: the one given (must be in scope), else the grid cell's owner; non-tenant callers need one in scope. */
async function responsibleUnit(
  actor: Actor,
  deps: Deps,
  given: string | null | undefined,
  fromGrid: string | null,
): Promise<repo.UnitRef | null> {
  const id = given ?? fromGrid;
  const u = id ? await repo.unitById(deps.database.db, actor.tenantId, id) : null;
  if (given && (!u || !canSeeSite(actor, u.path))) throw issue('body.unitId', '责任单位不存在或不在管辖范围内');
  if (!u || !canSeeSite(actor, u.path)) {
    if (actor.scope.kind === 'tenant') return u;
    throw issue('body.unitId', '请选择管辖范围内的责任单位');
  }
  return u;
}

/** Register a construction site (sensors.write): code unique (409), permit dates in order, unit in scope. */
export async function createSite(actor: Actor, deps: Deps, input: TCreateSite): Promise<TSiteDetail> {
  checkPermit(input.permitFrom, input.permitTo);
  const place = placeOf(input.lat, input.lng, input.outline as PolygonGeometry | null | undefined, input.crs);
  const cell = await locatePoint(deps, actor.tenantId, place.lng, place.lat);
  const unit = await responsibleUnit(actor, deps, input.unitId, cell?.unitId ?? null);
  await codeFreeOrFail(deps, actor.tenantId, input.code);
  const now = deps.clock.now();
  const id = randomUUID();
  try {
    await deps.database.db.transaction(async (tx) => {
      await repo.insertSite(tx, {
        tenantId: actor.tenantId,
        id,
        code: input.code,
        name: input.name,
        siteType: input.siteType,
        address: input.address,
        lat: place.lat,
        lng: place.lng,
        outline: place.outline,
        gridId: cell?.gridId ?? null,
        builder: input.builder,
        builderContact: input.builderContact,
        builderPhone: input.builderPhone,
        unitId: unit?.id ?? null,
        permitNo: input.permitNo,
        permitFrom: input.permitFrom ?? null,
        permitTo: input.permitTo ?? null,
        status: input.status,
        monitorRequired: input.monitorRequired,
        createdAt: now,
        updatedAt: now,
      });
      await recordAudit(tx, deps.clock, actor, {
        action: 'sensors.sites.create',
        objectType: 'construction_site',
        objectId: id,
        details: {
          code: input.code,
          name: input.name,
          siteType: input.siteType,
          unitId: unit?.id ?? null,
          gridId: cell?.gridId ?? null,
          monitorRequired: input.monitorRequired,
        },
      });
    });
  } catch (e) {
    conflictOnDuplicate(e, 'body.code', `工地编号 ${input.code} 已存在`);
  }
  // No cache of the ingest refers to a new site (monitors are attached afterwards): nothing to invalidate.
  return getSite(actor, deps, id);
}

const SITE_FIELDS = [
  'code',
  'name',
  'siteType',
  'address',
  'lat',
  'lng',
  'outline',
  'gridId',
  'builder',
  'builderContact',
  'builderPhone',
  'unitId',
  'permitNo',
  'permitFrom',
  'permitTo',
  'status',
  'monitorRequired',
] as const;

/** Change a site (sensors.write; 404 outside scope; a new unit must be in scope too). */
export async function patchSite(actor: Actor, deps: Deps, id: string, patch: TPatchSite): Promise<TSiteDetail> {
  const current = (await visibleSite(actor, deps, id)).site;
  const changes: Partial<repo.SiteRow> = {};
  const permitFrom = patch.permitFrom !== undefined ? patch.permitFrom : current.permitFrom;
  const permitTo = patch.permitTo !== undefined ? patch.permitTo : current.permitTo;
  checkPermit(permitFrom, permitTo);
  if (patch.permitFrom !== undefined) changes.permitFrom = patch.permitFrom ?? null;
  if (patch.permitTo !== undefined) changes.permitTo = patch.permitTo ?? null;
  const moved = patch.lat !== undefined || patch.lng !== undefined;
  if (moved && (patch.lat === undefined || patch.lng === undefined)) {
    throw issue(patch.lat === undefined ? 'body.lat' : 'body.lng', '修改位置时请同时提供经度和纬度');
  }
  if (moved || patch.outline !== undefined) {
    // `crs` applies to what the patch carries: the new gate and/or the new outline.
    const place = placeOf(
      patch.lat ?? 0,
      patch.lng ?? 0,
      (patch.outline ?? null) as PolygonGeometry | null,
      patch.crs ?? 'wgs84',
    );
    if (moved) {
      changes.lat = place.lat;
      changes.lng = place.lng;
      changes.gridId = (await locatePoint(deps, actor.tenantId, place.lng, place.lat))?.gridId ?? null;
    }
    if (patch.outline !== undefined) changes.outline = place.outline;
  }
  if (patch.unitId !== undefined) {
    if (patch.unitId === null) {
      if (actor.scope.kind !== 'tenant') throw issue('body.unitId', '请选择管辖范围内的责任单位');
      changes.unitId = null;
    } else {
      changes.unitId = (await responsibleUnit(actor, deps, patch.unitId, null))?.id ?? null;
    }
  }
  if (patch.code !== undefined) {
    await codeFreeOrFail(deps, actor.tenantId, patch.code, id);
    changes.code = patch.code;
  }
  for (const k of [
    'name',
    'siteType',
    'address',
    'builder',
    'builderContact',
    'builderPhone',
    'permitNo',
    'status',
    'monitorRequired',
  ] as const) {
    if (patch[k] !== undefined) (changes as Record<string, unknown>)[k] = patch[k];
  }
  const changed = SITE_FIELDS.filter(
    (k) => k in changes && JSON.stringify(changes[k] ?? null) !== JSON.stringify(current[k] ?? null),
  );
  if (changed.length === 0) return getSite(actor, deps, id);
  try {
    await deps.database.db.transaction(async (tx) => {
      const locked = await repo.lockSite(tx, actor.tenantId, id);
      if (!locked || !canSeeSite(actor, locked.unitPath)) throw notFound('工地');
      await repo.updateSite(tx, actor.tenantId, id, {
        ...Object.fromEntries(changed.map((k) => [k, changes[k]])),
        updatedAt: deps.clock.now(),
      });
      await recordAudit(tx, deps.clock, actor, {
        action: 'sensors.sites.update',
        objectType: 'construction_site',
        objectId: id,
        details: {
          changed,
          from: Object.fromEntries(changed.map((k) => [k, locked.site[k] ?? null])),
          to: Object.fromEntries(changed.map((k) => [k, changes[k] ?? null])),
        },
      });
    });
  } catch (e) {
    conflictOnDuplicate(e, 'body.code', `工地编号 ${patch.code} 已存在`);
  }
  // The ingest caches each monitor with its site (type, name, place): its monitors are re-read.
  const monitors = await repo.devicesOfSite(deps.database.db, actor.tenantId, id);
  forgetMonitors(
    actor.tenantId,
    monitors.map((m) => m.device.mn),
  );
  return getSite(actor, deps, id);
}

// ---- Devices ----

function toDevice(r: repo.DeviceWithRefs): TSensorDevice {
  const d = r.device;
  return {
    id: d.id,
    mn: d.mn,
    siteId: d.siteId,
    siteName: r.siteName,
    name: d.name,
    passwordSet: !!d.password,
    allowModbusCrc: d.allowModbusCrc,
    scale: d.scale,
    intervalSeconds: d.intervalSeconds,
    enabled: d.enabled,
    state: d.state as TDeviceState,
    lastFrameAt: iso(d.lastFrameAt),
    lastSeenAddress: d.lastSeenAddress,
    offlineSince: iso(d.offlineSince),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

/** Scale factors apply to codes of the HJ 212 table only. */
function checkScale(scale: Record<string, number> | undefined): void {
  if (!scale) return;
  const issues = Object.keys(scale)
    .filter((code) => !POLLUTANTS[code])
    .map((code) => ({
      field: `body.scale.${code}`,
      message: `未知的监测因子编码 ${code}(应为 HJ 212 编码,如 a34002)`,
    }));
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', issues.map((i) => i.message).join(';'), issues);
}

async function mnFreeOrFail(deps: Deps, tenantId: string, mn: string, exceptId?: string): Promise<void> {
  const other = await repo.findDeviceByMn(deps.database.db, tenantId, mn);
  if (other && other.id !== exceptId) {
    const where = other.siteName ? `「${other.siteName}」的设备「${other.name}」` : `设备「${other.name}」`;
    throw new AppError('CONFLICT', `MN 号 ${mn} 已被${where}使用,同一 MN 只能登记一次`, [
      { field: 'body.mn', message: 'MN 号已存在' },
    ]);
  }
}

/** A site a device may be attached to: existing and in scope (400 otherwise: it is a field of the body). */
async function siteForDevice(actor: Actor, deps: Deps, siteId: string): Promise<repo.SiteWithRefs> {
  const s = await repo.getSite(deps.database.db, actor.tenantId, siteId);
  if (!s || !canSeeSite(actor, s.unitPath)) throw issue('body.siteId', '工地不存在或不在管辖范围内');
  return s;
}

async function visibleDevice(actor: Actor, deps: Deps, id: string): Promise<repo.DeviceWithRefs> {
  const r = await repo.getDevice(deps.database.db, actor.tenantId, id);
  if (!r || !canSeeSite(actor, r.unitPath)) throw notFound('监测设备');
  return r;
}

/** The monitors of a site (sensors.read; 404 outside scope). */
export async function siteDevices(actor: Actor, deps: Deps, siteId: string): Promise<{ items: TSensorDevice[] }> {
  await visibleSite(actor, deps, siteId);
  const rows = await repo.devicesOfSite(deps.database.db, actor.tenantId, siteId);
  return { items: rows.map(toDevice) };
}

/** Monitors of sites in scope, filtered by state (offline ones longest-silent first) (sensors.read). */
export async function listDevices(actor: Actor, deps: Deps, q: TDeviceListQuery) {
  const { rows, total } = await repo.listDevices(
    deps.database.db,
    actor.tenantId,
    scopePaths(actor),
    { state: q.state, siteId: q.siteId, enabled: q.enabled, q: q.q },
    (q.page - 1) * q.pageSize,
    q.pageSize,
  );
  return { items: rows.map(toDevice), total, page: q.page, pageSize: q.pageSize };
}

/** Register a monitor (sensors.write): MN unique per tenant (409), scale codes from the HJ 212 table, site in scope. */
export async function createDevice(actor: Actor, deps: Deps, input: TCreateDevice): Promise<TSensorDevice> {
  checkScale(input.scale);
  const site = await siteForDevice(actor, deps, input.siteId);
  await mnFreeOrFail(deps, actor.tenantId, input.mn);
  const now = deps.clock.now();
  const id = randomUUID();
  try {
    await deps.database.db.transaction(async (tx) => {
      await repo.insertDevice(tx, {
        tenantId: actor.tenantId,
        id,
        mn: input.mn,
        siteId: site.site.id,
        name: input.name,
        password: input.password,
        allowModbusCrc: input.allowModbusCrc,
        scale: input.scale,
        intervalSeconds: input.intervalSeconds,
        enabled: input.enabled,
        state: 'never',
        createdAt: now,
        updatedAt: now,
      });
      await recordAudit(tx, deps.clock, actor, {
        action: 'sensors.devices.create',
        objectType: 'sensor_device',
        objectId: id,
        details: {
          mn: input.mn,
          siteId: site.site.id,
          name: input.name,
          passwordSet: !!input.password,
          scale: input.scale,
          intervalSeconds: input.intervalSeconds,
          enabled: input.enabled,
        },
      });
    });
  } catch (e) {
    conflictOnDuplicate(e, 'body.mn', `MN 号 ${input.mn} 已存在`);
  }
  // Frames of this MN before registration were strangers, and that miss is cached.
  forgetMonitors(actor.tenantId, [input.mn]);
  return toDevice(await visibleDevice(actor, deps, id));
}

const DEVICE_FIELDS = [
  'mn',
  'siteId',
  'name',
  'password',
  'allowModbusCrc',
  'scale',
  'intervalSeconds',
  'enabled',
] as const;

/** Change a monitor (sensors.write; 404 outside scope; a new site must be in scope). The PW is never audited. */
export async function patchDevice(actor: Actor, deps: Deps, id: string, patch: TPatchDevice): Promise<TSensorDevice> {
  const current = (await visibleDevice(actor, deps, id)).device;
  checkScale(patch.scale);
  if (patch.siteId !== undefined) await siteForDevice(actor, deps, patch.siteId);
  if (patch.mn !== undefined) await mnFreeOrFail(deps, actor.tenantId, patch.mn, id);
  const changes: Partial<repo.DeviceRow> = {};
  for (const k of DEVICE_FIELDS) if (patch[k] !== undefined) (changes as Record<string, unknown>)[k] = patch[k];
  const changed = DEVICE_FIELDS.filter(
    (k) => k in changes && JSON.stringify(changes[k] ?? null) !== JSON.stringify(current[k] ?? null),
  );
  if (changed.length === 0) return toDevice(await visibleDevice(actor, deps, id));
  const shown = (k: (typeof DEVICE_FIELDS)[number], v: unknown) => (k === 'password' ? (v ? '(已设置)' : null) : v);
  let oldMn = current.mn;
  try {
    await deps.database.db.transaction(async (tx) => {
      const locked = await repo.lockDevice(tx, actor.tenantId, id);
      if (!locked) throw notFound('监测设备');
      oldMn = locked.mn;
      await repo.updateDevice(tx, actor.tenantId, id, {
        ...Object.fromEntries(changed.map((k) => [k, changes[k]])),
        updatedAt: deps.clock.now(),
      });
      await recordAudit(tx, deps.clock, actor, {
        action: 'sensors.devices.update',
        objectType: 'sensor_device',
        objectId: id,
        details: {
          mn: changes.mn ?? locked.mn,
          changed,
          from: Object.fromEntries(changed.map((k) => [k, shown(k, locked[k] ?? null)])),
          to: Object.fromEntries(changed.map((k) => [k, shown(k, changes[k] ?? null)])),
        },
      });
    });
  } catch (e) {
    conflictOnDuplicate(e, 'body.mn', `MN 号 ${patch.mn} 已存在`);
  }
  // A new MN: the old one must stop resolving to this monitor, and the new one may be cached as a miss.
  forgetMonitors(actor.tenantId, [oldMn, changes.mn ?? oldMn]);
  return toDevice(await visibleDevice(actor, deps, id));
}

// ---- Series ----

const BUCKET_SECONDS: Record<TSeriesBucket, number> = { minute: 60, hour: 3600 };
const MAX_RANGE_DAYS = 366;
/** Up to this range the readings fill every step the aggregates lack; beyond it only the tail after the last aggregate. */
const FULL_FALLBACK_DAYS = 7;

/**
 * A site's readings over time per monitor and pollutant (sensors.read; 404 outside scope): from our
 * minute/hour aggregates, steps without an aggregate filled from the readings; at most SERIES_MAX_POINTS
 * points per series (wider steps otherwise); with the thresholds in force for the site's type (reference lines).
 */
export async function siteSeries(actor: Actor, deps: Deps, siteId: string, q: TSeriesQuery): Promise<TSeries> {
  const site = await visibleSite(actor, deps, siteId);
  const pollutants = q.pollutants
    ? [
        ...new Set(
          q.pollutants
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean),
        ),
      ]
    : DEFAULT_SERIES_POLLUTANTS;
  const unknown = pollutants.filter((p) => !POLLUTANTS[p]);
  if (unknown.length > 0) throw issue('querystring.pollutants', `未知的监测因子编码:${unknown.join('、')}`);
  if (pollutants.length === 0 || pollutants.length > 12)
    throw issue('querystring.pollutants', '请指定 1–12 个监测因子');
  const to = q.to ? new Date(q.to) : deps.clock.now();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - DAY_MS);
  const span = to.getTime() - from.getTime();
  if (span <= 0) throw issue('querystring.from', '开始时间必须早于结束时间');
  if (span > MAX_RANGE_DAYS * DAY_MS) throw issue('querystring.from', `时间范围最长 ${MAX_RANGE_DAYS} 天`);
  const bucket: TSeriesBucket = q.bucket ?? (span <= 25 * 3600_000 ? 'minute' : 'hour');
  const bucketSec = BUCKET_SECONDS[bucket];
  const stepSeconds = bucketSec * Math.max(1, Math.ceil(span / 1000 / bucketSec / SERIES_MAX_POINTS));
  // Steps start at local midnights (steps of several hours line up with the day).
  const origin = new Date(Date.UTC(2000, 0, 1) - zoneOffsetMs(to, deps.config.TZ));
  const db = deps.database.db;
  const devices = await repo.devicesOfSite(db, actor.tenantId, siteId);
  const range: repo.SeriesRange = {
    deviceIds: devices.map((d) => d.device.id),
    pollutants,
    from,
    to,
    stepSeconds,
    origin,
  };
  const agg = await repo.aggregatePoints(db, actor.tenantId, bucket, range);
  let readingsFrom = from;
  if (span > FULL_FALLBACK_DAYS * DAY_MS) {
    const last = await repo.lastAggregateAt(db, actor.tenantId, bucket, range);
    if (last && last > from) readingsFrom = last;
  }
  const raw = await repo.readingPoints(db, actor.tenantId, bucket, { ...range, from: readingsFrom });

  type Acc = { points: Map<number, [string, number, number, number]>; agg: number; rtd: number };
  const byPair = new Map<string, Acc>();
  const accOf = (deviceId: string, pollutant: string) => {
    const k = `${deviceId}|${pollutant}`;
    let a = byPair.get(k);
    if (!a) {
      a = { points: new Map(), agg: 0, rtd: 0 };
      byPair.set(k, a);
    }
    return a;
  };
  for (const p of agg) {
    const a = accOf(p.deviceId, p.pollutant);
    a.points.set(p.at.getTime(), [p.at.toISOString(), p.avg, p.min, p.max]);
    a.agg += 1;
  }
  for (const p of raw) {
    const a = accOf(p.deviceId, p.pollutant);
    if (a.points.has(p.at.getTime())) continue;
    a.points.set(p.at.getTime(), [p.at.toISOString(), p.avg, p.min, p.max]);
    a.rtd += 1;
  }
  const names = new Map(devices.map((d) => [d.device.id, d.device.name]));
  const series = [...byPair]
    .map(([k, a]) => {
      const [deviceId = '', pollutant = ''] = k.split('|');
      const info = pollutantInfo(pollutant);
      return {
        deviceId,
        deviceName: names.get(deviceId) ?? deviceId,
        pollutant,
        pollutantName: info?.zh ?? pollutant,
        unit: info?.unit ?? '',
        source: (a.rtd === 0 ? 'aggregate' : a.agg === 0 ? 'rtd' : 'mixed') as 'aggregate' | 'rtd' | 'mixed',
        points: [...a.points]
          .sort((x, y) => x[0] - y[0])
          .map(([, p]) => p)
          .slice(-SERIES_MAX_POINTS),
      };
    })
    .sort(
      (x, y) =>
        pollutants.indexOf(x.pollutant) - pollutants.indexOf(y.pollutant) || x.deviceName.localeCompare(y.deviceName),
    );
  // The rules engine's choice: a type's own threshold wins over the general one for the same key.
  const rows = await repo.thresholdsFor(db, actor.tenantId, site.site.siteType, pollutants);
  const chosen = new Set(
    effectiveThresholds(
      rows.map((t) => ({ ...t, rule: t.rule as RuleKind, level: t.level as TAlertLevel })),
      site.site.siteType,
    ).map((t) => t.id),
  );
  const thresholds = rows.filter((t) => chosen.has(t.id));
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    bucket,
    stepSeconds,
    series,
    thresholds: thresholds.map(toThreshold),
  };
}

// ---- Alerts ----

function toAlert(r: repo.AlertWithRefs): TSensorAlert {
  const a = r.alert;
  const info = a.pollutant ? pollutantInfo(a.pollutant) : null;
  return {
    id: a.id,
    siteId: a.siteId,
    siteName: r.siteName,
    siteCode: r.siteCode,
    deviceId: a.deviceId,
    deviceMn: r.deviceMn,
    deviceName: r.deviceName,
    kind: a.kind as TAlertKind,
    pollutant: a.pollutant,
    pollutantName: a.pollutant ? (info?.zh ?? a.pollutant) : null,
    unit: info?.unit ?? null,
    level: a.level as TAlertLevel,
    value: a.value,
    limit: a.limit,
    startedAt: a.startedAt.toISOString(),
    lastAt: a.lastAt.toISOString(),
    occurrences: a.occurrences,
    clearedAt: iso(a.clearedAt),
    open: a.clearedAt === null,
    caseId: a.caseId,
    caseNumber: r.caseNumber,
  };
}

/** Alerts of sites in scope, open first and newest first (sensors.read; a site filter outside scope: 404). */
export async function listAlerts(actor: Actor, deps: Deps, q: TAlertListQuery) {
  if (q.siteId) await visibleSite(actor, deps, q.siteId);
  const { rows, total } = await repo.listAlerts(
    deps.database.db,
    actor.tenantId,
    scopePaths(actor),
    { open: q.open, siteId: q.siteId, kind: q.kind, level: q.level },
    (q.page - 1) * q.pageSize,
    q.pageSize,
  );
  return { items: rows.map(toAlert), total, page: q.page, pageSize: q.pageSize };
}

// ---- Thresholds ----

function toThreshold(t: repo.ThresholdRow): TThreshold {
  const info = pollutantInfo(t.pollutant);
  return {
    id: t.id,
    siteType: (t.siteType as TSiteType | null) ?? null,
    pollutant: t.pollutant,
    pollutantName: info?.zh ?? t.pollutant,
    unit: info?.unit ?? '',
    rule: t.rule as TThreshold['rule'],
    limit: t.limit,
    consecutive: t.consecutive,
    level: t.level as TAlertLevel,
    enabled: t.enabled,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

/** The tenant's threshold rules (sensors.read): the same rules apply to every site of a type, in every scope. */
export async function listThresholds(actor: Actor, deps: Deps): Promise<{ items: TThreshold[] }> {
  return { items: (await repo.listThresholds(deps.database.db, actor.tenantId)).map(toThreshold) };
}

type ThresholdKey = Pick<repo.ThresholdRow, 'siteType' | 'pollutant' | 'rule' | 'level'>;

/** The same (site type, pollutant, rule, level) twice would make two alerts for one breach: 409. */
async function thresholdFreeOrFail(deps: Deps, tenantId: string, k: ThresholdKey, exceptId?: string): Promise<void> {
  const all = await repo.listThresholds(deps.database.db, tenantId);
  const same = all.find(
    (t) =>
      t.id !== exceptId &&
      (t.siteType ?? null) === (k.siteType ?? null) &&
      t.pollutant === k.pollutant &&
      t.rule === k.rule &&
      t.level === k.level,
  );
  if (same) {
    throw new AppError('CONFLICT', '已有相同工地类型、监测因子、规则和级别的阈值,请修改那一条', [
      { field: 'body.pollutant', message: '阈值已存在' },
    ]);
  }
}

function checkPollutant(code: string | undefined): void {
  if (code !== undefined && !POLLUTANTS[code]) throw issue('body.pollutant', `未知的监测因子编码 ${code}`);
}

/** Add a threshold rule (sensors.write). */
export async function createThreshold(actor: Actor, deps: Deps, input: TCreateThreshold): Promise<TThreshold> {
  checkPollutant(input.pollutant);
  await thresholdFreeOrFail(deps, actor.tenantId, input);
  const now = deps.clock.now();
  const id = randomUUID();
  await deps.database.db.transaction(async (tx) => {
    await repo.insertThreshold(tx, {
      tenantId: actor.tenantId,
      id,
      siteType: input.siteType,
      pollutant: input.pollutant,
      rule: input.rule,
      limit: input.limit,
      consecutive: input.consecutive,
      level: input.level,
      enabled: input.enabled,
      createdAt: now,
      updatedAt: now,
    });
    await recordAudit(tx, deps.clock, actor, {
      action: 'sensors.thresholds.create',
      objectType: 'sensor_threshold',
      objectId: id,
      details: { ...input },
    });
  });
  invalidateSensorCaches({ tenantId: actor.tenantId });
  const row = await repo.getThreshold(deps.database.db, actor.tenantId, id);
  return toThreshold(row as repo.ThresholdRow);
}

const THRESHOLD_FIELDS = ['siteType', 'pollutant', 'rule', 'limit', 'consecutive', 'level', 'enabled'] as const;

/** Change a threshold rule (sensors.write; 404 when not there). */
export async function patchThreshold(
  actor: Actor,
  deps: Deps,
  id: string,
  patch: TPatchThreshold,
): Promise<TThreshold> {
  const current = await repo.getThreshold(deps.database.db, actor.tenantId, id);
  if (!current) throw notFound('阈值');
  checkPollutant(patch.pollutant);
  const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
  const changed = THRESHOLD_FIELDS.filter((k) => patch[k] !== undefined && patch[k] !== current[k]);
  if (changed.length === 0) return toThreshold(current);
  await thresholdFreeOrFail(deps, actor.tenantId, next, id);
  await deps.database.db.transaction(async (tx) => {
    await repo.updateThreshold(tx, actor.tenantId, id, {
      ...Object.fromEntries(changed.map((k) => [k, patch[k]])),
      updatedAt: deps.clock.now(),
    });
    await recordAudit(tx, deps.clock, actor, {
      action: 'sensors.thresholds.update',
      objectType: 'sensor_threshold',
      objectId: id,
      details: {
        pollutant: next.pollutant,
        changed,
        from: Object.fromEntries(changed.map((k) => [k, current[k]])),
        to: Object.fromEntries(changed.map((k) => [k, patch[k]])),
      },
    });
  });
  invalidateSensorCaches({ tenantId: actor.tenantId });
  return toThreshold((await repo.getThreshold(deps.database.db, actor.tenantId, id)) as repo.ThresholdRow);
}

// ---- Dust-fee accounts ----

/** Exact decimal text from SQL (any length, ≤ 2 decimals) → fen. */
function fenOfText(s: string | null | undefined): bigint {
  if (!s) return 0n;
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s.trim());
  if (!m) throw new Error(`not a decimal: ${s}`);
  const frac = (m[3] ?? '').padEnd(2, '0');
  if (frac.length > 2 && /[1-9]/.test(frac.slice(2))) throw new Error(`more than two decimals: ${s}`);
  const fen = BigInt(m[2] ?? '0') * 100n + BigInt(frac.slice(0, 2));
  return m[1] === '-' ? -fen : fen;
}

interface Sums {
  assessed: bigint;
  adjustments: bigint;
  spent: bigint;
  byMeasure: Map<TFeeMeasure, bigint>;
}

function sumsBySite(rows: repo.FeeSumRow[]): Map<string, Sums> {
  const out = new Map<string, Sums>();
  for (const r of rows) {
    let s = out.get(r.siteId);
    if (!s) {
      s = { assessed: 0n, adjustments: 0n, spent: 0n, byMeasure: new Map() };
      out.set(r.siteId, s);
    }
    const v = fenOfText(r.total);
    if (r.kind === 'assessed') s.assessed += v;
    else if (r.kind === 'adjustment') s.adjustments += v;
    else if (r.kind === 'spent') {
      s.spent += v;
      const m = (r.measure ?? 'other') as TFeeMeasure;
      s.byMeasure.set(m, (s.byMeasure.get(m) ?? 0n) + v);
    }
  }
  return out;
}

const EMPTY_SUMS: Sums = { assessed: 0n, adjustments: 0n, spent: 0n, byMeasure: new Map() };

/** spent / net × 100 with one decimal, rounded half up (null when nothing is assessed). */
function percentText(spent: bigint, net: bigint): string | null {
  if (net <= 0n) return null;
  const tenths = (spent * 2000n + net) / (2n * net);
  return `${tenths / 10n}.${tenths % 10n}`;
}

function totalsOf(s: Sums): TFeeTotals {
  const net = s.assessed + s.adjustments;
  return {
    assessed: formatFen(s.assessed),
    adjustments: formatFen(s.adjustments),
    netAssessed: formatFen(net),
    spent: formatFen(s.spent),
    balance: formatFen(net - s.spent),
    spentPercent: percentText(s.spent, net),
    spentByMeasure: FEE_MEASURES.filter((m) => s.byMeasure.has(m)).map((m) => ({
      measure: m,
      amount: formatFen(s.byMeasure.get(m) ?? 0n),
    })),
  };
}

/**
 * The warning rule: breach alerts seen in the last FEE_WARNING_DAYS days, a balance left, and less than
 * FEE_WARNING_SPENT_PERCENT % of the net assessed fee spent (integer compare: spent × 100 < net × 50).
 */
function warningOf(
  s: Sums,
  breaches: { n: number; lastAt: Date } | undefined,
): { breaches: number; lastBreachAt: string | null; message: string } | null {
  const net = s.assessed + s.adjustments;
  const balance = net - s.spent;
  if (!breaches || breaches.n === 0) return null;
  if (balance <= 0n || s.spent * 100n >= net * BigInt(FEE_WARNING_SPENT_PERCENT)) return null;
  const pct = percentText(s.spent, net) ?? '0.0';
  return {
    breaches: breaches.n,
    lastBreachAt: breaches.lastAt.toISOString(),
    message: `近 ${FEE_WARNING_DAYS} 天超标报警 ${breaches.n} 次,扬尘治理费仅支出 ${pct}%,余额 ${displayYuan(formatFen(balance))} 元未用于扬尘措施`,
  };
}

const breachWindowStart = (deps: Deps) => new Date(deps.clock.now().getTime() - FEE_WARNING_DAYS * DAY_MS);

function toFeeEntry(r: { entry: repo.FeeEntryRow; createdByName: string | null; amount: string }): TFeeEntry {
  const e = r.entry;
  return {
    id: e.id,
    siteId: e.siteId,
    kind: e.kind as TFeeKind,
    measure: (e.measure as TFeeMeasure | null) ?? null,
    amount: formatFen(fenOfText(r.amount)),
    occurredOn: e.occurredOn,
    receiptNo: e.receiptNo,
    note: e.note,
    photos: e.photos,
    createdBy: e.createdBy,
    createdByName: r.createdByName,
    createdAt: e.createdAt.toISOString(),
  };
}

/** A site's fee ledger: entries, totals (exact), and the warning if it is on the list (sensors.read; 404 outside scope). */
export async function feeAccount(actor: Actor, deps: Deps, siteId: string): Promise<TFeeAccount> {
  await visibleSite(actor, deps, siteId);
  const db = deps.database.db;
  const [entries, sums, breaches] = await Promise.all([
    repo.feeEntriesOf(db, actor.tenantId, siteId),
    repo.feeSums(db, actor.tenantId, [siteId]),
    repo.breachesSince(db, actor.tenantId, breachWindowStart(deps), [siteId]),
  ]);
  const s = sumsBySite(sums).get(siteId) ?? EMPTY_SUMS;
  return { siteId, entries: entries.map(toFeeEntry), totals: totalsOf(s), warning: warningOf(s, breaches.get(siteId)) };
}

/**
 * Add a ledger entry (sensors.write; 404 outside scope): amounts as exact decimal strings (checked by the
 * schema), the date not in the future, photos existing media of the tenant.
 */
export async function addFeeEntry(
  actor: Actor,
  deps: Deps,
  siteId: string,
  input: TCreateFeeEntry,
): Promise<TFeeAccount> {
  const site = (await visibleSite(actor, deps, siteId)).site;
  const today = localDate(deps.clock.now(), deps.config.TZ);
  if (input.occurredOn > today) throw issue('body.occurredOn', '发生日期不能晚于今天');
  const photos = [...new Set(input.photos)];
  const found = new Set((await mediaByIds(deps.database.db, actor.tenantId, photos)).map((m) => m.id));
  const missing = photos.filter((id) => !found.has(id));
  if (missing.length > 0) {
    const details = missing.map((id) => ({
      field: `body.photos.${input.photos.indexOf(id)}`,
      message: `照片 ${id} 不存在`,
    }));
    throw new AppError('VALIDATION_FAILED', details.map((d) => d.message).join(';'), details);
  }
  const amount = formatFen(parseFen(input.amount));
  const id = randomUUID();
  await deps.database.db.transaction(async (tx) => {
    await repo.insertFeeEntry(tx, {
      tenantId: actor.tenantId,
      id,
      siteId,
      kind: input.kind,
      measure: input.kind === 'spent' ? (input.measure ?? null) : null,
      amount,
      occurredOn: input.occurredOn,
      note: input.note,
      receiptNo: input.receiptNo,
      photos,
      createdBy: actor.userId,
      createdAt: deps.clock.now(),
    });
    await recordAudit(tx, deps.clock, actor, {
      action: 'sensors.fees.create',
      objectType: 'dust_fee_entry',
      objectId: id,
      details: {
        siteId,
        siteCode: site.code,
        kind: input.kind,
        measure: input.measure ?? null,
        amount,
        occurredOn: input.occurredOn,
        receiptNo: input.receiptNo,
        photos: photos.length,
      },
    });
  });
  return feeAccount(actor, deps, siteId);
}

/**
 * A receipt photo of a site's fee entry, full size or thumbnail (sensors.read): readable by whoever sees
 * the site, which the media module's own rule (uploader, case viewers) does not cover.
 */
export async function feePhoto(
  actor: Actor,
  deps: Deps,
  siteId: string,
  mediaId: string,
  size: 'full' | 'thumb',
): Promise<{ bytes: Buffer; mime: string; etag: string }> {
  await visibleSite(actor, deps, siteId);
  const db = deps.database.db;
  if (!(await repo.feePhotoOfSite(db, actor.tenantId, siteId, mediaId))) throw notFound('照片');
  const [m] = await mediaByIds(db, actor.tenantId, [mediaId]);
  if (!m) throw notFound('照片');
  const bytes = await storageFor(deps).get(size === 'thumb' ? m.thumbKey : m.storageKey);
  if (!bytes) throw notFound('照片');
  return {
    bytes,
    mime: size === 'thumb' ? 'image/jpeg' : m.mime,
    etag: `"${m.sha256.slice(0, 32)}${size === 'thumb' ? '-t' : ''}"`,
  };
}

function accountRow(site: repo.FeeSiteRow, s: Sums, b: { n: number; lastAt: Date } | undefined): TFeeAccountRow {
  const { spentByMeasure: _omit, ...totals } = totalsOf(s);
  return {
    site: {
      id: site.id,
      code: site.code,
      name: site.name,
      siteType: site.siteType as TSiteType,
      status: site.status as TSiteStatus,
      builder: site.builder,
      unitName: site.unitName,
    },
    totals,
    breaches: b?.n ?? 0,
    lastBreachAt: b ? b.lastAt.toISOString() : null,
    warning: warningOf(s, b),
  };
}

/** Fee accounts of the sites in scope, by site code (sensors.read). */
export async function feeAccounts(actor: Actor, deps: Deps, q: TFeeAccountsQuery) {
  const db = deps.database.db;
  const { rows, total } = await repo.feeSites(
    db,
    actor.tenantId,
    scopePaths(actor),
    { q: q.q, siteType: q.type },
    (q.page - 1) * q.pageSize,
    q.pageSize,
  );
  const ids = rows.map((r) => r.id);
  const [sums, breaches] = await Promise.all([
    repo.feeSums(db, actor.tenantId, ids),
    repo.breachesSince(db, actor.tenantId, breachWindowStart(deps), ids),
  ]);
  const bySite = sumsBySite(sums);
  return {
    items: rows.map((r) => accountRow(r, bySite.get(r.id) ?? EMPTY_SUMS, breaches.get(r.id))),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/**
 * Sites with breaches and unspent fee (sensors.read): breach alerts in the last FEE_WARNING_DAYS days, a
 * positive balance, and less than FEE_WARNING_SPENT_PERCENT % of the net assessed fee spent. Most breaches first.
 */
export async function feeWarnings(actor: Actor, deps: Deps): Promise<TFeeWarnings> {
  const db = deps.database.db;
  const breaches = await repo.breachesSince(db, actor.tenantId, breachWindowStart(deps), null);
  const sites = await repo.feeSitesByIds(db, actor.tenantId, scopePaths(actor), [...breaches.keys()]);
  const bySite = sumsBySite(
    await repo.feeSums(
      db,
      actor.tenantId,
      sites.map((s) => s.id),
    ),
  );
  const items = sites
    .map((s) => accountRow(s, bySite.get(s.id) ?? EMPTY_SUMS, breaches.get(s.id)))
    .filter((r) => r.warning !== null)
    .sort(
      (a, b) =>
        b.breaches - a.breaches ||
        Number(fenOfText(b.totals.balance) - fenOfText(a.totals.balance)) ||
        a.site.code.localeCompare(b.site.code),
    );
  return { days: FEE_WARNING_DAYS, spentPercentBelow: FEE_WARNING_SPENT_PERCENT, items };
}

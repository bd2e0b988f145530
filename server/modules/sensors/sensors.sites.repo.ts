/**
 * All SQL of the site side of the sensors module: sites with their live status, devices, alerts,
 * thresholds, reading series and dust-fee ledgers. Money leaves the database as text (numeric → ::text),
 * never as a float.
 */
import { and, asc, count, desc, eq, gte, ilike, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import { type Executor, rowsOf, type Tx } from '../../db/client.ts';
import {
  cases,
  constructionSites,
  dustFeeEntries,
  gridCells,
  orgUnits,
  sensorAlerts,
  sensorDevices,
  sensorThresholds,
  users,
} from '../../db/schema.ts';
import { pgArray } from './sensors.ingest.repo.ts';

export type SiteRow = typeof constructionSites.$inferSelect;
export type DeviceRow = typeof sensorDevices.$inferSelect;
export type AlertRow = typeof sensorAlerts.$inferSelect;
export type ThresholdRow = typeof sensorThresholds.$inferSelect;
export type FeeEntryRow = typeof dustFeeEntries.$inferSelect;

/** A scope as SQL: null means the whole tenant; otherwise unit paths under one of the prefixes. */
export type PathFilter = string[] | null;

function pathCond(column: typeof orgUnits.path, paths: PathFilter): SQL | undefined {
  if (paths === null) return undefined;
  if (paths.length === 0) return sql`false`;
  return or(...paths.map((p) => sql`${column} like ${`${p}%`}`));
}

const likeOf = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const S = constructionSites;
const unitJoin = and(eq(orgUnits.tenantId, S.tenantId), eq(orgUnits.id, S.unitId));
const gridJoin = and(eq(gridCells.tenantId, S.tenantId), eq(gridCells.id, S.gridId));

// ---- Live status ----

/** Per site: enabled devices, how many online / never reported, the latest frame and the latest offline_since. */
function deviceStats(db: Executor, tenantId: string) {
  const d = sensorDevices;
  return db
    .select({
      siteId: d.siteId,
      devices: sql<number>`(count(*) filter (where ${d.enabled}))::int`.as('dv_devices'),
      online: sql<number>`(count(*) filter (where ${d.enabled} and ${d.state} = 'online'))::int`.as('dv_online'),
      never: sql<number>`(count(*) filter (where ${d.enabled} and ${d.state} = 'never'))::int`.as('dv_never'),
      lastFrameAt: sql<Date | string | null>`max(${d.lastFrameAt}) filter (where ${d.enabled})`.as('dv_last_frame'),
      offlineSince: sql<
        Date | string | null
      >`max(${d.offlineSince}) filter (where ${d.enabled} and ${d.state} = 'offline')`.as('dv_offline_since'),
    })
    .from(d)
    .where(and(eq(d.tenantId, tenantId), sql`${d.siteId} is not null`))
    .groupBy(d.siteId)
    .as('dv');
}

/** Per site: open alerts, and whether an open breach of level alarm / warning exists. */
function alertStats(db: Executor, tenantId: string) {
  const a = sensorAlerts;
  return db
    .select({
      siteId: a.siteId,
      open: sql<number>`count(*)::int`.as('al_open'),
      alarm: sql<boolean>`bool_or(${a.kind} = 'breach' and ${a.level} = 'alarm')`.as('al_alarm'),
      warning: sql<boolean>`bool_or(${a.kind} = 'breach' and ${a.level} = 'warning')`.as('al_warning'),
    })
    .from(a)
    .where(and(eq(a.tenantId, tenantId), isNull(a.clearedAt), sql`${a.siteId} is not null`))
    .groupBy(a.siteId)
    .as('al');
}

type DeviceStats = ReturnType<typeof deviceStats>;
type AlertStats = ReturnType<typeof alertStats>;

/** The live status rule (common/sensors.ts LIVE_STATUSES) as SQL over the two per-site summaries. */
function liveStatusExpr(dv: DeviceStats, al: AlertStats) {
  return sql<string>`case
    when coalesce(${dv.devices}, 0) = 0 then 'no_monitor'
    when coalesce(${al.alarm}, false) then 'alarm'
    when coalesce(${al.warning}, false) then 'warning'
    when coalesce(${dv.online}, 0) = 0 then 'offline'
    else 'ok' end`;
}

/** Severity order for lists: alarm first, ok last. */
function liveRankExpr(status: SQL) {
  return sql<number>`case ${status} when 'alarm' then 0 when 'warning' then 1 when 'offline' then 2 when 'no_monitor' then 3 else 4 end`;
}

export interface SiteWithRefs {
  site: SiteRow;
  unitName: string | null;
  unitPath: string | null;
  gridName: string | null;
  liveStatus: string;
  devices: number;
  onlineDevices: number;
  openAlerts: number;
}

function siteQuery(db: Executor, tenantId: string) {
  const dv = deviceStats(db, tenantId);
  const al = alertStats(db, tenantId);
  const status = liveStatusExpr(dv, al);
  const query = db
    .select({
      site: S,
      unitName: orgUnits.name,
      unitPath: orgUnits.path,
      gridName: gridCells.name,
      liveStatus: status,
      devices: sql<number>`coalesce(${dv.devices}, 0)`,
      onlineDevices: sql<number>`coalesce(${dv.online}, 0)`,
      openAlerts: sql<number>`coalesce(${al.open}, 0)`,
    })
    .from(S)
    .leftJoin(orgUnits, unitJoin)
    .leftJoin(gridCells, gridJoin)
    .leftJoin(dv, eq(dv.siteId, S.id))
    .leftJoin(al, eq(al.siteId, S.id));
  return { query, status, dv, al };
}

const toSiteWithRefs = (r: SiteWithRefs): SiteWithRefs => ({
  ...r,
  devices: Number(r.devices),
  onlineDevices: Number(r.onlineDevices),
  openAlerts: Number(r.openAlerts),
});

export async function getSite(db: Executor, tenantId: string, id: string): Promise<SiteWithRefs | null> {
  const { query } = siteQuery(db, tenantId);
  const [r] = await query.where(and(eq(S.tenantId, tenantId), eq(S.id, id)));
  return r ? toSiteWithRefs(r) : null;
}

export interface SiteFilter {
  siteType?: string;
  liveStatus?: string;
  siteStatus?: string;
  unitPath?: string;
  q?: string;
}

function siteFilterConds(tenantId: string, paths: PathFilter, f: SiteFilter, status: SQL): (SQL | undefined)[] {
  const conds: (SQL | undefined)[] = [eq(S.tenantId, tenantId), pathCond(orgUnits.path, paths)];
  if (f.siteType) conds.push(eq(S.siteType, f.siteType));
  if (f.siteStatus) conds.push(eq(S.status, f.siteStatus));
  if (f.liveStatus) conds.push(sql`${status} = ${f.liveStatus}`);
  if (f.unitPath) conds.push(sql`${orgUnits.path} like ${`${f.unitPath}%`}`);
  if (f.q) {
    const like = likeOf(f.q);
    conds.push(or(ilike(S.code, like), ilike(S.name, like), ilike(S.address, like), ilike(S.builder, like)));
  }
  return conds;
}

/** Sites in scope, most urgent live status first, then by code. */
export async function listSites(
  db: Executor,
  tenantId: string,
  paths: PathFilter,
  f: SiteFilter,
  offset: number,
  limit: number,
): Promise<{ rows: SiteWithRefs[]; total: number }> {
  const { query, status, dv, al } = siteQuery(db, tenantId);
  const where = and(...siteFilterConds(tenantId, paths, f, status));
  const [rows, [total]] = await Promise.all([
    query.where(where).orderBy(liveRankExpr(status), asc(S.code)).offset(offset).limit(limit),
    db
      .select({ n: count() })
      .from(S)
      .leftJoin(orgUnits, unitJoin)
      .leftJoin(dv, eq(dv.siteId, S.id))
      .leftJoin(al, eq(al.siteId, S.id))
      .where(where),
  ]);
  return { rows: rows.map(toSiteWithRefs), total: Number(total?.n ?? 0) };
}

/** Every site in scope (the map). */
export async function allSites(db: Executor, tenantId: string, paths: PathFilter): Promise<SiteWithRefs[]> {
  const { query } = siteQuery(db, tenantId);
  const rows = await query.where(and(eq(S.tenantId, tenantId), pathCond(orgUnits.path, paths))).orderBy(asc(S.code));
  return rows.map(toSiteWithRefs);
}

/**
 * The latest real-time value of one pollutant per site, over the sites' monitors (backwards along the primary
 * key of sensor_values per device: the first row holding the pollutant answers).
 */
export async function latestValueBySite(
  db: Executor,
  tenantId: string,
  siteIds: string[],
  pollutant: string,
): Promise<Map<string, { value: number; at: Date }>> {
  if (siteIds.length === 0) return new Map();
  const rows = rowsOf<{ site_id: string; value: number; at: Date | string }>(
    await db.execute(sql`
      select ${sensorDevices.siteId} as site_id, r.value, r.at
      from ${sensorDevices}
      cross join lateral (
        select (v.readings->${pollutant}->>0)::float8 as value, v.at from sensor_values v
        where v.tenant_id = ${sensorDevices.tenantId} and v.device_id = ${sensorDevices.id} and v.kind = 'rtd'
          and v.readings->${pollutant}->>0 is not null
        order by v.at desc limit 1
      ) r
      where ${sensorDevices.tenantId} = ${tenantId} and ${inArray(sensorDevices.siteId, siteIds)}`),
  );
  const out = new Map<string, { value: number; at: Date }>();
  for (const r of rows) {
    const at = new Date(r.at);
    const cur = out.get(r.site_id);
    if (!cur || cur.at < at) out.set(r.site_id, { value: Number(r.value), at });
  }
  return out;
}

export interface NoMonitorRow {
  site: SiteRow;
  unitName: string | null;
  devices: number;
  never: number;
  lastFrameAt: Date | string | null;
  offlineSince: Date | string | null;
}

/**
 * Active sites that must run a monitor and have no enabled monitor online: none registered, all never
 * reported, or all offline. Priority types (拆迁, 市政) first.
 */
export async function sitesWithoutWorkingMonitor(
  db: Executor,
  tenantId: string,
  paths: PathFilter,
): Promise<NoMonitorRow[]> {
  const dv = deviceStats(db, tenantId);
  const rows = await db
    .select({
      site: S,
      unitName: orgUnits.name,
      devices: sql<number>`coalesce(${dv.devices}, 0)`,
      never: sql<number>`coalesce(${dv.never}, 0)`,
      lastFrameAt: dv.lastFrameAt,
      offlineSince: dv.offlineSince,
    })
    .from(S)
    .leftJoin(orgUnits, unitJoin)
    .leftJoin(dv, eq(dv.siteId, S.id))
    .where(
      and(
        eq(S.tenantId, tenantId),
        pathCond(orgUnits.path, paths),
        eq(S.status, 'active'),
        eq(S.monitorRequired, true),
        sql`coalesce(${dv.online}, 0) = 0`,
      ),
    )
    .orderBy(
      sql`case ${S.siteType} when 'demolition' then 0 when 'municipal' then 1 else 2 end`,
      sql`coalesce(${dv.devices}, 0)`,
      asc(S.code),
    );
  return rows.map((r) => ({ ...r, devices: Number(r.devices), never: Number(r.never) }));
}

export async function findSiteByCode(db: Executor, tenantId: string, code: string) {
  const [r] = await db
    .select({ id: S.id, name: S.name })
    .from(S)
    .where(and(eq(S.tenantId, tenantId), eq(S.code, code)));
  return r ?? null;
}

export async function insertSite(tx: Tx, row: typeof constructionSites.$inferInsert): Promise<void> {
  await tx.insert(S).values(row);
}

export async function updateSite(tx: Tx, tenantId: string, id: string, patch: Partial<SiteRow>): Promise<void> {
  await tx
    .update(S)
    .set(patch)
    .where(and(eq(S.tenantId, tenantId), eq(S.id, id)));
}

/** The site row under a row lock, with its unit's path (for the scope check). */
export async function lockSite(tx: Tx, tenantId: string, id: string) {
  const [r] = await tx
    .select({ site: S, unitPath: orgUnits.path })
    .from(S)
    .leftJoin(orgUnits, unitJoin)
    .where(and(eq(S.tenantId, tenantId), eq(S.id, id)))
    .for('update', { of: S });
  return r ?? null;
}

export interface UnitRef {
  id: string;
  name: string;
  path: string;
}

export async function unitById(db: Executor, tenantId: string, id: string): Promise<UnitRef | null> {
  const [r] = await db
    .select({ id: orgUnits.id, name: orgUnits.name, path: orgUnits.path })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.id, id)));
  return r ?? null;
}

/** Cases opened or updated by a site's alerts. */
export async function casesOfSite(db: Executor, tenantId: string, siteId: string) {
  return db
    .selectDistinct({ id: cases.id, number: cases.number, status: cases.status })
    .from(sensorAlerts)
    .innerJoin(cases, and(eq(cases.tenantId, sensorAlerts.tenantId), eq(cases.id, sensorAlerts.caseId)))
    .where(and(eq(sensorAlerts.tenantId, tenantId), eq(sensorAlerts.siteId, siteId)))
    .orderBy(desc(cases.number));
}

// ---- Devices ----

export interface DeviceWithRefs {
  device: DeviceRow;
  siteName: string | null;
  unitPath: string | null;
}

const D = sensorDevices;

function deviceQuery(db: Executor) {
  return db
    .select({ device: D, siteName: S.name, unitPath: orgUnits.path })
    .from(D)
    .leftJoin(S, and(eq(S.tenantId, D.tenantId), eq(S.id, D.siteId)))
    .leftJoin(orgUnits, unitJoin);
}

export async function getDevice(db: Executor, tenantId: string, id: string): Promise<DeviceWithRefs | null> {
  const [r] = await deviceQuery(db).where(and(eq(D.tenantId, tenantId), eq(D.id, id)));
  return r ?? null;
}

export async function findDeviceByMn(db: Executor, tenantId: string, mn: string) {
  const [r] = await db
    .select({ id: D.id, name: D.name, siteName: S.name })
    .from(D)
    .leftJoin(S, and(eq(S.tenantId, D.tenantId), eq(S.id, D.siteId)))
    .where(and(eq(D.tenantId, tenantId), eq(D.mn, mn)));
  return r ?? null;
}

export async function devicesOfSite(db: Executor, tenantId: string, siteId: string): Promise<DeviceWithRefs[]> {
  return deviceQuery(db)
    .where(and(eq(D.tenantId, tenantId), eq(D.siteId, siteId)))
    .orderBy(asc(D.mn));
}

export interface DeviceFilter {
  state?: string;
  siteId?: string;
  enabled?: boolean;
  q?: string;
}

/** Devices whose site is in scope (devices without a site: tenant-wide callers only); offline longest first. */
export async function listDevices(
  db: Executor,
  tenantId: string,
  paths: PathFilter,
  f: DeviceFilter,
  offset: number,
  limit: number,
): Promise<{ rows: DeviceWithRefs[]; total: number }> {
  const conds: (SQL | undefined)[] = [eq(D.tenantId, tenantId), pathCond(orgUnits.path, paths)];
  if (f.state) conds.push(eq(D.state, f.state));
  if (f.siteId) conds.push(eq(D.siteId, f.siteId));
  if (f.enabled !== undefined) conds.push(eq(D.enabled, f.enabled));
  if (f.q) {
    const like = likeOf(f.q);
    conds.push(or(ilike(D.mn, like), ilike(D.name, like), ilike(S.name, like)));
  }
  const where = and(...conds);
  const [rows, [total]] = await Promise.all([
    deviceQuery(db).where(where).orderBy(sql`${D.offlineSince} asc nulls last`, asc(D.mn)).offset(offset).limit(limit),
    db
      .select({ n: count() })
      .from(D)
      .leftJoin(S, and(eq(S.tenantId, D.tenantId), eq(S.id, D.siteId)))
      .leftJoin(orgUnits, unitJoin)
      .where(where),
  ]);
  return { rows, total: Number(total?.n ?? 0) };
}

export async function insertDevice(tx: Tx, row: typeof sensorDevices.$inferInsert): Promise<void> {
  await tx.insert(D).values(row);
}

export async function updateDevice(tx: Tx, tenantId: string, id: string, patch: Partial<DeviceRow>): Promise<void> {
  await tx
    .update(D)
    .set(patch)
    .where(and(eq(D.tenantId, tenantId), eq(D.id, id)));
}

export async function lockDevice(tx: Tx, tenantId: string, id: string) {
  const [r] = await tx
    .select({ device: D })
    .from(D)
    .where(and(eq(D.tenantId, tenantId), eq(D.id, id)))
    .for('update');
  return r?.device ?? null;
}

// ---- Alerts ----

export interface AlertWithRefs {
  alert: AlertRow;
  siteName: string | null;
  siteCode: string | null;
  deviceMn: string | null;
  deviceName: string | null;
  caseNumber: string | null;
}

export interface AlertFilter {
  open?: boolean;
  siteId?: string;
  kind?: string;
  level?: string;
}

/** Alerts of sites in scope (alerts without a site: tenant-wide callers only); open first, newest first. */
export async function listAlerts(
  db: Executor,
  tenantId: string,
  paths: PathFilter,
  f: AlertFilter,
  offset: number,
  limit: number,
): Promise<{ rows: AlertWithRefs[]; total: number }> {
  const A = sensorAlerts;
  const siteJoin = and(eq(S.tenantId, A.tenantId), eq(S.id, A.siteId));
  const conds: (SQL | undefined)[] = [eq(A.tenantId, tenantId), pathCond(orgUnits.path, paths)];
  if (f.open === true) conds.push(isNull(A.clearedAt));
  if (f.open === false) conds.push(sql`${A.clearedAt} is not null`);
  if (f.siteId) conds.push(eq(A.siteId, f.siteId));
  if (f.kind) conds.push(eq(A.kind, f.kind));
  if (f.level) conds.push(eq(A.level, f.level));
  const where = and(...conds);
  const [rows, [total]] = await Promise.all([
    db
      .select({
        alert: A,
        siteName: S.name,
        siteCode: S.code,
        deviceMn: D.mn,
        deviceName: D.name,
        caseNumber: cases.number,
      })
      .from(A)
      .leftJoin(S, siteJoin)
      .leftJoin(orgUnits, unitJoin)
      .leftJoin(D, and(eq(D.tenantId, A.tenantId), eq(D.id, A.deviceId)))
      .leftJoin(cases, and(eq(cases.tenantId, A.tenantId), eq(cases.id, A.caseId)))
      .where(where)
      .orderBy(sql`(${A.clearedAt} is null) desc`, desc(A.lastAt), asc(A.id))
      .offset(offset)
      .limit(limit),
    db.select({ n: count() }).from(A).leftJoin(S, siteJoin).leftJoin(orgUnits, unitJoin).where(where),
  ]);
  return { rows, total: Number(total?.n ?? 0) };
}

/** Breach alerts active since `since` (last seen at or after it), per site. */
export async function breachesSince(
  db: Executor,
  tenantId: string,
  since: Date,
  siteIds: string[] | null,
): Promise<Map<string, { n: number; lastAt: Date }>> {
  const A = sensorAlerts;
  if (siteIds !== null && siteIds.length === 0) return new Map();
  const rows = await db
    .select({ siteId: A.siteId, n: sql<number>`count(*)::int`, lastAt: sql<Date | string>`max(${A.lastAt})` })
    .from(A)
    .where(
      and(
        eq(A.tenantId, tenantId),
        eq(A.kind, 'breach'),
        gte(A.lastAt, since),
        sql`${A.siteId} is not null`,
        siteIds === null ? undefined : inArray(A.siteId, siteIds),
      ),
    )
    .groupBy(A.siteId);
  return new Map(rows.map((r) => [r.siteId as string, { n: Number(r.n), lastAt: new Date(r.lastAt) }]));
}

// ---- Thresholds ----

const T = sensorThresholds;

export async function listThresholds(db: Executor, tenantId: string): Promise<ThresholdRow[]> {
  return db
    .select()
    .from(T)
    .where(eq(T.tenantId, tenantId))
    .orderBy(asc(T.pollutant), sql`${T.siteType} asc nulls first`, asc(T.level), asc(T.limit));
}

/** Enabled thresholds for a site type (or every type) and some pollutants. */
export async function thresholdsFor(
  db: Executor,
  tenantId: string,
  siteType: string,
  pollutants: string[],
): Promise<ThresholdRow[]> {
  if (pollutants.length === 0) return [];
  return db
    .select()
    .from(T)
    .where(
      and(
        eq(T.tenantId, tenantId),
        eq(T.enabled, true),
        inArray(T.pollutant, pollutants),
        or(isNull(T.siteType), eq(T.siteType, siteType)),
      ),
    )
    .orderBy(asc(T.pollutant), asc(T.limit));
}

export async function getThreshold(db: Executor, tenantId: string, id: string): Promise<ThresholdRow | null> {
  const [r] = await db
    .select()
    .from(T)
    .where(and(eq(T.tenantId, tenantId), eq(T.id, id)));
  return r ?? null;
}

export async function insertThreshold(tx: Tx, row: typeof sensorThresholds.$inferInsert): Promise<void> {
  await tx.insert(T).values(row);
}

export async function updateThreshold(
  tx: Tx,
  tenantId: string,
  id: string,
  patch: Partial<ThresholdRow>,
): Promise<void> {
  await tx
    .update(T)
    .set(patch)
    .where(and(eq(T.tenantId, tenantId), eq(T.id, id)));
}

// ---- Series ----

export interface SeriesPoint {
  deviceId: string;
  pollutant: string;
  at: Date;
  avg: number;
  min: number;
  max: number;
}

interface RawPoint {
  device_id: string;
  pollutant: string;
  t: Date | string;
  avg: number | string;
  min: number | string;
  max: number | string;
}

const toPoints = (rows: RawPoint[]): SeriesPoint[] =>
  rows.map((r) => ({
    deviceId: r.device_id,
    pollutant: r.pollutant,
    at: new Date(r.t),
    avg: Number(r.avg),
    min: Number(r.min),
    max: Number(r.max),
  }));

export interface SeriesRange {
  deviceIds: string[];
  pollutants: string[];
  from: Date;
  to: Date;
  stepSeconds: number;
  /** date_bin origin: steps start at origin + k × step. */
  origin: Date;
}

const idList = (ids: string[]) =>
  sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );

/**
 * Per device and requested pollutant, the readings of sensor_values rows of the given kinds in the range:
 * columns value, flag, min, max (one row per stored reading of a requested pollutant).
 */
function readingsIn(tenantId: string, kinds: string[], r: SeriesRange) {
  return sql`(select v.device_id, p.pollutant, v.at, (x.r->>0)::float8 as value, x.r->>1 as flag,
        (x.r->>2)::float8 as min, (x.r->>3)::float8 as max
      from sensor_values v
      cross join unnest(${pgArray(r.pollutants)}::text[]) as p(pollutant)
      cross join lateral (select v.readings->p.pollutant as r) x
      where v.tenant_id = ${tenantId} and v.device_id in (${idList(r.deviceIds)})
        and v.kind in (${sql.join(
          kinds.map((k) => sql`${k}`),
          sql`, `,
        )})
        and v.at >= ${r.from.toISOString()}::timestamptz and v.at < ${r.to.toISOString()}::timestamptz
        and x.r is not null)`;
}

/** Valid real-time readings (flag N, T or none): what our aggregates sum. */
const VALID = sql`value is not null and (flag is null or flag in ('N', 'T'))`;

/**
 * Our minute/hour aggregates, combined into steps of `stepSeconds` (average weighted by count). Hour buckets
 * are stored (sensor_aggregates); minute buckets are computed here from the valid real-time readings — the very
 * values a stored minute bucket would have summed.
 */
export async function aggregatePoints(
  db: Executor,
  tenantId: string,
  bucket: string,
  r: SeriesRange,
): Promise<SeriesPoint[]> {
  if (r.deviceIds.length === 0 || r.pollutants.length === 0) return [];
  const bin = sql`date_bin(make_interval(secs => ${r.stepSeconds}), at, ${r.origin.toISOString()}::timestamptz)`;
  if (bucket === 'minute') {
    const rows = rowsOf<RawPoint>(
      await db.execute(sql`
        select device_id, pollutant, ${bin} as t, avg(value) as avg, min(value) as min, max(value) as max
        from ${readingsIn(tenantId, ['rtd'], r)} rd
        where ${VALID}
        group by 1, 2, 3
        order by 1, 2, 3`),
    );
    return toPoints(rows);
  }
  const rows = rowsOf<RawPoint>(
    await db.execute(sql`
      select device_id, pollutant, ${bin} as t,
             sum(sum) / nullif(sum(count), 0) as avg, min(min) as min, max(max) as max
      from sensor_aggregates
      where ${aggregatesOf(tenantId, bucket, r)}
        and count > 0
      group by 1, 2, 3
      order by 1, 2, 3`),
  );
  return toPoints(rows);
}

/**
 * Steps computed from readings: real-time values, plus the averages a device itself sent for the same
 * bucket kind (CN 2051 minute / 2061 hour) — for devices whose readings were not aggregated (yet).
 */
export async function readingPoints(
  db: Executor,
  tenantId: string,
  bucket: string,
  r: SeriesRange,
): Promise<SeriesPoint[]> {
  if (r.deviceIds.length === 0 || r.pollutants.length === 0 || r.from >= r.to) return [];
  const rows = rowsOf<RawPoint>(
    await db.execute(sql`
      select device_id, pollutant,
             date_bin(make_interval(secs => ${r.stepSeconds}), at, ${r.origin.toISOString()}::timestamptz) as t,
             avg(value) as avg, min(coalesce(min, value)) as min, max(coalesce(max, value)) as max
      from ${readingsIn(tenantId, ['rtd', bucket], r)} rd
      where value is not null
      group by 1, 2, 3
      order by 1, 2, 3`),
  );
  return toPoints(rows);
}

/** The aggregate buckets of a series range: its devices, pollutants, bucket kind and time window. */
function aggregatesOf(tenantId: string, bucket: string, r: SeriesRange) {
  return sql`tenant_id = ${tenantId}
    and device_id in (${idList(r.deviceIds)})
    and pollutant in (${sql.join(
      r.pollutants.map((p) => sql`${p}`),
      sql`, `,
    )})
    and bucket = ${bucket}
    and at >= ${r.from.toISOString()}::timestamptz and at < ${r.to.toISOString()}::timestamptz`;
}

/** The last aggregate bucket per device and pollutant within a range (where the aggregation stands). */
export async function lastAggregateAt(
  db: Executor,
  tenantId: string,
  bucket: string,
  r: SeriesRange,
): Promise<Date | null> {
  if (r.deviceIds.length === 0 || r.pollutants.length === 0) return null;
  const perPair =
    bucket === 'minute'
      ? sql`select device_id, pollutant, max(at) as last from ${readingsIn(tenantId, ['rtd'], r)} rd
          where ${VALID} group by 1, 2`
      : sql`select device_id, pollutant, max(at) as last from sensor_aggregates
          where ${aggregatesOf(tenantId, bucket, r)}
          group by 1, 2`;
  const [row] = rowsOf<{ last: Date | string | null; pairs: number }>(
    await db.execute(sql`select min(last) as last, count(*)::int as pairs from (${perPair}) x`),
  );
  return row?.last ? new Date(row.last) : null;
}

// ---- Dust-fee ledger ----

const F = dustFeeEntries;

export async function feeEntriesOf(db: Executor, tenantId: string, siteId: string) {
  return db
    .select({ entry: F, createdByName: users.displayName, amount: sql<string>`${F.amount}::text` })
    .from(F)
    .leftJoin(users, and(eq(users.tenantId, F.tenantId), eq(users.id, F.createdBy)))
    .where(and(eq(F.tenantId, tenantId), eq(F.siteId, siteId)))
    .orderBy(desc(F.occurredOn), desc(F.createdAt), desc(F.id));
}

export interface FeeSumRow {
  siteId: string;
  kind: string;
  measure: string | null;
  /** Exact decimal text. */
  total: string;
}

/** Sums per site, kind and measure (numeric, returned as text). */
export async function feeSums(db: Executor, tenantId: string, siteIds: string[]): Promise<FeeSumRow[]> {
  if (siteIds.length === 0) return [];
  return db
    .select({ siteId: F.siteId, kind: F.kind, measure: F.measure, total: sql<string>`sum(${F.amount})::text` })
    .from(F)
    .where(and(eq(F.tenantId, tenantId), inArray(F.siteId, siteIds)))
    .groupBy(F.siteId, F.kind, F.measure);
}

export async function insertFeeEntry(tx: Tx, row: typeof dustFeeEntries.$inferInsert): Promise<void> {
  await tx.insert(F).values(row);
}

/** Is the photo part of one of the site's fee entries? */
export async function feePhotoOfSite(db: Executor, tenantId: string, siteId: string, mediaId: string) {
  const [r] = await db
    .select({ id: F.id })
    .from(F)
    .where(and(eq(F.tenantId, tenantId), eq(F.siteId, siteId), sql`${F.photos} @> ${JSON.stringify([mediaId])}::jsonb`))
    .limit(1);
  return !!r;
}

export interface FeeSiteRow {
  id: string;
  code: string;
  name: string;
  siteType: string;
  status: string;
  builder: string;
  unitName: string | null;
}

const feeSiteColumns = {
  id: S.id,
  code: S.code,
  name: S.name,
  siteType: S.siteType,
  status: S.status,
  builder: S.builder,
  unitName: orgUnits.name,
};

/** Sites in scope for the fee-account overview, by code. */
export async function feeSites(
  db: Executor,
  tenantId: string,
  paths: PathFilter,
  f: { q?: string; siteType?: string },
  offset: number,
  limit: number,
): Promise<{ rows: FeeSiteRow[]; total: number }> {
  const conds: (SQL | undefined)[] = [eq(S.tenantId, tenantId), pathCond(orgUnits.path, paths)];
  if (f.siteType) conds.push(eq(S.siteType, f.siteType));
  if (f.q) {
    const like = likeOf(f.q);
    conds.push(or(ilike(S.code, like), ilike(S.name, like), ilike(S.builder, like)));
  }
  const where = and(...conds);
  const [rows, [total]] = await Promise.all([
    db
      .select(feeSiteColumns)
      .from(S)
      .leftJoin(orgUnits, unitJoin)
      .where(where)
      .orderBy(asc(S.code))
      .offset(offset)
      .limit(limit),
    db.select({ n: count() }).from(S).leftJoin(orgUnits, unitJoin).where(where),
  ]);
  return { rows, total: Number(total?.n ?? 0) };
}

/** Sites in scope among the given ids (the warning candidates). */
export async function feeSitesByIds(
  db: Executor,
  tenantId: string,
  paths: PathFilter,
  ids: string[],
): Promise<FeeSiteRow[]> {
  if (ids.length === 0) return [];
  return db
    .select(feeSiteColumns)
    .from(S)
    .leftJoin(orgUnits, unitJoin)
    .where(and(eq(S.tenantId, tenantId), pathCond(orgUnits.path, paths), inArray(S.id, ids)))
    .orderBy(asc(S.code));
}

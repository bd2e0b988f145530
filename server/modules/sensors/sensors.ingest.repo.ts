/**
 * SQL of the HJ 212 ingest path, the sensor jobs (offline marks, frame retention, alert → case) and the
 * demo seed. Bulk writes take column arrays (`unnest`; device text and JSON as JSON arrays), and on PGlite
 * the frames, values and new hour buckets are loaded with COPY (`/dev/blob`), which is what makes thousands of
 * frames per second possible on the embedded engine.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { OPEN_STATUSES } from '../../../common/cases.ts';
import { type Executor, rowsOf, type Tx } from '../../db/client.ts';
import { tenants, users } from '../../db/schema.core.ts';
import { cases } from '../cases/cases.schema.ts';
import { constructionSites, sensorAlerts, sensorDevices, sensorThresholds } from './sensors.schema.ts';

export type Engine = 'pglite' | 'postgres';

// ---------------------------------------------------------------------------------------------------
// Devices and thresholds (read side, cached by the ingest)

export interface DeviceRow {
  tenant_id: string;
  id: string;
  mn: string;
  name: string;
  password: string | null;
  allow_modbus_crc: boolean;
  scale: Record<string, number> | null;
  interval_seconds: number;
  enabled: boolean;
  state: string;
  site_id: string | null;
  site_code: string | null;
  site_name: string | null;
  site_type: string | null;
  site_address: string | null;
  site_lat: number | null;
  site_lng: number | null;
}

/** Every registration of an MN, across tenants (the MN is the device's identity on the wire). */
export async function devicesByMn(db: Executor, mn: string): Promise<DeviceRow[]> {
  return rowsOf<DeviceRow>(
    await db.execute(sql`select d.tenant_id, d.id, d.mn, d.name, d.password, d.allow_modbus_crc, d.scale,
        d.interval_seconds, d.enabled, d.state, s.id as site_id, s.code as site_code, s.name as site_name,
        s.site_type, s.address as site_address, s.lat as site_lat, s.lng as site_lng
      from sensor_devices d
      left join construction_sites s on s.tenant_id = d.tenant_id and s.id = d.site_id
      where d.mn = ${mn}
      limit 2`),
  );
}

export async function tenantIdByCode(db: Executor, code: string): Promise<string | null> {
  const [r] = await db.select({ id: tenants.tenantId }).from(tenants).where(eq(tenants.code, code));
  return r?.id ?? null;
}

export async function tenantById(db: Executor, tenantId: string) {
  const [r] = await db.select().from(tenants).where(eq(tenants.tenantId, tenantId));
  return r ?? null;
}

export type ThresholdRow = typeof sensorThresholds.$inferSelect;

export async function enabledThresholds(db: Executor, tenantId: string): Promise<ThresholdRow[]> {
  return db
    .select()
    .from(sensorThresholds)
    .where(and(eq(sensorThresholds.tenantId, tenantId), eq(sensorThresholds.enabled, true)));
}

// ---------------------------------------------------------------------------------------------------
// Bulk writes

/**
 * A column as one PostgreSQL array literal (a single text parameter, cast in SQL): both drivers pass it as
 * is, which is several times cheaper than letting them serialise a JS array element by element.
 */
export function pgArray(values: readonly (string | number | null)[]): string {
  let s = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) s += ',';
    const v = values[i] as string | number | null;
    if (v === null) s += 'NULL';
    else if (typeof v === 'number')
      s += Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    else s += `"${/[\\"]/.test(v) ? v.replace(/[\\"]/g, '\\$&') : v}"`;
  }
  return `${s}}`;
}

const arr = (values: readonly (string | number | null)[]) => sql.param(pgArray(values));

/** Like pgArray for values we made ourselves that need no quoting: UUIDs, ISO times, numbers, fixed words. */
export function pgArrayPlain(values: readonly (string | number | null)[]): string {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || (typeof v === 'number' && !Number.isFinite(v))) return pgArray(values);
  }
  return `{${values.join(',')}}`;
}

const plain = (values: readonly (string | number | null)[]) => sql.param(pgArrayPlain(values));

/** One value in COPY text format: NULL as \N, backslash and control characters escaped. */
function copyValue(v: string | number | boolean | null): string {
  if (v === null) return '\\N';
  if (typeof v !== 'string') return String(v);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping exactly those characters
  return /[\\\t\n\r\x00-\x1f]/.test(v) ? v.replace(/[\\\t\n\r\x00-\x1f]/g, copyEscape) : v;
}
function copyEscape(c: string): string {
  if (c === '\\') return '\\\\';
  if (c === '\t') return '\\t';
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  return ''; // other control characters never reach here (raw frames are made printable first)
}

interface PgliteTxClient {
  query(text: string, params?: unknown[], opts?: { blob?: Blob }): Promise<unknown>;
}

/**
 * PGlite: COPY column arrays into a table from an in-memory blob (several times faster than INSERT there).
 * Columns named in `plainColumns` hold only values we made that need no escaping (UUIDs, ISO times, numbers,
 * fixed words); the others are escaped.
 */
async function copyColumns(
  tx: Tx,
  table: string,
  columns: string[],
  cols: (string | number | null)[][],
  plainColumns: ReadonlySet<string> = new Set(),
) {
  const n = cols[0]?.length ?? 0;
  if (n === 0) return;
  const plainCol = columns.map((c) => plainColumns.has(c));
  const parts: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let line = '';
    for (let c = 0; c < cols.length; c++) {
      const v = (cols[c] as (string | number | null)[])[i] as string | number | null;
      const text = v === null ? '\\N' : plainCol[c] ? String(v) : copyValue(v);
      line = c === 0 ? text : `${line}\t${text}`;
    }
    parts[i] = line;
  }
  const client = (tx as unknown as { session: { client: PgliteTxClient } }).session.client;
  await client.query(`copy ${table} (${columns.join(', ')}) from '/dev/blob'`, [], {
    blob: new Blob([`${parts.join('\n')}\n`]),
  });
}

export interface FrameColumns {
  tenantId: string[];
  deviceId: string[];
  receivedAt: string[];
  seq: number[];
  cn: (string | null)[];
  qn: (string | null)[];
  dataTime: (string | null)[];
  verdict: string[];
  reason: (string | null)[];
  raw: string[];
}

export async function insertFrames(tx: Tx, engine: Engine, f: FrameColumns): Promise<void> {
  if (f.tenantId.length === 0) return;
  if (engine === 'pglite') {
    await copyColumns(
      tx,
      'sensor_frames',
      ['tenant_id', 'device_id', 'received_at', 'seq', 'cn', 'qn', 'data_time', 'verdict', 'reason', 'raw'],
      [f.tenantId, f.deviceId, f.receivedAt, f.seq, f.cn, f.qn, f.dataTime, f.verdict, f.reason, f.raw],
      new Set(['tenant_id', 'device_id', 'received_at', 'seq', 'data_time', 'verdict']),
    );
    return;
  }
  // Device-supplied text travels as JSON arrays (JSON.stringify is native and needs no quoting pass of ours).
  const text = (values: (string | null)[]) => sql`json_array_elements_text(${JSON.stringify(values)}::json)`;
  await tx.execute(sql`insert into sensor_frames (tenant_id, device_id, received_at, seq, cn, qn, data_time, verdict, reason, raw)
    select * from rows from (unnest(${plain(f.tenantId)}::uuid[]), unnest(${plain(f.deviceId)}::uuid[]),
      unnest(${plain(f.receivedAt)}::timestamptz[]), unnest(${plain(f.seq)}::bigint[]), ${text(f.cn)}, ${text(f.qn)},
      unnest(${plain(f.dataTime)}::timestamptz[]), unnest(${plain(f.verdict)}::text[]), ${text(f.reason)},
      ${text(f.raw)})`);
}

/**
 * Rows of sensor_values: one per device, kind and time; `readings` is the JSON text of the readings object
 * (pollutant code → [value, flag, min, max]).
 */
export interface ValueColumns {
  tenantId: string[];
  deviceId: string[];
  kind: string[];
  at: string[];
  readings: string[];
  claimedAt: (string | null)[];
}

/**
 * The value rows as a set of rows in SQL: the readings travel as one JSON array (no per-element quoting as an
 * array literal would need), the other columns as array literals, zipped by ROWS FROM; `n` numbers them from 1.
 */
function valueRows(v: ValueColumns) {
  return sql`rows from (unnest(${plain(v.tenantId)}::uuid[]), unnest(${plain(v.deviceId)}::uuid[]),
      unnest(${plain(v.kind)}::text[]), unnest(${plain(v.at)}::timestamptz[]),
      jsonb_array_elements(${sql.param(`[${v.readings.join(',')}]`)}::jsonb),
      unnest(${plain(v.claimedAt)}::timestamptz[])) with ordinality as x(tenant_id, device_id, kind, at, readings, claimed_at, n)`;
}

/**
 * Insert value rows expected to be new (no conflict handling: an existing key fails the statement and the
 * caller, inside a savepoint, falls back to insertValuesSkippingExisting).
 */
export async function insertValues(tx: Tx, engine: Engine, v: ValueColumns): Promise<void> {
  if (v.tenantId.length === 0) return;
  if (engine === 'pglite') {
    await copyColumns(
      tx,
      'sensor_values',
      ['tenant_id', 'device_id', 'kind', 'at', 'readings', 'claimed_at'],
      [v.tenantId, v.deviceId, v.kind, v.at, v.readings, v.claimedAt],
      new Set(['tenant_id', 'device_id', 'kind', 'at', 'claimed_at']),
    );
    return;
  }
  await tx.execute(sql`insert into sensor_values (tenant_id, device_id, kind, at, readings, claimed_at)
    select tenant_id, device_id, kind, at, readings, claimed_at from ${valueRows(v)}`);
}

/** Insert the value rows whose key is not stored yet (keys must be distinct); returns the indexes inserted. */
export async function insertValuesSkippingExisting(tx: Tx, v: ValueColumns): Promise<Set<number>> {
  if (v.tenantId.length === 0) return new Set();
  const rows = rowsOf<{ n: number }>(
    await tx.execute(sql`with input as (select * from ${valueRows(v)}),
      ins as (
        insert into sensor_values (tenant_id, device_id, kind, at, readings, claimed_at)
        select tenant_id, device_id, kind, at, readings, claimed_at from input order by n
        on conflict do nothing
        returning tenant_id, device_id, kind, at
      )
      select input.n::int as n from input join ins using (tenant_id, device_id, kind, at)`),
  );
  return new Set(rows.map((r) => Number(r.n) - 1));
}

/**
 * Lock stored value rows (keys must exist and be distinct) and return the pollutants each holds, by index
 * into the input. Held until commit, so what is added next cannot race another writer of the same key.
 */
export async function lockValues(
  tx: Tx,
  v: Omit<ValueColumns, 'readings' | 'claimedAt'>,
): Promise<Map<number, string[]>> {
  if (v.tenantId.length === 0) return new Map();
  const rows = rowsOf<{ n: number; codes: string[] | null }>(
    await tx.execute(sql`select x.n::int as n, array(select jsonb_object_keys(s.readings)) as codes
      from rows from (unnest(${plain(v.tenantId)}::uuid[]), unnest(${plain(v.deviceId)}::uuid[]),
        unnest(${plain(v.kind)}::text[]), unnest(${plain(v.at)}::timestamptz[]))
        with ordinality as x(tenant_id, device_id, kind, at, n)
      join sensor_values s on s.tenant_id = x.tenant_id and s.device_id = x.device_id and s.kind = x.kind
        and s.at = x.at
      order by x.n
      for update of s`),
  );
  return new Map(rows.map((r) => [Number(r.n) - 1, r.codes ?? []]));
}

/** Add pollutants to stored value rows (those already in a row keep their stored reading). */
export async function addToValues(tx: Tx, v: ValueColumns): Promise<void> {
  if (v.tenantId.length === 0) return;
  await tx.execute(sql`update sensor_values s set readings = x.readings || s.readings
    from ${valueRows(v)}
    where s.tenant_id = x.tenant_id and s.device_id = x.device_id and s.kind = x.kind and s.at = x.at`);
}

export interface AggregateColumns {
  tenantId: string[];
  deviceId: string[];
  pollutant: string[];
  bucket: string[];
  at: string[];
  count: number[];
  sum: number[];
  min: number[];
  max: number[];
}

export interface AggregateTotal {
  tenant_id: string;
  device_id: string;
  pollutant: string;
  bucket: string;
  at_ms: number;
  count: number;
  sum: number;
}

/** Insert aggregate buckets expected to be new (a duplicate fails the statement; see upsertAggregates). */
export async function insertAggregates(tx: Tx, engine: Engine, a: AggregateColumns): Promise<void> {
  if (a.tenantId.length === 0) return;
  if (engine === 'pglite') {
    await copyColumns(
      tx,
      'sensor_aggregates',
      ['tenant_id', 'device_id', 'pollutant', 'bucket', 'at', 'count', 'sum', 'min', 'max'],
      [a.tenantId, a.deviceId, a.pollutant, a.bucket, a.at, a.count, a.sum, a.min, a.max],
      new Set(['tenant_id', 'device_id', 'bucket', 'at', 'count']),
    );
    return;
  }
  await tx.execute(sql`insert into sensor_aggregates (tenant_id, device_id, pollutant, bucket, at, count, sum, min, max)
    select * from unnest(${plain(a.tenantId)}::uuid[], ${plain(a.deviceId)}::uuid[], ${arr(a.pollutant)}::text[],
      ${plain(a.bucket)}::text[], ${plain(a.at)}::timestamptz[], ${plain(a.count)}::int[], ${plain(a.sum)}::float8[],
      ${plain(a.min)}::float8[], ${plain(a.max)}::float8[])`);
}

/**
 * Add to aggregate buckets (one row per key in the input). With `totals`, returns each bucket's totals after
 * the addition (the rules need them for hour buckets; minute buckets skip the cost).
 */
export async function upsertAggregates(tx: Tx, a: AggregateColumns, totals: boolean): Promise<AggregateTotal[]> {
  if (a.tenantId.length === 0) return [];
  const upsert = sql`insert into sensor_aggregates as g (tenant_id, device_id, pollutant, bucket, at, count, sum, min, max)
      select * from unnest(${plain(a.tenantId)}::uuid[], ${plain(a.deviceId)}::uuid[],
        ${arr(a.pollutant)}::text[], ${plain(a.bucket)}::text[], ${plain(a.at)}::timestamptz[],
        ${plain(a.count)}::int[], ${plain(a.sum)}::float8[], ${plain(a.min)}::float8[],
        ${plain(a.max)}::float8[])
      on conflict (tenant_id, device_id, pollutant, bucket, at) do update set
        count = g.count + excluded.count, sum = g.sum + excluded.sum,
        min = least(g.min, excluded.min), max = greatest(g.max, excluded.max)`;
  if (!totals) {
    await tx.execute(upsert);
    return [];
  }
  return rowsOf<AggregateTotal>(
    await tx.execute(sql`${upsert} returning g.tenant_id, g.device_id, g.pollutant, g.bucket,
        (extract(epoch from g.at) * 1000)::float8 as at_ms, g.count, g.sum`),
  );
}

export interface StrangerColumns {
  tenantId: string[];
  mn: string[];
  frames: number[];
  address: (string | null)[];
  firstAt: string[];
  lastAt: string[];
}

export async function upsertStrangers(tx: Tx, s: StrangerColumns): Promise<void> {
  if (s.tenantId.length === 0) return;
  await tx.execute(sql`insert into sensor_strangers as s (tenant_id, mn, frames, last_address, first_at, last_at)
    select * from unnest(${plain(s.tenantId)}::uuid[], ${arr(s.mn)}::text[], ${plain(s.frames)}::bigint[],
      ${arr(s.address)}::text[], ${plain(s.firstAt)}::timestamptz[], ${plain(s.lastAt)}::timestamptz[])
    on conflict (tenant_id, mn) do update set frames = s.frames + excluded.frames,
      last_address = excluded.last_address, last_at = greatest(s.last_at, excluded.last_at)`);
}

/** Devices that were not online and now are (their state changes; the caller clears offline alerts). */
export async function markDevicesOnline(
  tx: Tx,
  tenantIds: string[],
  deviceIds: string[],
): Promise<{ tenant_id: string; id: string }[]> {
  if (deviceIds.length === 0) return [];
  return rowsOf<{ tenant_id: string; id: string }>(
    await tx.execute(sql`update sensor_devices d set state = 'online', offline_since = null
      from unnest(${plain(tenantIds)}::uuid[], ${plain(deviceIds)}::uuid[]) as v(tenant_id, id)
      where d.tenant_id = v.tenant_id and d.id = v.id and d.state <> 'online'
      returning d.tenant_id, d.id`),
  );
}

/** The latest accepted frame per device (never moves backwards) and the address it came from. */
export async function touchDevices(
  tx: Tx,
  tenantIds: string[],
  deviceIds: string[],
  lastAt: string[],
  address: (string | null)[],
): Promise<void> {
  if (deviceIds.length === 0) return;
  await tx.execute(sql`update sensor_devices d set
      last_frame_at = greatest(coalesce(d.last_frame_at, v.at), v.at), last_seen_address = v.addr
    from unnest(${plain(tenantIds)}::uuid[], ${plain(deviceIds)}::uuid[], ${plain(lastAt)}::timestamptz[],
      ${arr(address)}::text[]) as v(tenant_id, id, at, addr)
    where d.tenant_id = v.tenant_id and d.id = v.id`);
}

// ---------------------------------------------------------------------------------------------------
// Alerts

export type AlertRow = typeof sensorAlerts.$inferSelect;

export async function openBreachAlerts(db: Executor, tenantId: string, deviceIds: string[]): Promise<AlertRow[]> {
  if (deviceIds.length === 0) return [];
  return db
    .select()
    .from(sensorAlerts)
    .where(
      and(
        eq(sensorAlerts.tenantId, tenantId),
        inArray(sensorAlerts.deviceId, deviceIds),
        eq(sensorAlerts.kind, 'breach'),
        isNull(sensorAlerts.clearedAt),
      ),
    );
}

export async function insertAlerts(tx: Tx, rows: (typeof sensorAlerts.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await tx.insert(sensorAlerts).values(rows);
}

/** Change an alert; returns the case it is linked to (as stored now), if any. */
export async function updateAlert(
  tx: Tx,
  tenantId: string,
  id: string,
  patch: Partial<Pick<AlertRow, 'value' | 'lastAt' | 'occurrences' | 'clearedAt' | 'level'>>,
): Promise<string | null> {
  const [r] = await tx
    .update(sensorAlerts)
    .set(patch)
    .where(and(eq(sensorAlerts.tenantId, tenantId), eq(sensorAlerts.id, id)))
    .returning({ caseId: sensorAlerts.caseId });
  return r?.caseId ?? null;
}

/** Clear the open offline alerts of devices that came back; returns the cleared alerts. */
export async function clearOfflineAlerts(
  tx: Tx,
  tenantId: string,
  deviceIds: string[],
  at: Date,
): Promise<{ id: string; device_id: string; case_id: string | null; level: string; site_id: string | null }[]> {
  if (deviceIds.length === 0) return [];
  return rowsOf(
    await tx.execute(sql`update sensor_alerts set cleared_at = ${at}, last_at = ${at}
      where tenant_id = ${tenantId} and kind = 'offline' and cleared_at is null
        and device_id = any(${plain(deviceIds)}::uuid[])
      returning id, device_id, case_id, level, site_id`),
  );
}

export async function alertById(db: Executor, tenantId: string, id: string): Promise<AlertRow | null> {
  const [r] = await db
    .select()
    .from(sensorAlerts)
    .where(and(eq(sensorAlerts.tenantId, tenantId), eq(sensorAlerts.id, id)));
  return r ?? null;
}

// ---------------------------------------------------------------------------------------------------
// Offline marks (worker)

export interface OfflineMark {
  id: string;
  mn: string;
  name: string;
  site_id: string | null;
  last_frame_at: Date | string;
  offline_since: Date | string;
}

/**
 * Mark enabled online devices silent for longer than interval × grace as offline. offline_since is when the
 * silence passed that limit (last frame + interval × grace), so it does not depend on when the job runs.
 * The condition is re-checked on the locked row, so a frame stored meanwhile wins.
 */
export async function markSilentDevicesOffline(
  tx: Tx,
  tenantId: string,
  now: Date,
  grace: number,
): Promise<OfflineMark[]> {
  return rowsOf<OfflineMark>(
    await tx.execute(sql`update sensor_devices set state = 'offline',
        offline_since = last_frame_at + make_interval(secs => interval_seconds * ${grace})
      where tenant_id = ${tenantId} and enabled and state = 'online' and last_frame_at is not null
        and last_frame_at + make_interval(secs => interval_seconds * ${grace}) < ${now}
      returning id, mn, name, site_id, last_frame_at, offline_since`),
  );
}

/** Open offline alerts still at warning level whose device has been offline since before `before`. */
export async function offlineAlertsToEscalate(db: Executor, tenantId: string, before: Date) {
  return rowsOf<{ id: string; device_id: string; site_id: string | null; mn: string; offline_since: string | Date }>(
    await db.execute(sql`select a.id, a.device_id, a.site_id, d.mn, d.offline_since
      from sensor_alerts a
      join sensor_devices d on d.tenant_id = a.tenant_id and d.id = a.device_id
      where a.tenant_id = ${tenantId} and a.kind = 'offline' and a.cleared_at is null and a.level = 'warning'
        and d.state = 'offline' and d.offline_since <= ${before}
      order by a.started_at`),
  );
}

/**
 * Delete up to `limit` raw frames received before `before`; returns how many went. Per device along the
 * primary key (tenant, device, received_at, …): each device's old frames are the start of its range.
 */
export async function deleteFramesBefore(db: Executor, tenantId: string, before: Date, limit: number) {
  const rows = rowsOf<{ n: number }>(
    await db.execute(sql`with gone as (
        delete from sensor_frames where ctid in (
          select f.ctid from sensor_devices d
          cross join lateral (
            select ctid from sensor_frames f
            where f.tenant_id = d.tenant_id and f.device_id = d.id and f.received_at < ${before}
            limit ${limit}) f
          where d.tenant_id = ${tenantId}
          limit ${limit})
        returning 1)
      select count(*)::int as n from gone`),
  );
  return Number(rows[0]?.n ?? 0);
}

// ---------------------------------------------------------------------------------------------------
// Alerts → cases (worker)

export async function siteById(db: Executor, tenantId: string, id: string) {
  const [r] = await db
    .select()
    .from(constructionSites)
    .where(and(eq(constructionSites.tenantId, tenantId), eq(constructionSites.id, id)));
  return r ?? null;
}

export interface AlarmAlertView extends AlertRow {
  device_mn: string;
  device_name: string;
}

/** Alarm-level alerts of a site (open or not) that no case knows about yet, oldest first. */
export async function unlinkedAlarmAlerts(db: Executor, tenantId: string, siteId: string) {
  return db
    .select({ alert: sensorAlerts, mn: sensorDevices.mn, deviceName: sensorDevices.name })
    .from(sensorAlerts)
    .innerJoin(
      sensorDevices,
      and(eq(sensorDevices.tenantId, sensorAlerts.tenantId), eq(sensorDevices.id, sensorAlerts.deviceId)),
    )
    .where(
      and(
        eq(sensorAlerts.tenantId, tenantId),
        eq(sensorAlerts.siteId, siteId),
        eq(sensorAlerts.level, 'alarm'),
        isNull(sensorAlerts.caseId),
      ),
    )
    .orderBy(sensorAlerts.createdAt, sensorAlerts.id);
}

/** The newest still-open case that an alert of this site opened or joined. */
export async function openCaseOfSite(db: Executor, tenantId: string, siteId: string): Promise<string | null> {
  const [r] = rowsOf<{ id: string }>(
    await db.execute(sql`select c.id from sensor_alerts a
      join cases c on c.tenant_id = a.tenant_id and c.id = a.case_id
      where a.tenant_id = ${tenantId} and a.site_id = ${siteId}
        and c.status = any(${arr([...OPEN_STATUSES])}::text[])
      order by c.reported_at desc limit 1`),
  );
  return r?.id ?? null;
}

export async function caseStatus(db: Executor, tenantId: string, caseId: string): Promise<string | null> {
  const [r] = await db
    .select({ status: cases.status })
    .from(cases)
    .where(and(eq(cases.tenantId, tenantId), eq(cases.id, caseId)));
  return r?.status ?? null;
}

/** Link an alert to a case unless it already has one; true when this call linked it. */
export async function linkAlertToCase(tx: Tx, tenantId: string, alertId: string, caseId: string): Promise<boolean> {
  const r = await tx
    .update(sensorAlerts)
    .set({ caseId })
    .where(and(eq(sensorAlerts.tenantId, tenantId), eq(sensorAlerts.id, alertId), isNull(sensorAlerts.caseId)))
    .returning({ id: sensorAlerts.id });
  return r.length > 0;
}

/**
 * Lock a case row (writers of one case queue behind it until commit) and say whether the case is still open:
 * a note is added only to an open case (with appendCaseEvent of the cases module, which takes the same lock).
 */
export async function lockOpenCase(tx: Tx, tenantId: string, caseId: string): Promise<boolean> {
  const [c] = await tx
    .select({ status: cases.status })
    .from(cases)
    .where(and(eq(cases.tenantId, tenantId), eq(cases.id, caseId)))
    .for('update');
  return !!c && (OPEN_STATUSES as readonly string[]).includes(c.status);
}

// ---------------------------------------------------------------------------------------------------
// The service account

export async function userByUsername(db: Executor, tenantId: string, username: string) {
  const [r] = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.username, username)));
  return r ?? null;
}

/** Insert the user unless the username exists; true when inserted. */
export async function insertUserIfAbsent(tx: Tx, row: typeof users.$inferInsert): Promise<boolean> {
  const r = await tx.insert(users).values(row).onConflictDoNothing().returning({ id: users.id });
  return r.length > 0;
}

// ---------------------------------------------------------------------------------------------------
// Seed

export async function insertSites(tx: Tx, rows: (typeof constructionSites.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await tx.insert(constructionSites).values(rows);
}

export async function insertDevices(tx: Executor, rows: (typeof sensorDevices.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await tx.insert(sensorDevices).values(rows);
}

export async function insertThresholds(tx: Executor, rows: (typeof sensorThresholds.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await tx.insert(sensorThresholds).values(rows);
}

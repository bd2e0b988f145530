/**
 * Construction sites, their dust monitors (HJ 212 devices), what the monitors send (raw frames kept as
 * evidence, readings — one row per device, kind and time —, hour aggregates), the thresholds that raise alerts and open cases, and
 * each site's dust-control fee account (扬尘治理费).
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { orgUnits, tz, users } from '../../db/schema.core.ts';
import type { GeoPolygon } from '../grids/grids.schema.ts';

export const constructionSites = pgTable(
  'construction_sites',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** demolition (拆迁) | municipal (市政) | building (房建) | road (道路) | other */
    siteType: text('site_type').notNull(),
    address: text('address').notNull(),
    /** WGS-84 point (the gate) and optional outline. */
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    outline: jsonb('outline').$type<GeoPolygon | null>(),
    gridId: uuid('grid_id'),
    builder: text('builder').notNull(),
    builderContact: text('builder_contact'),
    builderPhone: text('builder_phone'),
    /** The unit responsible for it (cases open there). */
    unitId: uuid('unit_id'),
    permitNo: text('permit_no'),
    permitFrom: date('permit_from'),
    permitTo: date('permit_to'),
    /** active | suspended | finished */
    status: text('status').notNull().default('active'),
    /** Does this site have to run a monitor (the article: 拆迁 and 市政 sites especially)? */
    monitorRequired: boolean('monitor_required').notNull().default(true),
    createdAt: tz('created_at').notNull(),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('construction_sites_code_uq').on(t.tenantId, t.code),
    foreignKey({
      columns: [t.tenantId, t.unitId],
      foreignColumns: [orgUnits.tenantId, orgUnits.id],
      name: 'construction_sites_unit_fk',
    }),
    check('construction_sites_type_ck', sql`${t.siteType} in ('demolition','municipal','building','road','other')`),
    check('construction_sites_status_ck', sql`${t.status} in ('active','suspended','finished')`),
  ],
);

export const sensorDevices = pgTable(
  'sensor_devices',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    /** HJ 212 MN (设备唯一标识), unique per tenant. */
    mn: text('mn').notNull(),
    siteId: uuid('site_id'),
    name: text('name').notNull(),
    /** PW as the device sends it (access password, not a user secret); null = not checked. */
    password: text('password'),
    /** Accept CRC-16/MODBUS frames from this device (some firmware computes the wrong CRC). */
    allowModbusCrc: boolean('allow_modbus_crc').notNull().default(false),
    /** Per-pollutant unit conversion to the stored unit: value × scale (e.g. 0.001 for ng/m³ or ×1000 senders). */
    scale: jsonb('scale').$type<Record<string, number>>().notNull().default({}),
    /** Expected reporting interval; silent for longer than interval × grace = offline. */
    intervalSeconds: integer('interval_seconds').notNull().default(60),
    enabled: boolean('enabled').notNull().default(true),
    /** online | offline | never (no frame yet) */
    state: text('state').notNull().default('never'),
    lastFrameAt: tz('last_frame_at'),
    lastSeenAddress: text('last_seen_address'),
    offlineSince: tz('offline_since'),
    createdAt: tz('created_at').notNull(),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('sensor_devices_mn_uq').on(t.tenantId, t.mn),
    foreignKey({
      columns: [t.tenantId, t.siteId],
      foreignColumns: [constructionSites.tenantId, constructionSites.id],
      name: 'sensor_devices_site_fk',
    }),
    check('sensor_devices_state_ck', sql`${t.state} in ('online','offline','never')`),
  ],
);

/**
 * Every frame as received, kept for a configurable period as evidence (and for replay). The retention job
 * deletes per device along the primary key (no index on received_at alone: one index less per frame).
 */
export const sensorFrames = pgTable(
  'sensor_frames',
  {
    tenantId: uuid('tenant_id').notNull(),
    deviceId: uuid('device_id').notNull(),
    receivedAt: tz('received_at').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    cn: text('cn'),
    qn: text('qn'),
    /** The device's own time for the data (DataTime), if any. */
    dataTime: tz('data_time'),
    /** ok | skewed (future/far past: flagged) | rejected (with reason) */
    verdict: text('verdict').notNull(),
    reason: text('reason'),
    raw: text('raw').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.deviceId, t.receivedAt, t.seq] })],
);

/**
 * One reading of one pollutant as stored in `sensor_values.readings`: [value, flag, min, max], trailing nulls
 * left out (a real-time value with flag N is `[86.5,"N"]`). Numbers that JSON cannot hold (NaN, ±Infinity)
 * are strings; read a field with `(x->>0)::float8`.
 */
export type StoredReading = [
  number | string | null,
  (string | null)?,
  (number | string | null)?,
  (number | string | null)?,
];

/**
 * What a device reported for one time and kind: every pollutant of the frame in one row (readings keyed by
 * pollutant code), instead of one row per pollutant — one row per data frame is what lets the listener store
 * thousands of frames a second. kind: rtd | minute | hour | day (CN 2011/2051/2061/2031). A resent frame adds
 * nothing; a second frame with the same time and kind adds only the pollutants not stored yet (first wins).
 * One row per pollutant, for a query or a report: `cross join lateral jsonb_each(readings) as r` with
 * r.key the pollutant, (r.value->>0)::float8 the value, r.value->>1 the flag.
 */
export const sensorValues = pgTable(
  'sensor_values',
  {
    tenantId: uuid('tenant_id').notNull(),
    deviceId: uuid('device_id').notNull(),
    kind: text('kind').notNull(),
    at: tz('at').notNull(),
    readings: jsonb('readings').$type<Record<string, StoredReading>>().notNull(),
    /** The device clock was off by more than the allowed skew: `at` is the receive time and this the claimed one. */
    claimedAt: tz('claimed_at'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.deviceId, t.kind, t.at] })],
);

/**
 * Aggregates computed by us from valid real-time readings: hour buckets (bucket = 'hour'), which the hour_avg
 * rule and long-range charts use. Minute buckets are not stored since migration 0007: the series query
 * computes them from sensor_values (the same values they would have summed).
 */
export const sensorAggregates = pgTable(
  'sensor_aggregates',
  {
    tenantId: uuid('tenant_id').notNull(),
    deviceId: uuid('device_id').notNull(),
    pollutant: text('pollutant').notNull(),
    /** minute | hour */
    bucket: text('bucket').notNull(),
    at: tz('at').notNull(),
    count: integer('count').notNull(),
    sum: doublePrecision('sum').notNull(),
    min: doublePrecision('min').notNull(),
    max: doublePrecision('max').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.deviceId, t.pollutant, t.bucket, t.at] })],
);

/** Threshold rules per site type and pollutant, as data. */
export const sensorThresholds = pgTable(
  'sensor_thresholds',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    /** null = every site type */
    siteType: text('site_type'),
    pollutant: text('pollutant').notNull(),
    /** hour_avg: the hourly average above `limit`; consecutive_rtd: N real-time readings in a row above `limit`. */
    rule: text('rule').notNull(),
    limit: doublePrecision('limit').notNull(),
    consecutive: integer('consecutive').notNull().default(1),
    /** warning (预警) raises an alert only; alarm (报警) also opens or updates a case. */
    level: text('level').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: tz('created_at').notNull(),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    check('sensor_thresholds_rule_ck', sql`${t.rule} in ('hour_avg','consecutive_rtd')`),
    check('sensor_thresholds_level_ck', sql`${t.level} in ('warning','alarm')`),
  ],
);

/** An alert: a breach or an offline device; open until it clears; linked to the case it opened or updated. */
export const sensorAlerts = pgTable(
  'sensor_alerts',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    siteId: uuid('site_id'),
    deviceId: uuid('device_id').notNull(),
    /** breach | offline */
    kind: text('kind').notNull(),
    thresholdId: uuid('threshold_id'),
    pollutant: text('pollutant'),
    level: text('level').notNull(),
    value: doublePrecision('value'),
    limit: doublePrecision('limit'),
    startedAt: tz('started_at').notNull(),
    lastAt: tz('last_at').notNull(),
    occurrences: integer('occurrences').notNull().default(1),
    clearedAt: tz('cleared_at'),
    caseId: uuid('case_id'),
    createdAt: tz('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('sensor_alerts_open_idx').on(t.tenantId, t.deviceId, t.kind, t.clearedAt),
    check('sensor_alerts_kind_ck', sql`${t.kind} in ('breach','offline')`),
    check('sensor_alerts_level_ck', sql`${t.level} in ('warning','alarm')`),
  ],
);

/** 扬尘治理费: assessed, spent on measures (with receipts/photos), balance = assessed − spent. */
export const dustFeeEntries = pgTable(
  'dust_fee_entries',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    siteId: uuid('site_id').notNull(),
    /** assessed (计提/缴存) | spent (支出) | adjustment */
    kind: text('kind').notNull(),
    /** netting (覆盖防尘网) | spraying (喷淋雾炮) | washing (车辆冲洗) | hardening (道路硬化) | monitoring | other */
    measure: text('measure'),
    /** yuan, exact */
    amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
    occurredOn: date('occurred_on').notNull(),
    note: text('note'),
    receiptNo: text('receipt_no'),
    photos: jsonb('photos').$type<string[]>().notNull().default([]),
    createdBy: uuid('created_by').notNull(),
    createdAt: tz('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('dust_fee_entries_site_idx').on(t.tenantId, t.siteId, t.occurredOn),
    foreignKey({
      columns: [t.tenantId, t.siteId],
      foreignColumns: [constructionSites.tenantId, constructionSites.id],
      name: 'dust_fee_entries_site_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.createdBy],
      foreignColumns: [users.tenantId, users.id],
      name: 'dust_fee_entries_user_fk',
    }),
    check('dust_fee_entries_kind_ck', sql`${t.kind} in ('assessed','spent','adjustment')`),
  ],
);

/** Unknown MNs and other rejected traffic, counted per address (not stored as readings). */
export const sensorStrangers = pgTable(
  'sensor_strangers',
  {
    tenantId: uuid('tenant_id').notNull(),
    mn: text('mn').notNull(),
    frames: bigint('frames', { mode: 'number' }).notNull().default(0),
    lastAddress: text('last_address'),
    firstAt: tz('first_at').notNull(),
    lastAt: tz('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.mn] })],
);

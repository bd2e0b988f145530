/**
 * The HJ 212 ingest pipeline behind the TCP listener: a framed frame → parse → device by MN (cached) → PW
 * and CRC-kind check → clock-skew check → readings (scaled, and already as the JSON stored) → a bounded
 * write-behind queue that stores frames arriving within a few milliseconds in one transaction (raw frames,
 * one sensor_values row per data frame, hour aggregates, unknown MNs, device state, threshold rules → alerts
 * → case jobs) → only then the ack.
 *
 * Verdicts: 'ok'; 'skewed' (device clock more than SENSORS_MAX_SKEW_SECONDS ahead or SENSORS_MAX_PAST_HOURS
 * behind the receive time: readings are stored at the receive time with claimed_at = the device's time);
 * 'rejected' (stored with its reason, no readings, no ack: bad CRC or frame, Modbus CRC from a device not
 * allowed it, wrong PW, disabled device). Frames from unknown MNs are not stored: they are counted in
 * sensor_strangers under the deployment's tenant (TENANT_CODE). Frames that cannot be attributed to any
 * device (no readable MN) are only logged and counted in metrics.
 *
 * Replies: data uploads (2011, 2051, 2061, 2031 …) whose Flag asks for one get 9014 once stored; other
 * requests that ask for one get 9011 with QnRtn=2 (请求被拒绝: the platform takes no commands from devices);
 * responses (9011–9014) are never answered.
 *
 * Rows per frame: the raw frame (sensor_frames) and, for a data upload, one sensor_values row holding every
 * pollutant; hour buckets are summed over the batch in memory and written once per device, pollutant and hour;
 * minute buckets are not stored (the series query computes them from sensor_values).
 *
 * Batching: each write lane flushes as soon as a flush is not already running (after lingerMs when idle),
 * taking up to maxBatch frames; while one flush runs, the next batch gathers. With PostgreSQL two lanes (by
 * device) write concurrently, so one batch's JavaScript overlaps the other's database round trips; answers are
 * still released in arrival order. When more than maxQueued frames wait, the listener stops reading sockets
 * until half of them are stored (backpressure, nothing dropped). A failed batch is retried frame by frame, so
 * one frame that cannot be stored costs only its own ack.
 */

import { randomUUID } from 'node:crypto';
import client from 'prom-client';
import type { Tx } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { Deps } from '../../deps.ts';
import { registry } from '../../http/metrics.ts';
import { enqueueJob } from '../../jobs/worker.ts';
import { recordAudit } from '../audit/index.ts';
import { appendCaseEvent } from '../cases/index.ts';
import {
  buildAck,
  DATA_UPLOAD_CNS,
  type Hj212Frame,
  POLLUTANTS,
  type PollutantValues,
  parseFrame,
  QN_RTN,
  serialise,
} from './hj212/index.ts';
import * as repo from './sensors.ingest.repo.ts';
import {
  cloneDeviceRuleState,
  type DeviceRuleState,
  effectiveThresholds,
  evaluateDevice,
  hourOf,
  isValidFlag,
  newDeviceRuleState,
  type RuleAlert,
  type ThresholdRule,
} from './sensors.rules.ts';

export const CASE_JOB = 'sensors.case';
export const GATEWAY_USERNAME = 'sensor-gateway';
/** How long a device lookup (hit or miss) and a tenant's thresholds are trusted before re-reading them. */
const CACHE_TTL_MS = 30_000;
const OPEN_ALERTS_TTL_MS = 5 * 60_000;
const MAX_CACHED_MNS = 20_000;

// ---------------------------------------------------------------------------------------------------
// Metrics

export const sensorMetrics = {
  received: new client.Counter({
    name: 'gridcommand_sensor_frames_received_total',
    help: 'HJ 212 frames framed from TCP streams',
    registers: [registry],
  }),
  stored: new client.Counter({
    name: 'gridcommand_sensor_frames_stored_total',
    help: 'HJ 212 frames stored, by verdict (ok, skewed, rejected)',
    labelNames: ['verdict'] as const,
    registers: [registry],
  }),
  rejected: new client.Counter({
    name: 'gridcommand_sensor_frames_rejected_total',
    help: 'HJ 212 frames refused, by reason (parse error code, BAD_PW, UNKNOWN_MN, STORE_FAILED …)',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  acks: new client.Counter({
    name: 'gridcommand_sensor_acks_total',
    help: 'Replies sent to devices, by CN',
    labelNames: ['cn'] as const,
    registers: [registry],
  }),
  readings: new client.Counter({
    name: 'gridcommand_sensor_readings_stored_total',
    help: 'Readings stored (one per pollutant and frame)',
    registers: [registry],
  }),
  batch: new client.Histogram({
    name: 'gridcommand_sensor_batch_frames',
    help: 'Frames per stored batch (one transaction)',
    buckets: [1, 5, 20, 100, 500, 2000, 5000],
    registers: [registry],
  }),
  connections: new client.Gauge({
    name: 'gridcommand_sensor_connections',
    help: 'Open HJ 212 connections',
    registers: [registry],
  }),
  connectionEvents: new client.Counter({
    name: 'gridcommand_sensor_connection_events_total',
    help: 'HJ 212 connections accepted, refused (per-address limit) and closed, by reason',
    labelNames: ['event'] as const,
    registers: [registry],
  }),
  garbage: new client.Counter({
    name: 'gridcommand_sensor_garbage_bytes_total',
    help: 'Bytes skipped between frames, by reason (noise, bad-header, truncated, oversize)',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
};

// ---------------------------------------------------------------------------------------------------
// Devices and thresholds

export interface DeviceSite {
  id: string;
  code: string;
  name: string;
  type: string;
  address: string;
  lat: number;
  lng: number;
}

export interface DeviceInfo {
  tenantId: string;
  id: string;
  mn: string;
  name: string;
  password: string | null;
  allowModbusCrc: boolean;
  scale: Record<string, number>;
  intervalSeconds: number;
  enabled: boolean;
  site: DeviceSite | null;
}

function deviceOf(r: repo.DeviceRow): DeviceInfo {
  return {
    tenantId: r.tenant_id,
    id: r.id,
    mn: r.mn,
    name: r.name,
    password: r.password,
    allowModbusCrc: r.allow_modbus_crc,
    scale: r.scale ?? {},
    intervalSeconds: r.interval_seconds,
    enabled: r.enabled,
    site:
      r.site_id !== null
        ? {
            id: r.site_id,
            code: r.site_code ?? '',
            name: r.site_name ?? '',
            type: r.site_type ?? 'other',
            address: r.site_address ?? '',
            lat: Number(r.site_lat),
            lng: Number(r.site_lng),
          }
        : null,
  };
}

/** Live ingest instances, so a registry change can drop what they cached (see invalidateSensorCaches). */
const live = new Set<SensorIngest>();

/**
 * Forget cached devices (one MN, or all) and thresholds in this process — call after changing a device, a
 * site or a threshold. Other processes pick changes up within 30 s.
 */
export function invalidateSensorCaches(what: { mn?: string; tenantId?: string } = {}): void {
  for (const ingest of live) ingest.invalidate(what);
}

// ---------------------------------------------------------------------------------------------------
// Frames → write items

export type Verdict = 'ok' | 'skewed' | 'rejected';

/** One pollutant of a data upload, scaled. */
interface Reading {
  pollutant: string;
  value: number | null;
  min: number | null;
  max: number | null;
  flag: string | null;
}

/**
 * What a data upload reports: one sensor_values row. Kept compact (it waits in the write queue): the pollutant
 * codes, the stored JSON, and the values our aggregates and rules take (a value with flag N, T or none).
 */
interface FrameValues {
  kind: 'rtd' | 'minute' | 'hour' | 'day';
  /** Where the readings are filed: the device's time, or the receive time when its clock is off. */
  at: number;
  /** The device's time when it was not believed. */
  claimedAt: number | null;
  /** Pollutant codes in frame order. */
  codes: string[];
  /** The readings as stored (JSON object text: pollutant → [value, flag, min, max]), made while classifying. */
  json: string;
  /** Indexes into `codes` of the usable readings (a value, flag N, T or none), ascending … */
  usable: number[];
  /** … and their values, scaled. */
  usableValues: number[];
}

interface FrameItem {
  type: 'frame';
  device: DeviceInfo;
  receivedAt: number;
  seq: number;
  cn: string | null;
  qn: string | null;
  dataTime: number | null;
  verdict: Verdict;
  reason: string | null;
  raw: string;
  /** Null for frames that carry no readings (refused, commands, heartbeats). */
  values: FrameValues | null;
  /** While a batch is written: where this frame's readings start in the batch's list of readings. */
  first: number;
  address: string | null;
  done: (stored: boolean) => void;
}

interface StrangerItem {
  type: 'stranger';
  tenantId: string;
  mn: string;
  address: string | null;
  receivedAt: number;
  done: (stored: boolean) => void;
}

type WriteItem = FrameItem | StrangerItem;

/** What the listener does with one frame: wait for `stored`, then send `ack` if it is not null. */
export interface Classified {
  verdict: Verdict | 'unknown' | 'unattributed';
  reason: string | null;
  mn: string | null;
  /** The reply to write once stored, or null. */
  ack: string | null;
  ackCn: string | null;
  /** Present when something is written (a frame or a stranger count). */
  item: WriteItem | null;
}

const KIND_BY_CN: Record<string, FrameValues['kind']> = {
  '2011': 'rtd',
  '2051': 'minute',
  '2061': 'hour',
  '2031': 'day',
};
const RESPONSE_CNS = new Set(['9011', '9012', '9013', '9014']);
/** Every frame is parsed accepting a Modbus CRC; whether this device may use one is checked afterwards. */
const PARSE_OPTIONS = { allowModbusCrc: true } as const;

const REASONS: Record<string, string> = {
  BAD_PW: '访问密码(PW)错误',
  DEVICE_DISABLED: '设备已停用',
  MODBUS_CRC_NOT_ALLOWED: '设备使用 Modbus CRC,未启用兼容',
  CLOCK_AHEAD: '设备时钟超前',
  CLOCK_BEHIND: '设备时间过旧',
};

/** The raw frame as text: printable ASCII as is; anything else as \xHH (then backslashes are doubled too). */
export function rawText(bytes: Uint8Array): string {
  let printable = true;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c < 0x20 || c > 0x7e) {
      printable = false;
      break;
    }
  }
  if (printable) return latin1(bytes);
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x5c) s += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s;
}

function latin1(bytes: Uint8Array): string {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString(
    'latin1',
  );
}

/** A header field read straight from the bytes, for frames the parser refused (to attribute them). */
function headerField(raw: string, key: 'MN' | 'CN' | 'QN'): string | null {
  const m = new RegExp(`[#;]${key}=([^;&=,]{1,64});`).exec(raw.slice(0, 400));
  return m ? (m[1] as string) : null;
}

const isoCache = new Map<number, string>();

/** ms → ISO string; bucket and frame times repeat a lot, so recent ones are remembered. */
function iso(ms: number | null): string | null {
  if (ms === null) return null;
  let s = isoCache.get(ms);
  if (s === undefined) {
    if (isoCache.size >= 50_000) isoCache.clear();
    s = new Date(ms).toISOString();
    isoCache.set(ms, s);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------
// The write-behind queue

export interface QueueOptions {
  /** Most frames per transaction (default 2000). */
  maxBatch?: number;
  /** When idle, wait this long for more frames before writing (default 2 ms). */
  lingerMs?: number;
  /** Above this many waiting frames the listener stops reading sockets (default 20 000). */
  maxQueued?: number;
  /**
   * Write lanes: batches written concurrently on their own connections, each device always in the same lane,
   * so one batch's JavaScript overlaps another's database work (default 2 on PostgreSQL; PGlite has a single
   * connection: 1). Replies are still released in arrival order.
   */
  lanes?: number;
}

/**
 * Releases stored/not-stored answers in the order the items were submitted, whatever order the lanes finish
 * in (a connection carrying several devices gets its replies in the order it sent the frames).
 */
class InOrder {
  private readonly waiting: ({ resolve: (ok: boolean) => void; ok: boolean | null } | null)[] = [];
  private head = 0;

  add(resolve: (ok: boolean) => void): (ok: boolean) => void {
    const entry = { resolve, ok: null as boolean | null };
    this.waiting.push(entry);
    return (ok) => {
      entry.ok = ok;
      this.release();
    };
  }

  private release(): void {
    const w = this.waiting;
    for (let e = w[this.head]; e && e.ok !== null; e = w[this.head]) {
      w[this.head++] = null;
      e.resolve(e.ok);
    }
    if (this.head > 4096 && this.head * 2 > w.length) {
      w.splice(0, this.head);
      this.head = 0;
    }
  }
}

class WriteQueue {
  private items: WriteItem[] = [];
  private flushing = false;
  private timer: NodeJS.Timeout | null = null;
  private high = false;
  private waiters: (() => void)[] = [];
  readonly maxBatch: number;
  readonly lingerMs: number;
  readonly maxQueued: number;

  constructor(
    private readonly write: (batch: WriteItem[]) => Promise<void>,
    private readonly onPressure: (high: boolean) => void,
    opts: QueueOptions,
  ) {
    this.maxBatch = Math.max(1, opts.maxBatch ?? 2000);
    this.lingerMs = Math.max(0, opts.lingerMs ?? 2);
    this.maxQueued = Math.max(this.maxBatch, opts.maxQueued ?? 20_000);
  }

  get length(): number {
    return this.items.length;
  }

  get underPressure(): boolean {
    return this.high;
  }

  push(item: WriteItem): void {
    this.items.push(item);
    if (!this.high && this.items.length >= this.maxQueued) {
      this.high = true;
      this.onPressure(true);
    }
    if (this.flushing || this.timer) return;
    if (this.items.length >= this.maxBatch || this.lingerMs === 0) setImmediate(() => void this.run());
    else this.timer = setTimeout(() => void this.run(), this.lingerMs);
  }

  private async run(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.items.length > 0) {
        // Let the sockets be read once more before taking a partial batch: what already arrived joins it
        // (fewer, larger transactions when the database is the bottleneck; nothing waits when it is not).
        if (this.items.length < this.maxBatch) await new Promise((r) => setImmediate(r));
        const batch = this.items.splice(0, this.maxBatch);
        if (this.high && this.items.length <= this.maxQueued / 2) {
          this.high = false;
          this.onPressure(false);
        }
        await this.write(batch);
      }
    } finally {
      this.flushing = false;
      if (this.high) {
        this.high = false;
        this.onPressure(false);
      }
      for (const w of this.waiters.splice(0)) w();
    }
  }

  /** Write everything queued now and wait until it is stored. */
  async drain(): Promise<void> {
    if (this.items.length === 0 && !this.flushing) return;
    const done = new Promise<void>((resolve) => this.waiters.push(resolve));
    if (!this.flushing) void this.run();
    await done;
    if (this.items.length > 0) await this.drain();
  }
}

// ---------------------------------------------------------------------------------------------------
// The pipeline

export interface IngestOptions {
  queue?: QueueOptions;
  /** Offline grace is interval × this (used by the jobs; here only for reference). */
}

interface OpenAlertsEntry {
  loadedAt: number;
  byThreshold: Map<string, RuleAlert>;
}

export class SensorIngest {
  private readonly devices = new Map<string, { device: DeviceInfo | null; at: number }>();
  private readonly loading = new Map<string, Promise<DeviceInfo | null>>();
  private readonly thresholds = new Map<string, { rules: ThresholdRule[]; at: number }>();
  private readonly ruleState = new Map<string, DeviceRuleState>();
  private readonly openAlerts = new Map<string, OpenAlertsEntry>();
  private strangerTenant: string | null | undefined;
  private readonly lanes: WriteQueue[];
  private highLanes = 0;
  private readonly inOrder: InOrder | null;
  private readonly pressureListeners = new Set<(high: boolean) => void>();
  private seq: number;
  private readonly engine: repo.Engine;
  private readonly logged = new Map<string, number>();
  /** Per device and pollutant: the latest hour bucket stored (to tell new buckets from updates). */
  private readonly lastBucket = new Map<string, number>();
  /** Per device and reading kind: the latest value row stored (to tell new rows from resends and backlogs). */
  private readonly lastValueAt = new Map<string, number>();

  constructor(
    private readonly deps: Deps,
    opts: IngestOptions = {},
  ) {
    this.engine = deps.database.engine;
    // Unique per process start: frames of one device at one millisecond still get distinct keys.
    this.seq = (Date.now() % 1_000_000_000) * 1000;
    const q = opts.queue ?? {};
    const lanes = Math.max(1, Math.floor(q.lanes ?? (this.engine === 'postgres' ? 2 : 1)));
    const perLane: QueueOptions = { ...q, maxQueued: Math.ceil((q.maxQueued ?? 20_000) / lanes) };
    this.lanes = Array.from(
      { length: lanes },
      () =>
        new WriteQueue(
          (batch) => this.flush(batch),
          (high) => {
            this.highLanes += high ? 1 : -1;
            if (this.highLanes === (high ? 1 : 0)) for (const l of this.pressureListeners) l(high);
          },
          perLane,
        ),
    );
    this.inOrder = lanes > 1 ? new InOrder() : null;
    live.add(this);
  }

  /** Called with true when the queue is full (stop reading sockets) and false when it has room again. */
  onPressure(listener: (high: boolean) => void): () => void {
    this.pressureListeners.add(listener);
    return () => this.pressureListeners.delete(listener);
  }

  get queued(): number {
    let n = 0;
    for (const lane of this.lanes) n += lane.length;
    return n;
  }

  get underPressure(): boolean {
    return this.highLanes > 0;
  }

  invalidate(what: { mn?: string; tenantId?: string }): void {
    if (what.mn !== undefined) this.devices.delete(what.mn);
    else this.devices.clear();
    if (what.tenantId !== undefined) this.thresholds.delete(what.tenantId);
    else this.thresholds.clear();
  }

  /** Write everything queued and stop taking part in cache invalidation. */
  async close(): Promise<void> {
    await this.drain();
    live.delete(this);
  }

  async drain(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.drain()));
  }

  /** Log a line at most once a minute per key (a misbehaving device must not flood the log). */
  private logSome(key: string, level: 'info' | 'warn', obj: Record<string, unknown>, msg: string): void {
    const now = performance.now();
    const last = this.logged.get(key);
    if (last !== undefined && now - last < 60_000) return;
    if (this.logged.size > 10_000) this.logged.clear();
    this.logged.set(key, now);
    this.deps.log[level](obj, msg);
  }

  // ---- device lookup ----

  private cachedDevice(mn: string): DeviceInfo | null | undefined {
    const c = this.devices.get(mn);
    if (!c) return undefined;
    if (performance.now() - c.at > CACHE_TTL_MS) return undefined;
    return c.device;
  }

  private loadDevice(mn: string): Promise<DeviceInfo | null> {
    const pending = this.loading.get(mn);
    if (pending) return pending;
    const p = (async () => {
      try {
        const rows = await repo.devicesByMn(this.deps.database.db, mn);
        let device: DeviceInfo | null = null;
        if (rows.length === 1) device = deviceOf(rows[0] as repo.DeviceRow);
        else if (rows.length > 1)
          this.logSome(`ambiguous:${mn}`, 'warn', { mn }, 'HJ 212 MN registered in several tenants: frames refused');
        if (this.devices.size >= MAX_CACHED_MNS) this.devices.clear();
        this.devices.set(mn, { device, at: performance.now() });
        return device;
      } finally {
        this.loading.delete(mn);
      }
    })();
    this.loading.set(mn, p);
    return p;
  }

  private async strangerTenantId(): Promise<string | null> {
    if (this.strangerTenant === undefined)
      this.strangerTenant = await repo.tenantIdByCode(this.deps.database.db, this.deps.config.TENANT_CODE);
    return this.strangerTenant;
  }

  // ---- classification ----

  /**
   * Classify one frame (bytes from the framer) received at `receivedAt` from `address`. Synchronous when the
   * device is cached, otherwise a promise (the caller keeps per-connection order). The item, if any, must be
   * handed to submit().
   */
  classify(bytes: Uint8Array, receivedAt: number, address: string | null): Classified | Promise<Classified> {
    sensorMetrics.received.inc();
    const parsed = parseFrame(bytes, PARSE_OPTIONS);
    // A frame the parser accepted is printable ASCII from `##` to the CRC (its data segment is checked, the rest
    // is digits and hex), so the text is the bytes as they are — unless line-end bytes were passed along.
    const raw =
      parsed.ok && bytes.length > 0 && (bytes[bytes.length - 1] as number) >= 0x20 ? latin1(bytes) : rawText(bytes);
    if (!parsed.ok) {
      const mn = headerField(raw, 'MN');
      const code = parsed.error.code;
      const reason = `${code}: ${parsed.error.reason.zh}`;
      const rejected = (device: DeviceInfo | null): Classified => {
        sensorMetrics.rejected.inc({ reason: code });
        this.logSome(
          `${code}:${device?.id ?? address}`,
          'info',
          { address, mn, error: parsed.error },
          device ? 'HJ 212 frame refused (kept with its reason)' : 'HJ 212 frame refused (no registered MN in it)',
        );
        if (!device) return { verdict: 'unattributed', reason, mn, ack: null, ackCn: null, item: null };
        return {
          verdict: 'rejected',
          reason,
          mn,
          ack: null,
          ackCn: null,
          item: this.frameItem(device, receivedAt, address, raw, {
            cn: headerField(raw, 'CN'),
            qn: headerField(raw, 'QN'),
            dataTime: null,
            verdict: 'rejected',
            reason,
            values: null,
          }),
        };
      };
      if (mn === null) return rejected(null);
      const cached = this.cachedDevice(mn);
      if (cached !== undefined) return rejected(cached);
      return this.loadDevice(mn).then(rejected);
    }
    const frame = parsed.frame;
    const cached = this.cachedDevice(frame.mn);
    if (cached !== undefined) return this.classifyFrame(frame, cached, receivedAt, address, raw);
    return this.loadDevice(frame.mn).then((d) => this.classifyFrame(frame, d, receivedAt, address, raw));
  }

  private frameItem(
    device: DeviceInfo,
    receivedAt: number,
    address: string | null,
    raw: string,
    f: Pick<FrameItem, 'cn' | 'qn' | 'dataTime' | 'verdict' | 'reason' | 'values'>,
  ): FrameItem {
    return {
      type: 'frame',
      device,
      receivedAt,
      seq: this.seq++,
      cn: f.cn,
      qn: f.qn,
      dataTime: f.dataTime,
      verdict: f.verdict,
      reason: f.reason,
      raw,
      values: f.values,
      first: 0,
      address,
      done: noop,
    };
  }

  private classifyFrame(
    frame: Hj212Frame,
    device: DeviceInfo | null,
    receivedAt: number,
    address: string | null,
    raw: string,
  ): Classified | Promise<Classified> {
    if (!device) return this.stranger(frame.mn, receivedAt, address);
    if (!device.enabled) return this.refuse('DEVICE_DISABLED', frame, device, receivedAt, address, raw);
    if (frame.crcKind === 'modbus' && !device.allowModbusCrc)
      return this.refuse('MODBUS_CRC_NOT_ALLOWED', frame, device, receivedAt, address, raw);
    if (device.password !== null && frame.pw !== device.password)
      return this.refuse('BAD_PW', frame, device, receivedAt, address, raw);

    // Clock: DataTime, else the QN of a data upload.
    const { config } = this.deps;
    const claimed = frame.cp.dataTime ?? (DATA_UPLOAD_CNS.has(frame.cn) ? frame.qnTime : undefined);
    let verdict: Verdict = 'ok';
    let reason: string | null = null;
    if (claimed !== undefined) {
      const ahead = claimed - receivedAt;
      if (ahead > config.SENSORS_MAX_SKEW_SECONDS * 1000) {
        verdict = 'skewed';
        reason = `CLOCK_AHEAD: ${REASONS.CLOCK_AHEAD} ${Math.round(ahead / 1000)} 秒`;
      } else if (-ahead > config.SENSORS_MAX_PAST_HOURS * 3_600_000) {
        verdict = 'skewed';
        reason = `CLOCK_BEHIND: ${REASONS.CLOCK_BEHIND}(落后 ${Math.round(-ahead / 3_600_000)} 小时)`;
      }
    }
    const values =
      verdict === 'ok'
        ? valuesOf(frame, device, claimed ?? receivedAt, null)
        : valuesOf(frame, device, receivedAt, claimed ?? null);

    let ack: string | null = null;
    let ackCn: string | null = null;
    if (frame.flagBits?.needsAck && !RESPONSE_CNS.has(frame.cn)) {
      if (DATA_UPLOAD_CNS.has(frame.cn)) {
        ack = serialise(buildAck(frame, 'data'));
        ackCn = '9014';
      } else {
        ack = serialise(buildAck(frame, 'request', { qnRtn: QN_RTN.REJECTED }));
        ackCn = '9011';
      }
    }
    return {
      verdict,
      reason,
      mn: frame.mn,
      ack,
      ackCn,
      item: this.frameItem(device, receivedAt, address, raw, {
        cn: frame.cn,
        qn: frame.qn ?? null,
        dataTime: frame.cp.dataTime ?? null,
        verdict,
        reason,
        values,
      }),
    };
  }

  /** A parsed frame of a registered device refused for `code`: stored with its reason, not answered. */
  private refuse(
    code: keyof typeof REASONS,
    frame: Hj212Frame,
    device: DeviceInfo,
    receivedAt: number,
    address: string | null,
    raw: string,
  ): Classified {
    sensorMetrics.rejected.inc({ reason: code });
    const reason = `${code}: ${REASONS[code]}`;
    this.logSome(`${code}:${device.id}`, 'info', { mn: device.mn, address, reason: code }, 'HJ 212 frame refused');
    return {
      verdict: 'rejected',
      reason,
      mn: frame.mn,
      ack: null,
      ackCn: null,
      item: this.frameItem(device, receivedAt, address, raw, {
        cn: frame.cn,
        qn: frame.qn ?? null,
        dataTime: frame.cp.dataTime ?? null,
        verdict: 'rejected',
        reason,
        values: null,
      }),
    };
  }

  private async stranger(mn: string, receivedAt: number, address: string | null): Promise<Classified> {
    sensorMetrics.rejected.inc({ reason: 'UNKNOWN_MN' });
    this.logSome(`stranger:${mn}`, 'warn', { mn, address }, 'HJ 212 frame from an unregistered MN (not stored)');
    const tenantId = await this.strangerTenantId();
    const reason = 'UNKNOWN_MN: 未登记的设备';
    if (!tenantId) return { verdict: 'unknown', reason, mn, ack: null, ackCn: null, item: null };
    return {
      verdict: 'unknown',
      reason,
      mn,
      ack: null,
      ackCn: null,
      item: { type: 'stranger', tenantId, mn, address, receivedAt, done: noop },
    };
  }

  /** Queue a classified item; resolves true once it is stored (then, and only then, ack it). */
  submit(item: WriteItem): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      item.done = this.inOrder ? this.inOrder.add(resolve) : resolve;
      this.laneOf(item).push(item);
    });
  }

  /** A device's frames (an MN's stranger counts) always take the same lane: its rows are never written twice at once. */
  private laneOf(item: WriteItem): WriteQueue {
    const lanes = this.lanes;
    if (lanes.length === 1) return lanes[0] as WriteQueue;
    const key = item.type === 'frame' ? item.device.id : item.mn;
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
    return lanes[(h >>> 0) % lanes.length] as WriteQueue;
  }

  // ---- the batch write ----

  private async flush(batch: WriteItem[]): Promise<void> {
    try {
      await this.writeBatch(batch);
      for (const item of batch) item.done(true);
    } catch (err) {
      if (batch.length > 1) {
        // Isolate the frame that cannot be stored: the others are written one by one.
        this.deps.log.warn({ err, frames: batch.length }, 'sensor batch failed; retrying frame by frame');
        for (const item of batch) await this.flush([item]);
        return;
      }
      const item = batch[0] as WriteItem;
      sensorMetrics.rejected.inc({ reason: 'STORE_FAILED' });
      this.deps.log.error(
        { err, mn: item.type === 'frame' ? item.device.mn : item.mn },
        'sensor frame could not be stored (not acknowledged)',
      );
      item.done(false);
    }
  }

  private async thresholdsFor(tenantId: string): Promise<ThresholdRule[]> {
    const c = this.thresholds.get(tenantId);
    if (c && performance.now() - c.at <= CACHE_TTL_MS) return c.rules;
    const rows = await repo.enabledThresholds(this.deps.database.db, tenantId);
    const rules: ThresholdRule[] = rows.map((r) => ({
      id: r.id,
      siteType: r.siteType,
      pollutant: r.pollutant,
      rule: r.rule as ThresholdRule['rule'],
      limit: r.limit,
      consecutive: r.consecutive,
      level: r.level as ThresholdRule['level'],
    }));
    this.thresholds.set(tenantId, { rules, at: performance.now() });
    return rules;
  }

  private async writeBatch(batch: WriteItem[]): Promise<void> {
    const { deps } = this;
    const frames: FrameItem[] = [];
    const strangers = new Map<
      string,
      { tenantId: string; mn: string; n: number; address: string | null; first: number; last: number }
    >();
    for (const item of batch) {
      if (item.type === 'frame') frames.push(item);
      else {
        const key = `${item.tenantId}|${item.mn}`;
        const s = strangers.get(key);
        if (s) {
          s.n++;
          s.last = Math.max(s.last, item.receivedAt);
          s.address = item.address;
        } else
          strangers.set(key, {
            tenantId: item.tenantId,
            mn: item.mn,
            n: 1,
            address: item.address,
            first: item.receivedAt,
            last: item.receivedAt,
          });
      }
    }

    // Column arrays for the raw frames; the readings grouped into value rows (one per device, kind and time).
    const fc: repo.FrameColumns = {
      tenantId: [],
      deviceId: [],
      receivedAt: [],
      seq: [],
      cn: [],
      qn: [],
      dataTime: [],
      verdict: [],
      reason: [],
      raw: [],
    };
    const groups = new Map<string, ValueGroup>();
    // Every reading of the batch in arrival order (frame f's j-th at f.first + j): is it new — not stored
    // already, not repeated in this batch?
    const fresh: boolean[] = [];
    const tenants = new Set<string>();
    const verdicts = { ok: 0, skewed: 0, rejected: 0 };
    for (const f of frames) {
      verdicts[f.verdict]++;
      tenants.add(f.device.tenantId);
      fc.tenantId.push(f.device.tenantId);
      fc.deviceId.push(f.device.id);
      fc.receivedAt.push(iso(f.receivedAt) as string);
      fc.seq.push(f.seq);
      fc.cn.push(f.cn);
      fc.qn.push(f.qn);
      fc.dataTime.push(f.dataTime !== null && Number.isFinite(f.dataTime) ? iso(f.dataTime) : null);
      fc.verdict.push(f.verdict);
      fc.reason.push(f.reason);
      fc.raw.push(f.raw);
      const v = f.values;
      if (!v) continue;
      f.first = fresh.length;
      for (let j = 0; j < v.codes.length; j++) fresh.push(true);
      const key = `${f.device.id}|${v.kind}|${v.at}`;
      const g = groups.get(key);
      if (!g) {
        groups.set(key, {
          device: f.device,
          kind: v.kind,
          at: v.at,
          claimedAt: v.claimedAt,
          json: v.json,
          frame: f,
          codes: null,
        });
        continue;
      }
      // Another frame of the same device, kind and time in this batch (a resend, or the rest of a split upload):
      // only pollutants not seen yet count.
      const codes = codesOf(g);
      let parts: Record<string, unknown> | null = null;
      for (let j = 0; j < v.codes.length; j++) {
        const code = v.codes[j] as string;
        if (codes.has(code)) {
          fresh[f.first + j] = false;
          continue;
        }
        codes.set(code, f.first + j);
        parts ??= JSON.parse(v.json) as Record<string, unknown>;
        g.json = `${g.json.slice(0, -1)},${jsonString(code)}:${JSON.stringify(parts[code])}}`;
      }
    }
    const rules = new Map<string, ThresholdRule[]>();
    for (const t of tenants) rules.set(t, await this.thresholdsFor(t));
    const thresholdsByType = new Map<string, ThresholdRule[]>();

    const now = deps.clock.now();
    const staged = new Map<string, DeviceRuleState>();
    const stagedAlerts = new Map<string, OpenAlertsEntry>();
    const stagedBuckets = new Map<string, number>();
    const stagedValues = new Map<string, number>();
    let readingsStored = 0;

    await deps.database.db.transaction(async (tx) => {
      await repo.insertFrames(tx, this.engine, fc);
      await this.writeValues(tx, [...groups.values()], fresh, stagedValues);

      // Per device: the hour buckets' deltas from the new valid real-time values, those values themselves
      // (arrival order) for the pollutants a consecutive_rtd rule watches, and the device's own hourly values.
      const perDevice = new Map<string, DeviceBatch>();
      const agg: Agg[] = [];
      for (let i = 0; i < fresh.length; i++) if (fresh[i]) readingsStored++;
      for (const f of frames) {
        const v = f.values;
        if (!v || (v.kind !== 'rtd' && v.kind !== 'hour') || v.usable.length === 0) continue;
        const { kind, at, codes, usable, usableValues } = v;
        const hour = hourOf(at);
        let d: DeviceBatch | null = null;
        for (let k = 0; k < usable.length; k++) {
          const j = usable[k] as number;
          if (!fresh[f.first + j]) continue;
          const pollutant = codes[j] as string;
          const value = usableValues[k] as number;
          if (d === null) {
            d = perDevice.get(f.device.id) ?? null;
            if (d === null) {
              d = deviceBatch(f.device, rules, thresholdsByType);
              perDevice.set(f.device.id, d);
            }
          }
          if (kind === 'hour') {
            d.deviceHours.push({ pollutant, at, value });
            continue;
          }
          if (d.runPollutants.has(pollutant)) d.rtd.push({ pollutant, at, value });
          let list = d.hours.get(pollutant);
          let a: Agg | undefined;
          if (list === undefined) {
            list = [];
            d.hours.set(pollutant, list);
          } else for (const x of list) if (x.at === hour) a = x;
          if (a) {
            a.n++;
            a.sum += value;
            if (value < a.min) a.min = value;
            if (value > a.max) a.max = value;
          } else {
            a = {
              device: f.device,
              series: `${f.device.id}|${pollutant}`,
              pollutant,
              at: hour,
              n: 1,
              sum: value,
              min: value,
              max: value,
            };
            list.push(a);
            agg.push(a);
          }
        }
      }
      const hourTotals = await this.writeAggregates(tx, agg, stagedBuckets);

      if (strangers.size > 0) {
        const s = [...strangers.values()];
        await repo.upsertStrangers(tx, {
          tenantId: s.map((x) => x.tenantId),
          mn: s.map((x) => x.mn),
          frames: s.map((x) => x.n),
          address: s.map((x) => x.address),
          firstAt: s.map((x) => iso(x.first) as string),
          lastAt: s.map((x) => iso(x.last) as string),
        });
      }

      // Device liveness: accepted frames only (a wrong PW proves nothing about the real device).
      const alive = new Map<string, { f: FrameItem; last: number }>();
      for (const f of frames) {
        if (f.verdict === 'rejected') continue;
        const a = alive.get(f.device.id);
        if (!a) alive.set(f.device.id, { f, last: f.receivedAt });
        else {
          a.last = Math.max(a.last, f.receivedAt);
          a.f = f;
        }
      }
      if (alive.size > 0) {
        const list = [...alive.values()];
        const back = await repo.markDevicesOnline(
          tx,
          list.map((x) => x.f.device.tenantId),
          list.map((x) => x.f.device.id),
        );
        await repo.touchDevices(
          tx,
          list.map((x) => x.f.device.tenantId),
          list.map((x) => x.f.device.id),
          list.map((x) => iso(x.last) as string),
          list.map((x) => x.f.address),
        );
        await this.devicesBack(tx, back, alive, now);
      }

      // Threshold rules.
      for (const [deviceId, d] of perDevice) {
        const thresholds = d.thresholds;
        if (thresholds.length === 0 && !this.openAlerts.get(deviceId)?.byThreshold.size) continue;
        const hours = hourTotals.get(deviceId) ?? [];
        const open = await this.openAlertsOf(tx, d.device);
        const state = cloneDeviceRuleState(this.ruleState.get(deviceId) ?? newDeviceRuleState());
        const result = evaluateDevice(
          {
            thresholds,
            intervalSeconds: d.device.intervalSeconds,
            rtd: d.rtd,
            hours,
            deviceHours: d.deviceHours,
            open: [...open.byThreshold.values()],
            now: now.getTime(),
            newId: randomUUID,
          },
          state,
        );
        staged.set(deviceId, state);
        if (result.opened.length === 0 && result.changed.length === 0) continue;
        const next: OpenAlertsEntry = { loadedAt: open.loadedAt, byThreshold: new Map(open.byThreshold) };
        await this.writeAlerts(tx, d.device, result.opened, result.changed, now);
        for (const a of [...result.opened, ...result.changed]) {
          if (a.clearedAt === null) next.byThreshold.set(a.thresholdId, a);
          else if (next.byThreshold.get(a.thresholdId)?.id === a.id) next.byThreshold.delete(a.thresholdId);
        }
        stagedAlerts.set(deviceId, next);
      }
    });

    // Committed: the in-memory rule state follows, and the frames count as stored.
    for (const [k, v] of staged) this.ruleState.set(k, v);
    for (const [k, v] of stagedAlerts) this.openAlerts.set(k, v);
    for (const [k, v] of stagedBuckets) this.lastBucket.set(k, v);
    for (const [k, v] of stagedValues) this.lastValueAt.set(k, v);
    sensorMetrics.batch.observe(batch.length);
    sensorMetrics.readings.inc(readingsStored);
    for (const verdict of ['ok', 'skewed', 'rejected'] as const)
      if (verdicts[verdict] > 0) sensorMetrics.stored.inc({ verdict }, verdicts[verdict]);
  }

  /**
   * Store a batch's value rows. Rows later than any this process stored for the device and kind are new in all
   * likelihood: they go in the cheap way (COPY on PGlite) inside a savepoint. Older ones — a resend, a backlog,
   * another frame of the same time — and all of them if that insert meets an existing key are merged: new keys
   * inserted, existing rows locked and given only the pollutants they lack. Readings already stored get
   * fresh[i] = false (they are neither counted nor aggregated nor evaluated again).
   */
  private async writeValues(tx: Tx, rows: ValueGroup[], fresh: boolean[], staged: Map<string, number>): Promise<void> {
    if (rows.length === 0) return;
    const fast: ValueGroup[] = [];
    const slow: ValueGroup[] = [];
    for (const g of rows) {
      const series = `${g.device.id}|${g.kind}`;
      const last = this.lastValueAt.get(series);
      if (last === undefined || g.at > last) fast.push(g);
      else slow.push(g);
      const prev = staged.get(series) ?? last;
      if (prev === undefined || g.at > prev) staged.set(series, g.at);
    }
    if (fast.length > 0) {
      try {
        await tx.transaction(async (sp) => repo.insertValues(sp, this.engine, valueColumns(fast)));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        slow.push(...fast);
      }
    }
    if (slow.length === 0) return;
    const inserted = await repo.insertValuesSkippingExisting(tx, valueColumns(slow));
    const rest = slow.filter((_, i) => !inserted.has(i));
    if (rest.length === 0) return;
    const stored = await repo.lockValues(tx, valueColumns(rest));
    const additions: ValueGroup[] = [];
    for (let n = 0; n < rest.length; n++) {
      const g = rest[n] as ValueGroup;
      const codes = stored.get(n);
      if (!codes) throw new Error(`sensor_values row ${g.device.id} ${g.kind} ${iso(g.at)} vanished`);
      const have = new Set(codes);
      const parts = JSON.parse(g.json) as Record<string, unknown>;
      let json = '';
      for (const [code, i] of codesOf(g)) {
        if (have.has(code)) fresh[i] = false;
        else json += `${json === '' ? '{' : ','}${jsonString(code)}:${JSON.stringify(parts[code])}`;
      }
      if (json !== '') additions.push({ ...g, json: `${json}}` });
    }
    await repo.addToValues(tx, valueColumns(additions));
  }

  /**
   * Add a batch's hour-bucket deltas. Buckets later than any this process stored for the device and pollutant
   * are new in all likelihood: they are inserted the cheap way (COPY on PGlite) inside a savepoint; known or
   * older buckets, and all of them if that insert meets an existing row, are upserted. Returns the buckets'
   * totals after the write, per device. (Minute buckets are not stored: they are computed when read.)
   */
  private async writeAggregates(
    tx: Tx,
    aggs: Agg[],
    staged: Map<string, number>,
  ): Promise<Map<string, { pollutant: string; at: number; count: number; sum: number }[]>> {
    const totals = new Map<string, { pollutant: string; at: number; count: number; sum: number }[]>();
    const add = (deviceId: string, t: { pollutant: string; at: number; count: number; sum: number }) => {
      const list = totals.get(deviceId);
      if (list) list.push(t);
      else totals.set(deviceId, [t]);
    };
    let fresh: Agg[] = [];
    const known: Agg[] = [];
    for (const a of aggs) {
      const last = this.lastBucket.get(a.series);
      if (last === undefined || a.at > last) fresh.push(a);
      else known.push(a);
    }
    if (fresh.length > 0) {
      try {
        await tx.transaction(async (sp) => repo.insertAggregates(sp, this.engine, aggregateColumns(fresh)));
        for (const a of fresh) add(a.device.id, { pollutant: a.pollutant, at: a.at, count: a.n, sum: a.sum });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        known.push(...fresh);
        fresh = [];
      }
    }
    const hours = await repo.upsertAggregates(tx, aggregateColumns(known), true);
    for (const h of hours)
      add(h.device_id, { pollutant: h.pollutant, at: Number(h.at_ms), count: Number(h.count), sum: Number(h.sum) });
    for (const a of aggs) {
      const prev = staged.get(a.series) ?? this.lastBucket.get(a.series);
      if (prev === undefined || a.at > prev) staged.set(a.series, a.at);
    }
    return totals;
  }

  private async openAlertsOf(tx: Tx, device: DeviceInfo): Promise<OpenAlertsEntry> {
    const c = this.openAlerts.get(device.id);
    if (c && performance.now() - c.loadedAt <= OPEN_ALERTS_TTL_MS) return c;
    const rows = await repo.openBreachAlerts(tx, device.tenantId, [device.id]);
    const byThreshold = new Map<string, RuleAlert>();
    for (const r of rows) {
      if (!r.thresholdId) continue;
      byThreshold.set(r.thresholdId, {
        id: r.id,
        thresholdId: r.thresholdId,
        pollutant: r.pollutant ?? '',
        level: r.level as RuleAlert['level'],
        value: r.value,
        limit: r.limit ?? 0,
        startedAt: r.startedAt.getTime(),
        lastAt: r.lastAt.getTime(),
        occurrences: r.occurrences,
        clearedAt: null,
        caseId: r.caseId,
      });
    }
    const entry = { loadedAt: performance.now(), byThreshold };
    this.openAlerts.set(device.id, entry);
    return entry;
  }

  /** Store opened/changed breach alerts, audit openings and clearings, queue case work for alarms. */
  private async writeAlerts(tx: Tx, device: DeviceInfo, opened: RuleAlert[], changed: RuleAlert[], now: Date) {
    const { deps } = this;
    const ctx = { tenantId: device.tenantId, userId: null, username: GATEWAY_USERNAME };
    const siteId = device.site?.id ?? null;
    await repo.insertAlerts(
      tx,
      opened.map((a) => ({
        tenantId: device.tenantId,
        id: a.id,
        siteId,
        deviceId: device.id,
        kind: 'breach',
        thresholdId: a.thresholdId,
        pollutant: a.pollutant,
        level: a.level,
        value: a.value,
        limit: a.limit,
        startedAt: new Date(a.startedAt),
        lastAt: new Date(a.lastAt),
        occurrences: a.occurrences,
        clearedAt: a.clearedAt === null ? null : new Date(a.clearedAt),
        createdAt: now,
      })),
    );
    for (const a of opened) {
      await recordAudit(tx, deps.clock, ctx, {
        action: 'sensors.alert.open',
        objectType: 'sensor_alert',
        objectId: a.id,
        details: { mn: device.mn, siteId, pollutant: a.pollutant, level: a.level, value: a.value, limit: a.limit },
      });
      if (a.level === 'alarm' && siteId) await scheduleCaseWork(tx, deps, device.tenantId, siteId);
    }
    for (const a of changed) {
      const caseId = await repo.updateAlert(tx, device.tenantId, a.id, {
        value: a.value,
        lastAt: new Date(a.lastAt),
        occurrences: a.occurrences,
        clearedAt: a.clearedAt === null ? null : new Date(a.clearedAt),
      });
      if (a.clearedAt === null) continue;
      await recordAudit(tx, deps.clock, ctx, {
        action: 'sensors.alert.clear',
        objectType: 'sensor_alert',
        objectId: a.id,
        details: { mn: device.mn, siteId, pollutant: a.pollutant, level: a.level, occurrences: a.occurrences },
      });
      if (caseId) {
        const name = POLLUTANTS[a.pollutant]?.zh ?? a.pollutant;
        await appendSensorNote(tx, device.tenantId, caseId, {
          at: now,
          actorId: null,
          actorName: '扬尘监测',
          note: `【监测恢复】${device.site?.name ?? ''} 监测设备 ${device.mn} 的${name}已回落至限值 ${a.limit} 以下(报警共 ${a.occurrences} 次)。`,
          data: { source: 'sensor', alertId: a.id, event: 'cleared' },
        });
      }
    }
  }

  /** Devices back online: their open offline alerts clear (and a case they opened hears of it). */
  private async devicesBack(
    tx: Tx,
    back: { tenant_id: string; id: string }[],
    alive: Map<string, { f: FrameItem; last: number }>,
    now: Date,
  ): Promise<void> {
    for (const b of back) {
      const a = alive.get(b.id);
      if (!a) continue;
      const device = a.f.device;
      const cleared = await repo.clearOfflineAlerts(tx, b.tenant_id, [b.id], new Date(a.last));
      for (const c of cleared) {
        await recordAudit(
          tx,
          this.deps.clock,
          { tenantId: b.tenant_id, userId: null, username: GATEWAY_USERNAME },
          {
            action: 'sensors.alert.clear',
            objectType: 'sensor_alert',
            objectId: c.id,
            details: { mn: device.mn, kind: 'offline' },
          },
        );
        if (c.case_id) {
          await appendSensorNote(tx, b.tenant_id, c.case_id, {
            at: now,
            actorId: null,
            actorName: '扬尘监测',
            note: `【设备恢复】${device.site?.name ?? ''} 监测设备 ${device.mn} 已恢复上报数据。`,
            data: { source: 'sensor', alertId: c.id, event: 'online' },
          });
        }
      }
    }
  }
}

function noop(): void {}

/** A device's part of a batch, for the rules. */
interface DeviceBatch {
  device: DeviceInfo;
  /** The thresholds that apply to the device's site type. */
  thresholds: ThresholdRule[];
  /** Pollutants a consecutive_rtd threshold watches: only their real-time values are kept in `rtd`. */
  runPollutants: Set<string>;
  rtd: { pollutant: string; at: number; value: number }[];
  deviceHours: { pollutant: string; at: number; value: number }[];
  /** pollutant → this batch's hour buckets */
  hours: Map<string, Agg[]>;
}

function deviceBatch(
  device: DeviceInfo,
  rules: Map<string, ThresholdRule[]>,
  byType: Map<string, ThresholdRule[]>,
): DeviceBatch {
  const type = device.site?.type ?? null;
  const key = `${device.tenantId}|${type}`;
  let thresholds = byType.get(key);
  if (!thresholds) {
    thresholds = effectiveThresholds(rules.get(device.tenantId) ?? [], type);
    byType.set(key, thresholds);
  }
  const runPollutants = new Set<string>();
  for (const t of thresholds) if (t.rule === 'consecutive_rtd') runPollutants.add(t.pollutant);
  return { device, thresholds, runPollutants, rtd: [], deviceHours: [], hours: new Map() };
}

/** One hour bucket's delta from a batch. */
interface Agg {
  device: DeviceInfo;
  /** device|pollutant */
  series: string;
  pollutant: string;
  at: number;
  n: number;
  sum: number;
  min: number;
  max: number;
}

/** One sensor_values row of a batch: the readings of one device, kind and time (first frame's first). */
interface ValueGroup {
  device: DeviceInfo;
  kind: FrameValues['kind'];
  at: number;
  claimedAt: number | null;
  /** The readings object as JSON text (pollutant → [value, flag, min, max]). */
  json: string;
  /** The first frame of the row in this batch. */
  frame: FrameItem;
  /** pollutant → index of its reading in the batch's list, made when a second frame or a stored row joins. */
  codes: Map<string, number> | null;
}

/** The pollutants of a value row and where their readings are in the batch's list. */
function codesOf(g: ValueGroup): Map<string, number> {
  if (g.codes === null) {
    g.codes = new Map();
    const { frame } = g;
    const codes = (frame.values as FrameValues).codes;
    for (let j = 0; j < codes.length; j++) g.codes.set(codes[j] as string, frame.first + j);
  }
  return g.codes;
}

function valueColumns(rows: ValueGroup[]): repo.ValueColumns {
  const v: repo.ValueColumns = { tenantId: [], deviceId: [], kind: [], at: [], readings: [], claimedAt: [] };
  for (const g of rows) {
    v.tenantId.push(g.device.tenantId);
    v.deviceId.push(g.device.id);
    v.kind.push(g.kind);
    v.at.push(iso(g.at) as string);
    v.readings.push(g.json);
    v.claimedAt.push(iso(g.claimedAt));
  }
  return v;
}

const jsonStrings = new Map<string, string>();

/** A JSON string literal. Pollutant codes and flags repeat endlessly: the recent ones are remembered. */
function jsonString(s: string): string {
  let j = jsonStrings.get(s);
  if (j === undefined) {
    if (jsonStrings.size >= 10_000) jsonStrings.clear();
    j = JSON.stringify(s);
    jsonStrings.set(s, j);
  }
  return j;
}

/** A number as JSON; NaN and ±Infinity (which JSON lacks) as strings that ::float8 reads back. */
function jsonNumber(v: number | null): string {
  if (v === null) return 'null';
  return Number.isFinite(v) ? String(v) : `"${String(v)}"`;
}

/** One reading as stored: [value, flag, min, max] without trailing nulls (see StoredReading in the schema). */
export function storedReading(r: Pick<Reading, 'value' | 'flag' | 'min' | 'max'>): string {
  const v = r.value !== null && Number.isFinite(r.value) ? String(r.value) : jsonNumber(r.value);
  if (r.max !== null)
    return `[${v},${r.flag === null ? 'null' : jsonString(r.flag)},${jsonNumber(r.min)},${jsonNumber(r.max)}]`;
  if (r.min !== null) return `[${v},${r.flag === null ? 'null' : jsonString(r.flag)},${jsonNumber(r.min)}]`;
  if (r.flag !== null) return `[${v},${jsonString(r.flag)}]`;
  return `[${v}]`;
}

function aggregateColumns(aggs: Agg[]): repo.AggregateColumns {
  const ac: repo.AggregateColumns = {
    tenantId: [],
    deviceId: [],
    pollutant: [],
    bucket: [],
    at: [],
    count: [],
    sum: [],
    min: [],
    max: [],
  };
  for (const a of aggs) {
    ac.tenantId.push(a.device.tenantId);
    ac.deviceId.push(a.device.id);
    ac.pollutant.push(a.pollutant);
    ac.bucket.push('hour');
    ac.at.push(iso(a.at) as string);
    ac.count.push(a.n);
    ac.sum.push(a.sum);
    ac.min.push(a.min);
    ac.max.push(a.max);
  }
  return ac;
}

export interface SensorNote {
  at: Date;
  actorId: string | null;
  actorName: string;
  note: string;
  data: Record<string, unknown>;
}

/**
 * Add a note (kind 'comment') to a case's timeline through the cases module, if the case is still open: the
 * case row is locked first, so the check holds until commit. Returns the event's seq, or null when closed.
 */
export async function appendSensorNote(
  tx: Tx,
  tenantId: string,
  caseId: string,
  e: SensorNote,
): Promise<number | null> {
  if (!(await repo.lockOpenCase(tx, tenantId, caseId))) return null;
  return appendCaseEvent(tx, tenantId, caseId, { ...e, kind: 'comment', note: e.note, photos: [] });
}

/** Make sure the site's alarm alerts get (or join) a case: one pending job per site. */
export async function scheduleCaseWork(tx: Tx, deps: Deps, tenantId: string, siteId: string): Promise<void> {
  const now = deps.clock.now();
  await enqueueJob(
    tx,
    { tenantId, kind: CASE_JOB, payload: { siteId }, runAt: now, dedupeKey: `${CASE_JOB}:${siteId}` },
    now,
  );
}

/** The readings of a data upload, scaled per pollutant, filed at `at`; null when it carries none. */
function valuesOf(frame: Hj212Frame, device: DeviceInfo, at: number, claimedAt: number | null): FrameValues | null {
  const kind = KIND_BY_CN[frame.cn];
  if (!kind) return null;
  const codes: string[] = [];
  const usable: number[] = [];
  const usableValues: number[] = [];
  let json = '';
  const pollutants = frame.cp.pollutants;
  const scales = device.scale;
  let scaled = false;
  for (const _ in scales) {
    scaled = true;
    break;
  }
  const r: Reading = { pollutant: '', value: null, min: null, max: null, flag: null };
  for (const code in pollutants) {
    const pv = pollutants[code] as PollutantValues;
    const scale = scaled ? (scales[code] ?? 1) : 1;
    const v = kind === 'rtd' ? pv.rtd : (pv.avg ?? pv.rtd);
    r.pollutant = code;
    r.value = v === undefined ? null : v * scale;
    r.min = pv.min === undefined ? null : pv.min * scale;
    r.max = pv.max === undefined ? null : pv.max * scale;
    r.flag = pv.flag ?? null;
    if (r.value === null && r.min === null && r.max === null && r.flag === null) continue;
    if (r.value !== null && isValidFlag(r.flag)) {
      usable.push(codes.length);
      usableValues.push(r.value);
    }
    codes.push(code);
    json += `${json === '' ? '{' : ','}${jsonString(code)}:${storedReading(r)}`;
  }
  if (codes.length === 0) return null;
  return { kind, at, claimedAt, codes, json: `${json}}`, usable, usableValues };
}

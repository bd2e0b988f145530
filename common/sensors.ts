/**
 * Construction sites (工地), their dust monitors, alerts, thresholds and dust-control fee accounts
 * (扬尘治理费): request and response schemas shared by the server's routes and the web pages, plus exact
 * money helpers (amounts travel as decimal strings and are computed as integers of fen — never floats).
 */
import { z } from 'zod';
import { ZCrs } from './routing.ts';

// ---- Sites ----

export const SITE_TYPES = ['demolition', 'municipal', 'building', 'road', 'other'] as const;
export const ZSiteType = z.enum(SITE_TYPES, { error: '工地类型应为 拆迁、市政、房建、道路 或 其他' });
export type TSiteType = z.infer<typeof ZSiteType>;
export const SITE_TYPE_LABELS: Record<TSiteType, string> = {
  demolition: '拆迁',
  municipal: '市政',
  building: '房建',
  road: '道路',
  other: '其他',
};
/** The article: "督促各类工地安装空气检测设备,特别是拆迁工地和市政施工工地" — these come first in the lists. */
export const PRIORITY_SITE_TYPES: readonly TSiteType[] = ['demolition', 'municipal'];

export const SITE_STATUSES = ['active', 'suspended', 'finished'] as const;
export const ZSiteStatus = z.enum(SITE_STATUSES);
export type TSiteStatus = z.infer<typeof ZSiteStatus>;
export const SITE_STATUS_LABELS: Record<TSiteStatus, string> = {
  active: '在建',
  suspended: '停工',
  finished: '已完工',
};

/**
 * A site's live status, in this order of precedence:
 * no enabled monitor → no_monitor; an open breach alert of level alarm → alarm; of level warning →
 * warning; no enabled monitor online (all offline or never reported) → offline; otherwise ok.
 */
export const LIVE_STATUSES = ['ok', 'warning', 'alarm', 'offline', 'no_monitor'] as const;
export const ZLiveStatus = z.enum(LIVE_STATUSES);
export type TLiveStatus = z.infer<typeof ZLiveStatus>;
export const LIVE_STATUS_LABELS: Record<TLiveStatus, string> = {
  ok: '正常',
  warning: '预警',
  alarm: '报警',
  offline: '离线',
  no_monitor: '无监测设备',
};
export const LIVE_STATUS_COLOURS: Record<TLiveStatus, string> = {
  ok: '#2e9d4c',
  warning: '#f08c00',
  alarm: '#d9262c',
  offline: '#8c8c8c',
  no_monitor: '#8a3ffc',
};

export const SITE_CODE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label}最多 ${max} 字`)
    .nullish()
    .transform((v) => (v ? v : null));

const ZPhone = z
  .string()
  .trim()
  .max(30, '电话最多 30 位')
  .regex(/^[0-9+\-() ]*$/, '电话只能包含数字、+、-、括号和空格')
  .nullish()
  .transform((v) => (v ? v : null));

const ZDate = z.iso.date({ error: '日期格式应为 YYYY-MM-DD,例如 2026-04-15' });

/** A GeoJSON Polygon or MultiPolygon (WGS-84 unless `crs` says otherwise); rings are checked by the server. */
export const ZOutline = z.union([
  z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(z.array(z.number()))) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(z.array(z.number())))) }),
]);
export type TOutline = z.infer<typeof ZOutline>;

const siteFields = {
  code: z.string().trim().regex(SITE_CODE_RE, '工地编号为 1–64 位字母、数字、下划线、点或连字符,以字母或数字开头'),
  name: z.string().trim().min(1, '请填写工地名称').max(100, '工地名称最多 100 字'),
  siteType: ZSiteType,
  address: z.string().trim().min(1, '请填写地址').max(200, '地址最多 200 字'),
  /** The gate, in `crs` (default WGS-84); stored as WGS-84. */
  lat: z.number().min(-90, '纬度超出范围').max(90, '纬度超出范围'),
  lng: z.number().min(-180, '经度超出范围').max(180, '经度超出范围'),
  outline: ZOutline.nullish(),
  builder: z.string().trim().min(1, '请填写建设/施工单位').max(100, '建设/施工单位最多 100 字'),
  builderContact: optionalText(50, '联系人'),
  builderPhone: ZPhone,
  /** The responsible unit; defaults to the unit owning the grid cell the gate lies in. */
  unitId: z.string().uuid().nullish(),
  permitNo: optionalText(64, '施工许可证号'),
  permitFrom: ZDate.nullish(),
  permitTo: ZDate.nullish(),
  status: ZSiteStatus,
  monitorRequired: z.boolean(),
};

export const ZCreateSite = z.object({
  ...siteFields,
  status: siteFields.status.default('active'),
  monitorRequired: siteFields.monitorRequired.default(true),
  crs: ZCrs.default('wgs84'),
});
export type TCreateSite = z.infer<typeof ZCreateSite>;
export type TCreateSiteInput = z.input<typeof ZCreateSite>;

export const ZPatchSite = z
  .object({
    code: siteFields.code,
    name: siteFields.name,
    siteType: siteFields.siteType,
    address: siteFields.address,
    lat: siteFields.lat,
    lng: siteFields.lng,
    outline: siteFields.outline,
    builder: siteFields.builder,
    builderContact: siteFields.builderContact,
    builderPhone: siteFields.builderPhone,
    unitId: siteFields.unitId,
    permitNo: siteFields.permitNo,
    permitFrom: siteFields.permitFrom,
    permitTo: siteFields.permitTo,
    status: siteFields.status,
    monitorRequired: siteFields.monitorRequired,
    crs: ZCrs,
  })
  .partial();
export type TPatchSite = z.infer<typeof ZPatchSite>;

export const ZLatestValue = z.object({ value: z.number(), at: z.string() }).nullable();

export const ZSite = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  siteType: ZSiteType,
  address: z.string(),
  lat: z.number(),
  lng: z.number(),
  outline: ZOutline.nullable(),
  gridId: z.string().nullable(),
  gridName: z.string().nullable(),
  builder: z.string(),
  builderContact: z.string().nullable(),
  builderPhone: z.string().nullable(),
  unitId: z.string().nullable(),
  unitName: z.string().nullable(),
  permitNo: z.string().nullable(),
  permitFrom: z.string().nullable(),
  permitTo: z.string().nullable(),
  status: ZSiteStatus,
  monitorRequired: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  live: z.object({
    status: ZLiveStatus,
    /** Enabled monitors, and how many of them are online. */
    devices: z.number(),
    onlineDevices: z.number(),
    openAlerts: z.number(),
    /** The latest real-time PM10 (a34002) from any of the site's monitors. */
    latestPm10: ZLatestValue,
  }),
});
export type TSite = z.infer<typeof ZSite>;

export const ZSiteDetail = ZSite.extend({
  /** Cases opened or updated by this site's alerts. */
  cases: z.array(z.object({ id: z.string(), number: z.string(), status: z.string() })),
});
export type TSiteDetail = z.infer<typeof ZSiteDetail>;

export const ZSiteListQuery = z.object({
  type: ZSiteType.optional(),
  /** The live status. */
  status: ZLiveStatus.optional(),
  siteStatus: ZSiteStatus.optional(),
  unitId: z.string().uuid().optional(),
  /** Code, name, address or builder. */
  q: z.string().trim().max(64).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type TSiteListQuery = z.infer<typeof ZSiteListQuery>;

/** A site as a point on the map (every site in scope, not paged). */
export const ZSitePoint = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  siteType: ZSiteType,
  status: ZSiteStatus,
  builder: z.string(),
  unitName: z.string().nullable(),
  lat: z.number(),
  lng: z.number(),
  live: ZSite.shape.live,
});
export type TSitePoint = z.infer<typeof ZSitePoint>;
export const ZSitePoints = z.object({ items: z.array(ZSitePoint) });

/** Why a site that must run a monitor has no working one. */
export const NO_MONITOR_REASONS = ['none', 'never_reported', 'all_offline'] as const;
export const ZNoMonitorReason = z.enum(NO_MONITOR_REASONS);
export type TNoMonitorReason = z.infer<typeof ZNoMonitorReason>;
export const NO_MONITOR_REASON_LABELS: Record<TNoMonitorReason, string> = {
  none: '未登记监测设备',
  never_reported: '设备从未上报数据',
  all_offline: '设备全部离线',
};

export const ZSiteWithoutMonitor = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  siteType: ZSiteType,
  address: z.string(),
  builder: z.string(),
  builderContact: z.string().nullable(),
  builderPhone: z.string().nullable(),
  unitId: z.string().nullable(),
  unitName: z.string().nullable(),
  reason: ZNoMonitorReason,
  /** Enabled monitors registered. */
  devices: z.number(),
  lastFrameAt: z.string().nullable(),
  /** The earliest moment since which every monitor has been offline (all_offline). */
  offlineSince: z.string().nullable(),
});
export type TSiteWithoutMonitor = z.infer<typeof ZSiteWithoutMonitor>;
export const ZSitesWithoutMonitor = z.object({ items: z.array(ZSiteWithoutMonitor), total: z.number() });

// ---- Devices ----

export const DEVICE_STATES = ['online', 'offline', 'never'] as const;
export const ZDeviceState = z.enum(DEVICE_STATES);
export type TDeviceState = z.infer<typeof ZDeviceState>;
export const DEVICE_STATE_LABELS: Record<TDeviceState, string> = {
  online: '在线',
  offline: '离线',
  never: '未上报',
};

/** HJ 212 MN and PW: printable ASCII without the separators = , ; & (as the frame codec accepts). */
const HJ212_TOKEN_RE = /^[!-~]*$/;
const HJ212_SEPARATORS_RE = /[=,;&]/;

export const ZMn = z
  .string()
  .trim()
  .min(1, '请填写设备 MN 号')
  .max(64, 'MN 号最多 64 位')
  .refine(
    (v) => HJ212_TOKEN_RE.test(v) && !HJ212_SEPARATORS_RE.test(v),
    'MN 号只能包含字母、数字和符号(不含空格和 = , ; &)',
  );

const ZDevicePassword = z
  .string()
  .max(64, '访问密码最多 64 位')
  .refine((v) => HJ212_TOKEN_RE.test(v) && !HJ212_SEPARATORS_RE.test(v), '访问密码不能包含空格和 = , ; &')
  .nullish()
  .transform((v) => (v ? v : null));

/** Pollutant code → factor applied to received values (checked against the HJ 212 code table by the server). */
export const ZScaleMap = z.record(
  z.string(),
  z.number().positive('换算系数应大于 0').max(1_000_000, '换算系数过大').finite(),
);

const deviceFields = {
  mn: ZMn,
  siteId: z.string().uuid(),
  name: z.string().trim().min(1, '请填写设备名称').max(64, '设备名称最多 64 字'),
  /** PW as the device sends it; empty = not checked. */
  password: ZDevicePassword,
  allowModbusCrc: z.boolean(),
  scale: ZScaleMap,
  intervalSeconds: z
    .number()
    .int('上报间隔应为整数秒')
    .min(10, '上报间隔至少 10 秒')
    .max(86_400, '上报间隔最多 86400 秒(1 天)'),
  enabled: z.boolean(),
};

export const ZCreateDevice = z.object({
  ...deviceFields,
  allowModbusCrc: deviceFields.allowModbusCrc.default(false),
  scale: deviceFields.scale.default({}),
  intervalSeconds: deviceFields.intervalSeconds.default(60),
  enabled: deviceFields.enabled.default(true),
});
export type TCreateDevice = z.infer<typeof ZCreateDevice>;
export type TCreateDeviceInput = z.input<typeof ZCreateDevice>;

export const ZPatchDevice = z.object(deviceFields).partial();
export type TPatchDevice = z.infer<typeof ZPatchDevice>;

export const ZSensorDevice = z.object({
  id: z.string(),
  mn: z.string(),
  siteId: z.string().nullable(),
  siteName: z.string().nullable(),
  name: z.string(),
  /** The PW itself is not returned. */
  passwordSet: z.boolean(),
  allowModbusCrc: z.boolean(),
  scale: z.record(z.string(), z.number()),
  intervalSeconds: z.number(),
  enabled: z.boolean(),
  state: ZDeviceState,
  lastFrameAt: z.string().nullable(),
  lastSeenAddress: z.string().nullable(),
  offlineSince: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TSensorDevice = z.infer<typeof ZSensorDevice>;

export const ZDeviceListQuery = z.object({
  state: ZDeviceState.optional(),
  siteId: z.string().uuid().optional(),
  enabled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  /** MN or name. */
  q: z.string().trim().max(64).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type TDeviceListQuery = z.infer<typeof ZDeviceListQuery>;

// ---- Readings ----

export const SERIES_BUCKETS = ['minute', 'hour'] as const;
export const ZSeriesBucket = z.enum(SERIES_BUCKETS);
export type TSeriesBucket = z.infer<typeof ZSeriesBucket>;

/** The most points one series returns; longer ranges are combined into wider steps. */
export const SERIES_MAX_POINTS = 1500;
export const DEFAULT_SERIES_POLLUTANTS = ['a34002', 'a34004', 'LA', 'Leq', 'a50001'];

export const ZSeriesQuery = z.object({
  /** Comma-separated HJ 212 codes (default PM10, PM2.5 and the noise codes). */
  pollutants: z.string().trim().max(200).optional(),
  from: z.iso.datetime({ offset: true, error: 'from 应为 ISO 8601 时间' }).optional(),
  to: z.iso.datetime({ offset: true, error: 'to 应为 ISO 8601 时间' }).optional(),
  bucket: ZSeriesBucket.optional(),
});
export type TSeriesQuery = z.infer<typeof ZSeriesQuery>;

export const ZThreshold = z.object({
  id: z.string(),
  siteType: ZSiteType.nullable(),
  pollutant: z.string(),
  pollutantName: z.string(),
  unit: z.string(),
  rule: z.enum(['hour_avg', 'consecutive_rtd']),
  limit: z.number(),
  consecutive: z.number(),
  level: z.enum(['warning', 'alarm']),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TThreshold = z.infer<typeof ZThreshold>;

export const ZSeries = z.object({
  from: z.string(),
  to: z.string(),
  bucket: ZSeriesBucket,
  /** The width of one point: the bucket, or wider when the range would give more than SERIES_MAX_POINTS. */
  stepSeconds: z.number(),
  series: z.array(
    z.object({
      deviceId: z.string(),
      deviceName: z.string(),
      pollutant: z.string(),
      pollutantName: z.string(),
      unit: z.string(),
      /** aggregate: our minute/hour aggregates; rtd: computed from real-time readings; mixed: both. */
      source: z.enum(['aggregate', 'rtd', 'mixed']),
      /** [ISO time of the step's start, average, min, max] */
      points: z.array(z.tuple([z.string(), z.number(), z.number(), z.number()])),
    }),
  ),
  /** The enabled thresholds that apply to this site's type and the requested pollutants. */
  thresholds: z.array(ZThreshold),
});
export type TSeries = z.infer<typeof ZSeries>;

// ---- Alerts ----

export const ALERT_KINDS = ['breach', 'offline'] as const;
export const ZAlertKind = z.enum(ALERT_KINDS);
export type TAlertKind = z.infer<typeof ZAlertKind>;
export const ALERT_KIND_LABELS: Record<TAlertKind, string> = { breach: '超标', offline: '设备离线' };
export const ALERT_LEVELS = ['warning', 'alarm'] as const;
export const ZAlertLevel = z.enum(ALERT_LEVELS);
export type TAlertLevel = z.infer<typeof ZAlertLevel>;
export const ALERT_LEVEL_LABELS: Record<TAlertLevel, string> = { warning: '预警', alarm: '报警' };

export const ZSensorAlert = z.object({
  id: z.string(),
  siteId: z.string().nullable(),
  siteName: z.string().nullable(),
  siteCode: z.string().nullable(),
  deviceId: z.string(),
  deviceMn: z.string().nullable(),
  deviceName: z.string().nullable(),
  kind: ZAlertKind,
  pollutant: z.string().nullable(),
  pollutantName: z.string().nullable(),
  unit: z.string().nullable(),
  level: ZAlertLevel,
  value: z.number().nullable(),
  limit: z.number().nullable(),
  startedAt: z.string(),
  lastAt: z.string(),
  occurrences: z.number(),
  clearedAt: z.string().nullable(),
  open: z.boolean(),
  caseId: z.string().nullable(),
  caseNumber: z.string().nullable(),
});
export type TSensorAlert = z.infer<typeof ZSensorAlert>;

export const ZAlertListQuery = z.object({
  open: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  siteId: z.string().uuid().optional(),
  kind: ZAlertKind.optional(),
  level: ZAlertLevel.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type TAlertListQuery = z.infer<typeof ZAlertListQuery>;

// ---- Thresholds ----

export const THRESHOLD_RULES = ['hour_avg', 'consecutive_rtd'] as const;
export const THRESHOLD_RULE_LABELS: Record<(typeof THRESHOLD_RULES)[number], string> = {
  hour_avg: '小时均值超限',
  consecutive_rtd: '实时值连续超限',
};

const thresholdFields = {
  siteType: ZSiteType.nullable(),
  pollutant: z.string().trim().min(1, '请选择监测因子').max(16),
  rule: z.enum(THRESHOLD_RULES),
  limit: z.number().positive('限值应大于 0').max(1_000_000).finite(),
  consecutive: z.number().int().min(1, '连续次数至少为 1').max(1000, '连续次数最多 1000'),
  level: ZAlertLevel,
  enabled: z.boolean(),
};
export const ZCreateThreshold = z.object({
  ...thresholdFields,
  siteType: thresholdFields.siteType.default(null),
  consecutive: thresholdFields.consecutive.default(1),
  enabled: thresholdFields.enabled.default(true),
});
export type TCreateThreshold = z.infer<typeof ZCreateThreshold>;
export const ZPatchThreshold = z.object(thresholdFields).partial();
export type TPatchThreshold = z.infer<typeof ZPatchThreshold>;

// ---- Money (扬尘治理费) ----

/** Yuan with at most two decimals and at most 12 integer digits (numeric(14,2)); a leading minus allowed. */
export const MONEY_RE = /^-?(0|[1-9]\d{0,11})(\.\d{1,2})?$/;

/** "1234.5" → 123450n (fen). The string must match MONEY_RE. */
export function parseFen(s: string): bigint {
  if (!MONEY_RE.test(s)) throw new Error(`not an amount: ${s}`);
  const neg = s.startsWith('-');
  const [int = '0', frac = ''] = (neg ? s.slice(1) : s).split('.');
  const fen = BigInt(int) * 100n + BigInt(frac.padEnd(2, '0'));
  return neg ? -fen : fen;
}

/** 123450n → "1234.50" (always two decimals, no grouping). */
export function formatFen(fen: bigint): string {
  const neg = fen < 0n;
  const a = neg ? -fen : fen;
  const s = `${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
  return neg ? `-${s}` : s;
}

/** "1234567.5" → "1,234,567.50" for display (string work, no floats; totals may exceed 12 digits). */
export function displayYuan(amount: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!m) return amount;
  const int = (m[2] ?? '0').replace(/^0+(?=\d)/, '');
  const frac = (m[3] ?? '').padEnd(2, '0').slice(0, 2);
  return `${m[1]}${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

export const FEE_KINDS = ['assessed', 'spent', 'adjustment'] as const;
export const ZFeeKind = z.enum(FEE_KINDS);
export type TFeeKind = z.infer<typeof ZFeeKind>;
export const FEE_KIND_LABELS: Record<TFeeKind, string> = {
  assessed: '计提/缴存',
  spent: '治理支出',
  adjustment: '调整',
};

export const FEE_MEASURES = ['netting', 'spraying', 'washing', 'hardening', 'monitoring', 'other'] as const;
export const ZFeeMeasure = z.enum(FEE_MEASURES);
export type TFeeMeasure = z.infer<typeof ZFeeMeasure>;
export const FEE_MEASURE_LABELS: Record<TFeeMeasure, string> = {
  netting: '覆盖防尘网',
  spraying: '喷淋雾炮',
  washing: '车辆冲洗',
  hardening: '道路硬化',
  monitoring: '在线监测',
  other: '其他措施',
};

/**
 * One ledger entry. Amounts are decimal strings (≤ 2 places): assessed and spent > 0; an adjustment
 * (追加 / 核减 of the assessed amount) is non-zero and may be negative. A spending names its measure and
 * carries evidence: a receipt number or at least one photo. Entries are never edited: a correction is
 * another entry.
 */
export const ZCreateFeeEntry = z
  .object({
    kind: ZFeeKind,
    measure: ZFeeMeasure.nullish(),
    amount: z.string({ error: '金额应以字符串提交,例如 "1200.50"' }).trim(),
    occurredOn: ZDate,
    receiptNo: optionalText(64, '票据号'),
    note: optionalText(500, '说明'),
    photos: z.array(z.string().uuid('照片 ID 格式不正确')).max(30, '最多 30 张照片').default([]),
  })
  .superRefine((v, ctx) => {
    if (!MONEY_RE.test(v.amount)) {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: '金额应为数字,最多两位小数、12 位整数,例如 1200 或 1200.50',
      });
    } else {
      const fen = parseFen(v.amount);
      if (v.kind === 'adjustment' && fen === 0n) {
        ctx.addIssue({ code: 'custom', path: ['amount'], message: '调整金额不能为 0' });
      } else if (v.kind !== 'adjustment' && fen <= 0n) {
        ctx.addIssue({ code: 'custom', path: ['amount'], message: '金额应大于 0(只有调整可以为负数)' });
      }
    }
    if (v.kind === 'spent' && !v.measure) {
      ctx.addIssue({ code: 'custom', path: ['measure'], message: '治理支出请选择治理措施' });
    }
    if (v.kind !== 'spent' && v.measure) {
      ctx.addIssue({ code: 'custom', path: ['measure'], message: '只有治理支出需要填写治理措施' });
    }
    if (v.kind === 'spent' && !v.receiptNo && v.photos.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['receiptNo'], message: '治理支出须填写票据号或上传至少一张照片' });
    }
  });
export type TCreateFeeEntry = z.infer<typeof ZCreateFeeEntry>;
export type TCreateFeeEntryInput = z.input<typeof ZCreateFeeEntry>;

export const ZFeeEntry = z.object({
  id: z.string(),
  siteId: z.string(),
  kind: ZFeeKind,
  measure: ZFeeMeasure.nullable(),
  amount: z.string(),
  occurredOn: z.string(),
  receiptNo: z.string().nullable(),
  note: z.string().nullable(),
  photos: z.array(z.string()),
  createdBy: z.string(),
  createdByName: z.string().nullable(),
  createdAt: z.string(),
});
export type TFeeEntry = z.infer<typeof ZFeeEntry>;

/**
 * Totals of an account (decimal strings): netAssessed = assessed + adjustments; balance = netAssessed − spent;
 * spentPercent = spent / netAssessed × 100 with one decimal (null when nothing is assessed).
 */
export const ZFeeTotals = z.object({
  assessed: z.string(),
  adjustments: z.string(),
  netAssessed: z.string(),
  spent: z.string(),
  balance: z.string(),
  spentPercent: z.string().nullable(),
  spentByMeasure: z.array(z.object({ measure: ZFeeMeasure, amount: z.string() })),
});
export type TFeeTotals = z.infer<typeof ZFeeTotals>;

/** Breaches in the last FEE_WARNING_DAYS days and a balance left while less than FEE_WARNING_SPENT_PERCENT % is spent. */
export const FEE_WARNING_DAYS = 30;
export const FEE_WARNING_SPENT_PERCENT = 50;

export const ZFeeWarning = z.object({
  breaches: z.number(),
  lastBreachAt: z.string().nullable(),
  message: z.string(),
});

export const ZFeeAccount = z.object({
  siteId: z.string(),
  entries: z.array(ZFeeEntry),
  totals: ZFeeTotals,
  /** Set when the site is on the warning list (see FEE_WARNING_*). */
  warning: ZFeeWarning.nullable(),
});
export type TFeeAccount = z.infer<typeof ZFeeAccount>;

export const ZFeeAccountRow = z.object({
  site: z.object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    siteType: ZSiteType,
    status: ZSiteStatus,
    builder: z.string(),
    unitName: z.string().nullable(),
  }),
  totals: ZFeeTotals.omit({ spentByMeasure: true }),
  breaches: z.number(),
  lastBreachAt: z.string().nullable(),
  warning: ZFeeWarning.nullable(),
});
export type TFeeAccountRow = z.infer<typeof ZFeeAccountRow>;

export const ZFeeAccountsQuery = z.object({
  q: z.string().trim().max(64).optional(),
  type: ZSiteType.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type TFeeAccountsQuery = z.infer<typeof ZFeeAccountsQuery>;

export const ZFeeWarnings = z.object({
  days: z.number(),
  spentPercentBelow: z.number(),
  items: z.array(ZFeeAccountRow),
});
export type TFeeWarnings = z.infer<typeof ZFeeWarnings>;

/** Tags and small formatters for sites, monitors, alerts and money. */
import { Tag, Tooltip, Typography } from 'antd';
import {
  ALERT_KIND_LABELS,
  ALERT_LEVEL_LABELS,
  DEVICE_STATE_LABELS,
  displayYuan,
  LIVE_STATUS_COLOURS,
  LIVE_STATUS_LABELS,
  NO_MONITOR_REASON_LABELS,
  PRIORITY_SITE_TYPES,
  SITE_STATUS_LABELS,
  SITE_TYPE_LABELS,
  type TAlertKind,
  type TAlertLevel,
  type TDeviceState,
  type TLiveStatus,
  type TNoMonitorReason,
  type TSiteStatus,
  type TSiteType,
} from '../../../../common/sensors.ts';
import { formatDateTime } from '../../format.ts';

export function LiveStatusTag({ status }: { status: TLiveStatus }) {
  return (
    <Tag color={LIVE_STATUS_COLOURS[status]} style={{ marginInlineEnd: 0 }} data-status={status}>
      {LIVE_STATUS_LABELS[status]}
    </Tag>
  );
}

/** 拆迁 and 市政 (the article's "特别是") stand out. */
export function SiteTypeTag({ type }: { type: TSiteType }) {
  return <Tag color={PRIORITY_SITE_TYPES.includes(type) ? 'volcano' : 'blue'}>{SITE_TYPE_LABELS[type]}</Tag>;
}

export function SiteStatusTag({ status }: { status: TSiteStatus }) {
  const colour = status === 'active' ? 'green' : status === 'suspended' ? 'orange' : 'default';
  return <Tag color={colour}>{SITE_STATUS_LABELS[status]}</Tag>;
}

export function DeviceStateTag({ state, enabled = true }: { state: TDeviceState; enabled?: boolean }) {
  if (!enabled) return <Tag>已停用</Tag>;
  const colour = state === 'online' ? 'success' : state === 'offline' ? 'default' : 'warning';
  return <Tag color={colour}>{DEVICE_STATE_LABELS[state]}</Tag>;
}

export function AlertLevelTag({ level, kind }: { level: TAlertLevel; kind: TAlertKind }) {
  if (kind === 'offline') return <Tag color="default">{ALERT_KIND_LABELS.offline}</Tag>;
  return <Tag color={level === 'alarm' ? 'red' : 'orange'}>{ALERT_LEVEL_LABELS[level]}</Tag>;
}

export function ReasonTag({ reason }: { reason: TNoMonitorReason }) {
  const colour = reason === 'none' ? 'purple' : reason === 'never_reported' ? 'gold' : 'default';
  return <Tag color={colour}>{NO_MONITOR_REASON_LABELS[reason]}</Tag>;
}

/** "¥12,345.60" (or "-¥200.00") from an exact decimal string (no floats involved). */
export function Yuan({ amount, strong, danger }: { amount: string; strong?: boolean; danger?: boolean }) {
  const text = displayYuan(amount);
  return (
    <Typography.Text
      strong={strong}
      type={danger ? 'danger' : undefined}
      style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}
    >
      {text.startsWith('-') ? `-¥${text.slice(1)}` : `¥${text}`}
    </Typography.Text>
  );
}

/** "3 分钟前", "2 小时前", "5 天前" with the exact time as a tooltip. */
export function Ago({ at, now = Date.now() }: { at: string | null; now?: number }) {
  if (!at) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Tooltip title={formatDateTime(at)}>
      <span>{agoText(at, now)}</span>
    </Tooltip>
  );
}

export function agoText(at: string, now = Date.now()): string {
  const ms = Math.max(0, now - new Date(at).getTime());
  const min = Math.floor(ms / 60_000);
  if (min < 1) return '刚刚';
  if (min < 60) return `${min} 分钟前`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} 小时前`;
  return `${Math.floor(h / 24)} 天前`;
}

/** "2 小时 15 分" since a moment (how long a monitor has been silent). */
export function durationSince(at: string | null, now = Date.now()): string {
  if (!at) return '—';
  const min = Math.max(0, Math.floor((now - new Date(at).getTime()) / 60_000));
  if (min < 60) return `${min} 分钟`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} 小时 ${min % 60} 分`;
  return `${Math.floor(h / 24)} 天 ${h % 24} 小时`;
}

/** A reading with its unit, one decimal. */
export function reading(value: number | null | undefined, unit: string): string {
  return value === null || value === undefined ? '—' : `${Number(value.toFixed(1))} ${unit}`;
}

/** Codes a construction-site monitor reports (labels for the scale form; the server checks the HJ 212 table). */
export const POLLUTANT_OPTIONS: readonly { value: string; label: string }[] = [
  { value: 'a34001', label: 'a34001 TSP' },
  { value: 'a34002', label: 'a34002 PM10' },
  { value: 'a34004', label: 'a34004 PM2.5' },
  { value: 'a34005', label: 'a34005 PM1.0' },
  { value: 'LA', label: 'LA 噪声(A 声级)' },
  { value: 'Leq', label: 'Leq 噪声(等效声级)' },
  { value: 'a50001', label: 'a50001 噪声(旧编码)' },
  { value: 'a01001', label: 'a01001 温度' },
  { value: 'a01002', label: 'a01002 湿度' },
  { value: 'a01006', label: 'a01006 气压' },
  { value: 'a01007', label: 'a01007 风速' },
  { value: 'a01008', label: 'a01008 风向' },
];

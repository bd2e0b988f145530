/** How cases look: status and due-state tags, severity, deadlines as countdowns, timeline words. */
import { Tag, Tooltip } from 'antd';
import { useEffect, useState } from 'react';
import {
  CASE_STAGE_LABELS,
  CASE_STATUS_LABELS,
  DUE_STATE_LABELS,
  REQUEST_KIND_LABELS,
  type TCaseStage,
  type TCaseStatus,
  type TDueState,
} from '../../../../common/cases.ts';
import { SEVERITY_LABELS, type TSeverity } from '../../../../common/categories.ts';
import { formatDateTime } from '../../format.ts';

export const STATUS_COLORS: Record<TCaseStatus, string> = {
  reported: 'gold',
  registered: 'blue',
  rejected: 'default',
  dispatched: 'geekblue',
  in_progress: 'processing',
  handled: 'cyan',
  returned: 'magenta',
  verified: 'lime',
  closed: 'success',
  parked: 'purple',
  cancelled: 'default',
  merged: 'default',
};

export function StatusTag({ status }: { status: TCaseStatus | string }) {
  const s = status as TCaseStatus;
  return (
    <Tag color={STATUS_COLORS[s] ?? 'default'} style={{ marginInlineEnd: 0 }} data-status={status}>
      {CASE_STATUS_LABELS[s] ?? status}
    </Tag>
  );
}

const SEVERITY_COLORS: Record<TSeverity, string> = { normal: 'default', major: 'orange', urgent: 'red' };

export function SeverityTag({ severity }: { severity: TSeverity }) {
  return (
    <Tag color={SEVERITY_COLORS[severity]} style={{ marginInlineEnd: 0 }}>
      {SEVERITY_LABELS[severity]}
    </Tag>
  );
}

/** "3 小时 20 分" / "2 天 4 小时" / "15 分钟" for a positive span. */
export function formatSpan(ms: number): string {
  const min = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  if (d > 0) return h > 0 ? `${d} 天 ${h} 小时` : `${d} 天`;
  if (h > 0) return m > 0 ? `${h} 小时 ${m} 分` : `${h} 小时`;
  return `${m} 分钟`;
}

/** Re-render every `ms` so countdowns move. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** "剩余 3 小时" or "超期 2 小时" for a deadline, from now. */
export function dueText(dueAt: string | null, now: number): string | null {
  if (!dueAt) return null;
  const left = new Date(dueAt).getTime() - now;
  return left >= 0 ? `剩余 ${formatSpan(left)}` : `超期 ${formatSpan(left)}`;
}

/**
 * The due state as a tag: red when overdue, orange when due soon, green otherwise; the stage and the
 * deadline in the tooltip. Nothing when no clock runs.
 */
export function DueTag({
  dueState,
  dueAt,
  stage,
  now,
  showCountdown = false,
}: {
  dueState: TDueState;
  dueAt: string | null;
  stage?: TCaseStage;
  now?: number;
  showCountdown?: boolean;
}) {
  if (dueState === 'none' || !dueAt) return <span className="gc-muted">—</span>;
  const color = dueState === 'overdue' ? 'red' : dueState === 'due_soon' ? 'orange' : 'green';
  const countdown = showCountdown ? dueText(dueAt, now ?? Date.now()) : null;
  return (
    <Tooltip
      title={`${stage && stage !== 'none' ? `${CASE_STAGE_LABELS[stage]}时限 ` : '时限 '}${formatDateTime(dueAt)}`}
    >
      <Tag color={color} style={{ marginInlineEnd: 0 }} data-due={dueState}>
        {DUE_STATE_LABELS[dueState]}
        {countdown ? ` · ${countdown}` : ''}
      </Tag>
    </Tooltip>
  );
}

/** What each move of the loop is called on the timeline, by its action (cases.states.ts) or target status. */
const ACTION_LABELS: Record<string, string> = {
  register: '立案',
  reject: '不予立案',
  dispatch: '派遣',
  accept: '签收',
  handle: '处置完成',
  verify: '核查通过',
  return: '返工',
  close: '结案',
  park: '挂账',
  unpark: '恢复办理',
  merge: '合并到重复案件',
  cancel: '撤销',
};
const ACTION_BY_TARGET: Partial<Record<TCaseStatus, string>> = {
  registered: '立案',
  rejected: '不予立案',
  dispatched: '派遣',
  in_progress: '签收',
  handled: '处置完成',
  returned: '返工',
  verified: '核查通过',
  closed: '结案',
  parked: '挂账',
  cancelled: '撤销',
  merged: '合并',
};

const EVENT_KIND_LABELS: Record<string, string> = {
  created: '上报',
  merged: '合并重复案件',
  supervised: '督办',
  reassigned: '改派',
  deadline: '时限变化',
  comment: '备注',
};

interface EventLike {
  kind: string;
  fromStatus: string | null;
  toStatus: string | null;
  data?: Record<string, unknown>;
}

/** The title of a timeline event ("派遣", "签收", "上报", "批准延期申请" …). */
export function eventTitle(e: EventLike): string {
  const d = e.data ?? {};
  if (e.kind === 'transition') {
    const action = typeof d.action === 'string' ? ACTION_LABELS[d.action] : undefined;
    if (action) return action;
    if (e.fromStatus === 'parked' && e.toStatus === 'dispatched') return '恢复办理';
    if (e.toStatus) return ACTION_BY_TARGET[e.toStatus as TCaseStatus] ?? statusLabel(e.toStatus);
  }
  const kind = typeof d.kind === 'string' ? (REQUEST_KIND_LABELS as Record<string, string>)[d.kind] : undefined;
  if (e.kind === 'request') return `提出${kind ?? '申请'}`;
  if (e.kind === 'decision') return `${d.approve === false ? '驳回' : '批准'}${kind ?? '申请'}`;
  return EVENT_KIND_LABELS[e.kind] ?? e.kind;
}

export function statusLabel(s: string | null): string {
  return s ? (CASE_STATUS_LABELS[s as TCaseStatus] ?? s) : '—';
}

/** "1.2 公里" / "350 米". */
export function formatDistance(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(1)} 公里` : `${Math.round(m)} 米`;
}

/** Great-circle distance in metres between two WGS-84 points. */
export function distanceM(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const R = 6_371_008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Short byte sizes for photos. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}

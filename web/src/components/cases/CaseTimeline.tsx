/** The case's history: every event with who, when, from → to, the note and the photos taken with it. */
import { Empty, Image, Space, Timeline, Typography } from 'antd';
import type { TCaseDetail } from '../../../../common/cases.ts';
import { CASE_SOURCE_LABELS, type TCaseSource } from '../../../../common/categories.ts';
import { formatDateTime } from '../../format.ts';
import { eventTitle, StatusTag } from './caseFormat.tsx';

type TEvent = TCaseDetail['events'][number];

function colorOf(e: TEvent): string {
  if (e.kind === 'supervised') return 'red';
  if (e.kind !== 'transition') return e.kind === 'created' ? 'blue' : 'gray';
  switch (e.toStatus) {
    case 'returned':
    case 'rejected':
    case 'cancelled':
      return 'red';
    case 'closed':
    case 'verified':
      return 'green';
    default:
      return 'blue';
  }
}

/** Words for what the event's data says, where it tells a person something (new unit, dates, round …). */
function dataLine(e: TEvent): string | null {
  const d = e.data ?? {};
  const text = (k: string) => (typeof d[k] === 'string' && d[k] ? (d[k] as string) : null);
  const parts: string[] = [];
  if (e.kind === 'created' && typeof d.source === 'string')
    parts.push(`来源:${CASE_SOURCE_LABELS[d.source as TCaseSource] ?? d.source}`);
  if (e.kind === 'reassigned' && text('toUnitName')) parts.push(`改由:${text('toUnitName')}`);
  if (e.kind === 'decision' && text('unitName')) parts.push(`改由:${text('unitName')}`);
  if (text('suggestedUnitName')) parts.push(`建议单位:${text('suggestedUnitName')}`);
  if (text('requestedDue')) parts.push(`申请延至 ${formatDateTime(text('requestedDue'))}`);
  if (text('newDue')) parts.push(`新时限 ${formatDateTime(text('newDue'))}`);
  if (text('reviewDate')) parts.push(`复查日期 ${formatDateTime(text('reviewDate'))}`);
  if (e.kind === 'request' && text('decideBy')) parts.push(`须于 ${formatDateTime(text('decideBy'))} 前决定`);
  if (typeof d.round === 'number') parts.push(`第 ${d.round} 次返工`);
  const ref = (k: string) => {
    const v = d[k] as { number?: unknown } | undefined;
    return v && typeof v.number === 'string' ? v.number : null;
  };
  if (ref('mergeInto')) parts.push(`合并到 ${ref('mergeInto')}`);
  if (ref('merged')) parts.push(`并入 ${ref('merged')}`);
  return parts.length ? parts.join(' · ') : null;
}

export function CaseTimeline({ detail }: { detail: TCaseDetail }) {
  const byId = new Map(detail.photos.map((p) => [p.id, p]));
  if (detail.events.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无记录" />;
  const events = [...detail.events].sort((a, b) => a.seq - b.seq);
  return (
    <div data-testid="case-timeline">
      <Timeline
        items={events.map((e) => {
          const line = dataLine(e);
          return {
            key: e.seq,
            color: colorOf(e),
            content: (
              <div data-testid="timeline-event" data-kind={e.kind} data-to={e.toStatus ?? ''}>
                <Space size={6} wrap>
                  <Typography.Text strong>{eventTitle(e)}</Typography.Text>
                  {e.fromStatus && e.toStatus && (
                    <span>
                      <StatusTag status={e.fromStatus} /> → <StatusTag status={e.toStatus} />
                    </span>
                  )}
                </Space>
                <div className="gc-event-meta">
                  {e.actor.name} · {formatDateTime(e.at)}
                </div>
                {line && <div className="gc-event-meta">{line}</div>}
                {e.note && <div className="gc-event-note">{e.note}</div>}
                {e.photos.length > 0 && (
                  <Image.PreviewGroup>
                    <div className="gc-event-photos">
                      {e.photos.map((id) => {
                        const p = byId.get(id);
                        return (
                          <Image
                            key={id}
                            src={p?.thumbUrl ?? `/api/v1/media/${id}/thumb`}
                            preview={{ src: p?.url ?? `/api/v1/media/${id}` }}
                            alt="照片"
                          />
                        );
                      })}
                    </div>
                  </Image.PreviewGroup>
                )}
              </div>
            ),
          };
        })}
      />
    </div>
  );
}

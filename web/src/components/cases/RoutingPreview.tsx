/**
 * Before a case is sent: who will get it (GET /api/v1/routing/explain for the point and category) and
 * the open cases of the same category nearby (GET /api/v1/cases/nearby), so a worker does not report
 * the same broken sign twice.
 */
import { NodeIndexOutlined, WarningOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Skeleton, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import type { TSeverity } from '../../../../common/categories.ts';
import type { TExplanation } from '../../../../common/routing.ts';
import { ApiError, api } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { formatLimit } from '../categories/categoryFormat.ts';
import { errorMessage } from '../ErrorAlert.tsx';
import { VIA_LABELS } from '../routing/routingFormat.tsx';
import type { TNearbyCase } from './caseApi.ts';
import { formatDistance, StatusTag } from './caseFormat.tsx';

interface Props {
  point: { lat: number; lng: number };
  category: string;
  severity: TSeverity;
}

export function RoutingPreview({ point, category, severity }: Props) {
  const lat = Number(point.lat.toFixed(7));
  const lng = Number(point.lng.toFixed(7));
  const q = useQuery({
    queryKey: ['routing', 'explain', { lat, lng, category, severity }],
    queryFn: () => api.get<TExplanation>('/api/v1/routing/explain', { lat, lng, crs: 'wgs84', category, severity }),
    staleTime: 60_000,
    retry: false,
  });
  let body: React.ReactNode;
  if (q.isPending) body = <Skeleton active paragraph={{ rows: 2 }} title={false} />;
  else if (q.isError)
    body = (
      <Typography.Text type="secondary">
        {q.error instanceof ApiError && q.error.status === 403
          ? '无权查看责任归属'
          : `暂无法预判:${errorMessage(q.error)}`}
      </Typography.Text>
    );
  else {
    const x = q.data;
    if (!x.inside)
      body = (
        <Alert type="warning" showIcon title={x.reason ?? '该位置不在本辖区网格范围内'} data-testid="routing-outside" />
      );
    else
      body = (
        <Space orientation="vertical" size={4} style={{ width: '100%' }} data-testid="routing-preview">
          <Typography.Text>
            将派往:
            <Typography.Text strong>
              {x.responsible ? x.responsible.unit.name : '待指挥部指定'}
              {x.responsible?.person ? ` · ${x.responsible.person.name}` : ''}
            </Typography.Text>
            {x.deadline && (
              <>
                ,处置时限 <Typography.Text strong>{formatLimit(x.deadline.limit)}</Typography.Text>
                <Typography.Text type="secondary">(若现在立案,{formatDateTime(x.deadline.at)} 前)</Typography.Text>
              </>
            )}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 13 }}>
            {x.hq ? `牵头指挥部:${x.hq.name}` : '未指定牵头指挥部'}
            {x.grid ? ` · 网格:${x.grid.name}` : ''}
            {x.community ? ` · ${x.community.name}` : ''}
          </Typography.Text>
          {x.responsible && (
            <Typography.Text type="secondary" style={{ fontSize: 13 }}>
              依据:<Tag color={VIA_LABELS[x.responsible.via].color}>{VIA_LABELS[x.responsible.via].text}</Tag>
              {x.responsible.rule?.description ?? ''}
            </Typography.Text>
          )}
        </Space>
      );
  }
  return (
    <Card
      size="small"
      title={
        <span>
          <NodeIndexOutlined /> 责任预判
        </span>
      }
    >
      {body}
    </Card>
  );
}

/** Open same-category cases near the point (the server's window: 24 hours). Renders nothing when there are none. */
export function NearbyCases({ point, category }: { point: { lat: number; lng: number }; category: string }) {
  const lat = Number(point.lat.toFixed(6));
  const lng = Number(point.lng.toFixed(6));
  const q = useQuery({
    queryKey: ['cases', 'nearby', { lat, lng, category }],
    queryFn: () => api.get<{ items: TNearbyCase[] }>('/api/v1/cases/nearby', { lat, lng, crs: 'wgs84', category }),
    staleTime: 30_000,
    retry: false,
  });
  const items = q.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      icon={<WarningOutlined />}
      data-testid="nearby-cases"
      title="附近 24 小时内已有同类问题"
      description={
        <div>
          <div style={{ marginBottom: 4 }}>请先确认是否为同一问题;如是,可不再上报或在备注中补充。</div>
          {items.map((c) => (
            <div key={c.id}>
              <Link to={`/cases/${c.id}`} target="_blank">
                {c.number}
              </Link>{' '}
              <StatusTag status={c.status} /> 相距 {formatDistance(c.distanceM)} · {formatDateTime(c.reportedAt)}
            </div>
          ))}
        </div>
      }
    />
  );
}

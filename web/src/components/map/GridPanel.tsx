/**
 * The side panel of the map: the selected cell (GET /api/v1/grids/:id) — code, name, community,
 * subdistrict, grid leader and workers — and who is responsible there for each category group
 * (GET /api/v1/routing/explain). The explanation is optional: when the routing API is missing or
 * refuses, the panel says so and still shows the cell.
 */
import { AimOutlined, CloseOutlined, NodeIndexOutlined, UserOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Empty, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { TGridDetail } from '../../../../common/grids.ts';
import type { TExplanation } from '../../../../common/routing.ts';
import { ApiError, api } from '../../api.ts';
import { errorMessage } from '../ErrorAlert.tsx';

const VIA_WORDS: Record<string, string> = {
  rule: '责任矩阵规则',
  category_lead: '分类牵头单位',
  grid_owner: '网格属地',
};

function formatArea(m2: number): string {
  return m2 >= 100_000 ? `${(m2 / 1_000_000).toFixed(2)} 平方公里` : `${Math.round(m2).toLocaleString('zh-CN')} 平方米`;
}

function Explanation({ lng, lat }: { lng: number; lat: number }) {
  const q = useQuery({
    queryKey: ['routing', 'explain', lng.toFixed(7), lat.toFixed(7)],
    queryFn: () => api.get<TExplanation>('/api/v1/routing/explain', { lat, lng, crs: 'wgs84' }),
    retry: false,
    staleTime: 60_000,
  });
  if (q.isPending) return <Skeleton active paragraph={{ rows: 3 }} />;
  if (q.isError) {
    const e = q.error;
    const unavailable = e instanceof ApiError && (e.status === 404 || e.status === 0 || e.status >= 500);
    const forbidden = e instanceof ApiError && e.status === 403;
    return (
      <Alert
        type={forbidden || unavailable ? 'info' : 'warning'}
        showIcon
        title={unavailable ? '责任解析暂不可用' : forbidden ? '无权查看责任解析' : '责任解析失败'}
        description={unavailable ? '责任矩阵服务尚未就绪,网格信息不受影响。' : errorMessage(e)}
        data-testid="explain-unavailable"
      />
    );
  }
  const x = q.data;
  if (!x.inside) return <Alert type="warning" showIcon title={x.reason ?? '该位置不在本辖区网格范围内'} />;
  const groups = Array.isArray(x.groups) ? x.groups : [];
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="explain-result">
      {x.responsible && (
        <Typography.Text>
          属地责任:<Typography.Text strong>{x.responsible.unit.name}</Typography.Text>
          {x.responsible.person && <> · {x.responsible.person.name}</>}
        </Typography.Text>
      )}
      {groups.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="没有按大类的责任规则" />
      ) : (
        <Table
          size="small"
          pagination={false}
          rowKey="code"
          dataSource={groups}
          columns={[
            { title: '问题大类', dataIndex: 'name', width: 110 },
            {
              title: '责任单位 / 责任人',
              render: (_: unknown, g: (typeof groups)[number]) => (
                <span>
                  {g.responsible.unit.name}
                  {g.responsible.person ? ` · ${g.responsible.person.name}` : ''}
                  <br />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {VIA_WORDS[g.responsible.via] ?? g.responsible.via}
                    {g.responsible.rule ? `:${g.responsible.rule.description}` : ''}
                  </Typography.Text>
                </span>
              ),
            },
          ]}
        />
      )}
    </Space>
  );
}

export function GridPanel({
  gridId,
  point,
  onClose,
  onZoom,
}: {
  gridId: string;
  /** Where the user clicked (WGS-84); the cell's label point when chosen by search. */
  point: { lng: number; lat: number } | null;
  onClose: () => void;
  onZoom: (bbox: [number, number, number, number]) => void;
}) {
  const q = useQuery({
    queryKey: ['grids', 'detail', gridId],
    queryFn: () => api.get<TGridDetail>(`/api/v1/grids/${gridId}`),
    staleTime: 30_000,
  });
  const d = q.data;
  const at = point ?? (d ? { lng: d.labelPoint[0], lat: d.labelPoint[1] } : null);
  return (
    <Card
      className="gc-map-panel"
      size="small"
      data-testid="grid-panel"
      title={
        <Space size={6}>
          <span>{d?.name ?? '网格详情'}</span>
          {d?.isDemo && <Tag color="orange">演示</Tag>}
        </Space>
      }
      extra={
        <Space size={0}>
          {d && (
            <Button
              type="text"
              size="small"
              icon={<AimOutlined />}
              title="定位到该网格"
              onClick={() => onZoom(d.bbox)}
            />
          )}
          <Button type="text" size="small" icon={<CloseOutlined />} title="关闭" onClick={onClose} />
        </Space>
      }
    >
      {q.isPending ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : q.isError ? (
        <Alert type="error" showIcon title="网格信息加载失败" description={errorMessage(q.error)} />
      ) : d ? (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              {
                key: 'code',
                label: '网格编码',
                children: (
                  <Typography.Text code copyable>
                    {d.code}
                  </Typography.Text>
                ),
              },
              { key: 'name', label: '网格名称', children: d.name },
              {
                key: 'community',
                label: '所属社区',
                children: d.unit?.name ?? <Typography.Text type="secondary">未指定</Typography.Text>,
              },
              {
                key: 'subdistrict',
                label: '所属办事处',
                children: d.subdistrict?.name ?? <Typography.Text type="secondary">—</Typography.Text>,
              },
              {
                key: 'leader',
                label: '网格长',
                children: d.leader ? (
                  <span>
                    <UserOutlined /> {d.leader.name}
                    {d.leader.phone ? ` · ${d.leader.phone}` : ''}
                  </span>
                ) : (
                  <Typography.Text type="secondary">未设置</Typography.Text>
                ),
              },
              {
                key: 'workers',
                label: '网格员',
                children:
                  d.workers.length > 0 ? (
                    <span className="gc-tags">
                      {d.workers.map((w) => (
                        <Tag key={w.id} style={{ marginInlineEnd: 0 }}>
                          {w.name}
                        </Tag>
                      ))}
                    </span>
                  ) : (
                    <Typography.Text type="secondary">未设置</Typography.Text>
                  ),
              },
              { key: 'area', label: '面积', children: formatArea(d.areaM2) },
            ]}
          />
          <div>
            <Typography.Title level={5} style={{ margin: '0 0 8px', fontSize: 14 }}>
              <NodeIndexOutlined /> 责任归属(按问题大类)
            </Typography.Title>
            {at ? <Explanation lng={at.lng} lat={at.lat} /> : null}
          </div>
        </Space>
      ) : null}
    </Card>
  );
}

/**
 * /sites/:id 工地详情: the site (who builds it, who answers for it, its permit), where it is, its live
 * status, 24-hour charts of PM10, PM2.5 and noise with the threshold lines, its monitors, alerts, the
 * dust-fee account, and the cases its alerts opened. Live parts refresh every 30 s.
 */
import { ArrowLeftOutlined, EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  List,
  Row,
  Space,
  Statistic,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { TSensorDevice, TSeries, TSiteDetail } from '../../../common/sensors.ts';
import { StatusTag } from '../components/cases/caseFormat.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError, PageLoading } from '../components/QueryState.tsx';
import { AlertsTable } from '../components/sensors/AlertTables.tsx';
import { DeviceFormModal } from '../components/sensors/DeviceFormModal.tsx';
import { FeeAccountCard } from '../components/sensors/FeeViews.tsx';
import { SiteFormDrawer } from '../components/sensors/SiteFormDrawer.tsx';
import {
  Ago,
  DeviceStateTag,
  LiveStatusTag,
  reading,
  SiteStatusTag,
  SiteTypeTag,
} from '../components/sensors/sensorFormat.tsx';
import { LIVE_REFRESH_MS, useSite, useSiteDevices, useSiteSeries } from '../components/sensors/sensorsApi.ts';
import { formatDateTime } from '../format.ts';
import { useSession } from '../session.tsx';
import '../components/sensors/sensors.css';

const CasePointMap = lazy(() => import('../components/cases/CasePointMap.tsx'));
const SiteChart = lazy(() => import('../components/sensors/SiteChart.tsx'));

const NOISE = ['LA', 'Leq', 'a50001'];
const CHARTS: { key: string; title: string; unit: string; codes: string[] }[] = [
  { key: 'pm10', title: 'PM10', unit: 'μg/m³', codes: ['a34002'] },
  { key: 'pm25', title: 'PM2.5', unit: 'μg/m³', codes: ['a34004'] },
  { key: 'noise', title: '噪声', unit: 'dB(A)', codes: NOISE },
];

function Charts({ data }: { data: TSeries }) {
  return (
    <Row gutter={[16, 16]}>
      {CHARTS.map((c) => {
        const series = data.series.filter((s) => c.codes.includes(s.pollutant));
        const thresholds = data.thresholds.filter((t) => c.codes.includes(t.pollutant));
        const latest = series
          .map((s) => s.points[s.points.length - 1])
          .filter((p): p is [string, number, number, number] => !!p)
          .sort((a, b) => b[0].localeCompare(a[0]))[0];
        return (
          <Col key={c.key} xs={24} xl={12} xxl={8}>
            <div data-testid={`chart-${c.key}`}>
              <Space style={{ marginBottom: 4 }} size={12}>
                <Typography.Text strong>
                  {c.title}({c.unit})
                </Typography.Text>
                {latest && (
                  <Typography.Text type="secondary">
                    最新 {reading(latest[1], c.unit)} · {formatDateTime(latest[0]).slice(11, 16)}
                  </Typography.Text>
                )}
              </Space>
              {series.length === 0 ? (
                <Empty
                  image={Empty.PRESENTED_IMAGE_SIMPLE}
                  description="近 24 小时无数据"
                  style={{ height: 230, paddingTop: 50, margin: 0 }}
                />
              ) : (
                <Suspense fallback={<div className="gc-site-chart" />}>
                  <SiteChart
                    series={series}
                    thresholds={thresholds}
                    from={data.from}
                    to={data.to}
                    unit={c.unit}
                    testId={`site-chart-${c.key}`}
                  />
                </Suspense>
              )}
            </div>
          </Col>
        );
      })}
    </Row>
  );
}

function DevicesCard({ site }: { site: TSiteDetail }) {
  const { can } = useSession();
  const devices = useSiteDevices(site.id);
  const [form, setForm] = useState<{ open: boolean; editing: TSensorDevice | null }>({ open: false, editing: null });
  const columns: TableColumnsType<TSensorDevice> = [
    { title: 'MN 号', dataIndex: 'mn', width: 190, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: '名称', dataIndex: 'name' },
    {
      title: '状态',
      key: 'state',
      width: 90,
      render: (_, d) => <DeviceStateTag state={d.state} enabled={d.enabled} />,
    },
    { title: '最后上报', dataIndex: 'lastFrameAt', width: 120, render: (v: string | null) => <Ago at={v} /> },
    { title: '上报间隔', dataIndex: 'intervalSeconds', width: 90, render: (v: number) => `${v} 秒` },
    {
      title: '换算',
      key: 'scale',
      width: 160,
      render: (_, d) =>
        Object.keys(d.scale).length
          ? Object.entries(d.scale)
              .map(([k, v]) => `${k}×${v}`)
              .join('、')
          : '—',
    },
    ...(can('sensors.write')
      ? [
          {
            title: '',
            key: 'edit',
            width: 70,
            render: (_: unknown, d: TSensorDevice) => (
              <Button size="small" type="link" onClick={() => setForm({ open: true, editing: d })}>
                修改
              </Button>
            ),
          },
        ]
      : []),
  ];
  return (
    <Card
      variant="borderless"
      title="监测设备"
      extra={
        can('sensors.write') && (
          <Button
            icon={<PlusOutlined />}
            onClick={() => setForm({ open: true, editing: null })}
            data-testid="device-new"
          >
            登记设备
          </Button>
        )
      }
    >
      {devices.isError ? (
        <LoadError error={devices.error} onRetry={() => devices.refetch()} />
      ) : (
        <Table<TSensorDevice>
          rowKey="id"
          size="small"
          loading={devices.isPending}
          columns={columns}
          dataSource={devices.data?.items ?? []}
          pagination={false}
          scroll={{ x: 800 }}
          data-testid="site-devices"
          locale={{
            emptyText: site.monitorRequired ? (
              <Typography.Text type="danger">未安装扬尘监测设备:该工地须安装,请督促施工单位安装并登记</Typography.Text>
            ) : (
              '未登记监测设备'
            ),
          }}
        />
      )}
      <DeviceFormModal
        // A fresh form per device: antd keeps a form's values over new initial values.
        key={form.open ? (form.editing?.id ?? 'new') : 'closed'}
        open={form.open}
        siteId={site.id}
        editing={form.editing}
        onClose={() => setForm({ open: false, editing: null })}
      />
    </Card>
  );
}

export function SitePage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const { can } = useSession();
  const site = useSite(id);
  const series = useSiteSeries(id);
  const [editing, setEditing] = useState(false);
  const point = useMemo(() => (site.data ? { lat: site.data.lat, lng: site.data.lng } : null), [site.data]);

  // ?tab=fees (from the fee overview): bring the account into view once the page is there.
  const toFees = search.get('tab') === 'fees';
  const loaded = !!site.data;
  useEffect(() => {
    if (toFees && loaded) document.getElementById('site-fees')?.scrollIntoView({ block: 'start' });
  }, [toFees, loaded]);

  if (site.isPending) return <PageLoading rows={12} />;
  if (site.isError) return <LoadError error={site.error} onRetry={() => site.refetch()} />;
  const s = site.data;

  return (
    <div className="gc-page" data-testid="site-page">
      <PageHeader
        title={s.name}
        tags={
          <Space size={4}>
            <LiveStatusTag status={s.live.status} />
            <SiteTypeTag type={s.siteType} />
            <SiteStatusTag status={s.status} />
          </Space>
        }
        description={`${s.code} · ${s.address}`}
        extra={
          <Space>
            <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/sites?tab=list')}>
              工地列表
            </Button>
            <Button
              icon={<ReloadOutlined />}
              onClick={() => {
                site.refetch();
                series.refetch();
              }}
              loading={site.isFetching || series.isFetching}
            >
              刷新
            </Button>
            {can('sensors.write') && (
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
                修改
              </Button>
            )}
          </Space>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={15}>
          <Card variant="borderless" title="基本信息" style={{ height: '100%' }}>
            <Descriptions
              column={{ xs: 1, md: 2 }}
              size="small"
              items={[
                { key: 'builder', label: '建设/施工单位', children: s.builder, span: 2 },
                {
                  key: 'contact',
                  label: '联系人',
                  children: [s.builderContact, s.builderPhone].filter(Boolean).join(' ') || '—',
                },
                { key: 'unit', label: '责任单位', children: s.unitName ?? '—' },
                { key: 'grid', label: '所在网格', children: s.gridName ?? '—' },
                {
                  key: 'monitor',
                  label: '扬尘监测',
                  children: s.monitorRequired ? <Tag color="volcano">须安装</Tag> : <Tag>不要求</Tag>,
                },
                { key: 'permitNo', label: '施工许可证', children: s.permitNo ?? '—' },
                {
                  key: 'permit',
                  label: '许可期限',
                  children: s.permitFrom || s.permitTo ? `${s.permitFrom ?? '…'} 至 ${s.permitTo ?? '…'}` : '—',
                },
                { key: 'updated', label: '更新时间', children: formatDateTime(s.updatedAt) },
              ]}
            />
            <Row gutter={16} style={{ marginTop: 16 }}>
              <Col span={8}>
                <Statistic
                  title="最新 PM10"
                  value={s.live.latestPm10 ? s.live.latestPm10.value : '—'}
                  precision={s.live.latestPm10 ? 1 : undefined}
                  suffix={s.live.latestPm10 ? 'μg/m³' : undefined}
                />
                {s.live.latestPm10 && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    <Ago at={s.live.latestPm10.at} />
                  </Typography.Text>
                )}
              </Col>
              <Col span={8}>
                <Statistic
                  title="设备在线"
                  value={s.live.onlineDevices}
                  suffix={`/ ${s.live.devices} 台`}
                  styles={{ content: { color: s.live.devices && !s.live.onlineDevices ? '#8c8c8c' : undefined } }}
                />
              </Col>
              <Col span={8}>
                <Statistic
                  title="未解除报警"
                  value={s.live.openAlerts}
                  styles={{ content: { color: s.live.openAlerts ? '#d9262c' : undefined } }}
                />
              </Col>
            </Row>
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <Card variant="borderless" title="位置" styles={{ body: { padding: 8 } }} style={{ height: '100%' }}>
            <Suspense fallback={<div style={{ height: 300 }} />}>
              <CasePointMap point={point} highlightCode={null} height={300} testId="site-point-map" />
            </Suspense>
          </Card>
        </Col>
        <Col span={24}>
          <Card
            variant="borderless"
            title="近 24 小时监测数据"
            extra={
              <Typography.Text type="secondary">
                每 {LIVE_REFRESH_MS / 1000} 秒刷新 · 虚线为报警/预警阈值
              </Typography.Text>
            }
          >
            {s.live.devices === 0 && (series.data?.series.length ?? 0) === 0 ? (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={s.monitorRequired ? '该工地尚未安装扬尘监测设备,没有监测数据' : '该工地未安装扬尘监测设备'}
              />
            ) : series.isPending ? (
              <PageLoading rows={4} />
            ) : series.isError ? (
              <LoadError error={series.error} onRetry={() => series.refetch()} />
            ) : (
              <Charts data={series.data} />
            )}
          </Card>
        </Col>
        <Col span={24}>
          <DevicesCard site={s} />
        </Col>
        <Col span={24}>
          <Card variant="borderless" title="报警记录">
            <AlertsTable siteId={s.id} defaultOpen={false} />
          </Card>
        </Col>
        <Col span={24} id="site-fees">
          <FeeAccountCard siteId={s.id} />
        </Col>
        <Col span={24}>
          <Card variant="borderless" title="关联案件">
            {s.cases.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="报警尚未生成案件" />
            ) : (
              <List
                size="small"
                dataSource={s.cases}
                renderItem={(c) => (
                  <List.Item>
                    <Link to={`/cases/${c.id}`}>案件 {c.number}</Link>
                    <StatusTag status={c.status} />
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
      </Row>
      <SiteFormDrawer open={editing} editing={s} onClose={() => setEditing(false)} onSaved={() => setEditing(false)} />
    </div>
  );
}

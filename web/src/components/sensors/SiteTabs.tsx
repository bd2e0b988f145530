/** The /sites tabs: the map with live colours, the site list with filters, and sites without a working monitor. */
import { PlusOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Input, Select, Space, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import {
  LIVE_STATUS_COLOURS,
  LIVE_STATUS_LABELS,
  LIVE_STATUSES,
  SITE_STATUS_LABELS,
  SITE_STATUSES,
  SITE_TYPE_LABELS,
  SITE_TYPES,
  type TLiveStatus,
  type TSite,
  type TSiteStatus,
  type TSiteType,
  type TSiteWithoutMonitor,
} from '../../../../common/sensors.ts';
import { useSession } from '../../session.tsx';
import { LoadError, PageLoading } from '../QueryState.tsx';
import { UnitTreeSelect } from '../UnitTreeSelect.tsx';
import { SiteFormDrawer } from './SiteFormDrawer.tsx';
import { Ago, LiveStatusTag, ReasonTag, reading, SiteStatusTag, SiteTypeTag } from './sensorFormat.tsx';
import { useSitePoints, useSites, useSitesWithoutMonitor } from './sensorsApi.ts';
import './sensors.css';

const SiteMap = lazy(() => import('./SiteMap.tsx'));

// ---- Map ----

export function SitesMapTab() {
  const points = useSitePoints();
  const navigate = useNavigate();
  const [visible, setVisible] = useState<ReadonlySet<TLiveStatus>>(new Set(LIVE_STATUSES));
  const counts = useMemo(() => {
    const c = Object.fromEntries(LIVE_STATUSES.map((s) => [s, 0])) as Record<TLiveStatus, number>;
    for (const s of points.data?.items ?? []) c[s.live.status] += 1;
    return c;
  }, [points.data]);
  if (points.isPending) return <PageLoading rows={10} />;
  if (points.isError) return <LoadError error={points.error} onRetry={() => points.refetch()} />;
  const toggle = (s: TLiveStatus) =>
    setVisible((v) => {
      const n = new Set(v);
      if (n.has(s)) n.delete(s);
      else n.add(s);
      return n;
    });
  // Drawn top to bottom in order of urgency.
  const order: TLiveStatus[] = ['alarm', 'warning', 'offline', 'no_monitor', 'ok'];
  return (
    <div className="gc-site-map-frame">
      <Suspense fallback={<PageLoading rows={10} />}>
        <SiteMap sites={points.data.items} visible={visible} onOpen={(id) => navigate(`/sites/${id}`)} />
      </Suspense>
      <div className="gc-site-legend" data-testid="site-legend">
        <div className="gc-site-legend-title">工地实时状态(共 {points.data.items.length} 个)</div>
        {order.map((s) => (
          <div
            key={s}
            className={`gc-site-legend-row${visible.has(s) ? '' : ' is-off'}`}
            onClick={() => toggle(s)}
            onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && toggle(s)}
            role="switch"
            aria-checked={visible.has(s)}
            tabIndex={0}
          >
            <span className="gc-site-dot" style={{ backgroundColor: LIVE_STATUS_COLOURS[s] }} />
            <span>{LIVE_STATUS_LABELS[s]}</span>
            <span className="gc-site-legend-count">{counts[s]}</span>
          </div>
        ))}
        <Typography.Text type="secondary" style={{ fontSize: 11 }}>
          点击图例可隐藏/显示;每 30 秒刷新
        </Typography.Text>
      </div>
    </div>
  );
}

// ---- List ----

export function SitesListTab() {
  const { can } = useSession();
  const navigate = useNavigate();
  const [type, setType] = useState<TSiteType | undefined>();
  const [status, setStatus] = useState<TLiveStatus | undefined>();
  const [siteStatus, setSiteStatus] = useState<TSiteStatus | undefined>();
  const [unitId, setUnitId] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [formOpen, setFormOpen] = useState(false);
  const sites = useSites({
    type,
    status,
    siteStatus,
    unitId: unitId ?? undefined,
    q: search || undefined,
    page,
    pageSize,
  });
  const reset =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPage(1);
    };

  const columns: TableColumnsType<TSite> = [
    { title: '编号', dataIndex: 'code', width: 120 },
    {
      title: '工地名称',
      dataIndex: 'name',
      width: 280,
      render: (v: string, s) => (
        <div style={{ minWidth: 0 }}>
          <Link to={`/sites/${s.id}`}>{v}</Link>
          <Typography.Text
            type="secondary"
            style={{ fontSize: 12, display: 'block' }}
            ellipsis={{ tooltip: s.address }}
          >
            {s.address}
          </Typography.Text>
        </div>
      ),
    },
    { title: '类型', dataIndex: 'siteType', width: 76, render: (v: TSiteType) => <SiteTypeTag type={v} /> },
    {
      title: '实时状态',
      key: 'live',
      width: 110,
      render: (_, s) => <LiveStatusTag status={s.live.status} />,
    },
    {
      title: '最新 PM10',
      key: 'pm10',
      width: 130,
      render: (_, s) =>
        s.live.latestPm10 ? (
          <span>
            {reading(s.live.latestPm10.value, 'μg/m³')}
            <br />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              <Ago at={s.live.latestPm10.at} />
            </Typography.Text>
          </span>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: '设备在线',
      key: 'devices',
      width: 90,
      align: 'center',
      render: (_, s) => (s.live.devices ? `${s.live.onlineDevices}/${s.live.devices}` : <Tag color="purple">无</Tag>),
    },
    {
      title: '报警',
      key: 'alerts',
      width: 64,
      align: 'center',
      render: (_, s) =>
        s.live.openAlerts ? <Typography.Text type="danger">{s.live.openAlerts}</Typography.Text> : '0',
    },
    { title: '施工状态', dataIndex: 'status', width: 90, render: (v: TSiteStatus) => <SiteStatusTag status={v} /> },
    { title: '施工单位', dataIndex: 'builder', ellipsis: true },
    { title: '责任单位', dataIndex: 'unitName', width: 120, render: (v: string | null) => v ?? '—' },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap>
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder="编号、名称、地址、施工单位"
          style={{ width: 240 }}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onPressEnter={() => reset(setSearch)(q.trim())}
          onClear={() => reset(setSearch)('')}
        />
        <Select
          allowClear
          placeholder="工地类型"
          style={{ width: 120 }}
          value={type}
          onChange={reset(setType)}
          options={SITE_TYPES.map((t) => ({ value: t, label: SITE_TYPE_LABELS[t] }))}
        />
        <Select
          allowClear
          placeholder="实时状态"
          style={{ width: 130 }}
          value={status}
          onChange={reset(setStatus)}
          options={LIVE_STATUSES.map((s) => ({ value: s, label: LIVE_STATUS_LABELS[s] }))}
        />
        <Select
          allowClear
          placeholder="施工状态"
          style={{ width: 120 }}
          value={siteStatus}
          onChange={reset(setSiteStatus)}
          options={SITE_STATUSES.map((s) => ({ value: s, label: SITE_STATUS_LABELS[s] }))}
        />
        <div style={{ width: 200 }}>
          <UnitTreeSelect value={unitId} onChange={reset(setUnitId)} placeholder="责任单位" />
        </div>
        <Button icon={<ReloadOutlined />} onClick={() => sites.refetch()} loading={sites.isFetching}>
          刷新
        </Button>
        {can('sensors.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setFormOpen(true)} data-testid="site-new">
            登记工地
          </Button>
        )}
      </Space>
      {sites.isError ? (
        <LoadError error={sites.error} onRetry={() => sites.refetch()} />
      ) : (
        <Card variant="borderless" styles={{ body: { padding: 0 } }}>
          <Table<TSite>
            rowKey="id"
            size="middle"
            loading={sites.isPending}
            columns={columns}
            dataSource={sites.data?.items ?? []}
            scroll={{ x: 1200 }}
            data-testid="sites-table"
            locale={{ emptyText: '没有符合条件的工地' }}
            pagination={{
              current: page,
              pageSize,
              total: sites.data?.total ?? 0,
              showSizeChanger: true,
              showTotal: (n) => `共 ${n} 个工地`,
              onChange: (p, s) => {
                setPage(p);
                setPageSize(s);
              },
            }}
          />
        </Card>
      )}
      <SiteFormDrawer
        open={formOpen}
        editing={null}
        onClose={() => setFormOpen(false)}
        onSaved={(s) => {
          setFormOpen(false);
          navigate(`/sites/${s.id}`);
        }}
      />
    </Space>
  );
}

// ---- Without monitor ----

export function WithoutMonitorTab() {
  const q = useSitesWithoutMonitor();
  if (q.isPending) return <PageLoading />;
  if (q.isError) return <LoadError error={q.error} onRetry={() => q.refetch()} />;
  const priority = q.data.items.filter((s) => s.siteType === 'demolition' || s.siteType === 'municipal').length;
  const columns: TableColumnsType<TSiteWithoutMonitor> = [
    {
      title: '工地',
      key: 'name',
      render: (_, s) => (
        <span>
          <Link to={`/sites/${s.id}`}>{s.name}</Link>
          <br />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {s.code} · {s.address}
          </Typography.Text>
        </span>
      ),
    },
    { title: '类型', dataIndex: 'siteType', width: 76, render: (v: TSiteType) => <SiteTypeTag type={v} /> },
    { title: '原因', dataIndex: 'reason', width: 150, render: (_, s) => <ReasonTag reason={s.reason} /> },
    {
      title: '设备',
      key: 'devices',
      width: 170,
      render: (_, s) =>
        s.reason === 'none' ? (
          '—'
        ) : (
          <span>
            {s.devices} 台
            {s.reason === 'all_offline' && (
              <>
                {' · 离线自 '}
                <Ago at={s.offlineSince ?? s.lastFrameAt} />
              </>
            )}
          </span>
        ),
    },
    { title: '施工单位', dataIndex: 'builder', width: 200, ellipsis: true },
    {
      title: '联系人',
      key: 'contact',
      width: 170,
      render: (_, s) => [s.builderContact, s.builderPhone].filter(Boolean).join(' ') || '—',
    },
    { title: '责任单位', dataIndex: 'unitName', width: 130, render: (v: string | null) => v ?? '—' },
  ];
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Alert
        type={q.data.total > 0 ? 'warning' : 'success'}
        showIcon
        title={
          q.data.total > 0
            ? `${q.data.total} 个在建工地没有正常工作的扬尘监测设备,其中拆迁、市政工地 ${priority} 个`
            : '在建工地均已安装并正常运行扬尘监测设备'
        }
        description="“督促各类工地安装空气检测设备,特别是拆迁工地和市政施工工地”:列出须安装监测设备、但未登记设备、设备从未上报或全部离线的在建工地,拆迁、市政工地排在前面。"
      />
      <Card variant="borderless" styles={{ body: { padding: 0 } }}>
        <Table<TSiteWithoutMonitor>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={q.data.items}
          scroll={{ x: 1100 }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (n) => `共 ${n} 个工地` }}
          data-testid="without-monitor-table"
          locale={{ emptyText: '没有缺少监测的工地' }}
        />
      </Card>
    </Space>
  );
}

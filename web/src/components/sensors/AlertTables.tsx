/** The alerts table (all sites, or one site's) and the offline-monitor list. */
import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Segmented, Select, Space, Table, type TableColumnsType, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  ALERT_KIND_LABELS,
  ALERT_KINDS,
  type TAlertKind,
  type TSensorAlert,
  type TSensorDevice,
} from '../../../../common/sensors.ts';
import { formatDateTime } from '../../format.ts';
import { LoadError } from '../QueryState.tsx';
import { Ago, AlertLevelTag, durationSince, reading } from './sensorFormat.tsx';
import { useAlerts, useDevices } from './sensorsApi.ts';

export function AlertsTable({ siteId, defaultOpen = true }: { siteId?: string; defaultOpen?: boolean }) {
  const [open, setOpen] = useState<'open' | 'all'>(defaultOpen ? 'open' : 'all');
  const [kind, setKind] = useState<TAlertKind | undefined>(undefined);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(siteId ? 10 : 20);
  const q = useAlerts({ open: open === 'open' ? true : undefined, siteId, kind, page, pageSize });
  if (q.isError) return <LoadError error={q.error} onRetry={() => q.refetch()} />;
  const columns: TableColumnsType<TSensorAlert> = [
    { title: '级别', key: 'level', width: 90, render: (_, a) => <AlertLevelTag level={a.level} kind={a.kind} /> },
    ...(siteId
      ? []
      : [
          {
            title: '工地',
            key: 'site',
            render: (_: unknown, a: TSensorAlert) =>
              a.siteId ? <Link to={`/sites/${a.siteId}`}>{a.siteName}</Link> : '—',
          },
        ]),
    {
      title: '设备',
      key: 'device',
      width: 180,
      render: (_, a) => (
        <span>
          {a.deviceName ?? '—'}
          <br />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {a.deviceMn}
          </Typography.Text>
        </span>
      ),
    },
    {
      title: '内容',
      key: 'what',
      render: (_, a) =>
        a.kind === 'offline' ? (
          '设备离线,未按时上报数据'
        ) : (
          <span>
            {a.pollutantName} {reading(a.value, a.unit ?? '')}
            {a.limit !== null && (
              <Typography.Text type="secondary">(限值 {reading(a.limit, a.unit ?? '')})</Typography.Text>
            )}
          </span>
        ),
    },
    { title: '开始', dataIndex: 'startedAt', width: 170, render: (v: string) => formatDateTime(v) },
    { title: '最近', dataIndex: 'lastAt', width: 110, render: (v: string) => <Ago at={v} /> },
    { title: '次数', dataIndex: 'occurrences', width: 64, align: 'right' },
    {
      title: '状态',
      key: 'open',
      width: 110,
      render: (_, a) =>
        a.open ? (
          <Typography.Text type="danger">未解除</Typography.Text>
        ) : (
          <Typography.Text type="secondary">已解除 {formatDateTime(a.clearedAt).slice(5, 16)}</Typography.Text>
        ),
    },
    {
      title: '案件',
      key: 'case',
      width: 130,
      render: (_, a) => (a.caseId ? <Link to={`/cases/${a.caseId}`}>{a.caseNumber}</Link> : '—'),
    },
  ];
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap>
        <Segmented
          value={open}
          onChange={(v) => {
            setOpen(v as 'open' | 'all');
            setPage(1);
          }}
          options={[
            { value: 'open', label: '未解除' },
            { value: 'all', label: '全部' },
          ]}
        />
        <Select
          allowClear
          placeholder="报警类型"
          style={{ width: 140 }}
          value={kind}
          onChange={(v) => {
            setKind(v);
            setPage(1);
          }}
          options={ALERT_KINDS.map((k) => ({ value: k, label: ALERT_KIND_LABELS[k] }))}
        />
        <Button icon={<ReloadOutlined />} onClick={() => q.refetch()} loading={q.isFetching}>
          刷新
        </Button>
      </Space>
      <Table<TSensorAlert>
        rowKey="id"
        size="middle"
        loading={q.isPending}
        columns={columns}
        dataSource={q.data?.items ?? []}
        locale={{ emptyText: open === 'open' ? '当前没有未解除的报警' : '暂无报警' }}
        data-testid="alerts-table"
        pagination={{
          current: page,
          pageSize,
          total: q.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (n) => `共 ${n} 条`,
          onChange: (p, s) => {
            setPage(p);
            setPageSize(s);
          },
        }}
      />
    </Space>
  );
}

export function OfflineDevicesTab() {
  const [state, setState] = useState<'offline' | 'never'>('offline');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const q = useDevices({ state, enabled: true, page, pageSize });
  if (q.isError) return <LoadError error={q.error} onRetry={() => q.refetch()} />;
  const now = Date.now();
  const columns: TableColumnsType<TSensorDevice> = [
    {
      title: '设备',
      key: 'device',
      render: (_, d) => (
        <span>
          {d.name}
          <br />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            MN {d.mn}
          </Typography.Text>
        </span>
      ),
    },
    {
      title: '工地',
      key: 'site',
      render: (_, d) => (d.siteId ? <Link to={`/sites/${d.siteId}`}>{d.siteName}</Link> : '—'),
    },
    ...(state === 'offline'
      ? [
          {
            title: '离线时长',
            key: 'since',
            width: 150,
            render: (_: unknown, d: TSensorDevice) => (
              <Typography.Text type="danger">{durationSince(d.offlineSince ?? d.lastFrameAt, now)}</Typography.Text>
            ),
          },
          {
            title: '最后上报',
            dataIndex: 'lastFrameAt',
            width: 180,
            render: (v: string | null) => formatDateTime(v),
          },
          { title: '最后地址', dataIndex: 'lastSeenAddress', width: 170, render: (v: string | null) => v ?? '—' },
        ]
      : [{ title: '登记时间', dataIndex: 'createdAt', width: 180, render: (v: string) => formatDateTime(v) }]),
    { title: '上报间隔', dataIndex: 'intervalSeconds', width: 100, render: (v: number) => `${v} 秒` },
  ];
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap>
        <Segmented
          value={state}
          onChange={(v) => {
            setState(v as 'offline' | 'never');
            setPage(1);
          }}
          options={[
            { value: 'offline', label: '离线' },
            { value: 'never', label: '登记后从未上报' },
          ]}
        />
        <Button icon={<ReloadOutlined />} onClick={() => q.refetch()} loading={q.isFetching}>
          刷新
        </Button>
        <Typography.Text type="secondary">已停用的设备不在此列。</Typography.Text>
      </Space>
      <Card variant="borderless" styles={{ body: { padding: 0 } }}>
        <Table<TSensorDevice>
          rowKey="id"
          size="middle"
          loading={q.isPending}
          columns={columns}
          dataSource={q.data?.items ?? []}
          locale={{ emptyText: state === 'offline' ? '没有离线的设备' : '没有从未上报的设备' }}
          data-testid="offline-devices-table"
          pagination={{
            current: page,
            pageSize,
            total: q.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (n) => `共 ${n} 台`,
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
        />
      </Card>
    </Space>
  );
}

/**
 * 扬尘治理费: the accounts overview with the warning list on top (/sites, tab 扬尘治理费), and one site's
 * account (totals, spending by measure, the ledger, the add-entry form) on the site page.
 */
import { PlusOutlined, SearchOutlined, WarningOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Image,
  Input,
  Progress,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  FEE_KIND_LABELS,
  FEE_MEASURE_LABELS,
  FEE_WARNING_DAYS,
  FEE_WARNING_SPENT_PERCENT,
  SITE_TYPE_LABELS,
  SITE_TYPES,
  type TFeeAccountRow,
  type TFeeEntry,
  type TFeeKind,
  type TFeeMeasure,
  type TSiteType,
} from '../../../../common/sensors.ts';
import { formatDateTime } from '../../format.ts';
import { useSession } from '../../session.tsx';
import { LoadError, PageLoading } from '../QueryState.tsx';
import { FeeEntryModal } from './FeeEntryModal.tsx';
import { Ago, SiteTypeTag, Yuan } from './sensorFormat.tsx';
import { feePhotoUrl, useFeeAccount, useFeeAccounts, useFeeWarnings } from './sensorsApi.ts';
import './sensors.css';

const percentOf = (p: string | null) => (p === null ? null : Number(p));

function SpentBar({ percent }: { percent: string | null }) {
  const p = percentOf(percent);
  if (p === null) return <Typography.Text type="secondary">未计提</Typography.Text>;
  return (
    <Progress
      percent={Math.min(100, p)}
      size="small"
      status={p < FEE_WARNING_SPENT_PERCENT ? 'exception' : 'normal'}
      format={() => `${percent}%`}
      style={{ width: 140, marginBottom: 0 }}
    />
  );
}

const rowColumns = (withBreaches: boolean): TableColumnsType<TFeeAccountRow> => [
  {
    title: '工地',
    key: 'site',
    render: (_, r) => (
      <span>
        <Link to={`/sites/${r.site.id}?tab=fees`}>{r.site.name}</Link>
        <br />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {r.site.code} · {r.site.builder}
        </Typography.Text>
      </span>
    ),
  },
  { title: '类型', key: 'type', width: 76, render: (_, r) => <SiteTypeTag type={r.site.siteType} /> },
  { title: '责任单位', key: 'unit', width: 130, render: (_, r) => r.site.unitName ?? '—' },
  {
    title: '应计提',
    key: 'net',
    width: 140,
    align: 'right',
    render: (_, r) => <Yuan amount={r.totals.netAssessed} />,
  },
  { title: '已支出', key: 'spent', width: 140, align: 'right', render: (_, r) => <Yuan amount={r.totals.spent} /> },
  {
    title: '余额',
    key: 'balance',
    width: 140,
    align: 'right',
    render: (_, r) => <Yuan amount={r.totals.balance} strong danger={r.warning !== null} />,
  },
  { title: '支出比例', key: 'pct', width: 170, render: (_, r) => <SpentBar percent={r.totals.spentPercent} /> },
  ...(withBreaches
    ? [
        {
          title: `近 ${FEE_WARNING_DAYS} 天超标`,
          key: 'breaches',
          width: 120,
          render: (_: unknown, r: TFeeAccountRow) =>
            r.breaches ? (
              <span>
                <Typography.Text type="danger">{r.breaches} 次</Typography.Text>
                <br />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  最近 <Ago at={r.lastBreachAt} />
                </Typography.Text>
              </span>
            ) : (
              '0'
            ),
        },
      ]
    : []),
];

export function FeesTab() {
  const warnings = useFeeWarnings();
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [type, setType] = useState<TSiteType | undefined>();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const accounts = useFeeAccounts({ q: search || undefined, type, page, pageSize });
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        variant="borderless"
        title={
          <Space>
            <WarningOutlined style={{ color: '#d9262c' }} />
            治理费预警
            {warnings.data && (
              <Tag color={warnings.data.items.length ? 'red' : 'green'}>{warnings.data.items.length} 个工地</Tag>
            )}
          </Space>
        }
        extra={
          <Typography.Text type="secondary">
            近 {FEE_WARNING_DAYS} 天有超标报警,且治理费支出不足 {FEE_WARNING_SPENT_PERCENT}%、仍有余额
          </Typography.Text>
        }
        data-testid="fee-warnings"
      >
        {warnings.isPending ? (
          <PageLoading rows={3} />
        ) : warnings.isError ? (
          <LoadError error={warnings.error} onRetry={() => warnings.refetch()} />
        ) : warnings.data.items.length === 0 ? (
          <Empty description="没有需要预警的工地" image={Empty.PRESENTED_IMAGE_SIMPLE} />
        ) : (
          <Table<TFeeAccountRow>
            rowKey={(r) => r.site.id}
            size="small"
            columns={rowColumns(true)}
            dataSource={warnings.data.items}
            pagination={false}
            scroll={{ x: 1100 }}
          />
        )}
      </Card>
      <Card
        variant="borderless"
        title="治理费账户"
        extra={
          <Space>
            <Select
              allowClear
              placeholder="工地类型"
              style={{ width: 120 }}
              value={type}
              onChange={(v) => {
                setType(v);
                setPage(1);
              }}
              options={SITE_TYPES.map((t) => ({ value: t, label: SITE_TYPE_LABELS[t] }))}
            />
            <Input
              allowClear
              prefix={<SearchOutlined />}
              placeholder="编号、名称、施工单位"
              style={{ width: 220 }}
              value={q}
              onChange={(e) => setQ(e.target.value)}
              onPressEnter={() => {
                setSearch(q.trim());
                setPage(1);
              }}
              onClear={() => setSearch('')}
            />
          </Space>
        }
        styles={{ body: { padding: 0 } }}
      >
        {accounts.isError ? (
          <LoadError error={accounts.error} onRetry={() => accounts.refetch()} />
        ) : (
          <Table<TFeeAccountRow>
            rowKey={(r) => r.site.id}
            size="middle"
            loading={accounts.isPending}
            columns={rowColumns(true)}
            dataSource={accounts.data?.items ?? []}
            scroll={{ x: 1100 }}
            data-testid="fee-accounts-table"
            rowClassName={(r) => (r.warning ? 'gc-row-warning' : '')}
            pagination={{
              current: page,
              pageSize,
              total: accounts.data?.total ?? 0,
              showSizeChanger: true,
              showTotal: (n) => `共 ${n} 个工地`,
              onChange: (p, s) => {
                setPage(p);
                setPageSize(s);
              },
            }}
          />
        )}
      </Card>
    </Space>
  );
}

// ---- One site's account ----

function FeePhotos({ siteId, ids }: { siteId: string; ids: string[] }) {
  if (ids.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Image.PreviewGroup>
      <div className="gc-fee-photos">
        {ids.map((id) => (
          <Image
            key={id}
            width={40}
            height={40}
            src={feePhotoUrl(siteId, id, 'thumb')}
            preview={{ src: feePhotoUrl(siteId, id) }}
            alt="票据照片"
          />
        ))}
      </div>
    </Image.PreviewGroup>
  );
}

const KIND_COLOURS: Record<TFeeKind, string> = { assessed: 'blue', spent: 'green', adjustment: 'gold' };

export function FeeAccountCard({ siteId }: { siteId: string }) {
  const { can } = useSession();
  const acc = useFeeAccount(siteId);
  const [open, setOpen] = useState(false);
  const columns: TableColumnsType<TFeeEntry> = [
    { title: '日期', dataIndex: 'occurredOn', width: 110 },
    {
      title: '类别',
      key: 'kind',
      width: 170,
      render: (_, e) => (
        <Space size={4}>
          <Tag color={KIND_COLOURS[e.kind]}>{FEE_KIND_LABELS[e.kind]}</Tag>
          {e.measure && <span>{FEE_MEASURE_LABELS[e.measure]}</span>}
        </Space>
      ),
    },
    {
      title: '金额',
      dataIndex: 'amount',
      width: 140,
      align: 'right',
      render: (v: string, e) => <Yuan amount={e.kind === 'spent' ? `-${v}` : v} />,
    },
    { title: '票据号', dataIndex: 'receiptNo', width: 120, render: (v: string | null) => v ?? '—' },
    { title: '凭证', key: 'photos', width: 140, render: (_, e) => <FeePhotos siteId={siteId} ids={e.photos} /> },
    { title: '说明', dataIndex: 'note', ellipsis: true, render: (v: string | null) => v ?? '—' },
    {
      title: '登记',
      key: 'by',
      width: 170,
      render: (_, e) => (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {e.createdByName ?? ''}
          <br />
          {formatDateTime(e.createdAt)}
        </Typography.Text>
      ),
    },
  ];
  return (
    <Card
      variant="borderless"
      title="扬尘治理费"
      data-testid="fee-account"
      extra={
        can('sensors.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="fee-new">
            登记
          </Button>
        )
      }
    >
      {acc.isPending ? (
        <PageLoading rows={4} />
      ) : acc.isError ? (
        <LoadError error={acc.error} onRetry={() => acc.refetch()} />
      ) : (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          {acc.data.warning && (
            <Alert type="error" showIcon title="治理费预警" description={acc.data.warning.message} />
          )}
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}>
              <Statistic
                title="应计提(含调整)"
                value={acc.data.totals.netAssessed}
                formatter={() => <Yuan amount={acc.data.totals.netAssessed} />}
              />
            </Col>
            <Col xs={12} md={6}>
              <Statistic
                title="已用于扬尘措施"
                value={acc.data.totals.spent}
                formatter={() => <Yuan amount={acc.data.totals.spent} />}
              />
            </Col>
            <Col xs={12} md={6}>
              <Statistic
                title="余额"
                value={acc.data.totals.balance}
                formatter={() => <Yuan amount={acc.data.totals.balance} strong danger={!!acc.data.warning} />}
              />
            </Col>
            <Col xs={12} md={6}>
              <div className="ant-statistic-title" style={{ color: 'rgba(0,0,0,0.45)', marginBottom: 4 }}>
                支出比例
              </div>
              <SpentBar percent={acc.data.totals.spentPercent} />
            </Col>
          </Row>
          {acc.data.totals.spentByMeasure.length > 0 && (
            <div className="gc-fee-measures">
              <Typography.Text type="secondary">按措施:</Typography.Text>
              {acc.data.totals.spentByMeasure.map((m: { measure: TFeeMeasure; amount: string }) => (
                <span key={m.measure}>
                  {FEE_MEASURE_LABELS[m.measure]} <Yuan amount={m.amount} />
                </span>
              ))}
              {acc.data.totals.adjustments !== '0.00' && (
                <span>
                  <Typography.Text type="secondary">调整:</Typography.Text>{' '}
                  <Yuan amount={acc.data.totals.adjustments} />
                </span>
              )}
            </div>
          )}
          <Table<TFeeEntry>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={acc.data.entries}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            scroll={{ x: 900 }}
            locale={{ emptyText: '尚无治理费记录' }}
            data-testid="fee-entries"
          />
        </Space>
      )}
      <FeeEntryModal open={open} siteId={siteId} onClose={() => setOpen(false)} />
    </Card>
  );
}

/** /operations: 整治行动 — summary cards for the period, totals per unit, the list, and the record form. */
import {
  CarOutlined,
  CheckCircleOutlined,
  FlagOutlined,
  PlusOutlined,
  ReloadOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Drawer,
  Empty,
  Row,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import type { TFieldOp, TFieldOpSummary } from '../../../common/inspections.ts';
import { FieldOpFormDrawer } from '../components/inspections/FieldOpFormDrawer.tsx';
import {
  formatQuantity,
  useFieldOp,
  useFieldOpSummary,
  useFieldOps,
} from '../components/inspections/inspectionsApi.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError, PageLoading } from '../components/QueryState.tsx';
import { StatCard } from '../components/StatCard.tsx';
import { UnitTreeSelect } from '../components/UnitTreeSelect.tsx';
import { formatDateTime } from '../format.ts';
import { useSession } from '../session.tsx';

const fmt = (d: Dayjs) => d.format('YYYY-MM-DD');

function EquipmentTags({ list }: { list: { type: string; count: number }[] }) {
  if (list.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space size={[4, 4]} wrap>
      {list.map((e) => (
        <Tag key={e.type} color="geekblue">
          {e.type} × {e.count}
        </Tag>
      ))}
    </Space>
  );
}

function ResultTags({ list }: { list: { item: string; quantity: number; unit: string }[] }) {
  if (list.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space size={[4, 4]} wrap>
      {list.map((r) => (
        <Tag key={`${r.item}|${r.unit}`} color="green">
          {r.item} {formatQuantity(r.quantity, r.unit)}
        </Tag>
      ))}
    </Space>
  );
}

function SummaryCards({ data, loading }: { data: TFieldOpSummary | undefined; loading: boolean }) {
  const t = data?.totals;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={12} lg={6}>
        <StatCard
          title="整治行动"
          value={t?.operations}
          suffix="次"
          icon={<FlagOutlined />}
          color="#1e5bb8"
          loading={loading}
        />
      </Col>
      <Col xs={12} lg={6}>
        <StatCard
          title="出动人员"
          value={t?.personTimes}
          suffix="人次"
          icon={<TeamOutlined />}
          color="#d97706"
          loading={loading}
        />
      </Col>
      <Col xs={24} lg={6}>
        <Card variant="borderless" className="gc-stat-card" styles={{ body: { padding: '16px 20px', minHeight: 98 } }}>
          <div style={{ marginBottom: 8 }}>
            <Space size={8}>
              <CarOutlined style={{ color: '#7c3aed' }} />
              <Typography.Text type="secondary">出动装备</Typography.Text>
            </Space>
          </div>
          <EquipmentTags list={t?.equipment ?? []} />
        </Card>
      </Col>
      <Col xs={24} lg={6}>
        <Card variant="borderless" className="gc-stat-card" styles={{ body: { padding: '16px 20px', minHeight: 98 } }}>
          <div style={{ marginBottom: 8 }}>
            <Space size={8}>
              <CheckCircleOutlined style={{ color: '#16a34a' }} />
              <Typography.Text type="secondary">整治成效</Typography.Text>
            </Space>
          </div>
          <ResultTags list={t?.results ?? []} />
        </Card>
      </Col>
    </Row>
  );
}

function FieldOpDrawer({
  id,
  onClose,
  onEdit,
}: {
  id: string | null;
  onClose: () => void;
  onEdit: (op: TFieldOp) => void;
}) {
  const op = useFieldOp(id);
  const { can } = useSession();
  return (
    <Drawer open={id !== null} onClose={onClose} size={640} destroyOnHidden title={op.data?.title ?? '整治行动'}>
      {op.isPending ? (
        <PageLoading />
      ) : op.isError ? (
        <LoadError error={op.error} onRetry={() => op.refetch()} />
      ) : (
        <>
          {can('inspections.write') && (
            <Button style={{ marginBottom: 16 }} onClick={() => onEdit(op.data)}>
              修改
            </Button>
          )}
          <Descriptions
            column={1}
            size="small"
            bordered
            items={[
              { key: 'date', label: '日期', children: op.data.opDate },
              { key: 'unit', label: '实施单位', children: op.data.unitName },
              { key: 'people', label: '出动人次', children: `${op.data.personTimes} 人次` },
              { key: 'eq', label: '出动装备', children: <EquipmentTags list={op.data.equipment} /> },
              { key: 'res', label: '整治成效', children: <ResultTags list={op.data.results} /> },
              {
                key: 'grids',
                label: '涉及网格',
                children: op.data.grids.length ? op.data.grids.map((g) => `${g.code} ${g.name}`).join('、') : '—',
              },
              {
                key: 'cases',
                label: '办结的案件',
                children: op.data.cases.length ? op.data.cases.map((c) => c.number).join('、') : '—',
              },
              { key: 'photos', label: '照片', children: op.data.photos.length ? `${op.data.photos.length} 张` : '—' },
              { key: 'note', label: '备注', children: op.data.note ?? '—' },
              {
                key: 'by',
                label: '登记',
                children: `${formatDateTime(op.data.createdAt)} ${op.data.createdByName ?? ''}`,
              },
            ]}
          />
        </>
      )}
    </Drawer>
  );
}

export function OperationsPage() {
  const { can } = useSession();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('month'), dayjs()]);
  const [unitId, setUnitId] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [form, setForm] = useState<{ open: boolean; editing: TFieldOp | null }>({ open: false, editing: null });
  const [openId, setOpenId] = useState<string | null>(null);
  const from = fmt(range[0]);
  const to = fmt(range[1]);
  const summary = useFieldOpSummary(from, to);
  const ops = useFieldOps({ from, to, unitId: unitId ?? undefined, page, pageSize });

  const columns: TableColumnsType<TFieldOp> = [
    { title: '日期', dataIndex: 'opDate', width: 110 },
    {
      title: '行动名称',
      dataIndex: 'title',
      render: (v: string, o) => <Typography.Link onClick={() => setOpenId(o.id)}>{v}</Typography.Link>,
    },
    { title: '实施单位', dataIndex: 'unitName', width: 170 },
    { title: '人次', dataIndex: 'personTimes', width: 70, align: 'right' },
    {
      title: '装备',
      dataIndex: 'equipment',
      width: 200,
      render: (v: TFieldOp['equipment']) => <EquipmentTags list={v} />,
    },
    { title: '成效', dataIndex: 'results', width: 260, render: (v: TFieldOp['results']) => <ResultTags list={v} /> },
    {
      title: '网格/案件',
      key: 'links',
      width: 110,
      render: (_v, o) => (
        <Typography.Text type="secondary">
          {o.grids.length} 格 / {o.cases.length} 件
        </Typography.Text>
      ),
    },
  ];

  const unitColumns: TableColumnsType<TFieldOpSummary['units'][number]> = [
    { title: '单位', dataIndex: 'unitName', width: 200 },
    { title: '行动', dataIndex: 'operations', width: 80, align: 'right', render: (n: number) => `${n} 次` },
    { title: '人次', dataIndex: 'personTimes', width: 90, align: 'right' },
    { title: '装备', dataIndex: 'equipment', render: (v: TFieldOp['equipment']) => <EquipmentTags list={v} /> },
    { title: '成效', dataIndex: 'results', render: (v: TFieldOp['results']) => <ResultTags list={v} /> },
  ];

  if (summary.isError && !summary.data) return <LoadError error={summary.error} onRetry={() => summary.refetch()} />;

  return (
    <div className="gc-page">
      <PageHeader
        title="整治行动"
        description="出动人次、装备与整治成效,按单位汇总(每日工作简报的数据来源)"
        extra={
          <Space wrap>
            <DatePicker.RangePicker
              value={range}
              allowClear={false}
              onChange={(v) => {
                if (v?.[0] && v[1]) {
                  setRange([v[0], v[1]]);
                  setPage(1);
                }
              }}
              disabledDate={(d) => d.isAfter(dayjs(), 'day')}
              presets={[
                { label: '今天', value: [dayjs(), dayjs()] },
                { label: '最近 7 天', value: [dayjs().subtract(6, 'day'), dayjs()] },
                { label: '本月', value: [dayjs().startOf('month'), dayjs()] },
              ]}
            />
            {can('inspections.write') && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setForm({ open: true, editing: null })}
                data-testid="op-new"
              >
                登记整治行动
              </Button>
            )}
          </Space>
        }
      />
      <SummaryCards data={summary.data} loading={summary.isPending} />
      <Card variant="borderless" title={`各单位汇总(${from} 至 ${to})`}>
        <Table
          rowKey="unitId"
          size="small"
          columns={unitColumns}
          dataSource={summary.data?.units ?? []}
          loading={summary.isPending}
          pagination={false}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="本期间没有整治行动" /> }}
        />
      </Card>
      <Card variant="borderless" title="行动记录">
        <div className="gc-toolbar">
          <div style={{ width: 260 }}>
            <UnitTreeSelect
              value={unitId}
              onChange={(v) => {
                setUnitId(v);
                setPage(1);
              }}
              placeholder="全部单位"
            />
          </div>
          <Button icon={<ReloadOutlined />} onClick={() => ops.refetch()} loading={ops.isFetching}>
            刷新
          </Button>
        </div>
        <Table<TFieldOp>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={ops.data?.items ?? []}
          loading={ops.isPending}
          scroll={{ x: 1100 }}
          pagination={{
            current: page,
            pageSize,
            total: ops.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (n) => `共 ${n} 次`,
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
        />
      </Card>
      <FieldOpFormDrawer
        open={form.open}
        editing={form.editing}
        onClose={() => setForm({ open: false, editing: null })}
        onSaved={(op) => {
          setForm({ open: false, editing: null });
          setOpenId(op.id);
        }}
      />
      <FieldOpDrawer
        id={openId}
        onClose={() => setOpenId(null)}
        onEdit={(op) => {
          setOpenId(null);
          setForm({ open: true, editing: op });
        }}
      />
    </div>
  );
}

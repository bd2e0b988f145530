/** /orders: 责令改正通知书 — the list with filters, the issue drawer, and each order's detail. */
import { FileWordOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Input, Select, Space, Table, type TableColumnsType, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { ORDER_STATUS_LABELS, ORDER_STATUSES, type TOrder, type TOrderStatus } from '../../../common/inspections.ts';
import { useOrders } from '../components/inspections/inspectionsApi.ts';
import { OrderDetailDrawer, useDocxDownload } from '../components/inspections/OrderDetailDrawer.tsx';
import { OrderFormDrawer } from '../components/inspections/OrderFormDrawer.tsx';
import { OrderStatusTag } from '../components/inspections/OrderStatusTag.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError } from '../components/QueryState.tsx';
import { formatDate, formatDateTime } from '../format.ts';
import { useSession } from '../session.tsx';

export function OrdersPage() {
  const { can } = useSession();
  const [status, setStatus] = useState<TOrderStatus | undefined>();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const orders = useOrders({ status, q: q || undefined, page, pageSize });
  const { busy, download } = useDocxDownload();

  const columns: TableColumnsType<TOrder> = [
    {
      title: '文号',
      dataIndex: 'number',
      width: 230,
      render: (v: string, o) => (
        <Typography.Link onClick={() => setOpenId(o.id)} data-testid="order-link">
          {v}
        </Typography.Link>
      ),
    },
    {
      title: '当事人',
      key: 'party',
      render: (_v, o) => (
        <div>
          <div>{o.party.name}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {o.party.address}
          </Typography.Text>
        </div>
      ),
    },
    { title: '下达单位', dataIndex: 'issuingUnitName', width: 150 },
    {
      title: '整改期限',
      dataIndex: 'deadline',
      width: 170,
      render: (v: string, o) => (
        <Space size={4} wrap>
          <span>{formatDateTime(v).slice(0, 16)}</span>
          {o.overdue && <Tag color="red">逾期待复查</Tag>}
        </Space>
      ),
    },
    { title: '状态', dataIndex: 'status', width: 110, render: (v: TOrderStatus) => <OrderStatusTag status={v} /> },
    {
      title: '强制措施',
      dataIndex: 'enforcementCount',
      width: 90,
      render: (n: number) => (n > 0 ? <Tag color="volcano">{n} 项</Tag> : '—'),
    },
    { title: '关联案件', dataIndex: 'caseNumber', width: 130, render: (v: string | null) => v ?? '—' },
    { title: '下达日期', dataIndex: 'issuedAt', width: 110, render: (v: string) => formatDate(v) },
    {
      title: '',
      key: 'docx',
      width: 56,
      fixed: 'right',
      render: (_v, o) => (
        <Tooltip title="下载通知书 (.docx)">
          <Button
            type="text"
            icon={<FileWordOutlined />}
            loading={busy === o.id}
            onClick={() => download(o)}
            aria-label="下载通知书"
          />
        </Tooltip>
      ),
    },
  ];

  if (orders.isError && !orders.data) return <LoadError error={orders.error} onRetry={() => orders.refetch()} />;

  return (
    <div className="gc-page">
      <PageHeader
        title="责令改正"
        description="责令改正通知书的下达、复查、强制措施(暂扣等)与物品退还;可打印为正式文书"
        extra={
          can('inspections.write') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="order-new">
              下达通知书
            </Button>
          )
        }
      />
      <Card variant="borderless">
        <div className="gc-toolbar">
          <Select
            allowClear
            placeholder="全部状态"
            value={status}
            onChange={(v: TOrderStatus | undefined) => {
              setStatus(v);
              setPage(1);
            }}
            options={ORDER_STATUSES.map((s) => ({ value: s, label: ORDER_STATUS_LABELS[s] }))}
            style={{ width: 140 }}
          />
          <Input.Search
            allowClear
            placeholder="文号、当事人、地址或信用代码"
            onSearch={(v) => {
              setQ(v.trim());
              setPage(1);
            }}
            style={{ width: 300 }}
          />
          <Button icon={<ReloadOutlined />} onClick={() => orders.refetch()} loading={orders.isFetching}>
            刷新
          </Button>
        </div>
        <Table<TOrder>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={orders.data?.items ?? []}
          loading={orders.isPending}
          scroll={{ x: 1200 }}
          locale={{ emptyText: q || status ? '没有符合条件的通知书' : '尚未下达责令改正通知书' }}
          pagination={{
            current: page,
            pageSize,
            total: orders.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (n) => `共 ${n} 份`,
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
        />
      </Card>
      <OrderFormDrawer
        open={creating}
        onClose={() => setCreating(false)}
        onIssued={(o) => {
          setCreating(false);
          setOpenId(o.id);
        }}
      />
      <OrderDetailDrawer id={openId} onClose={() => setOpenId(null)} />
    </div>
  );
}

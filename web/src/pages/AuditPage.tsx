/** /audit: the hash-chained audit log, paged and filtered on the server, with chain verification. */
import { ReloadOutlined, SafetyCertificateOutlined, SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Form, Input, Table, type TableColumnsType, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import type { TAuditEvent } from '../../../common/org.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError } from '../components/QueryState.tsx';
import { formatDateTime, shortHash } from '../format.ts';
import { useSession } from '../session.tsx';

interface AuditPageData {
  items: TAuditEvent[];
  total: number;
  page: number;
  pageSize: number;
}

interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBroken: { seq: number; reason: string } | null;
}

interface Filters {
  action: string;
  actor: string;
}

const columns: TableColumnsType<TAuditEvent> = [
  { title: '序号', dataIndex: 'seq', width: 72, align: 'right' },
  {
    title: '时间',
    dataIndex: 'occurredAt',
    width: 170,
    render: (v: string) => <span className="gc-nowrap">{formatDateTime(v)}</span>,
  },
  {
    title: '操作人',
    key: 'actor',
    width: 120,
    render: (_v, e) =>
      e.actorName ??
      (e.actorId ? (
        <Typography.Text code>{shortHash(e.actorId, 8)}</Typography.Text>
      ) : (
        <Typography.Text type="secondary">系统</Typography.Text>
      )),
  },
  {
    title: '动作',
    dataIndex: 'action',
    width: 170,
    render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
  },
  {
    title: '对象',
    key: 'object',
    render: (_v, e) =>
      e.objectType || e.objectId ? (
        <span className="gc-break">
          {e.objectType && <Tag style={{ marginInlineEnd: 4 }}>{e.objectType}</Tag>}
          {e.objectId && (
            <Tooltip title={e.objectId}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {shortHash(e.objectId, 12)}
              </Typography.Text>
            </Tooltip>
          )}
        </span>
      ) : (
        '—'
      ),
  },
  {
    title: '结果',
    dataIndex: 'outcome',
    width: 72,
    render: (v: TAuditEvent['outcome']) =>
      v === 'success' ? <Tag color="success">成功</Tag> : <Tag color="error">失败</Tag>,
  },
  { title: 'IP', dataIndex: 'ip', width: 120, render: (v: string | null) => v ?? '—' },
  {
    title: '请求 ID',
    dataIndex: 'requestId',
    width: 120,
    render: (v: string | null) =>
      v ? (
        <Typography.Text copyable={{ text: v }} style={{ fontSize: 12 }}>
          {shortHash(v, 8)}
        </Typography.Text>
      ) : (
        '—'
      ),
  },
  {
    title: '哈希',
    dataIndex: 'hash',
    width: 120,
    render: (v: string) => (
      <Tooltip title={<span className="gc-break">{v}</span>}>
        <Typography.Text code style={{ fontSize: 12 }}>
          {shortHash(v, 10)}
        </Typography.Text>
      </Tooltip>
    ),
  },
];

function DetailsJson({ event }: { event: TAuditEvent }) {
  return (
    <div className="gc-audit-details">
      <Typography.Text type="secondary">详情</Typography.Text>
      <pre className="gc-json">{JSON.stringify(event.details, null, 2)}</pre>
      <Typography.Text type="secondary">完整哈希:</Typography.Text>
      <Typography.Text copyable code style={{ fontSize: 12 }}>
        {event.hash}
      </Typography.Text>
    </div>
  );
}

function VerifyOutcome({ result, at }: { result: VerifyResult; at: Date }) {
  const when = formatDateTime(at);
  if (result.ok) {
    return (
      <Alert
        type="success"
        showIcon
        title="审计链完整"
        description={`已校验 ${result.checked} 条记录,哈希链未发现断裂或篡改。校验时间:${when}`}
      />
    );
  }
  return (
    <Alert
      type="error"
      showIcon
      title="审计链校验失败"
      description={
        result.firstBroken
          ? `第 ${result.firstBroken.seq} 号记录起哈希链断裂:${result.firstBroken.reason}。已校验 ${result.checked} 条记录。校验时间:${when}`
          : `已校验 ${result.checked} 条记录,发现异常。校验时间:${when}`
      }
    />
  );
}

export function AuditPage() {
  const { can } = useSession();
  const [form] = Form.useForm<Filters>();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [filters, setFilters] = useState<Filters>({ action: '', actor: '' });
  const [verifiedAt, setVerifiedAt] = useState<Date | null>(null);

  const events = useQuery({
    queryKey: ['audit', { page, pageSize, ...filters }],
    queryFn: () => api.get<AuditPageData>('/api/v1/audit-events', { page, pageSize, ...filters }),
    placeholderData: keepPreviousData,
  });

  const verify = useMutation({
    mutationFn: () => api.get<VerifyResult>('/api/v1/audit-events/verify'),
    onSuccess: () => setVerifiedAt(new Date()),
  });

  if (events.isError && !events.data) return <LoadError error={events.error} onRetry={() => events.refetch()} />;

  return (
    <div className="gc-page">
      <PageHeader
        title="审计日志"
        description="所有登录、授权与管理操作均记录在防篡改的哈希链中"
        extra={
          can('audit.verify') && (
            <Button icon={<SafetyCertificateOutlined />} onClick={() => verify.mutate()} loading={verify.isPending}>
              校验审计链
            </Button>
          )
        }
      />
      {(verify.data || verify.isError) && (
        <div style={{ marginBottom: 16 }}>
          {verify.isError ? (
            <ErrorAlert error={verify.error} title="审计链校验未完成" />
          ) : (
            verify.data && verifiedAt && <VerifyOutcome result={verify.data} at={verifiedAt} />
          )}
        </div>
      )}
      <Card variant="borderless">
        <Form<Filters>
          form={form}
          layout="inline"
          className="gc-toolbar"
          initialValues={filters}
          onFinish={(v) => {
            setFilters({ action: (v.action ?? '').trim(), actor: (v.actor ?? '').trim() });
            setPage(1);
          }}
        >
          <Form.Item name="action" label="动作">
            <Input allowClear placeholder="如 auth.login" style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="actor" label="操作人">
            <Input allowClear placeholder="用户名或姓名" style={{ width: 180 }} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
              查询
            </Button>
          </Form.Item>
          <Form.Item>
            <Button
              onClick={() => {
                form.resetFields();
                setFilters({ action: '', actor: '' });
                setPage(1);
              }}
            >
              重置
            </Button>
          </Form.Item>
          <Form.Item style={{ marginInlineEnd: 0, marginInlineStart: 'auto' }}>
            <Button icon={<ReloadOutlined />} onClick={() => events.refetch()} loading={events.isFetching}>
              刷新
            </Button>
          </Form.Item>
        </Form>
        <Table<TAuditEvent>
          rowKey="seq"
          size="small"
          columns={columns}
          dataSource={events.data?.items ?? []}
          loading={events.isPending || (events.isFetching && events.isPlaceholderData)}
          scroll={{ x: 1150 }}
          expandable={{
            expandedRowRender: (e) => <DetailsJson event={e} />,
          }}
          pagination={{
            current: page,
            pageSize,
            total: events.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100, 200],
            showTotal: (t) => `共 ${t} 条`,
            onChange: (p, ps) => {
              setPage(ps !== pageSize ? 1 : p);
              setPageSize(ps);
            },
          }}
          locale={{
            emptyText: (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={filters.action || filters.actor ? '没有符合条件的审计记录' : '暂无审计记录'}
              />
            ),
          }}
        />
      </Card>
    </div>
  );
}

/** /inbox: the signed-in person's notifications, unread first; mark one or all read; open the case. */
import { CheckOutlined, ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Badge,
  Button,
  Card,
  Empty,
  Segmented,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { eventLabel, type TInboxItem, type TInboxPage } from '../../../common/notifications.ts';
import { api } from '../api.ts';
import { errorMessage } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError } from '../components/QueryState.tsx';
import { formatDateTime } from '../format.ts';

const INBOX_KEY = ['inbox'] as const;

/** Event tag colours: warnings for deadlines and supervision, calm for routine steps. */
const EVENT_COLORS: Record<string, string> = {
  dispatched: 'blue',
  due_soon: 'gold',
  overdue: 'red',
  returned: 'orange',
  dispute: 'magenta',
  dispute_decided: 'purple',
  supervision_order: 'volcano',
  extension: 'cyan',
  parked: 'default',
  verified: 'green',
  closed: 'green',
};

function EventTag({ event }: { event: string }) {
  return (
    <Tag color={EVENT_COLORS[event] ?? 'default'} style={{ marginInlineEnd: 0 }}>
      {eventLabel(event)}
    </Tag>
  );
}

/** Where an item leads: the case when it names one, else its own link when it is an app path. */
function targetOf(item: TInboxItem): string | null {
  if (item.caseId) return `/cases/${item.caseId}`;
  if (item.link?.startsWith('/')) return item.link;
  return null;
}

export function InboxPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);

  const inbox = useQuery({
    queryKey: [...INBOX_KEY, { unreadOnly, page, pageSize }],
    queryFn: () => api.get<TInboxPage>('/api/v1/inbox', { unread: unreadOnly ? 'true' : undefined, page, pageSize }),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });

  const markRead = useMutation({
    mutationFn: (body: { ids: string[] } | { all: true }) => api.post<{ updated: number }>('/api/v1/inbox/read', body),
    onSuccess: (r, body) => {
      if ('all' in body) message.success(r.updated ? `已将 ${r.updated} 条消息标为已读` : '没有未读消息');
      queryClient.invalidateQueries({ queryKey: INBOX_KEY });
    },
    onError: (e) => message.error(errorMessage(e)),
  });

  const open = (item: TInboxItem) => {
    if (!item.readAt) markRead.mutate({ ids: [item.id] });
    const to = targetOf(item);
    if (to) navigate(to);
  };

  const columns: TableColumnsType<TInboxItem> = [
    {
      key: 'state',
      width: 28,
      render: (_v, item) => (item.readAt ? null : <Badge status="processing" title="未读" />),
    },
    { title: '类型', dataIndex: 'event', width: 110, render: (v: string) => <EventTag event={v} /> },
    {
      title: '内容',
      key: 'content',
      render: (_v, item) => {
        const to = targetOf(item);
        return (
          <div className="gc-inbox-item">
            <Typography.Text strong={!item.readAt}>
              {to ? (
                <Link
                  to={to}
                  onClick={(e) => {
                    e.preventDefault();
                    open(item);
                  }}
                >
                  {item.title}
                </Link>
              ) : (
                item.title
              )}
            </Typography.Text>
            <Typography.Paragraph
              type="secondary"
              ellipsis={{ rows: 2, expandable: 'collapsible', symbol: (expanded) => (expanded ? '收起' : '展开') }}
              style={{ margin: '2px 0 0' }}
            >
              {item.body}
            </Typography.Paragraph>
          </div>
        );
      },
    },
    { title: '时间', dataIndex: 'createdAt', width: 170, render: (v: string) => formatDateTime(v) },
    {
      title: '操作',
      key: 'actions',
      width: 120,
      render: (_v, item) => (
        <Space size={0}>
          {targetOf(item) && (
            <Button type="link" size="small" onClick={() => open(item)}>
              查看
            </Button>
          )}
          {!item.readAt && (
            <Tooltip title="标为已读">
              <Button
                type="link"
                size="small"
                icon={<CheckOutlined />}
                aria-label="标为已读"
                onClick={() => markRead.mutate({ ids: [item.id] })}
              />
            </Tooltip>
          )}
        </Space>
      ),
    },
  ];

  const unread = inbox.data?.unreadCount ?? 0;
  return (
    <div className="gc-page">
      <PageHeader
        title="消息"
        tags={unread > 0 ? <Tag color="processing">{unread} 条未读</Tag> : undefined}
        description="派遣、即将到期、超期、返工、督办等与您相关的通知"
        extra={
          <>
            <Segmented<'all' | 'unread'>
              value={unreadOnly ? 'unread' : 'all'}
              options={[
                { value: 'all', label: '全部' },
                { value: 'unread', label: '未读' },
              ]}
              onChange={(v) => {
                setUnreadOnly(v === 'unread');
                setPage(1);
              }}
            />
            <Button icon={<ReloadOutlined />} onClick={() => inbox.refetch()} loading={inbox.isFetching}>
              刷新
            </Button>
            <Button
              type="primary"
              icon={<CheckOutlined />}
              disabled={unread === 0}
              loading={markRead.isPending}
              onClick={() => markRead.mutate({ all: true })}
            >
              全部标为已读
            </Button>
          </>
        }
      />
      {inbox.isError ? (
        <LoadError error={inbox.error} onRetry={() => inbox.refetch()} />
      ) : (
        <Card variant="borderless">
          <Table<TInboxItem>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={inbox.data?.items}
            loading={inbox.isPending}
            rowClassName={(item) => (item.readAt ? 'gc-row-muted' : '')}
            pagination={{
              current: page,
              pageSize,
              total: inbox.data?.total ?? 0,
              showSizeChanger: true,
              hideOnSinglePage: true,
              showTotal: (n) => `共 ${n} 条`,
              onChange: (p, s) => {
                setPage(p);
                setPageSize(s);
              },
            }}
            locale={{
              emptyText: (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={unreadOnly ? '没有未读消息' : '暂无消息'} />
              ),
            }}
          />
        </Card>
      )}
    </div>
  );
}

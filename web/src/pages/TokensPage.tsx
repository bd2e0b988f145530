/** /tokens: API tokens for machine clients. Create (secret shown once) and revoke. */
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Popconfirm, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import type { TApiToken } from '../../../common/auth.ts';
import { api } from '../api.ts';
import { errorMessage } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError, PageLoading } from '../components/QueryState.tsx';
import { type CreatedToken, CreateTokenModal } from '../components/tokens/CreateTokenModal.tsx';
import { TokenCreatedModal } from '../components/tokens/TokenCreatedModal.tsx';
import { formatDateTime, isFuture } from '../format.ts';

type TokenState = 'active' | 'expired' | 'revoked';

function stateOf(t: TApiToken): TokenState {
  if (t.revokedAt) return 'revoked';
  return isFuture(t.expiresAt) ? 'active' : 'expired';
}

const STATE_TAGS: Record<TokenState, { color: string; text: string }> = {
  active: { color: 'success', text: '有效' },
  expired: { color: 'default', text: '已过期' },
  revoked: { color: 'error', text: '已吊销' },
};

export function TokensPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);

  const tokens = useQuery({
    queryKey: ['tokens'],
    queryFn: () => api.get<{ items: TApiToken[] }>('/api/v1/auth/tokens'),
    select: (d) => d.items,
  });

  const revoke = useMutation({
    mutationFn: (id: string) => api.delete<unknown>(`/api/v1/auth/tokens/${id}`),
    onSuccess: () => {
      message.success('令牌已吊销');
      queryClient.invalidateQueries({ queryKey: ['tokens'] });
    },
    onError: (e) => message.error(errorMessage(e)),
  });

  const columns: TableColumnsType<TApiToken> = [
    { title: '名称', dataIndex: 'name', render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
    { title: '所属用户', dataIndex: 'username', width: 140 },
    {
      title: '前缀',
      dataIndex: 'prefix',
      width: 140,
      render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
    },
    {
      title: '状态',
      key: 'state',
      width: 90,
      render: (_v, t) => {
        const s = STATE_TAGS[stateOf(t)];
        return <Tag color={s.color}>{s.text}</Tag>;
      },
    },
    { title: '创建时间', dataIndex: 'createdAt', width: 170, render: (v: string) => formatDateTime(v) },
    { title: '到期时间', dataIndex: 'expiresAt', width: 170, render: (v: string) => formatDateTime(v) },
    {
      title: '最近使用',
      dataIndex: 'lastUsedAt',
      width: 170,
      render: (v: string | null) =>
        v ? formatDateTime(v) : <Typography.Text type="secondary">从未使用</Typography.Text>,
    },
    {
      title: '吊销时间',
      dataIndex: 'revokedAt',
      width: 170,
      render: (v: string | null) => (v ? formatDateTime(v) : '—'),
    },
    {
      title: '操作',
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_v, t) =>
        t.revokedAt ? null : (
          <Popconfirm
            title="吊销该令牌?"
            description="吊销后使用该令牌的调用将立即失败,且不可恢复。"
            okText="吊销"
            okButtonProps={{ danger: true }}
            onConfirm={() => revoke.mutateAsync(t.id).catch(() => undefined)}
          >
            <Button type="link" size="small" danger>
              吊销
            </Button>
          </Popconfirm>
        ),
    },
  ];

  let body: ReactNode;
  if (tokens.isPending) body = <PageLoading />;
  else if (tokens.isError) body = <LoadError error={tokens.error} onRetry={() => tokens.refetch()} />;
  else
    body = (
      <Card variant="borderless">
        <Table<TApiToken>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={tokens.data}
          scroll={{ x: 1200 }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (n) => `共 ${n} 个` }}
          rowClassName={(t) => (stateOf(t) === 'active' ? '' : 'gc-row-muted')}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无接口令牌" /> }}
        />
      </Card>
    );

  return (
    <div className="gc-page">
      <PageHeader
        title="接口令牌"
        description="供外部系统以指定用户身份调用接口;令牌明文只在创建时显示一次"
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={() => tokens.refetch()} loading={tokens.isFetching}>
              刷新
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              新建令牌
            </Button>
          </>
        }
      />
      {body}
      <CreateTokenModal open={creating} onClose={() => setCreating(false)} onCreated={setCreated} />
      <TokenCreatedModal created={created} onClose={() => setCreated(null)} />
    </div>
  );
}

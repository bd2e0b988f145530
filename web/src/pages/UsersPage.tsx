/** /users: server-side paged user list, with create, enable/disable, roles and unlock by permission. */
import { DownloadOutlined, PlusOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Empty,
  Input,
  Popconfirm,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState } from 'react';
import type { TUser } from '../../../common/org.ts';
import { api } from '../api.ts';
import { errorMessage } from '../components/ErrorAlert.tsx';
import { downloadXlsx, EXPORT_URL } from '../components/org/orgFiles.ts';
import { PeopleImportModal } from '../components/org/PeopleImportModal.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError } from '../components/QueryState.tsx';
import { RoleTags } from '../components/RoleTags.tsx';
import { isLocked, UserStatusTag } from '../components/UserStatusTag.tsx';
import { CreateUserModal } from '../components/users/CreateUserModal.tsx';
import { SetRolesModal, type SetRolesResult } from '../components/users/SetRolesModal.tsx';
import { TotpIssuedModal } from '../components/users/TotpIssuedModal.tsx';
import { formatDateTime } from '../format.ts';
import { useSession } from '../session.tsx';

interface UserPage {
  items: TUser[];
  total: number;
  page: number;
  pageSize: number;
}

export function UsersPage() {
  const { user: me, can } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [rolesFor, setRolesFor] = useState<TUser | null>(null);
  const [totpIssued, setTotpIssued] = useState<(SetRolesResult & { totpProvisioningUri: string }) | null>(null);

  const users = useQuery({
    queryKey: ['users', { page, pageSize, q }],
    queryFn: () => api.get<UserPage>('/api/v1/users', { page, pageSize, q }),
    placeholderData: keepPreviousData,
  });

  const onDone = (text: string) => {
    message.success(text);
    queryClient.invalidateQueries({ queryKey: ['users'] });
  };
  const setDisabled = useMutation({
    mutationFn: (v: { id: string; disabled: boolean }) =>
      api.patch<TUser>(`/api/v1/users/${v.id}`, { disabled: v.disabled }),
    onSuccess: (_u, v) => onDone(v.disabled ? '已停用该用户' : '已启用该用户'),
    onError: (e) => message.error(errorMessage(e)),
  });
  const unlock = useMutation({
    mutationFn: (id: string) => api.post<unknown>(`/api/v1/users/${id}/unlock`),
    onSuccess: () => onDone('已解锁该用户'),
    onError: (e) => message.error(errorMessage(e)),
  });

  const canWrite = can('users.write');
  const exportPeople = async () => {
    setExporting(true);
    try {
      await downloadXlsx(EXPORT_URL.people, '人员.xlsx');
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setExporting(false);
    }
  };
  const canRoles = can('users.roles');
  const canUnlock = can('users.unlock');
  const hasActions = canWrite || canRoles || canUnlock;

  const columns: TableColumnsType<TUser> = [
    {
      title: '用户名',
      dataIndex: 'username',
      width: 160,
      render: (v: string, u) => (
        <Space size={4}>
          <Typography.Text strong>{v}</Typography.Text>
          {u.id === me.id && <Tag color="blue">本人</Tag>}
        </Space>
      ),
    },
    { title: '姓名', dataIndex: 'displayName', width: 170 },
    { title: '角色', dataIndex: 'roles', width: 190, render: (_v, u) => <RoleTags roles={u.roles} /> },
    {
      title: '所属单位',
      dataIndex: 'unitName',
      width: 200,
      render: (v: string | null) => v ?? <Typography.Text type="secondary">未分配</Typography.Text>,
    },
    { title: '手机号', dataIndex: 'phone', width: 130, render: (v: string | null) => v ?? '—' },
    { title: '状态', key: 'status', width: 160, render: (_v, u) => <UserStatusTag user={u} /> },
    {
      title: '动态口令',
      dataIndex: 'totpEnrolled',
      width: 96,
      render: (v: boolean) => (v ? <Tag color="green">已绑定</Tag> : <Tag>未绑定</Tag>),
    },
    { title: '创建时间', dataIndex: 'createdAt', width: 170, render: (v: string) => formatDateTime(v) },
  ];
  if (hasActions) {
    columns.push({
      title: '操作',
      key: 'actions',
      fixed: 'right',
      width: 190,
      render: (_v, u) => (
        <Space size={0} separator={<span className="gc-sep" />}>
          {canWrite &&
            (u.disabled ? (
              <Button type="link" size="small" onClick={() => setDisabled.mutate({ id: u.id, disabled: false })}>
                启用
              </Button>
            ) : (
              <Popconfirm
                title="停用该用户?"
                description="停用后该用户无法登录,其接口令牌也将无法使用。"
                okText="停用"
                okButtonProps={{ danger: true }}
                onConfirm={() => setDisabled.mutateAsync({ id: u.id, disabled: true }).catch(() => undefined)}
                disabled={u.id === me.id}
              >
                <Tooltip title={u.id === me.id ? '不能停用自己的账户' : undefined}>
                  <Button type="link" size="small" danger disabled={u.id === me.id}>
                    停用
                  </Button>
                </Tooltip>
              </Popconfirm>
            ))}
          {canRoles && (
            <Tooltip title={u.id === me.id ? '不能修改自己的角色' : undefined}>
              <Button type="link" size="small" disabled={u.id === me.id} onClick={() => setRolesFor(u)}>
                设置角色
              </Button>
            </Tooltip>
          )}
          {canUnlock && isLocked(u) && (
            <Popconfirm
              title="解锁该用户?"
              okText="解锁"
              onConfirm={() => unlock.mutateAsync(u.id).catch(() => undefined)}
            >
              <Button type="link" size="small">
                解锁
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    });
  }

  if (users.isError && !users.data) return <LoadError error={users.error} onRetry={() => users.refetch()} />;

  return (
    <div className="gc-page">
      <PageHeader
        title="用户管理"
        description="按数据范围显示您可管理的用户"
        extra={
          <Space wrap>
            {canWrite && (
              <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>
                导入人员
              </Button>
            )}
            <Button icon={<DownloadOutlined />} onClick={exportPeople} loading={exporting}>
              导出人员
            </Button>
            {canWrite && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                新建用户
              </Button>
            )}
          </Space>
        }
      />
      <Card variant="borderless">
        <div className="gc-toolbar">
          <Input.Search
            allowClear
            placeholder="搜索用户名或姓名"
            style={{ width: 280 }}
            onSearch={(v) => {
              setQ(v.trim());
              setPage(1);
            }}
          />
          <Button icon={<ReloadOutlined />} onClick={() => users.refetch()} loading={users.isFetching}>
            刷新
          </Button>
        </div>
        <Table<TUser>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={users.data?.items ?? []}
          loading={users.isPending || (users.isFetching && users.isPlaceholderData)}
          scroll={{ x: 1380 }}
          pagination={{
            current: page,
            pageSize,
            total: users.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [10, 20, 50, 100],
            showTotal: (t) => `共 ${t} 条`,
            onChange: (p, ps) => {
              setPage(ps !== pageSize ? 1 : p);
              setPageSize(ps);
            },
          }}
          locale={{
            emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={q ? '没有匹配的用户' : '暂无用户'} />,
          }}
        />
      </Card>
      {canWrite && <CreateUserModal open={creating} onClose={() => setCreating(false)} />}
      {canWrite && <PeopleImportModal open={importing} onClose={() => setImporting(false)} />}
      {canRoles && <SetRolesModal user={rolesFor} onClose={() => setRolesFor(null)} onTotpIssued={setTotpIssued} />}
      <TotpIssuedModal issued={totpIssued} onClose={() => setTotpIssued(null)} />
    </div>
  );
}

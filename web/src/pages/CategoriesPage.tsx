/** /categories: the problem catalogue (大类 → 小类) with each category's current, versioned rule. */
import { DownOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Dropdown,
  Empty,
  Input,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { type Key, useMemo, useState } from 'react';
import { CATEGORY_KIND_LABELS, CATEGORY_KINDS, type TCategory } from '../../../common/categories.ts';
import { api } from '../api.ts';
import { type CategoryActions, CategoryDrawer } from '../components/categories/CategoryDrawer.tsx';
import { CreateCategoryModal, EditRuleModal, RenameCategoryModal } from '../components/categories/CategoryModals.tsx';
import {
  buildCategoryTree,
  type CategoryRow,
  explainLimitUnits,
  formatLimits,
} from '../components/categories/categoryFormat.ts';
import { errorMessage } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError, PageLoading } from '../components/QueryState.tsx';
import { CATEGORIES_KEY, useCategories } from '../queries.ts';
import { useSession } from '../session.tsx';

export const KIND_COLORS: Record<TCategory['kind'], string> = {
  event: 'blue',
  component: 'purple',
  campaign: 'volcano',
};

type StatusFilter = 'all' | 'active' | 'inactive';

function matches(c: TCategory, q: string, kind: string | undefined, hq: string | undefined, status: StatusFilter) {
  if (q && !c.code.toLowerCase().includes(q) && !c.name.toLowerCase().includes(q)) return false;
  if (kind && c.kind !== kind) return false;
  if (hq && c.rule.leadHqId !== hq) return false;
  if (status === 'active' && !c.isActive) return false;
  if (status === 'inactive' && c.isActive) return false;
  return true;
}

/** Keeps a 大类 when it or one of its 小类 matches; a matching 大类 keeps its 小类 that pass the non-text filters. */
function filterTree(
  rows: CategoryRow[],
  q: string,
  kind: string | undefined,
  hq: string | undefined,
  status: StatusFilter,
): CategoryRow[] {
  const out: CategoryRow[] = [];
  for (const r of rows) {
    const self = matches(r, q, kind, hq, status);
    const kids = (r.children ?? []).filter(
      (k) => matches(k, q, kind, hq, status) || (self && q !== '' && matches(k, '', kind, hq, status)),
    );
    if (self || kids.length) out.push({ ...r, children: kids.length ? kids : undefined });
  }
  return out;
}

export function CategoriesPage() {
  const { can } = useSession();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const categories = useCategories();
  const canWrite = can('categories.write');

  const [q, setQ] = useState('');
  const [kind, setKind] = useState<string | undefined>();
  const [hq, setHq] = useState<string | undefined>();
  const [status, setStatus] = useState<StatusFilter>('all');
  const [expanded, setExpanded] = useState<Key[] | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [creating, setCreating] = useState<{ parent: TCategory | null } | null>(null);
  const [editingRule, setEditingRule] = useState<TCategory | null>(null);
  const [renaming, setRenaming] = useState<TCategory | null>(null);

  const setActive = useMutation({
    mutationFn: (v: { c: TCategory; isActive: boolean }) =>
      api.patch<TCategory>(`/api/v1/categories/${v.c.id}`, { isActive: v.isActive }),
    onSuccess: (_r, v) => {
      message.success(`${v.c.code} ${v.c.name} 已${v.isActive ? '启用' : '停用'}`);
      queryClient.invalidateQueries({ queryKey: CATEGORIES_KEY });
      queryClient.invalidateQueries({ queryKey: ['category', v.c.id] });
    },
    onError: (e) => message.error(errorMessage(e)),
  });

  const toggleActive = (c: TCategory) => {
    if (!c.isActive) {
      setActive.mutate({ c, isActive: true });
      return;
    }
    const kids = (categories.data ?? []).filter((k) => k.parentId === c.id && k.isActive).length;
    modal.confirm({
      title: `停用分类 ${c.code} ${c.name}?`,
      content: (
        <>
          <p>停用后不能再以该分类新立案,已立案的案卷不受影响;可随时重新启用。</p>
          {kids > 0 && <p>其下 {kids} 个启用中的小类不会随之停用,如需停用请逐个操作。</p>}
        </>
      ),
      okText: '停用',
      okButtonProps: { danger: true },
      onOk: () => setActive.mutateAsync({ c, isActive: false }).catch(() => undefined),
    });
  };

  const actions: CategoryActions | null = canWrite
    ? {
        onEditRule: setEditingRule,
        onRename: setRenaming,
        onToggleActive: toggleActive,
        onAddChild: (c) => setCreating({ parent: c }),
      }
    : null;

  const items = categories.data ?? [];
  const tree = useMemo(() => buildCategoryTree(items), [items]);
  const query = q.trim().toLowerCase();
  const filtering = query !== '' || kind !== undefined || hq !== undefined || status !== 'all';
  const rows = useMemo(
    () => (filtering ? filterTree(tree, query, kind, hq, status) : tree),
    [tree, filtering, query, kind, hq, status],
  );
  const hqOptions = useMemo(() => {
    const seen = new Map<string, string>();
    for (const c of items) if (c.rule.leadHqId) seen.set(c.rule.leadHqId, c.rule.leadHqName ?? '');
    return [...seen]
      .map(([value, label]) => ({ value, label }))
      .sort((a, b) => a.label.localeCompare(b.label, 'zh-CN'));
  }, [items]);

  if (categories.isPending) return <PageLoading rows={12} />;
  if (categories.isError) return <LoadError error={categories.error} onRetry={() => categories.refetch()} />;

  const majors = items.filter((c) => c.parentId === null).length;
  const inactive = items.filter((c) => !c.isActive).length;
  const expandedKeys = filtering ? rows.map((r) => r.id) : (expanded ?? []);

  const columns: TableColumnsType<CategoryRow> = [
    {
      title: '编码',
      dataIndex: 'code',
      width: 130,
      render: (v: string) => (
        <Typography.Text code className="gc-nowrap">
          {v}
        </Typography.Text>
      ),
    },
    {
      title: '名称',
      dataIndex: 'name',
      width: 180,
      render: (v: string, c) => (
        <Typography.Link strong={c.parentId === null} onClick={() => setOpenId(c.id)}>
          {v}
          {c.parentId === null && c.children ? (
            <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
              {' '}
              ({items.filter((k) => k.parentId === c.id).length})
            </Typography.Text>
          ) : null}
        </Typography.Link>
      ),
    },
    {
      title: '类型',
      dataIndex: 'kind',
      width: 80,
      render: (k: TCategory['kind']) => <Tag color={KIND_COLORS[k]}>{CATEGORY_KIND_LABELS[k]}</Tag>,
    },
    {
      title: '牵头指挥部',
      key: 'hq',
      width: 150,
      render: (_v, c) => c.rule.leadHqName ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: '牵头单位',
      key: 'unit',
      width: 130,
      render: (_v, c) => c.rule.leadUnitName ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: '整改时限',
      key: 'limits',
      width: 200,
      render: (_v, c) => (
        <Tooltip title={explainLimitUnits(c.rule.timeLimits)}>
          <span>{formatLimits(c.rule.timeLimits)}</span>
        </Tooltip>
      ),
    },
    {
      title: '照片(前/后)',
      key: 'evidence',
      width: 90,
      align: 'center',
      render: (_v, c) => (
        <Tooltip title={`处置前 ${c.rule.evidence.beforePhotos} 张,处置后 ${c.rule.evidence.afterPhotos} 张`}>
          <span>
            {c.rule.evidence.beforePhotos} / {c.rule.evidence.afterPhotos}
          </span>
        </Tooltip>
      ),
    },
    {
      title: '状态',
      dataIndex: 'isActive',
      width: 76,
      render: (v: boolean) => (v ? <Tag color="success">启用</Tag> : <Tag>已停用</Tag>),
    },
    {
      title: '版本',
      dataIndex: 'version',
      width: 70,
      render: (v: number, c) => (
        <Tooltip title={`第 ${v} 版规则,自 ${c.rule.createdAt.slice(0, 10)} 起生效`}>
          <Tag color={v > 1 ? 'blue' : undefined}>v{v}</Tag>
        </Tooltip>
      ),
    },
    {
      title: '操作',
      key: 'actions',
      fixed: 'right',
      width: canWrite ? 180 : 70,
      render: (_v, c) => (
        <Space size={0} separator={<span className="gc-sep" />}>
          <Button type="link" size="small" onClick={() => setOpenId(c.id)}>
            详情
          </Button>
          {canWrite && (
            <Button type="link" size="small" onClick={() => setEditingRule(c)}>
              修改规则
            </Button>
          )}
          {canWrite && (
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  ...(c.parentId === null
                    ? [
                        {
                          key: 'child',
                          label: '新建小类',
                          disabled: !c.isActive,
                          onClick: () => setCreating({ parent: c }),
                        },
                      ]
                    : []),
                  { key: 'rename', label: '修改名称/排序', onClick: () => setRenaming(c) },
                  { type: 'divider' as const },
                  c.isActive
                    ? { key: 'toggle', label: '停用', danger: true, onClick: () => toggleActive(c) }
                    : { key: 'toggle', label: '启用', onClick: () => toggleActive(c) },
                ],
              }}
            >
              <Button type="link" size="small">
                更多 <DownOutlined />
              </Button>
            </Dropdown>
          )}
        </Space>
      ),
    },
  ];

  return (
    <div className="gc-page">
      <PageHeader
        title="问题分类"
        description={`共 ${majors} 个大类、${items.length - majors} 个小类${inactive ? `,其中 ${inactive} 个已停用` : ''};每个分类的规则(牵头、时限、照片、扣分)按版本管理,案卷按立案时的版本执行`}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={() => categories.refetch()} loading={categories.isFetching}>
              刷新
            </Button>
            {canWrite && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating({ parent: null })}>
                新建分类
              </Button>
            )}
          </>
        }
      />
      <Card variant="borderless">
        <div className="gc-toolbar">
          <Input.Search
            allowClear
            placeholder="搜索编码或名称"
            style={{ width: 240 }}
            onSearch={(v) => setQ(v)}
            onChange={(e) => !e.target.value && setQ('')}
          />
          <Select
            allowClear
            placeholder="类型"
            style={{ width: 130 }}
            value={kind}
            onChange={setKind}
            options={CATEGORY_KINDS.map((k) => ({ value: k, label: CATEGORY_KIND_LABELS[k] }))}
          />
          <Select
            allowClear
            placeholder="牵头指挥部"
            style={{ width: 200 }}
            value={hq}
            onChange={setHq}
            options={hqOptions}
            showSearch={{ optionFilterProp: 'label' }}
          />
          <Select<StatusFilter>
            style={{ width: 110 }}
            value={status}
            onChange={setStatus}
            options={[
              { value: 'all', label: '全部状态' },
              { value: 'active', label: '启用' },
              { value: 'inactive', label: '已停用' },
            ]}
          />
          <Button disabled={filtering} onClick={() => setExpanded(tree.map((r) => r.id))}>
            全部展开
          </Button>
          <Button disabled={filtering} onClick={() => setExpanded([])}>
            全部收起
          </Button>
        </div>
        <Table<CategoryRow>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={rows}
          pagination={false}
          scroll={{ x: canWrite ? 1290 : 1180 }}
          rowClassName={(c) => (c.isActive ? '' : 'gc-row-muted')}
          expandable={{
            expandedRowKeys: expandedKeys,
            onExpandedRowsChange: (keys) => {
              if (!filtering) setExpanded([...keys]);
            },
            indentSize: 20,
          }}
          locale={{
            emptyText: (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={filtering ? '没有匹配的分类' : '暂无分类'} />
            ),
          }}
        />
      </Card>
      <CategoryDrawer
        id={openId}
        categories={items}
        onClose={() => setOpenId(null)}
        onOpen={setOpenId}
        actions={actions}
      />
      {canWrite && (
        <>
          <CreateCategoryModal
            open={creating !== null}
            parent={creating?.parent ?? null}
            categories={items}
            onClose={() => setCreating(null)}
            onCreated={(c) => {
              if (c.parentId) setExpanded((e) => [...new Set([...(e ?? []), c.parentId as string])]);
            }}
          />
          <EditRuleModal category={editingRule} onClose={() => setEditingRule(null)} />
          <RenameCategoryModal category={renaming} onClose={() => setRenaming(null)} />
        </>
      )}
    </div>
  );
}

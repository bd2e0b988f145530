/** The responsibility matrix (GET /api/v1/routing/rules): filters, the rules, and add/edit/delete by permission. */
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Checkbox,
  Empty,
  Input,
  Popconfirm,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { AREA_KIND_LABELS, AREA_KINDS, type TRule } from '../../../../common/routing.ts';
import { api } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useCategories } from '../../queries.ts';
import { useSession } from '../../session.tsx';
import { CategoryTreeSelect } from '../categories/CategoryTreeSelect.tsx';
import { WorkUnitSelect } from '../categories/ruleForm.tsx';
import { errorMessage } from '../ErrorAlert.tsx';
import { LoadError, PageLoading } from '../QueryState.tsx';
import { RULES_KEY, RuleModal } from './RuleModal.tsx';
import { compareSpecificity, PrecedencePanel, ruleSpecificity, SpecificityTags } from './routingFormat.tsx';

export function useRules() {
  return useQuery({
    queryKey: RULES_KEY,
    queryFn: () => api.get<{ items: TRule[] }>('/api/v1/routing/rules'),
    select: (d) => d.items,
  });
}

const AREA_COLORS: Record<TRule['areaKind'], string> = {
  tenant: 'default',
  subdistrict: 'cyan',
  community: 'green',
  grid: 'lime',
};

export function MatrixTab() {
  const { can } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const rules = useRules();
  const categories = useCategories();
  const canWrite = can('routing.write');

  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [inherited, setInherited] = useState(true);
  const [areaKind, setAreaKind] = useState<TRule['areaKind'] | undefined>();
  const [unitId, setUnitId] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<{ rule: TRule | null } | null>(null);

  const remove = useMutation({
    mutationFn: (id: string) => api.delete<void>(`/api/v1/routing/rules/${id}`),
    onSuccess: () => {
      message.success('责任规则已删除');
      queryClient.invalidateQueries({ queryKey: ['routing'] });
    },
    onError: (e) => message.error(errorMessage(e)),
  });

  const cats = categories.data ?? [];
  const selected = cats.find((c) => c.id === categoryId) ?? null;

  const rows = useMemo(() => {
    const all = rules.data ?? [];
    const text = q.trim().toLowerCase();
    const withSpec = all.map((r) => ({ rule: r, spec: ruleSpecificity(r, cats) }));
    return withSpec
      .filter(({ rule: r }) => {
        if (selected) {
          const exact = r.categoryId === selected.id;
          const childOfSelected =
            selected.parentId === null && cats.some((c) => c.id === r.categoryId && c.parentId === selected.id);
          const appliesFromAbove =
            inherited && (r.categoryId === null || (selected.parentId !== null && r.categoryId === selected.parentId));
          if (!exact && !childOfSelected && !appliesFromAbove) return false;
        }
        if (areaKind && r.areaKind !== areaKind) return false;
        if (unitId && r.unit.id !== unitId && r.areaId !== unitId) return false;
        if (text && !r.description.toLowerCase().includes(text) && !(r.note ?? '').toLowerCase().includes(text))
          return false;
        return true;
      })
      .sort((a, b) => {
        const byCode = (a.rule.categoryCode ?? '').localeCompare(b.rule.categoryCode ?? '', 'zh-CN', { numeric: true });
        const bySpec = compareSpecificity(b.spec, a.spec);
        // For one category, the order in which the rules would win; otherwise grouped by category.
        return selected ? bySpec || byCode : byCode || bySpec;
      });
  }, [rules.data, cats, selected, inherited, areaKind, unitId, q]);

  if (rules.isPending) return <PageLoading rows={10} />;
  if (rules.isError) return <LoadError error={rules.error} onRetry={() => rules.refetch()} />;

  type Row = (typeof rows)[number];
  const columns: TableColumnsType<Row> = [
    {
      title: '规则',
      key: 'description',
      width: 300,
      render: (_v, { rule: r }) => (
        <div>
          <Typography.Text>{r.description}</Typography.Text>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.note ? `${r.note} · ` : ''}更新于 {formatDateTime(r.updatedAt).slice(0, 16)}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    {
      title: '问题分类',
      key: 'category',
      width: 160,
      sorter: (a, b) =>
        (a.rule.categoryCode ?? '').localeCompare(b.rule.categoryCode ?? '', 'zh-CN', { numeric: true }),
      render: (_v, { rule: r }) =>
        r.categoryId ? (
          <span>
            <Typography.Text code>{r.categoryCode}</Typography.Text> {r.categoryName}
          </span>
        ) : (
          <Tag>任意分类</Tag>
        ),
    },
    {
      title: '区域',
      key: 'area',
      width: 170,
      sorter: (a, b) => (a.spec[1] ?? 0) - (b.spec[1] ?? 0),
      render: (_v, { rule: r }) => (
        <Space size={4}>
          <Tag color={AREA_COLORS[r.areaKind]}>{AREA_KIND_LABELS[r.areaKind]}</Tag>
          {r.areaKind === 'tenant' ? null : <span>{r.areaName ?? '?'}</span>}
        </Space>
      ),
    },
    {
      title: '行业 / 层级',
      key: 'industry',
      width: 100,
      render: (_v, { rule: r }) =>
        r.industry || r.level ? (
          <Space size={4} wrap>
            {r.industry && <Tag color="orange">{r.industry}</Tag>}
            {r.level && <Tag color="gold">{r.level}</Tag>}
          </Space>
        ) : (
          <Typography.Text type="secondary">不限</Typography.Text>
        ),
    },
    {
      title: '责任单位 / 责任人',
      key: 'unit',
      width: 180,
      sorter: (a, b) => a.rule.unit.name.localeCompare(b.rule.unit.name, 'zh-CN'),
      render: (_v, { rule: r }) => (
        <div>
          <Typography.Text strong>{r.unit.name}</Typography.Text>
          {r.user && (
            <div>
              <Typography.Text type="secondary">{r.user.name}</Typography.Text>
            </div>
          )}
        </div>
      ),
    },
    {
      title: (
        <Tooltip title="该规则适用时的具体程度:依次比较分类、区域、行业、层级">
          <span>具体程度</span>
        </Tooltip>
      ),
      key: 'spec',
      width: 190,
      sorter: (a, b) => compareSpecificity(a.spec, b.spec),
      render: (_v, { spec }) => <SpecificityTags value={spec} compact />,
    },
  ];
  if (canWrite) {
    columns.push({
      title: '操作',
      key: 'actions',
      fixed: 'right',
      width: 110,
      render: (_v, { rule: r }) => (
        <Space size={0} separator={<span className="gc-sep" />}>
          <Button type="link" size="small" onClick={() => setEditing({ rule: r })}>
            修改
          </Button>
          <Popconfirm
            title="删除该责任规则?"
            description={<div style={{ maxWidth: 320 }}>{r.description}</div>}
            okText="删除"
            okButtonProps={{ danger: true }}
            onConfirm={() => remove.mutateAsync(r.id).catch(() => undefined)}
          >
            <Button type="link" size="small" danger>
              删除
            </Button>
          </Popconfirm>
        </Space>
      ),
    });
  }

  const filtering = selected !== null || areaKind !== undefined || unitId !== null || q.trim() !== '';

  return (
    <>
      <div style={{ marginBottom: 16 }}>
        <PrecedencePanel />
      </div>
      <Card variant="borderless">
        <div className="gc-toolbar">
          <CategoryTreeSelect
            value={categoryId}
            onChange={setCategoryId}
            placeholder="按问题分类筛选"
            style={{ width: 240 }}
          />
          {selected && (
            <Tooltip
              title={
                selected.parentId
                  ? '同时显示该小类所属大类的规则和“任意分类”规则:它们也可能适用于该小类的问题'
                  : '同时显示“任意分类”规则:它们也可能适用于该大类的问题'
              }
            >
              <Checkbox checked={inherited} onChange={(e) => setInherited(e.target.checked)}>
                含可适用的上级规则
              </Checkbox>
            </Tooltip>
          )}
          <Select
            allowClear
            placeholder="区域范围"
            style={{ width: 120 }}
            value={areaKind}
            onChange={setAreaKind}
            options={AREA_KINDS.map((k) => ({ value: k, label: AREA_KIND_LABELS[k] }))}
          />
          <div style={{ width: 220 }}>
            <WorkUnitSelect value={unitId} onChange={setUnitId} placeholder="单位(责任单位或区域)" />
          </div>
          <Input.Search
            allowClear
            placeholder="搜索规则说明或备注"
            style={{ width: 220 }}
            onSearch={setQ}
            onChange={(e) => !e.target.value && setQ('')}
          />
          <Button icon={<ReloadOutlined />} onClick={() => rules.refetch()} loading={rules.isFetching}>
            刷新
          </Button>
          {canWrite && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ rule: null })}>
              新增规则
            </Button>
          )}
        </div>
        <Table<Row>
          rowKey={(r) => r.rule.id}
          size="middle"
          columns={columns}
          dataSource={rows}
          scroll={{ x: canWrite ? 1210 : 1100 }}
          pagination={{ pageSize: 50, hideOnSinglePage: true, showTotal: (n) => `共 ${n} 条` }}
          locale={{
            emptyText: (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={filtering ? '没有符合条件的规则' : '责任矩阵为空:问题将由分类牵头单位或网格属地负责'}
              />
            ),
          }}
          footer={() => (
            <Typography.Text type="secondary">
              {filtering ? `筛选出 ${rows.length} 条,` : ''}共 {rules.data.length} 条规则。
              {selected
                ? '按具体程度排列,越靠前越优先(前提是规则的区域包含问题位置)。'
                : '按分类编码排列,同一分类内越具体越靠前。'}
            </Typography.Text>
          )}
        />
      </Card>
      {canWrite && (
        <RuleModal
          open={editing !== null}
          rule={editing?.rule ?? null}
          rules={rules.data}
          onClose={() => setEditing(null)}
          onEditOther={(r) => setEditing({ rule: r })}
        />
      )}
    </>
  );
}

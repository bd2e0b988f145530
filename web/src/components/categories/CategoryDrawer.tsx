/** A category's details and version history (GET /api/v1/categories/:id), with the write actions by permission. */
import { EditOutlined, FileTextOutlined, HistoryOutlined } from '@ant-design/icons';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Button, Descriptions, Drawer, Empty, List, Space, Table, Tag, Timeline, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { z } from 'zod';
import {
  CASE_SOURCE_LABELS,
  CASE_SOURCES,
  CATEGORY_KIND_LABELS,
  LIMIT_UNIT_LABELS,
  SEVERITIES,
  SEVERITY_LABELS,
  type TCategory,
  type TCategoryRule,
  type ZCategoryVersion,
} from '../../../../common/categories.ts';
import type { TUser } from '../../../../common/org.ts';
import { api } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useSession } from '../../session.tsx';
import { LoadError, PageLoading } from '../QueryState.tsx';
import { diffRules, formatEvidence, formatLimit, type RuleChange } from './categoryFormat.ts';

export type TCategoryVersion = z.infer<typeof ZCategoryVersion>;
export type TCategoryDetail = TCategory & { versions: TCategoryVersion[] };

export function useCategoryDetail(id: string | null) {
  return useQuery({
    queryKey: ['category', id],
    queryFn: () => api.get<TCategoryDetail>(`/api/v1/categories/${id}`),
    enabled: id !== null,
  });
}

export interface CategoryActions {
  onEditRule: (c: TCategory) => void;
  onRename: (c: TCategory) => void;
  onToggleActive: (c: TCategory) => void;
  onAddChild: (c: TCategory) => void;
}

export function CategoryDrawer({
  id,
  categories,
  onClose,
  onOpen,
  actions,
}: {
  id: string | null;
  categories: readonly TCategory[];
  onClose: () => void;
  onOpen: (id: string) => void;
  /** Present when the user may write the catalogue. */
  actions: CategoryActions | null;
}) {
  const detail = useCategoryDetail(id);
  const listed = categories.find((c) => c.id === id) ?? null;
  const c = detail.data ?? null;

  let body: ReactNode;
  if (detail.isPending) body = <PageLoading rows={10} />;
  else if (detail.isError) body = <LoadError error={detail.error} onRetry={() => detail.refetch()} />;
  else if (c) body = <CategoryDetailBody c={c} categories={categories} onOpen={onOpen} />;

  const head = c ?? listed;
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size={760}
      destroyOnHidden
      title={
        head ? (
          <Space size={8} wrap>
            <Typography.Text code>{head.code}</Typography.Text>
            <span>{head.name}</span>
            {head.isActive ? <Tag color="success">启用</Tag> : <Tag>已停用</Tag>}
            <Tag color="blue">第 {head.version} 版</Tag>
          </Space>
        ) : (
          '分类详情'
        )
      }
      extra={
        actions &&
        head && (
          <Space>
            {head.parentId === null && (
              <Button onClick={() => actions.onAddChild(head)} disabled={!head.isActive}>
                新建小类
              </Button>
            )}
            <Button onClick={() => actions.onRename(head)}>修改名称</Button>
            <Button onClick={() => actions.onToggleActive(head)} danger={head.isActive}>
              {head.isActive ? '停用' : '启用'}
            </Button>
            <Button type="primary" icon={<EditOutlined />} onClick={() => actions.onEditRule(head)}>
              修改规则
            </Button>
          </Space>
        )
      }
    >
      {body}
    </Drawer>
  );
}

function Section({ icon, title, children }: { icon?: ReactNode; title: ReactNode; children: ReactNode }) {
  return (
    <section style={{ marginTop: 24 }}>
      <Typography.Title level={5} style={{ marginBottom: 12 }}>
        {icon} {title}
      </Typography.Title>
      {children}
    </section>
  );
}

function CategoryDetailBody({
  c,
  categories,
  onOpen,
}: {
  c: TCategoryDetail;
  categories: readonly TCategory[];
  onOpen: (id: string) => void;
}) {
  const parent = c.parentId ? categories.find((p) => p.id === c.parentId) : undefined;
  const children = categories.filter((k) => k.parentId === c.id);
  return (
    <>
      <Descriptions
        size="small"
        column={2}
        bordered
        items={[
          { key: 'level', label: '层级', children: c.parentId ? '小类' : '大类' },
          {
            key: 'parent',
            label: '所属大类',
            children: parent ? (
              <Typography.Link onClick={() => onOpen(parent.id)}>
                {parent.code} {parent.name}
              </Typography.Link>
            ) : (
              '—'
            ),
          },
          { key: 'kind', label: '类型', children: CATEGORY_KIND_LABELS[c.kind] },
          { key: 'sort', label: '排序', children: c.sortOrder },
          { key: 'hq', label: '牵头指挥部', children: c.rule.leadHqName ?? <Muted>未指定</Muted> },
          { key: 'unit', label: '牵头单位', children: c.rule.leadUnitName ?? <Muted>未指定</Muted> },
          { key: 'evidence', label: '照片要求', children: formatEvidence(c.rule.evidence) },
          {
            key: 'since',
            label: '当前规则生效',
            children: `第 ${c.version} 版 · ${formatDateTime(c.rule.createdAt)}`,
          },
          ...(c.rule.note ? [{ key: 'note', label: '备注', span: 2, children: c.rule.note }] : []),
        ]}
      />

      <Section title="整改时限">
        <LimitsTable timeLimits={c.rule.timeLimits} />
      </Section>

      <Section icon={<FileTextOutlined />} title="立案与结案条件">
        <Descriptions
          size="small"
          column={1}
          bordered
          styles={{ label: { width: 96 } }}
          items={[
            { key: 'reg', label: '立案条件', children: c.rule.registerCondition || <Muted>未填写</Muted> },
            { key: 'close', label: '结案条件', children: c.rule.closeCondition || <Muted>未填写</Muted> },
          ]}
        />
      </Section>

      <Section title="扣分标准(按问题来源,每件)">
        <DeductionsTable deductions={c.rule.deductions} />
      </Section>

      {c.parentId === null && (
        <Section title={`小类(${children.length})`}>
          {children.length === 0 ? (
            <Muted>暂无小类</Muted>
          ) : (
            <Space size={[8, 8]} wrap>
              {children.map((k) => (
                <Tag
                  key={k.id}
                  className="gc-clickable-tag"
                  onClick={() => onOpen(k.id)}
                  color={k.isActive ? 'blue' : undefined}
                >
                  {k.code} {k.name}
                  {k.isActive ? '' : '(已停用)'}
                </Tag>
              ))}
            </Space>
          )}
        </Section>
      )}

      <Section icon={<HistoryOutlined />} title={`版本记录(${c.versions.length})`}>
        <Typography.Paragraph type="secondary">
          每次修改规则生成一个新版本;案卷按立案时的版本执行,修改不影响已立案的案卷。名称、排序、启用状态的修改不生成版本。
        </Typography.Paragraph>
        <VersionTimeline versions={c.versions} current={c.version} />
      </Section>
    </>
  );
}

function Muted({ children }: { children: ReactNode }) {
  return <Typography.Text type="secondary">{children}</Typography.Text>;
}

export function LimitsTable({ timeLimits }: { timeLimits: TCategoryRule['timeLimits'] }) {
  const rows = SEVERITIES.map((s) => ({ severity: s, limit: timeLimits[s] }));
  return (
    <Table
      size="small"
      rowKey="severity"
      pagination={false}
      dataSource={rows}
      columns={[
        {
          title: '级别',
          dataIndex: 'severity',
          width: 90,
          render: (s: keyof typeof SEVERITY_LABELS) => SEVERITY_LABELS[s],
        },
        {
          title: '时限',
          key: 'limit',
          width: 140,
          render: (_v, r) => (r.limit ? formatLimit(r.limit) : <Muted>未设置,按“一般”计</Muted>),
        },
        {
          title: '计时方式',
          key: 'unit',
          render: (_v, r) => (r.limit ? LIMIT_UNIT_LABELS[r.limit.unit] : '—'),
        },
      ]}
    />
  );
}

export function DeductionsTable({ deductions }: { deductions: TCategoryRule['deductions'] }) {
  const rows = CASE_SOURCES.map((s) => ({ source: s, points: deductions[s] }));
  return (
    <Table
      size="small"
      rowKey="source"
      pagination={false}
      dataSource={rows}
      columns={[
        {
          title: '问题来源',
          dataIndex: 'source',
          render: (s: keyof typeof CASE_SOURCE_LABELS) => CASE_SOURCE_LABELS[s],
        },
        {
          title: '每件扣分',
          dataIndex: 'points',
          width: 140,
          align: 'right',
          render: (p: number | undefined) =>
            p === undefined ? <Muted>不扣分</Muted> : p === 0 ? <Muted>0 分</Muted> : <strong>{p} 分</strong>,
        },
      ]}
    />
  );
}

/** Names of the users who made versions, when this user may read users; otherwise nothing. */
function useUserNames(ids: readonly string[]): Map<string, string> {
  const { can } = useSession();
  const results = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['users', 'one', id],
      queryFn: () => api.get<TUser>(`/api/v1/users/${id}`),
      enabled: can('users.read'),
      staleTime: 300_000,
      retry: false,
    })),
  });
  const out = new Map<string, string>();
  results.forEach((r, i) => {
    const id = ids[i];
    if (id && r.data) out.set(id, `${r.data.displayName}(${r.data.username})`);
  });
  return out;
}

function VersionTimeline({ versions, current }: { versions: TCategoryVersion[]; current: number }) {
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  const creators = [...new Set(sorted.map((v) => v.createdBy).filter((x): x is string => x !== null))];
  const names = useUserNames(creators);
  if (sorted.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无版本记录" />;
  return (
    <Timeline
      items={sorted.map((v, i) => {
        const prev = sorted[i + 1];
        const changes = prev ? diffRules(prev, v) : [];
        const who = v.createdBy ? (names.get(v.createdBy) ?? '用户') : '系统初始化';
        return {
          key: v.version,
          color: v.version === current ? 'blue' : 'gray',
          content: (
            <div>
              <Space size={8} wrap style={{ marginBottom: 4 }}>
                <strong>第 {v.version} 版</strong>
                {v.version === current && <Tag color="blue">当前</Tag>}
                <Typography.Text type="secondary">
                  {formatDateTime(v.createdAt)} · {who}
                </Typography.Text>
              </Space>
              <div>
                <VersionChanges prev={prev} v={v} changes={changes} />
              </div>
            </div>
          ),
        };
      })}
    />
  );
}

function VersionChanges({
  prev,
  v,
  changes,
}: {
  prev: TCategoryVersion | undefined;
  v: TCategoryVersion;
  changes: RuleChange[];
}) {
  return prev ? (
    changes.length === 0 ? (
      <Muted>与第 {prev.version} 版相同</Muted>
    ) : (
      <List
        size="small"
        split={false}
        dataSource={changes}
        renderItem={(ch) => (
          <List.Item style={{ padding: '2px 0', display: 'block' }}>
            <Typography.Text strong>{ch.field}</Typography.Text>:
            <Tooltip title={ch.from.length > 30 ? ch.from : undefined}>
              <Typography.Text delete type="secondary">
                {clip(ch.from)}
              </Typography.Text>
            </Tooltip>
            {' → '}
            <Tooltip title={ch.to.length > 30 ? ch.to : undefined}>
              <Typography.Text>{clip(ch.to)}</Typography.Text>
            </Tooltip>
          </List.Item>
        )}
      />
    )
  ) : (
    <Muted>
      初始版本:牵头 {v.leadHqName ?? '—'} / {v.leadUnitName ?? '—'};时限{' '}
      {SEVERITIES.filter((s) => v.timeLimits[s])
        .map((s) => `${SEVERITY_LABELS[s]} ${formatLimit(v.timeLimits[s])}`)
        .join(' / ')}
      ;{formatEvidence(v.evidence)}
    </Muted>
  );
}

function clip(s: string, n = 30): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

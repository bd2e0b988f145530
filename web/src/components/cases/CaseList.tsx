/**
 * Cases as a table (desk) or as cards (phones), and the quick actions of the work queues: a quick
 * action loads the case first and offers only what the server's `allowed` says, with the same dialog
 * as the detail page.
 */
import { EnvironmentOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Grid, Pagination, Space, Table, type TableColumnsType, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { TCaseDetail, TCaseStatus, TCaseSummary } from '../../../../common/cases.ts';
import { CASE_SOURCE_LABELS } from '../../../../common/categories.ts';
import { formatDateTime } from '../../format.ts';
import { errorMessage } from '../ErrorAlert.tsx';
import { type TAllowedTransition, TransitionModal } from './CaseActionModals.tsx';
import { caseKey, fetchCase } from './caseApi.ts';
import { DueTag, SeverityTag, StatusTag, useNow } from './caseFormat.tsx';

export interface QuickAction {
  to: TCaseStatus;
  label: string;
}

/** Offer a transition for a case in a list: load it, check `allowed`, open the dialog. */
export function useQuickActions() {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const [open, setOpen] = useState<{ detail: TCaseDetail; transition: TAllowedTransition } | null>(null);

  const run = async (c: TCaseSummary, a: QuickAction) => {
    setBusy(`${c.id}:${a.to}`);
    try {
      const detail = await qc.fetchQuery({ queryKey: caseKey(c.id), queryFn: () => fetchCase(c.id), staleTime: 0 });
      const t = detail.allowed.transitions.find((x) => x.to === a.to);
      if (!t) {
        message.warning(`该案件当前不能${a.label}(状态已变化或无权办理),列表已刷新`);
        qc.invalidateQueries({ queryKey: ['cases', 'list'] });
        return;
      }
      setOpen({ detail, transition: t });
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  const node = open ? (
    <TransitionModal detail={open.detail} transition={open.transition} onClose={() => setOpen(null)} />
  ) : null;
  return { run, busy, node };
}

function ActionButtons({
  c,
  actions,
  onAction,
  busy,
  size = 'small',
}: {
  c: TCaseSummary;
  actions?: (c: TCaseSummary) => QuickAction[];
  onAction?: (c: TCaseSummary, a: QuickAction) => void;
  busy?: string | null;
  size?: 'small' | 'middle';
}) {
  const list = actions?.(c) ?? [];
  if (list.length === 0 || !onAction) return null;
  return (
    <Space size={4} onClick={(e) => e.stopPropagation()}>
      {list.map((a) => (
        <Button
          key={a.to}
          size={size}
          type="primary"
          ghost
          loading={busy === `${c.id}:${a.to}`}
          onClick={() => onAction(c, a)}
          data-quick={a.to}
        >
          {a.label}
        </Button>
      ))}
    </Space>
  );
}

export interface CaseListProps {
  items: TCaseSummary[];
  total: number;
  page: number;
  pageSize: number;
  loading: boolean;
  onPage: (page: number, pageSize: number) => void;
  actions?: (c: TCaseSummary) => QuickAction[];
  onAction?: (c: TCaseSummary, a: QuickAction) => void;
  busy?: string | null;
  empty?: ReactNode;
  /** Show the source column (the ledger does; the queues need the space). */
  showSource?: boolean;
}

export function CaseList(props: CaseListProps) {
  const screens = Grid.useBreakpoint();
  // Before the first measurement every breakpoint is undefined: assume a desk.
  const phone = screens.md === false;
  return phone ? <CaseCards {...props} /> : <CaseTable {...props} />;
}

function CaseTable({
  items,
  total,
  page,
  pageSize,
  loading,
  onPage,
  actions,
  onAction,
  busy,
  empty,
  showSource,
}: CaseListProps) {
  const navigate = useNavigate();
  const now = useNow();
  const columns: TableColumnsType<TCaseSummary> = [
    {
      title: '案件编号',
      dataIndex: 'number',
      width: 130,
      render: (v: string, c) => (
        <Link to={`/cases/${c.id}`} onClick={(e) => e.stopPropagation()} className="gc-nowrap">
          {v}
        </Link>
      ),
    },
    {
      title: '问题分类',
      key: 'category',
      width: 150,
      render: (_v, c) => (
        <span>
          {c.category.name}
          {c.severity !== 'normal' && (
            <>
              {' '}
              <SeverityTag severity={c.severity} />
            </>
          )}
        </span>
      ),
    },
    { title: '状态', dataIndex: 'status', width: 90, render: (v: TCaseStatus) => <StatusTag status={v} /> },
    {
      title: '时限',
      key: 'due',
      width: 170,
      render: (_v, c) => <DueTag dueState={c.dueState} dueAt={c.dueAt} stage={c.stage} now={now} showCountdown />,
    },
    {
      title: '责任单位',
      key: 'unit',
      width: 140,
      render: (_v, c) => c.unit?.name ?? <Typography.Text type="secondary">待派遣</Typography.Text>,
    },
    ...(showSource
      ? [
          {
            title: '来源',
            dataIndex: 'source',
            width: 96,
            render: (v: TCaseSummary['source']) => CASE_SOURCE_LABELS[v] ?? v,
          },
        ]
      : []),
    {
      title: '上报时间',
      dataIndex: 'reportedAt',
      width: 160,
      render: (v: string) => <span className="gc-nowrap">{formatDateTime(v)}</span>,
    },
    {
      title: '地址',
      key: 'address',
      ellipsis: true,
      render: (_v, c) => c.address ?? c.grid?.name ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    ...(actions && onAction
      ? [
          {
            title: '操作',
            key: 'actions',
            width: 120,
            render: (_v: unknown, c: TCaseSummary) => (
              <ActionButtons c={c} actions={actions} onAction={onAction} busy={busy} />
            ),
          },
        ]
      : []),
  ];
  return (
    <Table<TCaseSummary>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={items}
      loading={loading}
      scroll={{ x: 1000 }}
      rowClassName={(c) => `gc-row-click${c.dueState === 'overdue' ? ' gc-row-overdue' : ''}`}
      onRow={(c) => ({ onClick: () => navigate(`/cases/${c.id}`) })}
      pagination={{
        current: page,
        pageSize,
        total,
        showSizeChanger: true,
        pageSizeOptions: [20, 50, 100, 200],
        showTotal: (t) => `共 ${t} 件`,
        onChange: onPage,
      }}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty ?? '没有案件'} /> }}
    />
  );
}

function CaseCards({ items, total, page, pageSize, loading, onPage, actions, onAction, busy, empty }: CaseListProps) {
  const navigate = useNavigate();
  const now = useNow();
  if (!loading && items.length === 0)
    return (
      <Card variant="borderless">
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty ?? '没有案件'} />
      </Card>
    );
  return (
    <div className="gc-case-cards">
      {items.map((c) => (
        <Card
          key={c.id}
          size="small"
          className="gc-case-card"
          onClick={() => navigate(`/cases/${c.id}`)}
          loading={loading && items.length === 0}
          data-testid={`case-card-${c.number}`}
        >
          <div className="gc-case-card-head">
            <Typography.Text strong>{c.category.name}</Typography.Text>
            <StatusTag status={c.status} />
          </div>
          <div className="gc-case-card-desc">{c.description}</div>
          <div className="gc-event-meta">
            <EnvironmentOutlined /> {c.address ?? c.grid?.name ?? '—'}
          </div>
          <div className="gc-case-card-foot">
            <Space size={6} wrap>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {c.number}
              </Typography.Text>
              <DueTag dueState={c.dueState} dueAt={c.dueAt} stage={c.stage} now={now} showCountdown />
            </Space>
            <ActionButtons c={c} actions={actions} onAction={onAction} busy={busy} size="middle" />
          </div>
        </Card>
      ))}
      {total > pageSize && (
        <Pagination
          simple
          current={page}
          pageSize={pageSize}
          total={total}
          onChange={onPage}
          style={{ alignSelf: 'center' }}
        />
      )}
    </div>
  );
}

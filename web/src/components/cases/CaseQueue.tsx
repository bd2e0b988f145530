/**
 * A work queue (the HQ's dispatch queue, a unit's tasks): the server's view of what waits for the
 * caller, most urgent first (overdue, then by deadline), split by what needs doing, with a quick action
 * on each case. Refreshes every minute.
 */
import { ReloadOutlined } from '@ant-design/icons';
import { useQueries } from '@tanstack/react-query';
import { Badge, Button, Card, Segmented } from 'antd';
import { type ReactNode, useState } from 'react';
import type { TCaseList, TCaseListQuery, TCaseStatus, TCaseSummary } from '../../../../common/cases.ts';
import { api } from '../../api.ts';
import { PageHeader } from '../PageHeader.tsx';
import { LoadError } from '../QueryState.tsx';
import { CaseList, type QuickAction, useQuickActions } from './CaseList.tsx';
import { listQuery, useCaseList } from './caseApi.ts';
import './cases.css';

export interface QueueTab {
  key: string;
  label: string;
  status?: TCaseStatus[];
}

const REFRESH_MS = 60_000;

export function CaseQueue({
  view,
  title,
  description,
  tabs,
  actions,
  empty,
}: {
  view: TCaseListQuery['view'];
  title: string;
  description: ReactNode;
  tabs: QueueTab[];
  actions: (c: TCaseSummary) => QuickAction[];
  empty: string;
}) {
  const [tab, setTab] = useState(tabs[0]?.key ?? 'all');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const current = tabs.find((t) => t.key === tab) ?? tabs[0];
  const list = useCaseList(
    { view, status: current?.status, page, pageSize, sort: 'due_asc' },
    { refetchInterval: REFRESH_MS },
  );
  const counts = useQueries({
    queries: tabs.map((t) => ({
      queryKey: ['cases', 'list', { view, status: t.status, pageSize: 1, count: true }],
      queryFn: () => api.get<TCaseList>('/api/v1/cases', listQuery({ view, status: t.status, page: 1, pageSize: 1 })),
      refetchInterval: REFRESH_MS,
      staleTime: 5_000,
    })),
  });
  const quick = useQuickActions();

  return (
    <div className="gc-page">
      <PageHeader
        title={title}
        description={description}
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => list.refetch()} loading={list.isFetching}>
            刷新
          </Button>
        }
      />
      <div style={{ overflowX: 'auto' }}>
        <Segmented
          value={tab}
          onChange={(v) => {
            setTab(String(v));
            setPage(1);
          }}
          options={tabs.map((t, i) => ({
            value: t.key,
            label: (
              <span data-testid={`queue-tab-${t.key}`}>
                {t.label}{' '}
                {counts[i]?.data && (
                  <Badge
                    count={counts[i]?.data?.total}
                    showZero
                    overflowCount={999}
                    color={t.key === tab ? '#1e5bb8' : '#bfbfbf'}
                    size="small"
                  />
                )}
              </span>
            ),
          }))}
        />
      </div>
      <Card variant="borderless" styles={{ body: { padding: 12 } }}>
        {list.isError && !list.data ? (
          <LoadError error={list.error} onRetry={() => list.refetch()} />
        ) : (
          <CaseList
            items={list.data?.items ?? []}
            total={list.data?.total ?? 0}
            page={page}
            pageSize={pageSize}
            loading={list.isPending || (list.isFetching && list.isPlaceholderData)}
            onPage={(p, ps) => {
              setPage(ps !== pageSize ? 1 : p);
              setPageSize(ps);
            }}
            actions={actions}
            onAction={quick.run}
            busy={quick.busy}
            empty={empty}
          />
        )}
      </Card>
      {quick.node}
    </div>
  );
}

/**
 * /cases 案件台账: every case the user may see, filtered and paged on the server, exportable to Excel
 * with the same filters. The filters live in the URL, so a filtered ledger can be bookmarked, shared,
 * and is still there after opening a case and coming back.
 */
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Checkbox, Col, DatePicker, Input, Row, Select, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { CASE_STATUS_LABELS, CASE_STATUSES, type TCaseListQuery, type TCaseStatus } from '../../../common/cases.ts';
import { CASE_SOURCE_LABELS, CASE_SOURCES, type TCaseSource } from '../../../common/categories.ts';
import { withQuery } from '../api.ts';
import { CaseList } from '../components/cases/CaseList.tsx';
import { type CaseFilters, listQuery, useCaseList } from '../components/cases/caseApi.ts';
import { CategoryTreeSelect } from '../components/categories/CategoryTreeSelect.tsx';
import { errorMessage } from '../components/ErrorAlert.tsx';
import { downloadXlsx } from '../components/org/orgFiles.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError } from '../components/QueryState.tsx';
import { GridSelect } from '../components/routing/GridSelect.tsx';
import { UnitTreeSelect } from '../components/UnitTreeSelect.tsx';
import { useCategories } from '../queries.ts';
import { useSession } from '../session.tsx';
import '../components/cases/cases.css';

type Sort = TCaseListQuery['sort'];
const SORTS: { value: Sort; label: string }[] = [
  { value: 'reported_desc', label: '上报时间(新→旧)' },
  { value: 'reported_asc', label: '上报时间(旧→新)' },
  { value: 'due_asc', label: '时限(最紧迫在前)' },
];

/** Dates in the URL are Beijing days; the API takes instants with an offset. */
const dayStart = (d: string) => `${d}T00:00:00+08:00`;
const dayEnd = (d: string) => `${d}T23:59:59.999+08:00`;

function csv<T extends string>(v: string | null, allowed: readonly T[]): T[] {
  return (v ?? '').split(',').filter((x): x is T => (allowed as readonly string[]).includes(x));
}

export function CasesPage() {
  const { can } = useSession();
  const { message } = App.useApp();
  const [sp, setSp] = useSearchParams();
  const categories = useCategories();
  const [exporting, setExporting] = useState(false);

  const filters: CaseFilters & { fromDay?: string; toDay?: string } = useMemo(() => {
    const fromDay = sp.get('from') ?? undefined;
    const toDay = sp.get('to') ?? undefined;
    return {
      status: csv<TCaseStatus>(sp.get('status'), CASE_STATUSES),
      source: csv<TCaseSource>(sp.get('source'), CASE_SOURCES),
      category: sp.get('category') ?? undefined,
      unitId: sp.get('unit') ?? undefined,
      gridId: sp.get('grid') ?? undefined,
      fromDay,
      toDay,
      from: fromDay ? dayStart(fromDay) : undefined,
      to: toDay ? dayEnd(toDay) : undefined,
      overdue: sp.get('overdue') === '1',
      recurrence: sp.get('recurrence') === '1',
      q: sp.get('q') ?? undefined,
    };
  }, [sp]);
  const page = Math.max(1, Number(sp.get('page')) || 1);
  const pageSize = [20, 50, 100, 200].includes(Number(sp.get('size'))) ? Number(sp.get('size')) : 20;
  const sort = (SORTS.find((s) => s.value === sp.get('sort'))?.value ?? 'reported_desc') as Sort;
  const [q, setQ] = useState(filters.q ?? '');

  /** Change URL params; any filter change goes back to page 1. */
  const set = (patch: Record<string, string | null | undefined>, keepPage = false) => {
    const next = new URLSearchParams(sp);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    if (!keepPage) next.delete('page');
    setSp(next, { replace: true });
  };

  const { fromDay: _f, toDay: _t, ...apiFilters } = filters;
  const params = { ...apiFilters, page, pageSize, sort };
  const list = useCaseList(params);
  const categoryId = categories.data?.find((c) => c.code === filters.category)?.id ?? null;

  const exportXlsx = async () => {
    setExporting(true);
    try {
      const { page: _p, pageSize: _s, ...rest } = listQuery(params);
      await downloadXlsx(withQuery('/api/v1/cases/export.xlsx', rest), `案件台账-${dayjs().format('YYYYMMDD')}.xlsx`);
    } catch (e) {
      message.error(`导出失败:${errorMessage(e)}`);
    } finally {
      setExporting(false);
    }
  };

  const anyFilter =
    (filters.status?.length ?? 0) > 0 ||
    (filters.source?.length ?? 0) > 0 ||
    !!filters.category ||
    !!filters.unitId ||
    !!filters.gridId ||
    !!filters.from ||
    !!filters.to ||
    filters.overdue ||
    filters.recurrence ||
    !!filters.q;

  return (
    <div className="gc-page">
      <PageHeader
        title="案件台账"
        description="全部来源的问题及其办理情况;筛选条件同样用于导出"
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={() => list.refetch()} loading={list.isFetching}>
              刷新
            </Button>
            {can('cases.export') && (
              <Button icon={<DownloadOutlined />} onClick={exportXlsx} loading={exporting} data-testid="export-xlsx">
                导出 Excel
              </Button>
            )}
          </>
        }
      />
      <Card variant="borderless">
        <Row gutter={[8, 8]} style={{ marginBottom: 12 }} className="gc-case-filters">
          <Col xs={24} md={12} xl={6}>
            <Input.Search
              allowClear
              placeholder="编号、描述、地址"
              value={q}
              onChange={(e) => {
                setQ(e.target.value);
                if (!e.target.value) set({ q: null });
              }}
              onSearch={(v) => set({ q: v.trim() || null })}
            />
          </Col>
          <Col xs={24} md={12} xl={6}>
            <Select<TCaseStatus[]>
              mode="multiple"
              allowClear
              maxTagCount="responsive"
              placeholder="状态"
              style={{ width: '100%' }}
              value={filters.status}
              onChange={(v) => set({ status: v.join(',') })}
              options={CASE_STATUSES.map((s) => ({ value: s, label: CASE_STATUS_LABELS[s] }))}
            />
          </Col>
          <Col xs={24} md={12} xl={6}>
            <Select<TCaseSource[]>
              mode="multiple"
              allowClear
              maxTagCount="responsive"
              placeholder="来源"
              style={{ width: '100%' }}
              value={filters.source}
              onChange={(v) => set({ source: v.join(',') })}
              options={CASE_SOURCES.map((s) => ({ value: s, label: CASE_SOURCE_LABELS[s] }))}
            />
          </Col>
          <Col xs={24} md={12} xl={6}>
            <CategoryTreeSelect
              placeholder="问题分类"
              value={categoryId}
              onChange={(id) => set({ category: categories.data?.find((c) => c.id === id)?.code ?? null })}
            />
          </Col>
          <Col xs={24} md={12} xl={6}>
            <UnitTreeSelect
              placeholder="责任单位(含下级)"
              value={filters.unitId ?? null}
              onChange={(v) => set({ unit: v })}
            />
          </Col>
          <Col xs={24} md={12} xl={6}>
            <GridSelect value={filters.gridId ?? null} onChange={(v) => set({ grid: v })} />
          </Col>
          <Col xs={24} md={12} xl={6}>
            <DatePicker.RangePicker
              style={{ width: '100%' }}
              placeholder={['上报起', '上报止']}
              value={[filters.fromDay ? dayjs(filters.fromDay) : null, filters.toDay ? dayjs(filters.toDay) : null]}
              allowEmpty={[true, true]}
              onChange={(r) =>
                set({ from: r?.[0]?.format('YYYY-MM-DD') ?? null, to: r?.[1]?.format('YYYY-MM-DD') ?? null })
              }
            />
          </Col>
          <Col xs={24} md={12} xl={6} style={{ display: 'flex', alignItems: 'center', gap: 12, flexWrap: 'wrap' }}>
            <Checkbox checked={filters.overdue} onChange={(e) => set({ overdue: e.target.checked ? '1' : null })}>
              仅超期
            </Checkbox>
            <Checkbox checked={filters.recurrence} onChange={(e) => set({ recurrence: e.target.checked ? '1' : null })}>
              仅反弹
            </Checkbox>
          </Col>
        </Row>
        <div className="gc-case-toolbar">
          <Typography.Text type="secondary">
            {list.data ? `共 ${list.data.total} 件` : ' '}
            {anyFilter && (
              <Button
                type="link"
                size="small"
                onClick={() => {
                  setQ('');
                  setSp(new URLSearchParams(), { replace: true });
                }}
              >
                清除筛选
              </Button>
            )}
          </Typography.Text>
          <Select<Sort>
            value={sort}
            onChange={(v) => set({ sort: v === 'reported_desc' ? null : v })}
            options={SORTS}
            style={{ width: 170 }}
            aria-label="排序"
          />
        </div>
        {list.isError && !list.data ? (
          <LoadError error={list.error} onRetry={() => list.refetch()} />
        ) : (
          <CaseList
            items={list.data?.items ?? []}
            total={list.data?.total ?? 0}
            page={page}
            pageSize={pageSize}
            loading={list.isPending || (list.isFetching && list.isPlaceholderData)}
            onPage={(p, ps) =>
              set({ page: ps !== pageSize ? null : String(p), size: ps === 20 ? null : String(ps) }, true)
            }
            empty={anyFilter ? '没有符合条件的案件' : '暂无案件'}
            showSource
          />
        )}
      </Card>
    </div>
  );
}

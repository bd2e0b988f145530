/**
 * The cases API as the web pages use it (contract: common/cases.ts): queries for the list and the
 * detail, and writes that carry If-Match (the case's version) — a 412 means someone else changed the
 * case first, so the detail is refetched and the user told.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import type {
  TCaseDetail,
  TCaseList,
  TCaseListQuery,
  TCaseRequestCreate,
  TCaseRequestDecision,
  TCaseStatus,
  TTransitionRequest,
} from '../../../../common/cases.ts';
import type { TCaseSource } from '../../../../common/categories.ts';
import type { TMediaUploaded } from '../../../../common/media.ts';
import { api, isApiError, type QueryValue } from '../../api.ts';

/** What POST /api/v1/media answers. */
export type TMedia = TMediaUploaded;

export interface TNearbyCase {
  id: string;
  number: string;
  distanceM: number;
  reportedAt: string;
  status: TCaseStatus;
}

/**
 * A random UUID v4. crypto.randomUUID exists only in secure contexts (https, localhost); a district
 * intranet served over plain http still has crypto.getRandomValues.
 */
export function newUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const CASES_KEY = ['cases'] as const;
export const caseKey = (id: string) => ['cases', 'detail', id] as const;

/** The ledger's filters as the URL and the API spell them (lists are comma-separated). */
export interface CaseFilters {
  status?: TCaseStatus[];
  source?: TCaseSource[];
  category?: string;
  unitId?: string;
  gridId?: string;
  from?: string;
  to?: string;
  overdue?: boolean;
  recurrence?: boolean;
  q?: string;
}

export type CaseListParams = CaseFilters & {
  view?: TCaseListQuery['view'];
  page?: number;
  pageSize?: number;
  sort?: TCaseListQuery['sort'];
};

/** Query-string values for GET /api/v1/cases and the export (empty ones are left out by withQuery). */
export function listQuery(p: CaseListParams): Record<string, QueryValue> {
  return {
    status: p.status?.length ? p.status.join(',') : undefined,
    source: p.source?.length ? p.source.join(',') : undefined,
    category: p.category,
    unitId: p.unitId,
    gridId: p.gridId,
    from: p.from,
    to: p.to,
    overdue: p.overdue ? 'true' : undefined,
    recurrence: p.recurrence ? 'true' : undefined,
    q: p.q,
    view: p.view && p.view !== 'all' ? p.view : undefined,
    page: p.page,
    pageSize: p.pageSize,
    sort: p.sort,
  };
}

export function useCaseList(params: CaseListParams, opts: { enabled?: boolean; refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: ['cases', 'list', params],
    queryFn: () => api.get<TCaseList>('/api/v1/cases', listQuery(params)),
    placeholderData: keepPreviousData,
    staleTime: 5_000,
    enabled: opts.enabled,
    refetchInterval: opts.refetchInterval,
  });
}

export function useCaseDetail(id: string | undefined) {
  return useQuery({
    queryKey: caseKey(id ?? ''),
    queryFn: () => api.get<TCaseDetail>(`/api/v1/cases/${id}`),
    enabled: !!id,
    staleTime: 5_000,
  });
}

/** The If-Match header for a case version (the ETag is the quoted version). */
export function ifMatch(version: number): Record<string, string> {
  return { 'If-Match': `"${version}"` };
}

export function fetchCase(id: string): Promise<TCaseDetail> {
  return api.get<TCaseDetail>(`/api/v1/cases/${id}`);
}

export type CaseWrite =
  | { kind: 'transition'; body: TTransitionRequest }
  | { kind: 'request'; body: TCaseRequestCreate }
  | { kind: 'decision'; requestId: string; body: TCaseRequestDecision }
  | { kind: 'reassign'; body: { unitId: string; assigneeId?: string; note: string } };

function writePath(id: string, w: CaseWrite): string {
  switch (w.kind) {
    case 'transition':
      return `/api/v1/cases/${id}/transitions`;
    case 'request':
      return `/api/v1/cases/${id}/requests`;
    case 'decision':
      return `/api/v1/cases/${id}/requests/${w.requestId}/decision`;
    case 'reassign':
      return `/api/v1/cases/${id}/reassign`;
  }
}

export const STALE_MESSAGE = '案件已被他人更新,已刷新';

/** True for "someone changed the case first" (412) — and 428, which only a bug could cause. */
export function isStale(e: unknown): boolean {
  return isApiError(e, 'PRECONDITION_FAILED') || isApiError(e, 'PRECONDITION_REQUIRED');
}

/**
 * A write to one case at a known version. On success the detail cache takes the answer and the lists
 * refresh; on 412 the detail is refetched and a warning shown (the caller's onError still runs).
 */
export function useCaseWrite(caseId: string) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  return useMutation({
    mutationFn: ({ version, write }: { version: number; write: CaseWrite }) =>
      api.post<TCaseDetail>(writePath(caseId, write), write.body, { headers: ifMatch(version) }),
    onSuccess: (detail) => {
      qc.setQueryData(caseKey(caseId), detail);
      qc.invalidateQueries({ queryKey: ['cases', 'list'] });
    },
    onError: (e) => {
      if (isStale(e)) {
        message.warning(STALE_MESSAGE);
        qc.invalidateQueries({ queryKey: caseKey(caseId) });
        qc.invalidateQueries({ queryKey: ['cases', 'list'] });
      }
    },
  });
}

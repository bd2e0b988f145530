/** Queries and helpers for rectification orders and field operations (the /orders and /operations pages). */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { FormInstance } from 'antd';
import type { TErrorCode } from '../../../../common/errors.ts';
import type {
  TFieldOp,
  TFieldOpListQuery,
  TFieldOpSummary,
  TOrder,
  TOrderDetail,
  TOrderListQuery,
} from '../../../../common/inspections.ts';
import { ApiError, api } from '../../api.ts';

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export const ORDERS_KEY = ['inspections', 'orders'] as const;
export const orderKey = (id: string) => ['inspections', 'orders', 'detail', id] as const;
export const FIELD_OPS_KEY = ['inspections', 'field-ops'] as const;

export function useOrders(q: Partial<TOrderListQuery>) {
  return useQuery({
    queryKey: [...ORDERS_KEY, 'list', q],
    queryFn: () => api.get<Page<TOrder>>('/api/v1/rectification-orders', q),
    placeholderData: keepPreviousData,
  });
}

export function useOrder(id: string | null) {
  return useQuery({
    queryKey: orderKey(id ?? ''),
    queryFn: () => api.get<TOrderDetail>(`/api/v1/rectification-orders/${id}`),
    enabled: id !== null,
  });
}

export function useFieldOps(q: Partial<TFieldOpListQuery>) {
  return useQuery({
    queryKey: [...FIELD_OPS_KEY, 'list', q],
    queryFn: () => api.get<Page<TFieldOp>>('/api/v1/field-operations', q),
    placeholderData: keepPreviousData,
  });
}

export function useFieldOp(id: string | null) {
  return useQuery({
    queryKey: [...FIELD_OPS_KEY, 'detail', id ?? ''],
    queryFn: () => api.get<TFieldOp>(`/api/v1/field-operations/${id}`),
    enabled: id !== null,
  });
}

export function useFieldOpSummary(from: string, to: string) {
  return useQuery({
    queryKey: [...FIELD_OPS_KEY, 'summary', from, to],
    queryFn: () => api.get<TFieldOpSummary>('/api/v1/field-operations/summary', { from, to }),
    placeholderData: keepPreviousData,
  });
}

/** The If-Match header for a version (the order's ETag). */
export const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });

/** Download the printable notice under the server's file name. */
export async function downloadOrderDocx(id: string, fallbackName: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`/api/v1/rectification-orders/${id}/docx`, { credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError('UNAVAILABLE', '无法连接服务器,请检查网络后重试', undefined, 0);
  }
  if (!res.ok) {
    let body: { code?: TErrorCode; message?: string } = {};
    try {
      body = (await res.json()) as typeof body;
    } catch {
      // not JSON
    }
    throw new ApiError(body.code ?? 'INTERNAL', body.message ?? `下载失败 (HTTP ${res.status})`, undefined, res.status);
  }
  const header = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  const name = star?.[1] ? decodeURIComponent(star[1]) : fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Put a server's per-field problems on nested form fields ("body.party.licenceNo" → ['party','licenceNo'],
 * "body.items.1.name" → ['items', 1, 'name']). Returns true when every problem found a field of the form.
 */
export function applyNestedErrors(form: FormInstance, error: unknown, known: readonly string[]): boolean {
  if (!(error instanceof ApiError)) return false;
  const issues = error.fieldIssues;
  if (issues.length === 0) return false;
  const byName = new Map<string, { name: (string | number)[]; errors: string[] }>();
  let unplaced = 0;
  for (const i of issues) {
    const path = i.field.replace(/^(body|query|params)\./, '');
    const top = path.split('.')[0] ?? '';
    if (!known.includes(top)) {
      unplaced++;
      continue;
    }
    const name = path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    const entry = byName.get(path) ?? { name, errors: [] };
    entry.errors.push(i.message);
    byName.set(path, entry);
  }
  if (byName.size > 0) form.setFields([...byName.values()]);
  return unplaced === 0;
}

/** "200 m³", "36 处", "15.5 吨". */
export function formatQuantity(quantity: number, unit: string): string {
  const n = Number.isInteger(quantity) ? String(quantity) : String(Math.round(quantity * 1000) / 1000);
  return `${n} ${unit}`;
}

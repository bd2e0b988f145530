/**
 * The one way the web shell talks to the server: same-origin cookies, JSON in and out, the CSRF token
 * echoed on every write, and every error turned into an ApiError carrying the server's code.
 */
import type { TErrorCode, TFieldIssue } from '../../common/errors.ts';

export class ApiError extends Error {
  readonly code: TErrorCode;
  readonly details: unknown;
  readonly status: number;
  constructor(code: TErrorCode, message: string, details: unknown, status: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
    this.status = status;
  }

  /** The per-field problems of a VALIDATION_FAILED or PASSWORD_POLICY error, if the server sent any. */
  get fieldIssues(): TFieldIssue[] {
    return asFieldIssues(this.details);
  }
}

export function isApiError(e: unknown, code?: TErrorCode): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code);
}

function asFieldIssues(details: unknown): TFieldIssue[] {
  if (!Array.isArray(details)) return [];
  return details.filter(
    (d): d is TFieldIssue =>
      typeof d === 'object' &&
      d !== null &&
      typeof (d as TFieldIssue).field === 'string' &&
      typeof (d as TFieldIssue).message === 'string',
  );
}

/** "body.newPassword" → "newPassword": the name of the form field a server-side issue belongs to. */
export function formFieldOf(field: string): string {
  return field.replace(/^(body|query|params)\./, '');
}

// ---- CSRF token: from the last login or GET /me ----
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

// ---- What to do when the session is gone (401 UNAUTHENTICATED) ----
type UnauthenticatedHandler = () => void;
let onUnauthenticated: UnauthenticatedHandler = () => {
  if (window.location.pathname !== '/login') window.location.assign('/login');
};
export function setUnauthenticatedHandler(handler: UnauthenticatedHandler): void {
  onUnauthenticated = handler;
}

export type QueryValue = string | number | boolean | null | undefined;

/** Appends the defined, non-empty params as a query string. */
export function withQuery(path: string, params?: Record<string, QueryValue>): string {
  if (!params) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

export interface RequestOptions {
  /** Leave a 401 UNAUTHENTICATED to the caller instead of going to the login page. */
  noAuthRedirect?: boolean;
  signal?: AbortSignal;
  /** Extra request headers (e.g. If-Match, Idempotency-Key); they cannot replace the CSRF or JSON ones. */
  headers?: Record<string, string>;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function request<T>(
  method: HttpMethod,
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { ...opts.headers, Accept: 'application/json' };
  // A Content-Type without a body makes Fastify answer 400, so only say JSON when there is JSON.
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError('UNAVAILABLE', '无法连接服务器,请检查网络后重试', undefined, 0);
  }

  if (res.status === 204 || res.status === 205) return undefined as T;

  const text = await res.text();
  let data: unknown;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }

  if (!res.ok) {
    const err = toApiError(res.status, data);
    if (err.code === 'UNAUTHENTICATED' && !opts.noAuthRedirect) {
      setCsrfToken(null);
      onUnauthenticated();
    }
    throw err;
  }
  if (text && data === undefined) {
    throw new ApiError('INTERNAL', '服务器返回了无法识别的数据', undefined, res.status);
  }
  return data as T;
}

function toApiError(status: number, data: unknown): ApiError {
  if (typeof data === 'object' && data !== null && typeof (data as { code?: unknown }).code === 'string') {
    const b = data as { code: TErrorCode; message?: unknown; details?: unknown };
    const message = typeof b.message === 'string' && b.message ? b.message : `请求失败 (HTTP ${status})`;
    return new ApiError(b.code, message, b.details, status);
  }
  if (status === 401) return new ApiError('UNAUTHENTICATED', '登录已失效,请重新登录', undefined, status);
  if (status === 403) return new ApiError('FORBIDDEN', '无权执行此操作', undefined, status);
  if (status === 404) return new ApiError('NOT_FOUND', '请求的资源不存在', undefined, status);
  if (status === 413) return new ApiError('PAYLOAD_TOO_LARGE', '文件过大', undefined, status);
  if (status === 415) return new ApiError('UNSUPPORTED_MEDIA_TYPE', '不支持的文件类型', undefined, status);
  if (status === 429) return new ApiError('RATE_LIMITED', '请求过于频繁,请稍后再试', undefined, status);
  if (status === 502 || status === 503 || status === 504) {
    return new ApiError('UNAVAILABLE', `服务暂不可用 (HTTP ${status})`, undefined, status);
  }
  return new ApiError('INTERNAL', `服务器错误 (HTTP ${status})`, undefined, status);
}

export interface UploadHandle<T> {
  promise: Promise<T>;
  abort: () => void;
}

/**
 * POST one file as multipart/form-data (field `field`) by XMLHttpRequest, which — unlike fetch —
 * reports upload progress (0–1 to `onProgress`). CSRF, errors and 401 handling as in request().
 */
export function uploadFile<T>(
  path: string,
  file: Blob,
  {
    field = 'file',
    fileName,
    fields,
    onProgress,
  }: {
    field?: string;
    fileName?: string;
    /** Plain form fields, sent before the file (a streaming server reads them first). */
    fields?: Record<string, string>;
    onProgress?: (f: number) => void;
  } = {},
): UploadHandle<T> {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      let data: unknown;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        data = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        if (data === undefined) reject(new ApiError('INTERNAL', '服务器返回了无法识别的数据', undefined, xhr.status));
        else resolve(data as T);
        return;
      }
      const err = toApiError(xhr.status, data);
      if (err.code === 'UNAUTHENTICATED') {
        setCsrfToken(null);
        onUnauthenticated();
      }
      reject(err);
    };
    xhr.onerror = () => reject(new ApiError('UNAVAILABLE', '无法连接服务器,请检查网络后重试', undefined, 0));
    xhr.onabort = () => reject(new DOMException('已取消', 'AbortError'));
    const body = new FormData();
    for (const [k, v] of Object.entries(fields ?? {})) body.append(k, v);
    body.append(field, file, fileName ?? (file instanceof File ? file.name : 'upload'));
    xhr.send(body);
  });
  return { promise, abort: () => xhr.abort() };
}

export const api = {
  get: <T>(path: string, params?: Record<string, QueryValue>, opts?: RequestOptions) =>
    request<T>('GET', withQuery(path, params), undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body, opts),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, body, opts),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, body, opts),
  delete: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts),
};

/**
 * Files to and from the org API: .xlsx downloads (fetch → Blob → a link click) and .xlsx uploads by
 * XMLHttpRequest, which (unlike fetch) reports upload progress. Errors become ApiError like api.ts's.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { TSessionInfo } from '../../../../common/auth.ts';
import type { TErrorCode } from '../../../../common/errors.ts';
import { type TImportKind, type TImportResult, XLSX_MIME } from '../../../../common/org.ts';
import { ApiError } from '../../api.ts';
import { ME_KEY } from '../../session.tsx';

function errorFrom(status: number, text: string): ApiError {
  try {
    const b = JSON.parse(text) as { code?: TErrorCode; message?: string; details?: unknown };
    if (b.code) return new ApiError(b.code, b.message || `请求失败 (HTTP ${status})`, b.details, status);
  } catch {
    // not JSON: fall through
  }
  if (status === 0) return new ApiError('UNAVAILABLE', '无法连接服务器,请检查网络后重试', undefined, 0);
  if (status === 413) return new ApiError('PAYLOAD_TOO_LARGE', '文件过大(上限 10 MB)', undefined, status);
  return new ApiError('INTERNAL', `请求失败 (HTTP ${status})`, undefined, status);
}

/** The name from Content-Disposition (filename* first), or the fallback. */
function fileNameOf(header: string | null, fallback: string): string {
  const star = header && /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star?.[1]) return decodeURIComponent(star[1]);
  const plain = header && /filename="([^"]+)"/i.exec(header);
  return plain?.[1] ?? fallback;
}

/** Save a Blob as a file. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Download an .xlsx from the API (template or export) under the server's file name. */
export async function downloadXlsx(path: string, fallbackName: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw errorFrom(0, '');
  }
  if (!res.ok) throw errorFrom(res.status, await res.text());
  saveBlob(await res.blob(), fileNameOf(res.headers.get('content-disposition'), fallbackName));
}

export const TEMPLATE_URL: Record<TImportKind, string> = {
  units: '/api/v1/org/templates/units.xlsx',
  people: '/api/v1/org/templates/people.xlsx',
};
export const EXPORT_URL: Record<TImportKind, string> = {
  units: '/api/v1/org/export/units.xlsx',
  people: '/api/v1/org/export/people.xlsx',
};

export interface UploadHandle {
  promise: Promise<TImportResult>;
  abort: () => void;
}

/**
 * POST the file as the raw body to /api/v1/org/import/{kind}. `onProgress` gets the fraction sent
 * (0–1); when it reaches 1 the server is reading and checking the rows.
 */
export function uploadImport(
  queryClient: QueryClient,
  kind: TImportKind,
  file: File,
  dryRun: boolean,
  onProgress: (fraction: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<TImportResult>((resolve, reject) => {
    xhr.open('POST', `/api/v1/org/import/${kind}${dryRun ? '?dryRun=true' : ''}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', XLSX_MIME);
    xhr.setRequestHeader('Accept', 'application/json');
    const csrf = queryClient.getQueryData<TSessionInfo | null>(ME_KEY)?.csrfToken;
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.upload.onload = () => onProgress(1);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as TImportResult);
        } catch {
          reject(new ApiError('INTERNAL', '服务器返回了无法识别的数据', undefined, xhr.status));
        }
      } else reject(errorFrom(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => reject(errorFrom(0, ''));
    xhr.onabort = () => reject(new DOMException('已取消', 'AbortError'));
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}

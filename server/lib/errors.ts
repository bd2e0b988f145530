/** The one application error type. Codes are a closed enum (common/errors.ts) mapped to HTTP statuses. */
import { ERROR_STATUS, type TErrorCode } from '../../common/errors.ts';

export class AppError extends Error {
  readonly code: TErrorCode;
  readonly details: unknown;
  constructor(code: TErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what = '对象') => new AppError('NOT_FOUND', `${what}不存在或无权访问`);
export const forbidden = (message = '无权执行此操作') => new AppError('FORBIDDEN', message);
export const invalid = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', `${field}: ${message}`, [{ field, message }]);

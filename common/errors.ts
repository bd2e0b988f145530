/** The closed set of error codes every API error carries, and the HTTP status each maps to. */
import { z } from 'zod';

export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_CREDENTIALS: 401,
  UNAUTHENTICATED: 401,
  TOTP_REQUIRED: 401,
  TOTP_INVALID: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  ACCOUNT_LOCKED: 423,
  ACCOUNT_DISABLED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  PASSWORD_POLICY: 422,
  PRECONDITION_REQUIRED: 428,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type TErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as TErrorCode[];
export const ZErrorCode = z.enum(ERROR_CODES as [TErrorCode, ...TErrorCode[]]);

export const ZErrorBody = z.object({
  code: ZErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
});
export type TErrorBody = z.infer<typeof ZErrorBody>;

/** One validation problem: where in the request (body.password, query.limit …) and why. */
export const ZFieldIssue = z.object({ field: z.string(), message: z.string() });
export type TFieldIssue = z.infer<typeof ZFieldIssue>;

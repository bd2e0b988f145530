/** The one error handler: every error leaves as { code, message, details }; 5xx details stay in the log. */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { TErrorBody, TErrorCode } from '../../common/errors.ts';
import { AppError } from '../lib/errors.ts';

const FASTIFY_CODES: Record<string, TErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VALIDATION_FAILED',
};

const STATUS_CODES: Record<number, TErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

export function toErrorBody(err: unknown, req: FastifyRequest): { status: number; body: TErrorBody } {
  if (err instanceof AppError) {
    return { status: err.status, body: { code: err.code, message: err.message, details: err.details } };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as { validationContext?: string }).validationContext ?? 'body';
    const details = err.validation.map((v) => ({
      field: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
    }));
    const first = details[0];
    return {
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        message: first ? `${first.field}: ${first.message}` : '请求参数不合法',
        details,
      },
    };
  }
  const fe = err as FastifyError;
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status < 500) {
    const code = (fe.code && FASTIFY_CODES[fe.code]) || STATUS_CODES[status] || 'VALIDATION_FAILED';
    return { status, body: { code, message: fe.message } };
  }
  req.log.error({ err, reqId: req.id }, 'unhandled error');
  return {
    status: 500,
    body: { code: 'INTERNAL', message: '服务器内部错误,请稍后重试', details: { requestId: req.id } },
  };
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply: FastifyReply) => {
    const { status, body } = toErrorBody(err, req);
    void reply.status(status).send(body);
  });
}

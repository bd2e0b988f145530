/** Authentication, CSRF and permission checks for every request, driven by the route's access declaration. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps, RequestMeta } from '../deps.ts';
import { AppError } from '../lib/errors.ts';
import { csrfMatches, resolveApiToken, resolveSession, SESSION_COOKIE } from '../modules/auth/index.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function requestMeta(req: FastifyRequest): RequestMeta {
  return { ip: req.ip ?? null, requestId: String(req.id), userAgent: req.headers['user-agent'] ?? null };
}

export function installAuthHook(app: FastifyInstance, deps: Deps): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config?.access;
    // Unmatched URLs reach the not-found handler with no access config; nothing to authorise there.
    if (!access) {
      if (req.routeOptions.url === undefined) return;
      throw new AppError('FORBIDDEN', '该接口未声明访问策略');
    }
    if ('public' in access) return;

    const meta = requestMeta(req);
    const authz = req.headers.authorization;
    if (authz) {
      const m = /^Bearer\s+(\S+)$/i.exec(authz);
      const actor = m?.[1] ? await resolveApiToken(deps, m[1], meta) : null;
      if (!actor) throw new AppError('UNAUTHENTICATED', '接口令牌无效、已过期或已吊销');
      req.actor = actor;
    } else {
      const cookie = req.cookies[SESSION_COOKIE];
      const resolved = cookie ? await resolveSession(deps, cookie, meta) : null;
      if (!resolved) throw new AppError('UNAUTHENTICATED', '未登录或会话已过期,请重新登录');
      // A write riding on a cookie must prove it came from our own page.
      if (!SAFE_METHODS.has(req.method) && !csrfMatches(resolved.csrfToken, header(req, 'x-csrf-token'))) {
        throw new AppError('CSRF_FAILED', '缺少或错误的 X-CSRF-Token 请求头');
      }
      req.actor = resolved.actor;
      req.session = { csrfToken: resolved.csrfToken, expiresAt: resolved.expiresAt };
    }
    if ('permission' in access && !req.actor.permissions.has(access.permission)) {
      throw new AppError('FORBIDDEN', '无权执行此操作', { permission: access.permission });
    }
  });
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The actor of an authenticated route (the hook guarantees it). */
export function actorOf(req: FastifyRequest) {
  if (!req.actor) throw new AppError('UNAUTHENTICATED', '未登录或会话已过期,请重新登录');
  return req.actor;
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZApiToken, ZChangePassword, ZCreateApiToken, ZLoginRequest, ZSessionInfo } from '../../../common/auth.ts';
import { ZErrorBody } from '../../../common/errors.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, requestMeta } from '../../http/auth-hook.ts';
import { authAccess } from './auth.policy.ts';
import * as service from './auth.service.ts';

const tags = ['auth'];

export function registerAuthRoutes(root: FastifyInstance, deps: Deps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const cookieOpts = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.config.COOKIE_SECURE,
  };

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: authAccess.login },
      schema: {
        tags,
        summary: '登录 Log in (admins add a TOTP code)',
        body: ZLoginRequest,
        response: { 200: ZSessionInfo, 401: ZErrorBody, 423: ZErrorBody },
      },
    },
    async (req, reply) => {
      const { info, cookieValue } = await service.login(deps, req.body, requestMeta(req));
      reply.setCookie(service.SESSION_COOKIE, cookieValue, { ...cookieOpts, expires: new Date(info.expiresAt) });
      return info;
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { config: { access: authAccess.logout }, schema: { tags, summary: '退出登录 Log out' } },
    async (req, reply) => {
      await service.logout(actorOf(req), deps);
      reply.clearCookie(service.SESSION_COOKIE, cookieOpts);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/me',
    {
      config: { access: authAccess.me },
      schema: { tags, summary: '当前用户 The caller and its CSRF token', response: { 200: ZSessionInfo } },
    },
    async (req) => {
      const actor = actorOf(req);
      if (!req.session) {
        // A token caller has no session and needs no CSRF token.
        return service.currentSession(actor, deps, '', new Date(deps.clock.now().getTime() + 60_000));
      }
      return service.currentSession(actor, deps, req.session.csrfToken, req.session.expiresAt);
    },
  );

  app.post(
    '/api/v1/me/password',
    {
      config: { access: authAccess.changePassword },
      schema: { tags, summary: '修改密码 Change own password (ends all sessions)', body: ZChangePassword },
    },
    async (req, reply) => {
      await service.changePassword(actorOf(req), deps, req.body);
      reply.clearCookie(service.SESSION_COOKIE, cookieOpts);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/auth/tokens',
    {
      config: { access: authAccess.listTokens },
      schema: { tags, summary: '接口令牌列表 API tokens', response: { 200: z.object({ items: z.array(ZApiToken) }) } },
    },
    async (req) => ({ items: await service.listApiTokens(actorOf(req), deps) }),
  );

  app.post(
    '/api/v1/auth/tokens',
    {
      config: { access: authAccess.createToken },
      schema: {
        tags,
        summary: '签发接口令牌 Issue an API token (shown once)',
        body: ZCreateApiToken,
        response: { 201: z.object({ token: z.string(), item: ZApiToken }) },
      },
    },
    async (req, reply) => {
      const { token, item } = await service.createApiToken(actorOf(req), deps, req.body);
      return reply.status(201).send({ token, item: item as z.infer<typeof ZApiToken> });
    },
  );

  app.delete(
    '/api/v1/auth/tokens/:id',
    {
      config: { access: authAccess.revokeToken },
      schema: { tags, summary: '吊销接口令牌 Revoke an API token', params: z.object({ id: z.string().uuid() }) },
    },
    async (req, reply) => {
      await service.revokeApiToken(actorOf(req), deps, req.params.id);
      return reply.status(204).send();
    },
  );
}

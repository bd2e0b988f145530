/** The Fastify app factory: plugins, hooks, error handling, OpenAPI, every module's routes, the web app. */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { registerAuditRoutes } from '../modules/audit/index.ts';
import { registerAuthRoutes } from '../modules/auth/index.ts';
import { registerCalendarRoutes } from '../modules/calendar/index.ts';
import { registerCasesRoutes } from '../modules/cases/index.ts';
import { registerCategoriesRoutes } from '../modules/categories/index.ts';
import { registerGridsRoutes } from '../modules/grids/index.ts';
import { registerInspectionsRoutes } from '../modules/inspections/index.ts';
import { registerMediaRoutes } from '../modules/media/index.ts';
import { registerNotificationsRoutes } from '../modules/notifications/index.ts';
import { registerOrgRoutes } from '../modules/org/index.ts';
import { registerRoutingRoutes } from '../modules/routing/index.ts';
import { registerSensorsRoutes } from '../modules/sensors/index.ts';
import { type Access, defaultAccessFor, PUBLIC } from './access.ts';
import { installAuthHook } from './auth-hook.ts';
import { installErrorHandler } from './errors.ts';
import { installMetrics } from './metrics.ts';
import { registerOpsRoutes } from './ops.routes.ts';

export interface RegisteredRoute {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its access declaration, as registered (the authorisation-matrix test reads it). */
    registeredRoutes: RegisteredRoute[];
  }
}

export interface AppOptions {
  /** Serve the built web app from this folder when it exists. */
  webDist?: string;
}

export async function buildApp(deps: Deps, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    trustProxy: deps.config.TRUST_PROXY,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    route.config ??= {};
    const declared = (route.config as { access?: Access }).access;
    const access = declared ?? defaultAccessFor(route.url);
    if (!access) throw new Error(`Route ${String(route.method)} ${route.url} declares no access policy`);
    (route.config as { access?: Access }).access = access;
    for (const m of [route.method].flat()) routes.push({ method: String(m), url: route.url, access });
  });

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'GridCommand 网格化攻坚指挥平台 API',
        version: '1',
        description:
          'Session cookie (POST /api/v1/auth/login) plus X-CSRF-Token on writes, or Authorization: Bearer <API token>. Errors are { code, message, details }.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'gc_sid' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { config: { access: PUBLIC }, schema: { hide: true } }, async () => app.swagger());

  installErrorHandler(app);
  installAuthHook(app, deps);
  installMetrics(app);

  await app.register(async (api) => {
    registerOpsRoutes(api, deps);
    registerAuthRoutes(api, deps);
    registerOrgRoutes(api, deps);
    registerAuditRoutes(api, deps);
    registerCalendarRoutes(api, deps);
    registerCategoriesRoutes(api, deps);
    registerGridsRoutes(api, deps);
    registerRoutingRoutes(api, deps);
    registerMediaRoutes(api, deps);
    registerNotificationsRoutes(api, deps);
    registerCasesRoutes(api, deps);
    registerInspectionsRoutes(api, deps);
    registerSensorsRoutes(api, deps);
  });

  const webDist = opts.webDist ? path.resolve(opts.webDist) : null;
  const hasWeb = webDist !== null && existsSync(path.join(webDist, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, { root: webDist, wildcard: true, index: false, prefix: '/' });
    app.get('/', { config: { access: PUBLIC }, schema: { hide: true } }, (_req, reply) => sendIndex(reply));
  }
  app.setNotFoundHandler((req, reply) => {
    // Deep links into the web app (e.g. /org) get the app; unknown API paths get a JSON 404.
    const isApi = req.url.startsWith('/api/') || /^\/(healthz|readyz|metrics)\b/.test(req.url);
    if (hasWeb && req.method === 'GET' && !isApi && !path.extname(req.url.split('?')[0] ?? '')) {
      return sendIndex(reply);
    }
    return reply.status(404).send({ code: 'NOT_FOUND', message: `找不到 ${req.method} ${req.url.split('?')[0]}` });
  });
  return app;
}

function sendIndex(reply: import('fastify').FastifyReply) {
  return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html');
}

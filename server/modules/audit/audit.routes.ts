import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZAuditEvent, ZPage, ZPageQuery } from '../../../common/org.ts';
import type { Deps } from '../../deps.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { auditAccess } from './audit.policy.ts';
import { listAuditEvents, verifyChain } from './audit.service.ts';

export function registerAuditRoutes(root: FastifyInstance, deps: Deps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/v1/audit-events',
    {
      config: { access: auditAccess.list },
      schema: {
        tags: ['audit'],
        summary: '审计日志 Audit events, newest first',
        querystring: ZPageQuery.extend({
          action: z.string().trim().max(64).optional(),
          actor: z.string().trim().max(64).optional(),
          objectId: z.string().trim().max(64).optional(),
        }),
        response: { 200: ZPage(ZAuditEvent) },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const { page, pageSize, ...filter } = req.query;
      const r = await listAuditEvents(deps.database.db, actor.tenantId, filter, page, pageSize);
      return { ...r, page, pageSize };
    },
  );

  app.get(
    '/api/v1/audit-events/verify',
    {
      config: { access: auditAccess.verify },
      schema: {
        tags: ['audit'],
        summary: '校验审计链 Verify the hash chain',
        response: {
          200: z.object({
            ok: z.boolean(),
            checked: z.number(),
            firstBroken: z.object({ seq: z.number(), reason: z.string() }).nullable(),
          }),
        },
      },
    },
    async (req) => verifyChain(deps.database.db, actorOf(req).tenantId),
  );
}

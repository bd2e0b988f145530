/** HTTP for cases: validate → policy → service → present (ETag from the version column). */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ZCaseDetail,
  ZCaseList,
  ZCaseListQuery,
  ZCaseRequestCreate,
  ZCaseRequestDecision,
  ZCreateCase,
  ZCreateCaseResponse,
  ZReassign,
  ZTransitionRequest,
} from '../../../common/cases.ts';
import { ZCrs } from '../../../common/routing.ts';
import type { Deps } from '../../deps.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { exportLedger } from './cases.export.ts';
import { casesAccess } from './cases.policy.ts';
import * as service from './cases.service.ts';

const tags = ['cases'];
const ZId = z.object({ id: z.string().uuid() });
const ZIfMatch = z.object({ 'if-match': z.string().max(40).optional() }).passthrough();
const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function withEtag<T extends { version: number }>(reply: FastifyReply, body: T): T {
  reply.header('etag', `"${body.version}"`);
  return body;
}

export function registerCasesRoutes(root: FastifyInstance, deps: Deps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/v1/cases',
    {
      config: { access: casesAccess.create },
      schema: {
        tags,
        summary: '上报问题 Report a case (client id + optional Idempotency-Key)',
        description:
          'Routed by the responsibility matrix (grid, HQ, unit, person, stage deadlines). Idempotency-Key: the same key and body answer the original response; the same key with another body 422; while the first is in flight 409.',
        headers: z.object({ 'idempotency-key': z.string().min(1).max(255).optional() }).passthrough(),
        body: ZCreateCase,
        response: { 201: ZCreateCaseResponse },
      },
    },
    async (req, reply) => {
      const r = await service.intake(
        actorOf(req),
        deps,
        req.body,
        req.headers['idempotency-key'] as string | undefined,
      );
      reply.code(r.status as 201);
      const version = (r.body as { version?: number }).version;
      if (version !== undefined) reply.header('etag', `"${version}"`);
      return r.body as z.infer<typeof ZCreateCaseResponse>;
    },
  );

  app.get(
    '/api/v1/cases/nearby',
    {
      config: { access: casesAccess.nearby },
      schema: {
        tags,
        summary: '附近同类未办结案件 Open cases of a category near a point (duplicate check before reporting)',
        querystring: z.object({
          lat: z.coerce.number().min(-90).max(90),
          lng: z.coerce.number().min(-180).max(180),
          crs: ZCrs.default('wgs84'),
          category: z.string().trim().min(1).max(20),
        }),
      },
    },
    async (req) => service.nearby(actorOf(req), deps, req.query),
  );

  app.get(
    '/api/v1/cases',
    {
      config: { access: casesAccess.list },
      schema: {
        tags,
        summary: '案件台账 The case ledger (filters, paging)',
        querystring: ZCaseListQuery,
        response: { 200: ZCaseList },
      },
    },
    async (req) => service.listCases(actorOf(req), deps, req.query),
  );

  app.get(
    '/api/v1/cases/export.xlsx',
    {
      config: { access: casesAccess.export },
      schema: { tags, summary: '导出案件台账 The ledger as .xlsx (same filters)', querystring: ZCaseListQuery },
    },
    async (req, reply) => {
      const file = await exportLedger(actorOf(req), deps, req.query);
      const day = new Date(deps.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
      return reply
        .type(XLSX_MIME)
        .header('cache-control', 'no-store')
        .header(
          'content-disposition',
          `attachment; filename="cases-${day}.xlsx"; filename*=UTF-8''${encodeURIComponent(`案件台账-${day}.xlsx`)}`,
        )
        .send(file);
    },
  );

  app.get(
    '/api/v1/cases/:id',
    {
      config: { access: casesAccess.get },
      schema: {
        tags,
        summary: '案件详情 One case with its timeline (ETag = version)',
        params: ZId,
        response: { 200: ZCaseDetail },
      },
    },
    async (req, reply) => withEtag(reply, await service.getCase(actorOf(req), deps, req.params.id)),
  );

  app.post(
    '/api/v1/cases/:id/transitions',
    {
      config: { access: casesAccess.transition },
      schema: {
        tags,
        summary: '流转 Take a transition of the closed loop (If-Match required)',
        description:
          'Missing If-Match → 428; a stale one → 412. Roles, relation to the case and required inputs come from cases.states.ts.',
        params: ZId,
        headers: ZIfMatch,
        body: ZTransitionRequest,
        response: { 200: ZCaseDetail },
      },
    },
    async (req, reply) =>
      withEtag(reply, await service.transition(actorOf(req), deps, req.params.id, req.headers['if-match'], req.body)),
  );

  app.post(
    '/api/v1/cases/:id/requests',
    {
      config: { access: casesAccess.request },
      schema: {
        tags,
        summary: '申请 Ask the HQ: extension, parking (挂账) or dispute (not ours)',
        params: ZId,
        headers: ZIfMatch,
        body: ZCaseRequestCreate,
        response: { 200: ZCaseDetail },
      },
    },
    async (req, reply) =>
      withEtag(
        reply,
        await service.createRequest(actorOf(req), deps, req.params.id, req.headers['if-match'], req.body),
      ),
  );

  app.post(
    '/api/v1/cases/:id/requests/:requestId/decision',
    {
      config: { access: casesAccess.decide },
      schema: {
        tags,
        summary: '裁定 The HQ decides a pending request (an upheld dispute re-routes the case)',
        params: z.object({ id: z.string().uuid(), requestId: z.string().uuid() }),
        headers: ZIfMatch,
        body: ZCaseRequestDecision,
        response: { 200: ZCaseDetail },
      },
    },
    async (req, reply) =>
      withEtag(
        reply,
        await service.decideRequest(
          actorOf(req),
          deps,
          req.params.id,
          req.params.requestId,
          req.headers['if-match'],
          req.body,
        ),
      ),
  );

  app.post(
    '/api/v1/cases/:id/reassign',
    {
      config: { access: casesAccess.reassign },
      schema: {
        tags,
        summary: '改派 The HQ moves a case to another unit',
        params: ZId,
        headers: ZIfMatch,
        body: ZReassign,
        response: { 200: ZCaseDetail },
      },
    },
    async (req, reply) =>
      withEtag(reply, await service.reassign(actorOf(req), deps, req.params.id, req.headers['if-match'], req.body)),
  );
}

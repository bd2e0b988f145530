import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  DOCX_MIME,
  ZCreateEnforcement,
  ZCreateFieldOp,
  ZCreateOrder,
  ZEnforcement,
  ZFieldOp,
  ZFieldOpListQuery,
  ZFieldOpSummary,
  ZFieldOpSummaryQuery,
  ZFollowUp,
  ZOrder,
  ZOrderDetail,
  ZOrderListQuery,
  ZPatchFieldOp,
  ZReturnItems,
} from '../../../common/inspections.ts';
import { ZPage } from '../../../common/org.ts';
import type { Deps } from '../../deps.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { inspectionsAccess as access } from './inspections.policy.ts';
import * as service from './inspections.service.ts';

const ZId = z.object({ id: z.string().uuid() });
const etag = (version: number) => `"${version}"`;

/** RFC 6266 / 5987: an ASCII fallback and the UTF-8 name. */
function attachment(fileName: string, fallback: string): string {
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function registerInspectionsRoutes(root: FastifyInstance, deps: Deps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  // ---- Rectification orders ----

  app.post(
    '/api/v1/rectification-orders',
    {
      config: { access: access.issueOrder },
      schema: {
        tags: ['inspections'],
        summary: '下达责令改正通知书 Issue a rectification order (numbered per tenant and year)',
        body: ZCreateOrder,
        response: { 201: ZOrderDetail },
      },
    },
    async (req, reply) => {
      const order = await service.issueOrder(actorOf(req), deps, req.body);
      return reply.status(201).header('etag', etag(order.version)).send(order);
    },
  );

  app.get(
    '/api/v1/rectification-orders',
    {
      config: { access: access.listOrders },
      schema: {
        tags: ['inspections'],
        summary: '责令改正通知书列表 Orders issued by units in scope',
        querystring: ZOrderListQuery,
        response: { 200: ZPage(ZOrder) },
      },
    },
    async (req) => service.listOrders(actorOf(req), deps, req.query),
  );

  app.get(
    '/api/v1/rectification-orders/:id',
    {
      config: { access: access.getOrder },
      schema: {
        tags: ['inspections'],
        summary: '通知书详情 One order with its enforcement records; ETag = version',
        params: ZId,
        response: { 200: ZOrderDetail },
      },
    },
    async (req, reply) => {
      const order = await service.getOrder(actorOf(req), deps, req.params.id);
      return reply.header('etag', etag(order.version)).send(order);
    },
  );

  app.get(
    '/api/v1/rectification-orders/:id/docx',
    {
      config: { access: access.orderDocx },
      schema: {
        tags: ['inspections'],
        summary: '打印通知书 The order as a printable .docx (GB/T 9704 layout, with 送达回证)',
        params: ZId,
      },
    },
    async (req, reply) => {
      const doc = await service.orderDocx(actorOf(req), deps, req.params.id);
      return reply
        .type(DOCX_MIME)
        .header('content-disposition', attachment(doc.fileName, 'rectification-order.docx'))
        .header('cache-control', 'no-store')
        .send(doc.bytes);
    },
  );

  app.post(
    '/api/v1/rectification-orders/:id/follow-up',
    {
      config: { access: access.followUp },
      schema: {
        tags: ['inspections'],
        summary: '复查 Follow-up inspection: complied or not complied (If-Match: the version; 428 without, 412 stale)',
        params: ZId,
        body: ZFollowUp,
        response: { 200: ZOrderDetail },
      },
    },
    async (req, reply) => {
      const order = await service.followUp(actorOf(req), deps, req.params.id, req.headers['if-match'], req.body);
      return reply.header('etag', etag(order.version)).send(order);
    },
  );

  app.post(
    '/api/v1/rectification-orders/:id/enforcements',
    {
      config: { access: access.enforce },
      schema: {
        tags: ['inspections'],
        summary: '强制措施 Record an enforcement (暂扣, 罚款 …) after the order was not complied with',
        params: ZId,
        body: ZCreateEnforcement,
        response: { 201: ZEnforcement },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await service.addEnforcement(actorOf(req), deps, req.params.id, req.body)),
  );

  app.post(
    '/api/v1/enforcements/:id/return',
    {
      config: { access: access.returnItems },
      schema: {
        tags: ['inspections'],
        summary: '退还暂扣物品 Return seized items (partial returns add up; never more than taken)',
        params: ZId,
        body: ZReturnItems,
        response: { 200: ZEnforcement },
      },
    },
    async (req) => service.returnItems(actorOf(req), deps, req.params.id, req.body),
  );

  // ---- Field operations ----

  app.post(
    '/api/v1/field-operations',
    {
      config: { access: access.createFieldOp },
      schema: {
        tags: ['inspections'],
        summary: '登记整治行动 Record a field operation',
        body: ZCreateFieldOp,
        response: { 201: ZFieldOp },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createFieldOp(actorOf(req), deps, req.body)),
  );

  app.get(
    '/api/v1/field-operations',
    {
      config: { access: access.listFieldOps },
      schema: {
        tags: ['inspections'],
        summary: '整治行动列表 Field operations of units in scope',
        querystring: ZFieldOpListQuery,
        response: { 200: ZPage(ZFieldOp) },
      },
    },
    async (req) => service.listFieldOps(actorOf(req), deps, req.query),
  );

  app.get(
    '/api/v1/field-operations/summary',
    {
      config: { access: access.fieldOpSummary },
      schema: {
        tags: ['inspections'],
        summary: '整治行动汇总 Totals per unit over a period (default: this month)',
        querystring: ZFieldOpSummaryQuery,
        response: { 200: ZFieldOpSummary },
      },
    },
    async (req) => service.fieldOpSummary(actorOf(req), deps, req.query),
  );

  app.get(
    '/api/v1/field-operations/:id',
    {
      config: { access: access.getFieldOp },
      schema: {
        tags: ['inspections'],
        summary: '整治行动详情 One field operation',
        params: ZId,
        response: { 200: ZFieldOp },
      },
    },
    async (req) => service.getFieldOp(actorOf(req), deps, req.params.id),
  );

  app.patch(
    '/api/v1/field-operations/:id',
    {
      config: { access: access.patchFieldOp },
      schema: {
        tags: ['inspections'],
        summary: '修改整治行动 Edit a field operation',
        params: ZId,
        body: ZPatchFieldOp,
        response: { 200: ZFieldOp },
      },
    },
    async (req) => service.patchFieldOp(actorOf(req), deps, req.params.id, req.body),
  );
}

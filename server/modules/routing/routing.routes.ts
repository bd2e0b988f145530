import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZExplainQuery, ZExplanation, ZRule, ZRuleInput } from '../../../common/routing.ts';
import type { Deps } from '../../deps.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { routingAccess } from './routing.policy.ts';
import * as service from './routing.service.ts';

const tags = ['routing'];
const ZId = z.object({ id: z.string().uuid() });

export function registerRoutingRoutes(root: FastifyInstance, deps: Deps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/routing/explain',
    {
      config: { access: routingAccess.explain },
      schema: {
        tags,
        summary: '责任解析 Who leads, who acts, by when — and why — for a point and category',
        querystring: ZExplainQuery,
        response: { 200: ZExplanation },
      },
    },
    async (req) => service.explain(actorOf(req), deps, req.query),
  );

  app.get(
    '/api/v1/routing/rules',
    {
      config: { access: routingAccess.listRules },
      schema: {
        tags,
        summary: '责任矩阵 The responsibility matrix',
        response: { 200: z.object({ items: z.array(ZRule) }) },
      },
    },
    async (req) => ({ items: await service.listRules(actorOf(req), deps) }),
  );

  app.post(
    '/api/v1/routing/rules',
    {
      config: { access: routingAccess.createRule },
      schema: {
        tags,
        summary: '新增责任规则 Add a rule (same key as another → 409)',
        body: ZRuleInput,
        response: { 201: ZRule },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createRule(actorOf(req), deps, req.body)),
  );

  app.put(
    '/api/v1/routing/rules/:id',
    {
      config: { access: routingAccess.updateRule },
      schema: { tags, summary: '修改责任规则 Change a rule', params: ZId, body: ZRuleInput, response: { 200: ZRule } },
    },
    async (req) => service.updateRule(actorOf(req), deps, req.params.id, req.body),
  );

  app.delete(
    '/api/v1/routing/rules/:id',
    {
      config: { access: routingAccess.deleteRule },
      schema: { tags, summary: '删除责任规则 Remove a rule', params: ZId },
    },
    async (req, reply) => {
      await service.deleteRule(actorOf(req), deps, req.params.id);
      return reply.status(204).send();
    },
  );
}

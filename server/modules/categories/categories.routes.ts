import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ZCategory,
  ZCategoryRule,
  ZCategoryVersion,
  ZCreateCategory,
  ZUpdateCategory,
} from '../../../common/categories.ts';
import type { Deps } from '../../deps.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { categoriesAccess } from './categories.policy.ts';
import * as service from './categories.service.ts';

const tags = ['categories'];
const ZId = z.object({ id: z.string().uuid() });

export function registerCategoriesRoutes(root: FastifyInstance, deps: Deps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/categories',
    {
      config: { access: categoriesAccess.list },
      schema: {
        tags,
        summary: '问题分类目录 The catalogue with each current rule',
        response: { 200: z.object({ items: z.array(ZCategory) }) },
      },
    },
    async (req) => ({ items: await service.listCategories(actorOf(req), deps) }),
  );

  app.get(
    '/api/v1/categories/:id',
    {
      config: { access: categoriesAccess.get },
      schema: {
        tags,
        summary: '分类详情与版本 A category and its rule versions',
        params: ZId,
        response: { 200: ZCategory.extend({ versions: z.array(ZCategoryVersion) }) },
      },
    },
    async (req) => service.getCategory(actorOf(req), deps, req.params.id),
  );

  app.post(
    '/api/v1/categories',
    {
      config: { access: categoriesAccess.create },
      schema: { tags, summary: '新建分类 Create a category', body: ZCreateCategory, response: { 201: ZCategory } },
    },
    async (req, reply) => reply.status(201).send(await service.createCategory(actorOf(req), deps, req.body)),
  );

  app.patch(
    '/api/v1/categories/:id',
    {
      config: { access: categoriesAccess.update },
      schema: {
        tags,
        summary: '修改分类名称/启用 Rename, reorder, (de)activate',
        params: ZId,
        body: ZUpdateCategory,
        response: { 200: ZCategory },
      },
    },
    async (req) => service.updateCategory(actorOf(req), deps, req.params.id, req.body),
  );

  app.put(
    '/api/v1/categories/:id/rule',
    {
      config: { access: categoriesAccess.setRule },
      schema: {
        tags,
        summary: '修改分类规则(生成新版本) Change the rule: a new version',
        params: ZId,
        body: ZCategoryRule,
        response: { 200: ZCategory },
      },
    },
    async (req) => service.setCategoryRule(actorOf(req), deps, req.params.id, req.body),
  );
}

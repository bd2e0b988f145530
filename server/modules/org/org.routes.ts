import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ZCreateUnit,
  ZCreateUser,
  ZDistrictOverview,
  ZHqDetail,
  ZMoveUnit,
  ZOrgUnit,
  ZPage,
  ZPageQuery,
  ZSetHqLeaders,
  ZSetHqMembers,
  ZSetRoles,
  ZUpdateUnit,
  ZUpdateUser,
  ZUser,
} from '../../../common/org.ts';
import type { Deps } from '../../deps.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { registerOrgExcelRoutes } from './org.excel.routes.ts';
import { orgAccess } from './org.policy.ts';
import * as service from './org.service.ts';
import * as units from './units.service.ts';

const ZId = z.object({ id: z.string().uuid() });

export function registerOrgRoutes(root: FastifyInstance, deps: Deps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/org/overview',
    {
      config: { access: orgAccess.overview },
      schema: { tags: ['org'], summary: '辖区概况 District overview', response: { 200: ZDistrictOverview } },
    },
    async (req) => service.districtOverview(actorOf(req), deps),
  );

  app.get(
    '/api/v1/org/units',
    {
      config: { access: orgAccess.listUnits },
      schema: {
        tags: ['org'],
        summary: '组织机构 Org units in scope',
        response: { 200: z.object({ items: z.array(ZOrgUnit) }) },
      },
    },
    async (req) => ({ items: await service.listUnits(actorOf(req), deps) }),
  );

  app.get(
    '/api/v1/org/units/:id',
    {
      config: { access: orgAccess.getUnit },
      schema: { tags: ['org'], summary: '单位详情 One org unit', params: ZId, response: { 200: ZOrgUnit } },
    },
    async (req) => service.getUnit(actorOf(req), deps, req.params.id),
  );

  app.post(
    '/api/v1/org/units',
    {
      config: { access: orgAccess.createUnit },
      schema: { tags: ['org'], summary: '新建单位 Create a unit', body: ZCreateUnit, response: { 201: ZOrgUnit } },
    },
    async (req, reply) => reply.status(201).send(await units.createUnit(actorOf(req), deps, req.body)),
  );

  app.patch(
    '/api/v1/org/units/:id',
    {
      config: { access: orgAccess.updateUnit },
      schema: {
        tags: ['org'],
        summary: '修改单位 Rename, recode or reorder a unit',
        params: ZId,
        body: ZUpdateUnit,
        response: { 200: ZOrgUnit },
      },
    },
    async (req) => units.updateUnit(actorOf(req), deps, req.params.id, req.body),
  );

  app.post(
    '/api/v1/org/units/:id/move',
    {
      config: { access: orgAccess.moveUnit },
      schema: {
        tags: ['org'],
        summary: '移动单位 Move a unit and its subtree under another parent',
        params: ZId,
        body: ZMoveUnit,
        response: { 200: ZOrgUnit },
      },
    },
    async (req) => units.moveUnit(actorOf(req), deps, req.params.id, req.body.parentId),
  );

  app.delete(
    '/api/v1/org/units/:id',
    {
      config: { access: orgAccess.deleteUnit },
      schema: { tags: ['org'], summary: '删除单位 Delete a unit nothing refers to', params: ZId },
    },
    async (req, reply) => {
      await units.deleteUnit(actorOf(req), deps, req.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/org/hqs/:id',
    {
      config: { access: orgAccess.getHq },
      schema: {
        tags: ['org'],
        summary: '指挥部 Commander, deputies and member units of an HQ',
        params: ZId,
        response: { 200: ZHqDetail },
      },
    },
    async (req) => units.getHq(actorOf(req), deps, req.params.id),
  );

  app.put(
    '/api/v1/org/hqs/:id/leaders',
    {
      config: { access: orgAccess.setHqLeaders },
      schema: {
        tags: ['org'],
        summary: '设置指挥长与副指挥长 Set an HQ’s commander and deputies',
        params: ZId,
        body: ZSetHqLeaders,
        response: { 200: ZHqDetail },
      },
    },
    async (req) => units.setHqLeaders(actorOf(req), deps, req.params.id, req.body),
  );

  app.put(
    '/api/v1/org/hqs/:id/members',
    {
      config: { access: orgAccess.setHqMembers },
      schema: {
        tags: ['org'],
        summary: '设置成员单位 Set an HQ’s member units and lead unit',
        params: ZId,
        body: ZSetHqMembers,
        response: { 200: ZHqDetail },
      },
    },
    async (req) => units.setHqMembers(actorOf(req), deps, req.params.id, req.body),
  );

  registerOrgExcelRoutes(root, deps);

  app.get(
    '/api/v1/users',
    {
      config: { access: orgAccess.listUsers },
      schema: {
        tags: ['users'],
        summary: '用户列表 Users in scope',
        querystring: ZPageQuery.extend({
          q: z.string().trim().max(64).optional(),
          unitId: z.string().uuid().optional(),
        }),
        response: { 200: ZPage(ZUser) },
      },
    },
    async (req) => service.listUsers(actorOf(req), deps, req.query),
  );

  app.get(
    '/api/v1/users/:id',
    {
      config: { access: orgAccess.getUser },
      schema: { tags: ['users'], summary: '用户详情 One user', params: ZId, response: { 200: ZUser } },
    },
    async (req) => service.getUser(actorOf(req), deps, req.params.id),
  );

  app.post(
    '/api/v1/users',
    {
      config: { access: orgAccess.createUser },
      schema: { tags: ['users'], summary: '新建用户 Create a user', body: ZCreateUser, response: { 201: ZUser } },
    },
    async (req, reply) => reply.status(201).send(await service.createUser(actorOf(req), deps, req.body)),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { access: orgAccess.updateUser },
      schema: {
        tags: ['users'],
        summary: '修改用户 Edit, enable or disable a user',
        params: ZId,
        body: ZUpdateUser,
        response: { 200: ZUser },
      },
    },
    async (req) => service.updateUser(actorOf(req), deps, req.params.id, req.body),
  );

  app.put(
    '/api/v1/users/:id/roles',
    {
      config: { access: orgAccess.setRoles },
      schema: {
        tags: ['users'],
        summary: '设置角色 Set roles (三员分立 enforced)',
        params: ZId,
        body: ZSetRoles,
        response: { 200: z.object({ user: ZUser, totpProvisioningUri: z.string().nullable() }) },
      },
    },
    async (req) => service.setRoles(actorOf(req), deps, req.params.id, req.body.roles),
  );

  app.post(
    '/api/v1/users/:id/unlock',
    {
      config: { access: orgAccess.unlockUser },
      schema: { tags: ['users'], summary: '解除锁定 Unlock a user', params: ZId, response: { 200: ZUser } },
    },
    async (req) => service.unlockUser(actorOf(req), deps, req.params.id),
  );
}

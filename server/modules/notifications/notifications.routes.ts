import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ZChannel,
  ZCreateChannel,
  ZDeliveriesQuery,
  ZDeliveryPage,
  ZInboxPage,
  ZInboxQuery,
  ZMarkRead,
  ZTestResult,
  ZUnreadCount,
  ZUpdateChannel,
} from '../../../common/notifications.ts';
import type { Deps } from '../../deps.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { notificationsAccess as access } from './notifications.policy.ts';
import * as service from './notifications.service.ts';

const ZId = z.object({ id: z.string().uuid() });

export function registerNotificationsRoutes(root: FastifyInstance, deps: Deps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/inbox',
    {
      config: { access: access.listInbox },
      schema: {
        tags: ['notifications'],
        summary: '我的消息 The caller’s inbox, unread first',
        querystring: ZInboxQuery,
        response: { 200: ZInboxPage },
      },
    },
    async (req) => service.listInbox(actorOf(req), deps, req.query),
  );

  app.get(
    '/api/v1/inbox/unread-count',
    {
      config: { access: access.unreadCount },
      schema: { tags: ['notifications'], summary: '未读消息数 Unread count', response: { 200: ZUnreadCount } },
    },
    async (req) => service.unreadCount(actorOf(req), deps),
  );

  app.post(
    '/api/v1/inbox/read',
    {
      config: { access: access.markRead },
      schema: {
        tags: ['notifications'],
        summary: '标为已读 Mark some ({ ids }) or all ({ all: true }) of one’s own messages read',
        body: ZMarkRead,
        response: { 200: z.object({ updated: z.number() }) },
      },
    },
    async (req) => service.markInboxRead(actorOf(req), deps, req.body),
  );

  app.get(
    '/api/v1/notification-channels',
    {
      config: { access: access.listChannels },
      schema: {
        tags: ['notifications'],
        summary: '通知渠道 Outbound channels (secrets masked) with delivery counts',
        response: { 200: z.object({ items: z.array(ZChannel) }) },
      },
    },
    async (req) => ({ items: await service.listChannels(actorOf(req), deps) }),
  );

  app.post(
    '/api/v1/notification-channels',
    {
      config: { access: access.createChannel },
      schema: {
        tags: ['notifications'],
        summary: '新建通知渠道 Add a WeCom/DingTalk robot, webhook or SMS gateway',
        body: ZCreateChannel,
        response: { 201: ZChannel },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createChannel(actorOf(req), deps, req.body)),
  );

  app.patch(
    '/api/v1/notification-channels/:id',
    {
      config: { access: access.updateChannel },
      schema: {
        tags: ['notifications'],
        summary: '修改通知渠道 Change a channel (omitted url/secret are kept)',
        params: ZId,
        body: ZUpdateChannel,
        response: { 200: ZChannel },
      },
    },
    async (req) => service.updateChannel(actorOf(req), deps, req.params.id, req.body),
  );

  app.delete(
    '/api/v1/notification-channels/:id',
    {
      config: { access: access.deleteChannel },
      schema: { tags: ['notifications'], summary: '删除通知渠道 Delete a channel and its deliveries', params: ZId },
    },
    async (req, reply) => {
      await service.deleteChannel(actorOf(req), deps, req.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/notification-channels/:id/test',
    {
      config: { access: access.testChannel },
      schema: {
        tags: ['notifications'],
        summary: '发送测试消息 Queue a test message to the channel',
        params: ZId,
        response: { 202: ZTestResult },
      },
    },
    async (req, reply) => reply.status(202).send(await service.testChannel(actorOf(req), deps, req.params.id)),
  );

  app.get(
    '/api/v1/notification-channels/:id/deliveries',
    {
      config: { access: access.listDeliveries },
      schema: {
        tags: ['notifications'],
        summary: '投递记录 Recent deliveries: state, attempts, last error',
        params: ZId,
        querystring: ZDeliveriesQuery,
        response: { 200: ZDeliveryPage },
      },
    },
    async (req) => service.listDeliveries(actorOf(req), deps, req.params.id, req.query),
  );
}

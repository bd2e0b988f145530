import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ZCalendarSettings,
  ZCalendarYear,
  ZDeadlineAnswer,
  ZDeadlineQuery,
  ZSetCalendarDays,
  ZUpdateCalendarSettings,
  ZYear,
} from '../../../common/calendar.ts';
import type { Deps } from '../../deps.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { calendarAccess } from './calendar.policy.ts';
import * as service from './calendar.service.ts';

export function registerCalendarRoutes(root: FastifyInstance, deps: Deps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/calendar',
    {
      config: { access: calendarAccess.read },
      schema: {
        tags: ['calendar'],
        summary: '工作日历 Working hours, holidays and 调休 days of a year',
        querystring: z.object({ year: ZYear }),
        response: { 200: ZCalendarYear },
      },
    },
    async (req) => service.getCalendar(actorOf(req), deps, req.query.year),
  );

  app.get(
    '/api/v1/calendar/deadline',
    {
      config: { access: calendarAccess.deadline },
      schema: {
        tags: ['calendar'],
        summary: '期限计算 The deadline of a time limit started at a given time',
        querystring: ZDeadlineQuery,
        response: { 200: ZDeadlineAnswer },
      },
    },
    async (req) => service.computeDeadline(actorOf(req), deps, req.query),
  );

  app.put(
    '/api/v1/calendar/settings',
    {
      config: { access: calendarAccess.updateSettings },
      schema: {
        tags: ['calendar'],
        summary: '设置工作时间 Working hours, weekend days and time zone',
        body: ZUpdateCalendarSettings,
        response: { 200: ZCalendarSettings },
      },
    },
    async (req) => service.updateSettings(actorOf(req), deps, req.body),
  );

  app.put(
    '/api/v1/calendar/days/:year',
    {
      config: { access: calendarAccess.setDays },
      schema: {
        tags: ['calendar'],
        summary: '设置节假日与调休 Replace a year’s holidays and adjusted working days',
        params: z.object({ year: ZYear }),
        body: ZSetCalendarDays,
        response: { 200: ZCalendarYear },
      },
    },
    async (req) => service.setDays(actorOf(req), deps, req.params.year, req.body.days),
  );
}

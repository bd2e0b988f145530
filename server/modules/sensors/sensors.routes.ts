import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZPage } from '../../../common/org.ts';
import {
  ZAlertListQuery,
  ZCreateDevice,
  ZCreateFeeEntry,
  ZCreateSite,
  ZCreateThreshold,
  ZDeviceListQuery,
  ZFeeAccount,
  ZFeeAccountRow,
  ZFeeAccountsQuery,
  ZFeeWarnings,
  ZPatchDevice,
  ZPatchSite,
  ZPatchThreshold,
  ZSensorAlert,
  ZSensorDevice,
  ZSeries,
  ZSeriesQuery,
  ZSite,
  ZSiteDetail,
  ZSiteListQuery,
  ZSitePoints,
  ZSitesWithoutMonitor,
  ZThreshold,
} from '../../../common/sensors.ts';
import type { Deps } from '../../deps.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { sensorsAccess as access } from './sensors.policy.ts';
import * as service from './sensors.sites.ts';

const ZId = z.object({ id: z.string().uuid() });
const tags = ['sensors'];

/** Sites, monitors, readings, alerts, thresholds and dust-fee accounts (the ingestion side has no HTTP routes). */
export function registerSensorsRoutes(root: FastifyInstance, deps: Deps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  // ---- Sites ----

  app.get(
    '/api/v1/sites',
    {
      config: { access: access.listSites },
      schema: {
        tags,
        summary: '工地列表 Sites in scope with live status (ok | warning | alarm | offline | no_monitor)',
        querystring: ZSiteListQuery,
        response: { 200: ZPage(ZSite) },
      },
    },
    async (req) => service.listSites(actorOf(req), deps, req.query),
  );

  app.get(
    '/api/v1/sites/map',
    {
      config: { access: access.sitePoints },
      schema: {
        tags,
        summary: '工地地图 Every site in scope as a point with live status and latest PM10',
        response: { 200: ZSitePoints },
      },
    },
    async (req) => service.sitePoints(actorOf(req), deps),
  );

  app.get(
    '/api/v1/sites/without-monitor',
    {
      config: { access: access.sitesWithoutMonitor },
      schema: {
        tags,
        summary: '未安装监测 Active sites that must run a monitor and have no working one, with the reason',
        response: { 200: ZSitesWithoutMonitor },
      },
    },
    async (req) => service.sitesWithoutMonitor(actorOf(req), deps),
  );

  app.post(
    '/api/v1/sites',
    {
      config: { access: access.createSite },
      schema: {
        tags,
        summary: '登记工地 Register a site (code unique; unit defaults to the grid cell’s owner)',
        body: ZCreateSite,
        response: { 201: ZSiteDetail },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createSite(actorOf(req), deps, req.body)),
  );

  app.get(
    '/api/v1/sites/:id',
    {
      config: { access: access.getSite },
      schema: { tags, summary: '工地详情 One site', params: ZId, response: { 200: ZSiteDetail } },
    },
    async (req) => service.getSite(actorOf(req), deps, req.params.id),
  );

  app.patch(
    '/api/v1/sites/:id',
    {
      config: { access: access.patchSite },
      schema: {
        tags,
        summary: '修改工地 Change a site',
        params: ZId,
        body: ZPatchSite,
        response: { 200: ZSiteDetail },
      },
    },
    async (req) => service.patchSite(actorOf(req), deps, req.params.id, req.body),
  );

  app.get(
    '/api/v1/sites/:id/devices',
    {
      config: { access: access.siteDevices },
      schema: {
        tags,
        summary: '工地监测设备 The site’s monitors',
        params: ZId,
        response: { 200: z.object({ items: z.array(ZSensorDevice) }) },
      },
    },
    async (req) => service.siteDevices(actorOf(req), deps, req.params.id),
  );

  app.get(
    '/api/v1/sites/:id/series',
    {
      config: { access: access.series },
      schema: {
        tags,
        summary: '监测曲线 Readings per monitor and pollutant (aggregates, readings where missing), with thresholds',
        params: ZId,
        querystring: ZSeriesQuery,
        response: { 200: ZSeries },
      },
    },
    async (req) => service.siteSeries(actorOf(req), deps, req.params.id, req.query),
  );

  // ---- Dust-fee accounts ----

  app.get(
    '/api/v1/sites/:id/fees',
    {
      config: { access: access.getFees },
      schema: {
        tags,
        summary: '扬尘治理费台账 Entries, exact totals (assessed, spent by measure, balance) and the warning',
        params: ZId,
        response: { 200: ZFeeAccount },
      },
    },
    async (req) => service.feeAccount(actorOf(req), deps, req.params.id),
  );

  app.post(
    '/api/v1/sites/:id/fees',
    {
      config: { access: access.addFee },
      schema: {
        tags,
        summary:
          '登记治理费 Add an entry: assessed | spent (measure, receipt or photos) | adjustment; amount "1234.50"',
        params: ZId,
        body: ZCreateFeeEntry,
        response: { 201: ZFeeAccount },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await service.addFeeEntry(actorOf(req), deps, req.params.id, req.body)),
  );

  app.get(
    '/api/v1/sites/:id/fees/photos/:mediaId',
    {
      config: { access: access.feePhoto },
      schema: {
        tags,
        summary: '治理费凭证照片 A receipt photo of the site’s fee entries (size=thumb for the thumbnail)',
        params: z.object({ id: z.string().uuid(), mediaId: z.string().uuid() }),
        querystring: z.object({ size: z.enum(['full', 'thumb']).default('full') }),
        produces: ['image/jpeg'],
      },
    },
    async (req, reply) => {
      const img = await service.feePhoto(actorOf(req), deps, req.params.id, req.params.mediaId, req.query.size);
      reply
        .header('cache-control', 'private, max-age=86400')
        .header('etag', img.etag)
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', 'inline');
      if (req.headers['if-none-match'] === img.etag) return reply.status(304).send();
      return reply.type(img.mime).send(img.bytes);
    },
  );

  app.get(
    '/api/v1/dust-fees',
    {
      config: { access: access.feeAccounts },
      schema: {
        tags,
        summary: '治理费账户 Fee accounts of the sites in scope',
        querystring: ZFeeAccountsQuery,
        response: { 200: ZPage(ZFeeAccountRow) },
      },
    },
    async (req) => service.feeAccounts(actorOf(req), deps, req.query),
  );

  app.get(
    '/api/v1/dust-fees/warnings',
    {
      config: { access: access.feeWarnings },
      schema: {
        tags,
        summary: '治理费预警 Sites with breaches in 30 days and a balance while under 50 % is spent',
        response: { 200: ZFeeWarnings },
      },
    },
    async (req) => service.feeWarnings(actorOf(req), deps),
  );

  // ---- Devices ----

  app.get(
    '/api/v1/sensor-devices',
    {
      config: { access: access.listDevices },
      schema: {
        tags,
        summary: '监测设备 Monitors of sites in scope (state=offline: the offline list, longest silent first)',
        querystring: ZDeviceListQuery,
        response: { 200: ZPage(ZSensorDevice) },
      },
    },
    async (req) => service.listDevices(actorOf(req), deps, req.query),
  );

  app.post(
    '/api/v1/sensor-devices',
    {
      config: { access: access.createDevice },
      schema: {
        tags,
        summary: '登记监测设备 Register a monitor (MN unique per tenant: 409)',
        body: ZCreateDevice,
        response: { 201: ZSensorDevice },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createDevice(actorOf(req), deps, req.body)),
  );

  app.patch(
    '/api/v1/sensor-devices/:id',
    {
      config: { access: access.patchDevice },
      schema: {
        tags,
        summary: '修改监测设备 Change a monitor',
        params: ZId,
        body: ZPatchDevice,
        response: { 200: ZSensorDevice },
      },
    },
    async (req) => service.patchDevice(actorOf(req), deps, req.params.id, req.body),
  );

  // ---- Alerts and thresholds ----

  app.get(
    '/api/v1/sensor-alerts',
    {
      config: { access: access.listAlerts },
      schema: {
        tags,
        summary: '监测报警 Alerts of sites in scope (open=true: still open)',
        querystring: ZAlertListQuery,
        response: { 200: ZPage(ZSensorAlert) },
      },
    },
    async (req) => service.listAlerts(actorOf(req), deps, req.query),
  );

  app.get(
    '/api/v1/sensor-thresholds',
    {
      config: { access: access.listThresholds },
      schema: {
        tags,
        summary: '报警阈值 Threshold rules',
        response: { 200: z.object({ items: z.array(ZThreshold) }) },
      },
    },
    async (req) => service.listThresholds(actorOf(req), deps),
  );

  app.post(
    '/api/v1/sensor-thresholds',
    {
      config: { access: access.createThreshold },
      schema: {
        tags,
        summary: '新增阈值 Add a threshold rule',
        body: ZCreateThreshold,
        response: { 201: ZThreshold },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createThreshold(actorOf(req), deps, req.body)),
  );

  app.patch(
    '/api/v1/sensor-thresholds/:id',
    {
      config: { access: access.patchThreshold },
      schema: {
        tags,
        summary: '修改阈值 Change a threshold rule',
        params: ZId,
        body: ZPatchThreshold,
        response: { 200: ZThreshold },
      },
    },
    async (req) => service.patchThreshold(actorOf(req), deps, req.params.id, req.body),
  );
}

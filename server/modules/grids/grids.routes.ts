import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  IMPORT_BODY_LIMIT,
  ZDistrictBoundaryPut,
  ZGridDetail,
  ZGridImportReport,
  ZGridImportRequest,
  ZGridListQuery,
  ZGridPatch,
  ZLocateAnswer,
  ZLocateQuery,
} from '../../../common/grids.ts';
import type { Deps } from '../../deps.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { gridsAccess } from './grids.policy.ts';
import * as service from './grids.service.ts';

const tags = ['grids'];
const ZId = z.object({ id: z.string().uuid() });
const ZFeatureCollection = z
  .object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) })
  .passthrough()
  .describe('GeoJSON FeatureCollection (WGS-84)');

export function registerGridsRoutes(root: FastifyInstance, deps: Deps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/grids',
    {
      config: { access: gridsAccess.list },
      schema: {
        tags,
        summary: '网格图层 Grid cells in scope as GeoJSON (WGS-84), optionally within bbox',
        description:
          'FeatureCollection of cells whose owning unit is in the caller’s scope. Feature id = cell id; properties: code, name, level, unit (index into units), sd (index into subdistricts). Extra members: units, subdistricts. Cached per scope with an ETag; gzip when accepted. Coordinates rounded to 7 decimals (~1 cm); simplify=<metres> applies Douglas–Peucker.',
        querystring: ZGridListQuery,
      },
    },
    async (req, reply) => {
      const layer = await service.listGrids(actorOf(req), deps, req.query);
      reply.type('application/json; charset=utf-8').header('vary', 'accept-encoding');
      if (layer.etag) {
        // Private: the layer depends on who asks. Revalidate every time; a 304 costs one small query.
        reply.header('etag', layer.etag).header('cache-control', 'private, no-cache');
        if (req.headers['if-none-match'] === layer.etag) return reply.status(304).send();
      }
      if (layer.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
        return reply.header('content-encoding', 'gzip').send(layer.gzip);
      }
      return reply.send(layer.body);
    },
  );

  app.get(
    '/api/v1/grids/locate',
    {
      config: { access: gridsAccess.locate },
      schema: {
        tags,
        summary: '点位定网格 The cell containing a point (crs: wgs84 | gcj02 | bd09)',
        querystring: ZLocateQuery,
        response: { 200: ZLocateAnswer },
      },
    },
    async (req) => service.locate(actorOf(req), deps, req.query),
  );

  app.get(
    '/api/v1/grids/:id',
    {
      config: { access: gridsAccess.get },
      schema: { tags, summary: '网格详情 One cell with its owners', params: ZId, response: { 200: ZGridDetail } },
    },
    async (req) => service.getGrid(actorOf(req), deps, req.params.id),
  );

  app.patch(
    '/api/v1/grids/:id',
    {
      config: { access: gridsAccess.patch },
      schema: {
        tags,
        summary: '修改网格 Name, owning unit, grid leader, grid workers',
        params: ZId,
        body: ZGridPatch,
        response: { 200: ZGridDetail },
      },
    },
    async (req) => service.patchGrid(actorOf(req), deps, req.params.id, req.body),
  );

  app.post(
    '/api/v1/grids/import',
    {
      config: { access: gridsAccess.import },
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags,
        summary: '导入网格 GeoJSON import (all or nothing) with overlap and gap report',
        description:
          'Each feature: Polygon or MultiPolygon; properties code (15 digits), name, optional unitCode and level. Coordinates in crs are converted to WGS-84. Any invalid feature rejects the whole file (status rejected, errors with feature index and reason). The answer is 200 with the report for every outcome; each attempt is stored in grid_imports and audited.',
        body: ZGridImportRequest,
        response: { 200: ZGridImportReport },
      },
    },
    async (req) => service.importGrids(actorOf(req), deps, req.body),
  );

  app.get(
    '/api/v1/district/boundary',
    {
      config: { access: gridsAccess.district },
      schema: {
        tags,
        summary: '辖区边界 The district outline (map background, edge of jurisdiction)',
        response: { 200: ZFeatureCollection },
      },
    },
    async (req) => service.districtBoundary(actorOf(req), deps),
  );

  app.put(
    '/api/v1/district/boundary',
    {
      config: { access: gridsAccess.setDistrict },
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags,
        summary: '设置辖区边界 Replace the district outline (tenant-wide callers only)',
        description:
          'geometry: Polygon or MultiPolygon in crs (wgs84 | gcj02 | bd09), validated like grid cells and stored as WGS-84. Points outside it are answered "outside jurisdiction".',
        body: ZDistrictBoundaryPut,
        response: { 200: ZFeatureCollection },
      },
    },
    async (req) => service.setDistrictBoundary(actorOf(req), deps, req.body),
  );
}

/**
 * Excel routes: templates, exports and imports of units and people. Uploads are the raw .xlsx as the
 * request body (no multipart); the parser for it lives in this plugin only, with its own size limit.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IMPORT_MAX_BYTES, XLSX_MIME, ZImportQuery, ZImportResult } from '../../../common/org.ts';
import type { Deps } from '../../deps.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { AppError } from '../../lib/errors.ts';
import * as excel from './org.import.ts';
import { orgAccess } from './org.policy.ts';

/** Send a workbook as a download: a Chinese file name for browsers, an ASCII one for the rest. */
function sendXlsx(reply: FastifyReply, names: [zh: string, ascii: string], file: Buffer) {
  return reply
    .type(XLSX_MIME)
    .header('cache-control', 'no-store')
    .header(
      'content-disposition',
      `attachment; filename="${names[1]}"; filename*=UTF-8''${encodeURIComponent(names[0])}`,
    )
    .send(file);
}

function uploaded(req: FastifyRequest): Buffer {
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `请以 ${XLSX_MIME} 上传 .xlsx 文件作为请求体`, [
      { field: 'body', message: '缺少 .xlsx 文件' },
    ]);
  }
  return req.body;
}

const binary = (summary: string) => ({
  tags: ['org'],
  summary,
  produces: [XLSX_MIME],
});

export function registerOrgExcelRoutes(root: FastifyInstance, deps: Deps): void {
  root.register(async (scoped) => {
    for (const type of [XLSX_MIME, 'application/octet-stream']) {
      scoped.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: IMPORT_MAX_BYTES }, (_req, body, done) =>
        done(null, body),
      );
    }
    const app = scoped.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/v1/org/templates/units.xlsx',
      { config: { access: orgAccess.unitsTemplate }, schema: binary('单位导入模板 Units import template') },
      async (req, reply) =>
        sendXlsx(reply, ['单位导入模板.xlsx', 'units-template.xlsx'], await excel.unitsTemplate(actorOf(req), deps)),
    );

    app.get(
      '/api/v1/org/templates/people.xlsx',
      { config: { access: orgAccess.peopleTemplate }, schema: binary('人员导入模板 People import template') },
      async (req, reply) =>
        sendXlsx(reply, ['人员导入模板.xlsx', 'people-template.xlsx'], await excel.peopleTemplate(actorOf(req), deps)),
    );

    app.get(
      '/api/v1/org/export/units.xlsx',
      { config: { access: orgAccess.exportUnits }, schema: binary('导出单位 Units in scope as .xlsx') },
      async (req, reply) =>
        sendXlsx(reply, excel.exportFileNames(deps, '单位', 'units'), await excel.exportUnits(actorOf(req), deps)),
    );

    app.get(
      '/api/v1/org/export/people.xlsx',
      { config: { access: orgAccess.exportPeople }, schema: binary('导出人员 People in scope as .xlsx') },
      async (req, reply) =>
        sendXlsx(reply, excel.exportFileNames(deps, '人员', 'people'), await excel.exportPeople(actorOf(req), deps)),
    );

    app.post(
      '/api/v1/org/import/units',
      {
        config: { access: orgAccess.importUnits },
        bodyLimit: IMPORT_MAX_BYTES,
        schema: {
          tags: ['org'],
          summary: '导入单位 Import units from .xlsx (raw body; ?dryRun=true previews)',
          consumes: [XLSX_MIME],
          querystring: ZImportQuery,
          response: { 200: ZImportResult },
        },
      },
      async (req) => excel.importUnits(actorOf(req), deps, uploaded(req), req.query.dryRun),
    );

    app.post(
      '/api/v1/org/import/people',
      {
        config: { access: orgAccess.importPeople },
        bodyLimit: IMPORT_MAX_BYTES,
        schema: {
          tags: ['users'],
          summary: '导入人员 Import people from .xlsx (raw body; ?dryRun=true previews)',
          consumes: [XLSX_MIME],
          querystring: ZImportQuery,
          response: { 200: ZImportResult },
        },
      },
      async (req) => excel.importPeople(actorOf(req), deps, uploaded(req), req.query.dryRun),
    );
  });
}

/**
 * Photo routes: upload (multipart, one file field `file`), the stored image, its thumbnail, its metadata.
 * The multipart parser lives in the upload route's own scope, with the upload size as its limit; any
 * other request body there is refused before it is read.
 */
import fastifyMultipart, { type MultipartFile, type MultipartValue } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MEDIA_FORMAT_LABEL, MEDIA_MAX_BYTES, ZMediaMeta, ZMediaUploaded } from '../../../common/media.ts';
import type { Deps } from '../../deps.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { AppError } from '../../lib/errors.ts';
import { mediaAccess } from './media.policy.ts';
import * as service from './media.service.ts';

const ZId = z.object({ id: z.string().uuid() });
/** Browsers may keep a photo for a day; its bytes never change under an id. */
const CACHE_CONTROL = 'private, max-age=86400';

const notMultipart = () =>
  new AppError('VALIDATION_FAILED', `请以 multipart/form-data 上传,文件字段名为 file(${MEDIA_FORMAT_LABEL} 照片)`, [
    { field: 'body', message: '不是 multipart/form-data 请求' },
  ]);
const noFile = () =>
  new AppError('VALIDATION_FAILED', '请求中没有文件:请在字段 file 中上传一张照片', [
    { field: 'body.file', message: '缺少文件' },
  ]);
const tooLarge = () =>
  new AppError('PAYLOAD_TOO_LARGE', `文件超过 ${MEDIA_MAX_BYTES / 1024 / 1024} MB 上限`, [
    { field: 'body.file', message: '文件过大' },
  ]);

/** Parser and limit errors of @fastify/multipart and busboy, as our errors. */
function multipartError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const code = (e as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge();
  if (code === 'FST_FILES_LIMIT') {
    return new AppError('VALIDATION_FAILED', '一次只能上传一个文件', [{ field: 'body.file', message: '文件过多' }]);
  }
  return new AppError('VALIDATION_FAILED', 'multipart 请求格式不正确', [
    { field: 'body', message: e instanceof Error ? e.message : 'invalid multipart body' },
  ]);
}

/** An optional number form field (lat, lng), sent before the file. */
function numberField(part: MultipartFile, name: 'lat' | 'lng', max: number): number | null {
  const f = part.fields[name];
  if (f === undefined) return null;
  const v = !Array.isArray(f) && f.type === 'field' ? String((f as MultipartValue).value).trim() : '';
  if (v === '') return null;
  const n = Number(v);
  if (!Number.isFinite(n) || Math.abs(n) > max) {
    throw new AppError('VALIDATION_FAILED', `body.${name}: 应为 -${max} 到 ${max} 之间的数`, [
      { field: `body.${name}`, message: `应为 -${max} 到 ${max} 之间的数` },
    ]);
  }
  return n;
}

async function receiveUpload(req: FastifyRequest): Promise<service.UploadInput> {
  if (!req.isMultipart()) throw notMultipart();
  let part: MultipartFile | undefined;
  let bytes: Buffer;
  try {
    part = await req.file();
    if (!part) throw noFile();
    if (part.fieldname !== 'file') {
      part.file.resume();
      throw new AppError('VALIDATION_FAILED', `文件字段名应为 file,而不是 ${part.fieldname.slice(0, 40)}`, [
        { field: 'body.file', message: '缺少文件' },
      ]);
    }
    bytes = await part.toBuffer();
  } catch (e) {
    throw multipartError(e);
  }
  const lat = numberField(part, 'lat', 90);
  const lng = numberField(part, 'lng', 180);
  if ((lat === null) !== (lng === null)) {
    throw new AppError('VALIDATION_FAILED', 'body.lat: lat 与 lng 须同时提供', [
      { field: 'body.lat', message: 'lat 与 lng 须同时提供' },
    ]);
  }
  return { bytes, fileName: part.filename || null, declaredMime: part.mimetype || null, lat, lng };
}

function sendImage(req: FastifyRequest, reply: FastifyReply, img: service.PhotoBytes, suffix = '') {
  reply
    .header('cache-control', CACHE_CONTROL)
    .header('etag', img.etag)
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', `inline; filename="${img.id}${suffix}.jpg"`);
  if (req.headers['if-none-match'] === img.etag) return reply.status(304).send();
  return reply.type(img.mime).send(img.bytes);
}

export function registerMediaRoutes(root: FastifyInstance, deps: Deps): void {
  root.register(async (scoped) => {
    // Only multipart bodies here: JSON, text and anything else are refused before being read.
    scoped.removeAllContentTypeParsers();
    await scoped.register(fastifyMultipart, {
      limits: { fileSize: MEDIA_MAX_BYTES, files: 1, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 50 },
    });
    scoped.addContentTypeParser('*', (_req, _payload, done) => done(notMultipart(), undefined));
    const app = scoped.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/api/v1/media',
      {
        config: { access: mediaAccess.upload },
        schema: {
          tags: ['media'],
          summary: '上传照片 Upload a photo (multipart: optional lat, lng, then file)',
          consumes: ['multipart/form-data'],
          response: { 201: ZMediaUploaded },
        },
      },
      async (req, reply) => {
        const input = await receiveUpload(req);
        return reply.status(201).send(await service.uploadPhoto(actorOf(req), deps, input));
      },
    );
  });

  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/media/:id',
    {
      config: { access: mediaAccess.read },
      schema: { tags: ['media'], summary: '照片 The stored (re-encoded) photo', params: ZId, produces: ['image/jpeg'] },
    },
    async (req, reply) => sendImage(req, reply, await service.getPhotoBytes(actorOf(req), deps, req.params.id, 'full')),
  );

  app.get(
    '/api/v1/media/:id/thumb',
    {
      config: { access: mediaAccess.read },
      schema: { tags: ['media'], summary: '缩略图 The photo’s thumbnail', params: ZId, produces: ['image/jpeg'] },
    },
    async (req, reply) =>
      sendImage(req, reply, await service.getPhotoBytes(actorOf(req), deps, req.params.id, 'thumb'), '-thumb'),
  );

  app.get(
    '/api/v1/media/:id/meta',
    {
      config: { access: mediaAccess.read },
      schema: {
        tags: ['media'],
        summary: '照片信息 A photo’s metadata and EXIF summary',
        params: ZId,
        response: { 200: ZMediaMeta },
      },
    },
    async (req) => service.getPhotoMeta(actorOf(req), deps, req.params.id),
  );
}

/** Evidence photos: upload (inspect, read EXIF, re-encode, store, record), read, and attach to cases. */
import { createHash, randomUUID } from 'node:crypto';
import {
  MEDIA_MAX_BYTES,
  MEDIA_MAX_PIXELS,
  mediaThumbUrl,
  mediaUrl,
  type TExifSummary,
  type TMediaMeta,
  type TMediaRef,
  type TMediaUploaded,
  type TSourceFormat,
} from '../../../common/media.ts';
import type { Executor } from '../../db/client.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { recordAudit, recordAuditAlone } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import { type EvidenceContext, evidenceWarnings } from './media.evidence.ts';
import { type EvidenceMeta, readEvidenceMeta } from './media.exif.ts';
import { DecodeError, reencode } from './media.image.ts';
import { canAttach, canReadWithoutCases, caseViewerOf } from './media.policy.ts';
import * as repo from './media.repo.ts';
import { declaredMimeProblem, fileNameProblem, inspectImage } from './media.sniff.ts';
import { type MediaStorage, storageFor, storageKeys } from './media.storage.ts';

export type { MediaRow } from './media.repo.ts';

export interface UploadInput {
  bytes: Buffer;
  /** As the client named it; kept for the record, never used in a path. */
  fileName: string | null;
  /** The part's Content-Type as declared by the client. */
  declaredMime: string | null;
  /** The problem's point (WGS-84), when the client already knows it: adds the distance remark. */
  lat?: number | null;
  lng?: number | null;
}

const FIELD = 'body.file';
const fileError = (code: 'VALIDATION_FAILED' | 'UNSUPPORTED_MEDIA_TYPE' | 'UNPROCESSABLE', message: string) =>
  new AppError(code, message, [{ field: FIELD, message }]);

/** Keep a client-given name printable and short for the record. */
function cleanName(name: string | null): string | null {
  if (!name) return null;
  const s = name.replace(/[^\P{C}]/gu, '').trim();
  return s ? s.slice(0, 200) : null;
}

interface Checked {
  format: TSourceFormat;
  width: number;
  height: number;
  exifTiff: Buffer | null;
}

/** Everything decided from the bytes and the client's claims before any decoder runs. */
function check(input: UploadInput): Checked {
  const { bytes } = input;
  if (bytes.length === 0) throw fileError('VALIDATION_FAILED', '文件为空');
  if (bytes.length > MEDIA_MAX_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', `文件超过 ${MEDIA_MAX_BYTES / 1024 / 1024} MB 上限`, [
      { field: FIELD, message: '文件过大' },
    ]);
  }
  const r = inspectImage(bytes);
  if (!r.ok) {
    throw fileError(r.kind === 'unsupported_format' ? 'UNSUPPORTED_MEDIA_TYPE' : 'UNPROCESSABLE', r.message);
  }
  const { format, width, height, exifTiff } = r.value;
  const nameProblem = fileNameProblem(input.fileName, format) ?? declaredMimeProblem(input.declaredMime, format);
  if (nameProblem) throw fileError('UNSUPPORTED_MEDIA_TYPE', nameProblem);
  if (width * height > MEDIA_MAX_PIXELS) {
    throw fileError(
      'UNPROCESSABLE',
      `图片尺寸 ${width}×${height}(约 ${Math.round((width * height) / 10_000)} 万像素)超过 ${MEDIA_MAX_PIXELS / 10_000} 万像素上限`,
    );
  }
  return { format, width, height, exifTiff };
}

/**
 * Upload one photo: recognised by its bytes, checked for hidden content and size, EXIF read, then
 * re-encoded (metadata stripped) and stored under a server-made key; the row and one audit event are
 * written together after the bytes are stored. A refused file is audited as a failure.
 */
export async function uploadPhoto(actor: Actor, deps: Deps, input: UploadInput): Promise<TMediaUploaded> {
  const originalName = cleanName(input.fileName);
  let checked: Checked;
  let meta: EvidenceMeta;
  let encoded: Awaited<ReturnType<typeof reencode>>;
  try {
    checked = check(input);
    // From the original bytes, before re-encoding drops every tag.
    meta = await readEvidenceMeta(input.bytes, checked.format, checked.exifTiff, deps.config.TZ);
    encoded = await reencode(input.bytes, checked.format).catch((e: unknown) => {
      if (!(e instanceof DecodeError)) throw e;
      deps.log.info({ err: e.message, format: checked.format }, 'media: decode failed');
      throw fileError(
        'UNPROCESSABLE',
        e.pixelLimit ? `图片像素超过 ${MEDIA_MAX_PIXELS / 10_000} 万像素上限` : '图片数据损坏或无法解码',
      );
    });
  } catch (e) {
    if (e instanceof AppError) {
      await recordAuditAlone(deps.database, deps.clock, actor, {
        action: 'media.upload',
        objectType: 'media',
        outcome: 'failure',
        details: { reason: e.message, code: e.code, originalName, originalBytes: input.bytes.length },
      });
    }
    throw e;
  }

  const id = randomUUID();
  const now = deps.clock.now();
  const keys = storageKeys(actor.tenantId, id, now, encoded.ext);
  const storage = storageFor(deps);
  // Bytes first: a row never points at nothing. A crash between the two leaves an unreferenced file,
  // which is harmless (and which a sweep can remove); the reverse would be a broken record.
  await storage.put(keys.storageKey, encoded.main);
  await storage.put(keys.thumbKey, encoded.thumb);
  const sha256 = createHash('sha256').update(encoded.main).digest('hex');
  const row: repo.NewMediaRow = {
    tenantId: actor.tenantId,
    id,
    sourceFormat: checked.format,
    mime: encoded.mime,
    bytes: encoded.main.length,
    width: encoded.width,
    height: encoded.height,
    sha256,
    storageKey: keys.storageKey,
    thumbKey: keys.thumbKey,
    originalName,
    originalBytes: input.bytes.length,
    takenAt: meta.takenAt,
    exifLat: meta.exifLat,
    exifLng: meta.exifLng,
    exif: meta.summary,
    uploadedBy: actor.userId,
    uploadedAt: now,
  };
  try {
    await deps.database.db.transaction(async (tx) => {
      await repo.insertMedia(tx, row);
      await recordAudit(tx, deps.clock, actor, {
        action: 'media.upload',
        objectType: 'media',
        objectId: id,
        details: {
          sourceFormat: checked.format,
          originalName,
          originalBytes: input.bytes.length,
          bytes: encoded.main.length,
          width: encoded.width,
          height: encoded.height,
          sha256,
          takenAt: meta.takenAt?.toISOString() ?? null,
          hasGps: meta.exifLat !== null,
        },
      });
    });
  } catch (e) {
    await removeQuietly(storage, [keys.storageKey, keys.thumbKey]);
    throw e;
  }
  const warnings = evidenceWarnings(meta, { lat: input.lat, lng: input.lng, at: now });
  return {
    id,
    mime: encoded.mime,
    width: encoded.width,
    height: encoded.height,
    bytes: encoded.main.length,
    takenAt: meta.takenAt?.toISOString() ?? null,
    exifLat: meta.exifLat,
    exifLng: meta.exifLng,
    url: mediaUrl(id),
    thumbUrl: mediaThumbUrl(id),
    warnings,
  };
}

async function removeQuietly(storage: MediaStorage, keys: string[]): Promise<void> {
  for (const k of keys) await storage.delete(k).catch(() => {});
}

/** The row of a photo the actor may see; 404 when it is missing or outside what they may see. */
async function readableRow(actor: Actor, deps: Deps, id: string): Promise<repo.MediaRow> {
  const db = deps.database.db;
  const row = await repo.getMedia(db, actor.tenantId, id);
  if (!row) throw notFound('照片');
  if (canReadWithoutCases(actor, row.uploadedBy)) return row;
  if (await repo.visibleThroughCase(db, actor.tenantId, id, caseViewerOf(actor))) return row;
  throw notFound('照片');
}

/** A photo's metadata, including the EXIF summary read at upload. */
export async function getPhotoMeta(actor: Actor, deps: Deps, id: string): Promise<TMediaMeta> {
  const r = await readableRow(actor, deps, id);
  return {
    id: r.id,
    mime: r.mime as TMediaMeta['mime'],
    width: r.width,
    height: r.height,
    bytes: r.bytes,
    takenAt: r.takenAt?.toISOString() ?? null,
    exifLat: r.exifLat,
    exifLng: r.exifLng,
    url: mediaUrl(r.id),
    thumbUrl: mediaThumbUrl(r.id),
    sourceFormat: r.sourceFormat as TSourceFormat,
    sha256: r.sha256,
    originalName: r.originalName,
    originalBytes: r.originalBytes,
    exif: (r.exif as TExifSummary | null) ?? null,
    uploadedBy: r.uploadedBy,
    uploadedAt: r.uploadedAt.toISOString(),
  };
}

export interface PhotoBytes {
  id: string;
  mime: string;
  bytes: Buffer;
  /** Stable for the stored bytes (they never change under an id). */
  etag: string;
}

/** The stored image or its thumbnail, for a caller who may see the photo. */
export async function getPhotoBytes(
  actor: Actor,
  deps: Deps,
  id: string,
  variant: 'full' | 'thumb',
): Promise<PhotoBytes> {
  const r = await readableRow(actor, deps, id);
  const key = variant === 'full' ? r.storageKey : r.thumbKey;
  const bytes = await storageFor(deps).get(key);
  if (!bytes) {
    deps.log.error({ mediaId: r.id, key }, 'media: stored file is missing');
    throw notFound('照片文件');
  }
  return { id: r.id, mime: r.mime, bytes, etag: `"${r.sha256.slice(0, 32)}${variant === 'thumb' ? '-t' : ''}"` };
}

/** A photo as a case (or any other object) lists it. */
export function toMediaRef(r: repo.MediaRow): TMediaRef {
  return {
    id: r.id,
    url: mediaUrl(r.id),
    thumbUrl: mediaThumbUrl(r.id),
    width: r.width,
    height: r.height,
    takenAt: r.takenAt?.toISOString() ?? null,
    exifLat: r.exifLat,
    exifLng: r.exifLng,
  };
}

/** Photos by id within a tenant (missing ids are simply absent from the answer). */
export function mediaByIds(db: Executor, tenantId: string, ids: readonly string[]): Promise<repo.MediaRow[]> {
  return repo.mediaByIds(db, tenantId, ids);
}

export interface AttachInput extends EvidenceContext {
  ids: readonly string[];
  /** Where the ids came from in the request, for error details (e.g. 'body.photos'). */
  field?: string;
}

export interface AttachablePhoto {
  row: repo.MediaRow;
  ref: TMediaRef;
  /** Evidence remarks for this case's point and time (store them in case_media.warnings). */
  warnings: string[];
}

/**
 * Check photo ids a user wants to attach to a case: each must exist in the tenant and have been
 * uploaded by that user, and none may repeat. Throws VALIDATION_FAILED naming `field[i]`; answers the
 * photos in the given order with their evidence remarks for the case's point and time.
 */
export async function attachablePhotos(db: Executor, actor: Actor, input: AttachInput): Promise<AttachablePhoto[]> {
  const field = input.field ?? 'body.photos';
  const rows = await repo.mediaByIds(db, actor.tenantId, input.ids);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const issues: { field: string; message: string }[] = [];
  const seen = new Set<string>();
  const out: AttachablePhoto[] = [];
  input.ids.forEach((id, i) => {
    const row = byId.get(id);
    if (seen.has(id)) issues.push({ field: `${field}.${i}`, message: '照片重复' });
    else if (!row || !canAttach(actor, row.uploadedBy)) {
      issues.push({ field: `${field}.${i}`, message: '照片不存在或不是本人上传' });
    } else {
      out.push({ row, ref: toMediaRef(row), warnings: evidenceWarnings(row, input) });
    }
    seen.add(id);
  });
  const first = issues[0];
  if (first) throw new AppError('VALIDATION_FAILED', `${first.field}: ${first.message}`, issues);
  return out;
}

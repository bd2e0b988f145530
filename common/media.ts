/** Evidence photos: upload limits, what an upload answers, a photo's metadata, and a photo as cases list it. */
import { z } from 'zod';

/** Largest accepted upload (the original file, before re-encoding). */
export const MEDIA_MAX_BYTES = 15 * 1024 * 1024;
/** Largest accepted image by its declared dimensions (width × height), checked before decoding. */
export const MEDIA_MAX_PIXELS = 50_000_000;
/** The stored photo's long edge at most, and the thumbnail's. */
export const MEDIA_MAX_EDGE = 2560;
export const MEDIA_THUMB_EDGE = 320;
/** What a file input should offer (the server decides by the bytes, not by this). */
export const MEDIA_ACCEPT = 'image/jpeg,image/png,image/webp,image/heic,image/heif,.jpg,.jpeg,.png,.webp,.heic,.heif';
export const MEDIA_FORMAT_LABEL = 'JPEG、PNG、WebP 或 HEIC';

/** Formats recognised by their magic bytes; everything else is refused. */
export const SOURCE_FORMATS = ['jpeg', 'png', 'webp', 'heic'] as const;
export const ZSourceFormat = z.enum(SOURCE_FORMATS);
export type TSourceFormat = z.infer<typeof ZSourceFormat>;

/** What was read from EXIF before the file was re-encoded (and its metadata stripped). */
export const ZExifSummary = z.object({
  make: z.string().nullable(),
  model: z.string().nullable(),
  /** EXIF orientation 1–8 of the original; the stored image is already turned upright. */
  orientation: z.number().int().nullable(),
  /** DateTimeOriginal as written by the camera (local wall time, no zone) and its offset when given. */
  dateTimeOriginal: z.string().nullable(),
  offsetTimeOriginal: z.string().nullable(),
  /** How takenAt was placed in time: the camera's offset, the server's zone (config TZ), or not at all. */
  timeZoneSource: z.enum(['exif_offset', 'server_tz', 'none']),
  gpsAltitude: z.number().nullable(),
  gpsMapDatum: z.string().nullable(),
});
export type TExifSummary = z.infer<typeof ZExifSummary>;

/** The answer to an upload. */
export const ZMediaUploaded = z.object({
  id: z.string().uuid(),
  mime: z.enum(['image/jpeg', 'image/webp']),
  width: z.number().int(),
  height: z.number().int(),
  /** Size of the stored (re-encoded) image. */
  bytes: z.number().int(),
  takenAt: z.string().nullable(),
  exifLat: z.number().nullable(),
  exifLng: z.number().nullable(),
  url: z.string(),
  thumbUrl: z.string(),
  /** zh-CN remarks for the reporter (taken long ago, far from the given point, no time/position). */
  warnings: z.array(z.string()),
});
export type TMediaUploaded = z.infer<typeof ZMediaUploaded>;

/** One photo's metadata (GET /api/v1/media/:id/meta). */
export const ZMediaMeta = ZMediaUploaded.omit({ warnings: true }).extend({
  sourceFormat: ZSourceFormat,
  sha256: z.string(),
  originalName: z.string().nullable(),
  originalBytes: z.number().int(),
  exif: ZExifSummary.nullable(),
  uploadedBy: z.string().uuid().nullable(),
  uploadedAt: z.string(),
});
export type TMediaMeta = z.infer<typeof ZMediaMeta>;

/** A photo as another object (a case, an event) shows it. */
export const ZMediaRef = z.object({
  id: z.string().uuid(),
  url: z.string(),
  thumbUrl: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  takenAt: z.string().nullable(),
  exifLat: z.number().nullable(),
  exifLng: z.number().nullable(),
});
export type TMediaRef = z.infer<typeof ZMediaRef>;

export const mediaUrl = (id: string) => `/api/v1/media/${id}`;
export const mediaThumbUrl = (id: string) => `/api/v1/media/${id}/thumb`;

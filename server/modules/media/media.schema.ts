/**
 * Evidence files (photos). The bytes live in a storage backend (local disk under DATA_DIR/media by
 * default); the row keeps what was read from the file before it was re-encoded: capture time and GPS.
 */
import { sql } from 'drizzle-orm';
import {
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { tz, users } from '../../db/schema.core.ts';

export const media = pgTable(
  'media',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    /** What the bytes were recognised as (magic bytes), before re-encoding. */
    sourceFormat: text('source_format').notNull(),
    /** Stored form after re-encoding (image/jpeg or image/webp). */
    mime: text('mime').notNull(),
    bytes: integer('bytes').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    sha256: text('sha256').notNull(),
    /** Server-generated storage keys; never derived from the uploaded file name. */
    storageKey: text('storage_key').notNull(),
    thumbKey: text('thumb_key').notNull(),
    originalName: text('original_name'),
    originalBytes: integer('original_bytes').notNull(),
    /** EXIF DateTimeOriginal and GPS, read before stripping; null when absent. */
    takenAt: tz('taken_at'),
    exifLat: doublePrecision('exif_lat'),
    exifLng: doublePrecision('exif_lng'),
    exif: jsonb('exif').$type<Record<string, unknown>>(),
    uploadedBy: uuid('uploaded_by'),
    uploadedAt: tz('uploaded_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('media_uploader_idx').on(t.tenantId, t.uploadedBy, t.uploadedAt),
    foreignKey({
      columns: [t.tenantId, t.uploadedBy],
      foreignColumns: [users.tenantId, users.id],
      name: 'media_user_fk',
    }),
    check('media_mime_ck', sql`${t.mime} in ('image/jpeg','image/webp')`),
  ],
);

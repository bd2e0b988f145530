/**
 * EXIF read before the photo is re-encoded (which strips it): capture time, GPS position, orientation
 * and camera. Nothing here rejects a photo — metadata that is missing or nonsense is simply absent.
 */
import exifr from 'exifr';
import type { TExifSummary, TSourceFormat } from '../../../common/media.ts';

export interface EvidenceMeta {
  takenAt: Date | null;
  exifLat: number | null;
  exifLng: number | null;
  /** Null when the file carried no EXIF at all. */
  summary: TExifSummary | null;
}

export const NO_EXIF: EvidenceMeta = { takenAt: null, exifLat: null, exifLng: null, summary: null };

const PICK = [
  'Make',
  'Model',
  'Orientation',
  'DateTimeOriginal',
  'OffsetTimeOriginal',
  'CreateDate',
  'OffsetTimeDigitized',
  'GPSLatitude',
  'GPSLatitudeRef',
  'GPSLongitude',
  'GPSLongitudeRef',
  'GPSAltitude',
  'GPSAltitudeRef',
  'GPSMapDatum',
];

const EXIFR_OPTIONS = {
  pick: PICK,
  tiff: true,
  exif: true,
  gps: true,
  ifd1: false,
  interop: false,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  makerNote: false,
  userComment: false,
  translateKeys: true,
  translateValues: false,
  reviveValues: false,
  sanitize: true,
  mergeOutput: true,
};

// ---------------------------------------------------------------------------------------------------
// Time: EXIF writes local wall time without a zone

const EXIF_TIME = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Milliseconds the zone's wall clock is ahead of UTC at instant t. */
function zoneOffsetMs(t: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return wall - (t - (((t % 1000) + 1000) % 1000));
}

/**
 * An EXIF date-time ("2026:04:14 09:30:00") as an instant: with its offset ("+08:00") when the camera
 * wrote one, otherwise as wall time in `timeZone`. Null for anything that is not a real date-time
 * (cameras write "0000:00:00 00:00:00" or blanks when the clock was never set).
 */
export function exifTimeToDate(value: unknown, offset: unknown, timeZone: string): Date | null {
  if (typeof value !== 'string') return null;
  const m = EXIF_TIME.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59));
  if (new Date(wall).getUTCDate() !== d) return null;
  const om = typeof offset === 'string' ? OFFSET.exec(offset.trim()) : null;
  if (om) {
    const sign = om[1] === '-' ? -1 : 1;
    const minutes = Number(om[2]) * 60 + Number(om[3]);
    if (minutes <= 14 * 60) return new Date(wall - sign * minutes * 60_000);
  }
  // The instant whose wall clock in the zone reads `wall` (the later one if the wall time repeats).
  const first = wall - zoneOffsetMs(wall, timeZone);
  const second = wall - zoneOffsetMs(first, timeZone);
  return new Date(second);
}

// ---------------------------------------------------------------------------------------------------
// Position

/** Degrees from EXIF's [deg, min, sec] (or a plain number) and its N/S/E/W reference. */
export function dmsToDegrees(value: unknown, ref: unknown): number | null {
  let deg: number;
  if (typeof value === 'number') deg = value;
  else if (Array.isArray(value) && value.length >= 1 && value.every((v) => typeof v === 'number')) {
    const [d = 0, m = 0, s = 0] = value as number[];
    deg = d + m / 60 + s / 3600;
  } else return null;
  if (!Number.isFinite(deg)) return null;
  const r = typeof ref === 'string' ? ref.trim().toUpperCase() : '';
  return r === 'S' || r === 'W' ? -Math.abs(deg) : deg;
}

/** A usable position, or nulls: out of range, or exactly 0/0 (what phones write without a fix). */
export function gpsPosition(lat: number | null, lng: number | null): { lat: number | null; lng: number | null } {
  if (lat === null || lng === null) return { lat: null, lng: null };
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180 || (lat === 0 && lng === 0)) return { lat: null, lng: null };
  return { lat: Math.round(lat * 1e7) / 1e7, lng: Math.round(lng * 1e7) / 1e7 };
}

const str = (v: unknown, max = 100): string | null => {
  if (typeof v !== 'string') return null;
  // Printable characters only: camera strings are NUL-padded, and this ends up in JSON and the UI.
  const s = v.replace(/[^\P{C}]/gu, '').trim();
  return s ? s.slice(0, max) : null;
};
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Evidence metadata from exifr's raw output (exported for tests). */
export function evidenceMetaFrom(raw: Record<string, unknown> | null | undefined, timeZone: string): EvidenceMeta {
  if (!raw || Object.keys(raw).length === 0) return NO_EXIF;
  let dateTimeOriginal = str(raw.DateTimeOriginal, 40);
  let offsetTimeOriginal = str(raw.OffsetTimeOriginal, 10);
  let takenAt = exifTimeToDate(dateTimeOriginal, offsetTimeOriginal, timeZone);
  // No DateTimeOriginal: the digitised time is the same moment for a camera (never the modify time).
  if (!takenAt && raw.CreateDate !== undefined) {
    dateTimeOriginal = str(raw.CreateDate, 40);
    offsetTimeOriginal = str(raw.OffsetTimeDigitized, 10);
    takenAt = exifTimeToDate(dateTimeOriginal, offsetTimeOriginal, timeZone);
  }
  const usedOffset = takenAt !== null && offsetTimeOriginal !== null && OFFSET.test(offsetTimeOriginal);
  const pos = gpsPosition(
    dmsToDegrees(raw.GPSLatitude, raw.GPSLatitudeRef),
    dmsToDegrees(raw.GPSLongitude, raw.GPSLongitudeRef),
  );
  const alt = num(raw.GPSAltitude);
  const orientation = num(raw.Orientation);
  return {
    takenAt,
    exifLat: pos.lat,
    exifLng: pos.lng,
    summary: {
      make: str(raw.Make),
      model: str(raw.Model),
      orientation: orientation !== null && orientation >= 1 && orientation <= 8 ? orientation : null,
      dateTimeOriginal: takenAt ? dateTimeOriginal : null,
      offsetTimeOriginal: usedOffset ? offsetTimeOriginal : null,
      timeZoneSource: takenAt === null ? 'none' : usedOffset ? 'exif_offset' : 'server_tz',
      gpsAltitude: alt === null ? null : raw.GPSAltitudeRef === 1 ? -alt : alt,
      gpsMapDatum: str(raw.GPSMapDatum, 40),
    },
  };
}

/**
 * Read EXIF from the original bytes. exifr reads JPEG, PNG (eXIf) and HEIC; a WebP's EXIF chunk is
 * handed over as the TIFF block it is. A file exifr cannot make sense of has no metadata, not an error.
 */
export async function readEvidenceMeta(
  bytes: Buffer,
  format: TSourceFormat,
  webpExifTiff: Buffer | null,
  timeZone: string,
): Promise<EvidenceMeta> {
  const input = format === 'webp' ? webpExifTiff : bytes;
  if (!input || input.length === 0) return NO_EXIF;
  try {
    const raw = (await exifr.parse(input, EXIFR_OPTIONS)) as Record<string, unknown> | undefined;
    return evidenceMetaFrom(raw, timeZone);
  } catch {
    return NO_EXIF;
  }
}

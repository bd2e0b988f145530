/**
 * Test material for the media module (imported by tests only): photos made with sharp, a real HEIC,
 * hostile files, and a hand-built multipart body.
 */
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/**
 * A real 8×8 HEIC (HEVC, brand `heic`, one solid colour ≈ rgb(200,30,40)), 467 bytes, encoded with
 * libheif (pillow-heif) — published as a test fixture in a public repository. Nothing here can encode
 * HEVC (sharp's prebuilt libheif has no x265), so the HEIC path is tested with this file.
 */
export const HEIC_8X8 = Buffer.from(
  'AAAAHGZ0eXBoZWljAAAAAG1pZjFoZWljbWlhZgAAAXxtZXRhAAAAAAAAACFoZGxyAAAAAAAAAABwaWN0AAAAAAAAAAAAAAAAAAAAACJpbG9jAAAAAERAAAEAAQAAAAABoAABAAAAAAAAADMAAAAjaWluZgAAAAAAAQAAABVpbmZlAgAAAAABAABodmMxAAAAAA5waXRtAAAAAAABAAAA/GlwcnAAAADcaXBjbwAAAHVodmNDAQNwAAAAAAAAAAAAHvAA/P34+AAADwNgAAEAGEABDAH//wNwAAADAJAAAAMAAAMAHroCQGEAAQApQgEBA3AAAAMAkAAAAwAAAwAeoCCBBZbqrprm4CGgwIAAAAyAAAADAIRiAAEABkQBwXPBiQAAABNjb2xybmNseAABAA0ABoAAAAAUaXNwZQAAAAAAAABAAAAAQAAAAChjbGFwAAAACAAAAAEAAAAIAAAAAf///8gAAAAC////yAAAAAIAAAAQcGl4aQAAAAADCAgIAAAAGGlwbWEAAAAAAAAAAQABBYECAwWEAAAAO21kYXQAAAAvKAGvEyFkY0D1JyL//2q6n/rQWf9v9lhZ3K6AwVvy+sD2ZJvA86qRnoCHaacwFXg=',
  'base64',
);

/** EXIF rational degrees: 34.7583 → "34/1 45/1 3000/100". */
export function dms(deg: number): string {
  const a = Math.abs(deg);
  const d = Math.floor(a);
  const mFloat = (a - d) * 60;
  const m = Math.floor(mFloat);
  const s = Math.round((mFloat - m) * 60 * 1000);
  return `${d}/1 ${m}/1 ${s}/1000`;
}

export interface PhotoExif {
  /** EXIF wall time "YYYY:MM:DD HH:MM:SS". */
  takenAt?: string;
  offset?: string;
  lat?: number;
  lng?: number;
  make?: string;
  model?: string;
  orientation?: number;
}

function exifDirs(e: PhotoExif) {
  const ifd0: Record<string, string> = {};
  const ifd2: Record<string, string> = {};
  const ifd3: Record<string, string> = {};
  if (e.make) ifd0.Make = e.make;
  if (e.model) ifd0.Model = e.model;
  if (e.takenAt) ifd2.DateTimeOriginal = e.takenAt;
  if (e.offset) ifd2.OffsetTimeOriginal = e.offset;
  if (e.lat !== undefined && e.lng !== undefined) {
    ifd3.GPSLatitudeRef = e.lat < 0 ? 'S' : 'N';
    ifd3.GPSLatitude = dms(e.lat);
    ifd3.GPSLongitudeRef = e.lng < 0 ? 'W' : 'E';
    ifd3.GPSLongitude = dms(e.lng);
  }
  return { IFD0: ifd0, IFD2: ifd2, IFD3: ifd3 };
}

/** Left half red, right half blue: shows whether a rotation happened. */
function halves(width: number, height: number) {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      if (x < width / 2) data[i] = 220;
      else data[i + 2] = 220;
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } });
}

export async function jpeg(width = 64, height = 48, exif?: PhotoExif): Promise<Buffer> {
  let img = halves(width, height).jpeg({ quality: 90 });
  if (exif) img = img.withExif(exifDirs(exif));
  if (exif?.orientation) img = img.withMetadata({ orientation: exif.orientation });
  return img.toBuffer();
}

export async function png(width = 64, height = 48, exif?: PhotoExif): Promise<Buffer> {
  let img = halves(width, height).png();
  if (exif) img = img.withExif(exifDirs(exif));
  return img.toBuffer();
}

export async function webp(width = 64, height = 48, opts: { lossless?: boolean; exif?: PhotoExif } = {}) {
  let img = halves(width, height).webp({ lossless: opts.lossless ?? false });
  if (opts.exif) img = img.withExif(exifDirs(opts.exif));
  return img.toBuffer();
}

/** A one-entry ZIP archive (stored), complete with central directory: what a polyglot appends. */
export function zip(name = 'payload.txt', content = 'hidden'): Buffer {
  const data = Buffer.from(content);
  const fname = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fname.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fname.length, 28);
  const cdOffset = local.length + fname.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fname.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, fname, data, central, fname, end]);
}

/** A JPEG segment (marker + length + data) inserted right after SOI. */
export function withJpegSegment(jpg: Buffer, marker: number, data: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([jpg.subarray(0, 2), head, data, jpg.subarray(2)]);
}

/** A PNG chunk (with CRC) inserted right after IHDR. */
export function withPngChunk(p: Buffer, type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  const afterIhdr = 8 + 25;
  return Buffer.concat([p.subarray(0, afterIhdr), chunk, p.subarray(afterIhdr)]);
}

/** The PNG with its IHDR declaring another size (CRC fixed): a decompression bomb's header. */
export function pngDeclaring(p: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(p);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

/** The JPEG with its SOF declaring another size. */
export function jpegDeclaring(j: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(j);
  for (let p = 2; p < out.length; ) {
    const marker = out[p + 1] as number;
    const len = out.readUInt16BE(p + 2);
    if (marker === 0xc0 || marker === 0xc2) {
      out.writeUInt16BE(height, p + 5);
      out.writeUInt16BE(width, p + 7);
      return out;
    }
    p += 2 + len;
  }
  throw new Error('no SOF');
}

/** The HEIC with every ispe declaring another size. */
export function heicDeclaring(h: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(h);
  for (let p = out.indexOf('ispe'); p >= 0; p = out.indexOf('ispe', p + 4)) {
    out.writeUInt32BE(width, p + 8);
    out.writeUInt32BE(height, p + 12);
  }
  return out;
}

/** An SVG that runs script when opened. */
export const SVG_WITH_SCRIPT = Buffer.from(
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script><rect width="10" height="10"/></svg>\n',
);

export interface FilePart {
  field?: string;
  filename?: string;
  contentType?: string;
  bytes: Buffer;
}

/** A multipart/form-data body by hand: text fields first, then the file part(s). */
export function multipart(files: FilePart[], fields: Record<string, string> = {}) {
  const boundary = `----gcMediaTest${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const f of files) {
    const name = f.filename === undefined ? '' : `; filename="${f.filename}"`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'file'}"${name}\r\nContent-Type: ${f.contentType ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      f.bytes,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** An upload request for app.inject. */
export function uploadRequest(file: FilePart, fields: Record<string, string> = {}) {
  const body = multipart([file], fields);
  return { method: 'POST' as const, url: '/api/v1/media', payload: body.payload, headers: body.headers };
}

/**
 * What an uploaded file really is, from its bytes alone: the format by magic bytes, the dimensions its
 * header declares (checked before any decoder runs), where the image ends (anything after it makes a
 * polyglot), and markup, script or archive signatures hidden in it. Pure: no I/O, no decoding.
 */
import type { TSourceFormat } from '../../../common/media.ts';

export type RejectKind =
  /** Not one of the accepted formats (SVG, HTML, PDF, GIF, archives, programs …). */
  | 'unsupported_format'
  /** The structure ends before the image does. */
  | 'truncated'
  /** The structure is not what the format requires. */
  | 'malformed'
  /** Bytes after the image's end (a polyglot, or a motion photo's video). */
  | 'trailing_data'
  /** Markup, script, archive or program signatures inside the file. */
  | 'embedded_content'
  /** The header declares no usable dimensions. */
  | 'no_dimensions';

export interface Inspection {
  format: TSourceFormat;
  /** As the header declares them (before EXIF orientation). */
  width: number;
  height: number;
  /** WebP only: the TIFF bytes of its EXIF chunk (exifr reads JPEG, PNG and HEIC itself, not WebP). */
  exifTiff: Buffer | null;
  /** Where the image ends; bytes after it are only ever 0x00/0xFF padding. */
  end: number;
}

export type InspectResult = { ok: true; value: Inspection } | { ok: false; kind: RejectKind; message: string };

const ACCEPTED = 'JPEG、PNG、WebP 或 HEIC';

class Bad extends Error {
  constructor(
    readonly kind: RejectKind,
    message: string,
  ) {
    super(message);
  }
}

type Range = [start: number, end: number];

// Readers that answer 0 past the end, so a short file fails a structure check rather than throwing.
const u16be = (b: Buffer, p: number) => ((b[p] ?? 0) << 8) | (b[p + 1] ?? 0);
const u32be = (b: Buffer, p: number) =>
  (((b[p] ?? 0) << 24) | ((b[p + 1] ?? 0) << 16) | ((b[p + 2] ?? 0) << 8) | (b[p + 3] ?? 0)) >>> 0;
const u16le = (b: Buffer, p: number) => (b[p] ?? 0) | ((b[p + 1] ?? 0) << 8);
const u24le = (b: Buffer, p: number) => (b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16);
const u32le = (b: Buffer, p: number) =>
  ((b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16) | ((b[p + 3] ?? 0) << 24)) >>> 0;
const ascii = (b: Buffer, p: number, n: number) => b.toString('latin1', p, Math.min(p + n, b.length));
const startsWith = (b: Buffer, sig: readonly number[], at = 0) => sig.every((v, i) => b[at + i] === v);

// ---------------------------------------------------------------------------------------------------
// Magic bytes

/** HEIF brands of HEVC-coded images (and image sequences) — what phones write. */
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
/** Generic HEIF brands; an image with them is HEIC unless it also claims AVIF. */
const HEIF_GENERIC_BRANDS = new Set(['mif1', 'msf1', 'mif2']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

function ftypBrands(b: Buffer): { major: string; compatible: string[] } | null {
  if (b.length < 16 || ascii(b, 4, 4) !== 'ftyp') return null;
  const size = u32be(b, 0);
  if (size < 16 || size > 4096 || size > b.length) return null;
  const compatible: string[] = [];
  for (let p = 16; p + 4 <= size; p += 4) compatible.push(ascii(b, p, 4));
  return { major: ascii(b, 8, 4), compatible };
}

/** The accepted format the bytes are, by their magic bytes only; null for anything else. */
export function sniffFormat(b: Buffer): TSourceFormat | null {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  const ftyp = ftypBrands(b);
  if (ftyp) {
    const brands = [ftyp.major, ...ftyp.compatible];
    if (HEIC_BRANDS.has(ftyp.major)) return 'heic';
    if (HEIF_GENERIC_BRANDS.has(ftyp.major) && !brands.some((x) => AVIF_BRANDS.has(x))) return 'heic';
  }
  return null;
}

/** A clear reason for a file that is something else we know (SVG, HTML, PDF, GIF …); null if unknown. */
export function describeOther(b: Buffer): string | null {
  const head = b
    .toString('latin1', 0, 4096)
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart()
    .toLowerCase();
  if (head.includes('<svg')) {
    return `不接受 SVG 矢量图(可能包含脚本),请上传 ${ACCEPTED} 照片`;
  }
  if (/^(<!doctype html|<html|<head|<body|<script|<iframe|<!--|<\?php|<meta|<div|<a\s)/.test(head)) {
    return `文件内容是网页或脚本,不是图片,请上传 ${ACCEPTED} 照片`;
  }
  if (head.startsWith('%pdf-')) return `文件是 PDF 文档,不是图片,请上传 ${ACCEPTED} 照片`;
  if (head.startsWith('gif87a') || head.startsWith('gif89a')) return `不支持 GIF 图片,请上传 ${ACCEPTED} 照片`;
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06])) {
    return `文件是压缩包或 Office 文档,不是图片,请上传 ${ACCEPTED} 照片`;
  }
  if (
    startsWith(b, [0x52, 0x61, 0x72, 0x21]) ||
    startsWith(b, [0x1f, 0x8b]) ||
    startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])
  ) {
    return `文件是压缩包,不是图片,请上传 ${ACCEPTED} 照片`;
  }
  if (startsWith(b, [0x4d, 0x5a]) || startsWith(b, [0x7f, 0x45, 0x4c, 0x46]) || head.startsWith('#!')) {
    return `文件是可执行程序或脚本,不是图片,请上传 ${ACCEPTED} 照片`;
  }
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) {
    return `不支持 TIFF 图片,请上传 ${ACCEPTED} 照片`;
  }
  if (startsWith(b, [0x42, 0x4d])) return `不支持 BMP 图片,请上传 ${ACCEPTED} 照片`;
  const ftyp = ftypBrands(b);
  if (ftyp && [ftyp.major, ...ftyp.compatible].some((x) => AVIF_BRANDS.has(x))) {
    return `不支持 AVIF 图片,请上传 ${ACCEPTED} 照片`;
  }
  if (ftyp) return `文件是视频或其他 ISO 媒体文件(${ftyp.major.trim()}),不是照片,请上传 ${ACCEPTED} 照片`;
  return null;
}

// ---------------------------------------------------------------------------------------------------
// File name and declared type

const EXTENSIONS: Record<TSourceFormat, readonly string[]> = {
  jpeg: ['jpg', 'jpeg', 'jpe', 'jfif'],
  png: ['png'],
  webp: ['webp'],
  heic: ['heic', 'heif', 'hif'],
};
const MIMES: Record<TSourceFormat, readonly string[]> = {
  jpeg: ['image/jpeg', 'image/jpg', 'image/pjpeg'],
  png: ['image/png', 'image/x-png', 'image/apng'],
  webp: ['image/webp'],
  heic: ['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence'],
};

/**
 * Why the file name contradicts the content, or null. A name without an extension is fine (a canvas
 * blob, a camera app); any extension must be one of the format's.
 */
export function fileNameProblem(fileName: string | null | undefined, format: TSourceFormat): string | null {
  const base = (fileName ?? '').split(/[\\/]/).pop()?.trim() ?? '';
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || dot === base.length - 1) return null;
  const ext = base.slice(dot + 1).toLowerCase();
  if (EXTENSIONS[format].includes(ext)) return null;
  return `文件扩展名 .${ext} 与文件内容(${format.toUpperCase()} 图片)不符`;
}

/**
 * Why the declared Content-Type contradicts the content, or null. Generic types (none,
 * application/octet-stream, image/*) say nothing and pass.
 */
export function declaredMimeProblem(declared: string | null | undefined, format: TSourceFormat): string | null {
  const m = (declared ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!m || m === 'application/octet-stream' || m === 'binary/octet-stream' || m === 'image/*') return null;
  if (MIMES[format].includes(m)) return null;
  return `声明的文件类型 ${m} 与文件内容(${format.toUpperCase()} 图片)不符`;
}

// ---------------------------------------------------------------------------------------------------
// Structure walkers: where the image ends, its declared size, and its metadata ranges

interface Layout {
  end: number;
  width: number;
  height: number;
  /** Byte ranges holding metadata (not compressed pixels): scanned for the short signatures too. */
  meta: Range[];
  exifTiff?: Buffer | null;
}

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
/** Secondary images of an MPF file (iPhone and Ultra HDR gain maps, camera previews), at most. */
const MAX_MPF_IMAGES = 16;

function jpegAt(b: Buffer, start: number, meta: Range[]): { end: number; width: number; height: number; mpf: boolean } {
  const n = b.length;
  let p = start + 2;
  let width = 0;
  let height = 0;
  let mpf = false;
  for (;;) {
    if (p >= n) throw new Bad('truncated', 'JPEG 图片数据不完整(没有结束标记)');
    if (b[p] !== 0xff) throw new Bad('malformed', 'JPEG 文件结构损坏');
    while (p < n && b[p] === 0xff) p++;
    if (p >= n) throw new Bad('truncated', 'JPEG 图片数据不完整(没有结束标记)');
    const marker = b[p] as number;
    p++;
    if (marker === 0xd9) {
      if (!width || !height) throw new Bad('no_dimensions', 'JPEG 图片没有尺寸信息');
      return { end: p, width, height, mpf };
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (marker === 0xd8 || marker === 0x00) throw new Bad('malformed', 'JPEG 文件结构损坏');
    if (p + 2 > n) throw new Bad('truncated', 'JPEG 图片数据不完整');
    const len = u16be(b, p);
    if (len < 2) throw new Bad('malformed', 'JPEG 文件结构损坏');
    const segEnd = p + len;
    if (segEnd > n) throw new Bad('truncated', 'JPEG 图片数据不完整');
    if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) meta.push([p + 2, segEnd]);
    if (marker === 0xe2 && ascii(b, p + 2, 4) === 'MPF\0') mpf = true;
    if (SOF_MARKERS.has(marker) && !width) {
      if (len < 8) throw new Bad('malformed', 'JPEG 文件结构损坏');
      height = u16be(b, p + 3);
      width = u16be(b, p + 5);
    }
    p = segEnd;
    if (marker === 0xda) {
      if (!width || !height) throw new Bad('no_dimensions', 'JPEG 图片没有尺寸信息');
      // Entropy-coded data: runs to the next marker (0xFF not followed by 0x00, RSTn or fill 0xFF).
      for (;;) {
        const ff = b.indexOf(0xff, p);
        if (ff < 0 || ff + 1 >= n) throw new Bad('truncated', 'JPEG 图片数据不完整(没有结束标记)');
        const next = b[ff + 1] as number;
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
          p = ff + 1;
          continue;
        }
        p = ff;
        break;
      }
    }
  }
}

function jpegLayout(b: Buffer): Layout {
  const meta: Range[] = [];
  const first = jpegAt(b, 0, meta);
  let end = first.end;
  // MPF (CIPA DC-007) stores further complete JPEGs after the first one's end; accept exactly those.
  if (first.mpf) {
    for (let i = 0; i < MAX_MPF_IMAGES && startsWith(b, [0xff, 0xd8, 0xff], end); i++) {
      end = jpegAt(b, end, meta).end;
    }
  }
  return { end, width: first.width, height: first.height, meta };
}

const PNG_PAYLOAD = new Set(['IDAT', 'fdAT']);

function pngLayout(b: Buffer): Layout {
  const n = b.length;
  const meta: Range[] = [];
  let p = 8;
  let width = 0;
  let height = 0;
  for (let i = 0; ; i++) {
    if (p + 12 > n) throw new Bad('truncated', 'PNG 图片数据不完整(没有 IEND 结束块)');
    const len = u32be(b, p);
    const type = ascii(b, p + 4, 4);
    if (!/^[A-Za-z]{4}$/.test(type) || len > 0x7fffffff) throw new Bad('malformed', 'PNG 文件结构损坏');
    const dataStart = p + 8;
    const next = dataStart + len + 4;
    if (next > n) throw new Bad('truncated', 'PNG 图片数据不完整');
    if (i === 0) {
      if (type !== 'IHDR' || len !== 13) throw new Bad('malformed', 'PNG 文件结构损坏(缺少 IHDR)');
      width = u32be(b, dataStart);
      height = u32be(b, dataStart + 4);
      if (!width || !height) throw new Bad('no_dimensions', 'PNG 图片没有尺寸信息');
    }
    if (!PNG_PAYLOAD.has(type)) meta.push([dataStart, dataStart + len]);
    p = next;
    if (type === 'IEND') return { end: p, width, height, meta };
  }
}

const WEBP_PAYLOAD = new Set(['VP8 ', 'VP8L', 'ALPH', 'ANMF']);

function webpLayout(b: Buffer): Layout {
  const n = b.length;
  const end = 8 + u32le(b, 4);
  if (end > n) throw new Bad('truncated', 'WebP 图片数据不完整');
  if (end < 20) throw new Bad('malformed', 'WebP 文件结构损坏');
  const meta: Range[] = [];
  let width = 0;
  let height = 0;
  let canvas: [number, number] | null = null;
  let exifTiff: Buffer | null = null;
  let p = 12;
  while (p < end) {
    if (p + 8 > end) throw new Bad('malformed', 'WebP 文件结构损坏');
    const type = ascii(b, p, 4);
    const len = u32le(b, p + 4);
    const d = p + 8;
    if (d + len > end) throw new Bad('truncated', 'WebP 图片数据不完整');
    if (type === 'VP8X' && len >= 10) canvas = [u24le(b, d + 4) + 1, u24le(b, d + 7) + 1];
    if (type === 'VP8 ' && !width && len >= 10) {
      if (!startsWith(b, [0x9d, 0x01, 0x2a], d + 3)) throw new Bad('malformed', 'WebP 文件结构损坏');
      width = u16le(b, d + 6) & 0x3fff;
      height = u16le(b, d + 8) & 0x3fff;
    }
    if (type === 'VP8L' && !width && len >= 5) {
      if (b[d] !== 0x2f) throw new Bad('malformed', 'WebP 文件结构损坏');
      const bits = u32le(b, d + 1);
      width = (bits & 0x3fff) + 1;
      height = ((bits >>> 14) & 0x3fff) + 1;
    }
    if (type === 'EXIF' && !exifTiff) {
      let tiff = Buffer.from(b.subarray(d, d + len)); // a copy: it outlives the upload buffer
      if (tiff.subarray(0, 6).toString('latin1') === 'Exif\0\0') tiff = tiff.subarray(6);
      exifTiff = tiff;
    }
    if (!WEBP_PAYLOAD.has(type)) meta.push([d, d + len]);
    // Chunks are padded to an even length; a missing pad byte at the very end is tolerated.
    p = Math.min(d + len + (len & 1), end);
  }
  if (canvas) [width, height] = canvas;
  if (!width || !height) throw new Bad('no_dimensions', 'WebP 图片没有尺寸信息');
  return { end, width, height, meta, exifTiff };
}

const printable4 = (b: Buffer, p: number) => {
  for (let i = 0; i < 4; i++) {
    const c = b[p + i];
    if (c === undefined || c < 0x20 || c > 0x7e) return false;
  }
  return true;
};

interface Box {
  type: string;
  start: number;
  body: number;
  end: number;
}

/** ISO BMFF boxes between `from` and `to`; stops (returning where) at bytes that are no box. */
function boxes(b: Buffer, from: number, to: number, strict: boolean): { list: Box[]; stop: number } {
  const list: Box[] = [];
  let p = from;
  while (p < to) {
    if (p + 8 > to || !printable4(b, p + 4)) {
      if (strict) throw new Bad('malformed', 'HEIC 文件结构损坏');
      return { list, stop: p };
    }
    let size = u32be(b, p);
    let header = 8;
    if (size === 1) {
      if (p + 16 > to) throw new Bad('truncated', 'HEIC 图片数据不完整');
      if (u32be(b, p + 8) !== 0) throw new Bad('truncated', 'HEIC 图片数据不完整');
      size = u32be(b, p + 12);
      header = 16;
    } else if (size === 0) {
      size = to - p;
    }
    if (size < header) throw new Bad('malformed', 'HEIC 文件结构损坏');
    if (p + size > to) throw new Bad('truncated', 'HEIC 图片数据不完整');
    list.push({ type: ascii(b, p + 4, 4), start: p, body: p + header, end: p + size });
    p += size;
  }
  return { list, stop: p };
}

function heicLayout(b: Buffer): Layout {
  const top = boxes(b, 0, b.length, false);
  if (top.list[0]?.type !== 'ftyp') throw new Bad('malformed', 'HEIC 文件结构损坏');
  const metaBox = top.list.find((x) => x.type === 'meta');
  if (!metaBox) throw new Bad('malformed', 'HEIC 文件结构损坏(缺少 meta)');
  // meta is a FullBox: version and flags first. ispe (image spatial extents) lives in iprp/ipco.
  let width = 0;
  let height = 0;
  const iprp = boxes(b, metaBox.body + 4, metaBox.end, true).list.find((x) => x.type === 'iprp');
  const ipco = iprp ? boxes(b, iprp.body, iprp.end, true).list.find((x) => x.type === 'ipco') : undefined;
  for (const prop of ipco ? boxes(b, ipco.body, ipco.end, true).list : []) {
    if (prop.type !== 'ispe' || prop.end - prop.body < 12) continue;
    const w = u32be(b, prop.body + 4);
    const h = u32be(b, prop.body + 8);
    if (w * h > width * height) [width, height] = [w, h];
  }
  if (!width || !height) throw new Bad('no_dimensions', 'HEIC 图片没有尺寸信息');
  const meta: Range[] = top.list.filter((x) => x.type !== 'mdat').map((x): Range => [x.body, x.end]);
  return { end: top.stop, width, height, meta };
}

// ---------------------------------------------------------------------------------------------------
// Signatures

/**
 * Long enough to be scanned across the whole file: the chance that compressed pixels contain one of
 * these by accident is about 10⁻⁸ for 15 MB.
 */
const STRONG_SIGNATURES = /<script|<iframe|javascript:|<!doctype html/i;
/**
 * Shorter ones would turn up in compressed pixels by chance (a bare `<svg` in ~3 % of 15 MB files), so
 * they are looked for in metadata only — JPEG APPn/COM segments, PNG chunks other than IDAT, WebP chunks
 * other than image data, HEIC boxes other than mdat — and each carries the byte after it too (`<svg`
 * then an attribute or `>`; a ZIP local header then its version), so an EXIF thumbnail or a maker note
 * (compressed, tens of KB) matches by accident in fewer than one file in a million rather than one in
 * ten thousand.
 */
const SHORT_SIGNATURES: readonly [pattern: RegExp, label: string][] = [
  [/<svg(\s+[a-z]|\s*\/?>)/, 'SVG'],
  [/<(html|body|head)[\s>]/, 'HTML'],
  [/<\?php\s/, 'PHP'],
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a binary signature
  [/pk\x03\x04[\x0a\x14\x2d\x33\x3f]\x00/, 'ZIP'],
  [/%pdf-[12]\./, 'PDF'],
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a binary signature
  [/\x7felf[\x01\x02][\x01\x02]\x01/, 'ELF'],
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a binary signature
  [/rar!\x1a\x07/, 'RAR'],
];

const LABEL_OF_STRONG: Record<string, string> = {
  '<script': '脚本',
  '<iframe': 'HTML',
  'javascript:': '脚本',
  '<!doctype html': 'HTML',
};

/** The kind of hidden content found, or null. */
export function embeddedContent(b: Buffer, meta: readonly Range[]): string | null {
  const whole = b.toString('latin1');
  const strong = STRONG_SIGNATURES.exec(whole);
  if (strong) return LABEL_OF_STRONG[strong[0].toLowerCase()] ?? '脚本';
  for (const [s, e] of meta) {
    if (e - s < 3) continue;
    const text = whole.slice(s, e).toLowerCase();
    for (const [pattern, label] of SHORT_SIGNATURES) if (pattern.test(text)) return label;
  }
  return null;
}

/** True when everything from `from` on is 0x00/0xFF padding (or nothing): it can carry no payload. */
export function onlyPadding(b: Buffer, from: number): boolean {
  for (let i = from; i < b.length; i++) if (b[i] !== 0x00 && b[i] !== 0xff) return false;
  return true;
}

/**
 * Everything the bytes say before a decoder sees them: format, declared size, and whether they hide
 * anything. Rejections carry a kind (for tests and the audit log) and a zh-CN message.
 */
export function inspectImage(bytes: Buffer): InspectResult {
  const format = sniffFormat(bytes);
  if (!format) {
    return {
      ok: false,
      kind: 'unsupported_format',
      message: describeOther(bytes) ?? `无法识别的文件格式,请上传 ${ACCEPTED} 照片`,
    };
  }
  try {
    const layout =
      format === 'jpeg'
        ? jpegLayout(bytes)
        : format === 'png'
          ? pngLayout(bytes)
          : format === 'webp'
            ? webpLayout(bytes)
            : heicLayout(bytes);
    if (!onlyPadding(bytes, layout.end)) {
      const extra = bytes.length - layout.end;
      throw new Bad(
        'trailing_data',
        `图片结束之后还附带了 ${extra} 字节的其他数据(复合文件或“动态照片”的视频),已拒绝;请上传普通照片`,
      );
    }
    const hidden = embeddedContent(bytes, layout.meta);
    if (hidden) throw new Bad('embedded_content', `图片中夹带了 ${hidden} 内容,已拒绝`);
    return {
      ok: true,
      value: { format, width: layout.width, height: layout.height, exifTiff: layout.exifTiff ?? null, end: layout.end },
    };
  } catch (e) {
    if (e instanceof Bad) return { ok: false, kind: e.kind, message: e.message };
    throw e;
  }
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import * as f from './media.fixtures.ts';
import {
  declaredMimeProblem,
  describeOther,
  embeddedContent,
  fileNameProblem,
  type InspectResult,
  inspectImage,
  sniffFormat,
} from './media.sniff.ts';

const rejected = (r: InspectResult) => (r.ok ? 'accepted' : r.kind);
const ok = (r: InspectResult) => {
  assert.ok(r.ok, r.ok ? '' : `${r.kind}: ${r.message}`);
  return r.value;
};

/** An ftyp box with a major brand and compatible brands. */
const ftyp = (major: string, ...compatible: string[]) => {
  const b = Buffer.alloc(16 + 4 * compatible.length);
  b.writeUInt32BE(b.length, 0);
  b.write('ftyp', 4, 'latin1');
  b.write(major, 8, 'latin1');
  compatible.forEach((c, i) => {
    b.write(c, 16 + 4 * i, 'latin1');
  });
  return b;
};

describe('magic bytes', () => {
  test('the four accepted formats are recognised by their first bytes', async () => {
    assert.equal(sniffFormat(await f.jpeg()), 'jpeg');
    assert.equal(sniffFormat(await f.png()), 'png');
    assert.equal(sniffFormat(await f.webp()), 'webp');
    assert.equal(sniffFormat(f.HEIC_8X8), 'heic');
  });

  test('HEIF brands: heic/heix/hevc and generic mif1 are HEIC; AVIF and MP4 are not', () => {
    for (const major of ['heic', 'heix', 'hevc', 'hevx']) assert.equal(sniffFormat(ftyp(major, 'mif1')), 'heic', major);
    assert.equal(sniffFormat(ftyp('mif1', 'heic')), 'heic');
    assert.equal(sniffFormat(ftyp('msf1', 'hevc')), 'heic');
    assert.equal(sniffFormat(ftyp('avif', 'mif1')), null);
    assert.equal(sniffFormat(ftyp('mif1', 'avif')), null);
    assert.equal(sniffFormat(ftyp('isom', 'mp41')), null);
  });

  test('anything else is not an accepted format, whatever its name', () => {
    for (const text of ['<svg/>', 'GIF89a....', '%PDF-1.7', 'MZ\x90\0', '<html></html>', 'RIFF\0\0\0\0AVI ', '']) {
      assert.equal(sniffFormat(Buffer.from(text, 'latin1')), null, text);
    }
    // The JPEG signature shifted by one byte is not a JPEG.
    assert.equal(sniffFormat(Buffer.from([0x00, 0xff, 0xd8, 0xff])), null);
  });

  test('known other formats get a reason that names them', () => {
    const says = (b: Buffer | string, word: string) => {
      const m = describeOther(typeof b === 'string' ? Buffer.from(b, 'latin1') : b);
      assert.ok(m?.includes(word), `${String(m)} should mention ${word}`);
    };
    says(f.SVG_WITH_SCRIPT, 'SVG');
    says('\uFEFF  <svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>', 'SVG');
    says('<!DOCTYPE html><html><script>alert(1)</script>', '网页');
    says('%PDF-1.7\n', 'PDF');
    says('GIF89a\x01\x00\x01\x00', 'GIF');
    says(f.zip(), '压缩包');
    says('MZ\x90\x00\x03', '可执行');
    says('\x7fELF\x02\x01\x01', '可执行');
    says(ftyp('avif', 'mif1'), 'AVIF');
    assert.equal(describeOther(Buffer.from([1, 2, 3, 4, 5])), null);
  });
});

describe('structure and declared size', () => {
  test('dimensions come from the header of each format', async () => {
    for (const [name, bytes] of [
      ['jpeg', await f.jpeg(64, 48)],
      ['png', await f.png(64, 48)],
      ['webp lossy', await f.webp(64, 48)],
      ['webp lossless', await f.webp(64, 48, { lossless: true })],
      ['webp extended (VP8X)', await f.webp(64, 48, { exif: { make: 'X' } })],
      [
        'progressive jpeg',
        await sharp(await f.jpeg(64, 48))
          .jpeg({ progressive: true })
          .toBuffer(),
      ],
      [
        'jpeg with EXIF and a thumbnail-sized APP1',
        await f.jpeg(64, 48, { make: 'X', takenAt: '2026:04:15 08:00:00' }),
      ],
    ] as const) {
      const v = ok(inspectImage(bytes));
      assert.deepEqual([v.width, v.height], [64, 48], name);
      assert.equal(v.end, bytes.length, name);
    }
    // HEIC declares the coded size (ispe, 64×64); its clean aperture crops to 8×8 on decode.
    const h = ok(inspectImage(f.HEIC_8X8));
    assert.deepEqual([h.format, h.width, h.height], ['heic', 64, 64]);
  });

  test('a decompression bomb shows its declared size before anything is decoded', async () => {
    const bomb = ok(inspectImage(f.pngDeclaring(await f.png(), 30000, 30000)));
    assert.deepEqual([bomb.width, bomb.height], [30000, 30000]);
    const j = ok(inspectImage(f.jpegDeclaring(await f.jpeg(), 60000, 60000)));
    assert.deepEqual([j.width, j.height], [60000, 60000]);
    const h = ok(inspectImage(f.heicDeclaring(f.HEIC_8X8, 30000, 30000)));
    assert.deepEqual([h.width, h.height], [30000, 30000]);
  });

  test('a WebP’s EXIF chunk is handed out as TIFF bytes', async () => {
    const v = ok(inspectImage(await f.webp(64, 48, { exif: { make: 'TestCam' } })));
    assert.ok(v.exifTiff);
    assert.match(v.exifTiff.subarray(0, 4).toString('latin1'), /^(II\*\0|MM\0\*)$/);
  });

  test('truncated files are refused as incomplete', async () => {
    const j = await f.jpeg();
    assert.equal(rejected(inspectImage(j.subarray(0, j.length - 40))), 'truncated');
    assert.equal(rejected(inspectImage(j.subarray(0, 200))), 'truncated');
    const p = await f.png();
    assert.equal(rejected(inspectImage(p.subarray(0, p.length - 12))), 'truncated');
    const w = await f.webp();
    assert.equal(rejected(inspectImage(w.subarray(0, w.length - 10))), 'truncated');
    assert.equal(rejected(inspectImage(f.HEIC_8X8.subarray(0, 300))), 'truncated');
  });
});

describe('polyglots and hidden content', () => {
  test('anything after the image’s end is refused: ZIP, script, a second image without MPF', async () => {
    const j = await f.jpeg();
    const p = await f.png();
    const w = await f.webp();
    for (const [name, bytes] of [
      ['JPEG+ZIP', Buffer.concat([j, f.zip()])],
      ['JPEG+<script>', Buffer.concat([j, Buffer.from('<script>alert(1)</script>')])],
      ['JPEG+JPEG (no MPF)', Buffer.concat([j, await f.jpeg(16, 16)])],
      ['PNG+ZIP', Buffer.concat([p, f.zip()])],
      ['PNG+HTML', Buffer.concat([p, Buffer.from('<html><body>hi</body></html>')])],
      ['WebP+ZIP', Buffer.concat([w, f.zip()])],
      ['HEIC+ZIP', Buffer.concat([f.HEIC_8X8, f.zip()])],
      ['JPEG+one byte', Buffer.concat([j, Buffer.from('A')])],
    ] as const) {
      const r = inspectImage(bytes);
      assert.equal(rejected(r), 'trailing_data', name);
      assert.ok(!r.ok && r.message.includes('字节'), name);
    }
  });

  test('0x00/0xFF padding after the end carries nothing and is accepted', async () => {
    const j = await f.jpeg();
    ok(inspectImage(Buffer.concat([j, Buffer.alloc(4096)])));
    ok(inspectImage(Buffer.concat([j, Buffer.alloc(3, 0xff)])));
    ok(inspectImage(Buffer.concat([f.HEIC_8X8, Buffer.alloc(8)])));
  });

  test('MPF files (iPhone and Ultra HDR gain maps) may carry further complete JPEGs, and nothing else', async () => {
    const withMpf = f.withJpegSegment(await f.jpeg(), 0xe2, Buffer.from('MPF\0MM\0*\0\0\0\x08', 'latin1'));
    const second = await f.jpeg(16, 16);
    const v = ok(inspectImage(Buffer.concat([withMpf, second, second])));
    assert.deepEqual([v.width, v.height], [64, 48]);
    assert.equal(rejected(inspectImage(Buffer.concat([withMpf, second, f.zip()]))), 'trailing_data');
    assert.equal(rejected(inspectImage(Buffer.concat([withMpf, second.subarray(0, 100)]))), 'truncated');
  });

  test('markup or archives in metadata are refused', async () => {
    const j = await f.jpeg();
    const p = await f.png();
    const cases: [string, Buffer, string][] = [
      ['JPEG comment <svg', f.withJpegSegment(j, 0xfe, Buffer.from('<svg onload=alert(1)>')), 'SVG'],
      ['JPEG APP1 <script', f.withJpegSegment(j, 0xe1, Buffer.from('x<ScRiPt>alert(1)</script>')), '脚本'],
      ['JPEG comment ZIP', f.withJpegSegment(j, 0xfe, f.zip()), 'ZIP'],
      ['PNG tEXt <html', f.withPngChunk(p, 'tEXt', Buffer.from('Comment\0<html><body>x')), 'HTML'],
      ['PNG private chunk PHP', f.withPngChunk(p, 'prVt', Buffer.from('<?php system($_GET["c"]); ?>')), 'PHP'],
    ];
    for (const [name, bytes, label] of cases) {
      const r = inspectImage(bytes);
      assert.equal(rejected(r), 'embedded_content', name);
      assert.ok(!r.ok && r.message.includes(label), `${name}: ${r.ok ? '' : r.message}`);
    }
  });

  test('long signatures are found anywhere, short ones only in metadata', () => {
    const pixels = Buffer.from('....<svg>....PK\x03\x04\x14\x00....', 'latin1');
    assert.equal(embeddedContent(pixels, []), null);
    assert.equal(embeddedContent(pixels, [[0, pixels.length]]), 'SVG');
    assert.equal(embeddedContent(Buffer.from('..xx<SCRIPT src=//evil>..'), []), '脚本');
    assert.equal(embeddedContent(Buffer.from('..javascript:alert(1)..'), []), '脚本');
    // A bare "<svg" without a following space, '>' or '/' is not enough in metadata either.
    assert.equal(embeddedContent(Buffer.from('<svgX'), [[0, 5]]), null);
  });
});

describe('file name and declared type', () => {
  test('an extension must be one of the content’s', () => {
    assert.equal(fileNameProblem('IMG_0001.JPG', 'jpeg'), null);
    assert.equal(fileNameProblem('photo.jpeg', 'jpeg'), null);
    assert.equal(fileNameProblem('IMG_1234.HEIC', 'heic'), null);
    assert.equal(fileNameProblem('blob', 'png'), null);
    assert.equal(fileNameProblem(null, 'png'), null);
    assert.equal(fileNameProblem('.hidden', 'png'), null);
    assert.match(fileNameProblem('photo.jpg', 'png') ?? '', /\.jpg.*PNG/);
    assert.match(fileNameProblem('evil.svg', 'jpeg') ?? '', /\.svg/);
    assert.match(fileNameProblem('shell.php', 'jpeg') ?? '', /\.php/);
    assert.match(fileNameProblem('../../etc/passwd.html', 'jpeg') ?? '', /\.html/);
    assert.equal(fileNameProblem('../../etc/passwd.jpg', 'jpeg'), null);
  });

  test('a specific declared type must match; generic ones say nothing', () => {
    assert.equal(declaredMimeProblem('image/jpeg', 'jpeg'), null);
    assert.equal(declaredMimeProblem('image/heif', 'heic'), null);
    assert.equal(declaredMimeProblem('application/octet-stream', 'webp'), null);
    assert.equal(declaredMimeProblem('', 'webp'), null);
    assert.equal(declaredMimeProblem('image/*', 'png'), null);
    assert.match(declaredMimeProblem('image/png', 'jpeg') ?? '', /image\/png/);
    assert.match(declaredMimeProblem('image/svg+xml', 'jpeg') ?? '', /svg/);
    assert.match(declaredMimeProblem('text/html; charset=utf-8', 'jpeg') ?? '', /text\/html/);
  });
});

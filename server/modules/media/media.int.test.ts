import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import exifr from 'exifr';
import sharp from 'sharp';
import { MEDIA_MAX_BYTES } from '../../../common/media.ts';
import { auditEvents, caseMedia, cases, categories, media, orgUnits } from '../../db/schema.ts';
import { createTestApp, type Session, type TestApp } from '../../test/app.ts';
import * as f from './media.fixtures.ts';
import { closeHeicDecoder } from './media.heic.ts';
import { attachablePhotos } from './media.service.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gc-media-int-'));
const mediaDir = path.join(dataDir, 'media');
let t: TestApp;
const s: Record<string, Session> = {};

/** 李南岗 (WGS-84) and a point 1.2 km north of it. */
const SPOT = { lat: 34.7236, lng: 113.7325 };

before(async () => {
  // The test clock starts at 2026-04-15T01:00:00Z (09:00 in Zhengzhou).
  t = await createTestApp({ env: { DATA_DIR: dataDir } });
  for (const u of [
    'field_worker',
    'unit_staff',
    'unit_head',
    'commander',
    'leader',
    'inspector',
    'auditor',
    'sys_admin',
  ]) {
    s[u] = await t.login(u);
  }
  // A field worker of another community (九龙社区, 九龙办事处).
  const [jiulong] = await t.deps.database.db.select().from(orgUnits).where(eq(orgUnits.name, '九龙社区'));
  const created = await t.as(s.sys_admin ?? null, {
    method: 'POST',
    url: '/api/v1/users',
    payload: {
      username: 'jl_worker',
      displayName: '九龙网格员',
      unitId: jiulong?.id,
      roles: ['field_worker'],
      password: 'Jiulong#2026x',
    },
  });
  assert.equal(created.statusCode, 201, created.body);
  s.jl_worker = await t.login('jl_worker', 'Jiulong#2026x');
});
after(async () => {
  closeHeicDecoder();
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const as = (who: string) => s[who] ?? assert.fail(`no session ${who}`);
const upload = (who: string, file: f.FilePart, fields: Record<string, string> = {}) =>
  t.as(as(who), f.uploadRequest(file, fields));
const get = (who: string, url: string, headers: Record<string, string> = {}) =>
  t.as(as(who), { method: 'GET', url, headers });

/** Every file under DATA_DIR/media, relative. */
const storedFiles = () =>
  existsSync(mediaDir)
    ? readdirSync(mediaDir, { recursive: true })
        .map(String)
        .filter((p) => p.endsWith('.jpg'))
        .sort()
    : [];
const mediaRows = () => t.deps.database.db.select({ id: media.id }).from(media);

const PHOTO_EXIF: f.PhotoExif = {
  takenAt: '2026:04:15 08:40:00',
  lat: SPOT.lat,
  lng: SPOT.lng,
  make: 'TestCam',
  model: 'GC-1',
  orientation: 6,
};

describe('uploading photos', () => {
  let id = '';
  let fwPhoto: Buffer;

  test('a phone JPEG: stored upright and stripped, EXIF time and GPS kept in the row', async () => {
    fwPhoto = await f.jpeg(64, 48, PHOTO_EXIF);
    const res = await upload(
      'field_worker',
      { filename: 'IMG_0001.JPG', contentType: 'image/jpeg', bytes: fwPhoto },
      {
        lat: String(SPOT.lat),
        lng: String(SPOT.lng),
      },
    );
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    id = body.id;
    // Orientation 6: the 64×48 sensor image is shown 48 wide, 64 high.
    assert.deepEqual(
      { mime: body.mime, width: body.width, height: body.height, takenAt: body.takenAt, warnings: body.warnings },
      { mime: 'image/jpeg', width: 48, height: 64, takenAt: '2026-04-15T00:40:00.000Z', warnings: [] },
    );
    assert.ok(Math.abs(body.exifLat - SPOT.lat) < 1e-6 && Math.abs(body.exifLng - SPOT.lng) < 1e-6);
    assert.equal(body.url, `/api/v1/media/${id}`);
    assert.equal(body.thumbUrl, `/api/v1/media/${id}/thumb`);

    const img = await get('field_worker', body.url);
    assert.equal(img.statusCode, 200);
    assert.equal(img.headers['content-type'], 'image/jpeg');
    assert.equal(img.headers['x-content-type-options'], 'nosniff');
    assert.match(String(img.headers['cache-control']), /^private, max-age=\d+$/);
    assert.equal(img.headers['content-disposition'], `inline; filename="${id}.jpg"`);
    const stored = img.rawPayload;
    assert.equal(body.bytes, stored.length);
    const m = await sharp(stored).metadata();
    assert.deepEqual([m.format, m.width, m.height], ['jpeg', 48, 64]);
    assert.equal(m.exif, undefined, 'no EXIF in the stored file');
    assert.equal(m.xmp, undefined);
    assert.equal(m.orientation, undefined);
    assert.equal(await exifr.parse(stored, { gps: true }), undefined, 'no GPS in the stored file');
    // Turned upright: the sensor's left half (red) is now the top.
    const { data, info } = await sharp(stored).raw().toBuffer({ resolveWithObject: true });
    const px = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    const [top, bottom] = [px(24, 8), px(24, 56)];
    assert.ok((top[0] ?? 0) > 150 && (top[2] ?? 255) < 80, `top is red: ${top}`);
    assert.ok((bottom[2] ?? 0) > 150 && (bottom[0] ?? 255) < 80, `bottom is blue: ${bottom}`);

    const thumb = await get('field_worker', body.thumbUrl);
    assert.equal(thumb.statusCode, 200);
    assert.equal(thumb.headers['content-type'], 'image/jpeg');
    const tm = await sharp(thumb.rawPayload).metadata();
    assert.ok(tm.width <= 320 && tm.height <= 320 && tm.exif === undefined);

    const meta = (await get('field_worker', `/api/v1/media/${id}/meta`)).json();
    assert.equal(meta.sha256, createHash('sha256').update(stored).digest('hex'));
    assert.equal(meta.sourceFormat, 'jpeg');
    assert.equal(meta.originalName, 'IMG_0001.JPG');
    assert.equal(meta.originalBytes, fwPhoto.length);
    assert.equal(meta.uploadedBy, as('field_worker').info.user.id);
    assert.deepEqual(meta.exif, {
      make: 'TestCam',
      model: 'GC-1',
      orientation: 6,
      dateTimeOriginal: '2026:04:15 08:40:00',
      offsetTimeOriginal: null,
      timeZoneSource: 'server_tz',
      gpsAltitude: null,
      gpsMapDatum: null,
    });

    const [tenant] = await t.deps.database.db.select({ tenantId: media.tenantId }).from(media).where(eq(media.id, id));
    assert.deepEqual(
      storedFiles().filter((p) => p.includes(id)),
      [`${tenant?.tenantId}/2026/04/${id}.jpg`, `${tenant?.tenantId}/2026/04/${id}.thumb.jpg`].sort(),
    );
    const audits = await t.deps.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'media.upload'), eq(auditEvents.objectId, id)));
    assert.equal(audits.length, 1);
    assert.equal(audits[0]?.outcome, 'success');
  });

  test('the same photo again is a new photo with the same stored bytes', async () => {
    const res = await upload('field_worker', { filename: 'again.jpg', bytes: fwPhoto });
    assert.equal(res.statusCode, 201);
    assert.notEqual(res.json().id, id);
    const a = (await get('field_worker', `/api/v1/media/${id}/meta`)).json();
    const b = (await get('field_worker', `/api/v1/media/${res.json().id}/meta`)).json();
    assert.equal(a.sha256, b.sha256);
  });

  test('PNG and WebP are accepted and stored as JPEG; a WebP’s EXIF chunk is read', async () => {
    const p = await upload('field_worker', {
      filename: 'screen.png',
      contentType: 'image/png',
      bytes: await f.png(300, 200),
    });
    assert.equal(p.statusCode, 201, p.body);
    assert.deepEqual(
      [p.json().mime, p.json().width, p.json().height, p.json().takenAt],
      ['image/jpeg', 300, 200, null],
    );
    assert.deepEqual(p.json().warnings, ['照片没有拍摄时间信息']);
    // A PNG's eXIf chunk is read too.
    const pe = await upload('field_worker', {
      filename: 'x.png',
      bytes: await f.png(30, 20, { takenAt: '2026:04:15 07:00:00' }),
    });
    assert.equal(pe.json().takenAt, '2026-04-14T23:00:00.000Z');

    const w = await upload('field_worker', {
      filename: 'a.webp',
      contentType: 'image/webp',
      bytes: await f.webp(200, 100, {
        exif: { takenAt: '2026:04:15 08:00:00', offset: '+08:00', lat: 34.7, lng: 113.7 },
      }),
    });
    assert.equal(w.statusCode, 201, w.body);
    assert.deepEqual(
      [w.json().width, w.json().height, w.json().takenAt, w.json().exifLat, w.json().exifLng],
      [200, 100, '2026-04-15T00:00:00.000Z', 34.7, 113.7],
    );
    const meta = (await get('field_worker', `/api/v1/media/${w.json().id}/meta`)).json();
    assert.equal(meta.sourceFormat, 'webp');
    assert.equal(meta.exif.timeZoneSource, 'exif_offset');
    const stored = (await get('field_worker', w.json().url)).rawPayload;
    assert.equal((await sharp(stored).metadata()).format, 'jpeg');
  });

  test('HEIC (iPhone) is decoded and stored as JPEG', async () => {
    const res = await upload('field_worker', {
      filename: 'IMG_1234.HEIC',
      contentType: 'image/heic',
      bytes: f.HEIC_8X8,
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual([res.json().mime, res.json().width, res.json().height], ['image/jpeg', 8, 8]);
    const stored = (await get('field_worker', res.json().url)).rawPayload;
    const { data } = await sharp(stored).raw().toBuffer({ resolveWithObject: true });
    // The fixture is one colour, about rgb(200, 30, 40).
    assert.ok(Math.abs((data[0] ?? 0) - 200) < 20 && (data[1] ?? 255) < 60, `colour ${[...data.subarray(0, 3)]}`);
    assert.equal((await get('field_worker', `/api/v1/media/${res.json().id}/meta`)).json().sourceFormat, 'heic');
  });

  test('a HEIC whose coded data is damaged gets a clear error, not a crash', async () => {
    const broken = Buffer.from(f.HEIC_8X8);
    const mdat = broken.indexOf('mdat');
    broken.fill(0x5a, mdat + 8);
    const res = await upload('field_worker', { filename: 'IMG_1235.HEIC', bytes: broken });
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(res.json().code, 'UNPROCESSABLE');
    assert.equal(res.json().message, '图片数据损坏或无法解码');
  });

  test('taken far away and long ago: remarks for the reporter', async () => {
    const old = await f.jpeg(64, 48, { takenAt: '2026:04:10 08:00:00', lat: SPOT.lat + 0.0108, lng: SPOT.lng });
    const res = await upload(
      'field_worker',
      { filename: 'old.jpg', bytes: old },
      { lat: String(SPOT.lat), lng: String(SPOT.lng) },
    );
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.json().warnings, ['照片拍摄地点距问题位置约 1.2 公里', '照片拍摄于 5 天前']);
    // Without a point from the client, only the time is judged.
    const noPoint = await upload('field_worker', { filename: 'old.jpg', bytes: old });
    assert.deepEqual(noPoint.json().warnings, ['照片拍摄于 5 天前']);
    const bad = await upload('field_worker', { filename: 'old.jpg', bytes: old }, { lat: '95', lng: '113' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().details[0].field, 'body.lat');
  });

  test('a hostile file name is only a label (its last segment); the file is stored under a server key', async () => {
    const before = storedFiles().length;
    const res = await upload('field_worker', {
      filename: '../../etc/passwd.jpg',
      contentType: 'image/jpeg',
      bytes: await f.jpeg(),
    });
    assert.equal(res.statusCode, 201, res.body);
    const meta = (await get('field_worker', `/api/v1/media/${res.json().id}/meta`)).json();
    // The multipart parser keeps only the name's last segment; it is a label and never part of a path.
    assert.equal(meta.originalName, 'passwd.jpg');
    const added = storedFiles().slice(before);
    assert.ok(storedFiles().every((p) => /^[0-9a-f-]{36}\/\d{4}\/\d{2}\/[0-9a-f-]{36}(\.thumb)?\.jpg$/.test(p)));
    assert.ok(!storedFiles().some((p) => p.includes('passwd')), added.join());
    assert.ok(
      !existsSync(path.join(dataDir, 'etc')) && !existsSync(path.join(mediaDir, '..', '..', 'etc', 'passwd.jpg')),
    );
  });
});

describe('refused uploads', () => {
  const refuse = async (
    file: f.FilePart,
    status: number,
    code: string,
    message: RegExp,
  ): Promise<{ message: string; details: { field: string }[] }> => {
    const files = storedFiles().length;
    const rows = (await mediaRows()).length;
    const res = await upload('field_worker', file);
    assert.equal(res.statusCode, status, res.body);
    const body = res.json();
    assert.equal(body.code, code);
    assert.match(body.message, message);
    assert.equal(storedFiles().length, files, 'nothing stored');
    assert.equal((await mediaRows()).length, rows, 'no row');
    return body;
  };

  test('a JPEG+ZIP polyglot', async () => {
    const body = await refuse(
      { filename: 'photo.jpg', bytes: Buffer.concat([await f.jpeg(), f.zip()]) },
      422,
      'UNPROCESSABLE',
      /附带了 \d+ 字节/,
    );
    assert.equal(body.details[0]?.field, 'body.file');
  });

  test('a JPEG with a script appended, and one with a script in a comment', async () => {
    const j = await f.jpeg();
    await refuse(
      { filename: 'photo.jpg', bytes: Buffer.concat([j, Buffer.from('<script>alert(document.cookie)</script>')]) },
      422,
      'UNPROCESSABLE',
      /附带了/,
    );
    await refuse(
      { filename: 'photo.jpg', bytes: f.withJpegSegment(j, 0xfe, Buffer.from('<script>alert(1)</script>')) },
      422,
      'UNPROCESSABLE',
      /夹带了 脚本/,
    );
  });

  test('an SVG with script, also when named .jpg and declared image/jpeg', async () => {
    await refuse(
      { filename: 'icon.svg', contentType: 'image/svg+xml', bytes: f.SVG_WITH_SCRIPT },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      /SVG/,
    );
    const body = await refuse(
      { filename: 'photo.jpg', contentType: 'image/jpeg', bytes: f.SVG_WITH_SCRIPT },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      /SVG/,
    );
    assert.equal(body.details[0]?.field, 'body.file');
  });

  test('HTML, PDF and GIF are named in the refusal', async () => {
    await refuse(
      { filename: 'a.jpg', bytes: Buffer.from('<!doctype html><script>x</script>') },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      /网页/,
    );
    await refuse({ filename: 'a.jpg', bytes: Buffer.from('%PDF-1.4\n1 0 obj') }, 415, 'UNSUPPORTED_MEDIA_TYPE', /PDF/);
    await refuse(
      { filename: 'a.gif', bytes: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;') },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      /GIF/,
    );
  });

  test('PNG bytes named .jpg, or declared as JPEG', async () => {
    const p = await f.png();
    const body = await refuse(
      { filename: 'photo.jpg', contentType: 'image/png', bytes: p },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      /\.jpg.*PNG/,
    );
    assert.equal(body.details[0]?.field, 'body.file');
    await refuse(
      { filename: 'photo.png', contentType: 'image/jpeg', bytes: p },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      /image\/jpeg/,
    );
  });

  test('decompression bombs: dimensions declared in the header are refused before decoding', async () => {
    await refuse(
      { filename: 'bomb.png', bytes: f.pngDeclaring(await f.png(), 30000, 30000) },
      422,
      'UNPROCESSABLE',
      /30000×30000.*超过 5000 万像素/,
    );
    await refuse(
      { filename: 'bomb.jpg', bytes: f.jpegDeclaring(await f.jpeg(), 10000, 8000) },
      422,
      'UNPROCESSABLE',
      /万像素/,
    );
    await refuse(
      { filename: 'bomb.heic', bytes: f.heicDeclaring(f.HEIC_8X8, 30000, 30000) },
      422,
      'UNPROCESSABLE',
      /万像素/,
    );
  });

  test('a header that lies about a smaller size does not get past the decoder', async () => {
    await refuse(
      { filename: 'liar.png', bytes: f.pngDeclaring(await f.png(64, 48), 64, 4800) },
      422,
      'UNPROCESSABLE',
      /无法解码/,
    );
  });

  test('empty and oversize files', async () => {
    await refuse({ filename: 'empty.jpg', bytes: Buffer.alloc(0) }, 400, 'VALIDATION_FAILED', /文件为空/);
    const big = Buffer.concat([await f.jpeg(), Buffer.alloc(MEDIA_MAX_BYTES)]);
    await refuse({ filename: 'big.jpg', bytes: big }, 413, 'PAYLOAD_TOO_LARGE', /15 MB/);
  });

  test('not multipart, no file, a file in the wrong field', async () => {
    const json = await t.as(as('field_worker'), { method: 'POST', url: '/api/v1/media', payload: { file: 'x' } });
    assert.equal(json.statusCode, 400, json.body);
    assert.match(json.json().message, /multipart\/form-data/);
    const raw = await t.as(as('field_worker'), {
      method: 'POST',
      url: '/api/v1/media',
      payload: await f.jpeg(),
      headers: { 'content-type': 'image/jpeg' },
    });
    assert.equal(raw.statusCode, 400, raw.body);
    assert.match(raw.json().message, /multipart\/form-data/);
    const none = await t.as(as('field_worker'), { method: 'POST', url: '/api/v1/media' });
    assert.equal(none.statusCode, 400, none.body);
    const fieldsOnly = f.multipart([], { lat: '34.7' });
    const noFile = await t.as(as('field_worker'), { method: 'POST', url: '/api/v1/media', ...fieldsOnly });
    assert.equal(noFile.statusCode, 400, noFile.body);
    assert.match(noFile.json().message, /没有文件/);
    const wrongField = await upload('field_worker', { field: 'photo', filename: 'a.jpg', bytes: await f.jpeg() });
    assert.equal(wrongField.statusCode, 400, wrongField.body);
    assert.match(wrongField.json().message, /字段名应为 file/);
    const noBoundary = await t.as(as('field_worker'), {
      method: 'POST',
      url: '/api/v1/media',
      payload: 'x',
      headers: { 'content-type': 'multipart/form-data' },
    });
    assert.equal(noBoundary.statusCode, 400, noBoundary.body);
  });

  test('refusals are audited as failures', async () => {
    const rows = await t.deps.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'media.upload'), eq(auditEvents.outcome, 'failure')));
    const reasons = rows.map((r) => String((r.details as { reason?: string }).reason));
    assert.ok(reasons.some((r) => r.includes('SVG')));
    assert.ok(reasons.some((r) => r.includes('附带了')));
    assert.ok(reasons.some((r) => r.includes('万像素')));
  });

  test('without media.upload (the auditor) the upload is forbidden', async () => {
    const res = await upload('auditor', { filename: 'a.jpg', bytes: await f.jpeg() });
    assert.equal(res.statusCode, 403);
  });
});

describe('who may see a photo', () => {
  let fwId = '';
  let leaderId = '';
  const urls = (id: string) => [`/api/v1/media/${id}`, `/api/v1/media/${id}/thumb`, `/api/v1/media/${id}/meta`];
  const seen = async (who: string, id: string) => {
    const codes = await Promise.all(urls(id).map(async (u) => (await get(who, u)).statusCode));
    assert.equal(new Set(codes).size, 1, `${who}: ${codes}`);
    return codes[0];
  };

  before(async () => {
    fwId = (await upload('field_worker', { filename: 'a.jpg', bytes: await f.jpeg() })).json().id;
    leaderId = (await upload('leader', { filename: 'b.jpg', bytes: await f.jpeg() })).json().id;
  });

  test('before it is attached: the uploader and tenant-wide roles; nobody else', async () => {
    assert.equal(await seen('field_worker', fwId), 200);
    for (const who of ['leader', 'inspector', 'auditor']) assert.equal(await seen(who, fwId), 200, who);
    for (const who of ['jl_worker', 'unit_staff', 'unit_head', 'commander'])
      assert.equal(await seen(who, fwId), 404, who);
    assert.equal(await seen('sys_admin', fwId), 403);
    assert.equal(await seen('field_worker', randomUUID()), 404);
    const notFound = await get('jl_worker', `/api/v1/media/${fwId}`);
    assert.equal(notFound.json().code, 'NOT_FOUND');
  });

  test('attached to a case: whoever sees the case (unit subtree, HQ, reporter)', async () => {
    const db = t.deps.database.db;
    const [cat] = await db.select().from(categories).limit(1);
    const unit = async (name: string) => (await db.select().from(orgUnits).where(eq(orgUnits.name, name)))[0];
    const linangang = await unit('李南岗社区');
    const jiulong = await unit('九龙社区');
    assert.ok(cat && linangang && jiulong);
    const now = t.clock.now();
    const addCase = async (unitId: string, reportedBy: string, mediaId: string, seq: number) => {
      const caseId = randomUUID();
      await db.insert(cases).values({
        tenantId: cat.tenantId,
        id: caseId,
        year: 2026,
        seq: 900_000 + seq,
        number: `2026-9${seq}`,
        source: 'patrol',
        categoryId: cat.id,
        categoryVersion: cat.currentVersion,
        status: 'reported',
        description: '媒体可见性测试',
        unitId,
        routing: {},
        reportedBy,
        reportedAt: now,
        updatedAt: now,
      });
      await db.insert(caseMedia).values({ tenantId: cat.tenantId, caseId, mediaId, stage: 'before', eventSeq: 1 });
    };
    // The field worker's photo on a 李南岗 case.
    await addCase(linangang.id, as('field_worker').info.user.id, fwId, 1);
    for (const who of ['field_worker', 'unit_staff', 'unit_head', 'commander', 'leader']) {
      assert.equal(await seen(who, fwId), 200, who);
    }
    assert.equal(await seen('jl_worker', fwId), 404);
    // The leader's photo on a 九龙 case that the 九龙 worker reported: the worker sees it, 李南岗 does not.
    await addCase(jiulong.id, as('jl_worker').info.user.id, leaderId, 2);
    assert.equal(await seen('jl_worker', leaderId), 200);
    assert.equal(await seen('unit_staff', leaderId), 404);
    assert.equal(await seen('unit_head', leaderId), 404);
  });

  test('a cached copy is revalidated by ETag', async () => {
    const first = await get('field_worker', `/api/v1/media/${fwId}`);
    const etag = String(first.headers.etag);
    assert.match(etag, /^"[0-9a-f]{32}"$/);
    const again = await get('field_worker', `/api/v1/media/${fwId}`, { 'if-none-match': etag });
    assert.equal(again.statusCode, 304);
    assert.equal(again.rawPayload.length, 0);
    // Out of scope stays 404, whatever ETag is offered.
    const leaderEtag = String((await get('leader', `/api/v1/media/${leaderId}`)).headers.etag);
    assert.equal(
      (await get('unit_staff', `/api/v1/media/${leaderId}`, { 'if-none-match': leaderEtag })).statusCode,
      404,
    );
  });
});

describe('attaching photos to a case (for the cases module)', () => {
  test('own uploads only, no repeats, with remarks for the case’s point and time', async () => {
    const mine = (await upload('field_worker', { filename: 'x.jpg', bytes: await f.jpeg(64, 48, PHOTO_EXIF) })).json()
      .id;
    const theirs = (await upload('unit_staff', { filename: 'y.jpg', bytes: await f.jpeg() })).json().id;
    const actor = {
      tenantId: (await t.deps.database.db.select().from(media).where(eq(media.id, mine)))[0]?.tenantId ?? '',
      userId: as('field_worker').info.user.id,
    } as Parameters<typeof attachablePhotos>[1];
    const db = t.deps.database.db;
    const far = { lat: SPOT.lat + 0.0108, lng: SPOT.lng, at: t.clock.now() };
    const ok = await attachablePhotos(db, actor, { ids: [mine], ...far });
    assert.deepEqual(
      ok.map((p) => [p.ref.id, p.warnings]),
      [[mine, ['照片拍摄地点距问题位置约 1.2 公里']]],
    );
    await assert.rejects(
      attachablePhotos(db, actor, { ids: [mine, theirs], ...far }),
      (e: { details: { field: string }[] }) => {
        assert.deepEqual(
          e.details.map((d) => d.field),
          ['body.photos.1'],
        );
        return true;
      },
    );
    await assert.rejects(
      attachablePhotos(db, actor, { ids: [mine, mine], field: 'body.after', ...far }),
      (e: { details: { field: string }[] }) => {
        assert.deepEqual(
          e.details.map((d) => d.field),
          ['body.after.1'],
        );
        return true;
      },
    );
    await assert.rejects(attachablePhotos(db, actor, { ids: [randomUUID()], ...far }), /不存在或不是本人上传/);
  });
});

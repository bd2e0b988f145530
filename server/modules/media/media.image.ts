/**
 * Re-encoding: every stored photo is pixels decoded and written anew by sharp (libvips) — upright by
 * its EXIF orientation, at most MEDIA_MAX_EDGE on the long edge, sRGB JPEG, no metadata at all — plus
 * a thumbnail. Whatever the original carried besides pixels (EXIF, XMP, ICC, comments, trailers) is gone.
 */
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { MEDIA_MAX_EDGE, MEDIA_MAX_PIXELS, MEDIA_THUMB_EDGE, type TSourceFormat } from '../../../common/media.ts';
import { decodeHeic } from './media.heic.ts';

export const JPEG_QUALITY = 82;
export const THUMB_QUALITY = 72;
const TIMEOUT_S = 60;

export interface Reencoded {
  mime: 'image/jpeg';
  ext: 'jpg';
  main: Buffer;
  width: number;
  height: number;
  thumb: Buffer;
}

/** Why the decoder gave up, for the log: sharp and libheif messages are English and technical. */
export class DecodeError extends Error {
  constructor(
    message: string,
    readonly pixelLimit = false,
  ) {
    super(message);
  }
}

async function input(bytes: Buffer, format: TSourceFormat): Promise<Sharp> {
  const opts: SharpOptions = {
    limitInputPixels: MEDIA_MAX_PIXELS,
    // Warnings (a stray byte before a marker) are common in real camera files; errors are not.
    failOn: 'error',
    sequentialRead: true,
  };
  if (format === 'heic') {
    // libheif applies the HEIF transforms (irot/imir) itself; the pixels arrive upright.
    const img = await decodeHeic(bytes);
    if (img.width * img.height > MEDIA_MAX_PIXELS) throw new DecodeError('HEIC exceeds pixel limit', true);
    return sharp(img.data, { ...opts, raw: { width: img.width, height: img.height, channels: 4 } });
  }
  return sharp(bytes, { ...opts, autoOrient: true });
}

/** Decode and write the stored photo and its thumbnail; throws DecodeError when the pixels cannot be read. */
export async function reencode(bytes: Buffer, format: TSourceFormat): Promise<Reencoded> {
  try {
    const src = await input(bytes, format);
    const { data: main, info } = await src
      .resize({ width: MEDIA_MAX_EDGE, height: MEDIA_MAX_EDGE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: JPEG_QUALITY })
      .timeout({ seconds: TIMEOUT_S })
      .toBuffer({ resolveWithObject: true });
    const thumb = await sharp(main)
      .resize({ width: MEDIA_THUMB_EDGE, height: MEDIA_THUMB_EDGE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: THUMB_QUALITY })
      .timeout({ seconds: TIMEOUT_S })
      .toBuffer();
    return { mime: 'image/jpeg', ext: 'jpg', main, width: info.width, height: info.height, thumb };
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new DecodeError(message, /pixel limit/i.test(message));
  }
}

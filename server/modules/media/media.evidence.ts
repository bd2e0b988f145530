/** Does a photo support a report made at a place and time? zh-CN remarks for whoever checks the case. */
import { distanceM } from '../../lib/geo.ts';

export interface EvidenceWarningOptions {
  /** Farther than this from the problem's point (metres) is remarked on. */
  maxDistanceM: number;
  /** Taken longer than this before the report (hours) is remarked on. */
  maxAgeH: number;
}

export const EVIDENCE_DEFAULTS: EvidenceWarningOptions = { maxDistanceM: 500, maxAgeH: 72 };
/** A camera clock a little ahead is normal; more than this after the report is remarked on. */
const FUTURE_TOLERANCE_MS = 10 * 60_000;

export interface EvidencePhoto {
  takenAt: Date | null;
  exifLat: number | null;
  exifLng: number | null;
}

export interface EvidenceContext {
  /** The problem's point (WGS-84), when the report has one. */
  lat?: number | null;
  lng?: number | null;
  /** When it was reported. */
  at: Date;
}

/** "约 650 米", "约 1.2 公里", "约 35 公里". */
export function formatDistance(m: number): string {
  if (m < 1000) return `约 ${Math.max(10, Math.round(m / 10) * 10)} 米`;
  if (m < 100_000) return `约 ${(Math.round(m / 100) / 10).toString()} 公里`;
  return `约 ${Math.round(m / 1000)} 公里`;
}

/** "5 天前", "30 小时前". */
function formatAge(ms: number): string {
  const h = ms / 3_600_000;
  return h < 48 ? `${Math.floor(h)} 小时前` : `${Math.floor(h / 24)} 天前`;
}

/**
 * Remarks on a photo as evidence for a report (none means it fits): taken far from the problem's
 * point, long before the report or after it, or without the time or position to tell. Missing
 * position is only remarked on when the report has a point to compare with. Remarks, not refusals:
 * people forward photos and phones lose fixes; the checker decides.
 */
export function evidenceWarnings(
  photo: EvidencePhoto,
  ctx: EvidenceContext,
  opts: EvidenceWarningOptions = EVIDENCE_DEFAULTS,
): string[] {
  const out: string[] = [];
  const hasPoint = typeof ctx.lat === 'number' && typeof ctx.lng === 'number';
  const hasGps = photo.exifLat !== null && photo.exifLng !== null;
  const noTime = photo.takenAt === null;
  const noPlace = hasPoint && !hasGps;
  if (noTime && noPlace) out.push('照片没有拍摄时间和位置信息(可能经过编辑或转发),请核实是否为现场照片');
  else if (noTime) out.push('照片没有拍摄时间信息');
  else if (noPlace) out.push('照片没有拍摄位置信息');

  if (hasPoint && hasGps) {
    const d = distanceM([photo.exifLng as number, photo.exifLat as number], [ctx.lng as number, ctx.lat as number]);
    if (d > opts.maxDistanceM) out.push(`照片拍摄地点距问题位置${formatDistance(d)}`);
  }
  if (photo.takenAt) {
    const age = ctx.at.getTime() - photo.takenAt.getTime();
    if (age > opts.maxAgeH * 3_600_000) out.push(`照片拍摄于 ${formatAge(age)}`);
    else if (age < -FUTURE_TOLERANCE_MS) out.push('照片拍摄时间晚于上报时间,相机时钟可能不准');
  }
  return out;
}

/**
 * Generic geometry for GeoJSON polygons in lng/lat: validation of rings, geodesic area, bounding boxes,
 * point-in-polygon (exact, via robust-point-in-polygon), Douglas–Peucker simplification and the
 * conversion between the coordinate systems used in China (WGS-84, GCJ-02, BD-09) with gcoord.
 * No domain code: grid cells and districts use these.
 */
import gcoordImport from 'gcoord';
import robustPointInPolygon from 'robust-point-in-polygon';

// gcoord's types declare an ES default export, but the package is CommonJS (module.exports = the object).
type Gcoord = (typeof gcoordImport)['default'];
const gcoord: Gcoord = (gcoordImport as unknown as { default?: Gcoord }).default ?? (gcoordImport as unknown as Gcoord);

export type Position = [number, number];
export type Ring = Position[];
export type BBox = [minLng: number, minLat: number, maxLng: number, maxLat: number];

/** A GeoJSON Polygon or MultiPolygon (lng, lat). */
export type PolygonGeometry =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] };

/** The coordinate systems a GeoJSON file may declare: GPS, Amap/DataV/Tencent ("Mars"), Baidu. */
export type Crs = 'wgs84' | 'gcj02' | 'bd09';

/** Mean radius used by the geodesic ring area (the WGS-84 semi-major axis, as turf and d3 use). */
export const EARTH_RADIUS_M = 6378137;
const RAD = Math.PI / 180;

// ---------------------------------------------------------------------------------------------------
// Coordinate systems

const GCOORD_CRS: Record<Crs, Parameters<typeof gcoord.transform>[2]> = {
  wgs84: gcoord.WGS84,
  gcj02: gcoord.GCJ02,
  bd09: gcoord.BD09,
};

/**
 * A point in `crs` as WGS-84. GCJ-02 and BD-09 are defined only inside China; gcoord leaves points
 * outside China unchanged, as the official algorithm does.
 */
export function toWgs84(lng: number, lat: number, crs: Crs): Position {
  if (crs === 'wgs84') return [lng, lat];
  const [x, y] = gcoord.transform([lng, lat] as [number, number], GCOORD_CRS[crs], gcoord.WGS84);
  return [x, y];
}

/** A WGS-84 point in `crs` (the inverse of toWgs84, to within millimetres). */
export function fromWgs84(lng: number, lat: number, crs: Crs): Position {
  if (crs === 'wgs84') return [lng, lat];
  const [x, y] = gcoord.transform([lng, lat] as [number, number], gcoord.WGS84, GCOORD_CRS[crs]);
  return [x, y];
}

/** Every position of a polygon geometry converted to WGS-84 (altitudes are dropped). */
export function geometryToWgs84(geom: PolygonGeometry, crs: Crs): PolygonGeometry {
  const ring = (r: number[][]) => r.map((p) => toWgs84(p[0] as number, p[1] as number, crs));
  if (geom.type === 'Polygon') return { type: 'Polygon', coordinates: geom.coordinates.map(ring) };
  return { type: 'MultiPolygon', coordinates: geom.coordinates.map((poly) => poly.map(ring)) };
}

/** The polygons of a geometry as one list (a Polygon is a MultiPolygon of one). */
export function polygonsOf(geom: PolygonGeometry): number[][][][] {
  return geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
}

// ---------------------------------------------------------------------------------------------------
// Validation

export interface GeometryProblem {
  /** Where: "polygon 2, ring 0, position 5" (polygon only for a MultiPolygon). */
  where: string;
  reason: string;
}

function isPosition(p: unknown): p is number[] {
  return Array.isArray(p) && p.length >= 2 && typeof p[0] === 'number' && typeof p[1] === 'number';
}

/** Orientation of c relative to the directed line a→b: > 0 left, < 0 right, 0 collinear. */
function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

function onSegment(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  return Math.min(ax, bx) <= cx && cx <= Math.max(ax, bx) && Math.min(ay, by) <= cy && cy <= Math.max(ay, by);
}

/** True when the closed segments p1p2 and p3p4 share at least one point. */
export function segmentsIntersect(
  p1: readonly number[],
  p2: readonly number[],
  p3: readonly number[],
  p4: readonly number[],
): boolean {
  const [x1, y1] = p1 as [number, number];
  const [x2, y2] = p2 as [number, number];
  const [x3, y3] = p3 as [number, number];
  const [x4, y4] = p4 as [number, number];
  const d1 = orient(x3, y3, x4, y4, x1, y1);
  const d2 = orient(x3, y3, x4, y4, x2, y2);
  const d3 = orient(x1, y1, x2, y2, x3, y3);
  const d4 = orient(x1, y1, x2, y2, x4, y4);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  if (d1 === 0 && onSegment(x3, y3, x4, y4, x1, y1)) return true;
  if (d2 === 0 && onSegment(x3, y3, x4, y4, x2, y2)) return true;
  if (d3 === 0 && onSegment(x1, y1, x2, y2, x3, y3)) return true;
  if (d4 === 0 && onSegment(x1, y1, x2, y2, x4, y4)) return true;
  return false;
}

/** True when the open interiors of the segments cross at a single point (not touching, not collinear). */
export function segmentsCross(
  p1: readonly number[],
  p2: readonly number[],
  p3: readonly number[],
  p4: readonly number[],
): boolean {
  const [x1, y1] = p1 as [number, number];
  const [x2, y2] = p2 as [number, number];
  const [x3, y3] = p3 as [number, number];
  const [x4, y4] = p4 as [number, number];
  const d1 = orient(x3, y3, x4, y4, x1, y1);
  const d2 = orient(x3, y3, x4, y4, x2, y2);
  const d3 = orient(x1, y1, x2, y2, x3, y3);
  const d4 = orient(x1, y1, x2, y2, x4, y4);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/**
 * The first pair of edges of a closed ring (closing position repeated, consecutive duplicates
 * removed) that touch or cross although they are not neighbours, or neighbours that fold back onto
 * each other (a spike). Sort-and-sweep on x, so long rings stay fast: O(n log n + k).
 */
export function findSelfIntersection(ring: readonly (readonly number[])[]): [number, number] | null {
  const n = ring.length - 1; // edges: i from ring[i] to ring[i+1]
  if (n < 3) return null;
  const edges = Array.from({ length: n }, (_, i) => i);
  const minX = (i: number) => Math.min(ring[i]?.[0] as number, ring[i + 1]?.[0] as number);
  const maxX = (i: number) => Math.max(ring[i]?.[0] as number, ring[i + 1]?.[0] as number);
  edges.sort((a, b) => minX(a) - minX(b));
  for (let s = 0; s < n; s++) {
    const i = edges[s] as number;
    const iMax = maxX(i);
    const a1 = ring[i] as number[];
    const a2 = ring[i + 1] as number[];
    const iMinY = Math.min(a1[1] as number, a2[1] as number);
    const iMaxY = Math.max(a1[1] as number, a2[1] as number);
    for (let t = s + 1; t < n; t++) {
      const j = edges[t] as number;
      if (minX(j) > iMax) break;
      const b1 = ring[j] as number[];
      const b2 = ring[j + 1] as number[];
      if (Math.max(b1[1] as number, b2[1] as number) < iMinY || Math.min(b1[1] as number, b2[1] as number) > iMaxY)
        continue;
      const lo = Math.min(i, j);
      const hi = Math.max(i, j);
      const adjacent = hi - lo === 1 || (lo === 0 && hi === n - 1);
      if (!adjacent) {
        if (segmentsIntersect(a1, a2, b1, b2)) return [lo, hi];
        continue;
      }
      // Neighbours share one vertex; they are wrong only when collinear and folding back (overlap).
      const [p, shared, q] =
        hi - lo === 1
          ? [ring[lo] as number[], ring[hi] as number[], ring[hi + 1] as number[]]
          : [ring[n - 1] as number[], ring[0] as number[], ring[1] as number[]];
      const o = orient(
        p[0] as number,
        p[1] as number,
        shared[0] as number,
        shared[1] as number,
        q[0] as number,
        q[1] as number,
      );
      if (o === 0) {
        const dot =
          ((p[0] as number) - (shared[0] as number)) * ((q[0] as number) - (shared[0] as number)) +
          ((p[1] as number) - (shared[1] as number)) * ((q[1] as number) - (shared[1] as number));
        if (dot > 0) return [lo, hi];
      }
    }
  }
  return null;
}

/** Drop consecutive repeated positions (a closed ring stays closed). */
export function dedupeRing(ring: readonly (readonly number[])[]): number[][] {
  const out: number[][] = [];
  for (const p of ring) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push([p[0] as number, p[1] as number]);
  }
  return out;
}

/**
 * Why a linear ring is not usable, or null when it is: positions must be finite lng/lat pairs in
 * range, at least 4, first equal to last, at least 3 distinct vertices enclosing an area, and the
 * ring must not touch or cross itself.
 */
export function ringProblem(ring: unknown): { reason: string; position?: number } | null {
  if (!Array.isArray(ring)) return { reason: '环不是坐标数组 (ring is not an array of positions)' };
  for (const [k, p] of ring.entries()) {
    if (!isPosition(p)) return { reason: '坐标格式错误 (a position is not [lng, lat])', position: k };
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1]))
      return { reason: '坐标不是有限数值 (non-finite coordinates)', position: k };
    if (Math.abs(p[0] as number) > 180 || Math.abs(p[1] as number) > 90)
      return { reason: '坐标超出经纬度范围 (coordinates out of range)', position: k };
  }
  if (ring.length < 4) return { reason: `少于 4 个坐标点 (fewer than 4 positions: ${ring.length})` };
  const first = ring[0] as number[];
  const last = ring[ring.length - 1] as number[];
  if (first[0] !== last[0] || first[1] !== last[1]) return { reason: '环未闭合 (not closed: first ≠ last position)' };
  const clean = dedupeRing(ring as number[][]);
  if (clean.length < 4) return { reason: '不同的顶点少于 3 个 (fewer than 3 distinct vertices)' };
  const hit = findSelfIntersection(clean);
  if (hit) {
    const at = clean[hit[1]] as number[];
    return {
      reason: `环自相交 (self-intersecting: edges ${hit[0]} and ${hit[1]}, near ${at[0]?.toFixed(6)}, ${at[1]?.toFixed(6)})`,
    };
  }
  if (planarRingArea(clean) === 0) return { reason: '环的面积为零 (degenerate ring: zero area)' };
  return null;
}

/**
 * Problems of a GeoJSON geometry that should be a Polygon or MultiPolygon: wrong type, malformed
 * coordinates, bad rings (see ringProblem), holes outside their outer ring. Empty when usable.
 * Not checked: rings of one polygon crossing each other, polygons of a MultiPolygon overlapping.
 */
export function geometryProblems(geom: unknown): GeometryProblem[] {
  if (typeof geom !== 'object' || geom === null) return [{ where: 'geometry', reason: '缺少几何对象 (no geometry)' }];
  const g = geom as { type?: unknown; coordinates?: unknown };
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
    return [
      {
        where: 'geometry',
        reason: `几何类型应为 Polygon 或 MultiPolygon (wrong geometry type: ${String(g.type)})`,
      },
    ];
  }
  if (!Array.isArray(g.coordinates) || g.coordinates.length === 0)
    return [{ where: 'geometry', reason: '坐标为空 (empty coordinates)' }];
  const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as unknown[];
  const out: GeometryProblem[] = [];
  for (const [pi, poly] of polygons.entries()) {
    const prefix = g.type === 'MultiPolygon' ? `polygon ${pi}, ` : '';
    if (!Array.isArray(poly) || poly.length === 0) {
      out.push({ where: `${prefix}rings`, reason: '多边形没有环 (polygon without rings)' });
      continue;
    }
    let outerOk = false;
    for (const [ri, ring] of poly.entries()) {
      const p = ringProblem(ring);
      if (p) {
        out.push({
          where: `${prefix}ring ${ri}${p.position === undefined ? '' : `, position ${p.position}`}`,
          reason: p.reason,
        });
      } else if (ri === 0) {
        outerOk = true;
      } else if (outerOk) {
        // A hole must lie inside its outer ring: test its vertices (all on the boundary counts as inside).
        const outer = poly[0] as number[][];
        const outside = (ring as number[][]).some((v) => ringLocate(outer as Position[], v as Position) > 0);
        if (outside)
          out.push({ where: `${prefix}ring ${ri}`, reason: '内环(洞)不在外环之内 (hole outside its outer ring)' });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Measures

/** Shoelace area in squared degrees (sign: counter-clockwise positive). Only for "is it zero". */
function planarRingArea(ring: readonly (readonly number[])[]): number {
  let s = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const a = ring[i] as number[];
    const b = ring[i + 1] as number[];
    s += (a[0] as number) * (b[1] as number) - (b[0] as number) * (a[1] as number);
  }
  return s / 2;
}

/**
 * Geodesic area of a closed ring on a sphere of radius EARTH_RADIUS_M, in m² (unsigned). The formula
 * of Chamberlain & Duquette (JPL, 2007), as in turf's `area`: error well under 0.5 % at city scale.
 */
export function ringAreaM2(ring: readonly (readonly number[])[]): number {
  let s = 0;
  const n = ring.length;
  if (n < 4) return 0;
  for (let i = 0; i < n - 1; i++) {
    const a = ring[i] as number[];
    const b = ring[i + 1] as number[];
    s +=
      ((b[0] as number) - (a[0] as number)) *
      RAD *
      (2 + Math.sin((a[1] as number) * RAD) + Math.sin((b[1] as number) * RAD));
  }
  return Math.abs((s * EARTH_RADIUS_M * EARTH_RADIUS_M) / 2);
}

/** Area of a Polygon or MultiPolygon in m²: outer rings minus holes. */
export function geometryAreaM2(geom: PolygonGeometry): number {
  let total = 0;
  for (const poly of polygonsOf(geom)) {
    poly.forEach((ring, i) => {
      total += (i === 0 ? 1 : -1) * ringAreaM2(ring);
    });
  }
  return Math.max(0, total);
}

/** [minLng, minLat, maxLng, maxLat] of a geometry's outer rings. */
export function bboxOf(geom: PolygonGeometry): BBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const poly of polygonsOf(geom)) {
    for (const p of poly[0] ?? []) {
      const x = p[0] as number;
      const y = p[1] as number;
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

/** Metres per degree of longitude and latitude at a latitude (local equirectangular approximation). */
export function metresPerDegree(lat: number): { x: number; y: number } {
  const y = (Math.PI / 180) * EARTH_RADIUS_M;
  return { x: y * Math.cos(lat * RAD), y };
}

/** Area of a lng/lat box in m² (equirectangular at its middle latitude). */
export function bboxAreaM2(b: BBox): number {
  const m = metresPerDegree((b[1] + b[3]) / 2);
  return Math.max(0, b[2] - b[0]) * m.x * Math.max(0, b[3] - b[1]) * m.y;
}

/** Distance between two lng/lat points in metres (haversine). */
export function distanceM(a: readonly number[], b: readonly number[]): number {
  const dLat = ((b[1] as number) - (a[1] as number)) * RAD;
  const dLng = ((b[0] as number) - (a[0] as number)) * RAD;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos((a[1] as number) * RAD) * Math.cos((b[1] as number) * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

// ---------------------------------------------------------------------------------------------------
// Point in polygon

/**
 * A polygon geometry prepared for repeated point tests: per polygon its rings without the closing
 * position (what robust-point-in-polygon expects).
 */
export type PreparedPolygons = Position[][][];

export function preparePolygons(geom: PolygonGeometry): PreparedPolygons {
  return polygonsOf(geom).map((poly) =>
    poly.map((ring) => {
      const r = dedupeRing(ring) as Position[];
      const a = r[0];
      const b = r[r.length - 1];
      if (r.length > 1 && a && b && a[0] === b[0] && a[1] === b[1]) r.pop();
      return r;
    }),
  );
}

/**
 * robust-point-in-polygon for one ring, corrected for the library's known miss: a point exactly on a
 * vertex that is a local extreme in y is reported inside or outside instead of on the boundary
 * (mikolalysenko/robust-point-in-polygon issues #2 and #3, open). A vertex is the boundary.
 */
export function ringLocate(ring: readonly Position[], point: readonly [number, number]): -1 | 0 | 1 {
  const r = robustPointInPolygon(ring, point);
  if (r === 0) return 0;
  const x = point[0];
  const y = point[1];
  for (let i = 0; i < ring.length; i++) {
    const v = ring[i] as Position;
    if (v[0] === x && v[1] === y) return 0;
  }
  return r;
}

/** -1 inside, 0 on the boundary (outer ring or a hole's edge), 1 outside — exact (robust predicates). */
export function locateInPrepared(polys: PreparedPolygons, point: readonly [number, number]): -1 | 0 | 1 {
  let onEdge = false;
  for (const rings of polys) {
    const outer = rings[0];
    if (!outer) continue;
    const r = ringLocate(outer, point);
    if (r > 0) continue;
    if (r === 0) {
      onEdge = true;
      continue;
    }
    let inHole = false;
    for (let h = 1; h < rings.length; h++) {
      const hr = ringLocate(rings[h] as Position[], point);
      if (hr < 0) {
        inHole = true;
        break;
      }
      if (hr === 0) {
        onEdge = true;
        inHole = true;
        break;
      }
    }
    if (!inHole) return -1;
  }
  return onEdge ? 0 : 1;
}

/** Where a point lies relative to a Polygon or MultiPolygon (prepare once when testing many points). */
export function pointInGeometry(geom: PolygonGeometry, lng: number, lat: number): 'inside' | 'boundary' | 'outside' {
  const r = locateInPrepared(preparePolygons(geom), [lng, lat]);
  return r < 0 ? 'inside' : r === 0 ? 'boundary' : 'outside';
}

// ---------------------------------------------------------------------------------------------------
// Simplification and rounding (for payloads, not for storage)

function perpendicularM(p: number[], a: number[], b: number[], mx: number, my: number): number {
  const px = (p[0] as number) * mx;
  const py = (p[1] as number) * my;
  const ax = (a[0] as number) * mx;
  const ay = (a[1] as number) * my;
  const bx = (b[0] as number) * mx;
  const by = (b[1] as number) * my;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  if (len2 === 0) return Math.hypot(px - ax, py - ay);
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Douglas–Peucker on a closed ring with a tolerance in metres; keeps the ring closed and valid. */
export function simplifyRing(ring: number[][], toleranceM: number): number[][] {
  if (ring.length <= 5 || toleranceM <= 0) return ring;
  const m = metresPerDegree((ring[0]?.[1] as number) ?? 0);
  const keep = new Uint8Array(ring.length);
  // Split at the vertex farthest from the first, so the closed ring has two open halves.
  let far = 0;
  let farD = -1;
  for (let i = 1; i < ring.length - 1; i++) {
    const d = perpendicularM(ring[i] as number[], ring[0] as number[], ring[0] as number[], m.x, m.y);
    if (d > farD) {
      farD = d;
      far = i;
    }
  }
  keep[0] = 1;
  keep[far] = 1;
  keep[ring.length - 1] = 1;
  const stack: [number, number][] = [
    [0, far],
    [far, ring.length - 1],
  ];
  while (stack.length) {
    const [s, e] = stack.pop() as [number, number];
    let idx = -1;
    let dmax = toleranceM;
    for (let i = s + 1; i < e; i++) {
      const d = perpendicularM(ring[i] as number[], ring[s] as number[], ring[e] as number[], m.x, m.y);
      if (d > dmax) {
        dmax = d;
        idx = i;
      }
    }
    if (idx >= 0) {
      keep[idx] = 1;
      stack.push([s, idx], [idx, e]);
    }
  }
  const out = ring.filter((_, i) => keep[i]);
  if (out.length < 4 || ringProblem(out)) return ring;
  return out;
}

/** Simplify every ring of a geometry (tolerance in metres) and round coordinates to `digits` decimals. */
export function simplifyGeometry(geom: PolygonGeometry, toleranceM: number, digits = 6): PolygonGeometry {
  const f = 10 ** digits;
  const ring = (r: number[][]) =>
    simplifyRing(r, toleranceM).map((p) => [
      Math.round((p[0] as number) * f) / f,
      Math.round((p[1] as number) * f) / f,
    ]);
  if (geom.type === 'Polygon') return { type: 'Polygon', coordinates: geom.coordinates.map(ring) };
  return { type: 'MultiPolygon', coordinates: geom.coordinates.map((poly) => poly.map(ring)) };
}

// ---------------------------------------------------------------------------------------------------
// Exact overlap area of two polygons (scanline integration)

interface Edge {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function edgesOf(polys: PreparedPolygons, yMin: number, yMax: number): Edge[] {
  const out: Edge[] = [];
  for (const rings of polys) {
    for (const r of rings) {
      const n = r.length;
      for (let i = 0; i < n; i++) {
        const a = r[i] as Position;
        const b = r[(i + 1) % n] as Position;
        if (Math.max(a[1], b[1]) < yMin || Math.min(a[1], b[1]) > yMax) continue;
        out.push({ x0: a[0], y0: a[1], x1: b[0], y1: b[1] });
      }
    }
  }
  return out;
}

/** Inside intervals [x0, x1, x2, x3, …] of a horizontal line through the polygon (even–odd rule). */
function intervalsAt(edges: Edge[], y: number): number[] {
  const xs: number[] = [];
  for (const e of edges) {
    if (e.y0 > y !== e.y1 > y) xs.push(e.x0 + ((y - e.y0) * (e.x1 - e.x0)) / (e.y1 - e.y0));
  }
  return xs.sort((p, q) => p - q);
}

function overlapLength(a: number[], b: number[]): number {
  let i = 0;
  let j = 0;
  let len = 0;
  while (i + 1 < a.length && j + 1 < b.length) {
    const lo = Math.max(a[i] as number, b[j] as number);
    const hi = Math.min(a[i + 1] as number, b[j + 1] as number);
    if (hi > lo) len += hi - lo;
    if ((a[i + 1] as number) < (b[j + 1] as number)) i += 2;
    else j += 2;
  }
  return len;
}

/**
 * Area in m² shared by the interiors of two polygons — exact up to the local equirectangular
 * projection (no sampling): between consecutive "event" latitudes (every vertex and every crossing
 * of an edge of one with an edge of the other) the width of the intersection along a parallel is
 * linear in latitude, so the midpoint rule integrates it exactly. Polygons that only share edges or
 * vertices give 0. O((n + m)²) for polygons of n and m vertices.
 */
export function intersectionAreaM2(a: PreparedPolygons, aBox: BBox, b: PreparedPolygons, bBox: BBox): number {
  const x0 = Math.max(aBox[0], bBox[0]);
  const y0 = Math.max(aBox[1], bBox[1]);
  const x1 = Math.min(aBox[2], bBox[2]);
  const y1 = Math.min(aBox[3], bBox[3]);
  if (x1 <= x0 || y1 <= y0) return 0;
  const ea = edgesOf(a, y0, y1);
  const eb = edgesOf(b, y0, y1);
  const ys = [y0, y1];
  for (const e of [...ea, ...eb]) {
    if (e.y0 > y0 && e.y0 < y1) ys.push(e.y0);
  }
  // Crossings between an edge of a and an edge of b change the order of the interval ends.
  for (const p of ea) {
    if (Math.max(p.x0, p.x1) < x0 || Math.min(p.x0, p.x1) > x1) continue;
    for (const q of eb) {
      if (Math.max(q.x0, q.x1) < Math.min(p.x0, p.x1) || Math.min(q.x0, q.x1) > Math.max(p.x0, p.x1)) continue;
      if (Math.max(q.y0, q.y1) < Math.min(p.y0, p.y1) || Math.min(q.y0, q.y1) > Math.max(p.y0, p.y1)) continue;
      if (!segmentsCross([p.x0, p.y0], [p.x1, p.y1], [q.x0, q.y0], [q.x1, q.y1])) continue;
      const d = (p.x1 - p.x0) * (q.y1 - q.y0) - (p.y1 - p.y0) * (q.x1 - q.x0);
      const t = ((q.x0 - p.x0) * (q.y1 - q.y0) - (q.y0 - p.y0) * (q.x1 - q.x0)) / d;
      const y = p.y0 + t * (p.y1 - p.y0);
      if (y > y0 && y < y1) ys.push(y);
    }
  }
  ys.sort((p, q) => p - q);
  let area = 0;
  for (let i = 0; i + 1 < ys.length; i++) {
    const lo = ys[i] as number;
    const hi = ys[i + 1] as number;
    if (hi <= lo) continue;
    const mid = (lo + hi) / 2;
    area += overlapLength(intervalsAt(ea, mid), intervalsAt(eb, mid)) * (hi - lo);
  }
  const m = metresPerDegree((y0 + y1) / 2);
  return area * m.x * m.y;
}

/** Inside intervals of a polygon along the parallel at `lat` (for raster sampling). */
export function insideIntervals(polys: PreparedPolygons, lat: number): number[] {
  return intervalsAt(edgesOf(polys, lat, lat), lat);
}

/**
 * A point inside a polygon geometry, for labels: the middle of the widest inside span along the
 * parallel through the middle of the largest polygon's box (nudged off vertices). Falls back to the
 * box centre for degenerate input.
 */
export function labelPointOf(geom: PolygonGeometry): Position {
  let best: Position | null = null;
  let bestWidth = -1;
  for (const poly of polygonsOf(geom)) {
    const outer = poly[0];
    if (!outer) continue;
    const b = bboxOf({ type: 'Polygon', coordinates: [outer] });
    const prepared = preparePolygons({ type: 'Polygon', coordinates: poly });
    for (const f of [0.5, 0.37, 0.63, 0.25, 0.75]) {
      const y = b[1] + (b[3] - b[1]) * f + (b[3] - b[1]) * 1e-9;
      const xs = insideIntervals(prepared, y);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        const w = (xs[k + 1] as number) - (xs[k] as number);
        if (w > bestWidth) {
          bestWidth = w;
          best = [((xs[k] as number) + (xs[k + 1] as number)) / 2, y];
        }
      }
      if (bestWidth > 0) break;
    }
  }
  if (best) return best;
  const b = bboxOf(geom);
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}

/**
 * The point → grid index: a flatbush R-tree over the cells' bounding boxes, then an exact
 * point-in-polygon test (robust-point-in-polygon) on the few candidates. Built in memory per tenant
 * from the database and cached.
 *
 * Rules (tested in grids.index.test.ts):
 * - A point on a cell's boundary (edge or vertex, including a hole's edge) counts as inside it.
 * - When several cells contain a point (a shared edge or vertex, or overlapping cells), the cell
 *   with the lowest code wins. Cells are added to the tree in code order, so "lowest code" is
 *   "lowest item number", and the answer never depends on the tree's search order.
 * - A point in no cell is outside; the index also holds the district outline, so callers can tell
 *   "outside the district" from "a gap between cells inside the district".
 *
 * Freshness: writes in this process (import, PATCH) call invalidateGridIndex, so the next lookup
 * rebuilds. Other processes (several api processes on PostgreSQL) notice a change by a cheap
 * staleness check — count of cells and max(updated_at) of cells and outlines — at most every
 * STALE_CHECK_MS; a change there rebuilds the index. So another process answers from the old
 * grid for at most that long after a write.
 */
import Flatbush from 'flatbush';
import type { Database } from '../../db/client.ts';
import type { Deps } from '../../deps.ts';
import {
  type BBox,
  locateInPrepared,
  type PolygonGeometry,
  type PreparedPolygons,
  preparePolygons,
} from '../../lib/geo.ts';
import * as repo from './grids.repo.ts';

export const STALE_CHECK_MS = 5_000;
/** R-tree fan-out (flatbush's default is 16; point queries over ~5,000 small cells test fewer boxes with less). */
export const NODE_SIZE = 4;

export interface IndexCellInput {
  id: string;
  code: string;
  name: string;
  level?: number;
  unitId: string | null;
  geometry: PolygonGeometry;
  bbox: BBox;
}

export interface IndexedCell {
  id: string;
  code: string;
  name: string;
  level: number;
  unitId: string | null;
  bbox: BBox;
  /** As stored (WGS-84), for the map layer. */
  geometry: PolygonGeometry;
  /** Rings as position arrays, for robust-point-in-polygon. */
  polys: PreparedPolygons;
  /** The same rings as flat [x0, y0, x1, y1, …] arrays, for the filtered fast test. */
  flat: Float64Array[][];
}

/** Shewchuk's error bound for the 2D orientation determinant: (3 + 16ε)ε, ε = 2⁻⁵³. */
const CCW_ERR_BOUND = (3 + 16 * 2 ** -53) * 2 ** -53;

/**
 * Even–odd crossing test of one polygon (outer ring and holes) in plain floating point, with an
 * error filter: returns -1 (inside) or 1 (outside) only when every decision it made is provably
 * exact — each orientation determinant exceeds its rounding-error bound and no vertex lies on the
 * point's parallel. Otherwise 2: the caller asks the exact predicate (robust-point-in-polygon).
 * Points on the boundary always end up with the exact predicate (their determinant is 0).
 */
function fastPolygonTest(rings: Float64Array[], x: number, y: number): -1 | 1 | 2 {
  let inside = false;
  for (let r = 0; r < rings.length; r++) {
    const c = rings[r] as Float64Array;
    const n = c.length;
    let ax = c[n - 2] as number;
    let ay = c[n - 1] as number;
    for (let k = 0; k < n; k += 2) {
      const bx = c[k] as number;
      const by = c[k + 1] as number;
      if (by === y) return 2;
      if (ay > y !== by > y) {
        if (x < ax && x < bx) inside = !inside;
        else if (x <= ax || x <= bx) {
          const detl = (bx - ax) * (y - ay);
          const detr = (by - ay) * (x - ax);
          const det = detl - detr;
          const bound = CCW_ERR_BOUND * (Math.abs(detl) + Math.abs(detr));
          if (det > bound) {
            if (by > ay) inside = !inside;
          } else if (det < -bound) {
            if (by < ay) inside = !inside;
          } else return 2;
        }
      }
      ax = bx;
      ay = by;
    }
  }
  return inside ? -1 : 1;
}

/** fastPolygonTest for one ring stored at c[from .. to) — the common case, without the ring array. */
function packedRingTest(c: Float64Array, from: number, to: number, x: number, y: number): -1 | 1 | 2 {
  let inside = false;
  let ax = c[to - 2] as number;
  let ay = c[to - 1] as number;
  for (let k = from; k < to; k += 2) {
    const bx = c[k] as number;
    const by = c[k + 1] as number;
    if (by === y) return 2;
    if (ay > y !== by > y) {
      if (x < ax && x < bx) inside = !inside;
      else if (x <= ax || x <= bx) {
        const detl = (bx - ax) * (y - ay);
        const detr = (by - ay) * (x - ax);
        const det = detl - detr;
        const bound = CCW_ERR_BOUND * (Math.abs(detl) + Math.abs(detr));
        if (det > bound) {
          if (by > ay) inside = !inside;
        } else if (det < -bound) {
          if (by < ay) inside = !inside;
        } else return 2;
      }
    }
    ax = bx;
    ay = by;
  }
  return inside ? -1 : 1;
}

function flatten(polys: PreparedPolygons): Float64Array[][] {
  return polys.map((rings) => rings.map((ring) => Float64Array.from(ring.flat())));
}

/** What the routing module gets for a point: the cell and its owning unit. */
export interface LocatedCell {
  gridId: string;
  code: string;
  name: string;
  unitId: string | null;
}

let builds = 0;

export class GridIndex {
  /** Cells in code order; a cell's position here is its item number in the tree. */
  readonly cells: IndexedCell[];
  readonly district: PreparedPolygons | null;
  readonly districtBBox: BBox | null;
  /** Increases with every build in this process. */
  readonly version: number;
  private readonly tree: Flatbush | null;
  private readonly byId: Map<string, number>;
  /** Traversal stack reused by every lookup (lookups are synchronous, so one per index suffices). */
  private stack = new Int32Array(256);
  /**
   * Cells that are one polygon without holes (nearly all) keep their ring in one packed array:
   * coordinates of cell i at packed[start[i] .. end[i]); start = -1 for the others.
   */
  private readonly packed: Float64Array;
  private readonly start: Int32Array;
  private readonly end: Int32Array;

  constructor(
    cells: IndexCellInput[],
    district: { geometry: PolygonGeometry; bbox: BBox } | null = null,
    opts: { nodeSize?: number } = {},
  ) {
    this.version = ++builds;
    const sorted = [...cells].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    this.cells = sorted.map((c) => ({
      id: c.id,
      code: c.code,
      name: c.name,
      level: c.level ?? 1,
      unitId: c.unitId,
      bbox: c.bbox,
      geometry: c.geometry,
      polys: preparePolygons(c.geometry),
      flat: [],
    }));
    for (const c of this.cells) c.flat = flatten(c.polys);
    this.start = new Int32Array(this.cells.length).fill(-1);
    this.end = new Int32Array(this.cells.length);
    let total = 0;
    for (const c of this.cells)
      if (c.flat.length === 1 && c.flat[0]?.length === 1) total += (c.flat[0][0] as Float64Array).length;
    this.packed = new Float64Array(total);
    let at = 0;
    this.cells.forEach((c, i) => {
      if (c.flat.length !== 1 || c.flat[0]?.length !== 1) return;
      const ring = c.flat[0][0] as Float64Array;
      this.packed.set(ring, at);
      this.start[i] = at;
      at += ring.length;
      this.end[i] = at;
    });
    this.byId = new Map(this.cells.map((c, i) => [c.id, i]));
    if (this.cells.length > 0) {
      const tree = new Flatbush(this.cells.length, opts.nodeSize ?? NODE_SIZE);
      for (const c of this.cells) tree.add(c.bbox[0], c.bbox[1], c.bbox[2], c.bbox[3]);
      tree.finish();
      this.tree = tree;
    } else {
      this.tree = null;
    }
    this.district = district ? preparePolygons(district.geometry) : null;
    this.districtBBox = district?.bbox ?? null;
  }

  get size(): number {
    return this.cells.length;
  }

  /** -1 inside, 0 boundary, 1 outside of cell number i: the filtered fast test, exact fallback. */
  cellRelation(i: number, x: number, y: number): -1 | 0 | 1 {
    const s = this.start[i] as number;
    if (s >= 0) {
      const r = packedRingTest(this.packed, s, this.end[i] as number, x, y);
      return r === 2 ? locateInPrepared((this.cells[i] as IndexedCell).polys, [x, y]) : r;
    }
    const cell = this.cells[i] as IndexedCell;
    const flat = cell.flat;
    if (flat.length === 1) {
      const r = fastPolygonTest(flat[0] as Float64Array[], x, y);
      return r === 2 ? locateInPrepared(cell.polys, [x, y]) : r;
    }
    let undecided = false;
    for (const rings of cell.flat) {
      const r = fastPolygonTest(rings, x, y);
      if (r === -1) return -1;
      if (r === 2) {
        undecided = true;
        break;
      }
    }
    return undecided ? locateInPrepared(cell.polys, [x, y]) : 1;
  }

  /**
   * Item number of the cell containing (lng, lat) in WGS-84, or -1. Boundary counts; lowest code
   * wins. Walks flatbush's packed tree directly (the same traversal as Flatbush#search for a point,
   * without allocating a result array per lookup) and tests each candidate whose box holds the
   * point, keeping the lowest item number that contains it.
   */
  locateIndex(lng: number, lat: number): number {
    const tree = this.tree;
    if (!tree) return -1;
    const boxes = tree._boxes;
    const indices = tree._indices;
    const levelBounds = tree._levelBounds;
    const nodeSize = tree.nodeSize;
    const numItems4 = tree.numItems * 4;
    let stack = this.stack;
    let sp = 0;
    let best = -1;
    let nodeIndex = boxes.length - 4;
    let level = levelBounds.length - 1;
    for (;;) {
      const end = Math.min(nodeIndex + nodeSize * 4, levelBounds[level] as number);
      const isNode = nodeIndex >= numItems4;
      for (let pos = nodeIndex; pos < end; pos += 4) {
        if (
          lng < (boxes[pos] as number) ||
          lat < (boxes[pos + 1] as number) ||
          lng > (boxes[pos + 2] as number) ||
          lat > (boxes[pos + 3] as number)
        )
          continue;
        const index = (indices[pos >> 2] as number) | 0;
        if (isNode) {
          if (sp + 2 > stack.length) {
            const bigger = new Int32Array(stack.length * 2);
            bigger.set(stack);
            stack = bigger;
            this.stack = bigger;
          }
          stack[sp++] = index;
          stack[sp++] = level - 1;
        } else if ((best < 0 || index < best) && this.cellRelation(index, lng, lat) <= 0) {
          best = index;
        }
      }
      if (sp === 0) break;
      level = stack[--sp] as number;
      nodeIndex = stack[--sp] as number;
    }
    return best;
  }

  /** The same answer through Flatbush#search and robust-point-in-polygon only (tests compare the two). */
  locateIndexSimple(lng: number, lat: number): number {
    if (!this.tree) return -1;
    const hits = this.tree.search(lng, lat, lng, lat).sort((a, b) => a - b);
    for (const i of hits) {
      if (locateInPrepared((this.cells[i] as IndexedCell).polys, [lng, lat]) <= 0) return i;
    }
    return -1;
  }

  /** The cell containing (lng, lat), or null. */
  locate(lng: number, lat: number): IndexedCell | null {
    const i = this.locateIndex(lng, lat);
    return i < 0 ? null : (this.cells[i] as IndexedCell);
  }

  /** Every cell containing the point, lowest code first (diagnostics and tests). */
  locateAll(lng: number, lat: number): IndexedCell[] {
    if (!this.tree) return [];
    const point: [number, number] = [lng, lat];
    return this.tree
      .search(lng, lat, lng, lat)
      .sort((a, b) => a - b)
      .map((i) => this.cells[i] as IndexedCell)
      .filter((c) => locateInPrepared(c.polys, point) <= 0);
  }

  /** Item numbers of cells whose bounding boxes touch a box. */
  search(b: BBox): number[] {
    return this.tree ? this.tree.search(b[0], b[1], b[2], b[3]) : [];
  }

  cellById(id: string): IndexedCell | null {
    const i = this.byId.get(id);
    return i === undefined ? null : (this.cells[i] as IndexedCell);
  }

  /** 'inside' or 'boundary' of the district outline, 'outside', or 'unknown' when there is no outline. */
  districtContains(lng: number, lat: number): 'inside' | 'outside' | 'unknown' {
    if (!this.district) return 'unknown';
    return locateInPrepared(this.district, [lng, lat]) <= 0 ? 'inside' : 'outside';
  }
}

// ---------------------------------------------------------------------------------------------------
// Per-tenant cache, keyed by database (two test databases cloned from one template share tenant ids).

interface Entry {
  index: GridIndex;
  stamp: string;
  checkedAt: number;
}

const caches = new WeakMap<Database, Map<string, Entry>>();
const loading = new WeakMap<Database, Map<string, Promise<GridIndex>>>();
/** Bumped by every invalidation, so a build that started before a write does not cache old rows. */
const generations = new WeakMap<Database, Map<string, number>>();

function cacheOf<T>(map: WeakMap<Database, Map<string, T>>, database: Database): Map<string, T> {
  let m = map.get(database);
  if (!m) {
    m = new Map();
    map.set(database, m);
  }
  return m;
}

async function build(deps: Deps, tenantId: string): Promise<GridIndex> {
  const db = deps.database.db;
  const gens = cacheOf(generations, deps.database);
  const generation = gens.get(tenantId) ?? 0;
  // The stamp is read before the rows: a write landing in between makes the next check rebuild again.
  const stamp = await repo.gridStamp(db, tenantId);
  const [cells, district] = await Promise.all([repo.cellsForIndex(db, tenantId), repo.getDistrict(db, tenantId)]);
  const index = new GridIndex(
    cells.map((c) => ({
      id: c.id,
      code: c.code,
      name: c.name,
      level: c.level,
      unitId: c.unitId,
      geometry: c.geometry,
      bbox: [c.minLng, c.minLat, c.maxLng, c.maxLat],
    })),
    district
      ? { geometry: district.geometry, bbox: [district.minLng, district.minLat, district.maxLng, district.maxLat] }
      : null,
  );
  if ((gens.get(tenantId) ?? 0) === generation) {
    cacheOf(caches, deps.database).set(tenantId, { index, stamp, checkedAt: performance.now() });
  }
  return index;
}

/**
 * The tenant's index: cached, checked for staleness at most every STALE_CHECK_MS (or `maxAgeMs`;
 * 0 = check now), rebuilt on change.
 */
export async function gridIndexFor(deps: Deps, tenantId: string, opts: { maxAgeMs?: number } = {}): Promise<GridIndex> {
  const cache = cacheOf(caches, deps.database);
  const entry = cache.get(tenantId);
  if (entry && performance.now() - entry.checkedAt < (opts.maxAgeMs ?? STALE_CHECK_MS)) return entry.index;
  const pending = cacheOf(loading, deps.database);
  const running = pending.get(tenantId);
  if (running) return running;
  const p = (async () => {
    if (entry) {
      const stamp = await repo.gridStamp(deps.database.db, tenantId);
      if (stamp === entry.stamp) {
        entry.checkedAt = performance.now();
        return entry.index;
      }
    }
    return build(deps, tenantId);
  })().finally(() => {
    if (pending.get(tenantId) === p) pending.delete(tenantId);
  });
  pending.set(tenantId, p);
  return p;
}

/** How many times this process invalidated the tenant's index (part of the map layer's cache key). */
export function gridGeneration(deps: Deps, tenantId: string): number {
  return cacheOf(generations, deps.database).get(tenantId) ?? 0;
}

/** Forget the tenant's index after a write in this process; the next lookup rebuilds it. */
export function invalidateGridIndex(deps: Deps, tenantId: string): void {
  const gens = cacheOf(generations, deps.database);
  gens.set(tenantId, (gens.get(tenantId) ?? 0) + 1);
  cacheOf(caches, deps.database).delete(tenantId);
  cacheOf(loading, deps.database).delete(tenantId);
}

/**
 * The grid cell containing a WGS-84 point, or null when the point is in no cell. For the routing
 * module: convert other coordinate systems first with toWgs84.
 */
export async function locatePoint(deps: Deps, tenantId: string, lng: number, lat: number): Promise<LocatedCell | null> {
  const cell = (await gridIndexFor(deps, tenantId)).locate(lng, lat);
  return cell ? { gridId: cell.id, code: cell.code, name: cell.name, unitId: cell.unitId } : null;
}

/**
 * The demo grid: 70 × 70 cells of about 100 m (4,900) covering 7 × 7 km around 34.72° N, 113.73° E
 * (WGS-84, where the real 经开区 lies), owned by the six demo communities in contiguous blocks: three
 * subdistrict bands west to east (明湖, 九龙, 潮河 by code), each split into its two communities north
 * and south. The lattice's inner vertices are jittered (deterministically, ≤ 18 % of a cell), so
 * cells are quadrilaterals rather than perfect squares but still tile the square exactly: every
 * shared edge uses the very same vertices, and the district outline is the lattice's outer edge.
 * Codes: community code (410171 + subdistrict 3 + community 3) + sequence (3), named 李南岗社区第12网格.
 */
import { randomUUID } from 'node:crypto';
import type { Tx } from '../../db/client.ts';
import { bboxOf, geometryAreaM2, metresPerDegree, type PolygonGeometry } from '../../lib/geo.ts';
import * as repo from './grids.repo.ts';

export interface SeedUnit {
  id: string;
  type: string;
  name: string;
  code: string;
  parentId: string | null;
}

export const DEMO_GRID = {
  centre: [113.73, 34.72] as [number, number],
  rows: 70,
  cols: 70,
  cellM: 100,
  jitter: 0.18,
  districtName: '经开区(演示辖区)',
};

/** A deterministic value in [-1, 1] for a lattice vertex (integer hash, no Math.random). */
function noise(i: number, j: number, salt: number): number {
  let h = (i * 374761393 + j * 668265263 + salt * 2147483647) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  h ^= h >>> 16;
  return ((h >>> 0) / 0xffffffff) * 2 - 1;
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

export interface DemoCell {
  row: number;
  col: number;
  geometry: PolygonGeometry;
  /** Index into the communities list (subdistrict band × 2 + north/south). */
  block: number;
}

/** The lattice and the cells, without ids or units (also used by the bench and the tests). */
export function demoGridCells(): { cells: DemoCell[]; outline: PolygonGeometry } {
  const { centre, rows, cols, cellM, jitter } = DEMO_GRID;
  const m = metresPerDegree(centre[1]);
  const dx = cellM / m.x;
  const dy = cellM / m.y;
  const x0 = centre[0] - (cols / 2) * dx;
  const yTop = centre[1] + (rows / 2) * dy;
  // Lattice vertex (i, j): i = 0 at the north edge, j = 0 at the west edge.
  const vertex = (i: number, j: number): [number, number] => {
    const inner = i > 0 && i < rows && j > 0 && j < cols;
    const jx = inner ? noise(i, j, 1) * jitter : 0;
    const jy = inner ? noise(i, j, 2) * jitter : 0;
    return [round7(x0 + (j + jx) * dx), round7(yTop - (i + jy) * dy)];
  };
  const lattice: [number, number][][] = [];
  for (let i = 0; i <= rows; i++) {
    const line: [number, number][] = [];
    for (let j = 0; j <= cols; j++) line.push(vertex(i, j));
    lattice.push(line);
  }
  const at = (i: number, j: number) => lattice[i]?.[j] as [number, number];
  // Wavy borders between the blocks, so the map reads as districts rather than a chessboard.
  const band = (r: number, c: number) => {
    const b1 = Math.round(cols / 3 + 2.2 * Math.sin(r / 6));
    const b2 = Math.round((2 * cols) / 3 + 2.2 * Math.sin(r / 5 + 1));
    return c < b1 ? 0 : c < b2 ? 1 : 2;
  };
  const south = (r: number, c: number) => r >= Math.round(rows / 2 + 2 * Math.sin(c / 4));
  const cells: DemoCell[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // Counter-clockwise (RFC 7946): south-west, south-east, north-east, north-west.
      const ring = [at(r + 1, c), at(r + 1, c + 1), at(r, c + 1), at(r, c), at(r + 1, c)];
      cells.push({
        row: r,
        col: c,
        geometry: { type: 'Polygon', coordinates: [ring] },
        block: band(r, c) * 2 + (south(r, c) ? 1 : 0),
      });
    }
  }
  const outline: number[][] = [];
  for (let j = 0; j <= cols; j++) outline.push(at(rows, j)); // south edge, west → east
  for (let i = rows - 1; i >= 0; i--) outline.push(at(i, cols)); // east edge, south → north
  for (let j = cols - 1; j >= 0; j--) outline.push(at(0, j)); // north edge, east → west
  for (let i = 1; i <= rows; i++) outline.push(at(i, 0)); // west edge, north → south (closes)
  return { cells, outline: { type: 'Polygon', coordinates: [outline] } };
}

/** The demo district's grid cells and outline, owned by the demo communities. */
export async function seedDemoGrids(tx: Tx, tenantId: string, units: SeedUnit[], now: Date): Promise<void> {
  const subdistricts = units.filter((u) => u.type === 'subdistrict').sort((a, b) => a.code.localeCompare(b.code));
  const communities = subdistricts.flatMap((s) =>
    units.filter((u) => u.type === 'community' && u.parentId === s.id).sort((a, b) => a.code.localeCompare(b.code)),
  );
  if (subdistricts.length !== 3 || communities.length !== 6) {
    throw new Error(
      `demo grid expects 3 subdistricts × 2 communities, got ${subdistricts.length} / ${communities.length}`,
    );
  }
  const { cells, outline } = demoGridCells();
  const seq = new Array<number>(communities.length).fill(0);
  const rows: repo.BulkCell[] = [];
  const linangang = communities.find((c) => c.name === '李南岗社区');
  const people = await repo.userIdsByUsername(tx, tenantId, ['unit_staff', 'field_worker']);
  const members: { tenantId: string; gridId: string; userId: string }[] = [];
  for (const cell of cells) {
    const community = communities[cell.block] as SeedUnit;
    const n = (seq[cell.block] ?? 0) + 1;
    seq[cell.block] = n;
    const [minLng, minLat, maxLng, maxLat] = bboxOf(cell.geometry);
    const id = randomUUID();
    // The demo accounts of 李南岗: the staff member leads its first 50 cells, the grid worker works them.
    const staffed = community === linangang && n <= 50;
    rows.push({
      id,
      code: `${community.code}${String(n).padStart(3, '0')}`,
      name: `${community.name}第${n}网格`,
      level: 1,
      unitId: community.id,
      leaderUserId: staffed ? (people.get('unit_staff') ?? null) : null,
      geometry: cell.geometry,
      minLng,
      minLat,
      maxLng,
      maxLat,
      areaM2: Math.round(geometryAreaM2(cell.geometry) * 10) / 10,
    });
    const worker = people.get('field_worker');
    if (staffed && worker) members.push({ tenantId, gridId: id, userId: worker });
  }
  await repo.insertCells(tx, { tenantId, sourceCrs: 'wgs84', isDemo: true, at: now }, rows);
  await repo.insertMembers(tx, members);
  const [minLng, minLat, maxLng, maxLat] = bboxOf(outline);
  await repo.insertDistrict(tx, {
    tenantId,
    id: randomUUID(),
    name: DEMO_GRID.districtName,
    geometry: outline,
    minLng,
    minLat,
    maxLng,
    maxLat,
    createdAt: now,
    updatedAt: now,
  });
}

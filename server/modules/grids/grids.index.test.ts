import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bboxOf, geometryAreaM2, geometryProblems, type PolygonGeometry } from '../../lib/geo.ts';
import { analyseGrid } from './grids.analysis.ts';
import { GridIndex, type IndexCellInput } from './grids.index.ts';
import { DEMO_GRID, demoGridCells } from './grids.seed.ts';

const square = (x: number, y: number, d: number): number[][] => [
  [x, y],
  [x + d, y],
  [x + d, y + d],
  [x, y + d],
  [x, y],
];
const cell = (code: string, geometry: PolygonGeometry): IndexCellInput => ({
  id: `id-${code}`,
  code,
  name: `cell ${code}`,
  unitId: null,
  geometry,
  bbox: bboxOf(geometry),
});
const sq = (code: string, x: number, y: number, d = 1) =>
  cell(code, { type: 'Polygon', coordinates: [square(x, y, d)] });

// 2 × 2 block of unit squares: codes increase west→east, south→north.
//   c3 | c4
//   c1 | c2
const block = [sq('003', 0, 1), sq('001', 0, 0), sq('004', 1, 1), sq('002', 1, 0)];

describe('point → cell', () => {
  const index = new GridIndex(block);

  test('inside a cell', () => {
    assert.equal(index.locate(0.5, 0.5)?.code, '001');
    assert.equal(index.locate(1.5, 1.5)?.code, '004');
  });

  test('outside every cell', () => {
    assert.equal(index.locate(-0.1, 0.5), null);
    assert.equal(index.locate(2.0001, 2), null);
    assert.equal(new GridIndex([]).locate(0, 0), null, 'an empty grid');
  });

  test('on a shared edge: the lowest code wins, whatever the input order', () => {
    assert.equal(index.locate(1, 0.5)?.code, '001', 'edge between 001 and 002');
    assert.equal(index.locate(0.5, 1)?.code, '001', 'edge between 001 and 003');
    assert.equal(index.locate(1.5, 1)?.code, '002', 'edge between 002 and 004');
    for (let k = 0; k < 5; k++) {
      const shuffled = [...block].sort(() => Math.random() - 0.5);
      assert.equal(new GridIndex(shuffled).locate(1, 0.5)?.code, '001');
    }
  });

  test('on the vertex shared by four cells: the lowest code', () => {
    assert.equal(index.locate(1, 1)?.code, '001');
    assert.deepEqual(
      index.locateAll(1, 1).map((c) => c.code),
      ['001', '002', '003', '004'],
    );
  });

  test('on the outer boundary: the cell whose edge it is (boundary counts as inside)', () => {
    assert.equal(index.locate(2, 0.5)?.code, '002');
    assert.equal(index.locate(0, 0)?.code, '001');
  });

  test('overlapping cells: the lowest code, even when the other one is listed first', () => {
    const idx = new GridIndex([sq('900', 0, 0, 2), sq('100', 1, 1, 2)]);
    assert.equal(idx.locate(1.5, 1.5)?.code, '100');
    assert.equal(idx.locate(0.5, 0.5)?.code, '900');
  });

  test('holes: a point in the hole belongs to the cell filling it, not to the ring around it', () => {
    const ring = cell('001', { type: 'Polygon', coordinates: [square(0, 0, 3), square(1, 1, 1)] });
    const fill = sq('002', 1, 1, 1);
    const idx = new GridIndex([ring, fill]);
    assert.equal(idx.locate(1.5, 1.5)?.code, '002', 'inside the hole');
    assert.equal(idx.locate(0.5, 0.5)?.code, '001');
    assert.equal(idx.locate(1, 1.5)?.code, '001', 'on the hole edge: both contain it, lowest code');
    assert.equal(new GridIndex([ring]).locate(1.5, 1.5), null, 'a hole alone is outside');
  });

  test('MultiPolygon cells', () => {
    const multi = cell('005', { type: 'MultiPolygon', coordinates: [[square(10, 10, 1)], [square(20, 20, 1)]] });
    const idx = new GridIndex([...block, multi]);
    assert.equal(idx.locate(20.5, 20.5)?.code, '005');
    assert.equal(idx.locate(15, 15), null, 'between the parts');
  });

  test('district containment distinguishes outside from a gap', () => {
    const idx = new GridIndex([sq('001', 0, 0)], {
      geometry: { type: 'Polygon', coordinates: [square(0, 0, 2)] },
      bbox: [0, 0, 2, 2],
    });
    assert.equal(idx.districtContains(1.5, 1.5), 'inside');
    assert.equal(idx.districtContains(3, 3), 'outside');
    assert.equal(new GridIndex([]).districtContains(0, 0), 'unknown');
  });
});

describe('the demo grid', () => {
  const { cells, outline } = demoGridCells();
  const inputs = cells.map((c, i) => cell(String(100000 + i), c.geometry));
  const index = new GridIndex(inputs);

  test('about 5,000 valid cells of about 100 m × 100 m, covering about 7 × 7 km', () => {
    assert.equal(cells.length, DEMO_GRID.rows * DEMO_GRID.cols);
    assert.ok(cells.length >= 4500 && cells.length <= 5500);
    for (const c of cells) assert.deepEqual(geometryProblems(c.geometry), []);
    const total = cells.reduce((s, c) => s + geometryAreaM2(c.geometry), 0);
    assert.ok(Math.abs(total - geometryAreaM2(outline)) < 1, 'cells tile the outline exactly');
    assert.ok(Math.abs(geometryAreaM2(outline) - 49e6) / 49e6 < 0.01, String(geometryAreaM2(outline)));
    const [x0, y0, x1, y1] = bboxOf(outline);
    assert.ok(x0 < 113.73 && x1 > 113.73 && y0 < 34.72 && y1 > 34.72, 'centred on 34.72° N, 113.73° E');
  });

  test('six contiguous blocks: three subdistrict bands west → east, two communities each', () => {
    const blocks = new Set(cells.map((c) => c.block));
    assert.deepEqual([...blocks].sort(), [0, 1, 2, 3, 4, 5]);
    const west = cells.filter((c) => c.col === 0).map((c) => c.block);
    assert.ok(
      west.every((b) => b === 0 || b === 1),
      'the west edge belongs to the first subdistrict',
    );
    const east = cells.filter((c) => c.col === DEMO_GRID.cols - 1).map((c) => c.block);
    assert.ok(east.every((b) => b === 4 || b === 5));
  });

  test('no overlaps and no gaps (exact overlap check, sampled gap check)', () => {
    const report = analyseGrid(
      cells.map((c, i) => ({ code: String(100000 + i), index: i, geometry: c.geometry, bbox: bboxOf(c.geometry) })),
      { geometry: outline, bbox: bboxOf(outline) },
    );
    assert.equal(report.overlapCount, 0);
    assert.equal(report.gaps?.uncoveredSamples, 0);
    assert.deepEqual(report.outsideDistrict, []);
  });

  test('every random point in the district lands in exactly one cell or, on an edge, the lowest code', () => {
    const [x0, y0, x1, y1] = bboxOf(outline);
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let k = 0; k < 5000; k++) {
      const x = x0 + rnd() * (x1 - x0);
      const y = y0 + rnd() * (y1 - y0);
      const all = index.locateAll(x, y);
      assert.ok(all.length >= 1, `point ${x},${y} not covered`);
      assert.equal(index.locate(x, y)?.code, all[0]?.code);
    }
  });

  test('the fast filtered test agrees with plain flatbush + robust-point-in-polygon, on the hard points too', () => {
    const probes: [number, number][] = [];
    for (const c of cells) {
      const ring = (c.geometry as { coordinates: number[][][] }).coordinates[0] as number[][];
      for (let k = 0; k + 1 < ring.length; k++) {
        const a = ring[k] as [number, number];
        const b = ring[k + 1] as [number, number];
        probes.push(a, [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], [a[0] + 1e-5, a[1]], [a[0] - 1e-9, a[1]]);
      }
    }
    let differ = 0;
    for (const [x, y] of probes) if (index.locateIndex(x, y) !== index.locateIndexSimple(x, y)) differ++;
    assert.equal(differ, 0, `${differ} of ${probes.length} probes differ`);
    const holes = new GridIndex([
      cell('001', { type: 'Polygon', coordinates: [square(0, 0, 3), square(1, 1, 1)] }),
      cell('002', { type: 'MultiPolygon', coordinates: [[square(10, 10, 1)], [square(1.2, 1.2, 0.5)]] }),
    ]);
    for (const [x, y] of [
      [1.5, 1.5],
      [1.3, 1.3],
      [1, 1],
      [0.5, 2],
      [10.5, 10.5],
      [3, 1],
    ] as const) {
      assert.equal(holes.locateIndex(x, y), holes.locateIndexSimple(x, y), `${x},${y}`);
    }
  });

  test('a shared lattice vertex resolves to the lowest code of the four cells around it', () => {
    const c = cells[DEMO_GRID.cols + 1];
    assert.ok(c);
    const v = (c.geometry as { coordinates: number[][][] }).coordinates[0]?.[0] as [number, number];
    const around = index.locateAll(v[0], v[1]);
    assert.equal(around.length, 4);
    assert.equal(index.locate(v[0], v[1])?.code, around.map((a) => a.code).sort()[0]);
  });
});

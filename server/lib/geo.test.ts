import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bboxOf,
  distanceM,
  findSelfIntersection,
  fromWgs84,
  geometryAreaM2,
  geometryProblems,
  geometryToWgs84,
  intersectionAreaM2,
  labelPointOf,
  metresPerDegree,
  type PolygonGeometry,
  pointInGeometry,
  preparePolygons,
  ringAreaM2,
  ringProblem,
  simplifyRing,
  toWgs84,
} from './geo.ts';

const square = (x: number, y: number, d: number): number[][] => [
  [x, y],
  [x + d, y],
  [x + d, y + d],
  [x, y + d],
  [x, y],
];
const poly = (...rings: number[][][]): PolygonGeometry => ({ type: 'Polygon', coordinates: rings });

describe('ring validation', () => {
  test('a closed square is valid, clockwise or not', () => {
    assert.equal(ringProblem(square(113, 34, 0.01)), null);
    assert.equal(ringProblem([...square(113, 34, 0.01)].reverse()), null);
  });

  test('not closed', () => {
    const r = square(113, 34, 0.01).slice(0, 4);
    r.push([113.001, 34]);
    assert.match(ringProblem(r)?.reason ?? '', /not closed/);
  });

  test('fewer than 4 positions', () => {
    assert.match(
      ringProblem([
        [113, 34],
        [113.1, 34],
        [113, 34],
      ])?.reason ?? '',
      /fewer than 4 positions/,
    );
  });

  test('repeated points leave fewer than 3 distinct vertices', () => {
    assert.match(
      ringProblem([
        [113, 34],
        [113.1, 34],
        [113.1, 34],
        [113, 34],
      ])?.reason ?? '',
      /fewer than 3 distinct/,
    );
  });

  test('collinear ring has no area', () => {
    const r = [
      [113, 34],
      [113.1, 34],
      [113.2, 34],
      [113, 34],
    ];
    assert.match(ringProblem(r)?.reason ?? '', /zero area|self-intersecting/);
  });

  test('a bow-tie crosses itself', () => {
    const bow = [
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
    ];
    const p = ringProblem(bow);
    assert.match(p?.reason ?? '', /self-intersecting/);
  });

  test('a ring touching itself at a vertex (pinch) is rejected', () => {
    const pinch = [
      [0, 0],
      [2, 0],
      [1, 1],
      [2, 2],
      [0, 2],
      [1, 1],
      [0, 0],
    ];
    assert.ok(findSelfIntersection(pinch));
  });

  test('a spike (an edge folding back on the previous one) is rejected', () => {
    const spike = [
      [0, 0],
      [2, 0],
      [3, 0],
      [2.5, 0],
      [2, 2],
      [0, 2],
      [0, 0],
    ];
    assert.ok(findSelfIntersection(spike));
  });

  test('collinear vertices on a straight edge are fine', () => {
    assert.equal(
      ringProblem([
        [0, 0],
        [1, 0],
        [2, 0],
        [2, 2],
        [0, 2],
        [0, 0],
      ]),
      null,
    );
  });

  test('non-finite and out-of-range coordinates', () => {
    const nan = square(113, 34, 0.01);
    nan[2] = [Number.NaN, 34];
    assert.deepEqual(ringProblem(nan), { reason: '坐标不是有限数值 (non-finite coordinates)', position: 2 });
    const inf = square(113, 34, 0.01);
    inf[1] = [Number.POSITIVE_INFINITY, 34];
    assert.match(ringProblem(inf)?.reason ?? '', /non-finite/);
    const far = square(113, 34, 0.01);
    far[1] = [200, 34];
    assert.match(ringProblem(far)?.reason ?? '', /out of range/);
    assert.match(
      ringProblem([
        [113, '34'],
        [1, 2],
        [3, 4],
        [113, '34'],
      ])?.reason ?? '',
      /not \[lng, lat\]/,
    );
  });

  test('a long valid ring is checked quickly (sort-and-sweep, not all pairs)', () => {
    const n = 20_000;
    const ring: number[][] = [];
    for (let i = 0; i < n; i++) {
      const a = (i / n) * 2 * Math.PI;
      ring.push([113 + 0.1 * Math.cos(a), 34 + 0.1 * Math.sin(a)]);
    }
    ring.push(ring[0] as number[]);
    const t0 = performance.now();
    assert.equal(ringProblem(ring), null);
    assert.ok(performance.now() - t0 < 2000, 'under 2 s');
  });
});

describe('geometry validation', () => {
  test('wrong geometry type', () => {
    const p = geometryProblems({
      type: 'LineString',
      coordinates: [
        [0, 0],
        [1, 1],
      ],
    });
    assert.equal(p.length, 1);
    assert.match(p[0]?.reason ?? '', /wrong geometry type: LineString/);
    assert.match(geometryProblems(null)[0]?.reason ?? '', /no geometry/);
  });

  test('problems name the polygon and ring of a MultiPolygon', () => {
    const bad = square(0, 0, 1).slice(0, 3);
    const p = geometryProblems({ type: 'MultiPolygon', coordinates: [[square(5, 5, 1)], [square(0, 0, 1), bad]] });
    assert.equal(p.length, 1);
    assert.equal(p[0]?.where, 'polygon 1, ring 1');
    assert.match(p[0]?.reason ?? '', /fewer than 4/);
  });

  test('a hole outside its outer ring', () => {
    const p = geometryProblems(poly(square(0, 0, 1), square(2, 2, 0.5)));
    assert.match(p[0]?.reason ?? '', /hole outside/);
    assert.deepEqual(geometryProblems(poly(square(0, 0, 1), square(0.25, 0.25, 0.5))), []);
  });
});

describe('measures', () => {
  test('a 0.01° square near Zhengzhou is about 1.02 km²', () => {
    const m = metresPerDegree(34.725);
    const expected = 0.01 * m.x * 0.01 * m.y;
    const area = ringAreaM2(square(113.73, 34.72, 0.01));
    assert.ok(Math.abs(area - expected) / expected < 0.005, `${area} vs ${expected}`);
    assert.ok(area > 1_010_000 && area < 1_030_000, String(area));
  });

  test('holes are subtracted, MultiPolygons added', () => {
    const outer = ringAreaM2(square(0, 0, 0.01));
    const hole = ringAreaM2(square(0.0025, 0.0025, 0.005));
    assert.ok(
      Math.abs(geometryAreaM2(poly(square(0, 0, 0.01), square(0.0025, 0.0025, 0.005))) - (outer - hole)) < 1e-6,
    );
    const multi = geometryAreaM2({ type: 'MultiPolygon', coordinates: [[square(0, 0, 0.01)], [square(1, 0, 0.01)]] });
    assert.ok(Math.abs(multi - 2 * outer) < 1);
  });

  test('bbox and distance', () => {
    assert.deepEqual(bboxOf(poly(square(113, 34, 0.5))), [113, 34, 113.5, 34.5]);
    const d = distanceM([113.73, 34.72], [113.73, 34.73]);
    assert.ok(Math.abs(d - 1113.2) < 1, String(d));
  });
});

describe('point in polygon', () => {
  const g = poly(square(0, 0, 4), square(1, 1, 2));
  test('inside, outside, on the edge, on a vertex, in the hole, on the hole edge', () => {
    assert.equal(pointInGeometry(g, 0.5, 0.5), 'inside');
    assert.equal(pointInGeometry(g, 5, 5), 'outside');
    assert.equal(pointInGeometry(g, 0, 2), 'boundary');
    assert.equal(pointInGeometry(g, 4, 4), 'boundary');
    assert.equal(pointInGeometry(g, 2, 2), 'outside', 'in the hole');
    assert.equal(pointInGeometry(g, 1, 2), 'boundary', 'on the hole edge');
  });

  test('every vertex is on the boundary (works around robust-point-in-polygon issues #2, #3)', () => {
    const parallelogram = poly([
      [1, 1],
      [1, 2],
      [2, 3],
      [2, 2],
      [1, 1],
    ]);
    for (const [x, y] of [
      [1, 1],
      [1, 2],
      [2, 3],
      [2, 2],
    ] as const)
      assert.equal(pointInGeometry(parallelogram, x, y), 'boundary', `${x},${y}`);
    const tri = poly([
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ]);
    assert.equal(pointInGeometry(tri, 1, 1), 'boundary');
  });

  test('MultiPolygon: in either part', () => {
    const m: PolygonGeometry = { type: 'MultiPolygon', coordinates: [[square(0, 0, 1)], [square(2, 0, 1)]] };
    assert.equal(pointInGeometry(m, 2.5, 0.5), 'inside');
    assert.equal(pointInGeometry(m, 1.5, 0.5), 'outside');
  });

  test('exact on a slanted edge with awkward decimals', () => {
    const tri = poly([
      [113.1, 34.1],
      [113.3, 34.1],
      [113.1, 34.3],
      [113.1, 34.1],
    ]);
    // The midpoint of the hypotenuse is representable only approximately; the predicate is exact
    // for the floating-point point given, so test a point whose position is exact: a vertex.
    assert.equal(pointInGeometry(tri, 113.3, 34.1), 'boundary');
    assert.equal(pointInGeometry(tri, 113.15, 34.15), 'inside');
  });

  test('label point lies inside, also for a U shape', () => {
    const u = poly([
      [0, 0],
      [3, 0],
      [3, 3],
      [2, 3],
      [2, 1],
      [1, 1],
      [1, 3],
      [0, 3],
      [0, 0],
    ]);
    const [x, y] = labelPointOf(u);
    assert.equal(pointInGeometry(u, x, y), 'inside');
  });
});

describe('coordinate systems', () => {
  test('GCJ-02 round trip stays within a centimetre, and the offset near Zhengzhou is ~500–700 m', () => {
    const wgs: [number, number] = [113.73, 34.72];
    const gcj = fromWgs84(wgs[0], wgs[1], 'gcj02');
    const back = toWgs84(gcj[0], gcj[1], 'gcj02');
    assert.ok(distanceM(wgs, back) < 0.01, `round trip ${distanceM(wgs, back)} m`);
    const shift = distanceM(wgs, gcj);
    assert.ok(shift > 400 && shift < 800, `GCJ-02 shift ${shift} m`);
  });

  test('BD-09 round trip', () => {
    const bd = fromWgs84(113.73, 34.72, 'bd09');
    const back = toWgs84(bd[0], bd[1], 'bd09');
    assert.ok(distanceM([113.73, 34.72], back) < 0.05);
    assert.ok(distanceM([113.73, 34.72], bd) > 800);
  });

  test('WGS-84 is unchanged; geometries convert every position and drop altitude', () => {
    assert.deepEqual(toWgs84(113.73, 34.72, 'wgs84'), [113.73, 34.72]);
    const g = geometryToWgs84(
      {
        type: 'Polygon',
        coordinates: [
          [
            [113.73, 34.72, 100],
            [113.74, 34.72, 100],
            [113.74, 34.73, 100],
            [113.73, 34.72, 100],
          ],
        ],
      },
      'gcj02',
    );
    const ring = (g as { coordinates: number[][][] }).coordinates[0] as number[][];
    assert.equal(ring.length, 4);
    assert.equal(ring[0]?.length, 2);
    assert.deepEqual(ring[0], ring[3], 'still closed');
    assert.ok(Math.abs((ring[0]?.[0] as number) - 113.73) > 0.003);
  });
});

describe('overlap area (exact scanline)', () => {
  const prep = (g: PolygonGeometry) => [preparePolygons(g), bboxOf(g)] as const;
  test('half-overlapping squares share half a square', () => {
    const [a, ab] = prep(poly(square(113.7, 34.7, 0.01)));
    const [b, bb] = prep(poly(square(113.705, 34.7, 0.01)));
    const area = intersectionAreaM2(a, ab, b, bb);
    const half = ringAreaM2(square(113.7, 34.7, 0.01)) / 2;
    assert.ok(Math.abs(area - half) / half < 0.01, `${area} vs ${half}`);
  });

  test('squares sharing an edge or a vertex do not overlap', () => {
    const [a, ab] = prep(poly(square(113.7, 34.7, 0.01)));
    const [b, bb] = prep(poly(square(113.71, 34.7, 0.01)));
    const [c, cb] = prep(poly(square(113.71, 34.71, 0.01)));
    // 113.7 + 0.01 is not exactly 113.71 in floating point: what remains is float noise (< 1 cm²).
    assert.ok(intersectionAreaM2(a, ab, b, bb) < 1e-4);
    assert.ok(intersectionAreaM2(a, ab, c, cb) < 1e-4);
    const [d, db] = prep(
      poly([
        [113.71, 34.7],
        [113.72, 34.7],
        [113.72, 34.71],
        [113.71, 34.71],
        [113.71, 34.7],
      ]),
    );
    const [e, eb] = prep(
      poly([
        [113.7, 34.7],
        [113.71, 34.7],
        [113.71, 34.71],
        [113.7, 34.71],
        [113.7, 34.7],
      ]),
    );
    assert.equal(intersectionAreaM2(d, db, e, eb), 0, 'identical shared vertices: exactly 0');
  });

  test('a rotated square crossing another (edge crossings between vertices)', () => {
    // Diamond centred on the corner of the unit square: the overlap is a quarter of the diamond.
    const diamond = poly([
      [1, 0.5],
      [1.5, 1],
      [1, 1.5],
      [0.5, 1],
      [1, 0.5],
    ]);
    const [a, ab] = prep(poly(square(0, 0, 1)));
    const [b, bb] = prep(diamond);
    const m = metresPerDegree(0.75);
    const expected = 0.125 * m.x * m.y; // diamond area 0.5, a quarter of it
    assert.ok(Math.abs(intersectionAreaM2(a, ab, b, bb) - expected) / expected < 1e-9);
  });

  test('a hole is not overlap', () => {
    const [a, ab] = prep(poly(square(0, 0, 4), square(1, 1, 2)));
    const [b, bb] = prep(poly(square(1.5, 1.5, 1)));
    assert.equal(intersectionAreaM2(a, ab, b, bb), 0);
  });
});

test('simplify keeps a square and thins a dense circle, staying valid', () => {
  const sq = square(113, 34, 0.01);
  assert.deepEqual(simplifyRing(sq, 10), sq);
  const ring: number[][] = [];
  for (let i = 0; i < 400; i++) {
    const a = (i / 400) * 2 * Math.PI;
    ring.push([113 + 0.01 * Math.cos(a), 34 + 0.01 * Math.sin(a)]);
  }
  ring.push(ring[0] as number[]);
  const s = simplifyRing(ring, 5);
  assert.ok(s.length < 100 && s.length >= 4, String(s.length));
  assert.equal(ringProblem(s), null);
});

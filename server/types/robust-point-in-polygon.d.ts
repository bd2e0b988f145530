/** robust-point-in-polygon ships no types. Exact orientation tests (robust-orientation) decide the edge cases. */
declare module 'robust-point-in-polygon' {
  /**
   * Where `point` lies relative to the ring `vs` (positions, closing duplicate optional):
   * -1 inside, 0 on the boundary, 1 outside.
   */
  export default function robustPointInPolygon(
    vs: ReadonlyArray<readonly [number, number] | readonly number[]>,
    point: readonly [number, number] | readonly number[],
  ): -1 | 0 | 1;
}

/**
 * Property suite of the HJ 212 codec and framer (fast-check). Bounded for CI: HJ212_FUZZ_RUNS sets the runs per
 * property (default 300); long runs: `npm run fuzz:hj212 -- --runs 1000000`.
 */
import { test } from 'node:test';
import fc from 'fast-check';
import { hj212Properties } from './hj212.properties.ts';

const runs = Number(process.env.HJ212_FUZZ_RUNS) > 0 ? Math.floor(Number(process.env.HJ212_FUZZ_RUNS)) : 300;

for (const { name, property } of hj212Properties()) {
  test(name, () => {
    fc.assert(property, { numRuns: runs });
  });
}

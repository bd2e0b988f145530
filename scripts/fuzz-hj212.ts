/**
 * `npm run fuzz:hj212 -- --runs 1000000 [--seed 42] [--only substring] [--path p]`: runs the HJ 212 codec/framer properties
 * (server/modules/sensors/hj212/hj212.properties.ts, the same ones hj212.property.test.ts runs briefly) for N runs
 * each, prints runs / failures / elapsed per property and a markdown snippet for bench/RESULTS.md. Exit code 1 on any
 * failure (the counterexample and its replay seed/path are printed; `--seed S --path P --only name` replays it).
 */
import os from 'node:os';
import fc from 'fast-check';
import { hj212Properties } from '../server/modules/sensors/hj212/hj212.properties.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const runs = Math.max(1, Math.floor(Number(arg('runs') ?? 10_000)));
const seed = arg('seed') !== undefined ? Number(arg('seed')) : Math.floor(Math.random() * 2 ** 31);
const only = arg('only');
const replayPath = arg('path');
if (!Number.isFinite(runs) || !Number.isFinite(seed)) {
  process.stderr.write('usage: fuzz-hj212 [--runs N] [--seed S] [--only substring] [--path P]\n');
  process.exit(2);
}

interface Row {
  name: string;
  runs: number;
  failures: number;
  ms: number;
}

const rows: Row[] = [];
let failed = false;
const started = performance.now();
for (const { name, property } of hj212Properties()) {
  if (only !== undefined && !name.includes(only)) continue;
  process.stdout.write(`${name}: ${runs.toLocaleString('en')} runs… `);
  const t0 = performance.now();
  const details = fc.check(property, {
    numRuns: runs,
    seed,
    ...(replayPath !== undefined ? { path: replayPath } : {}),
  });
  const ms = performance.now() - t0;
  rows.push({ name, runs: details.numRuns, failures: details.failed ? 1 : 0, ms });
  if (details.failed) {
    failed = true;
    process.stdout.write(`FAILED after ${details.numRuns} runs (${(ms / 1000).toFixed(1)} s)\n`);
    process.stdout.write(
      `  counterexample: ${fc.stringify(details.counterexample)}\n  replay: { seed: ${details.seed}, path: "${details.counterexamplePath}" }\n`,
    );
    if (details.errorInstance instanceof Error) process.stdout.write(`  error: ${details.errorInstance.message}\n`);
  } else {
    process.stdout.write(`ok (${(ms / 1000).toFixed(1)} s)\n`);
  }
}
const totalMs = performance.now() - started;
const totalRuns = rows.reduce((n, r) => n + r.runs, 0);
const fmt = (n: number) => Math.round(n).toLocaleString('en');

const md = [
  '## HJ 212 codec fuzzing (fast-check properties)',
  '',
  `\`npm run fuzz:hj212 -- --runs ${runs}\` (seed ${seed}) on ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
  '',
  '| property | runs | failures | elapsed | runs/s |',
  '|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${fmt(r.runs)} | ${r.failures} | ${(r.ms / 1000).toFixed(1)} s | ${fmt(r.runs / (r.ms / 1000))} |`,
  ),
  `| **total** | ${fmt(totalRuns)} | ${rows.reduce((n, r) => n + r.failures, 0)} | ${(totalMs / 1000).toFixed(1)} s | ${fmt(totalRuns / (totalMs / 1000))} |`,
  '',
].join('\n');
process.stdout.write(`\n${md}\n`);
process.exit(failed ? 1 : 0);

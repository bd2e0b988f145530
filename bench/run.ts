/**
 * `npm run bench [name…]`: run the benchmarks and write bench/RESULTS.md, one section per benchmark.
 * A partial run (names given) replaces only its own sections and keeps the others, each section
 * marked with the benchmark it came from and the day it was measured.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = import.meta.dirname;
const resultsPath = path.join(dir, 'RESULTS.md');
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
if (files.length === 0) {
  process.stderr.write(`no benchmark matches ${wanted.join(', ')}\n`);
  process.exit(2);
}

const MARK = /^<!-- bench:([a-z0-9-]+) (\d{4}-\d{2}-\d{2}) -->$/;

/** The sections already in RESULTS.md, by benchmark name (text without the marker line). */
function readSections(): Map<string, { day: string; text: string }> {
  const out = new Map<string, { day: string; text: string }>();
  if (!existsSync(resultsPath)) return out;
  let current: { name: string; day: string; lines: string[] } | null = null;
  for (const line of readFileSync(resultsPath, 'utf8').split('\n')) {
    const m = MARK.exec(line);
    if (m) {
      if (current) out.set(current.name, { day: current.day, text: current.lines.join('\n').trim() });
      current = { name: m[1] as string, day: m[2] as string, lines: [] };
    } else current?.lines.push(line);
  }
  if (current) out.set(current.name, { day: current.day, text: current.lines.join('\n').trim() });
  return out;
}

const today = new Date().toISOString().slice(0, 10);
const sections = readSections();
for (const f of files) {
  const name = f.replace(/\.bench\.ts$/, '');
  process.stdout.write(`running ${f}…\n`);
  const mod = (await import(path.join(dir, f))) as { run: () => Promise<string> };
  const md = await mod.run();
  process.stdout.write(`${md}\n`);
  sections.set(name, { day: today, text: md.trim() });
}
// Sections without a benchmark file (e.g. the fuzz run, pasted by hand) are kept as they are.
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const body = [...sections.entries()]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([name, s]) => `<!-- bench:${name} ${s.day} -->\n${s.text}\n`)
  .join('\n');
const header = [
  '# Benchmark results',
  '',
  `Last written ${today} on ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; each section's marker says the day it was measured.`,
  'Regenerate with `npm run bench` (one benchmark: `npm run bench -- startup`; only its section is replaced).',
  '',
].join('\n');
writeFileSync(resultsPath, `${header}\n${body}`);
// Biome formats Markdown tables too; format here so `npm run lint` stays clean after a run.
spawnSync(
  process.execPath,
  [path.join(dir, '../node_modules/@biomejs/biome/bin/biome'), 'format', '--write', resultsPath],
  {
    stdio: 'ignore',
  },
);
process.stdout.write(`wrote ${path.relative(process.cwd(), resultsPath)}\n`);

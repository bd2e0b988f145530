/** `npm run bench [name…]`: run the benchmarks and write bench/RESULTS.md (one section per benchmark). */
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

const sections: string[] = [];
for (const f of files) {
  process.stdout.write(`running ${f}…\n`);
  const mod = (await import(path.join(dir, f))) as { run: () => Promise<string> };
  const md = await mod.run();
  process.stdout.write(`${md}\n`);
  sections.push(md);
}
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const header = [
  '# Benchmark results',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
  'Regenerate with `npm run bench` (one benchmark: `npm run bench -- startup`).',
  '',
].join('\n');
if (wanted.length === 0) writeFileSync(path.join(dir, 'RESULTS.md'), `${header}\n${sections.join('\n')}`);
else process.stdout.write('(partial run: RESULTS.md not rewritten)\n');

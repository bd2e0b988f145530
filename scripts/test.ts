/**
 * `npm test`: unit and integration tests on PGlite; the integration tier again on PostgreSQL when
 * TEST_DATABASE_URL is set; the browser tier when Chromium is installed (otherwise one line says so).
 * `--tier unit|integration|postgres|e2e` runs one tier.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const only = args.includes('--tier') ? args[args.indexOf('--tier') + 1] : undefined;

function find(dir: string, suffix: string, out: string[] = []): string[] {
  for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) find(rel, suffix, out);
    else if (e.name.endsWith(suffix)) out.push(rel);
  }
  return out.sort();
}

const unit = [...find('server', '.test.ts'), ...find('common', '.test.ts')].filter((f) => !f.endsWith('.int.test.ts'));
const integration = find('server', '.int.test.ts');
const e2e = find('e2e', '.e2e.ts');

function run(name: string, files: string[], env: Record<string, string> = {}): boolean {
  if (files.length === 0) return true;
  process.stdout.write(`\n=== ${name}: ${files.length} file(s) ===\n`);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
  );
  return r.status === 0;
}

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const results: [string, boolean][] = [];
if (!only || only === 'unit') results.push(['unit', run('unit', unit)]);
if (!only || only === 'integration')
  results.push(['integration (PGlite)', run('integration on PGlite', integration, { TEST_ENGINE: 'pglite' })]);
if (!only || only === 'postgres') {
  if (process.env.TEST_DATABASE_URL) {
    results.push([
      'integration (PostgreSQL)',
      run('integration on PostgreSQL', integration, { TEST_ENGINE: 'postgres' }),
    ]);
  } else {
    process.stdout.write('\nPostgreSQL tier skipped: TEST_DATABASE_URL is not set.\n');
  }
}
if (!only || only === 'e2e') {
  if (existsSync(chromium)) results.push(['e2e (Chromium)', run('e2e in Chromium', e2e, { CHROMIUM_PATH: chromium })]);
  else
    process.stdout.write(
      `\nBrowser tier skipped: no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH).\n`,
    );
}
process.stdout.write(`\n${results.map(([n, ok]) => `${ok ? 'PASS' : 'FAIL'} ${n}`).join('\n')}\n`);
process.exit(results.every(([, ok]) => ok) ? 0 : 1);

/** `npm start`: build the web app if its build is missing or older than its sources, then start the server. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const built = path.join(root, 'web/dist/index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const sources = Math.max(newestMtime(path.join(root, 'web')), newestMtime(path.join(root, 'common')));
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  process.stdout.write('Building the web app (web/dist is missing or stale)…\n');
  const t0 = performance.now();
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'web/vite.config.ts'), logLevel: 'warn' });
  process.stdout.write(`Web app built in ${Math.round(performance.now() - t0)} ms\n`);
}
await import('../server/main.ts');

/**
 * First and second start of the embedded-database server (empty DATA_DIR, then the same one again),
 * and its resident memory once idle. The web build is done beforehand so it is not counted.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

async function startOnce(
  dataDir: string,
  port: number,
): Promise<{ readyMs: number; idleRssMb: number; wallMs: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', SENSORS_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  child.stderr.on('data', (d) => {
    out += String(d);
  });
  while (!out.includes('ready in')) {
    if (child.exitCode !== null) throw new Error(out);
    await new Promise((r) => setTimeout(r, 20));
  }
  const wallMs = performance.now() - t0;
  const readyMs = Number(/ready in (\d+) ms/.exec(out)?.[1]);
  // Let start-up garbage settle, then read the resident set from /proc.
  await new Promise((r) => setTimeout(r, 10_000));
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const idleRssMb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return { readyMs, idleRssMb, wallMs };
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gc-bench-start-'));
  try {
    const first = await startOnce(dir, 3911);
    const second = await startOnce(dir, 3911);
    const f = (n: number) => Math.round(n).toLocaleString('en');
    return [
      '## Start-up on the embedded database (PGlite)',
      '',
      'Process spawn to "ready" (web app already built), then resident memory after 10 s idle.',
      '',
      '| start | wall time to ready | reported by server | idle RSS |',
      '|---|---|---|---|',
      `| first (empty DATA_DIR: create, migrate, seed demo) | ${f(first.wallMs)} ms | ${f(first.readyMs)} ms | ${f(first.idleRssMb)} MB |`,
      `| second (same DATA_DIR) | ${f(second.wallMs)} ms | ${f(second.readyMs)} ms | ${f(second.idleRssMb)} MB |`,
      '',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

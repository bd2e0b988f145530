/**
 * Starts the real server the way `npm start` does (web build if stale, migrate, demo seed) on a free
 * port and a throw-away data directory, and opens Debian's Chromium through playwright-core.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Running {
  baseUrl: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Start `npm start`'s entry point and wait until it prints that it is ready. */
export async function startServer(env: Record<string, string> = {}): Promise<Running> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gc-e2e-'));
  const port = await freePort();
  let out = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    // SENSORS_PORT 0: several servers (tests in parallel, a developer's own) must not fight over 9212.
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SENSORS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const deadline = Date.now() + 240_000;
  while (!out.includes('ready in')) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) throw new Error(`server not ready in time:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => out,
    stop: async () => {
      let code = child.exitCode;
      if (code === null) {
        const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
        child.kill('SIGTERM');
        code = await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
      // Graceful shutdown: in-flight requests finish, the database closes, the process exits 0.
      if (code !== 0) throw new Error(`server exited ${code} on SIGTERM:\n${out}`);
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

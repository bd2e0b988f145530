/**
 * A throw-away PostgreSQL cluster for benchmarks (initdb in a temp dir, a free port, stopped and
 * removed afterwards), run as the postgres user when we are root — as .ci/run does. Null when the
 * Debian postgresql package is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Cluster {
  url: string;
  version: string;
  stop(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(`${root}/${v}/bin/initdb`)) return `${root}/${v}/bin`;
  return null;
}

/** Start a cluster; `durable` keeps fsync on (what a production server does), otherwise fsync=off. */
export async function startCluster(opts: { durable?: boolean; maxConnections?: number } = {}): Promise<Cluster | null> {
  const bin = postgresBin();
  if (!bin) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gc-bench-pg-'));
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const run = (cmd: string, args: string[]) => {
    const r = asRoot
      ? spawnSync('runuser', ['-u', 'postgres', '--', `${bin}/${cmd}`, ...args], { encoding: 'utf8' })
      : spawnSync(`${bin}/${cmd}`, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  run('initdb', ['-D', `${dir}/data`, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  const settings = [
    'listen_addresses=127.0.0.1',
    `port=${port}`,
    `unix_socket_directories=${dir}`,
    `fsync=${opts.durable ? 'on' : 'off'}`,
    `max_connections=${opts.maxConnections ?? 100}`,
    'shared_buffers=256MB',
    'jit=off',
  ];
  run('pg_ctl', [
    '-D',
    `${dir}/data`,
    '-w',
    '-l',
    `${dir}/log`,
    '-o',
    settings.map((s) => `-c ${s}`).join(' '),
    'start',
  ]);
  const version = run('postgres', ['--version']).trim();
  return {
    // BENCH_PG_SOCKET=1: reach it through its Unix socket (measured the same as TCP for intake).
    url: process.env.BENCH_PG_SOCKET
      ? `postgres://postgres@localhost:${port}/postgres?host=${encodeURIComponent(dir)}`
      : `postgres://postgres@127.0.0.1:${port}/postgres`,
    version,
    stop: () => {
      try {
        run('pg_ctl', ['-D', `${dir}/data`, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

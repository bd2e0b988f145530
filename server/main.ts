/**
 * Starts the roles named in ROLES (api, worker, sensors). With PGlite all run in this process; with
 * PostgreSQL each may run in its own process, and several api processes side by side.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/client.ts';
import { migrateDatabase } from './db/migrate.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './db/seed/demo.ts';
import { seedIfEmpty } from './db/seed/seed.service.ts';
import type { Deps } from './deps.ts';
import { buildApp } from './http/app.ts';
import { registerCoreJobs } from './jobs/core.jobs.ts';
import { Worker } from './jobs/worker.ts';
import { systemClock } from './lib/clock.ts';
import { createLogger } from './log.ts';
import { registerCaseJobs } from './modules/cases/index.ts';
import { registerNotificationJobs } from './modules/notifications/index.ts';
import { registerSensorJobs, type SensorListener, startSensorListener } from './modules/sensors/index.ts';

async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: path.join(config.DATA_DIR, 'pg'),
  });
  await migrateDatabase(database, config.DATABASE_URL);
  const deps: Deps = { config, database, clock: systemClock, log };
  const seed = await seedIfEmpty(deps);

  let app: FastifyInstance | null = null;
  let worker: Worker | null = null;
  if (config.ROLES.includes('worker')) {
    worker = new Worker(deps);
    await registerCoreJobs(worker, deps);
    await registerNotificationJobs(worker, deps);
    await registerCaseJobs(worker, deps);
    await registerSensorJobs(worker, deps);
    worker.start();
  }
  let sensors: SensorListener | null = null;
  if (config.ROLES.includes('sensors')) sensors = await startSensorListener(deps, { port: config.SENSORS_PORT });
  if (config.ROLES.includes('api')) {
    app = await buildApp(deps, { webDist: config.WEB_DIST });
    await app.listen({ port: config.PORT, host: config.HOST });
  }

  const ms = Math.round(performance.now() - started);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out('');
  out(`GridCommand 网格化攻坚指挥平台 — ready in ${ms} ms (${database.engine}, roles: ${config.ROLES.join(',')})`);
  if (app) out(`  Web:  http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}/`);
  if (app) out(`  API:  http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}/api/docs`);
  if (sensors) out(`  HJ 212 listener: ${sensors.host}:${sensors.port}`);
  if (config.DEMO) {
    out(`  Demo accounts (password ${DEMO_PASSWORD}): ${DEMO_ACCOUNTS.map((a) => a.username).join(', ')}`);
    out('  Admins also need a TOTP code: npm run demo:totp');
  }
  for (const n of seed.notes) out(`  ${n}`);
  out('');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      // Stop taking requests and let in-flight ones finish, then frames, then jobs, then close the database.
      if (app) await app.close();
      // The listener stores what it has received and acknowledges it before the database closes.
      if (sensors) await sensors.close();
      if (worker) await worker.stop();
      await database.close();
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`GridCommand failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  if (process.env.LOG_LEVEL === 'debug') console.error(err);
  process.exit(1);
});

/** Liveness, readiness and metrics for operators and orchestrators. */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { migrationStatus } from '../db/migrate.ts';
import type { Deps } from '../deps.ts';
import { PUBLIC } from './access.ts';
import { registry } from './metrics.ts';

export function registerOpsRoutes(app: FastifyInstance, deps: Deps): void {
  app.get('/healthz', { config: { access: PUBLIC }, schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { access: PUBLIC }, schema: { hide: true } }, async (_req, reply) => {
    const checks: Record<string, string> = {};
    try {
      await deps.database.db.execute(sql`select 1`);
      checks.database = 'ok';
      const m = await migrationStatus(deps.database);
      checks.migrations = m.applied === m.expected ? 'ok' : `applied ${m.applied} of ${m.expected}`;
    } catch {
      checks.database = 'unreachable';
    }
    const ok = Object.values(checks).every((v) => v === 'ok');
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks });
  });

  app.get('/metrics', { config: { access: PUBLIC }, schema: { hide: true } }, async (_req, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}

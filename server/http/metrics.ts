/** Prometheus metrics: default process metrics plus request counts and latency by route. */
import type { FastifyInstance } from 'fastify';
import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

const httpDuration = new client.Histogram({
  name: 'gridcommand_http_request_duration_seconds',
  help: 'HTTP request duration by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const jobsProcessed = new client.Counter({
  name: 'gridcommand_jobs_processed_total',
  help: 'Background jobs processed, by kind and outcome',
  labelNames: ['kind', 'outcome'] as const,
  registers: [registry],
});

export function installMetrics(app: FastifyInstance): void {
  app.addHook('onResponse', async (req, reply) => {
    httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

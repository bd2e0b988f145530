import type { Matrix } from '../test/authz.ts';

export const MATRIX: Matrix = {
  'GET /healthz': { access: 'public', request: () => ({ method: 'GET', url: '/healthz' }) },
  'GET /readyz': { access: 'public', request: () => ({ method: 'GET', url: '/readyz' }) },
  'GET /metrics': { access: 'public', request: () => ({ method: 'GET', url: '/metrics' }) },
  'GET /api/openapi.json': { access: 'public', request: () => ({ method: 'GET', url: '/api/openapi.json' }) },
  'GET /': { access: 'public', request: () => ({ method: 'GET', url: '/' }) },
  'GET /*': { access: 'public', request: () => ({ method: 'GET', url: '/org' }) },
  'GET /api/docs': { access: 'public' },
  'HEAD /api/docs/': { access: 'public' },
  'GET /api/docs/static/index.html': { access: 'public' },
  'GET /api/docs/static/swagger-initializer.js': { access: 'public' },
  'GET /api/docs/json': { access: 'public', request: () => ({ method: 'GET', url: '/api/docs/json' }) },
  'GET /api/docs/yaml': { access: 'public' },
  'GET /api/docs/static/*': { access: 'public' },
};

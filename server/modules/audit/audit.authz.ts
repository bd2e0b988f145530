import type { Matrix } from '../../test/authz.ts';

export const MATRIX: Matrix = {
  'GET /api/v1/audit-events': {
    access: 'permission:audit.read',
    request: () => ({ method: 'GET', url: '/api/v1/audit-events' }),
  },
  'GET /api/v1/audit-events/verify': {
    access: 'permission:audit.verify',
    request: () => ({ method: 'GET', url: '/api/v1/audit-events/verify' }),
  },
};

export { registerRoutingRoutes } from './routing.routes.ts';
export { seedDemoRouting } from './routing.seed.ts';
export { explain } from './routing.service.ts';

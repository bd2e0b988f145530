export { registerRoutingRoutes } from './routing.routes.ts';
export { seedDemoRouting } from './routing.seed.ts';
export { explain, pointGridRuleAt } from './routing.service.ts';

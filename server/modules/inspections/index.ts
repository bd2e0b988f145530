export { registerInspectionsRoutes } from './inspections.routes.ts';
export { fieldOpSummary, getOrder, listOrders } from './inspections.service.ts';

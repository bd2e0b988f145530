export { registerOrgRoutes } from './org.routes.ts';
export { districtOverview, listUnits, getUnit } from './org.service.ts';

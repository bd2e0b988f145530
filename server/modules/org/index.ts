export { registerOrgRoutes } from './org.routes.ts';
export { districtOverview, getUnit, listUnits } from './org.service.ts';

export { registerCaseJobs } from './cases.jobs.ts';
export { registerCasesRoutes } from './cases.routes.ts';
export { createCase, getCase, intake, transition } from './cases.service.ts';

export { registerCaseJobs } from './cases.jobs.ts';
export { nextNumber } from './cases.repo.ts';
export { registerCasesRoutes } from './cases.routes.ts';
export {
  appendCaseEvent,
  type CreateCaseOptions,
  createCase,
  getCase,
  intake,
  transition,
} from './cases.service.ts';

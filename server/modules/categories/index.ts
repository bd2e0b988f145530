export { registerCategoriesRoutes } from './categories.routes.ts';
export { seedDemoCategories } from './categories.seed.ts';
export { categoryByCode, categoryRuleVersion } from './categories.service.ts';

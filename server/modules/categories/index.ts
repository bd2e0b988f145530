export { registerCategoriesRoutes } from './categories.routes.ts';
export { seedDemoCategories } from './categories.seed.ts';
export {
  categoryByCode,
  categoryByCodeAt,
  categoryRuleVersion,
  categoryRuleVersionAt,
} from './categories.service.ts';

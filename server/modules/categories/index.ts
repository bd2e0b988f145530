export { seedDemoCategories } from './categories.seed.ts';

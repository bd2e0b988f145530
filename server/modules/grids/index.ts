export { type SeedUnit, seedDemoGrids } from './grids.seed.ts';

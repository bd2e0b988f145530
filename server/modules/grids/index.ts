export { toWgs84 } from '../../lib/geo.ts';
export {
  GridIndex,
  gridIndexFor,
  invalidateGridIndex,
  type LocatedCell,
  locatePoint,
} from './grids.index.ts';
export { registerGridsRoutes } from './grids.routes.ts';
export { DEMO_GRID, demoGridCells, type SeedUnit, seedDemoGrids } from './grids.seed.ts';

/**
 * The whole schema, for drizzle-kit and the drizzle client: the core tables (tenants, org, users,
 * sessions, audit, jobs) plus each module's own tables.
 */

export * from '../modules/categories/categories.schema.ts';
export * from '../modules/grids/grids.schema.ts';
export * from '../modules/org/org.schema.ts';
export * from '../modules/routing/routing.schema.ts';
export * from './schema.core.ts';

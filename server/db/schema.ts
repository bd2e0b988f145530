/**
 * The whole schema, for drizzle-kit and the drizzle client: the core tables (tenants, org, users,
 * sessions, audit, jobs) plus each module's own tables.
 */

export * from '../modules/cases/cases.schema.ts';
export * from '../modules/categories/categories.schema.ts';
export * from '../modules/grids/grids.schema.ts';
export * from '../modules/inspections/inspections.schema.ts';
export * from '../modules/media/media.schema.ts';
export * from '../modules/notifications/notifications.schema.ts';
export * from '../modules/org/org.schema.ts';
export * from '../modules/routing/routing.schema.ts';
export * from '../modules/sensors/sensors.schema.ts';
export * from './schema.core.ts';

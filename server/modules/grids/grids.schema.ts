/** Grid cells (网格): polygons stored as WGS-84 GeoJSON with bbox columns; spatial work is in-process. */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { orgUnits, tz, users } from '../../db/schema.core.ts';

/** A GeoJSON Polygon or MultiPolygon geometry in WGS-84 (lng, lat). */
export type GeoPolygon =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] };

export const gridCells = pgTable(
  'grid_cells',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    /** Hierarchical code: district(6) + subdistrict(3) + community(3) + sequence(3), like Beijing's 15 digits. */
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** 1 = unit grid (单元网格); higher numbers are coarser aggregations. */
    level: integer('level').notNull().default(1),
    /** The unit that owns the cell (normally a community). */
    unitId: uuid('unit_id'),
    leaderUserId: uuid('leader_user_id'),
    geometry: jsonb('geometry').$type<GeoPolygon>().notNull(),
    minLng: doublePrecision('min_lng').notNull(),
    minLat: doublePrecision('min_lat').notNull(),
    maxLng: doublePrecision('max_lng').notNull(),
    maxLat: doublePrecision('max_lat').notNull(),
    areaM2: doublePrecision('area_m2').notNull(),
    /** The coordinate system the cell was imported in (converted to WGS-84 on import). */
    sourceCrs: text('source_crs').notNull().default('wgs84'),
    isDemo: boolean('is_demo').notNull().default(false),
    createdAt: tz('created_at').notNull(),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('grid_cells_code_uq').on(t.tenantId, t.code),
    index('grid_cells_unit_idx').on(t.tenantId, t.unitId),
    foreignKey({
      columns: [t.tenantId, t.unitId],
      foreignColumns: [orgUnits.tenantId, orgUnits.id],
      name: 'grid_cells_unit_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.leaderUserId],
      foreignColumns: [users.tenantId, users.id],
      name: 'grid_cells_leader_fk',
    }),
    check('grid_cells_source_crs_ck', sql`${t.sourceCrs} in ('wgs84','gcj02','bd09')`),
  ],
);

/** Grid workers (网格员) assigned to a cell. The leader is on the cell itself. */
export const gridMembers = pgTable(
  'grid_members',
  {
    tenantId: uuid('tenant_id').notNull(),
    gridId: uuid('grid_id').notNull(),
    userId: uuid('user_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.gridId, t.userId] }),
    index('grid_members_user_idx').on(t.tenantId, t.userId),
    foreignKey({
      columns: [t.tenantId, t.gridId],
      foreignColumns: [gridCells.tenantId, gridCells.id],
      name: 'grid_members_grid_fk',
    }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.userId],
      foreignColumns: [users.tenantId, users.id],
      name: 'grid_members_user_fk',
    }),
  ],
);

/** Every GeoJSON import attempt with its report (invalid features, overlaps, gaps). */
export const gridImports = pgTable(
  'grid_imports',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    fileName: text('file_name'),
    crs: text('crs').notNull(),
    status: text('status').notNull(),
    features: integer('features').notNull(),
    imported: integer('imported').notNull(),
    report: jsonb('report').$type<Record<string, unknown>>().notNull(),
    createdBy: uuid('created_by'),
    createdAt: tz('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    check('grid_imports_status_ck', sql`${t.status} in ('dry_run','rejected','imported')`),
  ],
);

/** The district outline: the map's offline background and the edge of jurisdiction. */
export const districtBoundaries = pgTable(
  'district_boundaries',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    geometry: jsonb('geometry').$type<GeoPolygon>().notNull(),
    minLng: doublePrecision('min_lng').notNull(),
    minLat: doublePrecision('min_lat').notNull(),
    maxLng: doublePrecision('max_lng').notNull(),
    maxLat: doublePrecision('max_lat').notNull(),
    createdAt: tz('created_at').notNull(),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** Grid cells (网格): import, the map layer, one cell's details, locating a point. */
import { z } from 'zod';

export const GRID_CRS = ['wgs84', 'gcj02', 'bd09'] as const;
export const ZGridCrs = z.enum(GRID_CRS);
export type TGridCrs = z.infer<typeof ZGridCrs>;
export const GRID_CRS_LABELS: Record<TGridCrs, string> = {
  wgs84: 'WGS-84(GPS、天地图)',
  gcj02: 'GCJ-02(高德、腾讯、DataV)',
  bd09: 'BD-09(百度)',
};

/** District (6) + subdistrict (3) + community (3) + sequence (3), like Beijing's grid codes. */
export const GRID_CODE_PATTERN = /^\d{15}$/;
export const MAX_IMPORT_FEATURES = 20_000;
/** Request size limit of the import route. */
export const IMPORT_BODY_LIMIT = 20 * 1024 * 1024;

export const ZGridImportRequest = z.object({
  crs: ZGridCrs,
  dryRun: z.boolean().default(false),
  fileName: z.string().trim().max(200).optional(),
  geojson: z
    .object({
      type: z.literal('FeatureCollection'),
      // Each feature is checked by the service, so a bad one is reported with its index and reason.
      features: z.array(z.unknown()).min(1).max(MAX_IMPORT_FEATURES),
    })
    .passthrough(),
});
export type TGridImportRequest = z.infer<typeof ZGridImportRequest>;

const ZIssue = z.object({ index: z.number().int(), code: z.string().optional(), reason: z.string() });
export type TGridImportIssue = z.infer<typeof ZIssue>;
const ZBBox = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const ZGridImportReport = z.object({
  importId: z.string().uuid(),
  status: z.enum(['dry_run', 'rejected', 'imported']),
  crs: ZGridCrs,
  fileName: z.string().nullable(),
  features: z.number().int(),
  /** Cells written (0 for a dry run or a rejected file). */
  imported: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  errors: z.array(ZIssue),
  warnings: z.array(ZIssue),
  /** Pairs (by code) whose interiors intersect, with at least one cell from this file; largest first. */
  overlaps: z.array(
    z.object({
      a: z.string(),
      b: z.string(),
      aIndex: z.number().int().nullable(),
      bIndex: z.number().int().nullable(),
      areaM2: z.number(),
    }),
  ),
  overlapCount: z.number().int(),
  overlapAreaM2: z.number(),
  gaps: z
    .object({
      method: z.literal('raster_sampling'),
      reference: z.enum(['district', 'cells_bbox']),
      stepM: z.number(),
      samples: z.number().int(),
      uncoveredSamples: z.number().int(),
      referenceAreaM2: z.number(),
      areaM2: z.number(),
      ratio: z.number(),
      regionCount: z.number().int(),
      regions: z.array(z.object({ areaM2: z.number(), at: z.tuple([z.number(), z.number()]), bbox: ZBBox })),
    })
    .nullable(),
  outsideDistrict: z.array(z.object({ index: z.number().int(), code: z.string(), outsideAreaM2: z.number() })),
  /** How overlaps and gaps were computed, in words. */
  notes: z.array(z.string()),
  durationMs: z.number(),
});
export type TGridImportReport = z.infer<typeof ZGridImportReport>;

export const ZGridListQuery = z.object({
  bbox: z
    .string()
    .regex(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/, 'bbox=minLng,minLat,maxLng,maxLat')
    .optional(),
  /** Douglas–Peucker tolerance in metres (0 = none); coordinates are always rounded to 7 decimals (~1 cm). */
  simplify: z.coerce.number().min(0).max(1000).default(0),
});

/**
 * Properties of a cell in the map layer (GET /api/v1/grids), kept small because 5,000 cells load at
 * once: `unit` and `sd` are positions in the collection's `units` and `subdistricts` lists (null when
 * the cell has no owner or the owner lies under no subdistrict).
 */
export interface TGridFeatureProps {
  code: string;
  name: string;
  level: number;
  unit: number | null;
  sd: number | null;
}
export interface TGridFeature {
  type: 'Feature';
  id: string;
  geometry: { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };
  properties: TGridFeatureProps;
}
/** The map layer: a GeoJSON FeatureCollection plus the owning units and subdistricts it refers to. */
export interface TGridCollection {
  type: 'FeatureCollection';
  bbox?: [number, number, number, number];
  features: TGridFeature[];
  units: { id: string; code: string; name: string; type: string; sd: number | null }[];
  subdistricts: { id: string; code: string; name: string }[];
}

const ZRef = z.object({ id: z.string().uuid(), name: z.string() });
const ZPerson = z.object({ id: z.string().uuid(), name: z.string(), phone: z.string().nullable() });

export const ZGridDetail = z.object({
  id: z.string().uuid(),
  code: z.string(),
  name: z.string(),
  level: z.number().int(),
  areaM2: z.number(),
  sourceCrs: ZGridCrs,
  isDemo: z.boolean(),
  bbox: ZBBox,
  /** A point inside the cell (for labels and "who is responsible here"). */
  labelPoint: z.tuple([z.number(), z.number()]),
  unit: ZRef.extend({ code: z.string(), type: z.string() }).nullable(),
  subdistrict: ZRef.extend({ code: z.string() }).nullable(),
  leader: ZPerson.nullable(),
  workers: z.array(ZPerson),
  updatedAt: z.string(),
});
export type TGridDetail = z.infer<typeof ZGridDetail>;

export const ZGridPatch = z
  .object({
    name: z.string().trim().min(1).max(64),
    unitId: z.string().uuid().nullable(),
    leaderUserId: z.string().uuid().nullable(),
    workerUserIds: z.array(z.string().uuid()).max(50),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, '至少修改一项');
export type TGridPatch = z.infer<typeof ZGridPatch>;

export const ZLocateQuery = z.object({
  lat: z.coerce.number().min(-90).max(90),
  lng: z.coerce.number().min(-180).max(180),
  crs: ZGridCrs.default('wgs84'),
});

export const ZLocateAnswer = z.object({
  inside: z.boolean(),
  /** Why there is no cell: outside the district, or a gap between cells inside it. */
  reason: z.string().nullable(),
  /** The point as WGS-84 (what was looked up). */
  wgs84: z.tuple([z.number(), z.number()]),
  grid: z
    .object({
      id: z.string().uuid(),
      code: z.string(),
      name: z.string(),
      unitId: z.string().uuid().nullable(),
      unitName: z.string().nullable(),
      /** Whether the caller may open the cell (GET /api/v1/grids/:id); routing works for any point. */
      inScope: z.boolean(),
    })
    .nullable(),
});
export type TLocateAnswer = z.infer<typeof ZLocateAnswer>;

export const LOCATE_OUTSIDE_REASON = '不在辖区范围内';
export const LOCATE_GAP_REASON = '位于辖区内但未划入任何网格';

/** Set the district outline: one Polygon or MultiPolygon in a declared coordinate system. */
export const ZDistrictBoundaryPut = z.object({
  name: z.string().trim().min(1).max(64),
  crs: ZGridCrs,
  geometry: z.object({ type: z.enum(['Polygon', 'MultiPolygon']), coordinates: z.array(z.unknown()) }),
});
export type TDistrictBoundaryPut = z.infer<typeof ZDistrictBoundaryPut>;

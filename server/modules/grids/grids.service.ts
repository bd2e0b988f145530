/** Grid cells: GeoJSON import with validation and overlap/gap report, the map layer, details, edits, locate. */
import { createHash, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  GRID_CODE_PATTERN,
  LOCATE_GAP_REASON,
  LOCATE_OUTSIDE_REASON,
  type TDistrictBoundaryPut,
  type TGridCollection,
  type TGridDetail,
  type TGridFeature,
  type TGridImportIssue,
  type TGridImportReport,
  type TGridImportRequest,
  type TGridPatch,
  type TLocateAnswer,
} from '../../../common/grids.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import {
  type BBox,
  bboxOf,
  type Crs,
  geometryAreaM2,
  geometryProblems,
  geometryToWgs84,
  labelPointOf,
  type PolygonGeometry,
  simplifyGeometry,
  toWgs84,
} from '../../lib/geo.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import { type AnalysisCell, analyseGrid } from './grids.analysis.ts';
import { gridGeneration, gridIndexFor, type IndexedCell, invalidateGridIndex, STALE_CHECK_MS } from './grids.index.ts';
import { canSeeCell, canSeeUnit, canSeeUser, scopePaths } from './grids.policy.ts';
import * as repo from './grids.repo.ts';

const MAX_LISTED_ERRORS = 1000;

/** For each unit: the subdistrict it lies in (itself when it is one), by walking up the tree. */
function subdistrictOf(units: repo.UnitLite[]): Map<string, repo.UnitLite | null> {
  const byId = new Map(units.map((u) => [u.id, u]));
  const out = new Map<string, repo.UnitLite | null>();
  for (const u of units) {
    let cur: repo.UnitLite | undefined = u;
    while (cur && cur.type !== 'subdistrict') cur = cur.parentId ? byId.get(cur.parentId) : undefined;
    out.set(u.id, cur ?? null);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Import

interface ValidFeature {
  index: number;
  code: string;
  name: string;
  level: number;
  unitId: string | null;
  geometry: PolygonGeometry;
  bbox: BBox;
  areaM2: number;
}

function asCode(v: unknown): string | null {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return null;
}

/**
 * Validate every feature, convert to WGS-84, and — when all are valid — analyse overlaps and gaps
 * together with the cells already stored, then store (unless a dry run). All or nothing: one bad
 * feature and nothing is written. Every attempt is kept in grid_imports with its report and audited.
 */
export async function importGrids(actor: Actor, deps: Deps, input: TGridImportRequest): Promise<TGridImportReport> {
  const t0 = performance.now();
  const db = deps.database.db;
  const [units, existing, district] = await Promise.all([
    repo.unitsOfTenant(db, actor.tenantId),
    repo.existingCodes(db, actor.tenantId),
    repo.getDistrict(db, actor.tenantId),
  ]);
  const unitByCode = new Map(units.map((u) => [u.code, u]));
  const errors: TGridImportIssue[] = [];
  const warnings: TGridImportIssue[] = [];
  const firstIndexOfCode = new Map<string, number>();
  const valid: ValidFeature[] = [];

  for (const [index, raw] of input.geojson.features.entries()) {
    const before = errors.length;
    const fail = (reason: string, code?: string) => errors.push(code ? { index, code, reason } : { index, reason });
    if (typeof raw !== 'object' || raw === null || (raw as { type?: unknown }).type !== 'Feature') {
      fail('不是 GeoJSON Feature (not a Feature)');
      continue;
    }
    const f = raw as { properties?: unknown; geometry?: unknown };
    const props = (typeof f.properties === 'object' && f.properties !== null ? f.properties : {}) as Record<
      string,
      unknown
    >;
    const code = asCode(props.code);
    const codeOk = code !== null && GRID_CODE_PATTERN.test(code);
    if (!codeOk)
      fail('code 须为 15 位数字(区 6 + 街道 3 + 社区 3 + 序号 3) (code must be 15 digits)', code ?? undefined);
    else if (firstIndexOfCode.has(code))
      fail(`code 重复,与第 ${firstIndexOfCode.get(code)} 个要素相同 (duplicate code)`, code);
    else firstIndexOfCode.set(code, index);
    const c = codeOk ? code : undefined;

    const name = typeof props.name === 'string' ? props.name.trim() : '';
    if (!name || name.length > 64) fail('name 须为 1–64 个字符 (name missing or too long)', c);

    let level = 1;
    if (props.level !== undefined && props.level !== null) {
      const lv = Number(props.level);
      if (!Number.isInteger(lv) || lv < 1 || lv > 9) fail('level 须为 1–9 的整数 (level must be an integer 1–9)', c);
      else level = lv;
    }

    let unitId: string | null = null;
    const unitCode = asCode(props.unitCode);
    if (props.unitCode !== undefined && props.unitCode !== null) {
      const unit = unitCode ? unitByCode.get(unitCode) : undefined;
      if (!unit || !canSeeUnit(actor, unit.path))
        fail(`unitCode ${String(props.unitCode)} 不存在 (unknown unitCode)`, c);
      else {
        unitId = unit.id;
        if (c && /^\d{12}$/.test(unit.code) && !c.startsWith(unit.code)) {
          warnings.push({ index, code: c, reason: `code 前 12 位与所属社区编码 ${unit.code} 不一致` });
        }
      }
    }

    for (const p of geometryProblems(f.geometry)) fail(`${p.where}: ${p.reason}`, c);
    if (errors.length > before || !c) continue;

    const geometry = geometryToWgs84(f.geometry as PolygonGeometry, input.crs as Crs);
    valid.push({
      index,
      code: c,
      name,
      level,
      unitId,
      geometry,
      bbox: bboxOf(geometry),
      areaM2: geometryAreaM2(geometry),
    });
  }

  const status: TGridImportReport['status'] = errors.length > 0 ? 'rejected' : input.dryRun ? 'dry_run' : 'imported';
  let analysis: ReturnType<typeof analyseGrid> | null = null;
  if (status !== 'rejected') {
    // The grid as it will be: this file's cells plus the stored cells it does not replace.
    const inFile = new Set(valid.map((v) => v.code));
    const others = (await repo.cellsForIndex(db, actor.tenantId)).filter((r) => !inFile.has(r.code));
    const cells: AnalysisCell[] = [
      ...valid.map((v) => ({ code: v.code, index: v.index, geometry: v.geometry, bbox: v.bbox })),
      ...others.map((r) => ({
        code: r.code,
        index: null,
        geometry: r.geometry,
        bbox: [r.minLng, r.minLat, r.maxLng, r.maxLat] as BBox,
      })),
    ];
    analysis = analyseGrid(
      cells,
      district
        ? { geometry: district.geometry, bbox: [district.minLng, district.minLat, district.maxLng, district.maxLat] }
        : null,
    );
  }
  const created = valid.filter((v) => !existing.has(v.code)).length;
  const importId = randomUUID();
  const notes = analysis?.notes ?? [
    '文件中有无效要素,未导入,也未做重叠与缝隙分析。Rejected: nothing stored, no overlap or gap analysis.',
  ];
  if (errors.length > MAX_LISTED_ERRORS) notes.push(`共 ${errors.length} 个错误,仅列出前 ${MAX_LISTED_ERRORS} 个。`);
  const report: TGridImportReport = {
    importId,
    status,
    crs: input.crs,
    fileName: input.fileName ?? null,
    features: input.geojson.features.length,
    imported: status === 'imported' ? valid.length : 0,
    created: status === 'imported' ? created : 0,
    updated: status === 'imported' ? valid.length - created : 0,
    errors: errors.slice(0, MAX_LISTED_ERRORS),
    warnings: warnings.slice(0, MAX_LISTED_ERRORS),
    overlaps: analysis?.overlaps ?? [],
    overlapCount: analysis?.overlapCount ?? 0,
    overlapAreaM2: analysis?.overlapAreaM2 ?? 0,
    gaps: analysis?.gaps ?? null,
    outsideDistrict: analysis?.outsideDistrict ?? [],
    notes,
    durationMs: 0,
  };

  const now = deps.clock.now();
  await db.transaction(async (tx) => {
    if (status === 'imported') {
      await repo.insertCells(
        tx,
        { tenantId: actor.tenantId, sourceCrs: input.crs, isDemo: false, at: now },
        valid.map((v) => ({
          id: randomUUID(),
          code: v.code,
          name: v.name,
          level: v.level,
          unitId: v.unitId,
          leaderUserId: null,
          geometry: v.geometry,
          minLng: v.bbox[0],
          minLat: v.bbox[1],
          maxLng: v.bbox[2],
          maxLat: v.bbox[3],
          areaM2: Math.round(v.areaM2 * 10) / 10,
        })),
        { upsert: true },
      );
    }
    report.durationMs = Math.round(performance.now() - t0);
    await repo.insertImport(tx, {
      tenantId: actor.tenantId,
      id: importId,
      fileName: input.fileName ?? null,
      crs: input.crs,
      status,
      features: report.features,
      imported: report.imported,
      report: report as unknown as Record<string, unknown>,
      createdBy: actor.userId,
      createdAt: now,
    });
    await recordAudit(tx, deps.clock, actor, {
      action: 'grids.import',
      objectType: 'grid_import',
      objectId: importId,
      outcome: status === 'rejected' ? 'failure' : 'success',
      details: {
        status,
        crs: input.crs,
        fileName: input.fileName ?? null,
        features: report.features,
        imported: report.imported,
        created: report.created,
        updated: report.updated,
        errors: errors.length,
        overlaps: report.overlapCount,
        gapAreaM2: report.gaps?.areaM2 ?? null,
      },
    });
  });
  if (status === 'imported') invalidateGridIndex(deps, actor.tenantId);
  return report;
}

// ---------------------------------------------------------------------------------------------------
// Reading

/** Serialised map layers by tenant, scope, simplification and data stamp (small: a few per tenant). */
const layerCache = new WeakMap<object, Map<string, { stamp: string; body: Buffer; gzip: Buffer }>>();
const LAYER_CACHE_ENTRIES = 16;

/**
 * The map layer: cells in the caller's scope as a GeoJSON FeatureCollection, serialised here (5,000
 * cells are 1–2 MB of nested arrays; a schema-driven serialiser would walk every coordinate). Without
 * bbox the body is cached, with its gzip, until a cell, the outline or an org unit changes.
 */
export async function listGrids(
  actor: Actor,
  deps: Deps,
  q: { bbox?: string; simplify: number },
): Promise<{ body: Buffer; gzip: Buffer | null; etag: string | null }> {
  const db = deps.database.db;
  const bbox = q.bbox ? (q.bbox.split(',').map(Number) as BBox) : undefined;
  if (bbox && (bbox[0] > bbox[2] || bbox[1] > bbox[3])) {
    throw new AppError('VALIDATION_FAILED', 'bbox: 应为 minLng,minLat,maxLng,maxLat', [
      { field: 'query.bbox', message: 'min 须不大于 max' },
    ]);
  }
  const paths = scopePaths(actor);
  let cache = layerCache.get(deps.database);
  if (!cache) {
    cache = new Map();
    layerCache.set(deps.database, cache);
  }
  const key = `${actor.tenantId}|${paths === null ? '*' : [...paths].sort().join(',')}|${q.simplify}`;
  // The data stamp, plus this process's own invalidations (a write within the same millisecond).
  const stamp = bbox ? '' : `${await repo.layerStamp(db, actor.tenantId)}|${gridGeneration(deps, actor.tenantId)}`;
  const etag = bbox ? null : `"${createHash('sha256').update(`${key}|${stamp}`).digest('base64url').slice(0, 27)}"`;
  const hit = bbox ? undefined : cache.get(key);
  if (hit && hit.stamp === stamp) return { body: hit.body, gzip: hit.gzip, etag };

  // The cells come from the in-memory index (checked against the stamp just read), not from a
  // query: reading 5,000 geometries from the database costs far more than the rest of this.
  const [index, units] = await Promise.all([
    gridIndexFor(deps, actor.tenantId, { maxAgeMs: bbox ? STALE_CHECK_MS : 0 }),
    repo.unitsOfTenant(db, actor.tenantId),
  ]);
  const unitById = new Map(units.map((u) => [u.id, u]));
  const candidates = bbox
    ? index
        .search(bbox)
        .sort((a, b) => a - b)
        .map((i) => index.cells[i] as IndexedCell)
    : index.cells;
  const rows = candidates.filter((c) => canSeeCell(actor, c.unitId ? (unitById.get(c.unitId)?.path ?? null) : null));
  const sdOf = subdistrictOf(units);
  const used = new Map<string, repo.UnitLite>();
  for (const r of rows) {
    const u = r.unitId ? unitById.get(r.unitId) : undefined;
    if (u && !used.has(u.id)) used.set(u.id, u);
  }
  const subdistricts = [
    ...new Map(
      [...used.values()].flatMap((u) => {
        const s = sdOf.get(u.id);
        return s ? [[s.id, s] as const] : [];
      }),
    ).values(),
  ].sort((a, b) => a.code.localeCompare(b.code));
  const sdIndex = new Map(subdistricts.map((s, i) => [s.id, i]));
  const unitList = [...used.values()].sort((a, b) => a.code.localeCompare(b.code));
  const unitIndex = new Map(unitList.map((u, i) => [u.id, i]));

  let box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const features: TGridFeature[] = rows.map((r) => {
    const geometry = simplifyGeometry(r.geometry, q.simplify, 7);
    const b = bboxOf(geometry);
    box = [Math.min(box[0], b[0]), Math.min(box[1], b[1]), Math.max(box[2], b[2]), Math.max(box[3], b[3])];
    const sd = r.unitId ? sdOf.get(r.unitId) : null;
    return {
      type: 'Feature',
      id: r.id,
      geometry,
      properties: {
        code: r.code,
        name: r.name,
        level: r.level,
        unit: r.unitId ? (unitIndex.get(r.unitId) ?? null) : null,
        sd: sd ? (sdIndex.get(sd.id) ?? null) : null,
      },
    };
  });
  const collection: TGridCollection = {
    type: 'FeatureCollection',
    ...(features.length ? { bbox: box } : {}),
    features,
    units: unitList.map((u) => {
      const s = sdOf.get(u.id);
      return { id: u.id, code: u.code, name: u.name, type: u.type, sd: s ? (sdIndex.get(s.id) ?? null) : null };
    }),
    subdistricts: subdistricts.map((s) => ({ id: s.id, code: s.code, name: s.name })),
  };
  const body = Buffer.from(JSON.stringify(collection));
  if (bbox) return { body, gzip: null, etag: null };
  const gzip = gzipSync(body, { level: 6 });
  cache.set(key, { stamp, body, gzip });
  if (cache.size > LAYER_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  return { body, gzip, etag };
}

async function visibleCell(actor: Actor, deps: Deps, id: string) {
  const r = await repo.getCell(deps.database.db, actor.tenantId, id);
  if (!r || !canSeeCell(actor, r.unitPath)) throw notFound('网格');
  return r;
}

/** One cell with its owners; 404 when missing or outside the caller's scope. */
export async function getGrid(actor: Actor, deps: Deps, id: string): Promise<TGridDetail> {
  const db = deps.database.db;
  const { cell } = await visibleCell(actor, deps, id);
  const [units, workerIds] = await Promise.all([
    repo.unitsOfTenant(db, actor.tenantId),
    repo.memberIds(db, actor.tenantId, id),
  ]);
  const people = await repo.usersByIds(db, actor.tenantId, [
    ...(cell.leaderUserId ? [cell.leaderUserId] : []),
    ...workerIds,
  ]);
  const person = (uid: string) => {
    const p = people.find((x) => x.id === uid);
    return p ? { id: p.id, name: p.displayName, phone: p.phone } : null;
  };
  const unit = cell.unitId ? units.find((u) => u.id === cell.unitId) : undefined;
  const subdistrict = unit ? subdistrictOf(units).get(unit.id) : null;
  return {
    id: cell.id,
    code: cell.code,
    name: cell.name,
    level: cell.level,
    areaM2: cell.areaM2,
    sourceCrs: cell.sourceCrs as TGridDetail['sourceCrs'],
    isDemo: cell.isDemo,
    bbox: [cell.minLng, cell.minLat, cell.maxLng, cell.maxLat],
    labelPoint: labelPointOf(cell.geometry),
    unit: unit ? { id: unit.id, name: unit.name, code: unit.code, type: unit.type } : null,
    subdistrict: subdistrict ? { id: subdistrict.id, name: subdistrict.name, code: subdistrict.code } : null,
    leader: cell.leaderUserId ? person(cell.leaderUserId) : null,
    workers: workerIds
      .map(person)
      .filter((p): p is NonNullable<typeof p> => p !== null)
      .sort((a, b) => a.name.localeCompare(b.name)),
    updatedAt: cell.updatedAt.toISOString(),
  };
}

/** Change a cell's name, owning unit, leader or workers. */
export async function patchGrid(actor: Actor, deps: Deps, id: string, patch: TGridPatch): Promise<TGridDetail> {
  const db = deps.database.db;
  const { cell } = await visibleCell(actor, deps, id);
  if (patch.unitId) {
    const unit = (await repo.unitsOfTenant(db, actor.tenantId)).find((u) => u.id === patch.unitId);
    if (!unit || !canSeeUnit(actor, unit.path)) {
      throw new AppError('VALIDATION_FAILED', '所选单位不存在或不在管辖范围内', [
        { field: 'body.unitId', message: '单位不存在' },
      ]);
    }
  }
  const people = [...(patch.leaderUserId ? [patch.leaderUserId] : []), ...(patch.workerUserIds ?? [])];
  if (people.length) {
    const found = await repo.usersByIds(db, actor.tenantId, [...new Set(people)]);
    const bad = (uid: string) => {
      const u = found.find((x) => x.id === uid);
      return !u || u.disabled || !canSeeUser(actor, u.unitPath);
    };
    if (patch.leaderUserId && bad(patch.leaderUserId)) {
      throw new AppError('VALIDATION_FAILED', '网格长不存在、已停用或不在管辖范围内', [
        { field: 'body.leaderUserId', message: '用户不存在' },
      ]);
    }
    const badWorker = (patch.workerUserIds ?? []).findIndex(bad);
    if (badWorker >= 0) {
      throw new AppError('VALIDATION_FAILED', '网格员不存在、已停用或不在管辖范围内', [
        { field: `body.workerUserIds.${badWorker}`, message: '用户不存在' },
      ]);
    }
  }
  const now = deps.clock.now();
  await db.transaction(async (tx) => {
    await repo.updateCell(tx, actor.tenantId, id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.unitId !== undefined ? { unitId: patch.unitId } : {}),
      ...(patch.leaderUserId !== undefined ? { leaderUserId: patch.leaderUserId } : {}),
      updatedAt: now,
    });
    if (patch.workerUserIds) await repo.replaceMembers(tx, actor.tenantId, id, [...new Set(patch.workerUserIds)]);
    await recordAudit(tx, deps.clock, actor, {
      action: 'grids.update',
      objectType: 'grid_cell',
      objectId: id,
      details: { code: cell.code, changes: patch },
    });
  });
  invalidateGridIndex(deps, actor.tenantId);
  return getGrid(actor, deps, id);
}

/** The cell containing a point (any coordinate system), or why there is none. */
export async function locate(
  actor: Actor,
  deps: Deps,
  q: { lat: number; lng: number; crs: Crs },
): Promise<TLocateAnswer> {
  const [lng, lat] = toWgs84(q.lng, q.lat, q.crs);
  const index = await gridIndexFor(deps, actor.tenantId);
  const cell = index.locate(lng, lat);
  if (!cell) {
    const inDistrict = index.districtContains(lng, lat) === 'inside';
    return {
      inside: false,
      reason: inDistrict ? LOCATE_GAP_REASON : LOCATE_OUTSIDE_REASON,
      wgs84: [lng, lat],
      grid: null,
    };
  }
  const unit = cell.unitId
    ? (await repo.unitsOfTenant(deps.database.db, actor.tenantId)).find((u) => u.id === cell.unitId)
    : undefined;
  return {
    inside: true,
    reason: null,
    wgs84: [lng, lat],
    grid: {
      id: cell.id,
      code: cell.code,
      name: cell.name,
      unitId: cell.unitId,
      unitName: unit?.name ?? null,
      inScope: canSeeCell(actor, unit?.path ?? null),
    },
  };
}

/** The configured raster base map, if any (the web map falls back to the offline outline without one). */
function basemapOf(deps: Deps) {
  const url = deps.config.MAP_TILE_URL;
  return url ? { tileUrl: url, attribution: deps.config.MAP_TILE_ATTRIBUTION ?? null } : null;
}

/** The district outline as a FeatureCollection (empty without one; bbox then spans the cells), plus the base map. */
export async function districtBoundary(actor: Actor, deps: Deps) {
  const d = await repo.getDistrict(deps.database.db, actor.tenantId);
  const basemap = basemapOf(deps);
  if (d) {
    return {
      type: 'FeatureCollection' as const,
      bbox: [d.minLng, d.minLat, d.maxLng, d.maxLat] as BBox,
      basemap,
      features: [{ type: 'Feature' as const, id: d.id, properties: { name: d.name }, geometry: d.geometry }],
    };
  }
  const index = await gridIndexFor(deps, actor.tenantId);
  let box: BBox | null = null;
  for (const c of index.cells) {
    box = box
      ? [
          Math.min(box[0], c.bbox[0]),
          Math.min(box[1], c.bbox[1]),
          Math.max(box[2], c.bbox[2]),
          Math.max(box[3], c.bbox[3]),
        ]
      : [...c.bbox];
  }
  return { type: 'FeatureCollection' as const, ...(box ? { bbox: box } : {}), basemap, features: [] };
}

/**
 * Replace the district outline (the edge of jurisdiction and the offline map background). Only a
 * tenant-wide caller may: a subdistrict cannot redraw the district. Rings are validated like grid
 * cells and the coordinates converted to WGS-84; the grid index is rebuilt so "outside jurisdiction"
 * answers follow at once.
 */
export async function setDistrictBoundary(actor: Actor, deps: Deps, input: TDistrictBoundaryPut) {
  if (actor.scope.kind !== 'tenant') throw new AppError('FORBIDDEN', '只有全区范围的用户可以设置辖区边界');
  const problems = geometryProblems(input.geometry);
  if (problems.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      '辖区边界几何无效',
      problems.map((p) => ({ field: `body.geometry ${p.where}`, message: p.reason })),
    );
  }
  const geometry = geometryToWgs84(input.geometry as PolygonGeometry, input.crs as Crs);
  const [minLng, minLat, maxLng, maxLat] = bboxOf(geometry);
  const now = deps.clock.now();
  const db = deps.database.db;
  await db.transaction(async (tx) => {
    const existing = await repo.getDistrict(tx, actor.tenantId);
    const id = existing?.id ?? randomUUID();
    const fields = { name: input.name, geometry, minLng, minLat, maxLng, maxLat, updatedAt: now };
    if (existing) await repo.updateDistrict(tx, actor.tenantId, id, fields);
    else await repo.insertDistrict(tx, { tenantId: actor.tenantId, id, createdAt: now, ...fields });
    await recordAudit(tx, deps.clock, actor, {
      action: 'district.boundary.set',
      objectType: 'district_boundary',
      objectId: id,
      details: { name: input.name, crs: input.crs, areaM2: Math.round(geometryAreaM2(geometry)), replaced: !!existing },
    });
  });
  invalidateGridIndex(deps, actor.tenantId);
  return districtBoundary(actor, deps);
}

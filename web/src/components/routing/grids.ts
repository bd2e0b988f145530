/**
 * The grid cells as the grids API serves them (GET /api/v1/grids: a GeoJSON FeatureCollection in WGS-84),
 * read tolerantly: when the API is not there (404) the callers fall back to typing a grid id.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';

type Position = number[];
interface Geometry {
  type: string;
  coordinates?: unknown;
}
export interface GridFeature {
  type: 'Feature';
  id?: string | number;
  properties: Record<string, unknown> | null;
  geometry: Geometry | null;
}
interface FeatureCollection {
  type: 'FeatureCollection';
  features: GridFeature[];
}

export interface GridRef {
  id: string;
  code: string;
  name: string;
  /** A short description of the owner, when the properties name one. */
  owner: string | null;
  feature: GridFeature;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v : null;
}

function toRef(f: GridFeature): GridRef | null {
  const p = f.properties ?? {};
  const id = str(p.id) ?? (typeof f.id === 'string' ? f.id : null);
  if (!id || !UUID.test(id)) return null;
  const owner = str(p.unitName) ?? str(p.communityName) ?? str(p.ownerName) ?? null;
  return { id, code: str(p.code) ?? '', name: str(p.name) ?? id.slice(0, 8), owner, feature: f };
}

/** The grid cells, or an error (404 when the grids API is not available). */
export function useGrids(enabled = true) {
  return useQuery({
    queryKey: ['grids', 'geojson'],
    queryFn: () => api.get<FeatureCollection>('/api/v1/grids'),
    select: (fc) => (Array.isArray(fc?.features) ? fc.features : []).map(toRef).filter((g) => g !== null),
    staleTime: 300_000,
    retry: false,
    enabled,
  });
}

function ringsOf(g: Geometry | null): Position[][] {
  if (!g || !Array.isArray(g.coordinates)) return [];
  if (g.type === 'Polygon') return [(g.coordinates as Position[][])[0] ?? []];
  if (g.type === 'MultiPolygon') return (g.coordinates as Position[][][]).map((p) => p[0] ?? []);
  return [];
}

/** The area-weighted centroid of the outer rings ([lng, lat]), or the mean vertex for degenerate shapes. */
export function centroidOf(f: GridFeature): [number, number] | null {
  let a = 0;
  let cx = 0;
  let cy = 0;
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (const ring of ringsOf(f.geometry)) {
    for (let i = 0; i < ring.length - 1; i++) {
      const p = ring[i];
      const q = ring[i + 1];
      if (!p || !q) continue;
      const [x0 = 0, y0 = 0] = p;
      const [x1 = 0, y1 = 0] = q;
      const cross = x0 * y1 - x1 * y0;
      a += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
      sx += x0;
      sy += y0;
      n++;
    }
  }
  if (n === 0) return null;
  if (Math.abs(a) < 1e-18) return [sx / n, sy / n];
  return [cx / (3 * a), cy / (3 * a)];
}

/** The first cell whose properties mention the text (e.g. 李南岗), with its centroid. */
export function findGridPoint(
  grids: readonly GridRef[],
  text: string,
): { grid: GridRef; lng: number; lat: number } | null {
  for (const g of grids) {
    if (!JSON.stringify(g.feature.properties ?? {}).includes(text)) continue;
    const c = centroidOf(g.feature);
    if (c) return { grid: g, lng: c[0], lat: c[1] };
  }
  return null;
}

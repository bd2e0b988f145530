/**
 * The map's style and colours. The base map is offline by default: a plain background, the district
 * outline and the grid cells from our own API — no tile server, no glyph server (labels are drawn by
 * the browser from local fonts, which MapLibre does when the style names no `glyphs` URL).
 */
import type { ExpressionSpecification, StyleSpecification } from 'maplibre-gl';
import type { TGridCollection } from '../../../../common/grids.ts';

/** One hue per subdistrict (in code order); a community takes a lighter or darker shade of it. */
export const SUBDISTRICT_COLOURS = [
  '#2f6fce',
  '#1f9d6b',
  '#e0822a',
  '#8a4fd0',
  '#c2417a',
  '#3a9fb8',
  '#9a8a22',
  '#6b6f7a',
];
const NO_SUBDISTRICT = '#9aa3ad';

function mix(hex: string, other: string, t: number): string {
  const p = (h: string, i: number) => Number.parseInt(h.slice(1 + 2 * i, 3 + 2 * i), 16);
  const c = [0, 1, 2].map((i) => Math.round(p(hex, i) * (1 - t) + p(other, i) * t));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

export function subdistrictColour(sd: number | null | undefined): string {
  return sd === null || sd === undefined
    ? NO_SUBDISTRICT
    : (SUBDISTRICT_COLOURS[sd % SUBDISTRICT_COLOURS.length] as string);
}

/** Each owning unit's fill: its subdistrict's hue, alternating shades between sibling communities. */
export function unitColours(layer: TGridCollection): string[] {
  const seen = new Map<number | null, number>();
  return layer.units.map((u) => {
    const k = seen.get(u.sd) ?? 0;
    seen.set(u.sd, k + 1);
    const base = subdistrictColour(u.sd);
    const shades = [
      mix(base, '#ffffff', 0.15),
      mix(base, '#000000', 0.18),
      mix(base, '#ffffff', 0.4),
      mix(base, '#000000', 0.35),
    ];
    return shades[k % shades.length] as string;
  });
}

/** fill-color as a data-driven expression on the `unit` index property. */
export function fillColourExpression(layer: TGridCollection): ExpressionSpecification | string {
  const colours = unitColours(layer);
  if (colours.length === 0) return NO_SUBDISTRICT;
  const pairs = colours.flatMap((c, i) => [i, c]);
  return ['match', ['coalesce', ['get', 'unit'], -1], ...pairs, NO_SUBDISTRICT] as unknown as ExpressionSpecification;
}

export const FONT_STACK = ['Noto Sans CJK SC', 'sans-serif'];
export const LOCAL_IDEOGRAPH_FONT =
  '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';

/**
 * The base style. `tileUrl` is a raster base map (Tianditu, Amap …) from the server's MAP_TILE_URL;
 * nothing external is fetched unless it is configured.
 */
export function baseStyle(tileUrl?: string, attribution?: string): StyleSpecification {
  const style: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e9edf2' } }],
  };
  if (tileUrl) {
    style.sources.basemap = {
      type: 'raster',
      tiles: [tileUrl],
      tileSize: 256,
      maxzoom: 18,
      ...(attribution ? { attribution } : {}),
    };
    style.layers.push({ id: 'basemap', type: 'raster', source: 'basemap', paint: { 'raster-opacity': 0.9 } });
  }
  return style;
}

/** Sequence number of a cell ("第12网格" → 12) from the last three digits of its code. */
export const SEQUENCE_LABEL: ExpressionSpecification = [
  'to-string',
  ['to-number', ['slice', ['get', 'code'], 12], 0],
] as unknown as ExpressionSpecification;

type Ring = number[][];

/** Mean of the label points of the cells of each group (units or subdistricts), for group labels. */
export function groupLabelPoints(
  layer: TGridCollection,
  key: 'unit' | 'sd',
): GeoJSON.FeatureCollection<GeoJSON.Point, { name: string; sd: number | null }> {
  const acc = new Map<number, { x: number; y: number; n: number }>();
  for (const f of layer.features) {
    const k = f.properties[key];
    if (k === null) continue;
    const ring = (f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0]?.[0]) as
      | Ring
      | undefined;
    if (!ring || ring.length < 2) continue;
    let x = 0;
    let y = 0;
    for (let i = 0; i < ring.length - 1; i++) {
      x += ring[i]?.[0] ?? 0;
      y += ring[i]?.[1] ?? 0;
    }
    const m = ring.length - 1;
    const a = acc.get(k) ?? { x: 0, y: 0, n: 0 };
    a.x += x / m;
    a.y += y / m;
    a.n += 1;
    acc.set(k, a);
  }
  const names = key === 'unit' ? layer.units.map((u) => u.name) : layer.subdistricts.map((s) => s.name);
  return {
    type: 'FeatureCollection',
    features: [...acc].map(([k, a]) => ({
      type: 'Feature',
      properties: { name: names[k] ?? '', sd: key === 'sd' ? k : (layer.units[k]?.sd ?? null) },
      geometry: { type: 'Point', coordinates: [a.x / a.n, a.y / a.n] },
    })),
  };
}

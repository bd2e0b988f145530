/**
 * The grid map (MapLibre GL): district outline, cells coloured by subdistrict with thin outlines,
 * labels by zoom (subdistricts, then communities, then cell numbers and names), a highlighted
 * selection. Offline by default; `tileUrl` adds a raster base map when configured.
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection, Point } from 'geojson';
import {
  type GeoJSONSource,
  type LngLatBoundsLike,
  Map as MapLibreMap,
  NavigationControl,
  ScaleControl,
  setWorkerUrl,
} from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { TGridCollection } from '../../../../common/grids.ts';
import {
  baseStyle,
  FONT_STACK,
  fillColourExpression,
  groupLabelPoints,
  LOCAL_IDEOGRAPH_FONT,
  SEQUENCE_LABEL,
} from './mapStyle.ts';

// The bundler emits the worker as its own file; tell MapLibre where (it would look next to itself).
setWorkerUrl(workerUrl);

type Box = [number, number, number, number];

export interface MapPick {
  code: string;
  lng: number;
  lat: number;
}

export interface GridMapProps {
  layer: TGridCollection;
  boundary: FeatureCollection | null;
  selectedCode: string | null;
  onPick: (pick: MapPick | null) => void;
  /** Where to look first (defaults to the cells' box, else the outline's). */
  focus?: Box | null;
  /** Optional raster base map (e.g. Tianditu/Amap tiles) from configuration; none by default. */
  tileUrl?: string;
  attribution?: string;
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

function boxOf(fc: { bbox?: number[] } | null | undefined): Box | null {
  const b = fc?.bbox;
  return b && b.length === 4 ? (b as Box) : null;
}

export function GridMap({ layer, boundary, selectedCode, onPick, focus, tileUrl, attribution }: GridMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [ready, setReady] = useState(false);
  const onPickRef = useRef(onPick);
  onPickRef.current = onPick;

  const communityPoints = useMemo(() => groupLabelPoints(layer, 'unit'), [layer]);
  const subdistrictPoints = useMemo(() => groupLabelPoints(layer, 'sd'), [layer]);

  // Create the map once (per base map); data and selection are pushed by the effects below.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the initial bounds only; later data goes through setData
  useEffect(() => {
    if (!container.current) return;
    const map = new MapLibreMap({
      container: container.current,
      style: baseStyle(tileUrl, attribution),
      bounds: (boxOf(layer) ??
        boxOf(boundary as { bbox?: number[] }) ?? [113.69, 34.69, 113.77, 34.75]) as LngLatBoundsLike,
      fitBoundsOptions: { padding: 24 },
      attributionControl: attribution ? { compact: true } : false,
      localIdeographFontFamily: LOCAL_IDEOGRAPH_FONT,
      maxZoom: 19,
      dragRotate: false,
      pitchWithRotate: false,
    });
    map.touchZoomRotate.disableRotation();
    map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right');
    map.on('load', () => {
      map.addSource('district', { type: 'geojson', data: EMPTY });
      map.addSource('grids', { type: 'geojson', data: EMPTY });
      map.addSource('community-labels', { type: 'geojson', data: EMPTY });
      map.addSource('subdistrict-labels', { type: 'geojson', data: EMPTY });
      map.addLayer({ id: 'district-fill', type: 'fill', source: 'district', paint: { 'fill-color': '#ffffff' } });
      map.addLayer({
        id: 'grid-fill',
        type: 'fill',
        source: 'grids',
        paint: {
          'fill-color': '#9aa3ad',
          'fill-opacity': ['interpolate', ['linear'], ['zoom'], 12, 0.72, 16, 0.5],
        },
      });
      map.addLayer({
        id: 'grid-line',
        type: 'line',
        source: 'grids',
        paint: {
          'line-color': '#ffffff',
          'line-opacity': ['interpolate', ['linear'], ['zoom'], 12, 0.25, 14, 0.7],
          'line-width': ['interpolate', ['linear'], ['zoom'], 12, 0.2, 15, 0.8, 18, 1.5],
        },
      });
      map.addLayer({
        id: 'grid-selected-fill',
        type: 'fill',
        source: 'grids',
        filter: ['==', ['get', 'code'], ''],
        paint: { 'fill-color': '#ffd666', 'fill-opacity': 0.85 },
      });
      map.addLayer({
        id: 'grid-selected-line',
        type: 'line',
        source: 'grids',
        filter: ['==', ['get', 'code'], ''],
        paint: { 'line-color': '#c8161d', 'line-width': 2.5 },
      });
      map.addLayer({
        id: 'district-line',
        type: 'line',
        source: 'district',
        paint: { 'line-color': '#c8161d', 'line-width': 2.5, 'line-dasharray': [4, 2] },
      });
      map.addLayer({
        id: 'grid-label',
        type: 'symbol',
        source: 'grids',
        minzoom: 15.5,
        layout: {
          'text-field': ['step', ['zoom'], SEQUENCE_LABEL, 17, ['get', 'name']],
          'text-font': FONT_STACK,
          'text-size': ['interpolate', ['linear'], ['zoom'], 15.5, 10, 18, 13],
          'text-max-width': 6,
        },
        paint: { 'text-color': '#102a43', 'text-halo-color': 'rgba(255,255,255,0.85)', 'text-halo-width': 1.2 },
      });
      map.addLayer({
        id: 'community-label',
        type: 'symbol',
        source: 'community-labels',
        minzoom: 12.8,
        maxzoom: 15.5,
        layout: {
          'text-field': ['get', 'name'],
          'text-font': FONT_STACK,
          'text-size': 14,
          'text-allow-overlap': false,
        },
        paint: { 'text-color': '#0d2546', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 },
      });
      map.addLayer({
        id: 'subdistrict-label',
        type: 'symbol',
        source: 'subdistrict-labels',
        maxzoom: 12.8,
        layout: { 'text-field': ['get', 'name'], 'text-font': FONT_STACK, 'text-size': 16 },
        paint: { 'text-color': '#0d2546', 'text-halo-color': '#ffffff', 'text-halo-width': 2 },
      });

      map.on('click', 'grid-fill', (e) => {
        const f = e.features?.[0];
        const code = f?.properties?.code;
        if (typeof code === 'string') onPickRef.current({ code, lng: e.lngLat.lng, lat: e.lngLat.lat });
      });
      map.on('click', (e) => {
        if (map.queryRenderedFeatures(e.point, { layers: ['grid-fill'] }).length === 0) onPickRef.current(null);
      });
      map.on('mouseenter', 'grid-fill', () => {
        map.getCanvas().style.cursor = 'pointer';
      });
      map.on('mouseleave', 'grid-fill', () => {
        map.getCanvas().style.cursor = '';
      });
      setReady(true);
    });
    mapRef.current = map;
    // Expose for tests and debugging in the browser console.
    (window as unknown as { __gcMap?: MapLibreMap }).__gcMap = map;
    return () => {
      map.remove();
      mapRef.current = null;
      setReady(false);
    };
  }, [tileUrl]);

  // Data.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    (map.getSource('grids') as GeoJSONSource).setData(layer as unknown as FeatureCollection);
    (map.getSource('district') as GeoJSONSource).setData(boundary ?? EMPTY);
    (map.getSource('community-labels') as GeoJSONSource).setData(communityPoints as FeatureCollection<Point>);
    (map.getSource('subdistrict-labels') as GeoJSONSource).setData(subdistrictPoints as FeatureCollection<Point>);
    map.setPaintProperty('grid-fill', 'fill-color', fillColourExpression(layer));
  }, [ready, layer, boundary, communityPoints, subdistrictPoints]);

  // Selection.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const filter = ['==', ['get', 'code'], selectedCode ?? ''] as ['==', ['get', string], string];
    map.setFilter('grid-selected-fill', filter);
    map.setFilter('grid-selected-line', filter);
  }, [ready, selectedCode]);

  // Focus (e.g. a search hit).
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready || !focus) return;
    map.fitBounds(focus as LngLatBoundsLike, { padding: 80, maxZoom: 17, duration: 600 });
  }, [ready, focus]);

  return <div ref={container} className="gc-map-canvas" data-testid="grid-map" data-ready={ready ? 'yes' : 'no'} />;
}

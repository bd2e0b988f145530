/**
 * A small map with one point: the location picker of the report form (tap the map or drag the marker)
 * and the case's place on its detail page. Same offline style and cell colours as the grid map
 * (components/map/mapStyle.ts); the cells come from GET /api/v1/grids — the caller's whole scope for
 * picking, a small box around the point for showing. Loaded as its own chunk (MapLibre is large).
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import { useQuery } from '@tanstack/react-query';
import type { FeatureCollection } from 'geojson';
import {
  type GeoJSONSource,
  type LngLatBoundsLike,
  Map as MapLibreMap,
  Marker,
  NavigationControl,
  setWorkerUrl,
} from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import type { TGridCollection } from '../../../../common/grids.ts';
import { api } from '../../api.ts';
import { baseStyle, FONT_STACK, fillColourExpression, LOCAL_IDEOGRAPH_FONT } from '../map/mapStyle.ts';
import './cases.css';

setWorkerUrl(workerUrl);

export interface LngLat {
  lng: number;
  lat: number;
}

type TDistrictBoundary = FeatureCollection & {
  bbox?: number[];
  basemap?: { tileUrl: string; attribution: string | null } | null;
};

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
const DEFAULT_BOUNDS: [number, number, number, number] = [113.69, 34.69, 113.77, 34.75];

/** ±~600 m around a point, for the detail map's cells. */
function boxAround(p: LngLat): string {
  const dLat = 0.0055;
  const dLng = 0.0065;
  return [p.lng - dLng, p.lat - dLat, p.lng + dLng, p.lat + dLat].map((v) => v.toFixed(5)).join(',');
}

export interface CasePointMapProps {
  point: LngLat | null;
  /** Picker mode: a tap (or dragging the marker) chooses the point. */
  onPick?: (p: LngLat & { gridCode: string | null }) => void;
  /** The cell to outline (e.g. the case's grid). */
  highlightCode?: string | null;
  height?: number | string;
  testId?: string;
}

export function CasePointMap({ point, onPick, highlightCode, height = 260, testId = 'case-map' }: CasePointMapProps) {
  const picker = !!onPick;
  const boundary = useQuery({
    queryKey: ['district', 'boundary'],
    queryFn: () => api.get<TDistrictBoundary>('/api/v1/district/boundary'),
    staleTime: 300_000,
    retry: false,
  });
  const around = !picker && point ? boxAround(point) : null;
  const layer = useQuery({
    queryKey: around ? ['grids', 'bbox', around] : ['grids', 'layer'],
    queryFn: () => api.get<TGridCollection>('/api/v1/grids', around ? { bbox: around } : undefined),
    staleTime: 60_000,
    retry: false,
    enabled: picker || !!point,
  });

  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const markerRef = useRef<Marker | null>(null);
  const [ready, setReady] = useState(false);
  const [picked, setPicked] = useState<string | null>(null);
  const onPickRef = useRef(onPick);
  onPickRef.current = onPick;
  const tileUrl = boundary.data?.basemap?.tileUrl;
  const attribution = boundary.data?.basemap?.attribution ?? undefined;
  const waitBase = boundary.isPending;

  // biome-ignore lint/correctness/useExhaustiveDependencies: created once per base map; the point and data go through the effects below
  useEffect(() => {
    if (!container.current || waitBase) return;
    const start = point;
    const box = (boundary.data?.bbox as [number, number, number, number] | undefined) ?? DEFAULT_BOUNDS;
    const map = new MapLibreMap({
      container: container.current,
      style: baseStyle(tileUrl, attribution),
      ...(start ? { center: [start.lng, start.lat], zoom: 16 } : { bounds: box as LngLatBoundsLike }),
      fitBoundsOptions: { padding: 16 },
      attributionControl: attribution ? { compact: true } : false,
      localIdeographFontFamily: LOCAL_IDEOGRAPH_FONT,
      maxZoom: 19,
      dragRotate: false,
      pitchWithRotate: false,
      cooperativeGestures: false,
    });
    map.touchZoomRotate.disableRotation();
    map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    map.on('load', () => {
      map.addSource('district', { type: 'geojson', data: EMPTY });
      map.addSource('grids', { type: 'geojson', data: EMPTY });
      map.addLayer({ id: 'district-fill', type: 'fill', source: 'district', paint: { 'fill-color': '#ffffff' } });
      map.addLayer({
        id: 'grid-fill',
        type: 'fill',
        source: 'grids',
        paint: { 'fill-color': '#9aa3ad', 'fill-opacity': 0.45 },
      });
      map.addLayer({
        id: 'grid-line',
        type: 'line',
        source: 'grids',
        paint: { 'line-color': '#ffffff', 'line-width': 0.8, 'line-opacity': 0.8 },
      });
      map.addLayer({
        id: 'grid-selected-line',
        type: 'line',
        source: 'grids',
        filter: ['==', ['get', 'code'], ''],
        paint: { 'line-color': '#c8161d', 'line-width': 2 },
      });
      map.addLayer({
        id: 'district-line',
        type: 'line',
        source: 'district',
        paint: { 'line-color': '#c8161d', 'line-width': 2, 'line-dasharray': [4, 2] },
      });
      map.addLayer({
        id: 'grid-label',
        type: 'symbol',
        source: 'grids',
        minzoom: 16.5,
        layout: { 'text-field': ['get', 'name'], 'text-font': FONT_STACK, 'text-size': 11, 'text-max-width': 6 },
        paint: { 'text-color': '#102a43', 'text-halo-color': 'rgba(255,255,255,0.85)', 'text-halo-width': 1.2 },
      });
      map.on('click', (e) => {
        if (!onPickRef.current) return;
        const f = map.queryRenderedFeatures(e.point, { layers: ['grid-fill'] })[0];
        const code = typeof f?.properties?.code === 'string' ? (f.properties.code as string) : null;
        setPicked(code);
        onPickRef.current({ lng: e.lngLat.lng, lat: e.lngLat.lat, gridCode: code });
      });
      if (picker) map.getCanvas().style.cursor = 'crosshair';
      setReady(true);
    });
    mapRef.current = map;
    (window as unknown as { __gcCaseMap?: MapLibreMap }).__gcCaseMap = map;
    return () => {
      markerRef.current?.remove();
      markerRef.current = null;
      map.remove();
      mapRef.current = null;
      setReady(false);
    };
  }, [tileUrl, waitBase]);

  // Cells and outline.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const data = layer.data;
    (map.getSource('grids') as GeoJSONSource).setData((data as unknown as FeatureCollection) ?? EMPTY);
    (map.getSource('district') as GeoJSONSource).setData(boundary.data ?? EMPTY);
    if (data) map.setPaintProperty('grid-fill', 'fill-color', fillColourExpression(data));
  }, [ready, layer.data, boundary.data]);

  // The highlighted cell: the one given, or the one last tapped.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    map.setFilter('grid-selected-line', ['==', ['get', 'code'], highlightCode ?? picked ?? '']);
  }, [ready, highlightCode, picked]);

  // The marker follows the point; a new point from outside (GPS, a photo) is brought into view.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    if (!point) {
      markerRef.current?.remove();
      markerRef.current = null;
      return;
    }
    if (!markerRef.current) {
      const m = new Marker({ color: '#c8161d', draggable: picker }).setLngLat([point.lng, point.lat]).addTo(map);
      m.on('dragend', () => {
        const ll = m.getLngLat();
        const px = map.project(ll);
        const f = map.queryRenderedFeatures(px, { layers: ['grid-fill'] })[0];
        const code = typeof f?.properties?.code === 'string' ? (f.properties.code as string) : null;
        setPicked(code);
        onPickRef.current?.({ lng: ll.lng, lat: ll.lat, gridCode: code });
      });
      markerRef.current = m;
    } else {
      markerRef.current.setLngLat([point.lng, point.lat]);
    }
    const inView = map.getBounds().contains([point.lng, point.lat]);
    if (!inView || map.getZoom() < 14)
      map.easeTo({ center: [point.lng, point.lat], zoom: Math.max(map.getZoom(), 16) });
  }, [ready, point, picker]);

  return (
    <div className="gc-point-map" style={{ height }}>
      <div ref={container} className="gc-point-map-canvas" data-testid={testId} data-ready={ready ? 'yes' : 'no'} />
    </div>
  );
}

export default CasePointMap;

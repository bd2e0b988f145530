/**
 * Construction sites on the offline map: the district outline and the grid cells (faint, same style as
 * the grid map) under one circle per site, coloured by live status; click a site for a popup with its
 * name, type, builder, the latest PM10 and a link to its page. Loaded as its own chunk (MapLibre is large).
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import { useQuery } from '@tanstack/react-query';
import type { Feature, FeatureCollection, Point } from 'geojson';
import {
  type GeoJSONSource,
  type LngLatBoundsLike,
  Map as MapLibreMap,
  NavigationControl,
  Popup,
  ScaleControl,
  setWorkerUrl,
} from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { TGridCollection } from '../../../../common/grids.ts';
import {
  LIVE_STATUS_COLOURS,
  LIVE_STATUS_LABELS,
  LIVE_STATUSES,
  SITE_TYPE_LABELS,
  type TLiveStatus,
  type TSitePoint,
} from '../../../../common/sensors.ts';
import { api } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { baseStyle, FONT_STACK, LOCAL_IDEOGRAPH_FONT } from '../map/mapStyle.ts';
import '../map/map.css';
import './sensors.css';

setWorkerUrl(workerUrl);

type TDistrictBoundary = FeatureCollection & {
  bbox?: number[];
  basemap?: { tileUrl: string; attribution: string | null } | null;
};

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
const DEFAULT_BOUNDS: [number, number, number, number] = [113.69, 34.69, 113.77, 34.75];
/** Draw order: the urgent ones on top. */
const RANK: Record<TLiveStatus, number> = { ok: 0, no_monitor: 1, offline: 2, warning: 3, alarm: 4 };

function siteFeatures(sites: readonly TSitePoint[]): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: sites.map(
      (s): Feature<Point> => ({
        type: 'Feature',
        id: s.id,
        properties: { id: s.id, name: s.name, status: s.live.status, rank: RANK[s.live.status] },
        geometry: { type: 'Point', coordinates: [s.lng, s.lat] },
      }),
    ),
  };
}

const statusColour = [
  'match',
  ['get', 'status'],
  ...LIVE_STATUSES.flatMap((s) => [s, LIVE_STATUS_COLOURS[s]]),
  '#8c8c8c',
] as unknown as string;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The popup's content, built as DOM (never HTML strings: names come from users). */
function popupContent(s: TSitePoint, open: (id: string) => void): HTMLElement {
  const root = el('div', 'gc-site-popup');
  root.dataset.testid = 'site-popup';
  const title = el('div', 'gc-site-popup-title', s.name);
  const badge = el('span', 'gc-site-popup-badge', LIVE_STATUS_LABELS[s.live.status]);
  badge.style.backgroundColor = LIVE_STATUS_COLOURS[s.live.status];
  title.append(' ', badge);
  root.append(title);
  const row = (label: string, value: string) => {
    const r = el('div', 'gc-site-popup-row');
    r.append(el('span', 'gc-site-popup-label', label), el('span', '', value));
    root.append(r);
  };
  row('类型', `${SITE_TYPE_LABELS[s.siteType]}工地`);
  row('施工单位', s.builder);
  row('责任单位', s.unitName ?? '—');
  const pm = s.live.latestPm10;
  row('最新 PM10', pm ? `${Number(pm.value.toFixed(1))} μg/m³(${formatDateTime(pm.at).slice(5, 16)})` : '暂无数据');
  row('监测设备', s.live.devices ? `${s.live.onlineDevices}/${s.live.devices} 在线` : '未安装');
  const link = el('a', 'gc-site-popup-link', '查看工地详情 →');
  link.href = `/sites/${s.id}`;
  link.addEventListener('click', (e) => {
    e.preventDefault();
    open(s.id);
  });
  root.append(link);
  return root;
}

export interface SiteMapProps {
  sites: readonly TSitePoint[];
  /** Go to a site's page (the popup's link). */
  onOpen: (id: string) => void;
  /** Only these statuses are drawn (the legend toggles them). */
  visible: ReadonlySet<TLiveStatus>;
}

export function SiteMap({ sites, onOpen, visible }: SiteMapProps) {
  const boundary = useQuery({
    queryKey: ['district', 'boundary'],
    queryFn: () => api.get<TDistrictBoundary>('/api/v1/district/boundary'),
    staleTime: 300_000,
    retry: false,
  });
  const grids = useQuery({
    queryKey: ['grids', 'layer'],
    queryFn: () => api.get<TGridCollection>('/api/v1/grids'),
    staleTime: 60_000,
    retry: false,
  });
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const popupRef = useRef<Popup | null>(null);
  const [ready, setReady] = useState(false);
  const byId = useMemo(() => new Map(sites.map((s) => [s.id, s])), [sites]);
  const byIdRef = useRef(byId);
  byIdRef.current = byId;
  const onOpenRef = useRef(onOpen);
  onOpenRef.current = onOpen;
  const tileUrl = boundary.data?.basemap?.tileUrl;
  const attribution = boundary.data?.basemap?.attribution ?? undefined;
  const waitBase = boundary.isPending;

  // biome-ignore lint/correctness/useExhaustiveDependencies: created once per base map; data goes through setData below
  useEffect(() => {
    if (!container.current || waitBase) return;
    const box = (boundary.data?.bbox as [number, number, number, number] | undefined) ?? DEFAULT_BOUNDS;
    const map = new MapLibreMap({
      container: container.current,
      style: baseStyle(tileUrl, attribution),
      bounds: box as LngLatBoundsLike,
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
      map.addSource('sites', { type: 'geojson', data: EMPTY });
      map.addLayer({ id: 'district-fill', type: 'fill', source: 'district', paint: { 'fill-color': '#ffffff' } });
      map.addLayer({
        id: 'grid-line',
        type: 'line',
        source: 'grids',
        paint: { 'line-color': '#b8c2cc', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 0.2, 16, 0.8] },
      });
      map.addLayer({
        id: 'district-line',
        type: 'line',
        source: 'district',
        paint: { 'line-color': '#c8161d', 'line-width': 2.5, 'line-dasharray': [4, 2] },
      });
      map.addLayer({
        id: 'site-halo',
        type: 'circle',
        source: 'sites',
        filter: ['==', ['get', 'status'], 'alarm'],
        paint: {
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 12, 16, 20],
          'circle-color': LIVE_STATUS_COLOURS.alarm,
          'circle-opacity': 0.22,
        },
      });
      map.addLayer({
        id: 'site-point',
        type: 'circle',
        source: 'sites',
        layout: { 'circle-sort-key': ['get', 'rank'] },
        paint: {
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 6, 16, 11],
          'circle-color': statusColour,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 2,
        },
      });
      map.addLayer({
        id: 'site-label',
        type: 'symbol',
        source: 'sites',
        minzoom: 13.5,
        layout: {
          'text-field': ['get', 'name'],
          'text-font': FONT_STACK,
          'text-size': 12,
          'text-offset': [0, 1.3],
          'text-anchor': 'top',
          'text-max-width': 8,
        },
        paint: { 'text-color': '#102a43', 'text-halo-color': '#ffffff', 'text-halo-width': 1.4 },
      });
      map.on('click', 'site-point', (e) => {
        const id = e.features?.[0]?.properties?.id;
        const s = typeof id === 'string' ? byIdRef.current.get(id) : undefined;
        if (!s) return;
        popupRef.current?.remove();
        popupRef.current = new Popup({ closeButton: true, maxWidth: '300px', offset: 12 })
          .setLngLat([s.lng, s.lat])
          .setDOMContent(popupContent(s, (x) => onOpenRef.current(x)))
          .addTo(map);
      });
      map.on('mouseenter', 'site-point', () => {
        map.getCanvas().style.cursor = 'pointer';
      });
      map.on('mouseleave', 'site-point', () => {
        map.getCanvas().style.cursor = '';
      });
      setReady(true);
    });
    mapRef.current = map;
    (window as unknown as { __gcSiteMap?: MapLibreMap }).__gcSiteMap = map;
    return () => {
      popupRef.current?.remove();
      map.remove();
      mapRef.current = null;
      setReady(false);
    };
  }, [tileUrl, waitBase]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    (map.getSource('district') as GeoJSONSource).setData(boundary.data ?? EMPTY);
    (map.getSource('grids') as GeoJSONSource).setData((grids.data as unknown as FeatureCollection) ?? EMPTY);
  }, [ready, boundary.data, grids.data]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    (map.getSource('sites') as GeoJSONSource).setData(siteFeatures(sites.filter((s) => visible.has(s.live.status))));
  }, [ready, sites, visible]);

  // Look at the sites once (not on every 30-second refresh): the district may be much larger than where they are.
  const fitted = useRef(false);
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready || fitted.current || sites.length === 0) return;
    fitted.current = true;
    const lngs = sites.map((s) => s.lng);
    const lats = sites.map((s) => s.lat);
    map.fitBounds([Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)], {
      padding: 60,
      maxZoom: 15,
      duration: 0,
    });
  }, [ready, sites]);

  return (
    <div
      ref={container}
      className="gc-map-canvas"
      data-testid="site-map"
      data-ready={ready ? 'yes' : 'no'}
      data-sites={sites.length}
    />
  );
}

export default SiteMap;

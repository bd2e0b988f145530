/** /map: the grid cells of the caller's scope on an offline map, a legend, search, and a cell's details. */
import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Button, Input, Space, Typography } from 'antd';
import type { FeatureCollection } from 'geojson';
import { useMemo, useState } from 'react';
import type { TGridCollection } from '../../../../common/grids.ts';
import { api } from '../../api.ts';
import { PageHeader } from '../PageHeader.tsx';
import { LoadError, PageLoading } from '../QueryState.tsx';
import { GridMap, type MapPick } from './GridMap.tsx';
import { GridPanel } from './GridPanel.tsx';
import { MapLegend } from './MapLegend.tsx';
import './map.css';

type Box = [number, number, number, number];

function featureBox(f: TGridCollection['features'][number]): Box {
  const rings = f.geometry.type === 'Polygon' ? [f.geometry.coordinates[0]] : f.geometry.coordinates.map((p) => p[0]);
  let b: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const r of rings)
    for (const [x = 0, y = 0] of r ?? [])
      b = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)];
  return b;
}

type TDistrictBoundary = FeatureCollection & {
  bbox?: number[];
  basemap?: { tileUrl: string; attribution: string | null } | null;
};

export function GridMapView() {
  const layer = useQuery({
    queryKey: ['grids', 'layer'],
    queryFn: () => api.get<TGridCollection>('/api/v1/grids'),
    staleTime: 60_000,
  });
  const boundary = useQuery({
    queryKey: ['district', 'boundary'],
    queryFn: () => api.get<TDistrictBoundary>('/api/v1/district/boundary'),
    staleTime: 300_000,
  });
  const [pick, setPick] = useState<{ code: string; point: { lng: number; lat: number } | null } | null>(null);
  const [focus, setFocus] = useState<Box | null>(null);
  const [search, setSearch] = useState('');

  const byCode = useMemo(() => new Map((layer.data?.features ?? []).map((f) => [f.properties.code, f])), [layer.data]);
  const options = useMemo(() => {
    const q = search.trim();
    if (!q || !layer.data) return [];
    const out: { value: string; label: string }[] = [];
    for (const f of layer.data.features) {
      if (f.properties.code.includes(q) || f.properties.name.includes(q)) {
        out.push({ value: f.properties.code, label: `${f.properties.name} · ${f.properties.code}` });
        if (out.length >= 20) break;
      }
    }
    return out;
  }, [search, layer.data]);

  // The outline carries the configured base map, so the map waits for it (it is small).
  if (layer.isPending || boundary.isPending) return <PageLoading rows={10} />;
  if (layer.isError) return <LoadError error={layer.error} onRetry={() => layer.refetch()} />;
  const data = layer.data;
  const selected = pick ? byCode.get(pick.code) : undefined;

  const choose = (code: string) => {
    const f = byCode.get(code);
    if (!f) return;
    setPick({ code, point: null });
    setFocus(featureBox(f));
  };

  return (
    <div className="gc-page gc-map-page">
      <PageHeader
        title="网格地图"
        description={
          <span data-testid="map-summary">
            共 {data.features.length.toLocaleString('zh-CN')} 个网格 · {data.subdistricts.length} 个办事处 ·{' '}
            {data.units.filter((u) => u.type === 'community').length}{' '}
            个社区。点击网格查看编码、责任人和各类问题的责任归属。
          </span>
        }
        extra={
          <Space>
            <AutoComplete
              style={{ width: 280 }}
              options={options}
              value={search}
              onChange={setSearch}
              onSelect={(v: string) => choose(v)}
            >
              <Input allowClear prefix={<SearchOutlined />} placeholder="按网格编码或名称查找" />
            </AutoComplete>
            <Button icon={<ReloadOutlined />} onClick={() => layer.refetch()} loading={layer.isFetching}>
              刷新
            </Button>
          </Space>
        }
      />
      <div className="gc-map-frame">
        <GridMap
          layer={data}
          boundary={boundary.data ?? null}
          selectedCode={pick?.code ?? null}
          onPick={(p: MapPick | null) => setPick(p ? { code: p.code, point: { lng: p.lng, lat: p.lat } } : null)}
          focus={focus}
          tileUrl={boundary.data?.basemap?.tileUrl}
          attribution={boundary.data?.basemap?.attribution ?? undefined}
        />
        {data.features.length === 0 && (
          <div className="gc-map-empty">
            <Typography.Text type="secondary">您的管辖范围内没有网格</Typography.Text>
          </div>
        )}
        <MapLegend layer={data} />
        {selected && pick && (
          <GridPanel
            key={selected.id}
            gridId={selected.id}
            point={pick.point}
            onClose={() => setPick(null)}
            onZoom={(b) => setFocus([...b])}
          />
        )}
      </div>
    </div>
  );
}

export default GridMapView;

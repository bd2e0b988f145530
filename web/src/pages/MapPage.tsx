/**
 * /map: the grid map. MapLibre is large, so the map view is its own chunk, loaded when the page opens.
 * Offline by default; a raster base map (Tianditu/Amap) appears when the server sets MAP_TILE_URL.
 */
import { lazy, Suspense } from 'react';
import { PageLoading } from '../components/QueryState.tsx';

const GridMapView = lazy(() => import('../components/map/GridMapView.tsx'));

export function MapPage() {
  return (
    <Suspense fallback={<PageLoading rows={10} />}>
      <GridMapView />
    </Suspense>
  );
}

/** The legend: one swatch per subdistrict (its communities in their shades), the district outline. */
import type { TGridCollection } from '../../../../common/grids.ts';
import { subdistrictColour, unitColours } from './mapStyle.ts';

export function MapLegend({ layer }: { layer: TGridCollection }) {
  const colours = unitColours(layer);
  const groups = layer.subdistricts.map((s, i) => ({
    ...s,
    units: layer.units.map((u, k) => ({ ...u, colour: colours[k] as string })).filter((u) => u.sd === i),
  }));
  const orphans = layer.units.map((u, k) => ({ ...u, colour: colours[k] as string })).filter((u) => u.sd === null);
  return (
    <div className="gc-map-legend" data-testid="map-legend">
      <div className="gc-map-legend-title">图例</div>
      {groups.map((g, i) => (
        <div key={g.id} className="gc-map-legend-group">
          <div className="gc-map-legend-row">
            <span className="gc-map-swatch" style={{ background: subdistrictColour(i) }} />
            <strong>{g.name}</strong>
          </div>
          {g.units.map((u) => (
            <div key={u.id} className="gc-map-legend-row gc-map-legend-sub">
              <span className="gc-map-swatch gc-map-swatch-small" style={{ background: u.colour }} />
              {u.name}
            </div>
          ))}
        </div>
      ))}
      {orphans.length > 0 && (
        <div className="gc-map-legend-group">
          {orphans.map((u) => (
            <div key={u.id} className="gc-map-legend-row">
              <span className="gc-map-swatch" style={{ background: u.colour }} />
              {u.name}
            </div>
          ))}
        </div>
      )}
      <div className="gc-map-legend-row">
        <span className="gc-map-outline" />
        辖区边界
      </div>
    </div>
  );
}

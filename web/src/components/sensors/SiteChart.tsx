/**
 * A line chart (ECharts) of one quantity at a site over a time window: one line per monitor, threshold
 * lines (markLine, dashed: orange 预警, red 报警). Times are shown in Asia/Shanghai whatever the browser's
 * zone (the data is shifted by +8 h and drawn in UTC; China keeps no summer time). Loaded as its own chunk.
 */
import { LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  DataZoomComponent,
  type DataZoomComponentOption,
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  MarkLineComponent,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import { type ComposeOption, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { TSeries, TThreshold } from '../../../../common/sensors.ts';
import './sensors.css';

use([
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  DataZoomComponent,
  CanvasRenderer,
]);

type Option = ComposeOption<
  LineSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | DataZoomComponentOption
>;

const SHANGHAI_MS = 8 * 3_600_000;
const LINE_COLOURS = ['#1e5bb8', '#13a8a8', '#7c3aed', '#d97706', '#c2417a'];
const pad = (n: number) => String(n).padStart(2, '0');
/** "04-15 09:30" of a shifted timestamp (already in Shanghai time, read as UTC). */
function label(shifted: number): string {
  const d = new Date(shifted);
  return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export interface SiteChartProps {
  series: TSeries['series'];
  thresholds: TThreshold[];
  from: string;
  to: string;
  unit: string;
  testId?: string;
}

function optionOf({ series, thresholds, from, to, unit }: SiteChartProps): Option {
  const manyCodes = new Set(series.map((s) => s.pollutant)).size > 1;
  const multi = manyCodes || new Set(series.map((s) => s.deviceId)).size > 1;
  const limits = [...new Map(thresholds.map((t) => [`${t.level}|${t.limit}`, t])).values()];
  const lines: LineSeriesOption[] = series.map((s, i) => ({
    type: 'line',
    name: manyCodes ? `${s.deviceName} · ${s.pollutantName}` : s.deviceName,
    showSymbol: false,
    smooth: false,
    sampling: 'lttb',
    lineStyle: { width: 1.6 },
    color: LINE_COLOURS[i % LINE_COLOURS.length],
    data: s.points.map((p) => [new Date(p[0]).getTime() + SHANGHAI_MS, Math.round(p[1] * 10) / 10]),
    ...(i === 0 && limits.length > 0
      ? {
          markLine: {
            silent: true,
            symbol: 'none',
            data: limits.map((t) => ({
              yAxis: t.limit,
              lineStyle: { color: t.level === 'alarm' ? '#d9262c' : '#f08c00', type: 'dashed' as const, width: 1.4 },
              label: {
                formatter: `${t.level === 'alarm' ? '报警' : '预警'} ${t.limit}${t.rule === 'hour_avg' ? '(时均)' : '(实时)'}`,
                // Alarms labelled on the right, warnings on the left: close limits do not overlap.
                position: t.level === 'alarm' ? ('insideEndTop' as const) : ('insideStartTop' as const),
                color: t.level === 'alarm' ? '#d9262c' : '#b86e00',
                fontSize: 11,
              },
            })),
          },
        }
      : {}),
  }));
  const maxData = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p[1])));
  const maxLimit = Math.max(0, ...limits.map((t) => t.limit));
  return {
    useUTC: true,
    animation: false,
    grid: { left: 48, right: 24, top: multi ? 36 : 20, bottom: 56 },
    legend: multi ? { top: 0, type: 'scroll', textStyle: { fontSize: 12 } } : { show: false },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v) => (v === null || v === undefined ? '—' : `${v} ${unit}`),
      axisPointer: { label: { formatter: (p) => label(Number(p.value)) } },
    },
    xAxis: {
      type: 'time',
      min: new Date(from).getTime() + SHANGHAI_MS,
      max: new Date(to).getTime() + SHANGHAI_MS,
      axisLabel: { hideOverlap: true, formatter: (v: number) => label(v).slice(6) },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      // Keep the threshold lines in view even when the readings are far below them.
      max: (v: { max: number }) => Math.ceil(Math.max(v.max, maxLimit * 1.1, maxData) / 10) * 10 || 10,
      splitLine: { lineStyle: { color: '#eef0f3' } },
    },
    dataZoom: [
      { type: 'inside', throttle: 50 },
      { type: 'slider', height: 18, bottom: 8, labelFormatter: (v: number) => label(v).slice(6) },
    ],
    series: lines,
  };
}

export function SiteChart(props: SiteChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof init> | null>(null);

  useEffect(() => {
    if (!ref.current) return;
    const c = init(ref.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(ref.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(optionOf(props), { notMerge: true });
  }, [props]);

  return <div ref={ref} className="gc-site-chart" data-testid={props.testId ?? 'site-chart'} />;
}

export default SiteChart;

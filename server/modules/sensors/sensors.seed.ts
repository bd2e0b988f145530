/**
 * Demo data for dust control (all invented, names marked 演示): nine construction sites of every type in the
 * demo district (34.72° N, 113.73° E, within ±3 km), five of them with a monitor and four required to run one
 * without it (so "sites without a working monitor" has content), and the default thresholds.
 *
 * The monitor anyone can try the listener with: MN GCDEMO0000000001, PW 123456, values in µg/m³, on
 * 演示工地·经开第八大街综合体 (see README "Try the dust monitor listener"). GCDEMO0000000005 reports
 * particulates ×1000 (like HJ057 in the shared test data) and is registered with scale 0.001.
 *
 * Thresholds (demo values, set by each deployment): PM10 hourly average above 100 µg/m³ a warning, above
 * 150 an alarm (拆迁 sites stricter: 120), PM10 real-time above 250 three times in a row a warning, TSP
 * real-time above 500 five times in a row an alarm, PM2.5 hourly average above 75 a warning.
 */
import { randomUUID } from 'node:crypto';
import type { Tx } from '../../db/client.ts';
import * as repo from './sensors.ingest.repo.ts';

export const DEMO_MONITOR = { mn: 'GCDEMO0000000001', password: '123456', siteCode: 'GC-DEMO-001' } as const;

const CENTRE = { lat: 34.72, lng: 113.73 };
const KM_LAT = 1 / 111.32;
const KM_LNG = 1 / (111.32 * Math.cos((CENTRE.lat * Math.PI) / 180));

interface DemoSite {
  code: string;
  name: string;
  type: 'demolition' | 'municipal' | 'building' | 'road' | 'other';
  address: string;
  /** km east / north of the district centre */
  x: number;
  y: number;
  unit: string;
  builder: string;
  status?: 'active' | 'suspended' | 'finished';
  monitorRequired?: boolean;
  monitor?: { mn: string; name: string; scale?: Record<string, number>; intervalSeconds?: number };
}

const SITES: DemoSite[] = [
  {
    code: 'GC-DEMO-001',
    name: '演示工地·经开第八大街综合体',
    type: 'building',
    address: '经开第八大街与经南五路交叉口东北角(演示)',
    x: -2.0,
    y: 1.5,
    unit: '李南岗社区',
    builder: '中原建工集团(演示)',
    monitor: { mn: 'GCDEMO0000000001', name: '扬尘监测仪 1 号(演示)' },
  },
  {
    code: 'GC-DEMO-002',
    name: '航海东路沿线拆迁改造项目(演示)',
    type: 'demolition',
    address: '航海东路与第九大街交叉口西南(演示)',
    x: 0.1,
    y: 2.0,
    unit: '九龙社区',
    builder: '郑州城发拆迁工程公司(演示)',
    monitor: { mn: 'GCDEMO0000000002', name: '拆迁现场扬尘监测仪(演示)' },
  },
  {
    code: 'GC-DEMO-003',
    name: '经南三路雨污分流管网工程(演示)',
    type: 'municipal',
    address: '经南三路(第七大街—第九大街)(演示)',
    x: 0.3,
    y: -1.8,
    unit: '幸福社区',
    builder: '河南市政工程有限公司(演示)',
  },
  {
    code: 'GC-DEMO-004',
    name: '潮河安置区旧房拆除(演示)',
    type: 'demolition',
    address: '潮河社区北片区(演示)',
    x: 2.2,
    y: 1.2,
    unit: '潮河社区',
    builder: '经开区拆迁服务中心(演示)',
  },
  {
    code: 'GC-DEMO-005',
    name: '107 辅道道路提升改造(演示)',
    type: 'road',
    address: '107 辅道与经南八路交叉口(演示)',
    x: 2.5,
    y: -2.0,
    unit: '滨河社区',
    builder: '中交路桥建设(演示)',
    monitor: {
      mn: 'GCDEMO0000000005',
      name: '道路工地扬尘监测仪(×1000 上报,演示)',
      scale: { a34001: 0.001, a34002: 0.001, a34004: 0.001 },
    },
  },
  {
    code: 'GC-DEMO-006',
    name: '祥云花园三期住宅(演示)',
    type: 'building',
    address: '祥云路与经开第五大街交叉口(演示)',
    x: -2.4,
    y: -1.5,
    unit: '祥云社区',
    builder: '郑州置地建设(演示)',
    monitor: { mn: 'GCDEMO0000000006', name: '住宅工地扬尘监测仪(演示)' },
  },
  {
    code: 'GC-DEMO-007',
    name: '九龙产业园标准厂房内部装修(演示)',
    type: 'building',
    address: '九龙产业园 3 号厂房(演示)',
    x: -0.4,
    y: 0.6,
    unit: '九龙社区',
    builder: '豫鑫装饰工程(演示)',
    monitorRequired: false,
  },
  {
    code: 'GC-DEMO-008',
    name: '经北五路绿化提升工程(演示)',
    type: 'other',
    address: '经北五路两侧绿化带(演示)',
    x: 1.6,
    y: 2.6,
    unit: '潮河社区',
    builder: '绿城园林工程(演示)',
    status: 'suspended',
  },
  {
    code: 'GC-DEMO-009',
    name: '滨河公园配套道路新建工程(演示)',
    type: 'road',
    address: '滨河公园南门至经南十路(演示)',
    x: 1.8,
    y: -2.7,
    unit: '滨河社区',
    builder: '郑州路桥工程(演示)',
  },
];

const THRESHOLDS = [
  { siteType: null, pollutant: 'a34002', rule: 'hour_avg', limit: 100, consecutive: 1, level: 'warning' },
  { siteType: null, pollutant: 'a34002', rule: 'hour_avg', limit: 150, consecutive: 1, level: 'alarm' },
  { siteType: 'demolition', pollutant: 'a34002', rule: 'hour_avg', limit: 120, consecutive: 1, level: 'alarm' },
  { siteType: null, pollutant: 'a34002', rule: 'consecutive_rtd', limit: 250, consecutive: 3, level: 'warning' },
  { siteType: null, pollutant: 'a34001', rule: 'consecutive_rtd', limit: 500, consecutive: 5, level: 'alarm' },
  { siteType: null, pollutant: 'a34004', rule: 'hour_avg', limit: 75, consecutive: 1, level: 'warning' },
] as const;

/** Seed the demo sites, monitors and default thresholds (inside the demo seed's transaction). */
export async function seedDemoSensors(
  tx: Tx,
  tenantId: string,
  unitIdByName: ReadonlyMap<string, string>,
  now: Date,
): Promise<void> {
  const sites = SITES.map((s) => ({ s, id: randomUUID() }));
  await repo.insertSites(
    tx,
    sites.map(({ s, id }) => ({
      tenantId,
      id,
      code: s.code,
      name: s.name,
      siteType: s.type,
      address: s.address,
      lat: Math.round((CENTRE.lat + s.y * KM_LAT) * 1e6) / 1e6,
      lng: Math.round((CENTRE.lng + s.x * KM_LNG) * 1e6) / 1e6,
      builder: s.builder,
      builderContact: '项目安全员(演示)',
      unitId: unitIdByName.get(s.unit) ?? null,
      permitNo: `410171-2026-${s.code.slice(-3)}`,
      status: s.status ?? 'active',
      monitorRequired: s.monitorRequired ?? true,
      createdAt: now,
      updatedAt: now,
    })),
  );
  await repo.insertDevices(
    tx,
    sites.flatMap(({ s, id }) =>
      s.monitor
        ? [
            {
              tenantId,
              id: randomUUID(),
              mn: s.monitor.mn,
              siteId: id,
              name: s.monitor.name,
              password: DEMO_MONITOR.password,
              scale: s.monitor.scale ?? {},
              intervalSeconds: s.monitor.intervalSeconds ?? 60,
              createdAt: now,
              updatedAt: now,
            },
          ]
        : [],
    ),
  );
  await repo.insertThresholds(
    tx,
    THRESHOLDS.map((t) => ({ tenantId, id: randomUUID(), ...t, createdAt: now, updatedAt: now })),
  );
}

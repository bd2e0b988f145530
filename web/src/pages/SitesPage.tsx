/**
 * /sites 工地扬尘: the district's construction sites at a glance — a map coloured by live status, the site
 * list, open alerts, offline monitors, sites without a working monitor (the article's "督促各类工地安装空气
 * 检测设备"), the dust-fee accounts with their warnings and the alert thresholds. Live data refreshes every 30 s.
 */
import { AlertOutlined, ApiOutlined, BuildOutlined, DisconnectOutlined, MoneyCollectOutlined } from '@ant-design/icons';
import { Col, Row, Tabs } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader.tsx';
import { StatCard } from '../components/StatCard.tsx';
import { AlertsTable, OfflineDevicesTab } from '../components/sensors/AlertTables.tsx';
import { FeesTab } from '../components/sensors/FeeViews.tsx';
import { SitesListTab, SitesMapTab, WithoutMonitorTab } from '../components/sensors/SiteTabs.tsx';
import { useFeeWarnings, useSitePoints, useSitesWithoutMonitor } from '../components/sensors/sensorsApi.ts';
import { ThresholdsTab } from '../components/sensors/ThresholdsTab.tsx';

const TABS = ['map', 'list', 'alerts', 'offline', 'without-monitor', 'fees', 'thresholds'] as const;
type TabKey = (typeof TABS)[number];

function Summary() {
  const points = useSitePoints();
  const warnings = useFeeWarnings();
  const withoutMonitor = useSitesWithoutMonitor();
  const items = points.data?.items ?? [];
  const count = (f: (s: (typeof items)[number]) => boolean) => items.filter(f).length;
  const loading = points.isPending;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={12} lg={6} xl={4}>
        <StatCard
          title="工地"
          value={items.length}
          suffix="个"
          icon={<BuildOutlined />}
          color="#1e5bb8"
          loading={loading}
        />
      </Col>
      <Col xs={12} lg={6} xl={5}>
        <StatCard
          title="报警 / 预警"
          value={count((s) => s.live.status === 'alarm' || s.live.status === 'warning')}
          suffix="个工地"
          icon={<AlertOutlined />}
          color="#d9262c"
          loading={loading}
        />
      </Col>
      <Col xs={12} lg={6} xl={5}>
        <StatCard
          title="监测离线"
          value={count((s) => s.live.status === 'offline')}
          suffix="个工地"
          icon={<DisconnectOutlined />}
          color="#6b7280"
          loading={loading}
        />
      </Col>
      <Col xs={12} lg={6} xl={5}>
        <StatCard
          title="缺少正常监测"
          value={withoutMonitor.data?.total}
          suffix="个在建工地"
          icon={<ApiOutlined />}
          color="#8a3ffc"
          loading={withoutMonitor.isPending}
        />
      </Col>
      <Col xs={24} lg={6} xl={5}>
        <StatCard
          title="治理费预警"
          value={warnings.data?.items.length}
          suffix="个工地"
          icon={<MoneyCollectOutlined />}
          color="#d97706"
          loading={warnings.isPending}
        />
      </Col>
    </Row>
  );
}

export function SitesPage() {
  const [search, setSearch] = useSearchParams();
  const raw = search.get('tab');
  const tab: TabKey = (TABS as readonly string[]).includes(raw ?? '') ? (raw as TabKey) : 'map';
  return (
    <div className="gc-page">
      <PageHeader
        title="工地扬尘"
        description="各类工地安装空气监测设备,实时掌握 PM10、PM2.5 和噪声;落实扬尘治理费,切实用于扬尘措施"
      />
      <Summary />
      <Tabs
        activeKey={tab}
        onChange={(k) => setSearch(k === 'map' ? {} : { tab: k }, { replace: true })}
        destroyOnHidden
        items={[
          { key: 'map', label: '工地地图', children: <SitesMapTab /> },
          { key: 'list', label: '工地列表', children: <SitesListTab /> },
          { key: 'alerts', label: '报警', children: <AlertsTable /> },
          { key: 'offline', label: '离线设备', children: <OfflineDevicesTab /> },
          { key: 'without-monitor', label: '未安装监测', children: <WithoutMonitorTab /> },
          { key: 'fees', label: '扬尘治理费', children: <FeesTab /> },
          { key: 'thresholds', label: '报警阈值', children: <ThresholdsTab /> },
        ]}
      />
    </div>
  );
}

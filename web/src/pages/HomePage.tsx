/** /: the district at a glance, from GET /api/v1/org/overview. */
import {
  ApartmentOutlined,
  AppstoreOutlined,
  AuditOutlined,
  BankOutlined,
  ClusterOutlined,
  FlagOutlined,
  HomeOutlined,
  KeyOutlined,
  ReloadOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Empty, Row, Table, type TableColumnsType, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { TDistrictOverview } from '../../../common/org.ts';
import { menuFor, type TPermission } from '../../../common/roles.ts';
import { api } from '../api.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError, PageLoading } from '../components/QueryState.tsx';
import { StatCard } from '../components/StatCard.tsx';
import { formatLongDate } from '../format.ts';
import { useSession } from '../session.tsx';

type Hq = TDistrictOverview['hqs'][number];
type Subdistrict = TDistrictOverview['subdistricts'][number];

export function HomePage() {
  const { user, can } = useSession();
  const links = menuFor(user.permissions).filter((m) => m.key !== 'home');
  const overview = useQuery({
    queryKey: ['org', 'overview'],
    queryFn: () => api.get<TDistrictOverview>('/api/v1/org/overview'),
  });

  if (overview.isPending) return <PageLoading rows={10} />;
  if (overview.isError) return <LoadError error={overview.error} onRetry={() => overview.refetch()} />;
  const data = overview.data;

  return (
    <div className="gc-page">
      <PageHeader
        title={`${data.tenant.name}“双迎攻坚”指挥总览`}
        tags={data.isDemo ? <Tag color="orange">演示数据</Tag> : undefined}
        description={`${formatLongDate()} · 欢迎您,${user.displayName}`}
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => overview.refetch()} loading={overview.isFetching}>
            刷新
          </Button>
        }
      />

      <Row gutter={[16, 16]} className="gc-stat-row">
        <Col xs={12} md={8} xl={{ flex: '20%' }}>
          <StatCard
            title="办事处"
            value={data.counts.subdistricts}
            suffix="个"
            icon={<BankOutlined />}
            color="#1e5bb8"
          />
        </Col>
        <Col xs={12} md={8} xl={{ flex: '20%' }}>
          <StatCard title="社区" value={data.counts.communities} suffix="个" icon={<HomeOutlined />} color="#13a8a8" />
        </Col>
        <Col xs={12} md={8} xl={{ flex: '20%' }}>
          <StatCard
            title="局委"
            value={data.counts.departments}
            suffix="个"
            icon={<ClusterOutlined />}
            color="#722ed1"
          />
        </Col>
        <Col xs={12} md={12} xl={{ flex: '20%' }}>
          <StatCard title="指挥部" value={data.counts.hqs} suffix="个" icon={<FlagOutlined />} color="#c8161d" />
        </Col>
        <Col xs={24} md={12} xl={{ flex: '20%' }}>
          <StatCard title="用户" value={data.counts.users} suffix="人" icon={<TeamOutlined />} color="#d48806" />
        </Col>
      </Row>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <HqCard hqs={data.hqs} showOrgLink={can('org.read')} />
        </Col>
        <Col xs={24} xl={10}>
          <div className="gc-stack">
            <SubdistrictCard subdistricts={data.subdistricts} />
            <QuickLinks links={links} />
          </div>
        </Col>
      </Row>
    </div>
  );
}

const hqColumns: TableColumnsType<Hq> = [
  { title: '序号', key: 'index', width: 64, align: 'center', render: (_v, _r, i) => i + 1 },
  {
    title: '指挥部',
    dataIndex: 'name',
    render: (name: string) => (
      <span>
        <FlagOutlined style={{ color: '#c8161d', marginInlineEnd: 6 }} />
        {name}
      </span>
    ),
  },
  {
    title: '指挥长',
    dataIndex: 'commander',
    width: 220,
    render: (c: string | null) => c ?? <Typography.Text type="secondary">未设置</Typography.Text>,
  },
  {
    title: '成员单位',
    dataIndex: 'memberUnits',
    width: 110,
    align: 'right',
    render: (n: number) => `${n} 个`,
  },
];

function HqCard({ hqs, showOrgLink }: { hqs: Hq[]; showOrgLink: boolean }) {
  return (
    <Card
      title={
        <span>
          <FlagOutlined /> 专项指挥部
        </span>
      }
      extra={showOrgLink ? <Link to="/org">查看机构树 ›</Link> : undefined}
      variant="borderless"
      styles={{ body: { padding: 0 } }}
    >
      <Table<Hq>
        rowKey="id"
        size="middle"
        columns={hqColumns}
        dataSource={hqs}
        pagination={false}
        scroll={{ x: 520 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无指挥部" /> }}
      />
    </Card>
  );
}

function SubdistrictCard({ subdistricts }: { subdistricts: Subdistrict[] }) {
  return (
    <Card
      title={
        <span>
          <ApartmentOutlined /> 办事处与社区
        </span>
      }
      variant="borderless"
      styles={{ body: { padding: subdistricts.length ? '4px 20px 12px' : undefined } }}
    >
      {subdistricts.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无办事处" />
      ) : (
        <div className="gc-subdistricts">
          {subdistricts.map((s) => (
            <div key={s.id} className="gc-subdistrict">
              <div className="gc-subdistrict-head">
                <Typography.Text strong>
                  <BankOutlined style={{ color: '#1e5bb8', marginInlineEnd: 6 }} />
                  {s.name}
                </Typography.Text>
                <Typography.Text type="secondary">{s.communities.length} 个社区</Typography.Text>
              </div>
              {s.communities.length > 0 ? (
                <div className="gc-subdistrict-tags">
                  {s.communities.map((c) => (
                    <Tag key={c} variant="outlined">
                      {c}
                    </Tag>
                  ))}
                </div>
              ) : (
                <Typography.Text type="secondary">暂无社区</Typography.Text>
              )}
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}

const LINK_ICONS: Record<string, ReactNode> = {
  org: <ApartmentOutlined />,
  users: <TeamOutlined />,
  tokens: <KeyOutlined />,
  audit: <AuditOutlined />,
  account: <SafetyCertificateOutlined />,
};

const LINK_HINTS: Record<string, string> = {
  org: '机构树与单位详情',
  users: '账户、角色与单位',
  tokens: '外部系统对接凭证',
  audit: '操作留痕与哈希链校验',
  account: '修改密码',
};

function QuickLinks({ links }: { links: { key: string; path: string; label: string; permission?: TPermission }[] }) {
  if (links.length === 0) return null;
  return (
    <Card
      title={
        <span>
          <AppstoreOutlined /> 快捷入口
        </span>
      }
      variant="borderless"
      styles={{ body: { padding: 12 } }}
    >
      <div className="gc-quick-links">
        {links.map((l) => (
          <Link key={l.key} to={l.path} className="gc-quick-link">
            <span className="gc-quick-link-icon">{LINK_ICONS[l.key]}</span>
            <span className="gc-quick-link-text">
              <span className="gc-quick-link-label">{l.label}</span>
              <span className="gc-quick-link-hint">{LINK_HINTS[l.key] ?? ''}</span>
            </span>
          </Link>
        ))}
      </div>
    </Card>
  );
}

/** The frame after login: menu on the left from the user's permissions, who is signed in at the top. */
import {
  ApartmentOutlined,
  AuditOutlined,
  BankOutlined,
  BellOutlined,
  CalendarOutlined,
  CarOutlined,
  CloudOutlined,
  EnvironmentOutlined,
  FileProtectOutlined,
  HomeOutlined,
  KeyOutlined,
  LogoutOutlined,
  NodeIndexOutlined,
  NotificationOutlined,
  PlusCircleOutlined,
  ProfileOutlined,
  SafetyCertificateOutlined,
  SendOutlined,
  TagsOutlined,
  TeamOutlined,
  ToolOutlined,
  UnorderedListOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Alert, Avatar, Button, Layout, Menu, Space, Tag, Tooltip, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { type TUnitType, UNIT_TYPE_LABELS } from '../../../common/org.ts';
import { type MenuEntry, menuFor } from '../../../common/roles.ts';
import { useI18n } from '../i18n.tsx';
import { useLogout, useSession } from '../session.tsx';
import { BrandMark } from './BrandMark.tsx';
import { InboxBadge } from './InboxBadge.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

const ICONS: Record<string, ReactNode> = {
  home: <HomeOutlined />,
  report: <PlusCircleOutlined />,
  tasks: <ToolOutlined />,
  dispatch: <SendOutlined />,
  cases: <UnorderedListOutlined />,
  orders: <FileProtectOutlined />,
  operations: <CarOutlined />,
  sites: <CloudOutlined />,
  inbox: <BellOutlined />,
  map: <EnvironmentOutlined />,
  categories: <TagsOutlined />,
  routing: <NodeIndexOutlined />,
  calendar: <CalendarOutlined />,
  channels: <NotificationOutlined />,
  profile: <ProfileOutlined />,
  org: <ApartmentOutlined />,
  users: <TeamOutlined />,
  tokens: <KeyOutlined />,
  audit: <AuditOutlined />,
  account: <SafetyCertificateOutlined />,
};

/** The menu entry a path belongs to: exact for "/", longest prefix otherwise. */
function activeEntry(entries: MenuEntry[], pathname: string): MenuEntry | undefined {
  let best: MenuEntry | undefined;
  for (const e of entries) {
    const match = e.path === '/' ? pathname === '/' : pathname === e.path || pathname.startsWith(`${e.path}/`);
    if (match && (!best || e.path.length > best.path.length)) best = e;
  }
  return best;
}

export function AppLayout() {
  const { user } = useSession();
  const { t, lang, roleLabel } = useI18n();
  const location = useLocation();
  const navigate = useNavigate();
  const logout = useLogout();
  const [collapsed, setCollapsed] = useState(false);
  const [loggingOut, setLoggingOut] = useState(false);

  const entries = menuFor(user.permissions);
  const active = activeEntry(entries, location.pathname);
  const items = entries.map((m) => ({
    key: m.key,
    icon: ICONS[m.key],
    label: <Link to={m.path}>{lang === 'en' ? m.labelEn : m.label}</Link>,
  }));

  const onLogout = async () => {
    setLoggingOut(true);
    await logout();
    navigate('/login', { replace: true });
  };

  return (
    <Layout className="gc-app">
      <Layout.Sider
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        breakpoint="lg"
        width={220}
        className="gc-sider"
      >
        <Link to="/" className="gc-brand" title={t('appName')}>
          <BrandMark />
          {!collapsed && (
            <span className="gc-brand-text">
              <span className="gc-brand-name">{t('appName')}</span>
              <span className="gc-brand-sub">{user.tenant.name}</span>
            </span>
          )}
        </Link>
        <Menu theme="dark" mode="inline" selectedKeys={active ? [active.key] : []} items={items} />
      </Layout.Sider>
      <Layout>
        <Layout.Header className="gc-header">
          <div className="gc-header-left">
            <Typography.Text strong className="gc-header-title">
              {t('appSubtitle')}
            </Typography.Text>
          </div>
          <Space size={16} className="gc-header-right">
            <InboxBadge />
            <span className="gc-header-lang">
              <LanguageSwitch />
            </span>
            <Tooltip title={user.unit ? (UNIT_TYPE_LABELS[user.unit.type as TUnitType] ?? user.unit.type) : undefined}>
              <Space size={4} className="gc-header-unit">
                <BankOutlined />
                <span>{user.unit?.name ?? t('noUnit')}</span>
              </Space>
            </Tooltip>
            <Space size={6}>
              <Avatar size="small" icon={<UserOutlined />} style={{ backgroundColor: '#1e5bb8' }} />
              <span className="gc-header-user" data-testid="current-user">
                {user.displayName}
              </span>
              <span className="gc-header-roles gc-tags">
                {user.roles.map((r) => (
                  <Tag key={r} color="blue" variant="filled" style={{ marginInlineEnd: 0 }}>
                    {roleLabel(r)}
                  </Tag>
                ))}
              </span>
            </Space>
            <Button icon={<LogoutOutlined />} onClick={onLogout} loading={loggingOut}>
              {t('logout')}
            </Button>
          </Space>
        </Layout.Header>
        {user.mustChangePassword && (
          <Alert
            banner
            type="warning"
            showIcon
            title={
              <span>
                {t('mustChangePassword')} <Link to="/account">{t('goChangePassword')}</Link>
              </span>
            }
          />
        )}
        <Layout.Content className="gc-content">
          <Outlet />
        </Layout.Content>
        <Layout.Footer className="gc-footer">{t('footer')}</Layout.Footer>
      </Layout>
    </Layout>
  );
}

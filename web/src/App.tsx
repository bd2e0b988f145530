/** Providers (i18n, antd locale and theme, react-query, router) and the route table. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, theme as antdTheme, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { type ComponentType, useEffect } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { MENU } from '../../common/roles.ts';
import { ApiError } from './api.ts';
import { AuthRedirect } from './components/AuthRedirect.tsx';
import { RequireAuth } from './components/RequireAuth.tsx';
import { Forbidden, NotFound } from './components/StatusPages.tsx';
import { I18nProvider, type Lang, readStoredLang, useI18n } from './i18n.tsx';
import { AccountPage } from './pages/AccountPage.tsx';
import { AuditPage } from './pages/AuditPage.tsx';
import { CalendarPage } from './pages/CalendarPage.tsx';
import { CaseDetailPage } from './pages/CaseDetailPage.tsx';
import { CasesPage } from './pages/CasesPage.tsx';
import { CategoriesPage } from './pages/CategoriesPage.tsx';
import { ChannelsPage } from './pages/ChannelsPage.tsx';
import { DispatchPage } from './pages/DispatchPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { InboxPage } from './pages/InboxPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { MapPage } from './pages/MapPage.tsx';
import { OperationsPage } from './pages/OperationsPage.tsx';
import { OrdersPage } from './pages/OrdersPage.tsx';
import { OrgPage } from './pages/OrgPage.tsx';
import { ReportPage } from './pages/ReportPage.tsx';
import { RoutingPage } from './pages/RoutingPage.tsx';
import { SitePage } from './pages/SitePage.tsx';
import { SitesPage } from './pages/SitesPage.tsx';
import { TasksPage } from './pages/TasksPage.tsx';
import { TokensPage } from './pages/TokensPage.tsx';
import { UsersPage } from './pages/UsersPage.tsx';
import { useSession } from './session.tsx';

const PAGES: Record<string, ComponentType> = {
  home: HomePage,
  report: ReportPage,
  tasks: TasksPage,
  dispatch: DispatchPage,
  cases: CasesPage,
  map: MapPage,
  org: OrgPage,
  categories: CategoriesPage,
  routing: RoutingPage,
  users: UsersPage,
  tokens: TokensPage,
  audit: AuditPage,
  calendar: CalendarPage,
  account: AccountPage,
  inbox: InboxPage,
  channels: ChannelsPage,
  orders: OrdersPage,
  operations: OperationsPage,
  sites: SitesPage,
};

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not change by asking again; network and 5xx problems get two more tries.
      retry: (failures, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      refetchOnWindowFocus: false,
      staleTime: 15_000,
    },
    mutations: { retry: false },
  },
});

function applyLang(lang: Lang): void {
  dayjs.locale(lang === 'en' ? 'en' : 'zh-cn');
  document.documentElement.lang = lang;
}
applyLang(readStoredLang());

/** A MENU entry's page (or another page under the same permission), or 403 when the user lacks it. */
function Guarded({ menuKey, page }: { menuKey: string; page?: ComponentType }) {
  const { can } = useSession();
  const entry = MENU.find((m) => m.key === menuKey);
  const Page = page ?? PAGES[menuKey];
  if (!entry || !Page) return <NotFound />;
  if (entry.permission && !can(entry.permission)) return <Forbidden />;
  return <Page />;
}

function Shell() {
  const { lang } = useI18n();
  useEffect(() => applyLang(lang), [lang]);
  return (
    <ConfigProvider
      locale={lang === 'en' ? enUS : zhCN}
      button={{ autoInsertSpace: false }}
      theme={{
        algorithm: antdTheme.defaultAlgorithm,
        token: { colorPrimary: '#1e5bb8', borderRadius: 4, colorBgLayout: '#f0f2f5' },
        components: {
          Layout: {
            siderBg: '#0d2546',
            triggerBg: '#0a1d38',
            headerBg: '#ffffff',
            headerHeight: 56,
            headerPadding: '0 20px',
          },
          Menu: { darkItemBg: '#0d2546', darkSubMenuItemBg: '#0a1d38', darkItemSelectedBg: '#1e5bb8' },
          Card: { headerFontSize: 15 },
        },
      }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <AuthRedirect />
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route element={<RequireAuth />}>
                {MENU.map((m) => (
                  <Route key={m.key} path={m.path} element={<Guarded menuKey={m.key} />} />
                ))}
                <Route path="/cases/:id" element={<Guarded menuKey="cases" page={CaseDetailPage} />} />
                <Route path="/sites/:id" element={<Guarded menuKey="sites" page={SitePage} />} />
                <Route path="*" element={<NotFound />} />
              </Route>
            </Routes>
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <Shell />
    </I18nProvider>
  );
}

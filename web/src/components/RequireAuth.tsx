/** Gate for every page behind login: loads the session, or sends the visitor to /login. */
import { Button, Result, Spin } from 'antd';
import { Navigate, useLocation } from 'react-router-dom';
import { useI18n } from '../i18n.tsx';
import { SessionProvider, useMeQuery } from '../session.tsx';
import { AppLayout } from './AppLayout.tsx';
import type { LoginState } from './AuthRedirect.tsx';

export function RequireAuth() {
  const me = useMeQuery();
  const location = useLocation();
  const { t } = useI18n();

  if (me.isPending) {
    return (
      <div className="gc-fullscreen-center">
        <Spin size="large" description={t('loadingSession')} />
      </div>
    );
  }
  if (me.isError) {
    return (
      <div className="gc-fullscreen-center">
        <Result
          status="warning"
          title={t('sessionError')}
          subTitle={me.error.message}
          extra={
            <Button type="primary" onClick={() => me.refetch()}>
              {t('retry')}
            </Button>
          }
        />
      </div>
    );
  }
  if (!me.data) {
    const state: LoginState = { from: location.pathname + location.search };
    return <Navigate to="/login" replace state={state} />;
  }
  return (
    <SessionProvider user={me.data.user}>
      <AppLayout />
    </SessionProvider>
  );
}

/** 403 and 404 inside the layout. */
import { Button, Result } from 'antd';
import { Link } from 'react-router-dom';
import { useI18n } from '../i18n.tsx';

export function Forbidden() {
  const { t } = useI18n();
  return (
    <Result
      status="403"
      title={t('forbiddenTitle')}
      subTitle={t('forbiddenText')}
      extra={
        <Link to="/">
          <Button type="primary">{t('backHome')}</Button>
        </Link>
      }
    />
  );
}

export function NotFound() {
  const { t } = useI18n();
  return (
    <Result
      status="404"
      title={t('notFoundTitle')}
      subTitle={t('notFoundText')}
      extra={
        <Link to="/">
          <Button type="primary">{t('backHome')}</Button>
        </Link>
      }
    />
  );
}

/**
 * /login: username and password; when the server answers TOTP_REQUIRED, a 6-digit 动态口令 too.
 * The Form has no name, so the fields' ids are plain #username, #password, #totp.
 */
import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, type InputRef, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError, formFieldOf } from '../api.ts';
import type { LoginState } from '../components/AuthRedirect.tsx';
import { BrandMark } from '../components/BrandMark.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { login } from '../session.tsx';

interface LoginValues {
  username: string;
  password: string;
  totp?: string;
}

interface Feedback {
  type: 'error' | 'info' | 'success' | 'warning';
  title: string;
  description?: string;
}

const FIELDS = new Set(['username', 'password', 'totp']);

function safeFrom(from: string | undefined): string {
  // Only go back to a path of this app, never to another origin or back to /login.
  if (!from?.startsWith('/') || from.startsWith('//') || from.startsWith('/login')) return '/';
  return from;
}

export function LoginPage() {
  const [form] = Form.useForm<LoginValues>();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const state = (location.state ?? {}) as LoginState;

  const [needTotp, setNeedTotp] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [feedback, setFeedback] = useState<Feedback | null>(
    state.notice ? { type: state.notice.type, title: state.notice.text } : null,
  );
  const totpRef = useRef<InputRef>(null);

  useEffect(() => {
    if (needTotp) totpRef.current?.focus();
  }, [needTotp]);

  const onFinish = async (values: LoginValues) => {
    setSubmitting(true);
    setFeedback(null);
    try {
      await login(queryClient, {
        username: values.username.trim(),
        password: values.password,
        totp: needTotp && values.totp ? values.totp.trim() : undefined,
        tenant: params.get('tenant') || undefined,
      });
      navigate(safeFrom(state.from), { replace: true });
    } catch (e) {
      handleError(e);
    } finally {
      setSubmitting(false);
    }
  };

  const handleError = (e: unknown) => {
    if (!(e instanceof ApiError)) {
      setFeedback({ type: 'error', title: e instanceof Error ? e.message : '登录失败' });
      return;
    }
    switch (e.code) {
      case 'TOTP_REQUIRED':
        setNeedTotp(true);
        setFeedback({ type: 'info', title: e.message });
        return;
      case 'TOTP_INVALID':
        setNeedTotp(true);
        form.setFields([{ name: 'totp', value: '', errors: [e.message] }]);
        totpRef.current?.focus();
        return;
      case 'ACCOUNT_LOCKED': {
        const until = (e.details as { lockedUntil?: unknown } | undefined)?.lockedUntil;
        const time = typeof until === 'string' ? formatDateTime(until) : null;
        // The server's message may already name the time (to the minute); say it only when it does not.
        const named = time !== null && e.message.includes(time.slice(11, 16));
        setFeedback({
          type: 'error',
          title: e.message,
          description: time && !named ? t('lockedUntil', { time }) : undefined,
        });
        return;
      }
      case 'VALIDATION_FAILED': {
        const issues = e.fieldIssues;
        const onForm = issues.filter((i) => FIELDS.has(formFieldOf(i.field)));
        if (onForm.length > 0) {
          form.setFields(onForm.map((i) => ({ name: formFieldOf(i.field) as keyof LoginValues, errors: [i.message] })));
        }
        const rest = issues.filter((i) => !FIELDS.has(formFieldOf(i.field)));
        setFeedback({
          type: 'error',
          title: e.message,
          description: rest.length > 0 ? rest.map((i) => i.message).join(';') : undefined,
        });
        return;
      }
      case 'INVALID_CREDENTIALS':
        form.setFieldValue('password', '');
        setFeedback({ type: 'error', title: e.message });
        return;
      default:
        setFeedback({ type: 'error', title: e.message });
    }
  };

  return (
    <div className="gc-login">
      <div className="gc-login-lang">
        <LanguageSwitch />
      </div>
      <Card className="gc-login-card" variant="borderless">
        <div className="gc-login-head">
          <BrandMark size={48} />
          <Typography.Title level={3} className="gc-login-title">
            {t('appName')}
          </Typography.Title>
          <Typography.Text className="gc-login-subtitle">{t('appSubtitle')}</Typography.Text>
        </div>

        {feedback && (
          <Alert
            className="gc-login-alert"
            type={feedback.type}
            showIcon
            title={feedback.title}
            description={feedback.description}
            role="alert"
          />
        )}

        <Form<LoginValues>
          form={form}
          layout="vertical"
          size="large"
          requiredMark={false}
          onFinish={onFinish}
          onValuesChange={(changed) => {
            // Another account may not need a second factor: ask the server again.
            if ('username' in changed && needTotp) {
              setNeedTotp(false);
              form.setFieldValue('totp', undefined);
            }
          }}
          autoComplete="on"
        >
          <Form.Item
            label={t('username')}
            name="username"
            rules={[{ required: true, whitespace: true, message: t('usernameRequired') }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus maxLength={64} />
          </Form.Item>
          <Form.Item label={t('password')} name="password" rules={[{ required: true, message: t('passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" maxLength={256} />
          </Form.Item>
          {needTotp && (
            <Form.Item
              label={t('totp')}
              name="totp"
              extra={t('totpHint')}
              rules={[
                { required: true, message: t('totpRequired') },
                { pattern: /^\d{6}$/, message: t('totpFormat') },
              ]}
            >
              <Input
                ref={totpRef}
                prefix={<SafetyOutlined />}
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                placeholder={t('totpPlaceholder')}
              />
            </Form.Item>
          )}
          <Form.Item style={{ marginBottom: 0 }}>
            <Button type="primary" htmlType="submit" block loading={submitting}>
              {t('login')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      <div className="gc-login-footer">{t('footer')}</div>
    </div>
  );
}

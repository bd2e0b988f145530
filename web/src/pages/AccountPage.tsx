/** /account: who I am, and change my password (POST /api/v1/me/password → 204, the session is then revoked). */
import { KeyOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Descriptions, Form, Input, Row, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { TChangePassword } from '../../../common/auth.ts';
import { api } from '../api.ts';
import type { LoginState } from '../components/AuthRedirect.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { applyFieldErrors } from '../components/formErrors.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { RoleTags } from '../components/RoleTags.tsx';
import { PASSWORD_RULE_TEXT } from '../policy.ts';
import { clearSession, useSession } from '../session.tsx';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

export function AccountPage() {
  const { user } = useSession();
  return (
    <div className="gc-page">
      <PageHeader title="账户安全" description="查看账户信息,修改登录密码" />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card
            title={
              <span>
                <UserOutlined /> 账户信息
              </span>
            }
            variant="borderless"
          >
            <Descriptions
              column={1}
              size="small"
              items={[
                { key: 'username', label: '用户名', children: user.username },
                { key: 'displayName', label: '姓名', children: user.displayName },
                { key: 'roles', label: '角色', children: <RoleTags roles={user.roles} /> },
                { key: 'unit', label: '所属单位', children: user.unit?.name ?? '未分配' },
                { key: 'tenant', label: '所属区域', children: user.tenant.name },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <ChangePasswordCard />
        </Col>
      </Row>
    </div>
  );
}

function ChangePasswordCard() {
  const { user } = useSession();
  const [form] = Form.useForm<Values>();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [errorOnFields, setErrorOnFields] = useState(false);

  const change = useMutation({
    mutationFn: (body: TChangePassword) => api.post<void>('/api/v1/me/password', body),
    onSuccess: () => {
      // The server has revoked this session: sign in again with the new password.
      clearSession(queryClient);
      const state: LoginState = { notice: { type: 'success', text: '密码已修改,请使用新密码重新登录' } };
      navigate('/login', { replace: true, state });
    },
    onError: (e) => setErrorOnFields(applyFieldErrors(form, e, ['currentPassword', 'newPassword'])),
  });

  return (
    <Card
      title={
        <span>
          <KeyOutlined /> 修改密码
        </span>
      }
      variant="borderless"
    >
      {user.mustChangePassword && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title="您正在使用初始密码或密码已过期,请立即修改。"
        />
      )}
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title="密码规则" description={PASSWORD_RULE_TEXT} />
      <Form<Values>
        form={form}
        layout="vertical"
        style={{ maxWidth: 420 }}
        onFinish={(v) => change.mutate({ currentPassword: v.currentPassword, newPassword: v.newPassword })}
      >
        <Form.Item label="当前密码" name="currentPassword" rules={[{ required: true, message: '请输入当前密码' }]}>
          <Input.Password autoComplete="current-password" maxLength={256} />
        </Form.Item>
        <Form.Item
          label="新密码"
          name="newPassword"
          extra={PASSWORD_RULE_TEXT}
          rules={[
            { required: true, message: '请输入新密码' },
            { min: 8, message: '新密码至少 8 位' },
            ({ getFieldValue }) => ({
              validator: (_r, v: string | undefined) =>
                v && v === getFieldValue('currentPassword')
                  ? Promise.reject(new Error('新密码不能与当前密码相同'))
                  : Promise.resolve(),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" maxLength={256} />
        </Form.Item>
        <Form.Item
          label="确认新密码"
          name="confirmPassword"
          dependencies={['newPassword']}
          rules={[
            { required: true, message: '请再次输入新密码' },
            ({ getFieldValue }) => ({
              validator: (_r, v: string | undefined) =>
                !v || v === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error('两次输入的新密码不一致')),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" maxLength={256} />
        </Form.Item>
        {change.isError && !errorOnFields && (
          <div style={{ marginBottom: 16 }}>
            <ErrorAlert error={change.error} />
          </div>
        )}
        <Form.Item style={{ marginBottom: 0 }}>
          <Button type="primary" htmlType="submit" loading={change.isPending}>
            修改密码
          </Button>
        </Form.Item>
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          修改成功后当前登录将失效,需要使用新密码重新登录。
        </Typography.Paragraph>
      </Form>
    </Card>
  );
}

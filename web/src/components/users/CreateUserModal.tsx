/** 新建用户: POST /api/v1/users with TCreateUser. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { type TCreateUser, type TUser, ZCreateUser } from '../../../../common/org.ts';
import { ADMIN_ROLES, ROLE_LABELS, ROLES, type TRole } from '../../../../common/roles.ts';
import { api } from '../../api.ts';
import { PASSWORD_RULE_TEXT } from '../../policy.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { applyFieldErrors } from '../formErrors.ts';
import { UnitTreeSelect } from '../UnitTreeSelect.tsx';

interface Values {
  username: string;
  displayName: string;
  unitId?: string | null;
  roles: TRole[];
  phone?: string;
  password: string;
}

const FIELDS = ['username', 'displayName', 'unitId', 'roles', 'phone', 'password'] as const;

export const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));

export function adminConflict(roles: readonly TRole[] | undefined): boolean {
  return (roles ?? []).filter((r) => ADMIN_ROLES.includes(r)).length > 1;
}

export function CreateUserModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const roles = Form.useWatch('roles', form);
  // When every problem the server named sits on its field, a second copy in an alert is noise.
  const [errorOnFields, setErrorOnFields] = useState(false);

  const create = useMutation({
    mutationFn: (body: TCreateUser) => api.post<TUser>('/api/v1/users', body),
    onSuccess: (user) => {
      message.success(`已创建用户 ${user.displayName}(${user.username})`);
      queryClient.invalidateQueries({ queryKey: ['users'] });
      queryClient.invalidateQueries({ queryKey: ['org', 'overview'] });
      close();
    },
    onError: (e) => setErrorOnFields(applyFieldErrors(form, e, FIELDS)),
  });

  const close = () => {
    form.resetFields();
    create.reset();
    onClose();
  };

  const onFinish = (v: Values) => {
    const parsed = ZCreateUser.safeParse({
      username: v.username,
      displayName: v.displayName,
      unitId: v.unitId ?? null,
      roles: v.roles,
      phone: v.phone?.trim() ? v.phone.trim() : null,
      password: v.password,
    });
    if (!parsed.success) {
      form.setFields(
        parsed.error.issues.map((i) => ({
          name: String(i.path[0] ?? 'username') as keyof Values,
          errors: [i.message],
        })),
      );
      return;
    }
    create.mutate(parsed.data);
  };

  return (
    <Modal
      title="新建用户"
      open={open}
      onCancel={close}
      onOk={() => form.submit()}
      okText="创建"
      confirmLoading={create.isPending}
      destroyOnHidden
      mask={{ closable: false }}
      width={560}
    >
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} preserve={false} requiredMark>
        <Form.Item
          label="用户名"
          name="username"
          extra="3–32 位小写字母、数字、下划线、点或连字符,以字母开头"
          rules={[
            { required: true, message: '请输入用户名' },
            { pattern: /^[a-z][a-z0-9_.-]{2,31}$/, message: '用户名格式不正确' },
          ]}
        >
          <Input autoComplete="off" maxLength={32} />
        </Form.Item>
        <Form.Item
          label="姓名"
          name="displayName"
          rules={[{ required: true, whitespace: true, message: '请输入姓名' }, { max: 64 }]}
        >
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item label="所属单位" name="unitId">
          <UnitTreeSelect />
        </Form.Item>
        <Form.Item
          label="角色"
          name="roles"
          rules={[{ required: true, type: 'array', min: 1, message: '请至少选择一个角色' }]}
        >
          <Select mode="multiple" options={ROLE_OPTIONS} maxCount={5} placeholder="选择角色" />
        </Form.Item>
        {adminConflict(roles) && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            title="系统管理员、安全管理员、审计管理员(三员)不得由同一账户兼任,服务器将拒绝此设置。"
          />
        )}
        <Form.Item label="手机号" name="phone" rules={[{ pattern: /^1\d{10}$/, message: '手机号为 11 位数字' }]}>
          <Input maxLength={11} inputMode="numeric" placeholder="可不填" />
        </Form.Item>
        <Form.Item
          label="初始密码"
          name="password"
          extra={PASSWORD_RULE_TEXT}
          rules={[{ required: true, message: '请输入初始密码' }]}
        >
          <Input.Password autoComplete="new-password" maxLength={256} />
        </Form.Item>
      </Form>
      {create.isError && !errorOnFields && <ErrorAlert error={create.error} />}
    </Modal>
  );
}

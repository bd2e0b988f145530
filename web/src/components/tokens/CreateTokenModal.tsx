/** 新建令牌: POST /api/v1/auth/tokens {name, userId, expiresInDays} → { token, item }. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Form, Input, InputNumber, Modal } from 'antd';
import { useState } from 'react';
import type { TApiToken, TCreateApiToken } from '../../../../common/auth.ts';
import { api } from '../../api.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { applyFieldErrors } from '../formErrors.ts';
import { UserSelect } from '../UserSelect.tsx';

export interface CreatedToken {
  token: string;
  item: TApiToken;
}

interface Values {
  name: string;
  userId: string;
  expiresInDays: number;
}

export function CreateTokenModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (created: CreatedToken) => void;
}) {
  const [form] = Form.useForm<Values>();
  const queryClient = useQueryClient();
  const [errorOnFields, setErrorOnFields] = useState(false);

  const create = useMutation({
    mutationFn: (body: TCreateApiToken) => api.post<CreatedToken>('/api/v1/auth/tokens', body),
    onSuccess: (created) => {
      queryClient.invalidateQueries({ queryKey: ['tokens'] });
      close();
      onCreated(created);
    },
    onError: (e) => setErrorOnFields(applyFieldErrors(form, e, ['name', 'userId', 'expiresInDays'])),
  });

  const close = () => {
    form.resetFields();
    create.reset();
    onClose();
  };

  return (
    <Modal
      title="新建接口令牌"
      open={open}
      onCancel={close}
      onOk={() => form.submit()}
      okText="创建"
      confirmLoading={create.isPending}
      destroyOnHidden
      mask={{ closable: false }}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ expiresInDays: 365 }}
        onFinish={(v) => create.mutate({ name: v.name.trim(), userId: v.userId, expiresInDays: v.expiresInDays })}
      >
        <Form.Item
          label="令牌名称"
          name="name"
          extra="说明用途,如“数据大屏对接”"
          rules={[{ required: true, whitespace: true, message: '请输入令牌名称' }, { max: 100 }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item
          label="所属用户"
          name="userId"
          extra="令牌以该用户的身份和权限访问接口"
          rules={[{ required: true, message: '请选择用户' }]}
        >
          <UserSelect excludeAdmins />
        </Form.Item>
        <Form.Item
          label="有效期(天)"
          name="expiresInDays"
          rules={[{ required: true, type: 'integer', min: 1, max: 730, message: '有效期为 1–730 天' }]}
        >
          <InputNumber min={1} max={730} precision={0} style={{ width: 160 }} suffix="天" />
        </Form.Item>
      </Form>
      {create.isError && !errorOnFields && <ErrorAlert error={create.error} />}
    </Modal>
  );
}

/** 登记/修改监测设备: MN (unique), name, access password, reporting interval, unit conversions, CRC quirk. */
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Col, Form, Input, InputNumber, Modal, Row, Select, Space, Switch, Typography } from 'antd';
import { useState } from 'react';
import type { TCreateDeviceInput, TSensorDevice } from '../../../../common/sensors.ts';
import { api } from '../../api.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { applyFieldErrors } from '../formErrors.ts';
import { POLLUTANT_OPTIONS } from './sensorFormat.tsx';
import { SENSORS_KEY } from './sensorsApi.ts';

interface Values {
  mn: string;
  name: string;
  password?: string;
  intervalSeconds: number;
  enabled: boolean;
  allowModbusCrc: boolean;
  scale: { code: string; factor: number }[];
}

const FIELDS = ['mn', 'name', 'password', 'intervalSeconds', 'enabled', 'allowModbusCrc'] as const;

export function DeviceFormModal({
  open,
  siteId,
  editing,
  onClose,
}: {
  open: boolean;
  siteId: string;
  editing: TSensorDevice | null;
  onClose: () => void;
}) {
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [onFields, setOnFields] = useState(false);

  const save = useMutation({
    mutationFn: (body: Partial<TCreateDeviceInput>) =>
      editing
        ? api.patch<TSensorDevice>(`/api/v1/sensor-devices/${editing.id}`, body)
        : api.post<TSensorDevice>('/api/v1/sensor-devices', body),
    onSuccess: (d) => {
      message.success(editing ? '已保存修改' : `已登记设备 ${d.mn}`);
      queryClient.invalidateQueries({ queryKey: SENSORS_KEY });
      form.resetFields();
      onClose();
    },
    // Problems of the scale list (body.scale.<code>) show in the alert above the form.
    onError: (e) => setOnFields(applyFieldErrors(form, e, FIELDS)),
  });

  const initial: Partial<Values> = editing
    ? {
        mn: editing.mn,
        name: editing.name,
        intervalSeconds: editing.intervalSeconds,
        enabled: editing.enabled,
        allowModbusCrc: editing.allowModbusCrc,
        scale: Object.entries(editing.scale).map(([code, factor]) => ({ code, factor })),
      }
    : { intervalSeconds: 60, enabled: true, allowModbusCrc: false, scale: [] };

  const onFinish = (v: Values) => {
    setOnFields(false);
    const scale = Object.fromEntries((v.scale ?? []).filter((s) => s?.code).map((s) => [s.code, s.factor]));
    save.mutate({
      mn: v.mn.trim(),
      name: v.name,
      // Editing: an empty password field keeps the stored one.
      ...(v.password ? { password: v.password } : editing ? {} : { password: null }),
      intervalSeconds: v.intervalSeconds,
      enabled: v.enabled,
      allowModbusCrc: v.allowModbusCrc,
      scale,
      ...(editing ? {} : { siteId }),
    });
  };

  return (
    <Modal
      open={open}
      onCancel={onClose}
      title={editing ? `修改监测设备 ${editing.mn}` : '登记监测设备'}
      okText="保存"
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={620}
    >
      {save.isError && !onFields && <ErrorAlert error={save.error} />}
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} initialValues={initial}>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              label="设备 MN 号"
              name="mn"
              rules={[{ required: true, whitespace: true, message: '请填写 MN 号' }]}
              tooltip="HJ 212 报文中的 MN(设备唯一标识),全区唯一"
            >
              <Input maxLength={64} placeholder="如 88888880000001" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              label="设备名称"
              name="name"
              rules={[{ required: true, whitespace: true, message: '请填写名称' }]}
            >
              <Input maxLength={64} placeholder="如 东门扬尘监测仪" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              label="访问密码(PW)"
              name="password"
              extra={editing ? (editing.passwordSet ? '已设置;留空则不修改' : '未设置') : '留空则不校验'}
            >
              <Input.Password maxLength={64} autoComplete="new-password" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label="上报间隔" name="intervalSeconds" rules={[{ required: true, message: '请填写上报间隔' }]}>
              <InputNumber min={10} max={86400} precision={0} suffix="秒" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label="单位换算" tooltip="部分设备上报的数值需换算:存储值 = 上报值 × 系数(如 mg/m³ → μg/m³ 为 1000)">
          <Form.List name="scale">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="start" style={{ display: 'flex' }}>
                    <Form.Item
                      name={[f.name, 'code']}
                      rules={[{ required: true, message: '监测因子' }]}
                      style={{ marginBottom: 8 }}
                    >
                      <Select options={[...POLLUTANT_OPTIONS]} style={{ width: 240 }} placeholder="监测因子" />
                    </Form.Item>
                    <Form.Item
                      name={[f.name, 'factor']}
                      rules={[{ required: true, message: '系数' }]}
                      style={{ marginBottom: 8 }}
                    >
                      <InputNumber min={0.000001} max={1000000} style={{ width: 140 }} prefix="×" />
                    </Form.Item>
                    <Button
                      type="text"
                      icon={<MinusCircleOutlined />}
                      onClick={() => remove(f.name)}
                      aria-label="删除"
                    />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ factor: 1 })}>
                  添加换算
                </Button>
              </>
            )}
          </Form.List>
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item label="启用" name="enabled" valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              label="兼容 CRC-16/MODBUS"
              name="allowModbusCrc"
              valuePropName="checked"
              tooltip="部分设备固件按 MODBUS 算法计算校验码"
            >
              <Switch />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Text type="secondary">
          设备按 HJ 212-2017 协议连接平台;长时间(数个上报间隔)收不到数据即判为离线。
        </Typography.Text>
      </Form>
    </Modal>
  );
}

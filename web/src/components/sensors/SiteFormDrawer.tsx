/** 登记/修改工地: code, name, type, address, the gate on the map, builder, responsible unit, permit, monitor duty. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Col,
  DatePicker,
  Divider,
  Drawer,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Switch,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { lazy, Suspense, useState } from 'react';
import {
  SITE_STATUS_LABELS,
  SITE_STATUSES,
  SITE_TYPE_LABELS,
  SITE_TYPES,
  type TCreateSiteInput,
  type TSiteDetail,
  type TSiteStatus,
  type TSiteType,
} from '../../../../common/sensors.ts';
import { api } from '../../api.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { applyFieldErrors } from '../formErrors.ts';
import { UnitTreeSelect } from '../UnitTreeSelect.tsx';
import { SENSORS_KEY } from './sensorsApi.ts';

const CasePointMap = lazy(() => import('../cases/CasePointMap.tsx'));

interface Values {
  code: string;
  name: string;
  siteType: TSiteType;
  status: TSiteStatus;
  address: string;
  lat: number;
  lng: number;
  builder: string;
  builderContact?: string;
  builderPhone?: string;
  unitId?: string | null;
  permitNo?: string;
  permitFrom?: Dayjs | null;
  permitTo?: Dayjs | null;
  monitorRequired: boolean;
}

const FIELDS = [
  'code',
  'name',
  'siteType',
  'status',
  'address',
  'lat',
  'lng',
  'builder',
  'builderContact',
  'builderPhone',
  'unitId',
  'permitNo',
  'permitFrom',
  'permitTo',
  'monitorRequired',
] as const;

export function SiteFormDrawer({
  open,
  editing,
  onClose,
  onSaved,
}: {
  open: boolean;
  editing: TSiteDetail | null;
  onClose: () => void;
  onSaved: (site: TSiteDetail) => void;
}) {
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [onFields, setOnFields] = useState(false);
  const lat = Form.useWatch('lat', form);
  const lng = Form.useWatch('lng', form);

  const save = useMutation({
    mutationFn: (body: TCreateSiteInput) =>
      editing
        ? api.patch<TSiteDetail>(`/api/v1/sites/${editing.id}`, body)
        : api.post<TSiteDetail>('/api/v1/sites', body),
    onSuccess: (s) => {
      message.success(editing ? '已保存修改' : `已登记工地「${s.name}」`);
      queryClient.invalidateQueries({ queryKey: SENSORS_KEY });
      form.resetFields();
      onSaved(s);
    },
    onError: (e) => setOnFields(applyFieldErrors(form, e, FIELDS)),
  });

  const initial: Partial<Values> = editing
    ? {
        code: editing.code,
        name: editing.name,
        siteType: editing.siteType,
        status: editing.status,
        address: editing.address,
        lat: editing.lat,
        lng: editing.lng,
        builder: editing.builder,
        builderContact: editing.builderContact ?? undefined,
        builderPhone: editing.builderPhone ?? undefined,
        unitId: editing.unitId,
        permitNo: editing.permitNo ?? undefined,
        permitFrom: editing.permitFrom ? dayjs(editing.permitFrom) : null,
        permitTo: editing.permitTo ? dayjs(editing.permitTo) : null,
        monitorRequired: editing.monitorRequired,
      }
    : { siteType: 'municipal', status: 'active', monitorRequired: true };

  const onFinish = (v: Values) => {
    setOnFields(false);
    save.mutate({
      code: v.code,
      name: v.name,
      siteType: v.siteType,
      status: v.status,
      address: v.address,
      lat: v.lat,
      lng: v.lng,
      builder: v.builder,
      builderContact: v.builderContact || null,
      builderPhone: v.builderPhone || null,
      // A new site without a unit takes the owner of the grid cell its gate lies in.
      ...(v.unitId || editing ? { unitId: v.unitId ?? null } : {}),
      permitNo: v.permitNo || null,
      permitFrom: v.permitFrom ? v.permitFrom.format('YYYY-MM-DD') : null,
      permitTo: v.permitTo ? v.permitTo.format('YYYY-MM-DD') : null,
      monitorRequired: v.monitorRequired,
    });
  };

  const point = typeof lat === 'number' && typeof lng === 'number' ? { lat, lng } : null;

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={760}
      destroyOnHidden
      title={editing ? `修改工地:${editing.name}` : '登记工地'}
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="site-submit">
            保存
          </Button>
        </Space>
      }
    >
      {save.isError && !onFields && <ErrorAlert error={save.error} />}
      <Form<Values> form={form} layout="vertical" requiredMark onFinish={onFinish} initialValues={initial}>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item
              label="工地编号"
              name="code"
              rules={[{ required: true, whitespace: true, message: '请填写编号' }]}
            >
              <Input maxLength={64} placeholder="如 GD-2026-001" />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item
              label="工地名称"
              name="name"
              rules={[{ required: true, whitespace: true, message: '请填写名称' }]}
            >
              <Input maxLength={100} placeholder="如:经开第八大街道路改造工程" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item label="工地类型" name="siteType" rules={[{ required: true }]}>
              <Select options={SITE_TYPES.map((t) => ({ value: t, label: `${SITE_TYPE_LABELS[t]}工地` }))} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label="施工状态" name="status" rules={[{ required: true }]}>
              <Select options={SITE_STATUSES.map((s) => ({ value: s, label: SITE_STATUS_LABELS[s] }))} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              label="须安装扬尘监测"
              name="monitorRequired"
              valuePropName="checked"
              tooltip="各类工地均应安装空气监测设备,拆迁、市政工地尤须安装"
            >
              <Switch checkedChildren="须安装" unCheckedChildren="不要求" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label="地址" name="address" rules={[{ required: true, whitespace: true, message: '请填写地址' }]}>
          <Input maxLength={200} />
        </Form.Item>

        <Divider titlePlacement="start" plain>
          大门位置(在地图上点选)
        </Divider>
        <Suspense fallback={<div style={{ height: 260 }} />}>
          <CasePointMap
            point={point}
            height={260}
            testId="site-form-map"
            onPick={(p) => form.setFieldsValue({ lat: Number(p.lat.toFixed(6)), lng: Number(p.lng.toFixed(6)) })}
          />
        </Suspense>
        <Row gutter={16} style={{ marginTop: 12 }}>
          <Col span={12}>
            <Form.Item label="纬度(WGS-84)" name="lat" rules={[{ required: true, message: '请在地图上点选位置' }]}>
              <InputNumber min={-90} max={90} step={0.0001} precision={6} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label="经度(WGS-84)" name="lng" rules={[{ required: true, message: '请在地图上点选位置' }]}>
              <InputNumber min={-180} max={180} step={0.0001} precision={6} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start" plain>
          建设/施工单位与责任单位
        </Divider>
        <Form.Item
          label="建设/施工单位"
          name="builder"
          rules={[{ required: true, whitespace: true, message: '请填写建设/施工单位' }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item label="联系人" name="builderContact">
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label="联系电话" name="builderPhone">
              <Input maxLength={30} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          label="责任单位"
          name="unitId"
          extra={editing ? undefined : '留空则按大门所在网格的属地单位自动确定'}
        >
          <UnitTreeSelect placeholder="选择责任单位" />
        </Form.Item>

        <Divider titlePlacement="start" plain>
          施工许可
        </Divider>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item label="许可证号" name="permitNo">
              <Input maxLength={64} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label="许可开始" name="permitFrom">
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              label="许可截止"
              name="permitTo"
              dependencies={['permitFrom']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: (_, v: Dayjs | null | undefined) => {
                    const from = getFieldValue('permitFrom') as Dayjs | null | undefined;
                    return v && from && v.isBefore(from, 'day')
                      ? Promise.reject(new Error('截止日期不能早于开始日期'))
                      : Promise.resolve();
                  },
                }),
              ]}
            >
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Text type="secondary">登记后可在工地页面添加监测设备和扬尘治理费台账。</Typography.Text>
      </Form>
    </Drawer>
  );
}

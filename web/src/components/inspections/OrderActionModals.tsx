/** 复查 (follow-up, with If-Match), 强制措施 (enforcement with an item list) and 退还 (return of seized items). */
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, AutoComplete, Button, Form, Input, InputNumber, Modal, Radio, Space, Table } from 'antd';
import { useState } from 'react';
import {
  ENFORCEMENT_KIND_LABELS,
  ENFORCEMENT_KINDS,
  type TEnforcement,
  type TEnforcementKind,
  type TFollowUpResult,
  type TOrderDetail,
} from '../../../../common/inspections.ts';
import { api, isApiError } from '../../api.ts';
import { type PhotoItem, PhotoUploader, photoIds, photosRule } from '../cases/PhotoUploader.tsx';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { applyNestedErrors, ifMatch, ORDERS_KEY } from './inspectionsApi.ts';

const ITEM_UNITS = ['个', '把', '张', '台', '辆', '件', '套', '块', '元'];

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ORDERS_KEY });
}

export function FollowUpModal({ order, onClose }: { order: TOrderDetail | null; onClose: () => void }) {
  const [form] = Form.useForm<{ result: TFollowUpResult; note: string; photos?: PhotoItem[] }>();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [onFields, setOnFields] = useState(false);
  const deadlinePassed = order ? new Date(order.deadline).getTime() <= Date.now() : false;
  const save = useMutation({
    mutationFn: (v: { result: TFollowUpResult; note: string; photos: string[] }) =>
      api.post<TOrderDetail>(`/api/v1/rectification-orders/${order?.id}/follow-up`, v, {
        headers: ifMatch(order?.version ?? 0),
      }),
    onSuccess: (o) => {
      message.success(o.status === 'complied' ? '已记录:已改正' : '已记录:逾期未改正');
      invalidate();
      onClose();
    },
    onError: (e) => {
      if (isApiError(e, 'PRECONDITION_FAILED')) {
        message.warning('通知书已被他人更新,已刷新,请核对后重新提交');
        invalidate();
      }
      setOnFields(applyNestedErrors(form, e, ['result', 'note', 'photos']));
    },
  });
  return (
    <Modal
      title={`复查 ${order?.number ?? ''}`}
      open={order !== null}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText="提交复查结果"
      confirmLoading={save.isPending}
      destroyOnHidden
      width={560}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ result: 'complied' }}
        onFinish={(v) => save.mutate({ result: v.result, note: v.note, photos: photoIds(v.photos) })}
      >
        <Form.Item label="复查结果" name="result" rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: 'complied', label: '已改正' },
              {
                value: 'not_complied',
                label: '逾期未改正',
                disabled: !deadlinePassed,
                title: deadlinePassed ? undefined : '整改期限尚未届满',
              },
            ]}
          />
        </Form.Item>
        {!deadlinePassed && (
          <Alert type="info" showIcon style={{ marginBottom: 16 }} title="整改期限尚未届满,只能记录「已改正」。" />
        )}
        <Form.Item
          label="复查情况"
          name="note"
          rules={[{ required: true, whitespace: true, message: '请填写复查情况' }]}
        >
          <Input.TextArea rows={3} maxLength={1000} placeholder="如:店外物品已清除,人行道恢复通行" />
        </Form.Item>
        <Form.Item label="现场照片" name="photos" rules={[photosRule(0)]}>
          <PhotoUploader />
        </Form.Item>
      </Form>
      {save.isError && !onFields && <ErrorAlert error={save.error} />}
    </Modal>
  );
}

interface EnforcementValues {
  kind: TEnforcementKind;
  items: { name: string; quantity: number; unit: string }[];
  note?: string;
  photos?: PhotoItem[];
}

export function EnforcementModal({ order, onClose }: { order: TOrderDetail | null; onClose: () => void }) {
  const [form] = Form.useForm<EnforcementValues>();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [onFields, setOnFields] = useState(false);
  const kind = Form.useWatch('kind', form);
  const save = useMutation({
    mutationFn: (v: EnforcementValues) =>
      api.post<TEnforcement>(`/api/v1/rectification-orders/${order?.id}/enforcements`, {
        kind: v.kind,
        items: v.items ?? [],
        note: v.note ?? '',
        photos: photoIds(v.photos),
      }),
    onSuccess: (r) => {
      message.success(`已记录${ENFORCEMENT_KIND_LABELS[r.kind]}`);
      invalidate();
      onClose();
    },
    onError: (e) => setOnFields(applyNestedErrors(form, e, ['kind', 'items', 'note', 'photos'])),
  });
  return (
    <Modal
      title={`采取强制措施 ${order?.number ?? ''}`}
      open={order !== null}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText="记录"
      confirmLoading={save.isPending}
      destroyOnHidden
      width={640}
    >
      <Form<EnforcementValues>
        form={form}
        layout="vertical"
        initialValues={{ kind: 'seizure', items: [{ name: '', quantity: 1, unit: '个' }] }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item label="措施" name="kind" rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            options={ENFORCEMENT_KINDS.map((k) => ({ value: k, label: ENFORCEMENT_KIND_LABELS[k] }))}
          />
        </Form.Item>
        <Form.Item label={kind === 'seizure' ? '暂扣物品清单' : '明细(可不填)'} required={kind === 'seizure'}>
          <Form.List name="items">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="start" style={{ display: 'flex' }}>
                    <Form.Item
                      name={[f.name, 'name']}
                      rules={[{ required: true, whitespace: true, message: '物品名称' }]}
                      style={{ marginBottom: 8 }}
                    >
                      <Input placeholder="物品名称,如:货架" maxLength={50} style={{ width: 240 }} />
                    </Form.Item>
                    <Form.Item
                      name={[f.name, 'quantity']}
                      rules={[{ required: true, message: '数量' }]}
                      style={{ marginBottom: 8 }}
                    >
                      <InputNumber min={0.01} max={1_000_000} placeholder="数量" style={{ width: 110 }} />
                    </Form.Item>
                    <Form.Item
                      name={[f.name, 'unit']}
                      rules={[{ required: true, whitespace: true, message: '单位' }]}
                      style={{ marginBottom: 8 }}
                    >
                      <AutoComplete
                        options={ITEM_UNITS.map((u) => ({ value: u }))}
                        placeholder="单位"
                        style={{ width: 90 }}
                      />
                    </Form.Item>
                    <Button
                      type="text"
                      icon={<MinusCircleOutlined />}
                      onClick={() => remove(f.name)}
                      aria-label="删除此项"
                    />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ quantity: 1, unit: '个' })}>
                  添加物品
                </Button>
              </>
            )}
          </Form.List>
        </Form.Item>
        <Form.Item label="说明" name="note">
          <Input.TextArea rows={2} maxLength={1000} placeholder="如:当事人拒不整改,依法暂扣其出店经营工具" />
        </Form.Item>
        <Form.Item label="现场照片" name="photos" rules={[photosRule(0)]}>
          <PhotoUploader />
        </Form.Item>
      </Form>
      {save.isError && !onFields && <ErrorAlert error={save.error} />}
    </Modal>
  );
}

export function ReturnModal({ record, onClose }: { record: TEnforcement | null; onClose: () => void }) {
  const [form] = Form.useForm<{ returnedTo: string; note?: string; qty: Record<string, number | null> }>();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const left = (record?.items ?? []).map((i) => ({ ...i, left: i.quantity - i.returnedQuantity }));
  const save = useMutation({
    mutationFn: (v: { returnedTo: string; note?: string; items: { name: string; returnedQuantity: number }[] }) =>
      api.post<TEnforcement>(`/api/v1/enforcements/${record?.id}/return`, v),
    onSuccess: (r) => {
      message.success(r.returnState === 'full' ? '物品已全部退还' : '已记录部分退还');
      invalidate();
      onClose();
    },
  });
  return (
    <Modal
      title="退还暂扣物品"
      open={record !== null}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText="确认退还"
      confirmLoading={save.isPending}
      destroyOnHidden
      width={600}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ qty: Object.fromEntries(left.map((i) => [i.name, i.left > 0 ? i.left : null])) }}
        onFinish={(v) => {
          const items = left
            .map((i) => ({ name: i.name, returnedQuantity: Number(v.qty?.[i.name] ?? 0) }))
            .filter((i) => i.returnedQuantity > 0);
          if (items.length === 0) {
            message.warning('请至少填写一项退还数量');
            return;
          }
          save.mutate({ returnedTo: v.returnedTo, note: v.note, items });
        }}
      >
        <Table
          size="small"
          pagination={false}
          rowKey="name"
          style={{ marginBottom: 16 }}
          dataSource={left}
          columns={[
            { title: '物品', dataIndex: 'name' },
            { title: '暂扣', key: 'q', render: (_v, i) => `${i.quantity} ${i.unit}` },
            { title: '已退还', key: 'r', render: (_v, i) => `${i.returnedQuantity} ${i.unit}` },
            {
              title: '本次退还',
              key: 'now',
              width: 150,
              render: (_v, i) => (
                <Form.Item name={['qty', i.name]} noStyle>
                  <InputNumber min={0} max={i.left} disabled={i.left <= 0} suffix={i.unit} style={{ width: 130 }} />
                </Form.Item>
              ),
            },
          ]}
        />
        <Form.Item
          label="领回人"
          name="returnedTo"
          rules={[{ required: true, whitespace: true, message: '请填写领回人' }]}
        >
          <Input maxLength={100} placeholder="当事人或其委托人姓名" />
        </Form.Item>
        <Form.Item label="备注" name="note">
          <Input maxLength={1000} />
        </Form.Item>
      </Form>
      {save.isError && <ErrorAlert error={save.error} />}
    </Modal>
  );
}

/** 登记扬尘治理费: assessed, spent on a measure (with receipt number or photos), or an adjustment. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Col, DatePicker, Form, Input, Modal, Radio, Row, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import {
  FEE_KIND_LABELS,
  FEE_KINDS,
  FEE_MEASURE_LABELS,
  FEE_MEASURES,
  MONEY_RE,
  parseFen,
  type TCreateFeeEntryInput,
  type TFeeAccount,
  type TFeeKind,
  type TFeeMeasure,
} from '../../../../common/sensors.ts';
import { api } from '../../api.ts';
import { type PhotoItem, PhotoUploader, photoIds, photosRule } from '../cases/PhotoUploader.tsx';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { applyFieldErrors } from '../formErrors.ts';
import { feesKey, SENSORS_KEY } from './sensorsApi.ts';

interface Values {
  kind: TFeeKind;
  measure?: TFeeMeasure;
  amount: string;
  occurredOn: Dayjs;
  receiptNo?: string;
  note?: string;
  photos?: PhotoItem[];
}

const FIELDS = ['kind', 'measure', 'amount', 'occurredOn', 'receiptNo', 'note', 'photos'] as const;

/** The same rule as the server's, so most mistakes are caught before sending. */
function amountProblem(kind: TFeeKind, v: string | undefined): string | null {
  const s = (v ?? '').trim();
  if (!s) return '请填写金额';
  if (!MONEY_RE.test(s)) return '金额应为数字,最多两位小数,例如 1200 或 1200.50';
  const fen = parseFen(s);
  if (kind === 'adjustment') return fen === 0n ? '调整金额不能为 0' : null;
  return fen > 0n ? null : '金额应大于 0(只有调整可以为负数)';
}

export function FeeEntryModal({ open, siteId, onClose }: { open: boolean; siteId: string; onClose: () => void }) {
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [onFields, setOnFields] = useState(false);
  const kind = Form.useWatch('kind', form) ?? 'spent';

  const save = useMutation({
    mutationFn: (body: TCreateFeeEntryInput) => api.post<TFeeAccount>(`/api/v1/sites/${siteId}/fees`, body),
    onSuccess: (acc) => {
      message.success('已登记');
      queryClient.setQueryData(feesKey(siteId), acc);
      queryClient.invalidateQueries({ queryKey: SENSORS_KEY });
      form.resetFields();
      onClose();
    },
    onError: (e) => setOnFields(applyFieldErrors(form, e, FIELDS)),
  });

  const onFinish = (v: Values) => {
    setOnFields(false);
    save.mutate({
      kind: v.kind,
      measure: v.kind === 'spent' ? (v.measure ?? null) : null,
      amount: v.amount.trim(),
      occurredOn: v.occurredOn.format('YYYY-MM-DD'),
      receiptNo: v.receiptNo || null,
      note: v.note || null,
      photos: photoIds(v.photos),
    });
  };

  return (
    <Modal
      open={open}
      onCancel={onClose}
      title="登记扬尘治理费"
      okText="保存"
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={640}
      okButtonProps={{ 'data-testid': 'fee-submit' } as Record<string, string>}
    >
      {save.isError && !onFields && <ErrorAlert error={save.error} />}
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        initialValues={{ kind: 'spent', occurredOn: dayjs() }}
      >
        <Form.Item label="类别" name="kind" rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={FEE_KINDS.map((k) => ({ value: k, label: FEE_KIND_LABELS[k] }))}
          />
        </Form.Item>
        <Row gutter={16}>
          {kind === 'spent' && (
            <Col span={12}>
              <Form.Item label="治理措施" name="measure" rules={[{ required: true, message: '请选择治理措施' }]}>
                <Select
                  options={FEE_MEASURES.map((m) => ({ value: m, label: FEE_MEASURE_LABELS[m] }))}
                  placeholder="防尘网、喷淋、冲洗…"
                />
              </Form.Item>
            </Col>
          )}
          <Col span={12}>
            <Form.Item
              label="金额(元)"
              name="amount"
              dependencies={['kind']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: (_, v: string | undefined) => {
                    const p = amountProblem(getFieldValue('kind') as TFeeKind, v);
                    return p ? Promise.reject(new Error(p)) : Promise.resolve();
                  },
                }),
              ]}
              extra={kind === 'adjustment' ? '追加填正数,核减填负数' : undefined}
            >
              <Input prefix="¥" inputMode="decimal" placeholder="如 12000.50" maxLength={16} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label="发生日期" name="occurredOn" rules={[{ required: true, message: '请选择日期' }]}>
              <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label="票据号" name="receiptNo">
              <Input maxLength={64} placeholder="发票或收据号码" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label="说明" name="note">
          <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} />
        </Form.Item>
        <Form.Item
          label="票据/现场照片"
          name="photos"
          rules={[photosRule(0)]}
          extra={kind === 'spent' ? '治理支出须填写票据号或上传至少一张照片' : undefined}
        >
          <PhotoUploader buttonText="上传照片" testId="fee-photos" />
        </Form.Item>
        <Typography.Text type="secondary">
          台账只增不改,保存前请核对金额;应计提额的追加或核减请登记为“调整”。
        </Typography.Text>
      </Form>
    </Modal>
  );
}

/** 新增/修改报警阈值: site type (or every type), pollutant, rule, limit, run length, level, enabled. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Col, Form, InputNumber, Modal, Radio, Row, Select, Switch, Typography } from 'antd';
import { useState } from 'react';
import {
  ALERT_LEVEL_LABELS,
  ALERT_LEVELS,
  SITE_TYPE_LABELS,
  SITE_TYPES,
  type TAlertLevel,
  THRESHOLD_RULE_LABELS,
  THRESHOLD_RULES,
  type TSiteType,
  type TThreshold,
} from '../../../../common/sensors.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { applyFieldErrors } from '../formErrors.ts';
import { POLLUTANT_OPTIONS } from './sensorFormat.tsx';
import { createThreshold, patchThreshold, SENSORS_KEY } from './sensorsApi.ts';

type Rule = (typeof THRESHOLD_RULES)[number];
const ALL_TYPES = 'all';

interface Values {
  siteType: TSiteType | typeof ALL_TYPES;
  pollutant: string;
  rule: Rule;
  limit: number;
  consecutive?: number;
  level: TAlertLevel;
  enabled: boolean;
}

const FIELDS = ['siteType', 'pollutant', 'rule', 'limit', 'consecutive', 'level', 'enabled'] as const;

/** Units of the codes offered (the server's HJ 212 table decides; the list shows the server's unit). */
const UNITS: Record<string, string> = {
  a34001: 'μg/m³',
  a34002: 'μg/m³',
  a34004: 'μg/m³',
  a34005: 'μg/m³',
  LA: 'dB(A)',
  Leq: 'dB(A)',
  a50001: 'dB(A)',
  a01001: '℃',
  a01002: '%',
  a01006: 'kPa',
  a01007: 'm/s',
  a01008: '°',
};

export function ThresholdFormModal({
  open,
  editing,
  onClose,
}: {
  open: boolean;
  editing: TThreshold | null;
  onClose: () => void;
}) {
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [onFields, setOnFields] = useState(false);
  const rule = Form.useWatch('rule', form) ?? editing?.rule ?? 'hour_avg';
  const pollutant = Form.useWatch('pollutant', form) ?? editing?.pollutant;
  const unit = editing && pollutant === editing.pollutant ? editing.unit : pollutant ? UNITS[pollutant] : undefined;

  const save = useMutation({
    mutationFn: (v: Values) => {
      const siteType = v.siteType === ALL_TYPES ? null : v.siteType;
      const common = { siteType, pollutant: v.pollutant, rule: v.rule, limit: v.limit, level: v.level };
      // hour_avg has no run length: a new rule keeps the default, a changed one keeps what it had.
      const consecutive = v.rule === 'consecutive_rtd' ? (v.consecutive ?? 1) : undefined;
      return editing
        ? patchThreshold(editing.id, { ...common, consecutive, enabled: v.enabled })
        : createThreshold({ ...common, consecutive: consecutive ?? 1, enabled: v.enabled });
    },
    onSuccess: (t) => {
      message.success(editing ? '已保存修改' : `已新增阈值:${t.pollutantName} ${THRESHOLD_RULE_LABELS[t.rule]}`);
      queryClient.invalidateQueries({ queryKey: SENSORS_KEY });
      form.resetFields();
      onClose();
    },
    onError: (e) => setOnFields(applyFieldErrors(form, e, FIELDS)),
  });

  const initial: Partial<Values> = editing
    ? {
        siteType: editing.siteType ?? ALL_TYPES,
        pollutant: editing.pollutant,
        rule: editing.rule,
        limit: editing.limit,
        consecutive: editing.consecutive,
        level: editing.level,
        enabled: editing.enabled,
      }
    : { siteType: ALL_TYPES, pollutant: 'a34002', rule: 'hour_avg', consecutive: 3, level: 'warning', enabled: true };

  // A code outside the offered list (set through the API) stays selectable when editing its rule.
  const pollutantOptions =
    editing && !POLLUTANT_OPTIONS.some((o) => o.value === editing.pollutant)
      ? [{ value: editing.pollutant, label: `${editing.pollutant} ${editing.pollutantName}` }, ...POLLUTANT_OPTIONS]
      : [...POLLUTANT_OPTIONS];

  return (
    <Modal
      open={open}
      onCancel={() => {
        save.reset();
        onClose();
      }}
      title={editing ? `修改阈值:${editing.pollutantName} · ${THRESHOLD_RULE_LABELS[editing.rule]}` : '新增阈值'}
      okText="保存"
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={620}
    >
      {save.isError && !onFields && <ErrorAlert error={save.error} />}
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={(v) => {
          setOnFields(false);
          save.mutate(v);
        }}
        initialValues={initial}
        data-testid="threshold-form"
      >
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              label="工地类型"
              name="siteType"
              rules={[{ required: true, message: '请选择工地类型' }]}
              tooltip="某类工地自己的阈值,替换「全部类型」中监测因子、规则和级别都相同的那一条"
            >
              <Select
                options={[
                  { value: ALL_TYPES, label: '全部类型' },
                  ...SITE_TYPES.map((t) => ({ value: t, label: SITE_TYPE_LABELS[t] })),
                ]}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label="监测因子" name="pollutant" rules={[{ required: true, message: '请选择监测因子' }]}>
              <Select options={pollutantOptions} showSearch={{ optionFilterProp: 'label' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label="判定规则" name="rule" rules={[{ required: true, message: '请选择判定规则' }]}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={THRESHOLD_RULES.map((r) => ({ value: r, label: THRESHOLD_RULE_LABELS[r] }))}
          />
        </Form.Item>
        <Typography.Paragraph type="secondary" style={{ marginTop: -12 }}>
          {rule === 'hour_avg'
            ? '整点小时的均值(至少有 75% 的应有数据)超过限值即报警,回到限值以内即恢复;小时未结束但已不可能回落到限值以内时提前报警。'
            : '连续 N 个实时值超过限值即报警,连续 N 个不超过限值即恢复。'}
        </Typography.Paragraph>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              label="限值"
              name="limit"
              rules={[
                { required: true, message: '请填写限值' },
                { type: 'number', min: 0.000001, message: '限值应大于 0' },
                { type: 'number', max: 1_000_000, message: '限值最大为 1000000' },
              ]}
            >
              <InputNumber style={{ width: '100%' }} suffix={unit} placeholder="超过该值即超限" />
            </Form.Item>
          </Col>
          <Col span={12}>
            {rule === 'consecutive_rtd' && (
              <Form.Item
                label="连续次数"
                name="consecutive"
                rules={[
                  { required: true, message: '请填写连续次数' },
                  { type: 'integer', message: '连续次数应为整数' },
                  { type: 'number', min: 1, max: 1000, message: '连续次数应为 1–1000' },
                ]}
              >
                <InputNumber style={{ width: '100%' }} precision={0} suffix="次" />
              </Form.Item>
            )}
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              label="级别"
              name="level"
              rules={[{ required: true, message: '请选择级别' }]}
              extra="预警只记录报警;报警同时生成工地扬尘案件并派遣"
            >
              <Radio.Group options={ALERT_LEVELS.map((l) => ({ value: l, label: ALERT_LEVEL_LABELS[l] }))} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label="启用" name="enabled" valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}

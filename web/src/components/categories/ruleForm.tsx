/**
 * The rule part of a category as form fields (lead HQ and unit, time limits per severity, conditions,
 * evidence, deductions by source, note), with the conversions to and from TCategoryRule and the placing
 * of client- and server-side problems on the nested fields.
 */
import { Checkbox, Col, Form, type FormInstance, Input, InputNumber, Row, Select, Space, Typography } from 'antd';
import { useMemo } from 'react';
import {
  CASE_SOURCE_LABELS,
  CASE_SOURCES,
  LIMIT_UNIT_LABELS,
  LIMIT_UNITS,
  SEVERITIES,
  SEVERITY_LABELS,
  type TCaseSource,
  type TCategoryRule,
  type TSeverity,
  type TTimeLimit,
  ZCategoryRule,
} from '../../../../common/categories.ts';
import { type TUnitType, UNIT_TYPE_LABELS, UNIT_TYPES } from '../../../../common/org.ts';
import { ApiError, formFieldOf } from '../../api.ts';
import { useUnits } from '../../queries.ts';

interface LimitValues {
  enabled?: boolean;
  value?: number | null;
  unit?: TTimeLimit['unit'];
}

export interface RuleFormValues {
  leadHqId?: string | null;
  leadUnitId?: string | null;
  timeLimits: Record<TSeverity, LimitValues>;
  registerCondition?: string;
  closeCondition?: string;
  evidence: { beforePhotos?: number | null; afterPhotos?: number | null };
  deductions: Partial<Record<TCaseSource, number | null>>;
  note?: string | null;
}

const DEFAULT_UNIT: Record<TSeverity, TTimeLimit['unit']> = {
  normal: 'working_hours',
  major: 'working_days',
  urgent: 'emergency_hours',
};

/** Form values for a rule; without one, sensible empty defaults (一般 4 工作时, 1+1 photos). */
export function ruleToForm(rule?: TCategoryRule): RuleFormValues {
  const limits = {} as Record<TSeverity, LimitValues>;
  for (const s of SEVERITIES) {
    const l = rule?.timeLimits[s];
    limits[s] = l
      ? { enabled: true, value: l.value, unit: l.unit }
      : { enabled: s === 'normal', value: s === 'normal' && !rule ? 4 : null, unit: DEFAULT_UNIT[s] };
  }
  return {
    leadHqId: rule?.leadHqId ?? null,
    leadUnitId: rule?.leadUnitId ?? null,
    timeLimits: limits,
    registerCondition: rule?.registerCondition ?? '',
    closeCondition: rule?.closeCondition ?? '',
    evidence: { beforePhotos: rule?.evidence.beforePhotos ?? 1, afterPhotos: rule?.evidence.afterPhotos ?? 1 },
    deductions: { ...(rule?.deductions ?? {}) },
    note: rule?.note ?? '',
  };
}

/** The form as the API's rule shape (not yet validated). */
export function formToRule(v: RuleFormValues): unknown {
  const timeLimits: Partial<Record<TSeverity, { value: number | null | undefined; unit: string | undefined }>> = {};
  for (const s of SEVERITIES) {
    const l = v.timeLimits?.[s];
    if (s === 'normal' || l?.enabled) timeLimits[s] = { value: l?.value, unit: l?.unit };
  }
  const deductions: Partial<Record<TCaseSource, number>> = {};
  for (const src of CASE_SOURCES) {
    const d = v.deductions?.[src];
    if (d !== null && d !== undefined) deductions[src] = d;
  }
  return {
    leadHqId: v.leadHqId ?? null,
    leadUnitId: v.leadUnitId ?? null,
    timeLimits,
    registerCondition: v.registerCondition?.trim() ?? '',
    closeCondition: v.closeCondition?.trim() ?? '',
    evidence: { beforePhotos: v.evidence?.beforePhotos ?? 0, afterPhotos: v.evidence?.afterPhotos ?? 0 },
    deductions,
    note: v.note?.trim() ? v.note.trim() : null,
  };
}

/** Validates the rule part in the browser; problems go on their fields. Returns the rule, or null. */
export function parseRule(form: FormInstance, values: RuleFormValues, prefix: (string | number)[] = []) {
  const parsed = ZCategoryRule.safeParse(formToRule(values));
  if (parsed.success) return parsed.data;
  placeIssues(
    form,
    parsed.error.issues.map((i) => ({
      path: [...prefix, ...i.path.map((p) => (typeof p === 'symbol' ? '' : p))],
      message: i.message,
    })),
    [],
  );
  return null;
}

type Path = (string | number)[];

/** A problem's path as a field of this form: time limits land on their value box, numbers on theirs. */
function toFieldPath(path: Path, topLevel: readonly string[]): Path | null {
  const [head, ...rest] = path;
  if (head === undefined) return null;
  if (head === 'rule') return toFieldPath(rest, topLevel);
  switch (head) {
    case 'leadHqId':
    case 'leadUnitId':
    case 'registerCondition':
    case 'closeCondition':
    case 'note':
      return [head];
    case 'timeLimits': {
      const sev = rest[0];
      if (!SEVERITIES.includes(sev as TSeverity)) return ['timeLimits', 'normal', 'value'];
      return ['timeLimits', sev as TSeverity, rest[1] === 'unit' ? 'unit' : 'value'];
    }
    case 'evidence':
      return rest[0] === 'afterPhotos' ? ['evidence', 'afterPhotos'] : ['evidence', 'beforePhotos'];
    case 'deductions':
      return CASE_SOURCES.includes(rest[0] as TCaseSource) ? ['deductions', rest[0] as TCaseSource] : null;
    default:
      return topLevel.includes(String(head)) ? [head] : null;
  }
}

/** Puts problems on their fields; true when every one found a field. */
export function placeIssues(
  form: FormInstance,
  issues: { path: Path; message: string }[],
  topLevel: readonly string[],
): boolean {
  const byField = new Map<string, { name: Path; errors: string[] }>();
  let unplaced = 0;
  for (const i of issues) {
    const name = toFieldPath(i.path, topLevel);
    if (!name) {
      unplaced++;
      continue;
    }
    const key = name.join('.');
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(i.message);
    byField.set(key, entry);
  }
  if (byField.size) form.setFields([...byField.values()]);
  return unplaced === 0;
}

/** Server-side problems ("body.rule.timeLimits.normal.value") onto the form; true when all were placed. */
export function applyServerIssues(form: FormInstance, error: unknown, topLevel: readonly string[]): boolean {
  if (!(error instanceof ApiError)) return false;
  const issues = error.fieldIssues;
  if (issues.length === 0) return false;
  return placeIssues(
    form,
    issues.map((i) => ({ path: formFieldOf(i.field).split('.'), message: i.message })),
    topLevel,
  );
}

/** 牵头指挥部: the units of type 指挥部. */
export function HqSelect({
  value,
  onChange,
  id,
}: {
  value?: string | null;
  onChange?: (v: string | null) => void;
  id?: string;
}) {
  const units = useUnits();
  const options = useMemo(
    () => (units.data ?? []).filter((u) => u.type === 'hq').map((u) => ({ value: u.id, label: u.name })),
    [units.data],
  );
  return (
    <Select
      id={id}
      value={value ?? undefined}
      onChange={(v: string | undefined) => onChange?.(v ?? null)}
      options={options}
      loading={units.isPending}
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      placeholder={units.isError ? '单位列表加载失败' : '选择指挥部'}
      notFoundContent="无匹配指挥部"
    />
  );
}

/** 牵头单位 (or any working unit): every unit except the 指挥部, grouped by type. */
export function WorkUnitSelect({
  value,
  onChange,
  id,
  placeholder = '选择单位',
  allowClear = true,
  types,
}: {
  value?: string | null;
  onChange?: (v: string | null) => void;
  id?: string;
  placeholder?: string;
  allowClear?: boolean;
  /** Only these types (default: all but 指挥部 and 领导小组). */
  types?: readonly TUnitType[];
}) {
  const units = useUnits();
  const options = useMemo(() => {
    const want = types ?? UNIT_TYPES.filter((t) => t !== 'hq' && t !== 'leading_group');
    const byId = new Map((units.data ?? []).map((u) => [u.id, u]));
    return want
      .map((t) => ({
        label: UNIT_TYPE_LABELS[t],
        title: UNIT_TYPE_LABELS[t],
        options: (units.data ?? [])
          .filter((u) => u.type === t)
          .sort((a, b) => a.code.localeCompare(b.code, 'zh-CN', { numeric: true }))
          .map((u) => {
            const parent = u.parentId ? byId.get(u.parentId) : undefined;
            const within = parent && (t === 'community' || t === 'squad') ? `(${parent.name})` : '';
            return { value: u.id, label: `${u.name}${within}` };
          }),
      }))
      .filter((g) => g.options.length > 0);
  }, [units.data, types]);
  return (
    <Select
      id={id}
      value={value ?? undefined}
      onChange={(v: string | undefined) => onChange?.(v ?? null)}
      options={options}
      loading={units.isPending}
      allowClear={allowClear}
      showSearch={{ optionFilterProp: 'label' }}
      placeholder={units.isError ? '单位列表加载失败' : placeholder}
      notFoundContent="无匹配单位"
    />
  );
}

const UNIT_OPTIONS = LIMIT_UNITS.map((u) => ({ value: u, label: LIMIT_UNIT_LABELS[u] }));

function LimitRow({ severity }: { severity: TSeverity }) {
  const always = severity === 'normal';
  const enabled = Form.useWatch(['timeLimits', severity, 'enabled']);
  const on = always || enabled;
  return (
    <Row gutter={8} align="top" wrap={false}>
      <Col flex="88px" style={{ paddingTop: 5 }}>
        <Form.Item name={['timeLimits', severity, 'enabled']} valuePropName="checked" noStyle>
          <Checkbox disabled={always}>{SEVERITY_LABELS[severity]}</Checkbox>
        </Form.Item>
      </Col>
      <Col flex="140px">
        <Form.Item
          name={['timeLimits', severity, 'value']}
          rules={on ? [{ required: true, message: '请输入时限' }] : []}
          style={{ marginBottom: 8 }}
        >
          <InputNumber min={0.5} max={10_000} step={1} disabled={!on} style={{ width: '100%' }} placeholder="时限" />
        </Form.Item>
      </Col>
      <Col flex="auto">
        <Form.Item name={['timeLimits', severity, 'unit']} style={{ marginBottom: 8 }}>
          <Select options={UNIT_OPTIONS} disabled={!on} />
        </Form.Item>
      </Col>
    </Row>
  );
}

/** The rule fields; put inside a Form whose values include RuleFormValues at the top level. */
export function RuleFormFields() {
  return (
    <>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item label="牵头指挥部" name="leadHqId" extra="负责督办该类问题的指挥部">
            <HqSelect />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item label="牵头单位" name="leadUnitId" extra="无责任矩阵规则时由牵头单位处置">
            <WorkUnitSelect placeholder="选择牵头单位" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item
        label="整改时限"
        required
        extra="“一般”必填;未设置的级别按“一般”计算。工作时/工作日按工作日历计,紧急“小时”连续计时(含夜间和节假日)。"
      >
        {SEVERITIES.map((s) => (
          <LimitRow key={s} severity={s} />
        ))}
      </Form.Item>
      <Form.Item label="立案条件" name="registerCondition" rules={[{ max: 2000 }]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={2000} placeholder="满足什么情况应立案" />
      </Form.Item>
      <Form.Item label="结案条件" name="closeCondition" rules={[{ max: 2000 }]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={2000} placeholder="整改到什么程度可以结案" />
      </Form.Item>
      <Form.Item label="照片要求" required style={{ marginBottom: 8 }}>
        <Space size={16} wrap>
          <Form.Item name={['evidence', 'beforePhotos']} noStyle rules={[{ required: true }]}>
            <InputNumber min={0} max={9} precision={0} prefix="处置前" suffix="张" style={{ width: 150 }} />
          </Form.Item>
          <Form.Item name={['evidence', 'afterPhotos']} noStyle rules={[{ required: true }]}>
            <InputNumber min={0} max={9} precision={0} prefix="处置后" suffix="张" style={{ width: 150 }} />
          </Form.Item>
        </Space>
      </Form.Item>
      <Form.Item label="扣分标准(按问题来源,每件扣分)" extra="留空表示该来源发现的问题不扣分" style={{ marginTop: 16 }}>
        <Row gutter={[12, 0]}>
          {CASE_SOURCES.map((src) => (
            <Col span={8} key={src}>
              <Form.Item name={['deductions', src]} style={{ marginBottom: 8 }}>
                <InputNumber
                  min={0}
                  max={100}
                  step={0.5}
                  style={{ width: '100%' }}
                  prefix={<Typography.Text type="secondary">{CASE_SOURCE_LABELS[src]}</Typography.Text>}
                  suffix="分"
                />
              </Form.Item>
            </Col>
          ))}
        </Row>
      </Form.Item>
      <Form.Item label="备注" name="note" rules={[{ max: 500 }]}>
        <Input maxLength={500} placeholder="可不填" />
      </Form.Item>
    </>
  );
}

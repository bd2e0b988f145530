/**
 * Add or change a responsibility-matrix rule (POST/PUT /api/v1/routing/rules). A rule with the same key
 * as an existing one is refused with 409 CONFLICT, whose details name the existing rule: shown plainly,
 * with a way to edit that rule instead.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, AutoComplete, Button, Col, Form, Input, Modal, Radio, Row, Typography } from 'antd';
import { useState } from 'react';
import type { TCategory } from '../../../../common/categories.ts';
import { AREA_KIND_LABELS, AREA_KINDS, type TRule, type TRuleInput } from '../../../../common/routing.ts';
import { ApiError, api } from '../../api.ts';
import { useCategories, useUnits } from '../../queries.ts';
import { useSession } from '../../session.tsx';
import { CategoryTreeSelect } from '../categories/CategoryTreeSelect.tsx';
import { WorkUnitSelect } from '../categories/ruleForm.tsx';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { applyFieldErrors } from '../formErrors.ts';
import { UserSelect } from '../UserSelect.tsx';
import { GridSelect } from './GridSelect.tsx';
import { SpecificityTags } from './routingFormat.tsx';

type AreaKind = TRule['areaKind'];

interface Values {
  categoryId?: string | null;
  areaKind: AreaKind;
  areaId?: string | null;
  industry?: string | null;
  level?: string | null;
  unitId?: string | null;
  userId?: string | null;
  note?: string | null;
}

const FIELDS = ['categoryId', 'areaKind', 'areaId', 'industry', 'level', 'unitId', 'userId', 'note'] as const;

export const RULES_KEY = ['routing', 'rules'] as const;

/** `rule` null: a new rule; a TRule: edit it. `open` false: closed. */
export function RuleModal({
  open,
  rule,
  rules,
  onClose,
  onEditOther,
}: {
  open: boolean;
  rule: TRule | null;
  rules: readonly TRule[];
  onClose: () => void;
  /** Switch to editing another rule (the one a conflict named). */
  onEditOther: (r: TRule) => void;
}) {
  return (
    <Modal
      title={rule ? '修改责任规则' : '新增责任规则'}
      open={open}
      onCancel={onClose}
      footer={null}
      destroyOnHidden
      mask={{ closable: false }}
      width={680}
    >
      {open && (
        <RuleForm key={rule?.id ?? 'new'} rule={rule} rules={rules} onClose={onClose} onEditOther={onEditOther} />
      )}
    </Modal>
  );
}

interface Conflict {
  description: string;
  rule: TRule | null;
}

function conflictOf(e: unknown, rules: readonly TRule[]): Conflict | null {
  if (!(e instanceof ApiError) || e.code !== 'CONFLICT') return null;
  const d = (typeof e.details === 'object' && e.details !== null ? e.details : {}) as {
    description?: unknown;
    conflictingRuleId?: unknown;
  };
  const description = typeof d.description === 'string' ? d.description : e.message;
  const rule =
    typeof d.conflictingRuleId === 'string' ? (rules.find((r) => r.id === d.conflictingRuleId) ?? null) : null;
  return { description, rule };
}

function RuleForm({
  rule,
  rules,
  onClose,
  onEditOther,
}: {
  rule: TRule | null;
  rules: readonly TRule[];
  onClose: () => void;
  onEditOther: (r: TRule) => void;
}) {
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const { can } = useSession();
  const queryClient = useQueryClient();
  const categories = useCategories();
  const units = useUnits();
  const [errorOnFields, setErrorOnFields] = useState(false);
  const areaKind = Form.useWatch('areaKind', form) ?? rule?.areaKind ?? 'tenant';
  const watched = Form.useWatch([], form) as Values | undefined;

  const save = useMutation({
    mutationFn: (body: TRuleInput) =>
      rule ? api.put<TRule>(`/api/v1/routing/rules/${rule.id}`, body) : api.post<TRule>('/api/v1/routing/rules', body),
    onSuccess: () => {
      message.success(rule ? '责任规则已修改' : '责任规则已新增');
      queryClient.invalidateQueries({ queryKey: ['routing'] });
      onClose();
    },
    onError: (e) => setErrorOnFields(applyFieldErrors(form, e, FIELDS)),
  });
  const conflict = save.isError ? conflictOf(save.error, rules) : null;

  const onFinish = (v: Values) => {
    const body: TRuleInput = {
      categoryId: v.categoryId ?? null,
      areaKind: v.areaKind,
      areaId: v.areaKind === 'tenant' ? null : (v.areaId ?? null),
      industry: v.industry?.trim() ? v.industry.trim() : null,
      level: v.level?.trim() ? v.level.trim() : null,
      unitId: v.unitId ?? '',
      userId: v.userId ?? null,
      note: v.note?.trim() ? v.note.trim() : null,
    };
    save.mutate(body);
  };

  const suggestions = (pick: (r: TRule) => string | null) =>
    [...new Set(rules.map(pick).filter((x): x is string => !!x))].map((value) => ({ value }));

  const initial: Values = rule
    ? {
        categoryId: rule.categoryId,
        areaKind: rule.areaKind,
        areaId: rule.areaId,
        industry: rule.industry,
        level: rule.level,
        unitId: rule.unit.id,
        userId: rule.user?.id ?? null,
        note: rule.note,
      }
    : {
        categoryId: null,
        areaKind: 'tenant',
        areaId: null,
        industry: null,
        level: null,
        unitId: null,
        userId: null,
        note: null,
      };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={initial}
      onFinish={onFinish}
      requiredMark
      preserve={false}
    >
      <Form.Item
        label="问题分类"
        name="categoryId"
        extra="选小类最具体;选大类则覆盖其下所有小类;不选表示任意分类(如社区对辖区内所有问题负责)"
      >
        <CategoryTreeSelect placeholder="任意分类(不限)" />
      </Form.Item>
      <Row gutter={16}>
        <Col span={24}>
          <Form.Item label="区域范围" name="areaKind" rules={[{ required: true }]}>
            <Radio.Group
              optionType="button"
              options={AREA_KINDS.map((k) => ({ value: k, label: AREA_KIND_LABELS[k] }))}
              onChange={() => form.setFieldValue('areaId', null)}
            />
          </Form.Item>
        </Col>
      </Row>
      {areaKind !== 'tenant' && (
        <Form.Item
          label={AREA_KIND_LABELS[areaKind]}
          name="areaId"
          rules={[{ required: true, message: `请选择${AREA_KIND_LABELS[areaKind]}` }]}
        >
          {areaKind === 'grid' ? (
            <GridSelect />
          ) : (
            <WorkUnitSelect types={[areaKind]} placeholder={`选择${AREA_KIND_LABELS[areaKind]}`} />
          )}
        </Form.Item>
      )}
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item label="行业" name="industry" extra="如“餐饮”;不填表示不限行业" rules={[{ max: 40 }]}>
            <AutoComplete options={suggestions((r) => r.industry)} placeholder="不限" allowClear maxLength={40} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item label="层级" name="level" extra="不填表示不限层级" rules={[{ max: 40 }]}>
            <AutoComplete options={suggestions((r) => r.level)} placeholder="不限" allowClear maxLength={40} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={can('users.read') ? 12 : 24}>
          <Form.Item label="责任单位" name="unitId" rules={[{ required: true, message: '请选择责任单位' }]}>
            <WorkUnitSelect placeholder="选择责任单位" />
          </Form.Item>
        </Col>
        {can('users.read') && (
          <Col span={12}>
            <Form.Item label="责任人" name="userId" extra="可不填;不填且责任单位为网格属地时,由网格长负责">
              <UserSelect />
            </Form.Item>
          </Col>
        )}
      </Row>
      <Form.Item label="备注" name="note" rules={[{ max: 500 }]}>
        <Input maxLength={500} placeholder="可不填" />
      </Form.Item>

      <Preview
        values={watched}
        categories={categories.data ?? []}
        unitName={(id) => units.data?.find((u) => u.id === id)?.name}
      />

      {conflict ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title="与已有规则重复,未保存"
          description={
            <>
              <div style={{ margin: '4px 0' }}>
                已有规则:<Typography.Text strong>{conflict.description}</Typography.Text>
              </div>
              <div>
                两条规则的分类、区域、行业、层级完全相同,会在所有地点打平。请直接修改已有规则,或调整本规则的分类、区域、行业或层级。
              </div>
            </>
          }
          action={
            conflict.rule ? (
              <Button size="small" onClick={() => conflict.rule && onEditOther(conflict.rule)}>
                修改已有规则
              </Button>
            ) : undefined
          }
        />
      ) : (
        save.isError &&
        !errorOnFields && (
          <div style={{ marginBottom: 16 }}>
            <ErrorAlert error={save.error} />
          </div>
        )
      )}
      <div style={{ display: 'flex', justifyContent: 'flex-end', gap: 8 }}>
        <Button onClick={onClose}>取消</Button>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {rule ? '保存' : '新增'}
        </Button>
      </div>
    </Form>
  );
}

/** The rule as it will read, and how specific it is. */
function Preview({
  values,
  categories,
  unitName,
}: {
  values: Values | undefined;
  categories: readonly TCategory[];
  unitName: (id: string) => string | undefined;
}) {
  if (!values) return null;
  const cat = values.categoryId ? categories.find((c) => c.id === values.categoryId) : undefined;
  const catRank = !values.categoryId ? 0 : cat?.parentId ? 2 : 1;
  const areaRank = { tenant: 0, subdistrict: 1, community: 2, grid: 3 }[values.areaKind ?? 'tenant'];
  const area =
    values.areaKind === 'tenant' || !values.areaKind
      ? '全区'
      : `${AREA_KIND_LABELS[values.areaKind]}:${(values.areaId && (unitName(values.areaId) ?? (values.areaKind === 'grid' ? '所选网格' : '?'))) || '(未选)'}`;
  const extra = [
    values.industry?.trim() && `行业:${values.industry.trim()}`,
    values.level?.trim() && `层级:${values.level.trim()}`,
  ].filter(Boolean);
  const who = values.unitId ? (unitName(values.unitId) ?? '?') : '(未选责任单位)';
  return (
    <div style={{ background: '#f6f8fb', borderRadius: 4, padding: '8px 12px', marginBottom: 16 }}>
      <Typography.Text type="secondary">规则预览:</Typography.Text>
      <Typography.Text>
        {cat ? `${cat.name}(${cat.code})` : '任意问题'} @ {area}
        {extra.length ? ` [${extra.join(',')}]` : ''} → {who}
      </Typography.Text>
      <div style={{ marginTop: 4 }}>
        <Typography.Text type="secondary">优先级:</Typography.Text>
        <SpecificityTags value={[catRank, areaRank, values.industry?.trim() ? 1 : 0, values.level?.trim() ? 1 : 0]} />
      </div>
    </div>
  );
}

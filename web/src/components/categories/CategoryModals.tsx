/**
 * Writing the catalogue: 新建分类 (POST /api/v1/categories), 修改规则 (PUT /api/v1/categories/:id/rule, a new
 * version) and 修改名称/排序 (PATCH /api/v1/categories/:id).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Col, Form, Input, InputNumber, Modal, Radio, Row, Select, Typography } from 'antd';
import { useState } from 'react';
import {
  CATEGORY_KIND_LABELS,
  CATEGORY_KINDS,
  type TCategory,
  type TCategoryRule,
  type TCreateCategory,
  type TUpdateCategory,
} from '../../../../common/categories.ts';
import { api } from '../../api.ts';
import { CATEGORIES_KEY } from '../../queries.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { applyServerIssues, parseRule, RuleFormFields, type RuleFormValues, ruleToForm } from './ruleForm.tsx';

function useInvalidateCategories() {
  const queryClient = useQueryClient();
  return (id?: string) => {
    queryClient.invalidateQueries({ queryKey: CATEGORIES_KEY });
    if (id) queryClient.invalidateQueries({ queryKey: ['category', id] });
    // Routing rules and explanations name categories.
    queryClient.invalidateQueries({ queryKey: ['routing'] });
  };
}

// ---------------------------------------------------------------- 新建分类

interface CreateValues extends RuleFormValues {
  level: 'major' | 'minor';
  parentId?: string | null;
  code: string;
  name: string;
  kind: TCategory['kind'];
  sortOrder?: number | null;
}

const CREATE_FIELDS = ['code', 'parentId', 'name', 'kind', 'sortOrder'] as const;

export function CreateCategoryModal({
  open,
  parent,
  categories,
  onClose,
  onCreated,
}: {
  open: boolean;
  /** Start as a 小类 under this 大类. */
  parent: TCategory | null;
  categories: readonly TCategory[];
  onClose: () => void;
  onCreated?: (c: TCategory) => void;
}) {
  return (
    <Modal
      title="新建分类"
      open={open}
      onCancel={onClose}
      footer={null}
      destroyOnHidden
      mask={{ closable: false }}
      width={760}
    >
      {open && <CreateCategoryForm parent={parent} categories={categories} onClose={onClose} onCreated={onCreated} />}
    </Modal>
  );
}

function CreateCategoryForm({
  parent,
  categories,
  onClose,
  onCreated,
}: {
  parent: TCategory | null;
  categories: readonly TCategory[];
  onClose: () => void;
  onCreated?: (c: TCategory) => void;
}) {
  const [form] = Form.useForm<CreateValues>();
  const { message } = App.useApp();
  const invalidate = useInvalidateCategories();
  const [errorOnFields, setErrorOnFields] = useState(false);
  const level = Form.useWatch('level', form);
  const parentId = Form.useWatch('parentId', form);
  const majors = categories.filter((c) => c.parentId === null);
  const chosenParent = majors.find((c) => c.id === parentId) ?? null;

  const create = useMutation({
    mutationFn: (body: TCreateCategory) => api.post<TCategory>('/api/v1/categories', body),
    onSuccess: (c) => {
      message.success(`已新建分类 ${c.code} ${c.name}`);
      invalidate();
      onCreated?.(c);
      onClose();
    },
    onError: (e) => setErrorOnFields(applyServerIssues(form, e, CREATE_FIELDS)),
  });

  const onFinish = (v: CreateValues) => {
    const rule = parseRule(form, v);
    if (!rule) return;
    const minor = v.level === 'minor';
    create.mutate({
      code: v.code.trim().toUpperCase(),
      parentId: minor ? (v.parentId ?? null) : null,
      name: v.name.trim(),
      kind: v.kind,
      sortOrder: v.sortOrder ?? 0,
      rule,
    });
  };

  /** Picking a 大类 copies its kind and rule as the starting point for the 小类. */
  const onParentChange = (id: string | null) => {
    const p = majors.find((c) => c.id === id);
    if (!p) return;
    form.setFieldsValue({ kind: p.kind, ...ruleToForm(p.rule) });
    const siblings = categories.filter((c) => c.parentId === p.id);
    form.setFieldValue(
      'code',
      nextCode(
        p.code,
        siblings.map((c) => c.code),
      ),
    );
    form.setFieldValue('sortOrder', nextSort(siblings));
  };

  const initial: CreateValues = {
    level: parent ? 'minor' : 'major',
    parentId: parent?.id ?? null,
    code: parent
      ? nextCode(
          parent.code,
          categories.filter((c) => c.parentId === parent.id).map((c) => c.code),
        )
      : '',
    name: '',
    kind: parent?.kind ?? 'event',
    sortOrder: nextSort(categories.filter((c) => c.parentId === (parent?.id ?? null))),
    ...ruleToForm(parent?.rule),
  };

  return (
    <Form<CreateValues>
      form={form}
      layout="vertical"
      initialValues={initial}
      onFinish={onFinish}
      requiredMark
      preserve={false}
    >
      <Row gutter={16}>
        <Col span={10}>
          <Form.Item label="层级" name="level">
            <Radio.Group
              optionType="button"
              options={[
                { value: 'major', label: '大类' },
                { value: 'minor', label: '小类' },
              ]}
            />
          </Form.Item>
        </Col>
        <Col span={14}>
          {level === 'minor' && (
            <Form.Item label="所属大类" name="parentId" rules={[{ required: true, message: '请选择所属大类' }]}>
              <Select
                options={majors.map((c) => ({
                  value: c.id,
                  label: `${c.code} ${c.name}${c.isActive ? '' : '(已停用)'}`,
                }))}
                showSearch={{ optionFilterProp: 'label' }}
                placeholder="选择大类"
                onChange={onParentChange}
              />
            </Form.Item>
          )}
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={6}>
          <Form.Item
            label="编码"
            name="code"
            rules={[
              { required: true, message: '请输入编码' },
              { pattern: /^[A-Za-z][0-9]{2,6}$/, message: '一个大写字母加 2–6 位数字' },
            ]}
            extra={level === 'minor' && chosenParent ? `小类编码通常以 ${chosenParent.code} 开头` : '如 E06、C0203'}
            normalize={(v: string) => v?.toUpperCase()}
          >
            <Input maxLength={7} autoComplete="off" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item
            label="名称"
            name="name"
            rules={[{ required: true, whitespace: true, message: '请输入名称' }, { max: 50 }]}
          >
            <Input maxLength={50} />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item label="类型" name="kind" rules={[{ required: true }]}>
            <Select options={CATEGORY_KINDS.map((k) => ({ value: k, label: CATEGORY_KIND_LABELS[k] }))} />
          </Form.Item>
        </Col>
        <Col span={4}>
          <Form.Item label="排序" name="sortOrder">
            <InputNumber precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        分类规则(第 1 版)
      </Typography.Title>
      {level === 'minor' && (
        <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
          选择大类后,规则先按大类的当前规则填好,可按需修改。
        </Typography.Paragraph>
      )}
      <RuleFormFields />
      {create.isError && !errorOnFields && (
        <div style={{ marginBottom: 16 }}>
          <ErrorAlert error={create.error} />
        </div>
      )}
      <ModalFooter onCancel={onClose} okText="创建" loading={create.isPending} />
    </Form>
  );
}

/** After the last sibling. */
function nextSort(siblings: readonly TCategory[]): number {
  return siblings.reduce((m, c) => Math.max(m, c.sortOrder + 1), 0);
}

/** The next free code under a 大类: E01 with E0101, E0102 taken → E0103. */
function nextCode(parentCode: string, siblings: readonly string[]): string {
  let max = 0;
  for (const s of siblings) {
    if (!s.startsWith(parentCode)) continue;
    const n = Number(s.slice(parentCode.length));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return `${parentCode}${String(max + 1).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- 修改规则

export function EditRuleModal({ category, onClose }: { category: TCategory | null; onClose: () => void }) {
  return (
    <Modal
      title={category ? `修改规则:${category.code} ${category.name}` : '修改规则'}
      open={category !== null}
      onCancel={onClose}
      footer={null}
      destroyOnHidden
      mask={{ closable: false }}
      width={760}
    >
      {category && <EditRuleForm category={category} onClose={onClose} />}
    </Modal>
  );
}

function EditRuleForm({ category, onClose }: { category: TCategory; onClose: () => void }) {
  const [form] = Form.useForm<RuleFormValues>();
  const { message } = App.useApp();
  const invalidate = useInvalidateCategories();
  const [errorOnFields, setErrorOnFields] = useState(false);

  const save = useMutation({
    mutationFn: (rule: TCategoryRule) => api.put<TCategory>(`/api/v1/categories/${category.id}/rule`, rule),
    onSuccess: (c) => {
      message.success(`已保存为第 ${c.version} 版规则`);
      invalidate(category.id);
      onClose();
    },
    onError: (e) => setErrorOnFields(applyServerIssues(form, e, [])),
  });

  const onFinish = (v: RuleFormValues) => {
    const rule = parseRule(form, v);
    if (!rule) return;
    if (sameRule(rule, category.rule)) {
      message.info('规则没有变化,无需生成新版本');
      return;
    }
    save.mutate(rule);
  };

  return (
    <Form<RuleFormValues>
      form={form}
      layout="vertical"
      initialValues={ruleToForm(category.rule)}
      onFinish={onFinish}
      requiredMark
      preserve={false}
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={`保存后生成第 ${category.version + 1} 版规则,当前为第 ${category.version} 版`}
        description="已立案的案卷继续按立案时的规则版本(时限、结案条件、扣分)执行,不受本次修改影响;只有保存之后新立案的案卷使用新规则。旧版本保留在版本记录中,可随时查看。"
      />
      <RuleFormFields />
      {save.isError && !errorOnFields && (
        <div style={{ marginBottom: 16 }}>
          <ErrorAlert error={save.error} />
        </div>
      )}
      <ModalFooter onCancel={onClose} okText="保存为新版本" loading={save.isPending} />
    </Form>
  );
}

/** JSON with keys in order, so two rules compare by content. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function sameRule(a: TCategoryRule, b: TCategoryRule): boolean {
  const pick = (r: TCategoryRule): TCategoryRule => ({
    leadHqId: r.leadHqId,
    leadUnitId: r.leadUnitId,
    timeLimits: r.timeLimits,
    registerCondition: r.registerCondition,
    closeCondition: r.closeCondition,
    evidence: r.evidence,
    deductions: r.deductions,
    note: r.note,
  });
  return canonical(pick(a)) === canonical(pick(b));
}

// ---------------------------------------------------------------- 修改名称/排序

interface RenameValues {
  name: string;
  sortOrder?: number | null;
}

export function RenameCategoryModal({ category, onClose }: { category: TCategory | null; onClose: () => void }) {
  return (
    <Modal
      title={category ? `修改分类:${category.code}` : '修改分类'}
      open={category !== null}
      onCancel={onClose}
      footer={null}
      destroyOnHidden
      width={480}
    >
      {category && <RenameForm category={category} onClose={onClose} />}
    </Modal>
  );
}

function RenameForm({ category, onClose }: { category: TCategory; onClose: () => void }) {
  const [form] = Form.useForm<RenameValues>();
  const { message } = App.useApp();
  const invalidate = useInvalidateCategories();
  const [errorOnFields, setErrorOnFields] = useState(false);
  const update = useMutation({
    mutationFn: (body: TUpdateCategory) => api.patch<TCategory>(`/api/v1/categories/${category.id}`, body),
    onSuccess: () => {
      message.success('已保存');
      invalidate(category.id);
      onClose();
    },
    onError: (e) => setErrorOnFields(applyServerIssues(form, e, ['name', 'sortOrder'])),
  });
  const onFinish = (v: RenameValues) => {
    const body: TUpdateCategory = {};
    if (v.name.trim() !== category.name) body.name = v.name.trim();
    if ((v.sortOrder ?? 0) !== category.sortOrder) body.sortOrder = v.sortOrder ?? 0;
    if (Object.keys(body).length === 0) {
      onClose();
      return;
    }
    update.mutate(body);
  };
  return (
    <Form<RenameValues>
      form={form}
      layout="vertical"
      initialValues={{ name: category.name, sortOrder: category.sortOrder }}
      onFinish={onFinish}
      preserve={false}
    >
      <Typography.Paragraph type="secondary">
        名称和排序不属于分类规则,修改后不生成新版本;编码不可修改。
      </Typography.Paragraph>
      <Form.Item
        label="名称"
        name="name"
        rules={[{ required: true, whitespace: true, message: '请输入名称' }, { max: 50 }]}
      >
        <Input maxLength={50} />
      </Form.Item>
      <Form.Item label="排序" name="sortOrder" extra="数字越小越靠前">
        <InputNumber precision={0} style={{ width: 160 }} />
      </Form.Item>
      {update.isError && !errorOnFields && (
        <div style={{ marginBottom: 16 }}>
          <ErrorAlert error={update.error} />
        </div>
      )}
      <ModalFooter onCancel={onClose} okText="保存" loading={update.isPending} />
    </Form>
  );
}

// ----------------------------------------------------------------

function ModalFooter({ onCancel, okText, loading }: { onCancel: () => void; okText: string; loading: boolean }) {
  return (
    <div style={{ display: 'flex', justifyContent: 'flex-end', gap: 8 }}>
      <Button onClick={onCancel}>取消</Button>
      <Button type="primary" htmlType="submit" loading={loading}>
        {okText}
      </Button>
    </div>
  );
}

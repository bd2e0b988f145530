/** 新建/编辑单位 and 移动单位: antd forms over POST/PATCH /api/v1/org/units and POST …/move. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Input, InputNumber, Modal, Select, Typography } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import {
  nestingProblem,
  type TOrgUnit,
  type TUnitType,
  UNIT_CODE_RE,
  UNIT_PARENT_TYPES,
  UNIT_TYPE_LABELS,
  UNIT_TYPES,
} from '../../../../common/org.ts';
import { api } from '../../api.ts';
import { UNITS_KEY } from '../../queries.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { applyFieldErrors } from '../formErrors.ts';
import { ParentTreeSelect, TOP_LEVEL } from './UnitPickers.tsx';

function useUnitSaved() {
  const queryClient = useQueryClient();
  return () => {
    queryClient.invalidateQueries({ queryKey: UNITS_KEY });
    queryClient.invalidateQueries({ queryKey: ['org'] });
  };
}

interface UnitValues {
  type?: TUnitType;
  parent?: string;
  code: string;
  name: string;
  sortOrder?: number | null;
}

export type UnitFormMode = { kind: 'create'; parentId: string | null } | { kind: 'edit'; unit: TOrgUnit };

/** Types allowed under a parent (null = top level), in the usual order. */
function typesUnder(parent: TOrgUnit | null): TUnitType[] {
  return UNIT_TYPES.filter((t) => nestingProblem(t, parent?.type ?? null) === null);
}

export function UnitFormModal({
  mode,
  units,
  onClose,
  onSaved,
}: {
  mode: UnitFormMode | null;
  units: TOrgUnit[];
  onClose: () => void;
  onSaved: (u: TOrgUnit) => void;
}) {
  const [form] = Form.useForm<UnitValues>();
  const { message } = App.useApp();
  const saved = useUnitSaved();
  const [errorOnFields, setErrorOnFields] = useState(false);
  const parentValue = Form.useWatch('parent', form);
  const parent = parentValue && parentValue !== TOP_LEVEL ? (units.find((u) => u.id === parentValue) ?? null) : null;
  const editing = mode?.kind === 'edit' ? mode.unit : null;

  const save = useMutation({
    mutationFn: (v: UnitValues) =>
      editing
        ? api.patch<TOrgUnit>(`/api/v1/org/units/${editing.id}`, {
            code: v.code.trim(),
            name: v.name.trim(),
            sortOrder: v.sortOrder ?? 0,
          })
        : api.post<TOrgUnit>('/api/v1/org/units', {
            type: v.type,
            parentId: v.parent && v.parent !== TOP_LEVEL ? v.parent : null,
            code: v.code.trim(),
            name: v.name.trim(),
            sortOrder: v.sortOrder ?? 0,
          }),
    onSuccess: (u) => {
      message.success(editing ? `已保存「${u.name}」` : `已新建「${u.name}」`);
      saved();
      onSaved(u);
      close();
    },
    // body.code → the code field; body.parentId and the rest go to the alert below the form.
    onError: (e) => setErrorOnFields(applyFieldErrors(form, e, ['code', 'name', 'sortOrder', 'type'])),
  });

  const close = () => {
    form.resetFields();
    save.reset();
    onClose();
  };

  const canHold = useCallback((u: TOrgUnit) => typesUnder(u).length === 0, []);
  const initial: Partial<UnitValues> | undefined = mode
    ? mode.kind === 'edit'
      ? { code: mode.unit.code, name: mode.unit.name, sortOrder: mode.unit.sortOrder }
      : (() => {
          const p = mode.parentId ? (units.find((u) => u.id === mode.parentId) ?? null) : null;
          return { parent: p ? p.id : TOP_LEVEL, type: typesUnder(p)[0], sortOrder: 0 };
        })()
    : undefined;
  const typeOptions = typesUnder(parent).map((t) => ({ value: t, label: UNIT_TYPE_LABELS[t] }));

  return (
    <Modal
      title={editing ? `编辑单位:${editing.name}` : '新建单位'}
      open={mode !== null}
      onCancel={close}
      onOk={() => form.submit()}
      okText={editing ? '保存' : '创建'}
      confirmLoading={save.isPending}
      destroyOnHidden
      mask={{ closable: false }}
      width={560}
    >
      <Form<UnitValues>
        key={editing?.id ?? `new:${mode?.kind === 'create' ? mode.parentId : ''}`}
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={(v) => save.mutate(v)}
        onValuesChange={(changed) => {
          if ('parent' in changed) {
            const p =
              changed.parent && changed.parent !== TOP_LEVEL
                ? (units.find((u) => u.id === changed.parent) ?? null)
                : null;
            const allowed = typesUnder(p);
            if (!allowed.includes(form.getFieldValue('type'))) form.setFieldValue('type', allowed[0]);
          }
        }}
        preserve={false}
        requiredMark
      >
        {!editing && (
          <>
            <Form.Item
              label="上级单位"
              name="parent"
              rules={[{ required: true, message: '请选择上级单位' }]}
              extra="灰色的单位下不能再设下级单位(如社区下只能设队伍)"
            >
              <ParentTreeSelect units={units} disabled={canHold} allowTop />
            </Form.Item>
            <Form.Item
              label="单位类型"
              name="type"
              rules={[{ required: true, message: '请选择单位类型' }]}
              extra={
                parent ? `「${parent.name}」下可设:${typeOptions.map((o) => o.label).join('、')}` : '顶级只能是领导小组'
              }
            >
              <Select options={typeOptions} placeholder="选择类型" />
            </Form.Item>
          </>
        )}
        {editing && (
          <Typography.Paragraph type="secondary">
            单位类型({UNIT_TYPE_LABELS[editing.type]})创建后不能修改;更换上级单位请用「移动」。
          </Typography.Paragraph>
        )}
        <Form.Item
          label="单位编码"
          name="code"
          extra="全区唯一,1–64 位字母、数字、下划线、点或连字符"
          rules={[
            { required: true, whitespace: true, message: '请输入单位编码' },
            { pattern: UNIT_CODE_RE, message: '单位编码格式不正确' },
          ]}
        >
          <Input maxLength={64} autoComplete="off" />
        </Form.Item>
        <Form.Item
          label="单位名称"
          name="name"
          rules={[{ required: true, whitespace: true, message: '请输入单位名称' }]}
        >
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item label="排序号" name="sortOrder" extra="越小越靠前">
          <InputNumber min={0} max={999999} precision={0} style={{ width: 160 }} />
        </Form.Item>
      </Form>
      {save.isError && !errorOnFields && <ErrorAlert error={save.error} />}
    </Modal>
  );
}

/** Move a unit (and everything under it) to another parent the nesting rules allow. */
export function MoveUnitModal({
  unit,
  units,
  onClose,
}: {
  unit: TOrgUnit | null;
  units: TOrgUnit[];
  onClose: () => void;
}) {
  const { message } = App.useApp();
  const saved = useUnitSaved();
  const [target, setTarget] = useState<string | undefined>();
  const descendants = useMemo(() => {
    const out = new Set<string>();
    if (!unit) return out;
    const walk = (id: string) => {
      out.add(id);
      for (const u of units) if (u.parentId === id) walk(u.id);
    };
    walk(unit.id);
    return out;
  }, [unit, units]);
  const disabled = useCallback(
    (u: TOrgUnit) => !unit || descendants.has(u.id) || nestingProblem(unit.type, u.type) !== null,
    [unit, descendants],
  );
  const move = useMutation({
    mutationFn: (parentId: string | null) => api.post<TOrgUnit>(`/api/v1/org/units/${unit?.id}/move`, { parentId }),
    onSuccess: (u) => {
      message.success(`已移动「${u.name}」`);
      saved();
      close();
    },
  });
  const close = () => {
    setTarget(undefined);
    move.reset();
    onClose();
  };
  const below = unit ? descendants.size - 1 : 0;
  const allowTop = unit ? UNIT_PARENT_TYPES[unit.type].includes(null) : false;
  const current = unit?.parentId ? units.find((u) => u.id === unit.parentId) : null;
  return (
    <Modal
      title={unit ? `移动单位:${unit.name}` : '移动单位'}
      open={unit !== null}
      onCancel={close}
      onOk={() => move.mutate(target === TOP_LEVEL ? null : (target ?? null))}
      okText="移动"
      okButtonProps={{ disabled: target === undefined || target === (unit?.parentId ?? TOP_LEVEL) }}
      confirmLoading={move.isPending}
      destroyOnHidden
      width={560}
    >
      {unit && (
        <>
          <Typography.Paragraph>
            当前上级:<Typography.Text strong>{current?.name ?? '无(顶级)'}</Typography.Text>
          </Typography.Paragraph>
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={
              below > 0
                ? `连同 ${below} 个下级单位一起移动;这些单位的人员和网格随之移动,数据可见范围随新上级改变。`
                : '移动后,该单位的人员和网格随之移动,数据可见范围随新上级改变。'
            }
          />
          <ParentTreeSelect units={units} value={target} onChange={setTarget} disabled={disabled} allowTop={allowTop} />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {UNIT_TYPE_LABELS[unit.type]}只能位于:
            {UNIT_PARENT_TYPES[unit.type].map((p) => (p === null ? '顶级' : UNIT_TYPE_LABELS[p])).join('、')}
            ;灰色的单位不可选(含自身及其下级)。
          </Typography.Paragraph>
          {move.isError && (
            <div style={{ marginTop: 12 }}>
              <ErrorAlert error={move.error} />
            </div>
          )}
        </>
      )}
    </Modal>
  );
}

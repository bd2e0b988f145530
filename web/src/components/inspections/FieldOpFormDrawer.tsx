/** 登记/修改整治行动: date, unit, grids, 人次, equipment rows, result rows, photos, linked cases, note. */
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App,
  AutoComplete,
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
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import {
  EQUIPMENT_SUGGESTIONS,
  RESULT_ITEM_SUGGESTIONS,
  RESULT_UNIT_SUGGESTIONS,
  type TCreateFieldOp,
  type TFieldOp,
} from '../../../../common/inspections.ts';
import { api } from '../../api.ts';
import { useSession } from '../../session.tsx';
import { type PhotoItem, PhotoUploader, photoIds, photosRule } from '../cases/PhotoUploader.tsx';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { useGrids } from '../routing/grids.ts';
import { UnitTreeSelect } from '../UnitTreeSelect.tsx';
import { CaseSelect } from './CaseSelect.tsx';
import { applyNestedErrors, FIELD_OPS_KEY } from './inspectionsApi.ts';

interface Values {
  opDate: Dayjs;
  title: string;
  unitId: string | null;
  gridIds: string[];
  personTimes: number;
  equipment: { type: string; count: number }[];
  results: { item: string; quantity: number; unit: string }[];
  photos?: PhotoItem[];
  caseIds: string[];
  note?: string;
}

const FIELDS = [
  'opDate',
  'title',
  'unitId',
  'gridIds',
  'personTimes',
  'equipment',
  'results',
  'photos',
  'caseIds',
  'note',
] as const;

const suggest = (list: readonly string[]) => list.map((value) => ({ value }));

function GridMultiSelect({ value, onChange, id }: { value?: string[]; onChange?: (v: string[]) => void; id?: string }) {
  const grids = useGrids();
  const options = useMemo(
    () => (grids.data ?? []).map((g) => ({ value: g.id, label: `${g.code} ${g.name}` })),
    [grids.data],
  );
  return (
    <Select
      id={id}
      mode="multiple"
      value={value}
      onChange={(v: string[]) => onChange?.(v)}
      options={options}
      loading={grids.isPending}
      showSearch={{ optionFilterProp: 'label' }}
      placeholder={grids.isError ? '网格列表暂不可用' : '按编码或名称查找网格(可多选)'}
      maxTagCount="responsive"
      notFoundContent="无匹配网格"
    />
  );
}

export function FieldOpFormDrawer({
  open,
  editing,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** The operation being edited, or null for a new one. */
  editing: TFieldOp | null;
  onClose: () => void;
  onSaved: (op: TFieldOp) => void;
}) {
  const [form] = Form.useForm<Values>();
  const { user } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [onFields, setOnFields] = useState(false);

  const save = useMutation({
    mutationFn: (body: TCreateFieldOp) =>
      editing
        ? api.patch<TFieldOp>(`/api/v1/field-operations/${editing.id}`, body)
        : api.post<TFieldOp>('/api/v1/field-operations', body),
    onSuccess: (op) => {
      message.success(editing ? '已保存修改' : `已登记整治行动「${op.title}」`);
      queryClient.invalidateQueries({ queryKey: FIELD_OPS_KEY });
      form.resetFields();
      onSaved(op);
    },
    onError: (e) => setOnFields(applyNestedErrors(form, e, FIELDS)),
  });

  const initial: Partial<Values> = editing
    ? {
        opDate: dayjs(editing.opDate),
        title: editing.title,
        unitId: editing.unitId,
        gridIds: editing.grids.map((g) => g.id),
        personTimes: editing.personTimes,
        equipment: editing.equipment,
        results: editing.results,
        caseIds: editing.cases.map((c) => c.id),
        note: editing.note ?? undefined,
      }
    : {
        opDate: dayjs(),
        unitId: user.unit?.id ?? null,
        gridIds: [],
        equipment: [{ type: '', count: 1 }],
        results: [{ item: '', quantity: 1, unit: '处' }],
        caseIds: [],
      };

  const onFinish = (v: Values) => {
    const photos = photoIds(v.photos);
    save.mutate({
      opDate: v.opDate.format('YYYY-MM-DD'),
      title: v.title,
      unitId: v.unitId ?? '',
      gridIds: v.gridIds ?? [],
      personTimes: v.personTimes,
      equipment: (v.equipment ?? []).filter((e) => e?.type?.trim()),
      results: (v.results ?? []).filter((r) => r?.item?.trim()),
      // An edit keeps the photos it had unless new ones were added.
      photos: editing && photos.length === 0 ? editing.photos : photos,
      caseIds: v.caseIds ?? [],
      note: v.note || null,
    });
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={760}
      destroyOnHidden
      title={editing ? `修改整治行动:${editing.title}` : '登记整治行动'}
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="op-submit">
            保存
          </Button>
        </Space>
      }
    >
      <Form<Values> form={form} layout="vertical" requiredMark onFinish={onFinish} initialValues={initial}>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item label="行动日期" name="opDate" rules={[{ required: true, message: '请选择日期' }]}>
              <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item
              label="行动名称"
              name="title"
              rules={[{ required: true, whitespace: true, message: '请填写行动名称' }]}
            >
              <Input maxLength={100} placeholder="如:李南岗铁路沿线积存垃圾清理" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item label="实施单位" name="unitId" rules={[{ required: true, message: '请选择单位' }]}>
              <UnitTreeSelect placeholder="选择实施单位" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label="出动人次" name="personTimes" rules={[{ required: true, message: '请填写出动人次' }]}>
              <InputNumber min={1} max={100000} precision={0} style={{ width: '100%' }} suffix="人次" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label="涉及网格" name="gridIds">
          <GridMultiSelect />
        </Form.Item>

        <Divider titlePlacement="start" plain>
          出动装备
        </Divider>
        <Form.List name="equipment">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="start" style={{ display: 'flex' }}>
                  <Form.Item
                    name={[f.name, 'type']}
                    rules={[{ required: true, whitespace: true, message: '装备类型' }]}
                    style={{ marginBottom: 8 }}
                  >
                    <AutoComplete
                      options={suggest(EQUIPMENT_SUGGESTIONS)}
                      placeholder="类型,如:铲车"
                      style={{ width: 220 }}
                      showSearch={{ filterOption: true }}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'count']}
                    rules={[{ required: true, message: '数量' }]}
                    style={{ marginBottom: 8 }}
                  >
                    <InputNumber min={1} max={999} precision={0} suffix="台/辆" style={{ width: 130 }} />
                  </Form.Item>
                  <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} aria-label="删除" />
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ type: '', count: 1 })}>
                添加装备
              </Button>
            </>
          )}
        </Form.List>

        <Divider titlePlacement="start" plain>
          整治成效
        </Divider>
        <Form.List name="results">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="start" style={{ display: 'flex' }}>
                  <Form.Item
                    name={[f.name, 'item']}
                    rules={[{ required: true, whitespace: true, message: '成效事项' }]}
                    style={{ marginBottom: 8 }}
                  >
                    <AutoComplete
                      options={suggest(RESULT_ITEM_SUGGESTIONS)}
                      placeholder="事项,如:清理垃圾"
                      style={{ width: 260 }}
                      showSearch={{ filterOption: true }}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'quantity']}
                    rules={[{ required: true, message: '数量' }]}
                    style={{ marginBottom: 8 }}
                  >
                    <InputNumber min={0.001} max={10_000_000} placeholder="数量" style={{ width: 130 }} />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'unit']}
                    rules={[{ required: true, whitespace: true, message: '单位' }]}
                    style={{ marginBottom: 8 }}
                  >
                    <AutoComplete
                      options={suggest(RESULT_UNIT_SUGGESTIONS)}
                      placeholder="单位"
                      style={{ width: 100 }}
                    />
                  </Form.Item>
                  <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} aria-label="删除" />
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ item: '', quantity: 1, unit: '处' })}>
                添加成效
              </Button>
              <Typography.Text type="secondary" style={{ display: 'block', marginTop: 4, fontSize: 12 }}>
                同一事项同一单位的多行会合并计数;汇总按「事项 + 单位」相加(如 清理垃圾 m³ 与 清理垃圾 吨 分开统计)。
              </Typography.Text>
            </>
          )}
        </Form.List>

        <Divider titlePlacement="start" plain>
          照片与关联
        </Divider>
        <Form.Item
          label="现场照片"
          name="photos"
          rules={[photosRule(0)]}
          extra={
            editing && editing.photos.length > 0
              ? `已有 ${editing.photos.length} 张;新上传的照片将替换原有照片`
              : undefined
          }
        >
          <PhotoUploader />
        </Form.Item>
        <Form.Item label="办结的案件" name="caseIds">
          <CaseSelect multiple known={editing?.cases ?? []} />
        </Form.Item>
        <Form.Item label="备注" name="note">
          <Input.TextArea rows={2} maxLength={2000} placeholder="如:协调环卫工 10 余人" />
        </Form.Item>
      </Form>
      {save.isError && !onFields && <ErrorAlert error={save.error} />}
    </Drawer>
  );
}

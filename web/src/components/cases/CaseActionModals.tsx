/**
 * The dialogs that change a case: a transition (asking for exactly what it `requires`), a request to
 * the HQ (extension, parking, dispute), the HQ's decision on one, and reassignment. Each write carries
 * If-Match with the version the user was looking at (useCaseWrite).
 */
import { useQuery } from '@tanstack/react-query';
import { App, Checkbox, DatePicker, Form, Input, Modal, Select, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import {
  REQUEST_KIND_LABELS,
  type TCaseDetail,
  type TCaseList,
  type TCaseRequestCreate,
  type TCaseRequestDecision,
  type TTransitionRequest,
} from '../../../../common/cases.ts';
import { api } from '../../api.ts';
import { useCategories } from '../../queries.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { applyFieldErrors } from '../formErrors.ts';
import { UnitTreeSelect } from '../UnitTreeSelect.tsx';
import { isStale, useCaseWrite } from './caseApi.ts';
import { StatusTag } from './caseFormat.tsx';
import { type PhotoItem, PhotoUploader, photoIds, photosRule } from './PhotoUploader.tsx';

export type TAllowedTransition = TCaseDetail['allowed']['transitions'][number];
export type TCaseRequest = TCaseDetail['requests'][number];
export type TRequestKind = TCaseRequest['kind'];

/** What the note is called for each action. */
const NOTE_LABELS: Record<string, string> = {
  reject: '不予立案理由',
  return: '返工原因',
  handle: '处置情况说明',
  cancel: '撤销原因',
  park: '挂账原因',
  verify: '核查意见',
  close: '结案意见',
};
const PHOTO_LABELS: Record<string, string> = { handle: '处置后照片', verify: '核查照片', return: '核查照片' };

/** A short sentence saying what the action does, shown in the dialog. */
function explain(t: TAllowedTransition, c: TCaseDetail): string {
  switch (t.action) {
    case 'register':
      return '确认该问题属实、属于受理范围,予以立案。立案后进入派遣时限。';
    case 'dispatch':
      return c.unit
        ? `派往责任单位:${c.unit.name}${c.assignee ? ` · ${c.assignee.name}` : ''}(按责任矩阵)。`
        : '派往责任单位。';
    case 'accept':
      return '签收后开始处置,处置时限照常计算。';
    case 'handle':
      return '上传处置后照片并说明处置情况,提交核查。';
    case 'verify':
      return '经现场核查,问题已整改到位。';
    case 'close':
      return '核查通过,结案归档。';
    default:
      return `将案件状态改为“${t.label}”。`;
  }
}

interface TransitionValues {
  note?: string;
  photos?: PhotoItem[];
  reviewDate?: Dayjs | null;
  mergeInto?: string;
  unitId?: string | null;
}

/** Find a case by its number (or words) to merge into. */
function CaseSearchSelect({
  value,
  onChange,
  exclude,
  id,
}: {
  value?: string;
  onChange?: (v: string | undefined) => void;
  exclude: string;
  id?: string;
}) {
  const [q, setQ] = useState('');
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setQ(typed.trim()), 300);
    return () => clearTimeout(t);
  }, [typed]);
  const list = useQuery({
    queryKey: ['cases', 'list', { q, pageSize: 20, purpose: 'merge' }],
    queryFn: () => api.get<TCaseList>('/api/v1/cases', { q, pageSize: 20 }),
    enabled: q.length >= 2,
  });
  const options = (list.data?.items ?? [])
    .filter((c) => c.id !== exclude)
    .map((c) => ({
      value: c.id,
      label: (
        <span>
          {c.number} <StatusTag status={c.status} /> {c.category.name}
          {c.address ? ` · ${c.address}` : ''}
        </span>
      ),
    }));
  return (
    <Select
      id={id}
      value={value}
      onChange={(v: string | undefined) => onChange?.(v)}
      options={options}
      showSearch={{ filterOption: false, onSearch: setTyped }}
      loading={list.isFetching}
      placeholder="输入案件编号查找,如 2026-000123"
      notFoundContent={q.length < 2 ? '请输入至少 2 个字符' : list.isFetching ? '查找中…' : '无匹配案件'}
      allowClear
    />
  );
}

/** One transition, asking for exactly the inputs it requires. */
export function TransitionModal({
  detail,
  transition,
  onClose,
}: {
  detail: TCaseDetail;
  transition: TAllowedTransition;
  onClose: () => void;
}) {
  const [form] = Form.useForm<TransitionValues>();
  const write = useCaseWrite(detail.id);
  const { message } = App.useApp();
  const categories = useCategories();
  const req = new Set(transition.requires);
  const rule = categories.data?.find((c) => c.code === detail.category.code)?.rule;
  const minAfter = transition.action === 'handle' ? Math.max(1, rule?.evidence.afterPhotos ?? 1) : 1;
  const point = detail.lat !== null && detail.lng !== null ? { lat: detail.lat, lng: detail.lng } : null;
  const known = ['note', 'photos', 'reviewDate', 'mergeInto', 'unitId'];
  // Dispatch goes where the matrix routed the case unless the HQ picks another unit here.
  const canRedirect = transition.action === 'dispatch' && !req.has('unitId');

  const submit = async () => {
    let v: TransitionValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const body: TTransitionRequest = { to: transition.to };
    if (req.has('note')) body.note = v.note?.trim();
    if (req.has('photos')) body.photos = photoIds(v.photos);
    if (req.has('reviewDate') && v.reviewDate) body.reviewDate = v.reviewDate.toISOString();
    if (req.has('mergeInto') && v.mergeInto) body.mergeInto = v.mergeInto;
    if ((req.has('unitId') || canRedirect) && v.unitId) body.unitId = v.unitId;
    write.mutate(
      { version: detail.version, write: { kind: 'transition', body } },
      {
        onSuccess: () => {
          message.success(`已${transition.label}`);
          onClose();
        },
        onError: (e) => {
          if (isStale(e)) onClose();
          else applyFieldErrors(form, e, known);
        },
      },
    );
  };

  return (
    <Modal
      open
      title={
        <span>
          {transition.label} · {detail.number}
        </span>
      }
      okText={transition.label}
      okButtonProps={{ danger: ['reject', 'return', 'cancel'].includes(transition.action) }}
      onOk={submit}
      confirmLoading={write.isPending}
      onCancel={onClose}
      destroyOnHidden
      maskClosable={false}
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        <StatusTag status={detail.status} /> → <StatusTag status={transition.to} /> {explain(transition, detail)}
      </Typography.Paragraph>
      <Form<TransitionValues> form={form} layout="vertical" requiredMark={false} initialValues={{ photos: [] }}>
        {req.has('photos') && (
          <Form.Item
            name="photos"
            label={`${PHOTO_LABELS[transition.action] ?? '照片'}(至少 ${minAfter} 张)`}
            rules={[photosRule(minAfter)]}
          >
            <PhotoUploader near={point} testId="transition-photos" />
          </Form.Item>
        )}
        {req.has('note') && (
          <Form.Item
            name="note"
            label={NOTE_LABELS[transition.action] ?? '说明'}
            rules={[
              { required: true, whitespace: true, message: '请填写说明' },
              { min: 2, message: '至少 2 个字' },
            ]}
          >
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} showCount />
          </Form.Item>
        )}
        {req.has('reviewDate') && (
          <Form.Item name="reviewDate" label="复查日期" rules={[{ required: true, message: '请选择复查日期' }]}>
            <DatePicker
              style={{ width: '100%' }}
              disabledDate={(d) => d.isBefore(dayjs(), 'day')}
              placeholder="到期后重新办理"
            />
          </Form.Item>
        )}
        {req.has('mergeInto') && (
          <Form.Item name="mergeInto" label="合并到案件" rules={[{ required: true, message: '请选择要合并到的案件' }]}>
            <CaseSearchSelect exclude={detail.id} />
          </Form.Item>
        )}
        {req.has('unitId') && (
          <Form.Item name="unitId" label="责任单位" rules={[{ required: true, message: '请选择责任单位' }]}>
            <UnitTreeSelect placeholder="选择责任单位" />
          </Form.Item>
        )}
        {canRedirect && (
          <Form.Item
            name="unitId"
            label="派往单位"
            extra={
              detail.unit
                ? `不选则按责任矩阵派往「${detail.unit.name}」${detail.assignee ? `(${detail.assignee.name})` : ''}`
                : '该案件尚无责任单位,请选择'
            }
            rules={detail.unit ? [] : [{ required: true, message: '请选择派往单位' }]}
          >
            <UnitTreeSelect placeholder={detail.unit ? `改派(可选)` : '选择派往单位'} />
          </Form.Item>
        )}
      </Form>
      {write.isError && !isStale(write.error) && <ErrorAlert error={write.error} />}
    </Modal>
  );
}

interface RequestValues {
  reason?: string;
  requestedDue?: Dayjs | null;
  reviewDate?: Dayjs | null;
  suggestedUnitId?: string | null;
}

const REQUEST_HELP: Record<TRequestKind, string> = {
  extension: '因客观原因无法按期完成,申请延长处置时限;由指挥部决定。',
  park: '短期内无法解决(如需立项、跨季节施工),申请挂账并定期复查;由指挥部决定。',
  dispute: '该问题不属于本单位职责,申请退回由指挥部重新确定责任单位。',
};

/** A unit asks the HQ for more time, to park the case, or to take it back as not theirs. */
export function RequestModal({
  detail,
  kind,
  onClose,
}: {
  detail: TCaseDetail;
  kind: TRequestKind;
  onClose: () => void;
}) {
  const [form] = Form.useForm<RequestValues>();
  const write = useCaseWrite(detail.id);
  const { message } = App.useApp();
  const submit = async () => {
    let v: RequestValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const body: TCaseRequestCreate = { kind, reason: (v.reason ?? '').trim() };
    if (kind === 'extension' && v.requestedDue) body.requestedDue = v.requestedDue.toISOString();
    if (kind === 'park' && v.reviewDate) body.reviewDate = v.reviewDate.toISOString();
    if (kind === 'dispute' && v.suggestedUnitId) body.suggestedUnitId = v.suggestedUnitId;
    write.mutate(
      { version: detail.version, write: { kind: 'request', body } },
      {
        onSuccess: () => {
          message.success(`${REQUEST_KIND_LABELS[kind]}已提交`);
          onClose();
        },
        onError: (e) => {
          if (isStale(e)) onClose();
          else applyFieldErrors(form, e, ['reason', 'requestedDue', 'reviewDate', 'suggestedUnitId']);
        },
      },
    );
  };
  return (
    <Modal
      open
      title={`${REQUEST_KIND_LABELS[kind]} · ${detail.number}`}
      okText="提交申请"
      onOk={submit}
      confirmLoading={write.isPending}
      onCancel={onClose}
      destroyOnHidden
      maskClosable={false}
    >
      <Typography.Paragraph type="secondary">{REQUEST_HELP[kind]}</Typography.Paragraph>
      <Form<RequestValues> form={form} layout="vertical" requiredMark={false}>
        <Form.Item
          name="reason"
          label="理由"
          rules={[
            { required: true, whitespace: true, message: '请填写理由' },
            { min: 4, message: '理由至少 4 个字' },
          ]}
        >
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={1000} showCount />
        </Form.Item>
        {kind === 'extension' && (
          <Form.Item name="requestedDue" label="申请延至" rules={[{ required: true, message: '请选择新的处置时限' }]}>
            <DatePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              style={{ width: '100%' }}
              disabledDate={(d) => d.isBefore(dayjs(), 'day')}
            />
          </Form.Item>
        )}
        {kind === 'park' && (
          <Form.Item name="reviewDate" label="复查日期" rules={[{ required: true, message: '请选择复查日期' }]}>
            <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isBefore(dayjs(), 'day')} />
          </Form.Item>
        )}
        {kind === 'dispute' && (
          <Form.Item name="suggestedUnitId" label="建议责任单位" extra="选填:您认为应由哪个单位负责">
            <UnitTreeSelect placeholder="选择单位" />
          </Form.Item>
        )}
      </Form>
      {write.isError && !isStale(write.error) && <ErrorAlert error={write.error} />}
    </Modal>
  );
}

interface DecisionValues {
  note?: string;
  unitId?: string | null;
  updateMatrix?: boolean;
  newDue?: Dayjs | null;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/** The HQ approves or rejects a pending request. */
export function DecisionModal({
  detail,
  request,
  approve,
  onClose,
}: {
  detail: TCaseDetail;
  request: TCaseRequest;
  approve: boolean;
  onClose: () => void;
}) {
  const [form] = Form.useForm<DecisionValues>();
  const write = useCaseWrite(detail.id);
  const { message } = App.useApp();
  const requestedDue = str(request.payload.requestedDue);
  const suggested = str(request.payload.suggestedUnitId);
  const submit = async () => {
    let v: DecisionValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const body: TCaseRequestDecision = { approve, updateMatrix: false };
    if (v.note?.trim()) body.note = v.note.trim();
    if (approve && request.kind === 'dispute') {
      if (v.unitId) body.unitId = v.unitId;
      body.updateMatrix = !!v.updateMatrix;
    }
    if (approve && request.kind === 'extension' && v.newDue) body.newDue = v.newDue.toISOString();
    write.mutate(
      { version: detail.version, write: { kind: 'decision', requestId: request.id, body } },
      {
        onSuccess: () => {
          message.success(approve ? '已批准' : '已驳回');
          onClose();
        },
        onError: (e) => {
          if (isStale(e)) onClose();
          else applyFieldErrors(form, e, ['note', 'unitId', 'updateMatrix', 'newDue']);
        },
      },
    );
  };
  return (
    <Modal
      open
      title={`${approve ? '批准' : '驳回'}${REQUEST_KIND_LABELS[request.kind]} · ${detail.number}`}
      okText={approve ? '批准' : '驳回'}
      okButtonProps={{ danger: !approve }}
      onOk={submit}
      confirmLoading={write.isPending}
      onCancel={onClose}
      destroyOnHidden
      maskClosable={false}
    >
      <Typography.Paragraph>
        <Typography.Text type="secondary">申请理由:</Typography.Text>
        {request.reason}
      </Typography.Paragraph>
      <Form<DecisionValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{
          unitId: suggested ?? null,
          updateMatrix: false,
          newDue: requestedDue ? dayjs(requestedDue) : null,
        }}
      >
        {approve && request.kind === 'dispute' && (
          <>
            <Form.Item
              name="unitId"
              label="改由单位"
              rules={[{ required: !suggested, message: '请选择接手的单位' }]}
              extra={suggested ? '默认为申请中建议的单位' : undefined}
            >
              <UnitTreeSelect placeholder="选择接手的单位" />
            </Form.Item>
            <Form.Item name="updateMatrix" valuePropName="checked">
              <Checkbox>同时在责任矩阵中为该网格添加规则,今后同类问题直接派往该单位</Checkbox>
            </Form.Item>
          </>
        )}
        {approve && request.kind === 'extension' && (
          <Form.Item name="newDue" label="批准延至" extra="默认为申请的时间">
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
          </Form.Item>
        )}
        <Form.Item
          name="note"
          label="决定意见"
          rules={approve ? [] : [{ required: true, whitespace: true, message: '驳回请说明理由' }]}
        >
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={1000} showCount />
        </Form.Item>
      </Form>
      {write.isError && !isStale(write.error) && <ErrorAlert error={write.error} />}
    </Modal>
  );
}

/** The HQ moves the case to another unit. */
export function ReassignModal({ detail, onClose }: { detail: TCaseDetail; onClose: () => void }) {
  const [form] = Form.useForm<{ unitId?: string | null; note?: string }>();
  const write = useCaseWrite(detail.id);
  const { message } = App.useApp();
  const submit = async () => {
    let v: { unitId?: string | null; note?: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    write.mutate(
      {
        version: detail.version,
        write: { kind: 'reassign', body: { unitId: v.unitId as string, note: (v.note ?? '').trim() } },
      },
      {
        onSuccess: () => {
          message.success('已改派');
          onClose();
        },
        onError: (e) => {
          if (isStale(e)) onClose();
          else applyFieldErrors(form, e, ['unitId', 'note']);
        },
      },
    );
  };
  return (
    <Modal
      open
      title={`改派 · ${detail.number}`}
      okText="改派"
      onOk={submit}
      confirmLoading={write.isPending}
      onCancel={onClose}
      destroyOnHidden
      maskClosable={false}
    >
      <Typography.Paragraph type="secondary">当前责任单位:{detail.unit?.name ?? '未指定'}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="unitId" label="改由单位" rules={[{ required: true, message: '请选择单位' }]}>
          <UnitTreeSelect placeholder="选择单位" />
        </Form.Item>
        <Form.Item
          name="note"
          label="改派原因"
          rules={[
            { required: true, whitespace: true, message: '请填写改派原因' },
            { min: 2, message: '至少 2 个字' },
          ]}
        >
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={500} showCount />
        </Form.Item>
      </Form>
      {write.isError && !isStale(write.error) && <ErrorAlert error={write.error} />}
    </Modal>
  );
}

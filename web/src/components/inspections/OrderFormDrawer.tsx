/** 下达责令改正通知书: the issue form as a drawer (party, facts, legal basis with templates, requirements, deadline). */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Col, DatePicker, Divider, Drawer, Form, Input, Row, Space, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import {
  creditCodeProblem,
  LEGAL_BASIS_TEMPLATES,
  type TCreateOrder,
  type TOrderDetail,
} from '../../../../common/inspections.ts';
import { api } from '../../api.ts';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { UnitTreeSelect } from '../UnitTreeSelect.tsx';
import { CaseSelect } from './CaseSelect.tsx';
import { applyNestedErrors, ORDERS_KEY } from './inspectionsApi.ts';

interface Values {
  party: { name: string; address: string; contact?: string; phone?: string; licenceNo?: string };
  facts: string;
  legalBasis: string;
  requiredActions: string;
  deadline: Dayjs;
  issuingUnitId: string | null;
  caseId?: string | null;
}

const FIELDS = ['party', 'facts', 'legalBasis', 'requiredActions', 'deadline', 'issuingUnitId', 'caseId'] as const;

/** The picker's wall-clock time is Beijing time (China keeps +08:00 all year). */
const beijing = (d: Dayjs) => `${d.format('YYYY-MM-DDTHH:mm:ss')}+08:00`;

export function OrderFormDrawer({
  open,
  onClose,
  onIssued,
}: {
  open: boolean;
  onClose: () => void;
  onIssued: (o: TOrderDetail) => void;
}) {
  const [form] = Form.useForm<Values>();
  const { user } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [onFields, setOnFields] = useState(false);

  const issue = useMutation({
    mutationFn: (body: TCreateOrder) => api.post<TOrderDetail>('/api/v1/rectification-orders', body),
    onSuccess: (o) => {
      message.success(`已下达 ${o.number}`);
      queryClient.invalidateQueries({ queryKey: ORDERS_KEY });
      form.resetFields();
      onIssued(o);
    },
    onError: (e) => setOnFields(applyNestedErrors(form, e, FIELDS)),
  });

  const onFinish = (v: Values) =>
    issue.mutate({
      party: {
        name: v.party.name,
        address: v.party.address,
        contact: v.party.contact || null,
        phone: v.party.phone || null,
        licenceNo: v.party.licenceNo || null,
      },
      facts: v.facts,
      legalBasis: v.legalBasis,
      requiredActions: v.requiredActions,
      deadline: beijing(v.deadline),
      issuingUnitId: v.issuingUnitId ?? '',
      caseId: v.caseId || null,
    });

  const addTemplate = (text: string) => {
    const cur = (form.getFieldValue('legalBasis') as string | undefined)?.trim();
    form.setFieldValue('legalBasis', cur ? `${cur}、${text}` : text);
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={720}
      destroyOnHidden
      title="下达责令改正通知书"
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={issue.isPending} onClick={() => form.submit()} data-testid="order-submit">
            下达
          </Button>
        </Space>
      }
    >
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark
        onFinish={onFinish}
        initialValues={{
          issuingUnitId: user.unit?.id ?? null,
          deadline: dayjs().add(3, 'day').hour(18).minute(0).second(0),
        }}
      >
        <Divider titlePlacement="start" plain style={{ marginTop: 0 }}>
          当事人
        </Divider>
        <Row gutter={16}>
          <Col span={14}>
            <Form.Item
              label="当事人(商户名称或姓名)"
              name={['party', 'name']}
              rules={[{ required: true, whitespace: true, message: '请填写当事人名称' }]}
            >
              <Input maxLength={100} placeholder="如:四大街张记餐馆" />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item
              label="统一社会信用代码"
              name={['party', 'licenceNo']}
              normalize={(v: string) => v?.toUpperCase().replace(/\s/g, '')}
              rules={[
                {
                  validator: (_, v: string | undefined) => {
                    const p = v ? creditCodeProblem(v) : null;
                    return p ? Promise.reject(new Error(p)) : Promise.resolve();
                  },
                },
              ]}
            >
              <Input maxLength={18} placeholder="18 位,个体户可不填" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          label="地址"
          name={['party', 'address']}
          rules={[{ required: true, whitespace: true, message: '请填写地址' }]}
        >
          <Input maxLength={200} placeholder="经营场所地址" />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item label="联系人" name={['party', 'contact']}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              label="联系电话"
              name={['party', 'phone']}
              rules={[{ pattern: /^[0-9+\-() ]*$/, message: '电话只能包含数字、+、-、括号和空格' }]}
            >
              <Input maxLength={30} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start" plain>
          违法事实与依据
        </Divider>
        <Form.Item
          label="违法事实"
          name="facts"
          extra="通知书中写作「经查,你(单位)……」,请写明时间、地点和行为"
          rules={[{ required: true, whitespace: true, message: '请填写违法事实' }]}
        >
          <Input.TextArea
            rows={3}
            maxLength={2000}
            showCount
            placeholder="于 4 月 15 日在第四大街店外摆放货架,占用人行道经营"
          />
        </Form.Item>
        <Form.Item
          label="法律依据"
          required
          extra={
            <Space size={[4, 4]} wrap style={{ marginTop: 4 }}>
              <Typography.Text type="secondary">常用:</Typography.Text>
              {LEGAL_BASIS_TEMPLATES.map((t) => (
                <Tag
                  key={t.text}
                  color="blue"
                  style={{ cursor: 'pointer' }}
                  onClick={() => addTemplate(t.text)}
                  title={t.text}
                >
                  {t.label}
                </Tag>
              ))}
            </Space>
          }
        >
          <Form.Item
            noStyle
            name="legalBasis"
            rules={[{ required: true, whitespace: true, message: '请填写法律依据' }]}
          >
            <Input.TextArea rows={2} maxLength={1000} placeholder="如:《城市市容和环境卫生管理条例》第十四条" />
          </Form.Item>
        </Form.Item>

        <Divider titlePlacement="start" plain>
          整改要求
        </Divider>
        <Form.Item
          label="整改要求"
          name="requiredActions"
          extra="每行一条,通知书中自动编号(一)(二)……"
          rules={[{ required: true, whitespace: true, message: '请填写整改要求' }]}
        >
          <Input.TextArea rows={3} maxLength={2000} placeholder={'清除店外摆放的货架和遮阳伞\n恢复人行道通行'} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              label="整改期限"
              name="deadline"
              rules={[
                { required: true, message: '请选择整改期限' },
                {
                  validator: (_, v: Dayjs | undefined) =>
                    v && !v.isAfter(dayjs())
                      ? Promise.reject(new Error('整改期限必须晚于当前时间'))
                      : Promise.resolve(),
                },
              ]}
            >
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                style={{ width: '100%' }}
                disabledDate={(d) => d.isBefore(dayjs(), 'day')}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label="下达单位" name="issuingUnitId" rules={[{ required: true, message: '请选择下达单位' }]}>
              <UnitTreeSelect placeholder="选择下达单位" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label="关联案件" name="caseId" extra="关联后,下达、复查和强制措施将记入该案件的处理过程">
          <CaseSelect />
        </Form.Item>
      </Form>
      {issue.isError && !onFields && <ErrorAlert error={issue.error} />}
    </Drawer>
  );
}

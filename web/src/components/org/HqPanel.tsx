/** A command HQ's 指挥长, 副指挥长 and member units (牵头单位 first), with editors for org.write. */
import { CrownOutlined, EditOutlined, TeamOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Empty, Form, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import {
  HQ_MEMBER_TYPES,
  type THqDetail,
  type THqLeader,
  type THqMember,
  type TOrgUnit,
  type TSetHqLeaders,
  type TSetHqMembers,
  UNIT_TYPE_LABELS,
} from '../../../../common/org.ts';
import { api } from '../../api.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { LoadError } from '../QueryState.tsx';
import { UnitTypeTag } from '../UnitTypeTag.tsx';
import { PeopleSelect } from './UnitPickers.tsx';

const hqKey = (id: string) => ['org', 'hq', id] as const;

function LeaderText({ l }: { l: THqLeader }) {
  return (
    <span>
      <Typography.Text strong>{l.displayName}</Typography.Text>
      <Typography.Text type="secondary">
        {' '}
        ({l.username}
        {l.unitName ? ` · ${l.unitName}` : ''})
      </Typography.Text>
      {l.disabled && <Tag color="default">已停用</Tag>}
    </span>
  );
}

const leaderLabel = (l: THqLeader) => `${l.displayName}(${l.username})${l.unitName ? ` · ${l.unitName}` : ''}`;

export function HqPanel({ hq, units, canWrite }: { hq: TOrgUnit; units: TOrgUnit[]; canWrite: boolean }) {
  const detail = useQuery({
    queryKey: hqKey(hq.id),
    queryFn: () => api.get<THqDetail>(`/api/v1/org/hqs/${hq.id}`),
  });
  const [editing, setEditing] = useState<'leaders' | 'members' | null>(null);

  if (detail.isError) return <LoadError error={detail.error} onRetry={() => detail.refetch()} />;
  const d = detail.data;
  const columns = [
    {
      title: '成员单位',
      dataIndex: 'name',
      render: (name: string, m: THqMember) => (
        <Space size={6}>
          <span>{name}</span>
          {m.isLead && <Tag color="red">牵头单位</Tag>}
        </Space>
      ),
    },
    { title: '类型', dataIndex: 'type', width: 90, render: (t: THqMember['type']) => <UnitTypeTag type={t} /> },
    {
      title: '编码',
      dataIndex: 'code',
      width: 160,
      render: (c: string) => <Typography.Text type="secondary">{c}</Typography.Text>,
    },
  ];
  return (
    <Card
      title={
        <span>
          <CrownOutlined /> 指挥部设置
        </span>
      }
      variant="borderless"
      loading={detail.isPending}
      style={{ marginTop: 16 }}
      data-testid="hq-panel"
    >
      {d && (
        <>
          <Descriptions
            bordered
            size="small"
            column={1}
            items={[
              {
                key: 'commander',
                label: '指挥长',
                children: d.commander ? (
                  <LeaderText l={d.commander} />
                ) : (
                  <Typography.Text type="secondary">未设置</Typography.Text>
                ),
              },
              {
                key: 'deputies',
                label: '副指挥长',
                children:
                  d.deputies.length > 0 ? (
                    <Space orientation="vertical" size={2}>
                      {d.deputies.map((l) => (
                        <LeaderText key={l.userId} l={l} />
                      ))}
                    </Space>
                  ) : (
                    <Typography.Text type="secondary">未设置</Typography.Text>
                  ),
              },
            ]}
          />
          {canWrite && (
            <Space style={{ margin: '12px 0 20px' }}>
              <Button icon={<EditOutlined />} onClick={() => setEditing('leaders')}>
                设置指挥长/副指挥长
              </Button>
              <Button icon={<TeamOutlined />} onClick={() => setEditing('members')}>
                设置成员单位
              </Button>
            </Space>
          )}
          <Table<THqMember>
            rowKey="unitId"
            size="small"
            columns={columns}
            dataSource={d.members}
            pagination={false}
            style={{ marginTop: canWrite ? 0 : 16 }}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无成员单位" /> }}
          />
          {canWrite && (
            <>
              <LeadersModal hq={d} open={editing === 'leaders'} onClose={() => setEditing(null)} />
              <MembersModal hq={d} units={units} open={editing === 'members'} onClose={() => setEditing(null)} />
            </>
          )}
        </>
      )}
    </Card>
  );
}

function useHqSaved(id: string, onClose: () => void) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  return (d: THqDetail) => {
    queryClient.setQueryData(hqKey(id), d);
    queryClient.invalidateQueries({ queryKey: ['org', 'overview'] });
    message.success(`已保存「${d.name}」的设置`);
    onClose();
  };
}

function LeadersModal({ hq, open, onClose }: { hq: THqDetail; open: boolean; onClose: () => void }) {
  const [form] = Form.useForm<{ commanderId: string | null; deputyIds: string[] }>();
  const done = useHqSaved(hq.id, onClose);
  const save = useMutation({
    mutationFn: (body: TSetHqLeaders) => api.put<THqDetail>(`/api/v1/org/hqs/${hq.id}/leaders`, body),
    onSuccess: done,
  });
  const known = useMemo(
    () =>
      [...(hq.commander ? [hq.commander] : []), ...hq.deputies].map((l) => ({ id: l.userId, label: leaderLabel(l) })),
    [hq],
  );
  return (
    <Modal
      title={`设置指挥长/副指挥长:${hq.name}`}
      open={open}
      onCancel={() => {
        save.reset();
        onClose();
      }}
      onOk={() => form.submit()}
      okText="保存"
      confirmLoading={save.isPending}
      destroyOnHidden
      width={560}
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ commanderId: hq.commander?.userId ?? null, deputyIds: hq.deputies.map((d) => d.userId) }}
        onFinish={(v) => save.mutate({ commanderId: v.commanderId ?? null, deputyIds: v.deputyIds ?? [] })}
      >
        <Form.Item label="指挥长" name="commanderId" extra="留空表示暂未设置">
          <PeopleSelect known={known} />
        </Form.Item>
        <Form.Item
          label="副指挥长"
          name="deputyIds"
          dependencies={['commanderId']}
          rules={[
            ({ getFieldValue }) => ({
              validator: (_r, v: string[] | undefined) =>
                v?.includes(getFieldValue('commanderId'))
                  ? Promise.reject(new Error('指挥长不能同时担任副指挥长'))
                  : Promise.resolve(),
            }),
          ]}
          extra="可选多人,按选择顺序排列,最多 10 人"
        >
          <PeopleSelect multiple known={known} />
        </Form.Item>
      </Form>
      {save.isError && <ErrorAlert error={save.error} />}
    </Modal>
  );
}

function MembersModal({
  hq,
  units,
  open,
  onClose,
}: {
  hq: THqDetail;
  units: TOrgUnit[];
  open: boolean;
  onClose: () => void;
}) {
  const [form] = Form.useForm<{ unitIds: string[]; leadId?: string | null }>();
  const chosen = Form.useWatch('unitIds', form) ?? [];
  const done = useHqSaved(hq.id, onClose);
  const save = useMutation({
    mutationFn: (body: TSetHqMembers) => api.put<THqDetail>(`/api/v1/org/hqs/${hq.id}/members`, body),
    onSuccess: done,
  });
  const candidates = units
    .filter((u) => HQ_MEMBER_TYPES.includes(u.type))
    .map((u) => ({ value: u.id, label: `${u.name}(${UNIT_TYPE_LABELS[u.type]})` }));
  return (
    <Modal
      title={`设置成员单位:${hq.name}`}
      open={open}
      onCancel={() => {
        save.reset();
        onClose();
      }}
      onOk={() => form.submit()}
      okText="保存"
      confirmLoading={save.isPending}
      destroyOnHidden
      width={620}
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{
          unitIds: hq.members.map((m) => m.unitId),
          leadId: hq.members.find((m) => m.isLead)?.unitId ?? null,
        }}
        onValuesChange={(changed, all) => {
          if ('unitIds' in changed && all.leadId && !all.unitIds?.includes(all.leadId))
            form.setFieldValue('leadId', null);
        }}
        onFinish={(v) =>
          save.mutate({ members: (v.unitIds ?? []).map((unitId) => ({ unitId, isLead: unitId === v.leadId })) })
        }
      >
        <Form.Item
          label="成员单位"
          name="unitIds"
          extra={`可选:${HQ_MEMBER_TYPES.map((t) => UNIT_TYPE_LABELS[t]).join('、')};成员单位及其下级进入指挥长的数据范围`}
        >
          <Select
            mode="multiple"
            options={candidates}
            showSearch={{ optionFilterProp: 'label' }}
            placeholder="选择单位"
            maxCount={200}
          />
        </Form.Item>
        <Form.Item label="牵头单位" name="leadId" extra="至多一个,须为成员单位之一">
          <Select
            allowClear
            placeholder="选择牵头单位"
            options={candidates.filter((c) => chosen.includes(c.value))}
            showSearch={{ optionFilterProp: 'label' }}
          />
        </Form.Item>
      </Form>
      {save.isError && <ErrorAlert error={save.error} />}
    </Modal>
  );
}

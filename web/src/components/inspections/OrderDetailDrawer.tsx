/** One rectification order: its content, follow-up, enforcement records (items, returns) and the .docx download. */
import { FileWordOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Drawer, Empty, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import {
  ENFORCEMENT_KIND_LABELS,
  RETURN_STATE_LABELS,
  type TEnforcement,
  type TOrder,
  type TOrderDetail,
} from '../../../../common/inspections.ts';
import { formatDateTime } from '../../format.ts';
import { useSession } from '../../session.tsx';
import { errorMessage } from '../ErrorAlert.tsx';
import { LoadError, PageLoading } from '../QueryState.tsx';
import { downloadOrderDocx, useOrder } from './inspectionsApi.ts';
import { EnforcementModal, FollowUpModal, ReturnModal } from './OrderActionModals.tsx';
import { OrderStatusTag } from './OrderStatusTag.tsx';

export function useDocxDownload() {
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const download = async (o: Pick<TOrder, 'id' | 'number'>) => {
    setBusy(o.id);
    try {
      await downloadOrderDocx(o.id, `责令改正通知书-${o.number}.docx`);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };
  return { busy, download };
}

function EnforcementCard({ rec, canWrite, onReturn }: { rec: TEnforcement; canWrite: boolean; onReturn: () => void }) {
  const returnable = rec.kind === 'seizure' && rec.returnState !== 'full';
  return (
    <Card
      size="small"
      title={
        <Space size={8}>
          <Tag color={rec.kind === 'seizure' ? 'volcano' : 'purple'}>{ENFORCEMENT_KIND_LABELS[rec.kind]}</Tag>
          <Typography.Text type="secondary">
            {formatDateTime(rec.takenAt)} · {rec.takenByName ?? '—'}
          </Typography.Text>
        </Space>
      }
      extra={
        rec.kind === 'seizure' ? (
          <Space size={8}>
            <Tag color={rec.returnState === 'full' ? 'green' : rec.returnState === 'partial' ? 'gold' : 'default'}>
              {RETURN_STATE_LABELS[rec.returnState]}
            </Tag>
            {canWrite && returnable && (
              <Button size="small" onClick={onReturn}>
                退还物品
              </Button>
            )}
          </Space>
        ) : undefined
      }
      style={{ marginBottom: 12 }}
    >
      {rec.items.length > 0 && (
        <Table
          size="small"
          pagination={false}
          rowKey="name"
          dataSource={rec.items}
          columns={[
            { title: '物品', dataIndex: 'name' },
            { title: '数量', key: 'q', width: 110, render: (_v, i) => `${i.quantity} ${i.unit}` },
            ...(rec.kind === 'seizure'
              ? [
                  {
                    title: '已退还',
                    key: 'r',
                    width: 110,
                    render: (_v: unknown, i: TEnforcement['items'][number]) => (
                      <Typography.Text type={i.returnedQuantity >= i.quantity ? 'success' : undefined}>
                        {i.returnedQuantity} {i.unit}
                      </Typography.Text>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {rec.note && <Typography.Paragraph style={{ margin: '8px 0 0' }}>{rec.note}</Typography.Paragraph>}
      {rec.returnedAt && (
        <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
          最近退还:{formatDateTime(rec.returnedAt)},领回人 {rec.returnedTo}
        </Typography.Text>
      )}
    </Card>
  );
}

function Body({ order }: { order: TOrderDetail }) {
  const { can } = useSession();
  const canWrite = can('inspections.write');
  const { busy, download } = useDocxDownload();
  const [followUp, setFollowUp] = useState<TOrderDetail | null>(null);
  const [enforce, setEnforce] = useState<TOrderDetail | null>(null);
  const [returning, setReturning] = useState<TEnforcement | null>(null);
  const p = order.party;
  const canFollowUp = canWrite && (order.status === 'issued' || order.status === 'not_complied');
  return (
    <>
      <Space wrap style={{ marginBottom: 16 }}>
        <Button
          type="primary"
          icon={<FileWordOutlined />}
          loading={busy === order.id}
          onClick={() => download(order)}
          data-testid="order-docx"
        >
          下载通知书 (.docx)
        </Button>
        {canFollowUp && <Button onClick={() => setFollowUp(order)}>复查</Button>}
        {canWrite && order.status === 'not_complied' && (
          <Button danger onClick={() => setEnforce(order)}>
            采取强制措施
          </Button>
        )}
      </Space>
      <Descriptions
        column={2}
        size="small"
        bordered
        items={[
          { key: 'party', label: '当事人', children: p.name, span: 2 },
          { key: 'licence', label: '统一社会信用代码', children: p.licenceNo ?? '—' },
          {
            key: 'contact',
            label: '联系人/电话',
            children: [p.contact, p.phone].filter(Boolean).join(' ') || '—',
          },
          { key: 'address', label: '地址', children: p.address, span: 2 },
          {
            key: 'facts',
            label: '违法事实',
            span: 2,
            children: <Typography.Paragraph style={{ margin: 0 }}>{order.facts}</Typography.Paragraph>,
          },
          { key: 'basis', label: '法律依据', children: order.legalBasis, span: 2 },
          {
            key: 'actions',
            label: '整改要求',
            span: 2,
            children: (
              <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-line' }}>
                {order.requiredActions}
              </Typography.Paragraph>
            ),
          },
          {
            key: 'deadline',
            label: '整改期限',
            children: (
              <Space size={6}>
                {formatDateTime(order.deadline)}
                {order.overdue && <Tag color="red">已逾期待复查</Tag>}
              </Space>
            ),
          },
          { key: 'unit', label: '下达单位', children: order.issuingUnitName },
          {
            key: 'issued',
            label: '下达',
            children: `${formatDateTime(order.issuedAt)} ${order.issuedByName ?? ''}`,
          },
          { key: 'case', label: '关联案件', children: order.caseNumber ?? '—' },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        复查
      </Typography.Title>
      {order.followUp ? (
        <Card size="small">
          <Space size={8} wrap>
            <OrderStatusTag status={order.followUp.result === 'complied' ? 'complied' : 'not_complied'} />
            <Typography.Text type="secondary">
              {formatDateTime(order.followUp.at)} · {order.followUp.byName ?? '—'}
            </Typography.Text>
            {order.followUp.photos.length > 0 && <Tag>照片 {order.followUp.photos.length} 张</Tag>}
          </Space>
          {order.followUp.note && (
            <Typography.Paragraph style={{ margin: '8px 0 0' }}>{order.followUp.note}</Typography.Paragraph>
          )}
        </Card>
      ) : (
        <Typography.Text type="secondary">尚未复查</Typography.Text>
      )}
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        强制措施
      </Typography.Title>
      {order.enforcements.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="无" />
      ) : (
        order.enforcements.map((r) => (
          <EnforcementCard key={r.id} rec={r} canWrite={canWrite} onReturn={() => setReturning(r)} />
        ))
      )}
      <FollowUpModal order={followUp} onClose={() => setFollowUp(null)} />
      <EnforcementModal order={enforce} onClose={() => setEnforce(null)} />
      <ReturnModal record={returning} onClose={() => setReturning(null)} />
    </>
  );
}

export function OrderDetailDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const order = useOrder(id);
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size={760}
      destroyOnHidden
      title={
        order.data ? (
          <Space size={8} wrap>
            <span>{order.data.number}</span>
            <OrderStatusTag status={order.data.status} />
          </Space>
        ) : (
          '责令改正通知书'
        )
      }
    >
      {order.isPending ? (
        <PageLoading />
      ) : order.isError ? (
        <LoadError error={order.error} onRetry={() => order.refetch()} />
      ) : (
        <Body order={order.data} />
      )}
    </Drawer>
  );
}

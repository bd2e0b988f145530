/**
 * /channels: outbound notification channels (WeCom/DingTalk group robots, signed webhook, SMS gateway).
 * Create and edit (secrets are write-only: shown masked, left blank to keep), send a test message, and
 * look at a channel's deliveries: state, attempts, last error, batches.
 */
import {
  DeleteOutlined,
  EditOutlined,
  HistoryOutlined,
  PlusOutlined,
  ReloadOutlined,
  SendOutlined,
} from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Drawer,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Radio,
  Row,
  Segmented,
  Select,
  Space,
  Switch,
  Table,
  type TableColumnsType,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { type ReactNode, useState } from 'react';
import {
  CHANNEL_KIND_LABELS,
  CHANNEL_KINDS,
  DEFAULT_RATE_PER_MINUTE,
  DELIVERY_STATUS_LABELS,
  eventLabel,
  NOTIFICATION_EVENT_LABELS,
  NOTIFICATION_EVENTS,
  type TChannel,
  type TChannelKind,
  type TCreateChannel,
  type TDelivery,
  type TDeliveryStatus,
  type TNotificationEvent,
  type TUpdateChannel,
} from '../../../common/notifications.ts';
import { api } from '../api.ts';
import { ErrorAlert, errorMessage } from '../components/ErrorAlert.tsx';
import { applyFieldErrors } from '../components/formErrors.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError, PageLoading } from '../components/QueryState.tsx';
import { UnitTreeSelect } from '../components/UnitTreeSelect.tsx';
import { formatDateTime } from '../format.ts';

const CHANNELS_KEY = ['notification-channels'] as const;

const KIND_COLORS: Record<TChannelKind, string> = {
  wecom: 'green',
  dingtalk: 'blue',
  webhook: 'purple',
  sms: 'orange',
};

const URL_PLACEHOLDER: Record<TChannelKind, string> = {
  wecom: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…',
  dingtalk: 'https://oapi.dingtalk.com/robot/send?access_token=…',
  webhook: 'https://example.gov.cn/hooks/gridcommand',
  sms: 'https://sms-gateway.example.gov.cn/api/send',
};

const URL_HELP: Record<TChannelKind, string> = {
  wecom: '在企业微信群 → 群机器人 中复制 Webhook 地址(含 key)',
  dingtalk: '在钉钉群 → 智能群助手 → 自定义机器人 中复制 Webhook 地址(含 access_token)',
  webhook: '以 POST 推送 JSON,请求头 X-GridCommand-Signature 为正文的 HMAC-SHA256 签名',
  sms: '短信网关的 HTTP 接口地址',
};

const SECRET_LABEL: Record<TChannelKind, string> = {
  wecom: '密钥',
  dingtalk: '加签密钥',
  webhook: '签名密钥',
  sms: '网关密钥',
};

const DEFAULT_SMS_TEMPLATE = '{"mobile":"{phone}","content":"{text}","apiKey":"{secret}"}';

const STATUS_COLORS: Record<TDeliveryStatus, string> = {
  queued: 'processing',
  sent: 'success',
  batched: 'cyan',
  failed: 'error',
};

export function ChannelsPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<TChannel | 'new' | null>(null);
  const [deliveriesOf, setDeliveriesOf] = useState<TChannel | null>(null);

  const channels = useQuery({
    queryKey: CHANNELS_KEY,
    queryFn: () => api.get<{ items: TChannel[] }>('/api/v1/notification-channels'),
    select: (d) => d.items,
  });

  const refresh = () => queryClient.invalidateQueries({ queryKey: CHANNELS_KEY });
  const test = useMutation({
    mutationFn: (c: TChannel) => api.post<{ deliveryId: string }>(`/api/v1/notification-channels/${c.id}/test`),
    onSuccess: (_r, c) => {
      message.success('测试消息已加入发送队列');
      refresh();
      setDeliveriesOf(c);
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const remove = useMutation({
    mutationFn: (c: TChannel) => api.delete<unknown>(`/api/v1/notification-channels/${c.id}`),
    onSuccess: () => {
      message.success('渠道已删除');
      refresh();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const toggle = useMutation({
    mutationFn: (v: { c: TChannel; enabled: boolean }) =>
      api.patch<TChannel>(`/api/v1/notification-channels/${v.c.id}`, { enabled: v.enabled }),
    onSuccess: (_r, v) => {
      message.success(v.enabled ? '渠道已启用' : '渠道已停用');
      refresh();
    },
    onError: (e) => message.error(errorMessage(e)),
  });

  const columns: TableColumnsType<TChannel> = [
    {
      title: '名称',
      dataIndex: 'name',
      width: 190,
      render: (v: string, c) => (
        <Space orientation="vertical" size={4}>
          <Typography.Text strong>{v}</Typography.Text>
          <Space size={8}>
            <Tag color={KIND_COLORS[c.kind]} style={{ marginInlineEnd: 0 }}>
              {CHANNEL_KIND_LABELS[c.kind]}
            </Tag>
            <Tooltip title={c.enabled ? '已启用,点击停用' : '已停用,点击启用'}>
              <Switch
                size="small"
                checked={c.enabled}
                aria-label="启用"
                loading={toggle.isPending && toggle.variables?.c.id === c.id}
                onChange={(enabled) => toggle.mutate({ c, enabled })}
              />
            </Tooltip>
          </Space>
        </Space>
      ),
    },
    {
      title: '接收范围',
      key: 'scope',
      width: 140,
      render: (_v, c) => (
        <Space orientation="vertical" size={2}>
          <span>{c.unitName ?? '全区(所有单位)'}</span>
          {c.unitId && c.includeSubunits && <Tag>含下级单位</Tag>}
        </Space>
      ),
    },
    {
      title: '事件',
      dataIndex: 'events',
      width: 120,
      render: (events: TNotificationEvent[]) =>
        events.length === 0 ? (
          <Typography.Text type="secondary">全部事件</Typography.Text>
        ) : (
          <span className="gc-tags">
            {events.map((e) => (
              <Tag key={e}>{NOTIFICATION_EVENT_LABELS[e]}</Tag>
            ))}
          </span>
        ),
    },
    {
      title: '地址',
      key: 'url',
      width: 210,
      render: (_v, c) => (
        <Space orientation="vertical" size={2}>
          <Typography.Text code style={{ wordBreak: 'break-all' }}>
            {c.urlMasked}
          </Typography.Text>
          {c.secretMasked && (
            <Typography.Text type="secondary">
              {SECRET_LABEL[c.kind]}:{c.secretMasked}
            </Typography.Text>
          )}
          {c.kind === 'sms' && <Typography.Text type="secondary">{c.phones.length} 个手机号</Typography.Text>}
        </Space>
      ),
    },
    { title: '频率', dataIndex: 'ratePerMinute', width: 90, render: (v: number) => `${v} 条/分钟` },
    {
      title: '投递',
      key: 'stats',
      width: 150,
      render: (_v, c) => (
        <Space orientation="vertical" size={2}>
          <span>24 小时内已发 {c.stats.sentLastDay}</span>
          <Space size={4} wrap>
            {c.stats.queued > 0 && <Tag color="processing">待发送 {c.stats.queued}</Tag>}
            {c.stats.failed > 0 && <Tag color="error">失败 {c.stats.failed}</Tag>}
          </Space>
          {c.stats.lastSentAt && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              最近 {formatDateTime(c.stats.lastSentAt)}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: '操作',
      key: 'actions',
      width: 200,
      fixed: 'right',
      render: (_v, c) => (
        <Space size={0} wrap>
          <Tooltip title={c.enabled ? '发送一条测试消息' : '请先启用渠道'}>
            <Button
              type="link"
              size="small"
              icon={<SendOutlined />}
              disabled={!c.enabled}
              loading={test.isPending && test.variables?.id === c.id}
              onClick={() => test.mutate(c)}
            >
              测试
            </Button>
          </Tooltip>
          <Button type="link" size="small" icon={<HistoryOutlined />} onClick={() => setDeliveriesOf(c)}>
            记录
          </Button>
          <Tooltip title="编辑">
            <Button type="link" size="small" icon={<EditOutlined />} aria-label="编辑" onClick={() => setEditing(c)} />
          </Tooltip>
          <Popconfirm
            title="删除该渠道?"
            description="其投递记录将一并删除。若只是暂停发送,请停用渠道。"
            okText="删除"
            okButtonProps={{ danger: true }}
            onConfirm={() => remove.mutateAsync(c).catch(() => undefined)}
          >
            <Button type="link" size="small" danger icon={<DeleteOutlined />} aria-label="删除" />
          </Popconfirm>
        </Space>
      ),
    },
  ];

  let body: ReactNode;
  if (channels.isPending) body = <PageLoading />;
  else if (channels.isError) body = <LoadError error={channels.error} onRetry={() => channels.refetch()} />;
  else
    body = (
      <Card variant="borderless">
        <Table<TChannel>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={channels.data}
          scroll={{ x: 1100 }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (n) => `共 ${n} 个` }}
          rowClassName={(c) => (c.enabled ? '' : 'gc-row-muted')}
          locale={{
            emptyText: (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无通知渠道:新建一个单位工作群机器人试试" />
            ),
          }}
        />
      </Card>
    );

  return (
    <div className="gc-page">
      <PageHeader
        title="通知渠道"
        description="派遣、超期、返工、督办等通知除站内消息外,还可推送到单位工作群(企业微信、钉钉)、业务系统或短信"
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={() => channels.refetch()} loading={channels.isFetching}>
              刷新
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              新建渠道
            </Button>
          </>
        }
      />
      {body}
      <ChannelModal editing={editing} onClose={() => setEditing(null)} />
      <DeliveriesDrawer channel={deliveriesOf} onClose={() => setDeliveriesOf(null)} />
    </div>
  );
}

// ---- create / edit ----

interface Values {
  kind: TChannelKind;
  name: string;
  unitId: string | null;
  includeSubunits: boolean;
  events: TNotificationEvent[];
  url?: string;
  secret?: string;
  ratePerMinute: number;
  enabled: boolean;
  format: 'markdown' | 'text';
  phones: string[];
  method: 'POST' | 'PUT';
  bodyTemplate: string;
}

const FIELDS = [
  'kind',
  'name',
  'unitId',
  'includeSubunits',
  'events',
  'url',
  'secret',
  'ratePerMinute',
  'enabled',
  'format',
  'phones',
  'method',
  'bodyTemplate',
] as const;

function ChannelModal({ editing, onClose }: { editing: TChannel | 'new' | null; onClose: () => void }) {
  const channel = editing === 'new' ? null : editing;
  return (
    <Modal
      title={channel ? `编辑通知渠道:${channel.name}` : '新建通知渠道'}
      open={editing !== null}
      onCancel={onClose}
      footer={null}
      destroyOnHidden
      mask={{ closable: false }}
      width={720}
    >
      {editing !== null && <ChannelForm key={channel?.id ?? 'new'} channel={channel} onClose={onClose} />}
    </Modal>
  );
}

function ChannelForm({ channel, onClose }: { channel: TChannel | null; onClose: () => void }) {
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [errorOnFields, setErrorOnFields] = useState(false);
  const kind = (Form.useWatch('kind', form) ?? channel?.kind ?? 'wecom') as TChannelKind;
  const unitId = Form.useWatch('unitId', form) as string | null | undefined;

  const save = useMutation({
    mutationFn: (body: TCreateChannel | TUpdateChannel) =>
      channel
        ? api.patch<TChannel>(`/api/v1/notification-channels/${channel.id}`, body)
        : api.post<TChannel>('/api/v1/notification-channels', body),
    onSuccess: () => {
      message.success(channel ? '渠道已保存' : '渠道已创建');
      queryClient.invalidateQueries({ queryKey: CHANNELS_KEY });
      onClose();
    },
    onError: (e) => setErrorOnFields(applyFieldErrors(form, e, FIELDS)),
  });

  const onFinish = (v: Values) => {
    const common = {
      name: v.name.trim(),
      unitId: v.unitId ?? null,
      includeSubunits: v.unitId ? v.includeSubunits : false,
      events: v.events,
      ratePerMinute: v.ratePerMinute,
      enabled: v.enabled,
      ...(v.kind === 'wecom' ? { format: v.format } : {}),
      ...(v.kind === 'sms' ? { phones: v.phones, method: v.method, bodyTemplate: v.bodyTemplate } : {}),
    };
    // Blank url/secret on an edit: keep what is stored (the server never sends them back).
    const url = v.url?.trim() ? v.url.trim() : undefined;
    const secret = v.secret?.trim() ? v.secret.trim() : undefined;
    if (channel) save.mutate({ ...common, ...(url ? { url } : {}), ...(secret ? { secret } : {}) });
    else save.mutate({ kind: v.kind, ...common, url: url ?? '', ...(secret ? { secret } : {}) });
  };

  const initial: Values = channel
    ? {
        kind: channel.kind,
        name: channel.name,
        unitId: channel.unitId,
        includeSubunits: channel.includeSubunits,
        events: channel.events,
        ratePerMinute: channel.ratePerMinute,
        enabled: channel.enabled,
        format: channel.format,
        phones: channel.phones,
        method: channel.method,
        bodyTemplate: channel.bodyTemplate ?? DEFAULT_SMS_TEMPLATE,
      }
    : {
        kind: 'wecom',
        name: '',
        unitId: null,
        includeSubunits: true,
        events: [],
        ratePerMinute: DEFAULT_RATE_PER_MINUTE,
        enabled: true,
        format: 'markdown',
        phones: [],
        method: 'POST',
        bodyTemplate: DEFAULT_SMS_TEMPLATE,
      };

  const secretRequired = !channel && kind === 'webhook';
  return (
    <Form<Values> form={form} layout="vertical" initialValues={initial} onFinish={onFinish} requiredMark="optional">
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item label="渠道类型" name="kind" rules={[{ required: true }]}>
            <Select
              disabled={channel !== null}
              options={CHANNEL_KINDS.map((k) => ({ value: k, label: CHANNEL_KIND_LABELS[k] }))}
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            label="名称"
            name="name"
            rules={[{ required: true, whitespace: true, message: '请输入渠道名称' }, { max: 64 }]}
          >
            <Input maxLength={64} placeholder="如:明湖办事处工作群" />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={16}>
          <Form.Item label="接收单位" name="unitId" extra="不选则接收全区所有通知(按事件过滤)">
            <UnitTreeSelect placeholder="全区(所有单位)" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item label="含下级单位" name="includeSubunits" valuePropName="checked">
            <Switch disabled={!unitId} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item label="事件" name="events" extra="不选则接收全部事件">
        <Select
          mode="multiple"
          allowClear
          placeholder="全部事件"
          options={NOTIFICATION_EVENTS.map((e) => ({ value: e, label: NOTIFICATION_EVENT_LABELS[e] }))}
        />
      </Form.Item>
      <Form.Item
        label="Webhook 地址"
        name="url"
        extra={channel ? `当前:${channel.urlMasked}(留空则保持不变)` : URL_HELP[kind]}
        rules={[
          { required: !channel, whitespace: true, message: '请输入地址' },
          { pattern: /^https?:\/\/\S+$/i, message: '请输入 http:// 或 https:// 开头的地址' },
        ]}
      >
        <Input placeholder={channel ? '留空则保持不变' : URL_PLACEHOLDER[kind]} autoComplete="off" />
      </Form.Item>
      {kind !== 'wecom' && (
        <Form.Item
          label={SECRET_LABEL[kind]}
          name="secret"
          extra={
            channel?.secretMasked
              ? `已设置(${channel.secretMasked}),留空则保持不变`
              : kind === 'dingtalk'
                ? '机器人安全设置选择“加签”时显示的 SEC 开头的字符串'
                : kind === 'webhook'
                  ? '接收方用它校验 X-GridCommand-Signature'
                  : '可在请求体模板中以 {secret} 引用'
          }
          rules={[{ required: secretRequired, whitespace: true, message: '请输入签名密钥' }, { max: 512 }]}
        >
          <Input.Password autoComplete="new-password" placeholder={channel?.secretMasked ?? ''} />
        </Form.Item>
      )}
      {kind === 'wecom' && (
        <Form.Item label="消息格式" name="format">
          <Radio.Group
            options={[
              { value: 'markdown', label: 'Markdown' },
              { value: 'text', label: '纯文本' },
            ]}
          />
        </Form.Item>
      )}
      {kind === 'sms' && (
        <>
          <Form.Item
            label="接收手机号"
            name="phones"
            rules={[{ required: true, type: 'array', min: 1, message: '请至少填写一个手机号' }]}
          >
            <Select mode="tags" tokenSeparators={[',', ',', ' ']} placeholder="输入手机号后回车" open={false} />
          </Form.Item>
          <Row gutter={16}>
            <Col span={6}>
              <Form.Item label="请求方法" name="method">
                <Radio.Group options={['POST', 'PUT']} />
              </Form.Item>
            </Col>
            <Col span={18}>
              <Form.Item
                label="请求体模板(JSON)"
                name="bodyTemplate"
                extra="占位符:{phone} 手机号,{text} 短信内容,{secret} 网关密钥;每个手机号发送一次"
                rules={[{ required: true, message: '请输入请求体模板' }]}
              >
                <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} style={{ fontFamily: 'monospace' }} />
              </Form.Item>
            </Col>
          </Row>
        </>
      )}
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item
            label="每分钟最多发送"
            name="ratePerMinute"
            extra="群机器人为 20 条;超出时自动合并为摘要消息"
            rules={[{ required: true, type: 'integer', min: 1, max: 600, message: '1–600 条' }]}
          >
            <InputNumber min={1} max={600} precision={0} suffix="条" style={{ width: 160 }} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item label="启用" name="enabled" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
      </Row>
      {save.isError && !errorOnFields && <ErrorAlert error={save.error} />}
      <div className="gc-modal-footer" style={{ display: 'flex', justifyContent: 'flex-end', gap: 8, marginTop: 8 }}>
        <Button onClick={onClose}>取消</Button>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {channel ? '保存' : '创建'}
        </Button>
      </div>
    </Form>
  );
}

// ---- deliveries ----

interface DeliveryPage {
  items: TDelivery[];
  total: number;
  page: number;
  pageSize: number;
}

function DeliveriesDrawer({ channel, onClose }: { channel: TChannel | null; onClose: () => void }) {
  const [status, setStatus] = useState<TDeliveryStatus | 'all'>('all');
  const [page, setPage] = useState(1);
  const deliveries = useQuery({
    queryKey: [...CHANNELS_KEY, channel?.id, 'deliveries', { status, page }],
    queryFn: () =>
      api.get<DeliveryPage>(`/api/v1/notification-channels/${channel?.id}/deliveries`, {
        status: status === 'all' ? undefined : status,
        page,
        pageSize: 20,
      }),
    enabled: channel !== null,
    placeholderData: keepPreviousData,
    // While something waits, watch it go out.
    refetchInterval: (q) => (q.state.data?.items.some((d) => d.status === 'queued') ? 3000 : false),
  });

  const columns: TableColumnsType<TDelivery> = [
    { title: '创建时间', dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
    { title: '事件', dataIndex: 'event', width: 86, render: (v: string) => <Tag>{eventLabel(v)}</Tag> },
    { title: '标题', dataIndex: 'title', ellipsis: true },
    {
      title: '状态',
      dataIndex: 'status',
      width: 150,
      render: (v: TDeliveryStatus, d) => (
        <Space orientation="vertical" size={2}>
          <Tag color={STATUS_COLORS[v]} style={{ marginInlineEnd: 0 }}>
            {DELIVERY_STATUS_LABELS[v]}
          </Tag>
          {d.batchSize !== null && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              合并 {d.batchSize} 条
            </Typography.Text>
          )}
          {v === 'queued' && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              下次 {formatDateTime(d.nextAttemptAt).slice(5)}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: '尝试', dataIndex: 'attempts', width: 60 },
    {
      title: '发送时间',
      dataIndex: 'sentAt',
      width: 150,
      render: (v: string | null, d) => (d.status === 'sent' || d.status === 'batched' ? formatDateTime(v) : '—'),
    },
    {
      title: '最后错误',
      dataIndex: 'lastError',
      width: 200,
      render: (v: string | null) =>
        v ? (
          <Typography.Text type="danger" ellipsis={{ tooltip: v }} style={{ maxWidth: 200 }}>
            {v}
          </Typography.Text>
        ) : (
          '—'
        ),
    },
  ];

  return (
    <Drawer
      open={channel !== null}
      onClose={() => {
        setStatus('all');
        setPage(1);
        onClose();
      }}
      size={1100}
      destroyOnHidden
      title={channel ? `投递记录:${channel.name}` : '投递记录'}
      extra={
        <Button icon={<ReloadOutlined />} onClick={() => deliveries.refetch()} loading={deliveries.isFetching}>
          刷新
        </Button>
      }
    >
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <Segmented<TDeliveryStatus | 'all'>
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={[
            { value: 'all', label: '全部' },
            ...(['queued', 'sent', 'batched', 'failed'] as const).map((s) => ({
              value: s,
              label: DELIVERY_STATUS_LABELS[s],
            })),
          ]}
        />
        {channel && !channel.enabled && <Alert type="warning" showIcon title="渠道已停用:待发送的消息将在启用后发出" />}
        {deliveries.isError ? (
          <LoadError error={deliveries.error} onRetry={() => deliveries.refetch()} />
        ) : (
          <Table<TDelivery>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={deliveries.data?.items}
            loading={deliveries.isPending}
            pagination={{
              current: page,
              pageSize: 20,
              total: deliveries.data?.total ?? 0,
              hideOnSinglePage: true,
              showTotal: (n) => `共 ${n} 条`,
              onChange: setPage,
            }}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无投递记录" /> }}
          />
        )}
      </Space>
    </Drawer>
  );
}

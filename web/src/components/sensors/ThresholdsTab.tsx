/** The /sites 报警阈值 tab: the tenant's threshold rules; users with sensors.write add, change and switch them. */
import { EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Space, Switch, Table, type TableColumnsType, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { THRESHOLD_RULE_LABELS, type TSiteType, type TThreshold } from '../../../../common/sensors.ts';
import { formatDateTime } from '../../format.ts';
import { useSession } from '../../session.tsx';
import { errorMessage } from '../ErrorAlert.tsx';
import { LoadError } from '../QueryState.tsx';
import { AlertLevelTag, SiteTypeTag } from './sensorFormat.tsx';
import { patchThreshold, SENSORS_KEY, useThresholds } from './sensorsApi.ts';
import { ThresholdFormModal } from './ThresholdFormModal.tsx';

export function ThresholdsTab() {
  const { can } = useSession();
  const canWrite = can('sensors.write');
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const thresholds = useThresholds();
  // `opened` counts openings: the modal is a new component (and form) each time, so no values carry over.
  const [form, setForm] = useState<{ open: boolean; editing: TThreshold | null; opened: number }>({
    open: false,
    editing: null,
    opened: 0,
  });
  const openForm = (editing: TThreshold | null) => setForm((f) => ({ open: true, editing, opened: f.opened + 1 }));

  const toggle = useMutation({
    mutationFn: ({ t, enabled }: { t: TThreshold; enabled: boolean }) => patchThreshold(t.id, { enabled }),
    onSuccess: (t) => {
      message.success(`${t.enabled ? '已启用' : '已停用'}:${t.pollutantName} ${THRESHOLD_RULE_LABELS[t.rule]}`);
      queryClient.invalidateQueries({ queryKey: SENSORS_KEY });
    },
    onError: (e) => message.error(errorMessage(e)),
  });

  const columns: TableColumnsType<TThreshold> = [
    {
      title: '工地类型',
      dataIndex: 'siteType',
      width: 100,
      render: (v: TSiteType | null) => (v ? <SiteTypeTag type={v} /> : <Tag>全部类型</Tag>),
    },
    {
      title: '监测因子',
      dataIndex: 'pollutantName',
      width: 200,
      render: (v: string, t) => (
        <span>
          {v}
          <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 6 }}>
            {t.pollutant}
          </Typography.Text>
        </span>
      ),
    },
    { title: '判定规则', dataIndex: 'rule', width: 140, render: (v: TThreshold['rule']) => THRESHOLD_RULE_LABELS[v] },
    {
      title: '限值',
      dataIndex: 'limit',
      width: 130,
      align: 'right',
      render: (v: number, t) => (
        <span style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
          {v} {t.unit}
        </span>
      ),
    },
    {
      title: '连续次数',
      dataIndex: 'consecutive',
      width: 90,
      align: 'center',
      render: (v: number, t) =>
        t.rule === 'consecutive_rtd' ? (
          `${v} 次`
        ) : (
          <Tooltip title="小时均值规则按整点小时判定,不计连续次数">
            <Typography.Text type="secondary">—</Typography.Text>
          </Tooltip>
        ),
    },
    {
      title: '级别',
      dataIndex: 'level',
      width: 80,
      render: (v: TThreshold['level']) => <AlertLevelTag level={v} kind="breach" />,
    },
    {
      title: '启用',
      dataIndex: 'enabled',
      width: 80,
      render: (v: boolean, t) => (
        <Switch
          size="small"
          checked={v}
          disabled={!canWrite}
          aria-label="启用"
          loading={toggle.isPending && toggle.variables?.t.id === t.id}
          onChange={(enabled) => toggle.mutate({ t, enabled })}
        />
      ),
    },
    { title: '更新时间', dataIndex: 'updatedAt', width: 160, render: (v: string) => formatDateTime(v) },
    ...(canWrite
      ? [
          {
            title: '操作',
            key: 'actions',
            width: 90,
            fixed: 'end' as const,
            render: (_: unknown, t: TThreshold) => (
              <Button
                type="link"
                size="small"
                icon={<EditOutlined />}
                onClick={() => openForm(t)}
                data-testid={`threshold-edit-${t.id}`}
              >
                编辑
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Alert
        type="info"
        showIcon
        title="阈值对全区同类工地统一适用"
        description="「全部类型」的阈值适用于所有工地;某类工地自己的阈值替换「全部类型」中监测因子、规则和级别都相同的那一条。预警只记录报警,报警同时生成工地扬尘案件。修改后约 30 秒内对所有监测设备生效。"
      />
      <Space wrap>
        <Button icon={<ReloadOutlined />} onClick={() => thresholds.refetch()} loading={thresholds.isFetching}>
          刷新
        </Button>
        {canWrite && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => openForm(null)} data-testid="threshold-new">
            新增阈值
          </Button>
        )}
      </Space>
      {thresholds.isError ? (
        <LoadError error={thresholds.error} onRetry={() => thresholds.refetch()} />
      ) : (
        <Card variant="borderless" styles={{ body: { padding: 0 } }}>
          <Table<TThreshold>
            rowKey="id"
            size="middle"
            loading={thresholds.isPending}
            columns={columns}
            dataSource={thresholds.data?.items ?? []}
            scroll={{ x: 1000 }}
            rowClassName={(t) => (t.enabled ? '' : 'gc-row-muted')}
            pagination={{ pageSize: 50, hideOnSinglePage: true, showTotal: (n) => `共 ${n} 条阈值` }}
            data-testid="thresholds-table"
            locale={{ emptyText: '尚未设置报警阈值' }}
          />
        </Card>
      )}
      {canWrite && (
        <ThresholdFormModal
          key={form.opened}
          open={form.open}
          editing={form.editing}
          onClose={() => setForm((f) => ({ ...f, open: false }))}
        />
      )}
    </Space>
  );
}

/** The answer of GET /api/v1/routing/explain, laid out as: conclusion, where, what and by when, and why. */
import { ClockCircleOutlined, EnvironmentOutlined, NodeIndexOutlined, TeamOutlined } from '@ant-design/icons';
import { Alert, Card, Descriptions, Empty, Space, Table, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { LIMIT_UNIT_LABELS, SEVERITY_LABELS, type TSeverity } from '../../../../common/categories.ts';
import type { TExplanation } from '../../../../common/routing.ts';
import { formatDateTime, TIME_ZONE } from '../../format.ts';
import { formatLimit } from '../categories/categoryFormat.ts';
import { MATCH_CATEGORY_WORDS, SpecificityTags, VIA_LABELS, ViaTag } from './routingFormat.tsx';

type Responsible = NonNullable<TExplanation['responsible']>;
type Considered = TExplanation['considered'][number];

const CRS_SHORT = { wgs84: 'WGS-84', gcj02: 'GCJ-02', bd09: 'BD-09' } as const;
const DIMENSION_NAMES = ['分类', '区域', '行业', '层级'];
const RANK_WORDS = [
  MATCH_CATEGORY_WORDS,
  ['全区', '办事处', '社区', '网格'],
  ['不限行业', '指定行业'],
  ['不限层级', '指定层级'],
];

const weekdayFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: TIME_ZONE, weekday: 'short' });

/** "2026-04-15 15:00(周三)" in Beijing time. */
export function formatDeadline(iso: string): string {
  const d = new Date(iso);
  return `${formatDateTime(iso).slice(0, 16)}(${weekdayFmt.format(d)})`;
}

function Muted({ children }: { children: ReactNode }) {
  return <Typography.Text type="secondary">{children}</Typography.Text>;
}

function refName(r: { name: string } | null | undefined, none = '—'): ReactNode {
  return r ? r.name : <Muted>{none}</Muted>;
}

/** Why the first rule beat the second: the first dimension in which it is more specific. */
function whyWinner(a: number[], b: number[]): string {
  for (let i = 0; i < DIMENSION_NAMES.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) {
      const words = RANK_WORDS[i] ?? [];
      return `在“${DIMENSION_NAMES[i]}”一项更具体(${words[x] ?? x} > ${words[y] ?? y})${i > 0 ? `,前面各项相同` : ''}`;
    }
  }
  return '两者同样具体';
}

export function ExplainResult({
  e,
  requestedSeverity,
  at,
}: {
  e: TExplanation;
  requestedSeverity: TSeverity;
  at: string | null;
}) {
  const p = e.point;
  const converted = p.crs !== 'wgs84';
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {!e.inside && (
        <Alert
          type="error"
          showIcon
          title={<strong style={{ fontSize: 16 }}>{e.reason ?? '该位置不在本辖区网格范围内'}</strong>}
          description={
            <>
              <div>
                无法确定网格、社区、办事处和属地责任单位{e.category ? ';下面的牵头单位和整改时限仅按分类给出' : ''}。
              </div>
              <div style={{ marginTop: 4 }}>
                <Muted>
                  位置 {CRS_SHORT[p.crs]} {p.lat.toFixed(6)}, {p.lng.toFixed(6)}
                  {converted && `(换算为 WGS-84:${p.wgs84.lat.toFixed(6)}, ${p.wgs84.lng.toFixed(6)})`}
                  。请核对坐标和坐标系是否选对。
                </Muted>
              </div>
            </>
          }
        />
      )}

      {e.inside && <Conclusion e={e} />}

      <Card
        size="small"
        variant="borderless"
        title={
          <span>
            <EnvironmentOutlined /> 位置与属地
          </span>
        }
      >
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2 }}
          items={[
            {
              key: 'pt',
              label: '坐标',
              span: 2,
              children: (
                <span>
                  {CRS_SHORT[p.crs]} 纬度 {p.lat.toFixed(6)},经度 {p.lng.toFixed(6)}
                  {converted && (
                    <Muted>
                      (换算为 WGS-84:{p.wgs84.lat.toFixed(6)}, {p.wgs84.lng.toFixed(6)})
                    </Muted>
                  )}
                </span>
              ),
            },
            {
              key: 'grid',
              label: '网格',
              children: e.grid ? (
                <span>
                  <Typography.Text code>{e.grid.code}</Typography.Text> {e.grid.name}
                </span>
              ) : (
                <Muted>不在任何网格内</Muted>
              ),
            },
            { key: 'leader', label: '网格长', children: refName(e.gridLeader, '未指定') },
            { key: 'community', label: '社区', children: refName(e.community) },
            { key: 'subdistrict', label: '办事处', children: refName(e.subdistrict) },
          ]}
        />
      </Card>

      {e.category && (
        <Card
          size="small"
          variant="borderless"
          title={
            <span>
              <ClockCircleOutlined /> 分类、牵头与整改时限
            </span>
          }
        >
          <Descriptions
            size="small"
            column={{ xs: 1, md: 2 }}
            items={[
              {
                key: 'cat',
                label: '问题分类',
                children: (
                  <span>
                    <Typography.Text code>{e.category.code}</Typography.Text> {e.category.name}{' '}
                    <Tag color="blue">规则第 {e.category.version} 版</Tag>
                  </span>
                ),
              },
              { key: 'hq', label: '牵头指挥部', children: refName(e.hq, '未指定') },
              { key: 'lead', label: '牵头单位', children: refName(e.leadUnit, '未指定') },
              {
                key: 'sev',
                label: '紧急程度',
                children: e.deadline ? (
                  <span>
                    {SEVERITY_LABELS[e.deadline.severity]}
                    {e.deadline.severity !== requestedSeverity && (
                      <Muted>
                        (该分类未设置“{SEVERITY_LABELS[requestedSeverity]}”时限,按“
                        {SEVERITY_LABELS[e.deadline.severity]}”计)
                      </Muted>
                    )}
                  </span>
                ) : (
                  SEVERITY_LABELS[requestedSeverity]
                ),
              },
              {
                key: 'limit',
                label: '整改时限',
                children: e.deadline ? (
                  <span>
                    {formatLimit(e.deadline.limit)} <Muted>({LIMIT_UNIT_LABELS[e.deadline.limit.unit]})</Muted>
                  </span>
                ) : (
                  <Muted>未设置</Muted>
                ),
              },
              {
                key: 'deadline',
                label: '整改期限',
                children: e.deadline ? (
                  <span>
                    <Typography.Text strong style={{ color: '#cf1322' }}>
                      {formatDeadline(e.deadline.at)}
                    </Typography.Text>{' '}
                    <Muted>
                      北京时间,自{at ? ` ${formatDateTime(at).slice(0, 16)} ` : '现在'}起
                      {e.deadline.limit.unit === 'emergency_hours' ? '连续计时' : '按工作日历计算'}
                    </Muted>
                  </span>
                ) : (
                  <Muted>—</Muted>
                ),
              },
            ]}
          />
        </Card>
      )}

      {e.inside && e.category && <Decision responsible={e.responsible} considered={e.considered} />}

      {e.inside && !e.category && <Groups e={e} />}
    </Space>
  );
}

function Conclusion({ e }: { e: TExplanation }) {
  const r = e.responsible;
  return (
    <Card variant="borderless" style={{ borderInlineStart: '4px solid #1e5bb8' }}>
      <Space orientation="vertical" size={6} style={{ width: '100%' }}>
        <Typography.Text type="secondary">
          {e.category ? `“${e.category.name}”问题在此处由` : '未指定分类时,此处问题默认由'}
        </Typography.Text>
        {r ? (
          <Space size={12} wrap align="center">
            <Typography.Title level={3} style={{ margin: 0 }}>
              <TeamOutlined /> {r.unit.name}
            </Typography.Title>
            <Typography.Text style={{ fontSize: 16 }}>
              责任人:{r.person ? <strong>{r.person.name}</strong> : <Muted>未指定</Muted>}
            </Typography.Text>
            <ViaTag via={r.via} />
          </Space>
        ) : (
          <Typography.Title level={4} style={{ margin: 0 }} type="warning">
            无法确定责任单位(没有适用的规则、牵头单位或属地单位)
          </Typography.Title>
        )}
        {e.category && (
          <Typography.Text>
            负责处置;牵头指挥部 <strong>{e.hq?.name ?? '未指定'}</strong>,牵头单位{' '}
            <strong>{e.leadUnit?.name ?? '未指定'}</strong>
            {e.deadline && (
              <>
                ,须于 <strong style={{ color: '#cf1322' }}>{formatDeadline(e.deadline.at)}</strong> 前整改完毕
              </>
            )}
            。
          </Typography.Text>
        )}
        {r && <Typography.Text type="secondary">依据:{VIA_LABELS[r.via].help}</Typography.Text>}
      </Space>
    </Card>
  );
}

function Decision({ responsible, considered }: { responsible: Responsible | null; considered: Considered[] }) {
  const winner = considered[0];
  const second = considered[1];
  return (
    <Card
      size="small"
      variant="borderless"
      title={
        <span>
          <NodeIndexOutlined /> 决定过程:参与比较的规则({considered.length})
        </span>
      }
    >
      {considered.length === 0 ? (
        <Alert
          type="warning"
          showIcon
          title="责任矩阵中没有适用于此处此类问题的规则"
          description={
            responsible
              ? `因此按${VIA_LABELS[responsible.via].text}确定:${responsible.unit.name}。`
              : '也没有牵头单位或属地单位可依。'
          }
        />
      ) : (
        <>
          <Typography.Paragraph>
            {winner && responsible?.rule ? (
              <>
                胜出规则:<Typography.Text strong>{responsible.rule.description}</Typography.Text>
                {second && winner && <Muted>。它比第 2 条{whyWinner(winner.specificity, second.specificity)}。</Muted>}
              </>
            ) : (
              '以下规则适用,最具体的一条胜出。'
            )}
          </Typography.Paragraph>
          <Table<Considered & { rank: number }>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={considered.map((c, i) => ({ ...c, rank: i + 1 }))}
            rowClassName={(c) => (c.rank === 1 ? '' : 'gc-row-muted')}
            columns={[
              { title: '名次', dataIndex: 'rank', width: 64, align: 'center' },
              {
                title: '规则',
                dataIndex: 'description',
                render: (v: string, c) => (c.rank === 1 ? <Typography.Text strong>{v}</Typography.Text> : v),
              },
              {
                title: '具体程度(分类 · 区域 · 行业 · 层级)',
                dataIndex: 'specificity',
                width: 300,
                render: (s: number[]) => <SpecificityTags value={s} match />,
              },
              {
                title: '结果',
                key: 'result',
                width: 80,
                render: (_v, c) => (c.rank === 1 ? <Tag color="success">胜出</Tag> : <Muted>未采用</Muted>),
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}

function Groups({ e }: { e: TExplanation }) {
  const groups = e.groups ?? [];
  return (
    <Card
      size="small"
      variant="borderless"
      title={
        <span>
          <NodeIndexOutlined /> 此处各大类问题的责任单位
        </span>
      }
    >
      {groups.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="没有可列出的大类" />
      ) : (
        <Table
          size="small"
          rowKey="code"
          pagination={false}
          dataSource={groups}
          columns={[
            {
              title: '大类',
              key: 'cat',
              width: 180,
              render: (_v, g) => (
                <span>
                  <Typography.Text code>{g.code}</Typography.Text> {g.name}
                </span>
              ),
            },
            {
              title: '责任单位',
              key: 'unit',
              width: 200,
              render: (_v, g) => <Typography.Text strong>{g.responsible.unit.name}</Typography.Text>,
            },
            {
              title: '责任人',
              key: 'person',
              width: 180,
              render: (_v, g) => refName(g.responsible.person, '未指定'),
            },
            { title: '依据', key: 'via', width: 120, render: (_v, g) => <ViaTag via={g.responsible.via} /> },
            {
              title: '规则',
              key: 'rule',
              render: (_v, g) =>
                g.responsible.rule ? (
                  <Space orientation="vertical" size={2}>
                    <span>{g.responsible.rule.description}</span>
                    <SpecificityTags value={g.responsible.rule.specificity} compact match />
                  </Space>
                ) : (
                  <Muted>—</Muted>
                ),
            },
          ]}
        />
      )}
      {e.considered.length > 0 && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          不分类别时适用的规则:{e.considered.map((c) => c.description).join(';')}
          。选择一个分类可看到完整的比较过程和整改期限。
        </Typography.Paragraph>
      )}
    </Card>
  );
}

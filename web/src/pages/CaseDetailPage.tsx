/**
 * /cases/:id 案件详情: the case at a glance (status, severity, the running clock), where it stands
 * (who, which HQ, which grid, the deadline of every stage and why it was routed there), before/after
 * photos side by side, a small map, the timeline, supervision orders and requests — and a button for
 * each thing this user may do now, straight from the server's `allowed`.
 */
import {
  ArrowLeftOutlined,
  BranchesOutlined,
  ClockCircleOutlined,
  EnvironmentOutlined,
  ReloadOutlined,
  SwapOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  type DescriptionsProps,
  Empty,
  Grid,
  List,
  Row,
  Space,
  Tag,
  Typography,
} from 'antd';
import { lazy, type ReactNode, Suspense, useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import {
  CASE_STAGE_LABELS,
  REQUEST_KIND_LABELS,
  type TCaseDetail,
  type TCreateCaseResponse,
} from '../../../common/cases.ts';
import { CASE_SOURCE_LABELS } from '../../../common/categories.ts';
import {
  DecisionModal,
  ReassignModal,
  RequestModal,
  type TAllowedTransition,
  type TCaseRequest,
  type TRequestKind,
  TransitionModal,
} from '../components/cases/CaseActionModals.tsx';
import { CasePhotos } from '../components/cases/CasePhotos.tsx';
import { CaseTimeline } from '../components/cases/CaseTimeline.tsx';
import { useCaseDetail } from '../components/cases/caseApi.ts';
import { DueTag, dueText, formatDistance, SeverityTag, StatusTag, useNow } from '../components/cases/caseFormat.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError, PageLoading } from '../components/QueryState.tsx';
import { formatDateTime } from '../format.ts';
import '../components/cases/cases.css';

const CasePointMap = lazy(() => import('../components/cases/CasePointMap.tsx'));

const muted = (t = '—') => <Typography.Text type="secondary">{t}</Typography.Text>;

const VIA_WORDS: Record<string, string> = {
  rule: '责任矩阵规则',
  category_lead: '分类牵头单位',
  grid_owner: '网格属地',
  assigned: '登记的责任单位',
};

/**
 * "依据:…" from the routing answer kept at intake ({ via, rule: { description }, note? }; read
 * tolerantly: it is stored as it was at the time).
 */
function routingReason(r: Record<string, unknown>): string | null {
  const via = typeof r.via === 'string' ? r.via : null;
  const rule = r.rule as { description?: unknown } | null | undefined;
  const parts: string[] = [];
  if (via) parts.push(VIA_WORDS[via] ?? via);
  if (rule && typeof rule.description === 'string') parts.push(rule.description);
  else if (typeof r.note === 'string') parts.push(r.note);
  return parts.length ? parts.join(':') : null;
}

const REQUEST_STATUS: Record<string, { text: string; color: string }> = {
  pending: { text: '待决定', color: 'orange' },
  approved: { text: '已批准', color: 'green' },
  rejected: { text: '已驳回', color: 'red' },
  cancelled: { text: '已撤回', color: 'default' },
  expired: { text: '已过期', color: 'default' },
};

const LEVEL_WORDS = ['', '一级督办', '二级督办', '三级督办'];

type Dialog =
  | { kind: 'transition'; transition: TAllowedTransition }
  | { kind: 'request'; requestKind: TRequestKind }
  | { kind: 'decision'; request: TCaseRequest; approve: boolean }
  | { kind: 'reassign' };

function StageDeadlines({ c, now }: { c: TCaseDetail; now: number }) {
  const stages = ['register', 'dispatch', 'handle', 'verify'] as const;
  return (
    <Space orientation="vertical" size={2}>
      {stages.map((s) => {
        const at = c.deadlines[s];
        const current = c.stage === s;
        return (
          <span key={s}>
            {CASE_STAGE_LABELS[s]}:{at ? formatDateTime(at) : muted('未开始')}
            {current && at && (
              <Typography.Text
                type={c.dueState === 'overdue' ? 'danger' : c.dueState === 'due_soon' ? 'warning' : undefined}
              >
                {' '}
                (当前阶段,{dueText(at, now)})
              </Typography.Text>
            )}
          </span>
        );
      })}
    </Space>
  );
}

function ActionBar({ c, open }: { c: TCaseDetail; open: (d: Dialog) => void }) {
  const a = c.allowed;
  const none = a.transitions.length === 0 && a.requests.length === 0 && !a.reassign;
  if (none) return <Typography.Text type="secondary">您当前对该案件没有可执行的操作</Typography.Text>;
  const danger = new Set(['reject', 'return', 'cancel']);
  const primary = a.transitions.find((t) => !danger.has(t.action) && !['park', 'merge'].includes(t.action));
  return (
    <div className="gc-case-actions" data-testid="case-actions">
      {a.transitions.map((t) => (
        <Button
          key={`${t.action}-${t.to}`}
          type={t === primary ? 'primary' : 'default'}
          danger={danger.has(t.action)}
          onClick={() => open({ kind: 'transition', transition: t })}
          data-action={t.action}
        >
          {t.label}
        </Button>
      ))}
      {a.requests.map((k) => (
        <Button key={k} onClick={() => open({ kind: 'request', requestKind: k })} data-request={k}>
          {REQUEST_KIND_LABELS[k]}
        </Button>
      ))}
      {a.reassign && (
        <Button icon={<SwapOutlined />} onClick={() => open({ kind: 'reassign' })}>
          改派
        </Button>
      )}
    </div>
  );
}

export function CaseDetailPage() {
  const { id } = useParams<{ id: string }>();
  const navigate = useNavigate();
  const location = useLocation();
  const created = (location.state as { created?: Pick<TCreateCaseResponse, 'duplicates' | 'warnings'> } | null)
    ?.created;
  const q = useCaseDetail(id);
  const now = useNow();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  // A case opens at its top (coming from a long form or list, the window may be scrolled).
  useEffect(() => {
    if (id) window.scrollTo(0, 0);
    setDialog(null);
  }, [id]);

  if (q.isPending) return <PageLoading rows={12} />;
  if (q.isError) return <LoadError error={q.error} onRetry={() => q.refetch()} />;
  const c = q.data;
  const point = c.lat !== null && c.lng !== null ? { lat: c.lat, lng: c.lng } : null;
  const reason = routingReason(c.routing ?? {});

  const items: DescriptionsProps['items'] = [
    {
      key: 'desc',
      label: '问题描述',
      span: 'filled',
      children: <span className="gc-event-note">{c.description}</span>,
    },
    {
      key: 'category',
      label: '问题分类',
      children: (
        <span>
          {c.category.name} <Typography.Text type="secondary">{c.category.code}</Typography.Text>
        </span>
      ),
    },
    { key: 'source', label: '问题来源', children: CASE_SOURCE_LABELS[c.source] ?? c.source },
    { key: 'reportedAt', label: '上报时间', children: formatDateTime(c.reportedAt) },
    {
      key: 'address',
      label: '位置',
      span: 'filled',
      children: (
        <span>
          {c.address ?? (point ? '' : '—')}
          {point && (
            <Typography.Text type="secondary">
              {c.address ? ' · ' : ''}
              {point.lng.toFixed(6)}, {point.lat.toFixed(6)}
            </Typography.Text>
          )}
        </span>
      ),
    },
    {
      key: 'grid',
      label: '所在网格',
      children: c.grid ? (
        <span>
          {c.grid.name} <Typography.Text type="secondary">{c.grid.code}</Typography.Text>
        </span>
      ) : (
        muted(point ? '不在网格内' : '未定位')
      ),
    },
    { key: 'hq', label: '牵头指挥部', children: c.hq?.name ?? muted('未指定') },
    { key: 'lead', label: '牵头单位', children: c.leadUnit?.name ?? muted() },
    {
      key: 'unit',
      label: '责任单位 / 责任人',
      children: c.unit ? `${c.unit.name}${c.assignee ? ` · ${c.assignee.name}` : ''}` : muted('待派遣'),
    },
    {
      key: 'reporter',
      label: '上报人',
      children: (
        <span>
          {c.reportedBy?.name ?? muted('—')}
          {c.reporter?.name || c.reporter?.phone ? (
            <Typography.Text type="secondary">
              {' '}
              (反映人 {[c.reporter.name, c.reporter.phone].filter(Boolean).join(' ')})
            </Typography.Text>
          ) : null}
        </span>
      ),
    },
    ...(c.externalRef ? [{ key: 'ext', label: '外部编号', children: c.externalRef }] : []),
    {
      key: 'deadlines',
      label: '各阶段时限',
      span: 'filled' as const,
      children: <StageDeadlines c={c} now={now} />,
    },
    {
      key: 'routing',
      label: '派遣依据',
      span: 'filled' as const,
      children: reason ? `依据:${reason}` : muted('—'),
    },
    ...(c.handledBy ? [{ key: 'handledBy', label: '处置人', children: c.handledBy.name }] : []),
    ...(c.verifiedBy ? [{ key: 'verifiedBy', label: '核查人', children: c.verifiedBy.name }] : []),
    ...(c.parkedUntil ? [{ key: 'parked', label: '挂账复查', children: formatDateTime(c.parkedUntil) }] : []),
    ...(c.closedAt ? [{ key: 'closed', label: '结案时间', children: formatDateTime(c.closedAt) }] : []),
    {
      key: 'counts',
      label: '返工 / 超期',
      children: `${c.returnedCount} 次 / ${c.overdueCount} 次${c.escalationLevel > 0 ? ` · ${LEVEL_WORDS[c.escalationLevel] ?? `${c.escalationLevel} 级督办`}` : ''}`,
    },
  ];

  let dialogNode: ReactNode = null;
  const close = () => setDialog(null);
  if (dialog?.kind === 'transition')
    dialogNode = <TransitionModal detail={c} transition={dialog.transition} onClose={close} />;
  else if (dialog?.kind === 'request')
    dialogNode = <RequestModal detail={c} kind={dialog.requestKind} onClose={close} />;
  else if (dialog?.kind === 'decision')
    dialogNode = <DecisionModal detail={c} request={dialog.request} approve={dialog.approve} onClose={close} />;
  else if (dialog?.kind === 'reassign') dialogNode = <ReassignModal detail={c} onClose={close} />;

  const countdown = c.dueState !== 'none' && c.dueAt ? dueText(c.dueAt, now) : null;

  return (
    <div className="gc-page" data-testid="case-detail" data-status={c.status} data-version={c.version}>
      <PageHeader
        title={
          <span className="gc-case-head">
            <span className="gc-case-number" data-testid="case-number">
              {c.number}
            </span>
            <StatusTag status={c.status} />
            <SeverityTag severity={c.severity} />
            {c.isRecurrence && <Tag color="volcano">反弹</Tag>}
          </span>
        }
        description={
          <span>
            {c.category.name}
            {c.stage !== 'none' && c.dueAt && (
              <>
                {' · '}
                <ClockCircleOutlined /> {CASE_STAGE_LABELS[c.stage]}时限 {formatDateTime(c.dueAt)}{' '}
                <DueTag dueState={c.dueState} dueAt={c.dueAt} stage={c.stage} />
                {countdown && (
                  <Typography.Text type={c.dueState === 'overdue' ? 'danger' : undefined} data-testid="due-countdown">
                    {' '}
                    {countdown}
                  </Typography.Text>
                )}
              </>
            )}
          </span>
        }
        extra={
          <Space wrap>
            <Button
              icon={<ArrowLeftOutlined />}
              onClick={() => (window.history.length > 1 ? navigate(-1) : navigate('/cases'))}
            >
              返回
            </Button>
            <Button icon={<ReloadOutlined />} onClick={() => q.refetch()} loading={q.isFetching}>
              刷新
            </Button>
          </Space>
        }
      />

      {created && (created.warnings.length > 0 || created.duplicates.length > 0) && (
        <Alert
          type="warning"
          showIcon
          closable
          title="上报成功,请注意"
          data-testid="created-notes"
          description={
            <div>
              {created.warnings.map((w) => (
                <div key={w}>{w}</div>
              ))}
              {created.duplicates.length > 0 && (
                <div>
                  附近已有同类未办结案件(指挥部可合并):
                  {created.duplicates.map((d) => (
                    <span key={d.id}>
                      {' '}
                      <Link to={`/cases/${d.id}`}>{d.number}</Link>(相距 {formatDistance(d.distanceM)})
                    </span>
                  ))}
                </div>
              )}
            </div>
          }
        />
      )}
      {c.mergedInto && (
        <Alert
          type="info"
          showIcon
          title={
            <span>
              本案已合并到 <Link to={`/cases/${c.mergedInto.id}`}>{c.mergedInto.number}</Link>
            </span>
          }
        />
      )}
      {c.isRecurrence && (
        <Alert
          type="warning"
          showIcon
          title={
            <span>
              反弹:同一地点同类问题曾经结案
              {c.recurrenceOf && (
                <>
                  (<Link to={`/cases/${c.recurrenceOf.id}`}>{c.recurrenceOf.number}</Link>)
                </>
              )}
              {c.spot ? `,该点位累计 ${c.spot.caseCount} 件、反弹 ${c.spot.recurrenceCount} 次` : ''}
            </span>
          }
        />
      )}
      {c.pendingRequest && (
        <Alert
          type="info"
          showIcon
          title={`有待指挥部决定的申请:${REQUEST_KIND_LABELS[c.pendingRequest as TRequestKind] ?? c.pendingRequest}`}
        />
      )}

      <Card size="small" title="办理" data-testid="case-action-card">
        <ActionBar c={c} open={setDialog} />
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={15}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card size="small" title="基本信息">
              <Descriptions
                size="small"
                bordered
                layout={phone ? 'vertical' : 'horizontal'}
                column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 3 }}
                items={items}
                styles={{ label: { whiteSpace: 'nowrap', width: 110 } }}
              />
            </Card>
            <Card size="small" title="现场照片" data-testid="case-photos">
              <CasePhotos photos={c.photos} />
            </Card>
            <Card size="small" title="办理过程">
              <CaseTimeline detail={c} />
            </Card>
          </Space>
        </Col>
        <Col xs={24} xl={9}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card
              size="small"
              title={
                <span>
                  <EnvironmentOutlined /> 位置
                </span>
              }
            >
              {point ? (
                <Suspense fallback={<div className="gc-point-map" style={{ height: 260 }} />}>
                  <CasePointMap point={point} highlightCode={c.grid?.code ?? null} height={260} />
                </Suspense>
              ) : (
                <Typography.Text type="secondary">仅有地址:{c.address ?? '—'}</Typography.Text>
              )}
            </Card>
            <Card size="small" title="督办">
              {c.supervisionOrders.length === 0 ? (
                <Typography.Text type="secondary">无督办</Typography.Text>
              ) : (
                <List
                  size="small"
                  dataSource={c.supervisionOrders}
                  renderItem={(o) => (
                    <List.Item>
                      <Space orientation="vertical" size={0}>
                        <span>
                          <Tag color={o.level >= 3 ? 'red' : o.level === 2 ? 'volcano' : 'orange'}>
                            {LEVEL_WORDS[o.level] ?? `${o.level} 级督办`}
                          </Tag>
                          {o.number}
                        </span>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {CASE_STAGE_LABELS[o.stage as keyof typeof CASE_STAGE_LABELS] ?? o.stage} ·{' '}
                          {formatDateTime(o.issuedAt)}
                        </Typography.Text>
                        <span>{o.reason}</span>
                      </Space>
                    </List.Item>
                  )}
                />
              )}
            </Card>
            <Card
              size="small"
              title={
                <span>
                  <BranchesOutlined /> 申请
                </span>
              }
            >
              {c.requests.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="无申请" />
              ) : (
                <List
                  size="small"
                  dataSource={c.requests}
                  renderItem={(r) => {
                    const st = REQUEST_STATUS[r.status] ?? { text: r.status, color: 'default' };
                    const note = r.decision && typeof r.decision.note === 'string' ? r.decision.note : null;
                    return (
                      <List.Item
                        actions={
                          c.allowed.decide && r.status === 'pending'
                            ? [
                                <Button
                                  key="ok"
                                  size="small"
                                  type="primary"
                                  onClick={() => setDialog({ kind: 'decision', request: r, approve: true })}
                                >
                                  批准
                                </Button>,
                                <Button
                                  key="no"
                                  size="small"
                                  danger
                                  onClick={() => setDialog({ kind: 'decision', request: r, approve: false })}
                                >
                                  驳回
                                </Button>,
                              ]
                            : undefined
                        }
                      >
                        <Space orientation="vertical" size={0}>
                          <span>
                            <Tag color={st.color}>{st.text}</Tag>
                            {REQUEST_KIND_LABELS[r.kind]}
                          </span>
                          <span>{r.reason}</span>
                          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                            {r.requestedBy?.name ?? '—'} · {formatDateTime(r.requestedAt)}
                            {r.status === 'pending' && r.decideBy ? ` · 须于 ${formatDateTime(r.decideBy)} 前决定` : ''}
                          </Typography.Text>
                          {note && <Typography.Text type="secondary">决定意见:{note}</Typography.Text>}
                        </Space>
                      </List.Item>
                    );
                  }}
                />
              )}
            </Card>
          </Space>
        </Col>
      </Row>
      {dialogNode}
    </div>
  );
}

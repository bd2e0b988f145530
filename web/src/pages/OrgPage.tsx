/**
 * /org: the organisation tree (GET /api/v1/org/units) with the selected unit's details; for org.write,
 * create/edit/move/delete and the HQ settings; and a 导入/导出 tab for units and people (Excel).
 */
import {
  ApartmentOutlined,
  DeleteOutlined,
  DragOutlined,
  EditOutlined,
  FileExcelOutlined,
  PlusOutlined,
  ReloadOutlined,
  SearchOutlined,
} from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Input,
  Popconfirm,
  Row,
  Segmented,
  Space,
  Tabs,
  Tag,
  Tree,
  type TreeDataNode,
  Typography,
} from 'antd';
import { type Key, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { type TImportKind, type TOrgUnit, type TUnitType, UNIT_TYPE_LABELS, UNIT_TYPES } from '../../../common/org.ts';
import { api } from '../api.ts';
import { errorMessage } from '../components/ErrorAlert.tsx';
import { HqPanel } from '../components/org/HqPanel.tsx';
import { ImportPanel } from '../components/org/ImportPanel.tsx';
import { MoveUnitModal, UnitFormModal, type UnitFormMode } from '../components/org/UnitModals.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError, PageLoading } from '../components/QueryState.tsx';
import { UnitTypeTag } from '../components/UnitTypeTag.tsx';
import { buildUnitTree, flattenTree, matchWithAncestors, type UnitNode } from '../orgTree.ts';
import { UNITS_KEY, useUnits } from '../queries.ts';
import { useSession } from '../session.tsx';

export function OrgPage() {
  const units = useUnits();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const [selectedId, setSelectedId] = useState<string | null>(params.get('unit'));
  const [form, setForm] = useState<UnitFormMode | null>(null);
  const [moving, setMoving] = useState<TOrgUnit | null>(null);
  const tab = params.get('tab') === 'excel' ? 'excel' : 'tree';
  const canWrite = can('org.write');

  if (units.isPending) return <PageLoading rows={12} />;
  if (units.isError) return <LoadError error={units.error} onRetry={() => units.refetch()} />;

  const items = units.data;
  const selected = items.find((u) => u.id === selectedId) ?? null;
  const select = (id: string | null) => setSelectedId(id);

  return (
    <div className="gc-page">
      <PageHeader
        title="组织机构"
        description={<TypeSummary units={items} />}
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => units.refetch()} loading={units.isFetching}>
              刷新
            </Button>
            {canWrite && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setForm({ kind: 'create', parentId: selected?.id ?? null })}
              >
                新建单位
              </Button>
            )}
          </Space>
        }
      />
      <Tabs
        activeKey={tab}
        onChange={(k) => {
          const next = new URLSearchParams(params);
          if (k === 'excel') next.set('tab', 'excel');
          else next.delete('tab');
          setParams(next, { replace: true });
        }}
        items={[
          {
            key: 'tree',
            label: (
              <span>
                <ApartmentOutlined /> 机构树
              </span>
            ),
            children: (
              <Row gutter={[16, 16]}>
                <Col xs={24} lg={11} xxl={9}>
                  <UnitTreeCard units={items} selectedId={selectedId} onSelect={select} />
                </Col>
                <Col xs={24} lg={13} xxl={15}>
                  <UnitDetails
                    unit={selected}
                    units={items}
                    onSelect={select}
                    canWrite={canWrite}
                    onCreateChild={(u) => setForm({ kind: 'create', parentId: u.id })}
                    onEdit={(u) => setForm({ kind: 'edit', unit: u })}
                    onMove={setMoving}
                  />
                  {selected?.type === 'hq' && <HqPanel hq={selected} units={items} canWrite={canWrite} />}
                </Col>
              </Row>
            ),
          },
          {
            key: 'excel',
            label: (
              <span>
                <FileExcelOutlined /> 导入/导出
              </span>
            ),
            children: <ExcelTab />,
          },
        ]}
      />
      {canWrite && (
        <>
          <UnitFormModal mode={form} units={items} onClose={() => setForm(null)} onSaved={(u) => select(u.id)} />
          <MoveUnitModal unit={moving} units={items} onClose={() => setMoving(null)} />
        </>
      )}
    </div>
  );
}

function ExcelTab() {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const kinds: { value: TImportKind; label: string }[] = [
    { value: 'units', label: '单位' },
    ...(can('users.read') ? [{ value: 'people' as const, label: '人员' }] : []),
  ];
  const [kind, setKind] = useState<TImportKind>('units');
  return (
    <Card variant="borderless">
      {kinds.length > 1 && (
        <Segmented<TImportKind> value={kind} onChange={setKind} options={kinds} style={{ marginBottom: 16 }} />
      )}
      <ImportPanel
        key={kind}
        kind={kind}
        canImport={can(kind === 'units' ? 'org.write' : 'users.write')}
        canExport={can(kind === 'units' ? 'org.read' : 'users.read')}
        onImported={() => {
          queryClient.invalidateQueries({ queryKey: kind === 'units' ? UNITS_KEY : ['users'] });
          queryClient.invalidateQueries({ queryKey: ['org'] });
        }}
      />
    </Card>
  );
}

function TypeSummary({ units }: { units: TOrgUnit[] }) {
  const counts = new Map<TUnitType, number>();
  for (const u of units) counts.set(u.type, (counts.get(u.type) ?? 0) + 1);
  const parts = UNIT_TYPES.filter((t) => counts.get(t)).map((t) => `${UNIT_TYPE_LABELS[t]} ${counts.get(t)}`);
  return <span>{units.length === 0 ? '暂无单位' : `共 ${units.length} 个单位:${parts.join(' · ')}`}</span>;
}

function toTreeData(nodes: UnitNode[], keep: Set<string> | null): TreeDataNode[] {
  const out: TreeDataNode[] = [];
  for (const n of nodes) {
    if (keep && !keep.has(n.unit.id)) continue;
    out.push({
      key: n.unit.id,
      title: (
        <span className="gc-tree-node">
          <span>{n.unit.name}</span>
          <UnitTypeTag type={n.unit.type} />
          {n.unit.isDemo && (
            <Tag color="orange" variant="outlined" style={{ marginInlineEnd: 0 }}>
              演示
            </Tag>
          )}
        </span>
      ),
      children: n.children.length ? toTreeData(n.children, keep) : undefined,
    });
  }
  return out;
}

function UnitTreeCard({
  units,
  selectedId,
  onSelect,
}: {
  units: TOrgUnit[];
  selectedId: string | null;
  onSelect: (id: string | null) => void;
}) {
  const roots = useMemo(() => buildUnitTree(units), [units]);
  const all = useMemo(() => flattenTree(roots), [roots]);
  const [search, setSearch] = useState('');
  const [expanded, setExpanded] = useState<Key[]>(() => all.filter((n) => n.depth < 1).map((n) => n.unit.id));

  const keep = useMemo(() => (search.trim() ? matchWithAncestors(units, search) : null), [units, search]);
  const treeData = useMemo(() => toTreeData(roots, keep), [roots, keep]);
  const expandedKeys = keep ? [...keep] : expanded;

  return (
    <Card
      title={
        <span>
          <ApartmentOutlined /> 机构树
        </span>
      }
      variant="borderless"
      className="gc-tree-card"
    >
      <Input
        allowClear
        prefix={<SearchOutlined />}
        placeholder="按名称或编码查找单位"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        style={{ marginBottom: 12 }}
      />
      {treeData.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={keep ? '没有匹配的单位' : '暂无单位'} />
      ) : (
        <Tree
          showLine
          blockNode
          treeData={treeData}
          expandedKeys={expandedKeys}
          onExpand={(keys) => {
            if (!keep) setExpanded(keys);
          }}
          selectedKeys={selectedId ? [selectedId] : []}
          onSelect={(keys) => onSelect(keys.length ? String(keys[0]) : null)}
          height={640}
        />
      )}
    </Card>
  );
}

function UnitDetails({
  unit,
  units,
  onSelect,
  canWrite,
  onCreateChild,
  onEdit,
  onMove,
}: {
  unit: TOrgUnit | null;
  units: TOrgUnit[];
  onSelect: (id: string | null) => void;
  canWrite: boolean;
  onCreateChild: (u: TOrgUnit) => void;
  onEdit: (u: TOrgUnit) => void;
  onMove: (u: TOrgUnit) => void;
}) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (u: TOrgUnit) => api.delete<void>(`/api/v1/org/units/${u.id}`),
    onSuccess: (_v, u) => {
      message.success(`已删除「${u.name}」`);
      onSelect(u.parentId);
      queryClient.invalidateQueries({ queryKey: UNITS_KEY });
      queryClient.invalidateQueries({ queryKey: ['org'] });
    },
    onError: (e) => message.error({ content: errorMessage(e), duration: 8 }),
  });
  if (!unit) {
    return (
      <Card title="单位详情" variant="borderless">
        <Empty description="请在左侧机构树中选择单位" />
      </Card>
    );
  }
  const parent = unit.parentId ? units.find((u) => u.id === unit.parentId) : undefined;
  const children = units.filter((u) => u.parentId === unit.id);
  return (
    <Card
      title={
        <span className="gc-tree-node">
          <span>{unit.name}</span>
          <UnitTypeTag type={unit.type} />
          {unit.isDemo && <Tag color="orange">演示</Tag>}
        </span>
      }
      variant="borderless"
      extra={
        canWrite && (
          <Space size={4} wrap>
            <Button size="small" icon={<PlusOutlined />} onClick={() => onCreateChild(unit)}>
              新建下级
            </Button>
            <Button size="small" icon={<EditOutlined />} onClick={() => onEdit(unit)}>
              编辑
            </Button>
            <Button size="small" icon={<DragOutlined />} onClick={() => onMove(unit)}>
              移动
            </Button>
            <Popconfirm
              title={`删除「${unit.name}」?`}
              description="只能删除没有下级单位、人员、网格和指挥部关联的单位。"
              okText="删除"
              okButtonProps={{ danger: true }}
              onConfirm={() => remove.mutateAsync(unit).catch(() => undefined)}
            >
              <Button size="small" danger icon={<DeleteOutlined />} loading={remove.isPending}>
                删除
              </Button>
            </Popconfirm>
          </Space>
        )
      }
    >
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, sm: 1, md: 2 }}
        items={[
          { key: 'name', label: '单位名称', children: unit.name },
          { key: 'code', label: '单位编码', children: <Typography.Text code>{unit.code}</Typography.Text> },
          { key: 'type', label: '单位类型', children: <UnitTypeTag type={unit.type} /> },
          {
            key: 'demo',
            label: '演示数据',
            children: unit.isDemo ? <Tag color="orange">演示</Tag> : <Typography.Text>否</Typography.Text>,
          },
          {
            key: 'parent',
            label: '上级单位',
            children: parent ? (
              <Typography.Link onClick={() => onSelect(parent.id)}>{parent.name}</Typography.Link>
            ) : (
              <Typography.Text type="secondary">
                {unit.parentId ? '(不在您的可见范围内)' : '无(顶级单位)'}
              </Typography.Text>
            ),
          },
          { key: 'childCount', label: '下级单位数', children: `${children.length} 个` },
          { key: 'sortOrder', label: '排序号', children: unit.sortOrder },
          {
            key: 'id',
            label: '单位 ID',
            span: 'filled',
            children: (
              <Typography.Text copyable type="secondary" style={{ fontFamily: 'monospace', fontSize: 12 }}>
                {unit.id}
              </Typography.Text>
            ),
          },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 20 }}>
        下级单位
      </Typography.Title>
      {children.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="无下级单位" />
      ) : (
        <div className="gc-child-units">
          {children.map((c) => (
            <Tag key={c.id} className="gc-clickable-tag" onClick={() => onSelect(c.id)}>
              {c.name} · {UNIT_TYPE_LABELS[c.type]}
            </Tag>
          ))}
        </div>
      )}
    </Card>
  );
}

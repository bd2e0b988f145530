/** /org: the organisation tree (GET /api/v1/org/units) and the selected unit's details. */
import { ApartmentOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Empty, Input, Row, Tag, Tree, type TreeDataNode, Typography } from 'antd';
import { type Key, useMemo, useState } from 'react';
import { type TOrgUnit, type TUnitType, UNIT_TYPE_LABELS, UNIT_TYPES } from '../../../common/org.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError, PageLoading } from '../components/QueryState.tsx';
import { UnitTypeTag } from '../components/UnitTypeTag.tsx';
import { buildUnitTree, flattenTree, matchWithAncestors, type UnitNode } from '../orgTree.ts';
import { useUnits } from '../queries.ts';

export function OrgPage() {
  const units = useUnits();
  const [selectedId, setSelectedId] = useState<string | null>(null);

  if (units.isPending) return <PageLoading rows={12} />;
  if (units.isError) return <LoadError error={units.error} onRetry={() => units.refetch()} />;

  const items = units.data;
  const selected = items.find((u) => u.id === selectedId) ?? null;

  return (
    <div className="gc-page">
      <PageHeader
        title="组织机构"
        description={<TypeSummary units={items} />}
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => units.refetch()} loading={units.isFetching}>
            刷新
          </Button>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={11} xxl={9}>
          <UnitTreeCard units={items} selectedId={selectedId} onSelect={setSelectedId} />
        </Col>
        <Col xs={24} lg={13} xxl={15}>
          <UnitDetails unit={selected} units={items} onSelect={setSelectedId} />
        </Col>
      </Row>
    </div>
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
}: {
  unit: TOrgUnit | null;
  units: TOrgUnit[];
  onSelect: (id: string) => void;
}) {
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

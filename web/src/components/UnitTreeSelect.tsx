/** Choose an organisation unit from the tree the user may see. Value is the unit id, or null for none. */
import { TreeSelect } from 'antd';
import { useMemo } from 'react';
import { UNIT_TYPE_LABELS } from '../../../common/org.ts';
import { buildUnitTree, type UnitNode } from '../orgTree.ts';
import { useUnits } from '../queries.ts';

interface Option {
  value: string;
  title: string;
  label: string;
  children?: Option[];
}

function toOptions(nodes: UnitNode[]): Option[] {
  return nodes.map((n) => ({
    value: n.unit.id,
    title: `${n.unit.name}(${UNIT_TYPE_LABELS[n.unit.type]})`,
    label: n.unit.name,
    children: n.children.length ? toOptions(n.children) : undefined,
  }));
}

export function UnitTreeSelect({
  value,
  onChange,
  id,
  placeholder = '选择所属单位',
}: {
  value?: string | null;
  onChange?: (v: string | null) => void;
  id?: string;
  placeholder?: string;
}) {
  const units = useUnits();
  const treeData = useMemo(() => toOptions(buildUnitTree(units.data ?? [])), [units.data]);
  return (
    <TreeSelect
      id={id}
      value={value ?? undefined}
      onChange={(v) => onChange?.((v as string | undefined) ?? null)}
      treeData={treeData}
      loading={units.isPending}
      placeholder={units.isError ? '单位列表加载失败' : placeholder}
      allowClear
      showSearch={{ treeNodeFilterProp: 'title' }}
      treeNodeLabelProp="label"
      treeDefaultExpandAll={false}
      listHeight={360}
      style={{ width: '100%' }}
      notFoundContent="无匹配单位"
    />
  );
}

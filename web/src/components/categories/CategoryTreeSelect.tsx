/** Choose a 大类 or 小类 from the catalogue (value: the category id; null for none). */
import { TreeSelect } from 'antd';
import { useMemo } from 'react';
import { useCategories } from '../../queries.ts';
import { buildCategoryTree, type CategoryRow } from './categoryFormat.ts';

interface Option {
  value: string;
  title: string;
  label: string;
  disabled?: boolean;
  children?: Option[];
}

function toOptions(rows: CategoryRow[], activeOnly: boolean): Option[] {
  const out: Option[] = [];
  for (const r of rows) {
    if (activeOnly && !r.isActive) continue;
    out.push({
      value: r.id,
      title: `${r.code} ${r.name}${r.isActive ? '' : '(已停用)'}`,
      label: `${r.code} ${r.name}`,
      children: r.children?.length ? toOptions(r.children, activeOnly) : undefined,
    });
  }
  return out;
}

export function CategoryTreeSelect({
  value,
  onChange,
  id,
  placeholder = '选择大类或小类',
  activeOnly = false,
  style,
}: {
  value?: string | null;
  onChange?: (v: string | null) => void;
  id?: string;
  placeholder?: string;
  /** Leave out inactive categories (e.g. where a case would be registered). */
  activeOnly?: boolean;
  style?: React.CSSProperties;
}) {
  const categories = useCategories();
  const treeData = useMemo(
    () => toOptions(buildCategoryTree(categories.data ?? []), activeOnly),
    [categories.data, activeOnly],
  );
  return (
    <TreeSelect
      id={id}
      value={value ?? undefined}
      onChange={(v) => onChange?.((v as string | undefined) ?? null)}
      treeData={treeData}
      loading={categories.isPending}
      placeholder={categories.isError ? '分类目录加载失败' : placeholder}
      allowClear
      showSearch={{ treeNodeFilterProp: 'title' }}
      treeNodeLabelProp="label"
      listHeight={360}
      style={{ width: '100%', ...style }}
      notFoundContent="无匹配分类"
    />
  );
}

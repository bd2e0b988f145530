/** Choose the problem's category: 大类, then 小类 (a 大类 without 小类 can be chosen itself). Value: the code. */
import { Cascader } from 'antd';
import { useMemo } from 'react';
import type { TCategory } from '../../../../common/categories.ts';
import { useCategories } from '../../queries.ts';
import { buildCategoryTree } from '../categories/categoryFormat.ts';

interface Option {
  value: string;
  label: string;
  children?: Option[];
}

export function CategoryCascader({
  value,
  onChange,
  id,
}: {
  value?: string | null;
  onChange?: (code: string | null) => void;
  id?: string;
}) {
  const categories = useCategories();
  const { options, pathOf } = useMemo(() => {
    const items = (categories.data ?? []).filter((c) => c.isActive);
    const tree = buildCategoryTree(items);
    const paths = new Map<string, string[]>();
    const opts: Option[] = tree.map((g) => {
      const kids = (g.children ?? []).filter((c) => c.isActive);
      for (const k of kids) paths.set(k.code, [g.code, k.code]);
      if (kids.length === 0) paths.set(g.code, [g.code]);
      return {
        value: g.code,
        label: g.name,
        children: kids.length ? kids.map((k) => ({ value: k.code, label: k.name })) : undefined,
      };
    });
    return { options: opts, pathOf: paths };
  }, [categories.data]);

  return (
    <Cascader
      id={id}
      options={options}
      value={value ? pathOf.get(value) : undefined}
      onChange={(v) => onChange?.(v?.length ? String(v[v.length - 1]) : null)}
      placeholder={categories.isError ? '分类目录加载失败' : '选择问题大类 / 小类'}
      showSearch={{ filter: (input, path) => path.some((o) => String(o.label).includes(input.trim())) }}
      loading={categories.isPending}
      expandTrigger="click"
      style={{ width: '100%' }}
      notFoundContent="无匹配分类"
      displayRender={(labels) => labels.join(' / ')}
    />
  );
}

/** The catalogue entry for a code. */
export function categoryByCode(items: readonly TCategory[] | undefined, code: string | null | undefined) {
  return code ? items?.find((c) => c.code === code) : undefined;
}

/** Pickers for the org editor: a parent-unit tree that greys out what the nesting rules forbid, and people search. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Select, TreeSelect } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { type TOrgUnit, type TUser, UNIT_TYPE_LABELS } from '../../../../common/org.ts';
import { api } from '../../api.ts';
import { buildUnitTree, type UnitNode } from '../../orgTree.ts';

/** The TreeSelect value standing for "no parent" (top level). */
export const TOP_LEVEL = '__top__';

interface TreeOption {
  value: string;
  title: string;
  label: string;
  disabled?: boolean;
  children?: TreeOption[];
}

function toOptions(nodes: UnitNode[], disabled: (u: TOrgUnit) => boolean): TreeOption[] {
  return nodes.map((n) => ({
    value: n.unit.id,
    title: `${n.unit.name}(${UNIT_TYPE_LABELS[n.unit.type]} · ${n.unit.code})`,
    label: n.unit.name,
    disabled: disabled(n.unit),
    children: n.children.length ? toOptions(n.children, disabled) : undefined,
  }));
}

/** Choose a parent unit; `allowTop` adds a "顶级" entry (value TOP_LEVEL). */
export function ParentTreeSelect({
  units,
  value,
  onChange,
  disabled,
  allowTop,
  id,
}: {
  units: TOrgUnit[];
  value?: string;
  onChange?: (v: string | undefined) => void;
  disabled: (u: TOrgUnit) => boolean;
  allowTop: boolean;
  id?: string;
}) {
  const treeData = useMemo(() => {
    const options = toOptions(buildUnitTree(units), disabled);
    return allowTop ? [{ value: TOP_LEVEL, title: '(顶级,无上级单位)', label: '顶级' }, ...options] : options;
  }, [units, disabled, allowTop]);
  return (
    <TreeSelect
      id={id}
      value={value}
      onChange={(v) => onChange?.(v as string | undefined)}
      treeData={treeData}
      placeholder="选择上级单位"
      showSearch={{ treeNodeFilterProp: 'title' }}
      treeNodeLabelProp="label"
      treeDefaultExpandAll
      listHeight={360}
      style={{ width: '100%' }}
      notFoundContent="无匹配单位"
    />
  );
}

export interface PersonOption {
  id: string;
  label: string;
}

/** Search people by name or username (GET /api/v1/users?q=), single or multiple. */
export function PeopleSelect({
  value,
  onChange,
  multiple = false,
  known = [],
  id,
  placeholder = '搜索姓名或用户名',
}: {
  value?: string | string[] | null;
  onChange?: (v: string | string[] | null) => void;
  multiple?: boolean;
  /** Labels for values that may not be in the current search results. */
  known?: PersonOption[];
  id?: string;
  placeholder?: string;
}) {
  const [input, setInput] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setQ(input.trim()), 300);
    return () => clearTimeout(t);
  }, [input]);
  const users = useQuery({
    queryKey: ['users', { page: 1, pageSize: 50, q }],
    queryFn: () => api.get<{ items: TUser[]; total: number }>('/api/v1/users', { page: 1, pageSize: 50, q }),
    placeholderData: keepPreviousData,
  });
  // Labels of everyone seen so far, so chosen people keep their names when the search changes.
  const remembered = useRef(new Map<string, string>());
  const selected = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
  const selectedKey = selected.join(',');
  const options = useMemo(() => {
    for (const k of known) remembered.current.set(k.id, k.label);
    const seen = new Set<string>();
    const out: { value: string; label: string; disabled?: boolean }[] = [];
    for (const u of users.data?.items ?? []) {
      const label = `${u.displayName}(${u.username})${u.unitName ? ` · ${u.unitName}` : ''}${u.disabled ? '(已停用)' : ''}`;
      remembered.current.set(u.id, label);
      seen.add(u.id);
      out.push({ value: u.id, label, disabled: u.disabled });
    }
    for (const v of selectedKey ? selectedKey.split(',') : []) {
      if (!seen.has(v)) out.push({ value: v, label: remembered.current.get(v) ?? v });
    }
    return out;
  }, [users.data, known, selectedKey]);
  return (
    <Select
      id={id}
      mode={multiple ? 'multiple' : undefined}
      value={value ?? undefined}
      onChange={(v: string | string[] | undefined) => onChange?.(v ?? null)}
      options={options}
      showSearch={{ filterOption: false, onSearch: setInput }}
      loading={users.isFetching}
      placeholder={placeholder}
      notFoundContent={users.isError ? '用户列表加载失败' : users.isFetching ? '加载中…' : '无匹配用户'}
      allowClear
      style={{ width: '100%' }}
    />
  );
}

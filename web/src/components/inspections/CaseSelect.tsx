/**
 * Pick one or more cases the user can see, searched by number or text through GET /api/v1/cases. When
 * the case ledger is not reachable (not deployed yet, or an error) the field takes case ids typed in.
 */
import { useQuery } from '@tanstack/react-query';
import { Input, Select, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api.ts';

interface CaseOption {
  id: string;
  number: string;
  description?: string | null;
  address?: string | null;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function CaseSelect({
  value,
  onChange,
  multiple,
  id,
  known = [],
}: {
  value?: string | string[] | null;
  onChange?: (v: string | string[] | null) => void;
  multiple?: boolean;
  id?: string;
  /** Cases already linked (id and number), so their labels show before any search. */
  known?: readonly { id: string; number: string }[];
}) {
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const cases = useQuery({
    queryKey: ['cases', 'pick', q],
    queryFn: () => api.get<{ items: CaseOption[] }>('/api/v1/cases', { q, pageSize: 20 }),
    retry: false,
    staleTime: 30_000,
  });
  const options = useMemo(() => {
    const seen = new Map<string, { value: string; label: string }>();
    for (const k of known) seen.set(k.id, { value: k.id, label: k.number });
    for (const c of cases.data?.items ?? []) {
      const text = c.description ?? c.address ?? '';
      seen.set(c.id, { value: c.id, label: `${c.number}${text ? ` ${text.slice(0, 24)}` : ''}` });
    }
    return [...seen.values()];
  }, [cases.data, known]);

  if (cases.isError) {
    const text = Array.isArray(value) ? value.join('\n') : (value ?? '');
    return (
      <>
        <Input.TextArea
          id={id}
          value={text}
          rows={multiple ? 2 : 1}
          onChange={(e) => {
            const ids = e.target.value
              .split(/[\s,,]+/)
              .map((s) => s.trim())
              .filter(Boolean);
            onChange?.(multiple ? ids : (ids[0] ?? null));
          }}
          placeholder="案件 ID(UUID),多个用换行分隔"
        />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          案件台账暂不可用,请填写案件 ID。
          {text && !text.split(/\s+/).every((s) => UUID.test(s)) && ' 格式应为 UUID。'}
        </Typography.Text>
      </>
    );
  }
  return (
    <Select
      id={id}
      mode={multiple ? 'multiple' : undefined}
      value={value ?? undefined}
      onChange={(v: string | string[] | undefined) => onChange?.(v ?? (multiple ? [] : null))}
      options={options}
      loading={cases.isFetching}
      allowClear
      showSearch={{ filterOption: false, onSearch: setSearch }}
      placeholder="按案件编号或描述查找"
      notFoundContent={cases.isFetching ? '查找中…' : '无匹配案件'}
    />
  );
}

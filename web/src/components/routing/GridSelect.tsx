/** Pick a grid cell: a searchable list from the grids API, or (while that API is missing) a grid id typed in. */
import { Input, Select, Typography } from 'antd';
import { useMemo } from 'react';
import { useGrids } from './grids.ts';

export function GridSelect({
  value,
  onChange,
  id,
}: {
  value?: string | null;
  onChange?: (v: string | null) => void;
  id?: string;
}) {
  const grids = useGrids();
  const options = useMemo(
    () =>
      (grids.data ?? []).map((g) => ({
        value: g.id,
        label: `${g.code ? `${g.code} ` : ''}${g.name}${g.owner ? `(${g.owner})` : ''}`,
      })),
    [grids.data],
  );
  if (grids.isError || (grids.isSuccess && options.length === 0)) {
    return (
      <>
        <Input
          id={id}
          value={value ?? ''}
          onChange={(e) => onChange?.(e.target.value.trim() || null)}
          placeholder="网格 ID,如 5f0c…-…(UUID)"
          maxLength={36}
          autoComplete="off"
        />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          网格列表暂不可用,请填写网格 ID(可在网格地图或网格导出文件中查到)。
        </Typography.Text>
      </>
    );
  }
  return (
    <Select
      id={id}
      value={value ?? undefined}
      onChange={(v: string | undefined) => onChange?.(v ?? null)}
      options={options}
      loading={grids.isPending}
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      placeholder="按编码或名称查找网格"
      notFoundContent="无匹配网格"
    />
  );
}

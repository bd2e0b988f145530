/** Pick a user by searching the server (GET /api/v1/users?q=), 50 matches at a time. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useEffect, useState } from 'react';
import type { TUser } from '../../../common/org.ts';
import { ADMIN_ROLES } from '../../../common/roles.ts';
import { api } from '../api.ts';

export function UserSelect({
  value,
  onChange,
  id,
  excludeAdmins = false,
}: {
  value?: string;
  onChange?: (v: string | undefined) => void;
  id?: string;
  /** Grey out 三员 accounts (the server issues them no API tokens: a token has no second factor). */
  excludeAdmins?: boolean;
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

  const options = (users.data?.items ?? []).map((u) => {
    const admin = excludeAdmins && u.roles.some((r) => ADMIN_ROLES.includes(r));
    const note = u.disabled ? '(已停用)' : admin ? '(管理员不可签发)' : '';
    return {
      value: u.id,
      label: `${u.displayName}(${u.username})${u.unitName ? ` · ${u.unitName}` : ''}${note}`,
      disabled: u.disabled || admin,
    };
  });

  return (
    <Select
      id={id}
      value={value}
      onChange={(v: string | undefined) => onChange?.(v)}
      options={options}
      showSearch={{ filterOption: false, onSearch: setInput }}
      loading={users.isFetching}
      placeholder="搜索用户名或姓名"
      notFoundContent={users.isError ? '用户列表加载失败' : users.isFetching ? '加载中…' : '无匹配用户'}
      allowClear
      style={{ width: '100%' }}
    />
  );
}

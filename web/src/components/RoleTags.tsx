/** A user's roles as coloured tags; the three administrator roles stand out. */
import { Tag } from 'antd';
import { ROLE_LABELS, type TRole } from '../../../common/roles.ts';

export const ROLE_COLORS: Partial<Record<TRole, string>> = {
  leader: 'geekblue',
  commander: 'volcano',
  sys_admin: 'red',
  sec_admin: 'gold',
  audit_admin: 'purple',
  auditor: 'magenta',
};

export function RoleTags({ roles }: { roles: readonly TRole[] }) {
  if (roles.length === 0) return <span className="gc-muted">—</span>;
  return (
    <span className="gc-tags">
      {roles.map((r) => (
        <Tag key={r} color={ROLE_COLORS[r] ?? 'blue'} style={{ marginInlineEnd: 0 }}>
          {ROLE_LABELS[r] ?? r}
        </Tag>
      ))}
    </span>
  );
}

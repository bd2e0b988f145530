/** 正常 / 停用 / 锁定至 … for a user row. */
import { Tag, Tooltip } from 'antd';
import type { TUser } from '../../../common/org.ts';
import { formatDateTime, isFuture } from '../format.ts';

export function isLocked(user: Pick<TUser, 'lockedUntil'>): boolean {
  return isFuture(user.lockedUntil);
}

export function UserStatusTag({ user }: { user: TUser }) {
  const locked = isLocked(user);
  if (!user.disabled && !locked) return <Tag color="success">正常</Tag>;
  return (
    <span className="gc-tags">
      {user.disabled && <Tag color="default">停用</Tag>}
      {locked && (
        <Tooltip title={`锁定至 ${formatDateTime(user.lockedUntil)}(北京时间)`}>
          <Tag color="warning">锁定至 {formatDateTime(user.lockedUntil).slice(5, 16)}</Tag>
        </Tooltip>
      )}
    </span>
  );
}

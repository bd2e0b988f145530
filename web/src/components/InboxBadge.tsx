/** The bell in the header: unread inbox count (polled every 30 s), a link to /inbox. */
import { BellOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Tooltip } from 'antd';
import { Link } from 'react-router-dom';
import { api } from '../api.ts';

export function InboxBadge() {
  const unread = useQuery({
    // Under ['inbox'], so marking items read on /inbox refreshes the badge too.
    queryKey: ['inbox', 'unread-count'],
    queryFn: () => api.get<{ count: number }>('/api/v1/inbox/unread-count'),
    refetchInterval: 30_000,
    staleTime: 10_000,
  });
  const n = unread.data?.count ?? 0;
  return (
    <Tooltip title={n ? `${n} 条未读消息` : '消息'}>
      <Link
        to="/inbox"
        aria-label="消息"
        data-testid="inbox-badge"
        style={{ display: 'inline-flex', alignItems: 'center' }}
      >
        <Badge count={n} size="small" overflowCount={99}>
          <BellOutlined style={{ fontSize: 18, color: 'rgba(0,0,0,0.65)' }} />
        </Badge>
      </Link>
    </Tooltip>
  );
}

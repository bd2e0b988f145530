/** An order's status as a coloured tag. */
import { Tag } from 'antd';
import { ORDER_STATUS_LABELS, type TOrderStatus } from '../../../../common/inspections.ts';

const COLORS: Record<TOrderStatus, string> = {
  issued: 'blue',
  complied: 'green',
  not_complied: 'red',
  cancelled: 'default',
};

export function OrderStatusTag({ status }: { status: TOrderStatus }) {
  return <Tag color={COLORS[status]}>{ORDER_STATUS_LABELS[status]}</Tag>;
}

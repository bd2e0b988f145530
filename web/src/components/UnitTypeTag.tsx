import { Tag } from 'antd';
import { type TUnitType, UNIT_TYPE_LABELS } from '../../../common/org.ts';
import { UNIT_TYPE_COLORS } from '../orgTree.ts';

export function UnitTypeTag({ type }: { type: TUnitType }) {
  return (
    <Tag color={UNIT_TYPE_COLORS[type]} style={{ marginInlineEnd: 0 }}>
      {UNIT_TYPE_LABELS[type] ?? type}
    </Tag>
  );
}

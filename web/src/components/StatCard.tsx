/** One figure on the home page: an icon, a label and a count. */
import { Card, Statistic } from 'antd';
import type { ReactNode } from 'react';

export function StatCard({
  title,
  value,
  suffix,
  icon,
  color,
  loading,
}: {
  title: string;
  value: number | undefined;
  suffix?: string;
  icon: ReactNode;
  color: string;
  loading?: boolean;
}) {
  return (
    <Card variant="borderless" className="gc-stat-card" styles={{ body: { padding: '16px 20px' } }}>
      <div className="gc-stat">
        <div className="gc-stat-icon" style={{ color, backgroundColor: `${color}14` }}>
          {icon}
        </div>
        <Statistic
          title={title}
          value={value ?? 0}
          suffix={suffix}
          loading={loading}
          styles={{
            content: { fontSize: 26, fontWeight: 600, color: '#1f2937', lineHeight: 1.3 },
            suffix: { fontSize: 14, fontWeight: 400, color: 'rgba(0,0,0,0.45)', marginInlineStart: 4 },
          }}
        />
      </div>
    </Card>
  );
}

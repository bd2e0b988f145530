/** Title row at the top of every page: title, optional tags and description, actions on the right. */
import { Typography } from 'antd';
import type { ReactNode } from 'react';

export function PageHeader({
  title,
  tags,
  description,
  extra,
}: {
  title: ReactNode;
  tags?: ReactNode;
  description?: ReactNode;
  extra?: ReactNode;
}) {
  return (
    <div className="gc-page-header">
      <div className="gc-page-header-main">
        <div className="gc-page-header-title">
          <Typography.Title level={4} style={{ margin: 0 }}>
            {title}
          </Typography.Title>
          {tags}
        </div>
        {description && <Typography.Text type="secondary">{description}</Typography.Text>}
      </div>
      {extra && <div className="gc-page-header-extra">{extra}</div>}
    </div>
  );
}

/** Loading and error placeholders shared by the pages. */
import { Button, Card, Result, Skeleton } from 'antd';
import { ApiError } from '../api.ts';
import { errorMessage } from './ErrorAlert.tsx';

export function PageLoading({ rows = 6 }: { rows?: number }) {
  return (
    <Card variant="borderless">
      <Skeleton active paragraph={{ rows }} />
    </Card>
  );
}

export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const forbidden = error instanceof ApiError && error.code === 'FORBIDDEN';
  return (
    <Card variant="borderless">
      <Result
        status={forbidden ? '403' : 'error'}
        title={forbidden ? '无权访问' : '数据加载失败'}
        subTitle={errorMessage(error)}
        extra={
          onRetry && !forbidden ? (
            <Button type="primary" onClick={onRetry}>
              重试
            </Button>
          ) : undefined
        }
      />
    </Card>
  );
}

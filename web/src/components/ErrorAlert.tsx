/** An API error as an antd Alert: the server's message, and its per-field problems when it sent any. */
import { Alert } from 'antd';
import type { ReactNode } from 'react';
import { ApiError } from '../api.ts';

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return '操作失败';
}

export function ErrorAlert({ error, title, action }: { error: unknown; title?: ReactNode; action?: ReactNode }) {
  if (!error) return null;
  const issues = error instanceof ApiError ? error.fieldIssues : [];
  return (
    <Alert
      type="error"
      showIcon
      title={title ?? errorMessage(error)}
      description={
        title || issues.length > 0 ? (
          <>
            {title && <div>{errorMessage(error)}</div>}
            {issues.length > 0 && (
              <ul className="gc-issue-list">
                {issues.map((i) => (
                  <li key={`${i.field}:${i.message}`}>{i.message}</li>
                ))}
              </ul>
            )}
          </>
        ) : undefined
      }
      action={action}
    />
  );
}

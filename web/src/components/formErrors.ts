/** Puts a server's per-field problems (VALIDATION_FAILED, PASSWORD_POLICY) on the matching form fields. */
import type { FormInstance } from 'antd';
import { ApiError, formFieldOf } from '../api.ts';

/**
 * Returns true when every problem found a field of the form, so no separate alert is needed.
 * Problems for several fields with the same name are joined on that field.
 */
export function applyFieldErrors(form: FormInstance, error: unknown, fields: readonly string[]): boolean {
  if (!(error instanceof ApiError)) return false;
  const issues = error.fieldIssues;
  if (issues.length === 0) return false;
  const known = new Set(fields);
  const byField = new Map<string, string[]>();
  let unplaced = 0;
  for (const i of issues) {
    const name = formFieldOf(i.field);
    if (!known.has(name)) {
      unplaced++;
      continue;
    }
    byField.set(name, [...(byField.get(name) ?? []), i.message]);
  }
  if (byField.size > 0) form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return unplaced === 0;
}

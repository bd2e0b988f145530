/**
 * Database errors as the two drivers report them, through drizzle's wrapping (it puts the driver's
 * error in `cause`).
 */

/** The SQLSTATE of a database error (23505 unique, 23503 foreign key), or null. */
export function sqlState(e: unknown): string | null {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return null;
}

/** True for a unique violation, of the named constraint when one is given. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    const x = cur as { code?: unknown; constraint?: unknown };
    if (x.code === '23505') return constraint === undefined || x.constraint === constraint;
  }
  return false;
}

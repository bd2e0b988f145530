export { type Actor, type DataScope, hasPermission, scopeKindOf, unitPathInScope } from './actor.ts';
export { registerAuthRoutes } from './auth.routes.ts';
export {
  csrfMatches,
  endSessionsOf,
  isAdminRole,
  LOCKOUT_MS,
  login,
  MAX_FAILED_LOGINS,
  purgeEndedSessions,
  resolveApiToken,
  resolveSession,
  SESSION_ABSOLUTE_MS,
  SESSION_COOKIE,
  SESSION_IDLE_MS,
  scopeFor,
} from './auth.service.ts';
export { hashGeneratedPassword, hashPassword, passwordProblems, verifyPassword } from './password.ts';
export { matchTotp, newTotpSecret, otpauthUri, totpNow } from './totp.ts';

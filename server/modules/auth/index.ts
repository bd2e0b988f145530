export { type Actor, type DataScope, unitPathInScope, hasPermission, scopeKindOf } from './actor.ts';
export { passwordProblems, hashPassword, verifyPassword } from './password.ts';
export { newTotpSecret, totpNow, otpauthUri, matchTotp } from './totp.ts';
export {
  SESSION_COOKIE,
  SESSION_IDLE_MS,
  SESSION_ABSOLUTE_MS,
  MAX_FAILED_LOGINS,
  LOCKOUT_MS,
  isAdminRole,
  login,
  resolveSession,
  resolveApiToken,
  csrfMatches,
  scopeFor,
  purgeEndedSessions,
  endSessionsOf,
} from './auth.service.ts';

export { registerAuthRoutes } from './auth.routes.ts';

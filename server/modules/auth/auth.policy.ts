/** Who may call the auth module's routes. Object checks: tokens are tenant-wide, for tokens.manage only. */
import { AUTHENTICATED, can, PUBLIC } from '../../http/access.ts';

export const authAccess = {
  login: PUBLIC,
  logout: AUTHENTICATED,
  me: AUTHENTICATED,
  changePassword: AUTHENTICATED,
  listTokens: can('tokens.manage'),
  createToken: can('tokens.manage'),
  revokeToken: can('tokens.manage'),
} as const;

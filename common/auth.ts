/** Request and response shapes of login, session and account endpoints. */
import { z } from 'zod';
import { ZPermission, ZRole } from './roles.ts';

export const ZLoginRequest = z.object({
  username: z.string().trim().min(1, '请输入用户名').max(64),
  password: z.string().min(1, '请输入密码').max(256),
  totp: z
    .string()
    .regex(/^\d{6}$/, '动态口令为 6 位数字')
    .optional(),
  tenant: z.string().min(1).max(64).optional(),
});
export type TLoginRequest = z.infer<typeof ZLoginRequest>;

export const ZUnitRef = z.object({ id: z.string().uuid(), name: z.string(), type: z.string() });

export const ZSessionUser = z.object({
  id: z.string().uuid(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(ZRole),
  permissions: z.array(ZPermission),
  unit: ZUnitRef.nullable(),
  tenant: z.object({ id: z.string().uuid(), code: z.string(), name: z.string() }),
  mustChangePassword: z.boolean(),
});
export type TSessionUser = z.infer<typeof ZSessionUser>;

/** Returned by login and GET /me: the user and the token writes must echo in X-CSRF-Token. */
export const ZSessionInfo = z.object({
  user: ZSessionUser,
  csrfToken: z.string(),
  expiresAt: z.string(),
});
export type TSessionInfo = z.infer<typeof ZSessionInfo>;

export const ZChangePassword = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(1).max(256),
});
export type TChangePassword = z.infer<typeof ZChangePassword>;

export const ZCreateApiToken = z.object({
  name: z.string().trim().min(1).max(100),
  userId: z.string().uuid(),
  expiresInDays: z.number().int().min(1).max(730).default(365),
});
export type TCreateApiToken = z.infer<typeof ZCreateApiToken>;

export const ZApiToken = z.object({
  id: z.string().uuid(),
  name: z.string(),
  userId: z.string().uuid(),
  username: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type TApiToken = z.infer<typeof ZApiToken>;

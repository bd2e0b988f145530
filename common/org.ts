/** Organisation units, users and the district overview shown on the home page. */
import { z } from 'zod';
import { ZRole } from './roles.ts';

export const UNIT_TYPES = ['leading_group', 'hq', 'department', 'subdistrict', 'community', 'squad'] as const;
export const ZUnitType = z.enum(UNIT_TYPES);
export type TUnitType = z.infer<typeof ZUnitType>;
export const UNIT_TYPE_LABELS: Record<TUnitType, string> = {
  leading_group: '领导小组',
  hq: '指挥部',
  department: '局委',
  subdistrict: '办事处',
  community: '社区',
  squad: '队伍',
};

export const ZOrgUnit = z.object({
  id: z.string().uuid(),
  parentId: z.string().uuid().nullable(),
  type: ZUnitType,
  code: z.string(),
  name: z.string(),
  isDemo: z.boolean(),
});
export type TOrgUnit = z.infer<typeof ZOrgUnit>;

export const ZUser = z.object({
  id: z.string().uuid(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(ZRole),
  unitId: z.string().uuid().nullable(),
  unitName: z.string().nullable(),
  phone: z.string().nullable(),
  disabled: z.boolean(),
  lockedUntil: z.string().nullable(),
  totpEnrolled: z.boolean(),
  createdAt: z.string(),
});
export type TUser = z.infer<typeof ZUser>;

export const ZCreateUser = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_.-]{2,31}$/, '用户名为 3–32 位小写字母、数字、下划线、点或连字符,以字母开头'),
  displayName: z.string().trim().min(1).max(64),
  unitId: z.string().uuid().nullable(),
  roles: z.array(ZRole).min(1).max(5),
  phone: z
    .string()
    .regex(/^1\d{10}$/, '手机号为 11 位数字')
    .nullable()
    .default(null),
  password: z.string().min(1).max(256),
});
export type TCreateUser = z.infer<typeof ZCreateUser>;

export const ZUpdateUser = z
  .object({
    displayName: z.string().trim().min(1).max(64),
    unitId: z.string().uuid().nullable(),
    phone: z
      .string()
      .regex(/^1\d{10}$/, '手机号为 11 位数字')
      .nullable(),
    disabled: z.boolean(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, '至少修改一项');
export type TUpdateUser = z.infer<typeof ZUpdateUser>;

export const ZSetRoles = z.object({ roles: z.array(ZRole).min(1).max(5) });

export const ZDistrictOverview = z.object({
  tenant: z.object({ name: z.string(), code: z.string() }),
  isDemo: z.boolean(),
  counts: z.object({
    subdistricts: z.number(),
    communities: z.number(),
    departments: z.number(),
    hqs: z.number(),
    users: z.number(),
  }),
  hqs: z.array(
    z.object({ id: z.string().uuid(), name: z.string(), commander: z.string().nullable(), memberUnits: z.number() }),
  ),
  subdistricts: z.array(z.object({ id: z.string().uuid(), name: z.string(), communities: z.array(z.string()) })),
});
export type TDistrictOverview = z.infer<typeof ZDistrictOverview>;

export const ZAuditEvent = z.object({
  seq: z.number(),
  occurredAt: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  outcome: z.enum(['success', 'failure']),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type TAuditEvent = z.infer<typeof ZAuditEvent>;

export const ZPage = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), total: z.number(), page: z.number(), pageSize: z.number() });

export const ZPageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

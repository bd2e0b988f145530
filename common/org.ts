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

/** Chinese label or code → unit type (for Excel cells). */
export function unitTypeFrom(text: string): TUnitType | null {
  const t = text.trim();
  if ((UNIT_TYPES as readonly string[]).includes(t)) return t as TUnitType;
  return UNIT_TYPES.find((u) => UNIT_TYPE_LABELS[u] === t) ?? null;
}

/**
 * Nesting rules: the types a unit of each type may sit under (null = top level). A 领导小组 may have
 * 专项 sub-groups; 指挥部, 局委 and 办事处 answer to a 领导小组; 社区 lie in a 办事处; 队伍 (squads) belong
 * to a 办事处, a 局委 or a 社区.
 */
export const UNIT_PARENT_TYPES: Record<TUnitType, readonly (TUnitType | null)[]> = {
  leading_group: [null, 'leading_group'],
  hq: ['leading_group'],
  department: ['leading_group'],
  subdistrict: ['leading_group'],
  community: ['subdistrict'],
  squad: ['subdistrict', 'department', 'community'],
};

/** Why a unit of `type` may not sit under a parent of `parentType` (null = top level), or null when it may. */
export function nestingProblem(type: TUnitType, parentType: TUnitType | null): string | null {
  const allowed = UNIT_PARENT_TYPES[type];
  if (allowed.includes(parentType)) return null;
  const where = allowed.map((p) => (p === null ? '顶级' : UNIT_TYPE_LABELS[p])).join('、');
  const here = parentType === null ? '顶级单位' : `${UNIT_TYPE_LABELS[parentType]}的下级`;
  return `${UNIT_TYPE_LABELS[type]}不能作为${here},只能位于:${where}`;
}

/** Unit types that may serve a command HQ as member units. */
export const HQ_MEMBER_TYPES: readonly TUnitType[] = ['department', 'subdistrict', 'community', 'squad'];

export const UNIT_CODE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const ZUnitCode = z
  .string()
  .trim()
  .regex(UNIT_CODE_RE, '单位编码为 1–64 位字母、数字、下划线、点或连字符,以字母或数字开头');
const ZUnitName = z.string().trim().min(1, '请输入单位名称').max(64, '单位名称最多 64 字');
const ZSortOrder = z.number().int().min(0).max(999_999);

export const ZOrgUnit = z.object({
  id: z.string().uuid(),
  parentId: z.string().uuid().nullable(),
  type: ZUnitType,
  code: z.string(),
  name: z.string(),
  sortOrder: z.number(),
  isDemo: z.boolean(),
});
export type TOrgUnit = z.infer<typeof ZOrgUnit>;

export const ZCreateUnit = z.object({
  type: ZUnitType,
  parentId: z.string().uuid().nullable(),
  code: ZUnitCode,
  name: ZUnitName,
  sortOrder: ZSortOrder.default(0),
});
export type TCreateUnit = z.infer<typeof ZCreateUnit>;

/** Rename, recode or reorder; the type is fixed at creation and the parent changes by a move. */
export const ZUpdateUnit = z
  .object({ code: ZUnitCode, name: ZUnitName, sortOrder: ZSortOrder })
  .partial()
  .refine((v) => Object.keys(v).length > 0, '至少修改一项');
export type TUpdateUnit = z.infer<typeof ZUpdateUnit>;

export const ZMoveUnit = z.object({ parentId: z.string().uuid().nullable() });

export const ZHqLeader = z.object({
  userId: z.string().uuid(),
  username: z.string(),
  displayName: z.string(),
  unitName: z.string().nullable(),
  disabled: z.boolean(),
});
export type THqLeader = z.infer<typeof ZHqLeader>;

export const ZHqMember = z.object({
  unitId: z.string().uuid(),
  code: z.string(),
  name: z.string(),
  type: ZUnitType,
  isLead: z.boolean(),
});
export type THqMember = z.infer<typeof ZHqMember>;

/** A command HQ: its commander (指挥长), deputies (副指挥长) and member units with the lead unit. */
export const ZHqDetail = z.object({
  id: z.string().uuid(),
  code: z.string(),
  name: z.string(),
  commander: ZHqLeader.nullable(),
  deputies: z.array(ZHqLeader),
  members: z.array(ZHqMember),
});
export type THqDetail = z.infer<typeof ZHqDetail>;

export const ZSetHqLeaders = z.object({
  commanderId: z.string().uuid().nullable(),
  deputyIds: z.array(z.string().uuid()).max(10, '副指挥长最多 10 人'),
});
export type TSetHqLeaders = z.infer<typeof ZSetHqLeaders>;

export const ZSetHqMembers = z.object({
  members: z.array(z.object({ unitId: z.string().uuid(), isLead: z.boolean().default(false) })).max(200),
});
export type TSetHqMembers = z.infer<typeof ZSetHqMembers>;

// ---- Excel import and export of units and people ----

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 20_000;

export type TImportKind = 'units' | 'people';

export interface ImportColumn {
  key: string;
  /** The header cell (a trailing * marks required columns in the template). */
  header: string;
  required?: boolean;
  /** Shown in exports for reading only; ignored on import. */
  readOnly?: boolean;
  width: number;
  /** What to write in the column: shown on the instructions sheet and as the header's note. */
  help: string;
}

/** Columns of the 单位 sheet, in template order (on import, columns are found by header text). */
export const UNIT_COLUMNS: readonly ImportColumn[] = [
  { key: 'code', header: '单位编码', required: true, width: 20, help: '全区唯一;已存在的编码将更新该单位' },
  { key: 'name', header: '单位名称', required: true, width: 30, help: '最多 64 字' },
  {
    key: 'type',
    header: '单位类型',
    required: true,
    width: 12,
    help: `${UNIT_TYPES.map((t) => UNIT_TYPE_LABELS[t]).join('、')} 之一;已有单位的类型不能修改`,
  },
  {
    key: 'parentCode',
    header: '上级单位编码',
    width: 20,
    help: '可引用本表中的单位(行的顺序不限)或系统中已有的单位;仅领导小组可留空(顶级)',
  },
  { key: 'sortOrder', header: '排序号', width: 10, help: '0–999999 的整数,越小越靠前;留空为 0(已有单位保持不变)' },
];

/** Columns of the 人员 sheet. */
export const PEOPLE_COLUMNS: readonly ImportColumn[] = [
  {
    key: 'username',
    header: '用户名',
    required: true,
    width: 18,
    help: '3–32 位小写字母、数字、下划线、点或连字符,以字母开头;已存在的用户名将更新该用户',
  },
  { key: 'displayName', header: '姓名', required: true, width: 16, help: '最多 64 字' },
  { key: 'unitCode', header: '单位编码', width: 20, help: '所属单位的编码(见「单位编码表」);留空表示不属于任何单位' },
  { key: 'unitName', header: '单位名称(仅供参考)', readOnly: true, width: 28, help: '导出时填写,导入时忽略' },
  {
    key: 'roles',
    header: '角色',
    required: true,
    width: 24,
    help: '角色名称或代码,多个用顿号、逗号或空格分隔;不能授予管理员角色;已有用户的角色须由安全管理员修改',
  },
  { key: 'phone', header: '手机号', width: 14, help: '11 位手机号,可留空' },
  { key: 'status', header: '状态', width: 8, help: '启用 或 停用;留空为启用(已有用户保持不变)' },
  {
    key: 'password',
    header: '初始密码',
    width: 16,
    help: '仅对新用户生效;留空则自动生成并在导入完成时显示一次。用户首次登录须修改密码',
  },
];

export const IMPORT_COLUMNS: Record<TImportKind, readonly ImportColumn[]> = {
  units: UNIT_COLUMNS,
  people: PEOPLE_COLUMNS,
};

/** One problem in an uploaded sheet: Excel row number (header = 1), column letter, column key, reason. */
export const ZImportIssue = z.object({
  row: z.number(),
  column: z.string(),
  field: z.string(),
  message: z.string(),
});
export type TImportIssue = z.infer<typeof ZImportIssue>;

export const ZImportAction = z.enum(['create', 'update', 'unchanged', 'error']);
export type TImportAction = z.infer<typeof ZImportAction>;
export const IMPORT_ACTION_LABELS: Record<TImportAction, string> = {
  create: '新增',
  update: '更新',
  unchanged: '无变化',
  error: '有错误',
};

export const ZImportRow = z.object({
  row: z.number(),
  action: ZImportAction,
  /** The unit code or username. */
  key: z.string(),
  /** The cells as read (passwords masked), by column key. */
  values: z.record(z.string(), z.string()),
  /** Column keys whose value will change (updates). */
  changes: z.array(z.string()),
  notes: z.array(z.string()),
});
export type TImportRow = z.infer<typeof ZImportRow>;

export const ZImportResult = z.object({
  kind: z.enum(['units', 'people']),
  dryRun: z.boolean(),
  /** true when the import was stored (never for a dry run). */
  applied: z.boolean(),
  summary: z.object({
    rows: z.number(),
    create: z.number(),
    update: z.number(),
    unchanged: z.number(),
    error: z.number(),
  }),
  rows: z.array(ZImportRow),
  errors: z.array(ZImportIssue),
  /** Generated initial passwords of the created accounts: shown once, never stored in clear. */
  passwords: z.array(
    z.object({ row: z.number(), username: z.string(), displayName: z.string(), password: z.string() }),
  ),
  /** Milliseconds spent reading the file, checking rows, hashing passwords and writing. */
  timing: z.object({
    parseMs: z.number(),
    checkMs: z.number(),
    hashMs: z.number(),
    writeMs: z.number(),
    totalMs: z.number(),
  }),
});
export type TImportResult = z.infer<typeof ZImportResult>;

export const ZImportQuery = z.object({
  dryRun: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
});

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
    z.object({
      id: z.string().uuid(),
      name: z.string(),
      /** 指挥长 (from hq_leaders), or null when not set. */
      commander: z.string().nullable(),
      /** 副指挥长, in their order. */
      deputies: z.array(z.string()),
      memberUnits: z.number(),
    }),
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

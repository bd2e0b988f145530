/** The problem catalogue: categories (大类/小类) and the versioned rule each case is registered under. */
import { z } from 'zod';

export const CATEGORY_KINDS = ['event', 'component', 'campaign'] as const;
export const CATEGORY_KIND_LABELS: Record<(typeof CATEGORY_KINDS)[number], string> = {
  event: '事件',
  component: '部件',
  campaign: '攻坚专项',
};

export const SEVERITIES = ['normal', 'major', 'urgent'] as const;
export const ZSeverity = z.enum(SEVERITIES);
export type TSeverity = z.infer<typeof ZSeverity>;
export const SEVERITY_LABELS: Record<TSeverity, string> = { normal: '一般', major: '重大', urgent: '紧急' };

export const LIMIT_UNITS = ['emergency_hours', 'working_hours', 'working_days'] as const;
export const ZLimitUnit = z.enum(LIMIT_UNITS);
export const LIMIT_UNIT_LABELS: Record<(typeof LIMIT_UNITS)[number], string> = {
  emergency_hours: '小时(紧急,连续计时)',
  working_hours: '工作时',
  working_days: '工作日',
};

export const CASE_SOURCES = [
  'city_video',
  'provincial_undercover',
  'city_supervision',
  'district_supervision',
  'patrol',
  'citizen',
  'hotline_12345',
  'sensor',
  'inspection',
] as const;
export const ZCaseSource = z.enum(CASE_SOURCES);
export type TCaseSource = z.infer<typeof ZCaseSource>;
export const CASE_SOURCE_LABELS: Record<TCaseSource, string> = {
  city_video: '市录像',
  provincial_undercover: '省暗访组',
  city_supervision: '市督查',
  district_supervision: '区督查',
  patrol: '网格巡查',
  citizen: '群众举报',
  hotline_12345: '12345 热线',
  sensor: '监测设备',
  inspection: '督导检查',
};

export const ZTimeLimit = z.object({
  value: z.number().positive('时限须大于 0').max(10_000),
  unit: ZLimitUnit,
});
export type TTimeLimit = z.infer<typeof ZTimeLimit>;

/** The rule part of a category: what a case registered under it must meet. Changing it makes a new version. */
export const ZCategoryRule = z.object({
  leadHqId: z.string().uuid().nullable(),
  leadUnitId: z.string().uuid().nullable(),
  timeLimits: z
    .object({ normal: ZTimeLimit.optional(), major: ZTimeLimit.optional(), urgent: ZTimeLimit.optional() })
    .refine((t) => t.normal !== undefined, { message: '至少须设置“一般”级别的时限', path: ['normal'] }),
  registerCondition: z.string().max(2000).default(''),
  closeCondition: z.string().max(2000).default(''),
  evidence: z.object({
    beforePhotos: z.number().int().min(0).max(9),
    afterPhotos: z.number().int().min(0).max(9),
  }),
  deductions: z.partialRecord(ZCaseSource, z.number().min(0).max(100)),
  note: z.string().max(500).nullable().default(null),
});
export type TCategoryRule = z.infer<typeof ZCategoryRule>;

export const ZCategory = z.object({
  id: z.string().uuid(),
  code: z.string(),
  parentId: z.string().uuid().nullable(),
  name: z.string(),
  kind: z.enum(CATEGORY_KINDS),
  isActive: z.boolean(),
  sortOrder: z.number(),
  version: z.number(),
  rule: ZCategoryRule.extend({
    leadHqName: z.string().nullable(),
    leadUnitName: z.string().nullable(),
    createdAt: z.string(),
  }),
});
export type TCategory = z.infer<typeof ZCategory>;

export const ZCreateCategory = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Z][0-9]{2,6}$/, '编码为一个大写字母加 2–6 位数字,如 E0102'),
  parentId: z.string().uuid().nullable(),
  name: z.string().trim().min(1).max(50),
  kind: z.enum(CATEGORY_KINDS),
  sortOrder: z.number().int().default(0),
  rule: ZCategoryRule,
});
export type TCreateCategory = z.infer<typeof ZCreateCategory>;

export const ZUpdateCategory = z
  .object({ name: z.string().trim().min(1).max(50), isActive: z.boolean(), sortOrder: z.number().int() })
  .partial()
  .refine((v) => Object.keys(v).length > 0, '至少修改一项');
export type TUpdateCategory = z.infer<typeof ZUpdateCategory>;

export const ZCategoryVersion = ZCategoryRule.extend({
  version: z.number(),
  leadHqName: z.string().nullable(),
  leadUnitName: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  createdByName: z.string().nullable(),
});
export type TCategoryVersion = z.infer<typeof ZCategoryVersion>;

/**
 * Enforcement on the ground: rectification orders (责令改正通知书) with follow-up and enforcement
 * records (暂扣 …), and field operations (整治行动). Shared by the server's routes and the web pages.
 */
import { z } from 'zod';

// ---- 统一社会信用代码 (GB 32100-2015) ----

/** The 31 code characters (no I, O, Z, S, V); a character's value is its index. */
export const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Weights of positions 1–17: 3^(i-1) mod 31. */
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** 登记管理部门代码 (1) + 机构类别代码 (1) + 行政区划码 (6 digits) + 主体标识码 (9) + 校验码 (1). */
export const CREDIT_CODE_RE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The check character (18th) for the first 17 characters, or null when they hold a character outside the set. */
export function creditCodeCheckChar(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_CHARS.indexOf(first17.charAt(i));
    if (v < 0) return null;
    sum += v * (CREDIT_CODE_WEIGHTS[i] ?? 0);
  }
  return CREDIT_CODE_CHARS.charAt((31 - (sum % 31)) % 31);
}

/** Why a 统一社会信用代码 is not valid (format, then checksum), or null when it is. */
export function creditCodeProblem(code: string): string | null {
  if (code.length !== 18) return `统一社会信用代码应为 18 位,当前 ${code.length} 位`;
  if (!CREDIT_CODE_RE.test(code)) {
    return '统一社会信用代码格式不正确:第 3–8 位为行政区划数字,其余为数字或大写字母(不含 I、O、Z、S、V)';
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (expected !== code.charAt(17)) return `统一社会信用代码校验位不符(应为 ${expected}),请核对`;
  return null;
}

// ---- Rectification orders ----

export const ORDER_STATUSES = ['issued', 'complied', 'not_complied', 'cancelled'] as const;
export const ZOrderStatus = z.enum(ORDER_STATUSES);
export type TOrderStatus = z.infer<typeof ZOrderStatus>;
export const ORDER_STATUS_LABELS: Record<TOrderStatus, string> = {
  issued: '已下达',
  complied: '已改正',
  not_complied: '逾期未改正',
  cancelled: '已撤销',
};

export const FOLLOW_UP_RESULTS = ['complied', 'not_complied'] as const;
export const ZFollowUpResult = z.enum(FOLLOW_UP_RESULTS);
export type TFollowUpResult = z.infer<typeof ZFollowUpResult>;

export const ENFORCEMENT_KINDS = ['seizure', 'fine', 'closure', 'other'] as const;
export const ZEnforcementKind = z.enum(ENFORCEMENT_KINDS);
export type TEnforcementKind = z.infer<typeof ZEnforcementKind>;
export const ENFORCEMENT_KIND_LABELS: Record<TEnforcementKind, string> = {
  seizure: '暂扣',
  fine: '罚款',
  closure: '查封',
  other: '其他',
};

/** Days the party has to state objections (陈述、申辩), as printed on the notice (local practice, not a statute). */
export const STATEMENT_DAYS = 3;

/**
 * Legal-basis templates for the issue form. The article numbers of the national regulation and law were
 * checked against their published text; the Zhengzhou regulation is left without an article to fill in.
 */
export const LEGAL_BASIS_TEMPLATES: readonly { label: string; text: string }[] = [
  {
    label: '街道两侧堆放物料、搭建设施',
    text: '《城市市容和环境卫生管理条例》第十四条',
  },
  {
    label: '乱涂写、乱张贴(小广告)',
    text: '《城市市容和环境卫生管理条例》第十七条',
  },
  {
    label: '施工扬尘',
    text: '《中华人民共和国大气污染防治法》第六十九条',
  },
  {
    label: '出店经营、占道经营(地方条例)',
    text: '《郑州市城市市容和环境卫生管理条例》第  条',
  },
];

const ZPhotoIds = z.array(z.string().uuid('照片 ID 格式不正确')).max(30, '最多 30 张照片');
const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label}最多 ${max} 字`)
    .nullish()
    .transform((v) => (v ? v : null));

export const ZParty = z.object({
  /** The business or person (当事人): 字号/名称 or 姓名. */
  name: z.string().trim().min(1, '请填写当事人名称').max(100, '当事人名称最多 100 字'),
  address: z.string().trim().min(1, '请填写地址').max(200, '地址最多 200 字'),
  contact: optionalText(50, '联系人'),
  phone: z
    .string()
    .trim()
    .max(30)
    .regex(/^[0-9+\-() ]*$/, '电话只能包含数字、+、-、括号和空格')
    .nullish()
    .transform((v) => (v ? v : null)),
  /** 统一社会信用代码 (营业执照号), checked against GB 32100-2015 when given. */
  licenceNo: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase())
    .nullish()
    .transform((v) => (v ? v : null))
    .superRefine((v, ctx) => {
      const problem = v ? creditCodeProblem(v) : null;
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
});
export type TParty = z.infer<typeof ZParty>;
export type TPartyInput = z.input<typeof ZParty>;

export const ZCreateOrder = z.object({
  party: ZParty,
  /** 违法事实: what was found, where and when ("经查,你(单位)…" continues with this). */
  facts: z.string().trim().min(1, '请填写违法事实').max(2000, '违法事实最多 2000 字'),
  legalBasis: z.string().trim().min(1, '请填写法律依据').max(1000, '法律依据最多 1000 字'),
  /** 整改要求: one requirement per line. */
  requiredActions: z.string().trim().min(1, '请填写整改要求').max(2000, '整改要求最多 2000 字'),
  /** The deadline (must lie in the future when issued). */
  deadline: z.iso.datetime({ offset: true, error: '整改期限应为 ISO 8601 时间,例如 2026-04-20T18:00:00+08:00' }),
  issuingUnitId: z.string().uuid(),
  caseId: z.string().uuid().nullish(),
});
export type TCreateOrder = z.infer<typeof ZCreateOrder>;

export const ZFollowUp = z.object({
  result: ZFollowUpResult,
  note: z.string().trim().min(1, '请填写复查情况').max(1000, '复查情况最多 1000 字'),
  photos: ZPhotoIds.optional(),
});
export type TFollowUp = z.infer<typeof ZFollowUp>;

export const ZEnforcementItemInput = z.object({
  name: z.string().trim().min(1, '请填写物品名称').max(50, '物品名称最多 50 字'),
  quantity: z.number().positive('数量应大于 0').max(1_000_000),
  unit: z.string().trim().min(1, '请填写单位').max(10, '单位最多 10 字'),
});

export const ZCreateEnforcement = z
  .object({
    kind: ZEnforcementKind,
    items: z.array(ZEnforcementItemInput).max(50, '最多 50 项'),
    note: z.string().trim().max(1000, '说明最多 1000 字').default(''),
    photos: ZPhotoIds.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'seizure' && v.items.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['items'], message: '暂扣须列明物品清单' });
    }
    const seen = new Set<string>();
    v.items.forEach((it, i) => {
      if (seen.has(it.name)) ctx.addIssue({ code: 'custom', path: ['items', i, 'name'], message: '物品名称重复' });
      seen.add(it.name);
    });
  });
export type TCreateEnforcement = z.infer<typeof ZCreateEnforcement>;

export const ZReturnItems = z.object({
  returnedTo: z.string().trim().min(1, '请填写领回人').max(100),
  items: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(50),
        returnedQuantity: z.number().positive('退还数量应大于 0').max(1_000_000),
      }),
    )
    .min(1, '至少退还一项')
    .max(50),
  note: z.string().trim().max(1000).optional(),
});
export type TReturnItems = z.infer<typeof ZReturnItems>;

export const ZEnforcementItem = z.object({
  name: z.string(),
  quantity: z.number(),
  unit: z.string(),
  returnedQuantity: z.number(),
});
export type TEnforcementItem = z.infer<typeof ZEnforcementItem>;

export const RETURN_STATES = ['none', 'partial', 'full'] as const;
export const RETURN_STATE_LABELS: Record<(typeof RETURN_STATES)[number], string> = {
  none: '未退还',
  partial: '部分退还',
  full: '已全部退还',
};

export const ZEnforcement = z.object({
  id: z.string(),
  orderId: z.string(),
  caseId: z.string().nullable(),
  kind: ZEnforcementKind,
  items: z.array(ZEnforcementItem),
  note: z.string().nullable(),
  photos: z.array(z.string()),
  takenAt: z.string(),
  takenBy: z.string(),
  takenByName: z.string().nullable(),
  /** The latest return (partial returns add up in items[].returnedQuantity). */
  returnedAt: z.string().nullable(),
  returnedTo: z.string().nullable(),
  returnState: z.enum(RETURN_STATES),
});
export type TEnforcement = z.infer<typeof ZEnforcement>;

export const ZOrderFollowUp = z.object({
  at: z.string(),
  by: z.string(),
  byName: z.string().nullable(),
  result: z.string(),
  note: z.string().nullable(),
  photos: z.array(z.string()),
});

export const ZOrder = z.object({
  id: z.string(),
  number: z.string(),
  year: z.number(),
  seq: z.number(),
  caseId: z.string().nullable(),
  caseNumber: z.string().nullable(),
  party: z.object({
    name: z.string(),
    address: z.string(),
    contact: z.string().nullable(),
    phone: z.string().nullable(),
    licenceNo: z.string().nullable(),
  }),
  facts: z.string(),
  legalBasis: z.string(),
  requiredActions: z.string(),
  deadline: z.string(),
  issuingUnitId: z.string(),
  issuingUnitName: z.string(),
  issuedBy: z.string(),
  issuedByName: z.string().nullable(),
  issuedAt: z.string(),
  status: ZOrderStatus,
  /** Issued and the deadline has passed without a follow-up. */
  overdue: z.boolean(),
  followUp: ZOrderFollowUp.nullable(),
  enforcementCount: z.number(),
  /** Optimistic concurrency: send it back as If-Match on the follow-up. */
  version: z.number(),
  updatedAt: z.string(),
});
export type TOrder = z.infer<typeof ZOrder>;

export const ZOrderDetail = ZOrder.extend({ enforcements: z.array(ZEnforcement) });
export type TOrderDetail = z.infer<typeof ZOrderDetail>;

export const ZOrderListQuery = z.object({
  status: ZOrderStatus.optional(),
  caseId: z.string().uuid().optional(),
  /** Number, party name, address or licence number. */
  q: z.string().trim().max(64).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type TOrderListQuery = z.infer<typeof ZOrderListQuery>;

// ---- Field operations ----

/** Suggestions for equipment types (free text is allowed). */
export const EQUIPMENT_SUGGESTIONS = ['铲车', '推土机', '三轮车', '洒水车', '渣土车', '吊车', '挖掘机', '清扫车'];
/** Suggestions for result units (free text is allowed). */
export const RESULT_UNIT_SUGGESTIONS = ['m³', '吨', '处', '个', '平方米', '米', '家', '辆', '户', '块'];
/** Suggestions for result items. */
export const RESULT_ITEM_SUGGESTIONS = [
  '清理垃圾',
  '清理小广告',
  '整治出店经营',
  '整治占道经营',
  '拆除违建',
  '清理杂物',
  '规范非机动车停放',
];

export const ZIsoDateOnly = z.iso.date('日期格式应为 YYYY-MM-DD');

export const ZEquipment = z.object({
  type: z.string().trim().min(1, '请填写装备类型').max(20, '装备类型最多 20 字'),
  count: z.number().int('数量应为整数').min(1, '数量至少为 1').max(999),
});
export type TEquipment = z.infer<typeof ZEquipment>;

export const ZOpResult = z.object({
  item: z.string().trim().min(1, '请填写成效事项').max(50, '成效事项最多 50 字'),
  quantity: z.number().positive('数量应大于 0').max(10_000_000),
  unit: z.string().trim().min(1, '请填写计量单位').max(10, '计量单位最多 10 字'),
});
export type TOpResult = z.infer<typeof ZOpResult>;

const fieldOpShape = {
  opDate: ZIsoDateOnly,
  title: z.string().trim().min(1, '请填写行动名称').max(100, '行动名称最多 100 字'),
  unitId: z.string().uuid(),
  gridIds: z.array(z.string().uuid()).max(200, '最多 200 个网格'),
  /** 人次 */
  personTimes: z.number().int('人次应为整数').min(1, '出动人次至少为 1').max(100_000),
  equipment: z.array(ZEquipment).max(30, '最多 30 类装备'),
  results: z.array(ZOpResult).max(50, '最多 50 项成效'),
  photos: ZPhotoIds,
  caseIds: z.array(z.string().uuid()).max(100, '最多关联 100 件案件'),
  note: z
    .string()
    .trim()
    .max(2000, '备注最多 2000 字')
    .nullish()
    .transform((v) => (v ? v : null)),
};

export const ZCreateFieldOp = z.object({
  ...fieldOpShape,
  gridIds: fieldOpShape.gridIds.default([]),
  equipment: fieldOpShape.equipment.default([]),
  results: fieldOpShape.results.default([]),
  photos: fieldOpShape.photos.default([]),
  caseIds: fieldOpShape.caseIds.default([]),
});
export type TCreateFieldOp = z.infer<typeof ZCreateFieldOp>;

export const ZPatchFieldOp = z
  .object(fieldOpShape)
  .partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), '至少修改一项');
export type TPatchFieldOp = z.infer<typeof ZPatchFieldOp>;

export const ZFieldOp = z.object({
  id: z.string(),
  opDate: z.string(),
  title: z.string(),
  unitId: z.string(),
  unitName: z.string(),
  grids: z.array(z.object({ id: z.string(), code: z.string(), name: z.string() })),
  personTimes: z.number(),
  equipment: z.array(z.object({ type: z.string(), count: z.number() })),
  results: z.array(z.object({ item: z.string(), quantity: z.number(), unit: z.string() })),
  photos: z.array(z.string()),
  cases: z.array(z.object({ id: z.string(), number: z.string() })),
  note: z.string().nullable(),
  createdBy: z.string(),
  createdByName: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TFieldOp = z.infer<typeof ZFieldOp>;

export const ZFieldOpListQuery = z.object({
  from: ZIsoDateOnly.optional(),
  to: ZIsoDateOnly.optional(),
  unitId: z.string().uuid().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type TFieldOpListQuery = z.infer<typeof ZFieldOpListQuery>;

export const ZFieldOpSummaryQuery = z.object({ from: ZIsoDateOnly.optional(), to: ZIsoDateOnly.optional() });

const ZTotals = z.object({
  operations: z.number(),
  personTimes: z.number(),
  equipment: z.array(z.object({ type: z.string(), count: z.number() })),
  results: z.array(z.object({ item: z.string(), unit: z.string(), quantity: z.number() })),
});
export type TFieldOpTotals = z.infer<typeof ZTotals>;

/** Totals over a period, per unit and overall: what the daily brief reports. */
export const ZFieldOpSummary = z.object({
  from: z.string(),
  to: z.string(),
  totals: ZTotals,
  units: z.array(ZTotals.extend({ unitId: z.string(), unitName: z.string() })),
});
export type TFieldOpSummary = z.infer<typeof ZFieldOpSummary>;

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

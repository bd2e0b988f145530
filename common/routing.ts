/** The responsibility matrix and the routing explanation (who leads, who acts, by when, and why). */
import { z } from 'zod';
import { ZSeverity, ZTimeLimit } from './categories.ts';

export const AREA_KINDS = ['tenant', 'subdistrict', 'community', 'grid'] as const;
export const ZAreaKind = z.enum(AREA_KINDS);
export const AREA_KIND_LABELS: Record<(typeof AREA_KINDS)[number], string> = {
  tenant: '全区',
  subdistrict: '办事处',
  community: '社区',
  grid: '网格',
};
export const ZCrs = z.enum(['wgs84', 'gcj02', 'bd09']);

export const ZRuleInput = z
  .object({
    categoryId: z.string().uuid().nullable(),
    industry: z.string().trim().min(1).max(40).nullable().default(null),
    areaKind: ZAreaKind,
    areaId: z.string().uuid().nullable(),
    level: z.string().trim().min(1).max(40).nullable().default(null),
    unitId: z.string().uuid(),
    userId: z.string().uuid().nullable().default(null),
    note: z.string().max(500).nullable().default(null),
  })
  .refine((r) => (r.areaKind === 'tenant') === (r.areaId === null), {
    message: '全区规则不填区域;办事处/社区/网格规则须指定区域',
    path: ['areaId'],
  });
export type TRuleInput = z.infer<typeof ZRuleInput>;

const ZRef = z.object({ id: z.string().uuid(), name: z.string() });

export const ZRule = z.object({
  id: z.string().uuid(),
  categoryId: z.string().uuid().nullable(),
  categoryCode: z.string().nullable(),
  categoryName: z.string().nullable(),
  industry: z.string().nullable(),
  areaKind: ZAreaKind,
  areaId: z.string().uuid().nullable(),
  areaName: z.string().nullable(),
  level: z.string().nullable(),
  unit: ZRef,
  user: ZRef.nullable(),
  note: z.string().nullable(),
  description: z.string(),
  updatedAt: z.string(),
});
export type TRule = z.infer<typeof ZRule>;

export const ZExplainQuery = z.object({
  lat: z.coerce.number().min(-90).max(90),
  lng: z.coerce.number().min(-180).max(180),
  crs: ZCrs.default('wgs84'),
  category: z.string().trim().max(20).optional(),
  severity: ZSeverity.default('normal'),
  industry: z.string().trim().max(40).optional(),
  level: z.string().trim().max(40).optional(),
  /** When the problem was seen; default now. Deadlines count from here. */
  at: z.string().datetime({ offset: true }).optional(),
});
export type TExplainQuery = z.infer<typeof ZExplainQuery>;

export const ZResponsible = z.object({
  unit: ZRef,
  person: ZRef.nullable(),
  /** rule: a matrix rule matched; category_lead: no rule, the category's lead unit; grid_owner: no category given. */
  via: z.enum(['rule', 'category_lead', 'grid_owner']),
  rule: z.object({ id: z.string().uuid(), description: z.string(), specificity: z.array(z.number()) }).nullable(),
});

export const ZExplanation = z.object({
  point: z.object({
    lng: z.number(),
    lat: z.number(),
    crs: ZCrs,
    wgs84: z.object({ lng: z.number(), lat: z.number() }),
  }),
  inside: z.boolean(),
  reason: z.string().nullable(),
  grid: z.object({ id: z.string().uuid(), code: z.string(), name: z.string() }).nullable(),
  community: ZRef.nullable(),
  subdistrict: ZRef.nullable(),
  gridLeader: ZRef.nullable(),
  category: z.object({ id: z.string().uuid(), code: z.string(), name: z.string(), version: z.number() }).nullable(),
  hq: ZRef.nullable(),
  leadUnit: ZRef.nullable(),
  responsible: ZResponsible.nullable(),
  deadline: z.object({ severity: ZSeverity, limit: ZTimeLimit, at: z.string() }).nullable(),
  /** The matrix rules that matched, most specific first (the first one won). */
  considered: z.array(z.object({ id: z.string().uuid(), description: z.string(), specificity: z.array(z.number()) })),
  /** Without a category: who is responsible for each 大类 at this point. */
  groups: z.array(z.object({ code: z.string(), name: z.string(), responsible: ZResponsible })).nullable(),
});
export type TExplanation = z.infer<typeof ZExplanation>;

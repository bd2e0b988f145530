/** Cases (案卷): intake, the closed loop's states and transitions, requests to the HQ, the ledger. */
import { z } from 'zod';
import { ZCaseSource, ZSeverity } from './categories.ts';
import { ZCrs } from './routing.ts';

export const CASE_STATUSES = [
  'reported',
  'registered',
  'rejected',
  'dispatched',
  'in_progress',
  'handled',
  'returned',
  'verified',
  'closed',
  'parked',
  'cancelled',
  'merged',
] as const;
export const ZCaseStatus = z.enum(CASE_STATUSES);
export type TCaseStatus = z.infer<typeof ZCaseStatus>;
export const CASE_STATUS_LABELS: Record<TCaseStatus, string> = {
  reported: '待受理',
  registered: '已立案',
  rejected: '不予立案',
  dispatched: '已派遣',
  in_progress: '处置中',
  handled: '已处置',
  returned: '返工',
  verified: '已核查',
  closed: '已结案',
  parked: '挂账',
  cancelled: '已撤销',
  merged: '已合并',
};
/** Statuses in which a case still needs someone to act. */
export const OPEN_STATUSES: readonly TCaseStatus[] = [
  'reported',
  'registered',
  'dispatched',
  'in_progress',
  'handled',
  'returned',
  'verified',
  'parked',
];

export const CASE_STAGES = ['none', 'register', 'dispatch', 'handle', 'verify'] as const;
export type TCaseStage = (typeof CASE_STAGES)[number];
export const CASE_STAGE_LABELS: Record<TCaseStage, string> = {
  none: '—',
  register: '立案',
  dispatch: '派遣',
  handle: '处置',
  verify: '核查',
};
export const DUE_STATES = ['none', 'ok', 'due_soon', 'overdue'] as const;
export type TDueState = (typeof DUE_STATES)[number];
export const DUE_STATE_LABELS: Record<TDueState, string> = {
  none: '—',
  ok: '正常',
  due_soon: '即将超期',
  overdue: '已超期',
};

const ZUuid = z.string().uuid();
const ZPhotoIds = z.array(ZUuid).max(9, '最多 9 张照片');

export const ZCaseLocation = z.union([
  z.object({
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    crs: ZCrs,
    address: z.string().trim().max(200).optional(),
  }),
  z.object({ address: z.string().trim().min(2, '地址至少 2 个字').max(200) }),
]);

export const ZCreateCase = z.object({
  id: ZUuid,
  source: ZCaseSource,
  category: z.string().trim().min(1).max(20),
  severity: ZSeverity.default('normal'),
  location: ZCaseLocation,
  description: z.string().trim().min(2, '描述至少 2 个字').max(2000),
  photos: ZPhotoIds.default([]),
  reporter: z
    .object({ name: z.string().trim().max(40).optional(), phone: z.string().trim().max(20).optional() })
    .optional(),
  externalRef: z.string().trim().max(64).optional(),
});
export type TCreateCase = z.infer<typeof ZCreateCase>;

/** Body of POST /api/v1/cases/:id/transitions. Which fields are required depends on the transition. */
export const ZTransitionRequest = z.object({
  to: ZCaseStatus,
  note: z.string().trim().max(2000).optional(),
  photos: ZPhotoIds.optional(),
  /** dispatch: override the routed unit / person. */
  unitId: ZUuid.optional(),
  assigneeId: ZUuid.optional(),
  /** park: when to look again. */
  reviewDate: z.string().datetime({ offset: true }).optional(),
  /** merge: the case this one duplicates. */
  mergeInto: ZUuid.optional(),
});
export type TTransitionRequest = z.infer<typeof ZTransitionRequest>;

export const REQUEST_KINDS = ['extension', 'park', 'dispute'] as const;
export const REQUEST_KIND_LABELS: Record<(typeof REQUEST_KINDS)[number], string> = {
  extension: '延期申请',
  park: '挂账申请',
  dispute: '退回争议(非本单位职责)',
};
export const ZCaseRequestCreate = z.object({
  kind: z.enum(REQUEST_KINDS),
  reason: z.string().trim().min(4, '理由至少 4 个字').max(1000),
  /** extension: the new handling deadline asked for. */
  requestedDue: z.string().datetime({ offset: true }).optional(),
  /** park: when to look again. */
  reviewDate: z.string().datetime({ offset: true }).optional(),
  /** dispute: the unit the requester believes is responsible. */
  suggestedUnitId: ZUuid.optional(),
});
export type TCaseRequestCreate = z.infer<typeof ZCaseRequestCreate>;

export const ZCaseRequestDecision = z.object({
  approve: z.boolean(),
  note: z.string().trim().max(1000).optional(),
  /** dispute upheld: the unit that takes the case (default: the suggested one). */
  unitId: ZUuid.optional(),
  assigneeId: ZUuid.optional(),
  /** dispute upheld: also add a grid-level rule to the responsibility matrix so the next case routes right. */
  updateMatrix: z.boolean().default(false),
  /** extension approved: the deadline granted (default: the one requested). */
  newDue: z.string().datetime({ offset: true }).optional(),
});
export type TCaseRequestDecision = z.infer<typeof ZCaseRequestDecision>;

export const ZReassign = z.object({
  unitId: ZUuid,
  assigneeId: ZUuid.optional(),
  note: z.string().trim().min(2).max(500),
});

const ZRef = z.object({ id: z.string(), name: z.string() });

export const ZCaseEvent = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.object({ id: z.string().nullable(), name: z.string() }),
  kind: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  note: z.string().nullable(),
  photos: z.array(z.string()),
  data: z.record(z.string(), z.unknown()),
});
export type TCaseEvent = z.infer<typeof ZCaseEvent>;

export const ZCasePhoto = z.object({
  id: z.string(),
  stage: z.string(),
  url: z.string(),
  thumbUrl: z.string(),
  takenAt: z.string().nullable(),
  warnings: z.array(z.string()),
});

export const ZCaseSummary = z.object({
  id: z.string(),
  number: z.string(),
  source: ZCaseSource,
  status: ZCaseStatus,
  category: z.object({ id: z.string(), code: z.string(), name: z.string(), version: z.number() }),
  severity: ZSeverity,
  description: z.string(),
  address: z.string().nullable(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  grid: z.object({ id: z.string(), code: z.string(), name: z.string() }).nullable(),
  hq: ZRef.nullable(),
  unit: ZRef.nullable(),
  assignee: ZRef.nullable(),
  stage: z.enum(CASE_STAGES),
  dueAt: z.string().nullable(),
  dueState: z.enum(DUE_STATES),
  overdueCount: z.number(),
  returnedCount: z.number(),
  escalationLevel: z.number(),
  isRecurrence: z.boolean(),
  pendingRequest: z.string().nullable(),
  externalRef: z.string().nullable(),
  reportedAt: z.string(),
  closedAt: z.string().nullable(),
  version: z.number(),
});
export type TCaseSummary = z.infer<typeof ZCaseSummary>;

export const ZCaseDetail = ZCaseSummary.extend({
  reporter: z.object({ name: z.string().optional(), phone: z.string().optional() }).nullable(),
  reportedBy: ZRef.nullable(),
  leadUnit: ZRef.nullable(),
  inputLocation: z.object({ lat: z.number(), lng: z.number(), crs: z.string() }).nullable(),
  routing: z.record(z.string(), z.unknown()),
  deadlines: z.object({
    register: z.string().nullable(),
    dispatch: z.string().nullable(),
    handle: z.string().nullable(),
    verify: z.string().nullable(),
  }),
  handledBy: ZRef.nullable(),
  verifiedBy: ZRef.nullable(),
  parkedUntil: z.string().nullable(),
  mergedInto: z.object({ id: z.string(), number: z.string() }).nullable(),
  recurrenceOf: z.object({ id: z.string(), number: z.string() }).nullable(),
  spot: z.object({ id: z.string(), caseCount: z.number(), recurrenceCount: z.number() }).nullable(),
  photos: z.array(ZCasePhoto),
  events: z.array(ZCaseEvent),
  requests: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(REQUEST_KINDS),
      reason: z.string(),
      payload: z.record(z.string(), z.unknown()),
      requestedBy: ZRef.nullable(),
      requestedAt: z.string(),
      decideBy: z.string().nullable(),
      status: z.string(),
      decision: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
  supervisionOrders: z.array(
    z.object({
      id: z.string(),
      number: z.string(),
      level: z.number(),
      stage: z.string(),
      issuedAt: z.string(),
      reason: z.string(),
    }),
  ),
  /** What this user may do now: transitions (by target status) and other actions. */
  allowed: z.object({
    transitions: z.array(
      z.object({
        to: ZCaseStatus,
        action: z.string(),
        label: z.string(),
        requires: z.array(z.string()),
      }),
    ),
    requests: z.array(z.enum(REQUEST_KINDS)),
    decide: z.boolean(),
    reassign: z.boolean(),
  }),
});
export type TCaseDetail = z.infer<typeof ZCaseDetail>;

export const ZCreateCaseResponse = ZCaseDetail.extend({
  /** Open cases of the same category nearby and recent: candidates to merge. */
  duplicates: z.array(
    z.object({
      id: z.string(),
      number: z.string(),
      distanceM: z.number(),
      reportedAt: z.string(),
      status: ZCaseStatus,
    }),
  ),
  warnings: z.array(z.string()),
});
export type TCreateCaseResponse = z.infer<typeof ZCreateCaseResponse>;

const csv = <T extends z.ZodType>(inner: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(inner));

export const ZCaseListQuery = z.object({
  status: csv(ZCaseStatus).optional(),
  source: csv(ZCaseSource).optional(),
  category: z.string().trim().max(20).optional(),
  unitId: ZUuid.optional(),
  gridId: ZUuid.optional(),
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  recurrence: z.enum(['true', 'false']).optional(),
  /** mine: the caller's unit's tasks; dispatch: what waits for the caller's HQ. */
  view: z.enum(['all', 'mine', 'dispatch']).default('all'),
  q: z.string().trim().max(64).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
  sort: z.enum(['reported_desc', 'reported_asc', 'due_asc']).default('reported_desc'),
});
export type TCaseListQuery = z.infer<typeof ZCaseListQuery>;

export const ZCaseList = z.object({
  items: z.array(ZCaseSummary),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type TCaseList = z.infer<typeof ZCaseList>;

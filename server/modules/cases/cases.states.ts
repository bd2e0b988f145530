/**
 * The closed loop as data (数字城管: 信息收集 → 案卷建立 → 任务派遣 → 任务处理 → 处理反馈 → 核实结案).
 * Each transition names who may take it (roles and the kind of relation to the case), what it needs,
 * which stage's clock it starts and whom it notifies. The service reads this table; it has no
 * per-transition `if` chains.
 */
import type { TCaseStage, TCaseStatus } from '../../../common/cases.ts';
import type { TSeverity } from '../../../common/categories.ts';
import type { TRole } from '../../../common/roles.ts';
import type { LimitUnit } from '../calendar/index.ts';

/**
 * How the actor must stand to the case:
 * - hq: the HQ that leads the case's category (its commander), or a tenant-wide leader;
 * - unit: a member of the responsible unit (or a unit above it);
 * - verifier: someone other than the handler — an inspector, the reporter, or the HQ.
 */
export type Relation = 'hq' | 'unit' | 'verifier';

/** Inputs a transition requires: checked before anything is written. */
export type Requirement = 'note' | 'photos' | 'reviewDate' | 'mergeInto';

export type NotifyEvent = 'dispatched' | 'returned' | 'parked' | 'verified' | 'closed';

export interface TransitionDef {
  action: string;
  label: string;
  from: readonly TCaseStatus[];
  to: TCaseStatus;
  roles: readonly TRole[];
  relation: Relation;
  requires: readonly Requirement[];
  /** The stage whose clock starts (its deadline is computed from now); 'none' stops the clock. */
  startsStage: TCaseStage;
  /** Photos given with this transition are filed under this stage. */
  photoStage?: 'after' | 'verify' | 'other';
  notify?: NotifyEvent;
}

const HQ: readonly TRole[] = ['commander', 'leader'];
const UNIT: readonly TRole[] = ['unit_head', 'unit_staff', 'field_worker'];
const VERIFY: readonly TRole[] = ['inspector', 'commander', 'leader', 'field_worker', 'unit_head', 'unit_staff'];

export const TRANSITIONS: readonly TransitionDef[] = [
  {
    action: 'register',
    label: '立案',
    from: ['reported'],
    to: 'registered',
    roles: HQ,
    relation: 'hq',
    requires: [],
    startsStage: 'dispatch',
  },
  {
    action: 'reject',
    label: '不予立案',
    from: ['reported'],
    to: 'rejected',
    roles: HQ,
    relation: 'hq',
    requires: ['note'],
    startsStage: 'none',
  },
  {
    action: 'dispatch',
    label: '派遣',
    from: ['registered'],
    to: 'dispatched',
    roles: HQ,
    relation: 'hq',
    requires: [],
    startsStage: 'handle',
    notify: 'dispatched',
  },
  {
    action: 'accept',
    label: '签收',
    from: ['dispatched'],
    to: 'in_progress',
    roles: UNIT,
    relation: 'unit',
    requires: [],
    startsStage: 'handle',
  },
  {
    action: 'handle',
    label: '处置完成',
    from: ['in_progress', 'returned'],
    to: 'handled',
    roles: UNIT,
    relation: 'unit',
    requires: ['photos', 'note'],
    startsStage: 'verify',
    photoStage: 'after',
  },
  {
    action: 'verify',
    label: '核查通过',
    from: ['handled'],
    to: 'verified',
    roles: VERIFY,
    relation: 'verifier',
    requires: [],
    startsStage: 'none',
    photoStage: 'verify',
    notify: 'verified',
  },
  {
    action: 'return',
    label: '返工',
    from: ['handled'],
    to: 'returned',
    roles: VERIFY,
    relation: 'verifier',
    requires: ['note'],
    startsStage: 'handle',
    photoStage: 'verify',
    notify: 'returned',
  },
  {
    action: 'close',
    label: '结案',
    from: ['verified'],
    to: 'closed',
    roles: [...HQ, 'inspector'],
    relation: 'hq',
    requires: [],
    startsStage: 'none',
    notify: 'closed',
  },
  {
    action: 'park',
    label: '挂账',
    from: ['registered', 'dispatched', 'in_progress', 'returned'],
    to: 'parked',
    roles: HQ,
    relation: 'hq',
    requires: ['note', 'reviewDate'],
    startsStage: 'none',
    notify: 'parked',
  },
  {
    action: 'unpark',
    label: '恢复办理',
    from: ['parked'],
    to: 'dispatched',
    roles: HQ,
    relation: 'hq',
    requires: [],
    startsStage: 'handle',
    notify: 'dispatched',
  },
  {
    action: 'merge',
    label: '合并到重复案件',
    from: ['reported', 'registered'],
    to: 'merged',
    roles: [...HQ, 'inspector'],
    relation: 'hq',
    requires: ['mergeInto'],
    startsStage: 'none',
  },
  {
    action: 'cancel',
    label: '撤销',
    from: ['reported', 'registered', 'dispatched', 'in_progress', 'returned', 'parked'],
    to: 'cancelled',
    roles: HQ,
    relation: 'hq',
    requires: ['note'],
    startsStage: 'none',
  },
];

/** The definition for moving from one status to another, if the loop allows it at all. */
export function transitionFor(from: TCaseStatus, to: TCaseStatus): TransitionDef | undefined {
  return TRANSITIONS.find((t) => t.to === to && t.from.includes(from));
}

export interface StageLimit {
  value: number;
  unit: LimitUnit;
}

/**
 * Stage time limits besides handling (which is the category's own limit): how long the HQ has to
 * register and to dispatch, and the verifier to verify. Urgent cases run on the clock, not office hours.
 */
export const STAGE_LIMITS: Record<'register' | 'dispatch' | 'verify', Record<TSeverity, StageLimit>> = {
  register: {
    normal: { value: 2, unit: 'working_hours' },
    major: { value: 1, unit: 'working_hours' },
    urgent: { value: 0.5, unit: 'emergency_hours' },
  },
  dispatch: {
    normal: { value: 2, unit: 'working_hours' },
    major: { value: 1, unit: 'working_hours' },
    urgent: { value: 0.5, unit: 'emergency_hours' },
  },
  verify: {
    normal: { value: 1, unit: 'working_days' },
    major: { value: 4, unit: 'working_hours' },
    urgent: { value: 2, unit: 'emergency_hours' },
  },
};

/** A stage turns "due soon" when this share of its time is left (at least 30 min before the deadline). */
export const DUE_SOON_SHARE = 0.25;
export const DUE_SOON_MIN_MS = 30 * 60_000;

/**
 * Supervision orders (督办单) for an overdue stage, escalating: level 1 to the responsible unit when
 * the deadline passes; level 2 copied to the HQ after one more working day; level 3 to the district
 * leading group after three.
 */
export const ESCALATION: readonly {
  level: number;
  after: StageLimit;
  copyTo: readonly ('unit' | 'hq' | 'leading_group')[];
}[] = [
  { level: 1, after: { value: 0, unit: 'working_hours' }, copyTo: ['unit'] },
  { level: 2, after: { value: 1, unit: 'working_days' }, copyTo: ['unit', 'hq'] },
  { level: 3, after: { value: 3, unit: 'working_days' }, copyTo: ['unit', 'hq', 'leading_group'] },
];

/** How long the HQ has to decide a request (extension, parking, dispute). */
export const REQUEST_DECISION_LIMIT: StageLimit = { value: 1, unit: 'working_days' };

/** Which statuses let a unit file which request. */
export const REQUEST_RULES: Record<
  'extension' | 'park' | 'dispute',
  { from: readonly TCaseStatus[]; roles: readonly TRole[] }
> = {
  extension: { from: ['dispatched', 'in_progress', 'returned'], roles: UNIT },
  park: { from: ['dispatched', 'in_progress', 'returned'], roles: UNIT },
  dispute: { from: ['dispatched', 'in_progress'], roles: UNIT },
};

/** Sources whose reporters are on the spot with a phone: the category's before-photos are required. */
export const SOURCES_WITH_PHOTOS: readonly string[] = ['patrol', 'inspection', 'district_supervision'];

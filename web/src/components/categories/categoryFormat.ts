/** Display helpers for the problem catalogue: time limits, the 大类 → 小类 tree, and what changed between versions. */
import {
  CASE_SOURCE_LABELS,
  CASE_SOURCES,
  LIMIT_UNIT_LABELS,
  SEVERITIES,
  SEVERITY_LABELS,
  type TCategory,
  type TCategoryRule,
  type TSeverity,
  type TTimeLimit,
} from '../../../../common/categories.ts';

/** Short unit words for table cells ("2 工作时", "1 小时"); the full LIMIT_UNIT_LABELS go in tooltips. */
export const LIMIT_UNIT_SHORT: Record<TTimeLimit['unit'], string> = {
  emergency_hours: '小时',
  working_hours: '工作时',
  working_days: '工作日',
};

export function formatLimit(l: TTimeLimit | undefined): string {
  return l ? `${l.value} ${LIMIT_UNIT_SHORT[l.unit]}` : '—';
}

/** "一般 2 工作时 / 紧急 1 小时": the severities that have a limit, in order. */
export function formatLimits(t: TCategoryRule['timeLimits']): string {
  return SEVERITIES.filter((s) => t[s])
    .map((s) => `${SEVERITY_LABELS[s]} ${formatLimit(t[s])}`)
    .join(' / ');
}

/** The units the limits use, explained (for a tooltip). */
export function explainLimitUnits(t: TCategoryRule['timeLimits']): string {
  const units = new Set(SEVERITIES.map((s) => t[s]?.unit).filter((u) => u !== undefined));
  return [...units].map((u) => `${LIMIT_UNIT_SHORT[u]}:${LIMIT_UNIT_LABELS[u]}`).join(';');
}

export function formatEvidence(e: TCategoryRule['evidence']): string {
  if (e.beforePhotos === 0 && e.afterPhotos === 0) return '不要求照片';
  return `处置前 ${e.beforePhotos} 张 / 处置后 ${e.afterPhotos} 张`;
}

export type CategoryRow = TCategory & { children?: CategoryRow[] };

/** 大类 rows with their 小类 as children, both sorted by sortOrder then code. */
export function buildCategoryTree(items: readonly TCategory[]): CategoryRow[] {
  const cmp = (a: TCategory, b: TCategory) =>
    a.sortOrder - b.sortOrder || a.code.localeCompare(b.code, 'zh-CN', { numeric: true });
  const ids = new Set(items.map((c) => c.id));
  const roots: CategoryRow[] = items
    .filter((c) => c.parentId === null || !ids.has(c.parentId))
    .sort(cmp)
    .map((c) => ({ ...c }));
  for (const r of roots) {
    const kids = items.filter((c) => c.parentId === r.id).sort(cmp);
    if (kids.length) r.children = kids.map((c) => ({ ...c }));
  }
  return roots;
}

/** The rule fields a version records, with the lead names for display. */
export interface VersionLike extends TCategoryRule {
  leadHqName: string | null;
  leadUnitName: string | null;
}

export interface RuleChange {
  field: string;
  from: string;
  to: string;
}

const text = (s: string | null | undefined) => (s?.trim() ? s.trim() : '(空)');

/** What changed from one version to the next, in words. */
export function diffRules(prev: VersionLike, next: VersionLike): RuleChange[] {
  const out: RuleChange[] = [];
  const add = (field: string, a: string, b: string) => {
    if (a !== b) out.push({ field, from: a, to: b });
  };
  add('牵头指挥部', prev.leadHqName ?? '未指定', next.leadHqName ?? '未指定');
  add('牵头单位', prev.leadUnitName ?? '未指定', next.leadUnitName ?? '未指定');
  for (const s of SEVERITIES) {
    add(`${SEVERITY_LABELS[s]}时限`, limitText(prev.timeLimits, s), limitText(next.timeLimits, s));
  }
  add('处置前照片', `${prev.evidence.beforePhotos} 张`, `${next.evidence.beforePhotos} 张`);
  add('处置后照片', `${prev.evidence.afterPhotos} 张`, `${next.evidence.afterPhotos} 张`);
  for (const src of CASE_SOURCES) {
    const a = prev.deductions[src];
    const b = next.deductions[src];
    add(
      `扣分·${CASE_SOURCE_LABELS[src]}`,
      a === undefined ? '不扣分' : `${a} 分`,
      b === undefined ? '不扣分' : `${b} 分`,
    );
  }
  add('立案条件', text(prev.registerCondition), text(next.registerCondition));
  add('结案条件', text(prev.closeCondition), text(next.closeCondition));
  add('备注', text(prev.note), text(next.note));
  return out;
}

function limitText(t: TCategoryRule['timeLimits'], s: TSeverity): string {
  return t[s] ? formatLimit(t[s]) : '未设置';
}

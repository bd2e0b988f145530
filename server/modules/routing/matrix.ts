/**
 * Matching matrix rules to a problem and choosing the most specific. Specificity is compared
 * dimension by dimension, category first: a rule for the exact 小类 beats one for its 大类, which beats
 * "any category"; then area (grid > community > subdistrict > tenant); then industry; then level.
 * Category comes first because a specialist assignment (工地扬尘 → 环保局) must hold in every area.
 * Two rules can only tie when every dimension is equal, i.e. the same key — refused when saved.
 */
export type AreaKind = 'tenant' | 'subdistrict' | 'community' | 'grid';

export interface MatrixRule {
  id: string;
  categoryId: string | null;
  industry: string | null;
  areaKind: AreaKind;
  areaId: string | null;
  level: string | null;
}

export interface ProblemContext {
  categoryId: string | null;
  categoryParentId: string | null;
  industry: string | null;
  level: string | null;
  gridId: string | null;
  communityId: string | null;
  subdistrictId: string | null;
}

const AREA_RANK: Record<AreaKind, number> = { tenant: 0, subdistrict: 1, community: 2, grid: 3 };

/** [category, area, industry, level] ranks, or null when the rule does not apply. */
export function specificity(rule: MatrixRule, p: ProblemContext): number[] | null {
  let category: number;
  if (rule.categoryId === null) category = 0;
  else if (p.categoryId !== null && rule.categoryId === p.categoryId) category = 2;
  else if (p.categoryParentId !== null && rule.categoryId === p.categoryParentId) category = 1;
  else return null;
  const areaOf: Record<AreaKind, string | null> = {
    tenant: null,
    subdistrict: p.subdistrictId,
    community: p.communityId,
    grid: p.gridId,
  };
  if (rule.areaKind !== 'tenant' && (rule.areaId === null || rule.areaId !== areaOf[rule.areaKind])) return null;
  if (rule.industry !== null && rule.industry !== p.industry) return null;
  if (rule.level !== null && rule.level !== p.level) return null;
  return [category, AREA_RANK[rule.areaKind], rule.industry === null ? 0 : 1, rule.level === null ? 0 : 1];
}

export function compareSpecificity(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The matching rules, most specific first. */
export function rankRules<R extends MatrixRule>(rules: R[], p: ProblemContext): { rule: R; specificity: number[] }[] {
  const matched: { rule: R; specificity: number[] }[] = [];
  for (const rule of rules) {
    const s = specificity(rule, p);
    if (s) matched.push({ rule, specificity: s });
  }
  return matched.sort((a, b) => compareSpecificity(b.specificity, a.specificity));
}

/** Two rules share a key (and so would tie everywhere they apply). */
export function sameKey(a: MatrixRule, b: MatrixRule): boolean {
  return (
    a.categoryId === b.categoryId &&
    a.industry === b.industry &&
    a.areaKind === b.areaKind &&
    a.areaId === b.areaId &&
    a.level === b.level
  );
}

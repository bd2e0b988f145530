/** Turns the flat unit list into a tree by parentId. A unit whose parent is outside the user's scope is a root. */
import { type TOrgUnit, type TUnitType, UNIT_TYPES } from '../../common/org.ts';

export interface UnitNode {
  unit: TOrgUnit;
  depth: number;
  children: UnitNode[];
}

export const UNIT_TYPE_COLORS: Record<TUnitType, string> = {
  leading_group: 'red',
  hq: 'volcano',
  department: 'purple',
  subdistrict: 'blue',
  community: 'cyan',
  squad: 'green',
};

const typeOrder = (t: TUnitType) => UNIT_TYPES.indexOf(t);

function compareUnits(a: TOrgUnit, b: TOrgUnit): number {
  return typeOrder(a.type) - typeOrder(b.type) || a.code.localeCompare(b.code, 'zh-CN', { numeric: true });
}

export function buildUnitTree(units: readonly TOrgUnit[]): UnitNode[] {
  const byId = new Map<string, UnitNode>();
  for (const u of units) byId.set(u.id, { unit: u, depth: 0, children: [] });
  const roots: UnitNode[] = [];
  for (const node of byId.values()) {
    const parent = node.unit.parentId ? byId.get(node.unit.parentId) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const visit = (nodes: UnitNode[], depth: number, seen: Set<string>) => {
    nodes.sort((a, b) => compareUnits(a.unit, b.unit));
    for (const n of nodes) {
      if (seen.has(n.unit.id)) continue;
      seen.add(n.unit.id);
      n.depth = depth;
      visit(n.children, depth + 1, seen);
    }
  };
  visit(roots, 0, new Set());
  return roots;
}

/** Every node, depth first. */
export function flattenTree(nodes: readonly UnitNode[]): UnitNode[] {
  const out: UnitNode[] = [];
  const walk = (ns: readonly UnitNode[]) => {
    for (const n of ns) {
      out.push(n);
      walk(n.children);
    }
  };
  walk(nodes);
  return out;
}

/** The ids of the units whose name or code contains the text, with all their ancestors. */
export function matchWithAncestors(units: readonly TOrgUnit[], text: string): Set<string> {
  const q = text.trim().toLowerCase();
  const byId = new Map(units.map((u) => [u.id, u]));
  const keep = new Set<string>();
  if (!q) return keep;
  for (const u of units) {
    if (!u.name.toLowerCase().includes(q) && !u.code.toLowerCase().includes(q)) continue;
    let cur: TOrgUnit | undefined = u;
    while (cur && !keep.has(cur.id)) {
      keep.add(cur.id);
      cur = cur.parentId ? byId.get(cur.parentId) : undefined;
    }
  }
  return keep;
}

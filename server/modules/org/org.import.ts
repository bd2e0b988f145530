/**
 * Excel templates, exports and imports of units and people. An import is checked row by row (a dry
 * run stops there and returns the preview and the error report); a real import stores every row or
 * none, in one transaction with one audit event.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import {
  nestingProblem,
  PEOPLE_COLUMNS,
  type TImportIssue,
  type TImportKind,
  type TImportResult,
  type TImportRow,
  type TUnitType,
  UNIT_CODE_RE,
  UNIT_COLUMNS,
  UNIT_PARENT_TYPES,
  UNIT_TYPE_LABELS,
  UNIT_TYPES,
  unitTypeFrom,
} from '../../../common/org.ts';
import { ADMIN_ROLES, ROLE_LABELS, ROLES, type TRole } from '../../../common/roles.ts';
import type { Executor } from '../../db/client.ts';
import { sqlState } from '../../db/errors.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { type Actor, endSessionsOf, hashGeneratedPassword, hashPassword, passwordProblems } from '../auth/index.ts';
import { readSheet, type SheetRow, writeWorkbook } from './org.excel.ts';
import { canSeeUnit, canSeeUser, scopePaths } from './org.policy.ts';
import * as repo from './org.repo.ts';

export const UNITS_SHEET = '单位';
export const PEOPLE_SHEET = '人员';
const UNIT_REF_SHEET = '单位编码表';

/** Roles an import may grant: everything but the three administrators (only sec_admin grants those). */
const IMPORTABLE_ROLES = ROLES.filter((r) => !ADMIN_ROLES.includes(r));

/** A role from its Chinese label or its code. */
export function roleFrom(text: string): TRole | null {
  const t = text.trim();
  if ((ROLES as readonly string[]).includes(t)) return t as TRole;
  return ROLES.find((r) => ROLE_LABELS[r] === t) ?? null;
}

const STATUS_WORDS: Record<string, boolean> = { 启用: false, 正常: false, 停用: true, 禁用: true };

const shanghaiDate = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');

/** File names for an export, e.g. 单位-20260415.xlsx and units-20260415.xlsx. */
export function exportFileNames(deps: Deps, zh: string, en: string): [string, string] {
  const day = shanghaiDate(deps.clock.now());
  return [`${zh}-${day}.xlsx`, `${en}-${day}.xlsx`];
}

// ---- Templates and exports ----

const unitTypeList = UNIT_TYPES.map((t) => UNIT_TYPE_LABELS[t]);

function unitsWorkbook(rows: Record<string, string | number | null>[], title: string) {
  return writeWorkbook({
    title,
    sheetName: UNITS_SHEET,
    columns: UNIT_COLUMNS,
    rows,
    lists: { type: { values: unitTypeList, strict: true } },
    instructions: [
      '在「单位」工作表中每行填写一个单位,第 1 行为表头(红色为必填列),不要修改表头文字;列的顺序可以调整。',
      '单位编码已存在时更新该单位的名称、上级和排序号,否则新增单位。导入不会删除单位。',
      '上级单位可以是本表中的单位,行的先后顺序不限;也可以是系统中已有的单位。',
      '先点「预览(试导入)」检查:有任何一行出错则整批不导入,按错误清单(行号、列、原因)修改后重新上传。',
    ],
    appendix: [
      [
        '单位类型与可挂靠的上级',
        [
          ['单位类型', '代码', '可挂靠的上级'],
          ...UNIT_TYPES.map((t) => [UNIT_TYPE_LABELS[t], t, allowedParentsText(t)]),
        ],
      ],
      [
        '示例',
        [
          ['单位编码', '单位名称', '单位类型', '上级单位编码', '排序号'],
          ['410171004', '示例办事处', '办事处', '410171', '4'],
          ['410171004001', '示例社区', '社区', '410171004', '1'],
        ],
      ],
    ],
  });
}

function allowedParentsText(type: TUnitType): string {
  return UNIT_PARENT_TYPES[type].map((p) => (p === null ? '顶级(上级单位编码留空)' : UNIT_TYPE_LABELS[p])).join('、');
}

async function peopleWorkbook(
  actor: Actor,
  deps: Deps,
  rows: Record<string, string | number | null>[],
  title: string,
): Promise<Buffer> {
  const units = await repo.listUnits(deps.database.db, actor.tenantId, scopePaths(actor));
  return writeWorkbook({
    title,
    sheetName: PEOPLE_SHEET,
    columns: PEOPLE_COLUMNS,
    rows,
    lists: {
      roles: { values: IMPORTABLE_ROLES.map((r) => ROLE_LABELS[r]), strict: false },
      status: { values: ['启用', '停用'], strict: true },
      ...(units.length > 0
        ? { unitCode: { range: `'${UNIT_REF_SHEET}'!$A$2:$A$${units.length + 1}`, strict: false } }
        : {}),
    },
    reference: {
      name: UNIT_REF_SHEET,
      header: ['单位编码', '单位名称', '单位类型'],
      rows: units.map((u) => [u.code, u.name, UNIT_TYPE_LABELS[u.type as TUnitType] ?? u.type]),
      widths: [20, 36, 12],
    },
    instructions: [
      '在「人员」工作表中每行填写一个账户,第 1 行为表头(红色为必填列,灰色列导入时忽略);列的顺序可以调整。',
      '用户名已存在时更新该用户的姓名、单位、手机号和状态,否则新建账户。导入不会删除账户,也不会修改已有账户的角色和密码。',
      '单位编码见「单位编码表」工作表。角色可填多个,用顿号「、」分隔;管理员角色(系统管理员、安全管理员、审计管理员)只能由安全管理员在「用户管理」中授予。',
      '初始密码留空时系统自动生成,导入完成后只显示一次,请妥善转交本人;所有新账户首次登录时须修改密码。',
      '先点「预览(试导入)」检查:有任何一行出错则整批不导入,按错误清单(行号、列、原因)修改后重新上传。',
    ],
    appendix: [
      ['可导入的角色', [['角色名称', '代码'], ...IMPORTABLE_ROLES.map((r) => [ROLE_LABELS[r], r])]],
      [
        '示例',
        [
          ['用户名', '姓名', '单位编码', '', '角色', '手机号', '状态', '初始密码'],
          ['zhangsan', '张三', '410171001001', '', '网格员', '13800000000', '启用', ''],
          ['lisi', '李四', '410171001', '', '单位负责人、单位工作人员', '', '', ''],
        ],
      ],
    ],
  });
}

/** The units template: header row, type drop-down, instructions (org.write). */
export async function unitsTemplate(_actor: Actor, _deps: Deps): Promise<Buffer> {
  return unitsWorkbook([], '单位导入模板');
}

/** The people template: header row, role and status drop-downs, the unit codes in scope (users.write). */
export async function peopleTemplate(actor: Actor, deps: Deps): Promise<Buffer> {
  return peopleWorkbook(actor, deps, [], '人员导入模板');
}

/** The units in the caller's scope as a workbook that imports back unchanged (org.read). */
export async function exportUnits(actor: Actor, deps: Deps): Promise<Buffer> {
  const db = deps.database.db;
  const [visible, all] = await Promise.all([
    repo.listUnits(db, actor.tenantId, scopePaths(actor)),
    repo.listUnits(db, actor.tenantId, null),
  ]);
  const codeOf = new Map(all.map((u) => [u.id, u.code]));
  // Parents before children, so the sheet reads as the tree does.
  const rows = [...visible]
    .sort((a, b) => a.path.split('/').length - b.path.split('/').length || a.sortOrder - b.sortOrder)
    .map((u) => ({
      code: u.code,
      name: u.name,
      type: UNIT_TYPE_LABELS[u.type as TUnitType] ?? u.type,
      parentCode: u.parentId ? (codeOf.get(u.parentId) ?? '') : '',
      sortOrder: u.sortOrder,
    }));
  return unitsWorkbook(rows, '单位导出');
}

/** The accounts in the caller's scope (service accounts left out) as a workbook (users.read); audited. */
export async function exportPeople(actor: Actor, deps: Deps): Promise<Buffer> {
  const all = await repo.usersForImport(deps.database.db, actor.tenantId);
  const visible = all.filter((u) => !u.isService && canSeeUser(actor, u.unitPath));
  const rows = visible.map((u) => ({
    username: u.username,
    displayName: u.displayName,
    unitCode: u.unitCode ?? '',
    unitName: u.unitName ?? '',
    roles: (u.roles as TRole[]).map((r) => ROLE_LABELS[r] ?? r).join('、'),
    phone: u.phone ?? '',
    status: u.disabled ? '停用' : '启用',
    password: '',
  }));
  const file = await peopleWorkbook(actor, deps, rows, '人员导出');
  // Names and phone numbers leave the system: worth a line in the audit trail.
  await deps.database.db.transaction((tx) =>
    recordAudit(tx, deps.clock, actor, { action: 'users.export', objectType: 'user', details: { count: rows.length } }),
  );
  return file;
}

// ---- Imports ----

/** The row-by-row error report of one sheet. */
class Report {
  readonly errors: TImportIssue[] = [];
  private readonly badRows = new Set<number>();
  constructor(readonly letters: Record<string, string>) {}
  add(row: number, field: string, message: string): void {
    this.errors.push({ row, column: this.letters[field] ?? '', field, message });
    this.badRows.add(row);
  }
  rowHasErrors(row: number): boolean {
    return this.badRows.has(row);
  }
}

interface Timing {
  t0: number;
  parseMs: number;
  checkMs: number;
  hashMs: number;
  writeMs: number;
}
const since = (t: number) => Math.round((performance.now() - t) * 10) / 10;

function result(
  kind: TImportKind,
  dryRun: boolean,
  applied: boolean,
  rows: TImportRow[],
  errors: TImportIssue[],
  timing: Timing,
  passwords: TImportResult['passwords'] = [],
): TImportResult {
  const count = (a: TImportRow['action']) => rows.filter((r) => r.action === a).length;
  inSheetOrder(errors);
  return {
    kind,
    dryRun,
    applied,
    summary: {
      rows: rows.length,
      create: count('create'),
      update: count('update'),
      unchanged: count('unchanged'),
      error: count('error'),
    },
    rows,
    errors,
    passwords,
    timing: {
      parseMs: timing.parseMs,
      checkMs: timing.checkMs,
      hashMs: timing.hashMs,
      writeMs: timing.writeMs,
      totalMs: since(timing.t0),
    },
  };
}

/** Errors by row, then column (the order they were found in is by check, not by cell). */
function inSheetOrder(errors: TImportIssue[]): TImportIssue[] {
  return errors.sort((a, b) => a.row - b.row || a.column.length - b.column.length || a.column.localeCompare(b.column));
}

/** A real import with errors stores nothing and answers 422 with the row-by-row report. */
function refuse(errors: TImportIssue[]): never {
  inSheetOrder(errors);
  const rows = new Set(errors.map((e) => e.row)).size;
  throw new AppError('UNPROCESSABLE', `${rows} 行有错误,未导入任何数据。请按错误清单修改后重新上传`, errors);
}

function conflictDuringImport(e: unknown): never {
  if (sqlState(e) === '23505' || sqlState(e) === '23503') {
    throw new AppError('CONFLICT', '导入期间数据已被他人修改,未导入任何数据,请重新预览后再导入', [
      { field: 'body', message: '数据已变化' },
    ]);
  }
  throw e;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

// ---- Units ----

interface UnitPlan {
  rows: TImportRow[];
  inserts: {
    id: string;
    parentId: string | null;
    type: string;
    code: string;
    name: string;
    sortOrder: number;
    path: string;
  }[];
  updates: repo.UnitImportUpdate[];
  /** Existing units whose path changes only because an ancestor moved. */
  repathed: number;
}

/** Check every row of a units sheet against the tree (as read through `db`) and work out the changes. */
async function planUnits(actor: Actor, db: Executor, sheet: SheetRow[], report: Report): Promise<UnitPlan> {
  const existing = await repo.listUnits(db, actor.tenantId, null);
  const byCode = new Map(existing.map((u) => [u.code, u]));
  const byId = new Map(existing.map((u) => [u.id, u]));

  // Final state of every unit, by code: the database's, overridden by the file's rows.
  type Node = {
    id: string;
    type: TUnitType;
    parentCode: string | null;
    name: string;
    sortOrder: number;
    row?: number;
    broken?: boolean;
  };
  const nodes = new Map<string, Node>();
  for (const u of existing) {
    nodes.set(u.code, {
      id: u.id,
      type: u.type as TUnitType,
      parentCode: u.parentId ? (byId.get(u.parentId)?.code ?? null) : null,
      name: u.name,
      sortOrder: u.sortOrder,
    });
  }

  const firstRowOf = new Map<string, number>();
  const fileRows: { r: SheetRow; code: string; node: Node | null; current: repo.UnitRow | undefined }[] = [];
  for (const r of sheet) {
    const c = r.cells;
    const code = c.code ?? '';
    const add = (field: string, message: string) => report.add(r.row, field, message);
    let codeOk = true;
    if (!code) {
      add('code', '单位编码不能为空');
      codeOk = false;
    } else if (!UNIT_CODE_RE.test(code)) {
      add('code', `单位编码「${code}」格式不正确:1–64 位字母、数字、下划线、点或连字符`);
      codeOk = false;
    } else if (firstRowOf.has(code)) {
      add('code', `单位编码「${code}」与第 ${firstRowOf.get(code)} 行重复`);
      codeOk = false;
    } else firstRowOf.set(code, r.row);
    const name = c.name ?? '';
    if (!name) add('name', '单位名称不能为空');
    else if (name.length > 64) add('name', `单位名称最多 64 字(现为 ${name.length} 字)`);
    const type = unitTypeFrom(c.type ?? '');
    if (!c.type) add('type', '单位类型不能为空');
    else if (!type) add('type', `单位类型「${c.type}」无效,应为 ${unitTypeList.join('、')} 之一`);
    const parentCode = c.parentCode || null;
    if (parentCode && parentCode === code) add('parentCode', '上级单位不能是自己');
    let sortOrder: number | null = null;
    if (c.sortOrder) {
      const n = Number(c.sortOrder);
      if (!Number.isInteger(n) || n < 0 || n > 999_999)
        add('sortOrder', `排序号「${c.sortOrder}」应为 0–999999 的整数`);
      else sortOrder = n;
    }
    const current = codeOk ? byCode.get(code) : undefined;
    if (current && !canSeeUnit(actor, current.path)) {
      add('code', `单位编码「${code}」已被管辖范围外的单位使用`);
      codeOk = false;
    }
    const typeOk = type !== null && (!current || current.type === type);
    if (current && type && !typeOk) {
      add(
        'type',
        `已有单位「${current.name}」的类型是${UNIT_TYPE_LABELS[current.type as TUnitType]},类型不能通过导入修改`,
      );
    }
    let node: Node | null = null;
    if (codeOk && type && typeOk) {
      node = {
        id: current?.id ?? randomUUID(),
        type,
        parentCode,
        name,
        sortOrder: sortOrder ?? current?.sortOrder ?? 0,
        row: r.row,
      };
      nodes.set(code, node);
    }
    fileRows.push({ r, code, node, current });
  }

  // Parents: must exist (in the file or in scope), fit the nesting rules, and form no cycle.
  for (const { r, node } of fileRows) {
    if (!node) continue;
    const add = (message: string) => {
      report.add(r.row, 'parentCode', message);
      node.broken = true;
    };
    if (node.parentCode === null) {
      const problem = nestingProblem(node.type, null);
      if (problem) add(`上级单位编码为空,但${problem}`);
      continue;
    }
    const parent = nodes.get(node.parentCode);
    const parentDb = byCode.get(node.parentCode);
    const parentInFile = parent?.row !== undefined;
    if (!parent && firstRowOf.has(node.parentCode)) {
      add(`上级单位编码「${node.parentCode}」所在的第 ${firstRowOf.get(node.parentCode)} 行有错误`);
      continue;
    }
    if (!parent || (!parentInFile && parentDb && !canSeeUnit(actor, parentDb.path))) {
      add(`上级单位编码「${node.parentCode}」不存在(本表和系统中都没有)或不在管辖范围内`);
      continue;
    }
    const problem = nestingProblem(node.type, parent.type);
    if (problem) add(`上级「${parent.name}」是${UNIT_TYPE_LABELS[parent.type]}:${problem}`);
  }
  for (const { r, code, node } of fileRows) {
    if (!node || node.broken) continue;
    const chain = [code];
    for (let cur = node.parentCode; cur !== null; cur = nodes.get(cur)?.parentCode ?? null) {
      if (chain.includes(cur)) {
        report.add(r.row, 'parentCode', `上级关系形成循环:${[...chain, cur].join(' → ')}`);
        node.broken = true;
        break;
      }
      chain.push(cur);
    }
  }

  // Paths of the final tree, from the top down.
  const paths = new Map<string, string | null>();
  const pathOf = (code: string, depth = 0): string | null => {
    if (paths.has(code)) return paths.get(code) ?? null;
    const n = nodes.get(code);
    if (!n || n.broken || depth > 64) return null;
    const parentPath = n.parentCode === null ? '/' : pathOf(n.parentCode, depth + 1);
    const p = parentPath === null ? null : `${parentPath}${n.id}/`;
    paths.set(code, p);
    return p;
  };

  const plan: UnitPlan = { rows: [], inserts: [], updates: [], repathed: 0 };
  const fileCodes = new Set(fileRows.filter((f) => f.node).map((f) => f.code));
  for (const { r, code, node, current } of fileRows) {
    const values = { ...r.cells };
    if (!node || report.rowHasErrors(r.row)) {
      plan.rows.push({ row: r.row, action: 'error', key: code, values, changes: [], notes: [] });
      continue;
    }
    const path = pathOf(code) ?? '';
    const parentId = node.parentCode ? (nodes.get(node.parentCode)?.id ?? null) : null;
    if (!current) {
      plan.inserts.push({
        id: node.id,
        parentId,
        type: node.type,
        code,
        name: node.name,
        sortOrder: node.sortOrder,
        path,
      });
      plan.rows.push({ row: r.row, action: 'create', key: code, values, changes: [], notes: [] });
      continue;
    }
    const changes: string[] = [];
    if (current.name !== node.name) changes.push('name');
    if (current.parentId !== parentId) changes.push('parentCode');
    if (current.sortOrder !== node.sortOrder) changes.push('sortOrder');
    const notes: string[] = [];
    if (changes.includes('parentCode')) {
      const from = current.parentId ? (byId.get(current.parentId)?.name ?? '') : '顶级';
      const below = existing.filter((u) => u.id !== current.id && u.path.startsWith(current.path)).length;
      notes.push(
        `将从「${from}」移到「${nodes.get(node.parentCode ?? '')?.name ?? '顶级'}」下${below ? `(连同 ${below} 个下级单位)` : ''}`,
      );
    }
    if (changes.length > 0 || current.path !== path) {
      plan.updates.push({ id: current.id, parentId, name: node.name, sortOrder: node.sortOrder, path });
    }
    plan.rows.push({ row: r.row, action: changes.length ? 'update' : 'unchanged', key: code, values, changes, notes });
  }
  // Units not in the file whose path changes because an ancestor moved.
  if (report.errors.length === 0) {
    for (const u of existing) {
      if (fileCodes.has(u.code)) continue;
      const p = pathOf(u.code);
      if (p && p !== u.path) {
        plan.updates.push({ id: u.id, parentId: u.parentId, name: u.name, sortOrder: u.sortOrder, path: p });
        plan.repathed++;
      }
    }
  }
  return plan;
}

/** Import units from an .xlsx (org.write): preview with dryRun, otherwise all rows or none. */
export async function importUnits(actor: Actor, deps: Deps, file: Buffer, dryRun: boolean): Promise<TImportResult> {
  const timing: Timing = { t0: performance.now(), parseMs: 0, checkMs: 0, hashMs: 0, writeMs: 0 };
  const sheet = await readSheet(file, UNIT_COLUMNS, UNITS_SHEET);
  timing.parseMs = since(timing.t0);
  if (sheet.issues.length > 0) {
    if (!dryRun) refuse(sheet.issues);
    return result('units', dryRun, false, [], sheet.issues, timing);
  }
  const report = new Report(sheet.letters);
  if (sheet.rows.length === 0) report.add(2, '', '表中没有数据行');
  if (dryRun) {
    const t = performance.now();
    const plan = await planUnits(actor, deps.database.db, sheet.rows, report);
    timing.checkMs = since(t);
    return result('units', true, false, plan.rows, report.errors, timing);
  }
  // A real import plans again inside the transaction, under the tree lock, so it acts on what it checked.
  let plan: UnitPlan;
  try {
    plan = await deps.database.db.transaction(async (tx) => {
      await repo.lockOrgTree(tx, actor.tenantId);
      const t = performance.now();
      const p = await planUnits(actor, tx, sheet.rows, report);
      timing.checkMs = since(t);
      if (report.errors.length > 0) refuse(report.errors);
      const w = performance.now();
      const now = deps.clock.now();
      const depth = (path: string) => path.split('/').length;
      await repo.insertUnits(
        tx,
        [...p.inserts]
          .sort((a, b) => depth(a.path) - depth(b.path))
          .map((u) => ({ ...u, tenantId: actor.tenantId, createdAt: now, updatedAt: now })),
      );
      await repo.updateUnitsBatch(tx, actor.tenantId, p.updates, now);
      await recordAudit(tx, deps.clock, actor, {
        action: 'org.units.import',
        objectType: 'org_unit',
        details: {
          rows: p.rows.length,
          created: p.rows.filter((r) => r.action === 'create').length,
          updated: p.rows.filter((r) => r.action === 'update').length,
          unchanged: p.rows.filter((r) => r.action === 'unchanged').length,
          repathed: p.repathed,
          bytes: file.length,
          sha256: sha256(file),
        },
      });
      timing.writeMs = since(w);
      return p;
    });
  } catch (e) {
    conflictDuringImport(e);
  }
  return result('units', false, true, plan.rows, [], timing);
}

// ---- People ----

const ROLE_SPLIT = /[、,,;;/|\s]+/;
const USERNAME_RE = /^[a-z][a-z0-9_.-]{2,31}$/;

interface PeoplePlan {
  rows: TImportRow[];
  creates: {
    row: number;
    id: string;
    username: string;
    displayName: string;
    unitId: string | null;
    phone: string | null;
    roles: TRole[];
    disabled: boolean;
    password: string;
    generated: boolean;
  }[];
  updates: (repo.UserImportUpdate & { disabling: boolean })[];
}

/** An initial password of 14 characters from all four classes (no look-alikes), accepted by the rules. */
export function generatePassword(username: string): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '#%+=@!?*-'];
  const all = sets.join('');
  for (;;) {
    const chars = [...sets.map((s) => s[randomInt(s.length)] ?? 'x')];
    while (chars.length < 14) chars.push(all[randomInt(all.length)] ?? 'x');
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
    }
    const pw = chars.join('');
    if (passwordProblems(pw, username).length === 0) return pw;
  }
}

/** Check every row of a people sheet against the accounts and units and work out the changes. */
async function planPeople(actor: Actor, deps: Deps, sheet: SheetRow[], report: Report): Promise<PeoplePlan> {
  const db = deps.database.db;
  const [units, accounts] = await Promise.all([
    repo.listUnits(db, actor.tenantId, null),
    repo.usersForImport(db, actor.tenantId),
  ]);
  const unitByCode = new Map(units.map((u) => [u.code, u]));
  const accountByName = new Map(accounts.map((a) => [a.username, a]));
  const firstRowOf = new Map<string, number>();
  const plan: PeoplePlan = { rows: [], creates: [], updates: [] };
  const validRoles = IMPORTABLE_ROLES.map((r) => ROLE_LABELS[r]).join('、');

  for (const r of sheet) {
    const c = r.cells;
    const add = (field: string, message: string) => report.add(r.row, field, message);
    const username = c.username ?? '';
    let usernameOk = false;
    if (!username) add('username', '用户名不能为空');
    else if (!USERNAME_RE.test(username)) {
      add('username', `用户名「${username}」格式不正确:3–32 位小写字母、数字、下划线、点或连字符,以字母开头`);
    } else if (firstRowOf.has(username))
      add('username', `用户名「${username}」与第 ${firstRowOf.get(username)} 行重复`);
    else {
      firstRowOf.set(username, r.row);
      usernameOk = true;
    }
    let current = usernameOk ? accountByName.get(username) : undefined;
    if (current && (current.isService || !canSeeUser(actor, current.unitPath))) {
      add(
        'username',
        current.isService ? `「${username}」是服务账户,不能通过导入修改` : `用户名「${username}」已被占用`,
      );
      current = undefined;
      usernameOk = false;
    }

    const displayName = c.displayName ?? '';
    if (!displayName) add('displayName', '姓名不能为空');
    else if (displayName.length > 64) add('displayName', `姓名最多 64 字(现为 ${displayName.length} 字)`);

    let unitId: string | null = null;
    if (c.unitCode) {
      const u = unitByCode.get(c.unitCode);
      if (!u || !canSeeUnit(actor, u.path)) add('unitCode', `单位编码「${c.unitCode}」不存在或不在管辖范围内`);
      else unitId = u.id;
    }

    const roles: TRole[] = [];
    const words = (c.roles ?? '').split(ROLE_SPLIT).filter(Boolean);
    if (words.length === 0) add('roles', '角色不能为空');
    for (const w of words) {
      const role = roleFrom(w);
      if (!role) add('roles', `角色「${w}」无效,可用:${validRoles}`);
      else if (!roles.includes(role)) roles.push(role);
    }
    if (roles.length > 5) add('roles', '角色最多 5 个');
    const sameRoles = (a: readonly string[], b: readonly string[]) =>
      a.length === b.length && a.every((x) => b.includes(x));
    const rolesUnchanged = current !== undefined && sameRoles(roles, current.roles);
    const admins = roles.filter((x) => ADMIN_ROLES.includes(x));
    if (admins.length > 0 && !rolesUnchanged) {
      add(
        'roles',
        `不能通过导入授予管理员角色(${admins.map((a) => ROLE_LABELS[a]).join('、')}):须由安全管理员在「用户管理」中授予`,
      );
    } else if (current && roles.length > 0 && !rolesUnchanged && words.every((w) => roleFrom(w))) {
      const now = (current.roles as TRole[]).map((x) => ROLE_LABELS[x] ?? x).join('、');
      add('roles', `已有用户的角色不能通过导入修改(现为:${now}),须由安全管理员在「用户管理」中设置`);
    }

    let phone: string | null = null;
    if (c.phone) {
      if (!/^1\d{10}$/.test(c.phone)) add('phone', `手机号「${c.phone}」应为 11 位数字`);
      else phone = c.phone;
    }

    let disabled: boolean | null = null;
    if (c.status) {
      const d = STATUS_WORDS[c.status];
      if (d === undefined) add('status', `状态「${c.status}」无效,应为 启用 或 停用`);
      else disabled = d;
    }
    if (disabled === true && current?.id === actor.userId) add('status', '不能停用自己的账户');

    const notes: string[] = [];
    const password = c.password ?? '';
    if (!current && usernameOk) {
      if (password) {
        for (const p of passwordProblems(password, username, 'password')) add('password', p.message);
      } else notes.push('初始密码将自动生成,导入完成后显示一次');
    } else if (current && password) notes.push('已有用户:忽略初始密码列');

    const values = { ...c, ...(password ? { password: '******' } : {}) };
    if (report.rowHasErrors(r.row)) {
      plan.rows.push({ row: r.row, action: 'error', key: username, values, changes: [], notes });
      continue;
    }
    if (!current) {
      plan.creates.push({
        row: r.row,
        id: randomUUID(),
        username,
        displayName,
        unitId,
        phone,
        roles,
        disabled: disabled ?? false,
        password,
        generated: !password,
      });
      plan.rows.push({ row: r.row, action: 'create', key: username, values, changes: [], notes });
      continue;
    }
    const next = { displayName, unitId, phone, disabled: disabled ?? current.disabled };
    const changes = [
      ...(current.displayName !== next.displayName ? ['displayName'] : []),
      ...(current.unitId !== next.unitId ? ['unitCode'] : []),
      ...(current.phone !== next.phone ? ['phone'] : []),
      ...(current.disabled !== next.disabled ? ['status'] : []),
    ];
    if (changes.includes('status') && next.disabled) notes.push('停用后该用户的登录会话立即失效');
    if (changes.length > 0)
      plan.updates.push({ id: current.id, ...next, disabling: next.disabled && !current.disabled });
    plan.rows.push({
      row: r.row,
      action: changes.length ? 'update' : 'unchanged',
      key: username,
      values,
      changes,
      notes,
    });
  }
  return plan;
}

/** Hash passwords a few at a time, leaving libuv threads for logins that arrive meanwhile. */
async function hashAll(passwords: string[]): Promise<string[]> {
  const out: string[] = new Array(passwords.length);
  let next = 0;
  const workers = Math.max(1, Math.min(3, availableParallelism()));
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < passwords.length) {
        const i = next++;
        const pw = passwords[i] ?? '';
        out[i] = pw ? await hashPassword(pw) : '';
      }
    }),
  );
  return out;
}

/**
 * Import people from an .xlsx (users.write): preview with dryRun, otherwise all rows or none. New
 * accounts must change their password at first login; generated passwords come back once.
 */
export async function importPeople(actor: Actor, deps: Deps, file: Buffer, dryRun: boolean): Promise<TImportResult> {
  const timing: Timing = { t0: performance.now(), parseMs: 0, checkMs: 0, hashMs: 0, writeMs: 0 };
  const sheet = await readSheet(file, PEOPLE_COLUMNS, PEOPLE_SHEET);
  timing.parseMs = since(timing.t0);
  if (sheet.issues.length > 0) {
    if (!dryRun) refuse(sheet.issues);
    return result('people', dryRun, false, [], sheet.issues, timing);
  }
  const report = new Report(sheet.letters);
  if (sheet.rows.length === 0) report.add(2, '', '表中没有数据行');
  const t = performance.now();
  const plan = await planPeople(actor, deps, sheet.rows, report);
  timing.checkMs = since(t);
  if (dryRun) return result('people', true, false, plan.rows, report.errors, timing);
  if (report.errors.length > 0) refuse(report.errors);

  const h = performance.now();
  const passwords = plan.creates.map((c) => (c.generated ? generatePassword(c.username) : c.password));
  // Generated passwords are random enough for a fast salted hash; passwords typed into the sheet get argon2id.
  const chosen = await hashAll(plan.creates.map((c, i) => (c.generated ? '' : (passwords[i] ?? ''))));
  const hashes = plan.creates.map((c, i) =>
    c.generated ? hashGeneratedPassword(passwords[i] ?? '') : (chosen[i] ?? ''),
  );
  timing.hashMs = since(h);

  const w = performance.now();
  const now = deps.clock.now();
  try {
    await deps.database.db.transaction(async (tx) => {
      await repo.insertUsers(
        tx,
        plan.creates.map((c, i) => ({
          tenantId: actor.tenantId,
          id: c.id,
          username: c.username,
          displayName: c.displayName,
          unitId: c.unitId,
          phone: c.phone,
          passwordHash: hashes[i] ?? '',
          roles: c.roles,
          disabled: c.disabled,
          mustChangePassword: true,
          passwordChangedAt: now,
          createdAt: now,
          updatedAt: now,
        })),
      );
      await repo.updateUsersBatch(tx, actor.tenantId, plan.updates, now);
      let sessionsRevoked = 0;
      for (const u of plan.updates.filter((x) => x.disabling)) {
        sessionsRevoked += await endSessionsOf(tx, actor.tenantId, u.id, 'account_disabled', now);
      }
      await recordAudit(tx, deps.clock, actor, {
        action: 'users.import',
        objectType: 'user',
        details: {
          rows: plan.rows.length,
          created: plan.creates.length,
          updated: plan.updates.length,
          unchanged: plan.rows.filter((r) => r.action === 'unchanged').length,
          generatedPasswords: plan.creates.filter((c) => c.generated).length,
          disabled: plan.updates.filter((u) => u.disabling).length,
          sessionsRevoked,
          bytes: file.length,
          sha256: sha256(file),
        },
      });
    });
  } catch (e) {
    conflictDuringImport(e);
  }
  timing.writeMs = since(w);
  const issued = plan.creates.flatMap((c, i) =>
    c.generated ? [{ row: c.row, username: c.username, displayName: c.displayName, password: passwords[i] ?? '' }] : [],
  );
  return result('people', false, true, plan.rows, [], timing, issued);
}

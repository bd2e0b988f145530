/** Roles, permissions and the menu: shared by the server's policies and the web shell. */
import { z } from 'zod';

export const ROLES = [
  'leader',
  'commander',
  'unit_head',
  'unit_staff',
  'field_worker',
  'inspector',
  'auditor',
  'sys_admin',
  'sec_admin',
  'audit_admin',
] as const;
export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

/** 三员: system, security and audit administrators. No account may hold two of them. */
export const ADMIN_ROLES: readonly TRole[] = ['sys_admin', 'sec_admin', 'audit_admin'];

export const ROLE_LABELS: Record<TRole, string> = {
  leader: '领导',
  commander: '指挥长',
  unit_head: '单位负责人',
  unit_staff: '单位工作人员',
  field_worker: '网格员',
  inspector: '督查员',
  auditor: '审计员',
  sys_admin: '系统管理员',
  sec_admin: '安全管理员',
  audit_admin: '审计管理员',
};

export const PERMISSIONS = [
  'org.read',
  'org.write',
  'users.read',
  'users.write',
  'users.roles',
  'users.unlock',
  'tokens.manage',
  'audit.read',
  'audit.verify',
  'grids.read',
  'grids.write',
  'categories.read',
  'categories.write',
  'routing.read',
  'routing.write',
  'calendar.read',
  'calendar.write',
  'cases.read',
  'cases.report',
  'cases.work',
  'cases.export',
  'media.upload',
  'inspections.read',
  'inspections.write',
  'notifications.manage',
  'sensors.read',
  'sensors.write',
] as const;
export const ZPermission = z.enum(PERMISSIONS);
export type TPermission = z.infer<typeof ZPermission>;

/** What each role may do. Data scope (which objects) is decided separately, by the org tree. */
// Reading the district's structure (grids, categories, who is responsible, the working calendar) is
// everyday knowledge for every working role; changing it is the system administrator's job.
const READ_STRUCTURE: readonly TPermission[] = [
  'org.read',
  'grids.read',
  'categories.read',
  'routing.read',
  'calendar.read',
];

// Working on cases: which transition a role may take, and on which cases, is data in cases.states.ts;
// 'cases.work' only opens the door to that check.
const CASE_WORK: readonly TPermission[] = ['cases.read', 'cases.report', 'cases.work', 'media.upload'];

export const ROLE_PERMISSIONS: Record<TRole, readonly TPermission[]> = {
  leader: [...READ_STRUCTURE, 'users.read', ...CASE_WORK, 'cases.export', 'inspections.read', 'sensors.read'],
  commander: [
    ...READ_STRUCTURE,
    'users.read',
    ...CASE_WORK,
    'cases.export',
    'inspections.read',
    'inspections.write',
    'sensors.read',
    'sensors.write',
  ],
  unit_head: [
    ...READ_STRUCTURE,
    'users.read',
    ...CASE_WORK,
    'cases.export',
    'inspections.read',
    'inspections.write',
    'sensors.read',
    'sensors.write',
  ],
  unit_staff: [...READ_STRUCTURE, ...CASE_WORK, 'inspections.read', 'inspections.write', 'sensors.read'],
  field_worker: [...READ_STRUCTURE, ...CASE_WORK, 'inspections.read', 'sensors.read'],
  inspector: [...READ_STRUCTURE, ...CASE_WORK, 'cases.export', 'inspections.read', 'inspections.write', 'sensors.read'],
  auditor: [
    ...READ_STRUCTURE,
    'users.read',
    'audit.read',
    'cases.read',
    'cases.export',
    'inspections.read',
    'sensors.read',
  ],
  sys_admin: [
    ...READ_STRUCTURE,
    'org.write',
    'users.read',
    'users.write',
    'tokens.manage',
    'grids.write',
    'categories.write',
    'routing.write',
    'calendar.write',
    'notifications.manage',
    'sensors.read',
    'sensors.write',
  ],
  sec_admin: ['org.read', 'users.read', 'users.roles', 'users.unlock'],
  audit_admin: ['audit.read', 'audit.verify'],
};

/** How far a role sees: the whole tenant, its HQ's units and categories, or its own unit subtree. */
export type TScopeKind = 'tenant' | 'hq' | 'unit';
export const ROLE_SCOPE: Record<TRole, TScopeKind> = {
  leader: 'tenant',
  commander: 'hq',
  unit_head: 'unit',
  unit_staff: 'unit',
  field_worker: 'unit',
  inspector: 'tenant',
  auditor: 'tenant',
  sys_admin: 'tenant',
  sec_admin: 'tenant',
  audit_admin: 'tenant',
};

export function permissionsOf(roles: readonly TRole[]): TPermission[] {
  const set = new Set<TPermission>();
  for (const r of roles) for (const p of ROLE_PERMISSIONS[r]) set.add(p);
  return [...set].sort();
}

/** The web menu: an entry shows when the user holds its permission (or always, without one). */
export interface MenuEntry {
  key: string;
  path: string;
  label: string;
  labelEn: string;
  permission?: TPermission;
}
export const MENU: readonly MenuEntry[] = [
  { key: 'home', path: '/', label: '首页', labelEn: 'Home' },
  { key: 'report', path: '/report', label: '上报问题', labelEn: 'Report a problem', permission: 'cases.report' },
  { key: 'tasks', path: '/tasks', label: '我的任务', labelEn: 'My tasks', permission: 'cases.work' },
  { key: 'dispatch', path: '/dispatch', label: '派遣队列', labelEn: 'Dispatch queue', permission: 'cases.work' },
  { key: 'cases', path: '/cases', label: '案件台账', labelEn: 'Case ledger', permission: 'cases.read' },
  {
    key: 'orders',
    path: '/orders',
    label: '责令改正',
    labelEn: 'Rectification orders',
    permission: 'inspections.read',
  },
  {
    key: 'operations',
    path: '/operations',
    label: '整治行动',
    labelEn: 'Field operations',
    permission: 'inspections.read',
  },
  { key: 'sites', path: '/sites', label: '工地扬尘', labelEn: 'Construction dust', permission: 'sensors.read' },
  { key: 'inbox', path: '/inbox', label: '消息', labelEn: 'Inbox' },
  { key: 'map', path: '/map', label: '网格地图', labelEn: 'Grid map', permission: 'grids.read' },
  { key: 'org', path: '/org', label: '组织机构', labelEn: 'Organisation', permission: 'org.read' },
  { key: 'categories', path: '/categories', label: '问题分类', labelEn: 'Categories', permission: 'categories.read' },
  { key: 'routing', path: '/routing', label: '责任矩阵', labelEn: 'Responsibility', permission: 'routing.read' },
  { key: 'calendar', path: '/calendar', label: '工作日历', labelEn: 'Calendar', permission: 'calendar.read' },
  { key: 'users', path: '/users', label: '用户管理', labelEn: 'Users', permission: 'users.read' },
  {
    key: 'channels',
    path: '/channels',
    label: '通知渠道',
    labelEn: 'Notification channels',
    permission: 'notifications.manage',
  },
  { key: 'tokens', path: '/tokens', label: '接口令牌', labelEn: 'API tokens', permission: 'tokens.manage' },
  { key: 'audit', path: '/audit', label: '审计日志', labelEn: 'Audit log', permission: 'audit.read' },
  { key: 'account', path: '/account', label: '账户安全', labelEn: 'My account' },
];

export function menuFor(permissions: readonly TPermission[]): MenuEntry[] {
  const have = new Set(permissions);
  return MENU.filter((m) => !m.permission || have.has(m.permission));
}

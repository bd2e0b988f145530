/**
 * The demo district from the source article: 经开区 with the 明湖, 九龙, 潮河 subdistricts, 李南岗
 * community, eight command HQs and the bureaus the article names. Units the article does not name are
 * invented and carry is_demo = true (shown as 演示 in the UI).
 */
import { randomUUID } from 'node:crypto';
import type { TRole } from '../../../common/roles.ts';

export const DEMO_PASSWORD = 'Demo#2026';

/** Fixed TOTP secrets of the demo admin accounts (base32), so anyone can add them to an authenticator app. */
export const DEMO_TOTP_SECRETS: Record<'sys_admin' | 'sec_admin' | 'audit_admin', string> = {
  sys_admin: 'GCDEMOSYSADMINXXXXXXXXXXXXXXXXXX',
  sec_admin: 'GCDEMOSECADMINXXXXXXXXXXXXXXXXXX',
  audit_admin: 'GCDEMOAUDITADMINXXXXXXXXXXXXXXXX',
};

export interface DemoUnit {
  key: string;
  parent: string | null;
  type: 'leading_group' | 'hq' | 'department' | 'subdistrict' | 'community' | 'squad';
  code: string;
  name: string;
  /** true when the article does not name this unit. */
  invented: boolean;
}

export const DEMO_UNITS: DemoUnit[] = [
  { key: 'lg', parent: null, type: 'leading_group', code: '410171', name: '经开区“双迎攻坚”领导小组', invented: false },
  // The eight command HQs: the article names 交通 and 铁路河渠; the other six are what such campaigns have.
  { key: 'hq_traffic', parent: 'lg', type: 'hq', code: '410171-HQ01', name: '交通指挥部', invented: false },
  { key: 'hq_rail', parent: 'lg', type: 'hq', code: '410171-HQ02', name: '铁路河渠指挥部', invented: false },
  { key: 'hq_cityscape', parent: 'lg', type: 'hq', code: '410171-HQ03', name: '市容环境指挥部', invented: true },
  { key: 'hq_market', parent: 'lg', type: 'hq', code: '410171-HQ04', name: '农贸市场指挥部', invented: true },
  { key: 'hq_sites', parent: 'lg', type: 'hq', code: '410171-HQ05', name: '建筑工地扬尘治理指挥部', invented: true },
  { key: 'hq_shops', parent: 'lg', type: 'hq', code: '410171-HQ06', name: '三小门店指挥部', invented: true },
  { key: 'hq_villages', parent: 'lg', type: 'hq', code: '410171-HQ07', name: '城中村及老旧小区指挥部', invented: true },
  { key: 'hq_publicity', parent: 'lg', type: 'hq', code: '410171-HQ08', name: '宣传氛围指挥部', invented: true },
  // Departments (局委): 社区局, 环保局, 消防中心 and 爱卫办 are in the article.
  { key: 'd_community', parent: 'lg', type: 'department', code: '410171-D01', name: '社区局', invented: false },
  { key: 'd_env', parent: 'lg', type: 'department', code: '410171-D02', name: '环保局', invented: false },
  { key: 'd_fire', parent: 'lg', type: 'department', code: '410171-D03', name: '消防中心', invented: false },
  { key: 'd_health', parent: 'lg', type: 'department', code: '410171-D04', name: '爱卫办', invented: false },
  { key: 'd_urban', parent: 'lg', type: 'department', code: '410171-D05', name: '城市管理局', invented: true },
  { key: 'd_build', parent: 'lg', type: 'department', code: '410171-D06', name: '建设局', invented: true },
  { key: 'd_market', parent: 'lg', type: 'department', code: '410171-D07', name: '市场监督管理局', invented: true },
  { key: 'd_transport', parent: 'lg', type: 'department', code: '410171-D08', name: '交通运输局', invented: true },
  { key: 'd_inspect', parent: 'lg', type: 'department', code: '410171-D09', name: '督查室', invented: true },
  // Subdistrict offices (办事处) and communities.
  { key: 's_minghu', parent: 'lg', type: 'subdistrict', code: '410171001', name: '明湖办事处', invented: false },
  { key: 's_jiulong', parent: 'lg', type: 'subdistrict', code: '410171002', name: '九龙办事处', invented: false },
  { key: 's_chaohe', parent: 'lg', type: 'subdistrict', code: '410171003', name: '潮河办事处', invented: false },
  {
    key: 'c_linangang',
    parent: 's_minghu',
    type: 'community',
    code: '410171001001',
    name: '李南岗社区',
    invented: false,
  },
  { key: 'c_xiangyun', parent: 's_minghu', type: 'community', code: '410171001002', name: '祥云社区', invented: true },
  { key: 'c_jiulong', parent: 's_jiulong', type: 'community', code: '410171002001', name: '九龙社区', invented: true },
  { key: 'c_xingfu', parent: 's_jiulong', type: 'community', code: '410171002002', name: '幸福社区', invented: true },
  { key: 'c_chaohe', parent: 's_chaohe', type: 'community', code: '410171003001', name: '潮河社区', invented: true },
  { key: 'c_binhe', parent: 's_chaohe', type: 'community', code: '410171003002', name: '滨河社区', invented: true },
  // Squads the article names under 明湖.
  {
    key: 'q_minghu_guide',
    parent: 's_minghu',
    type: 'squad',
    code: '410171001-Q01',
    name: '明湖办事处市容劝导中队',
    invented: false,
  },
  {
    key: 'q_minghu_patrol',
    parent: 's_minghu',
    type: 'squad',
    code: '410171001-Q02',
    name: '明湖办事处巡防队',
    invented: false,
  },
];

/** Which units answer to which HQ (lead unit first). */
export const DEMO_HQ_MEMBERS: Record<string, string[]> = {
  hq_traffic: ['d_transport', 's_minghu', 's_jiulong', 's_chaohe'],
  hq_rail: ['d_urban', 's_minghu', 's_chaohe'],
  hq_cityscape: ['d_urban', 's_minghu', 's_jiulong', 's_chaohe'],
  hq_market: ['d_market', 's_minghu', 's_jiulong'],
  hq_sites: ['d_build', 'd_env'],
  hq_shops: ['d_health', 'd_market', 'd_fire'],
  hq_villages: ['d_community', 's_minghu', 's_jiulong', 's_chaohe'],
  hq_publicity: ['d_community'],
};

/** HQ commanders among the demo accounts (the other HQs have none yet: the home page shows 未设置). */
export const DEMO_HQ_COMMANDERS: Record<string, string> = { hq_traffic: 'commander' };

export interface DemoAccount {
  username: TRole;
  displayName: string;
  unit: string | null;
}

/** One account per role, named after the role. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'leader', displayName: '区领导(演示)', unit: 'lg' },
  { username: 'commander', displayName: '交通指挥部指挥长(演示)', unit: 'hq_traffic' },
  { username: 'unit_head', displayName: '明湖办事处负责人(演示)', unit: 's_minghu' },
  { username: 'unit_staff', displayName: '李南岗社区工作人员(演示)', unit: 'c_linangang' },
  { username: 'field_worker', displayName: '李南岗社区网格员(演示)', unit: 'c_linangang' },
  { username: 'inspector', displayName: '督查室督查员(演示)', unit: 'd_inspect' },
  { username: 'auditor', displayName: '审计员(演示)', unit: null },
  { username: 'sys_admin', displayName: '系统管理员(演示)', unit: null },
  { username: 'sec_admin', displayName: '安全管理员(演示)', unit: null },
  { username: 'audit_admin', displayName: '审计管理员(演示)', unit: null },
];

/** Stable ids are not needed: keys map to fresh UUIDs per seed. */
export function demoIds(): Map<string, string> {
  return new Map(DEMO_UNITS.map((u) => [u.key, randomUUID()]));
}

/**
 * The demo catalogue: the 数字城管 event classes (事件) and component classes (部件) with common 小类,
 * plus the article's own targets, which are added as 小类 where they fit and as a 攻坚专项 大类 where not.
 * Time limits and deduction points are plausible demo values, to be set by each district.
 */
import { randomUUID } from 'node:crypto';
import type { Tx } from '../../db/client.ts';
import * as repo from './categories.repo.ts';
import type { Severity, TimeLimit } from './categories.schema.ts';

type Limits = Partial<Record<Severity, TimeLimit>>;
const wh = (normal: number, urgent?: number): Limits => ({
  normal: { value: normal, unit: 'working_hours' },
  ...(urgent ? { urgent: { value: urgent, unit: 'emergency_hours' } } : {}),
});
const wd = (normal: number, major?: number): Limits => ({
  normal: { value: normal, unit: 'working_days' },
  ...(major ? { major: { value: major, unit: 'working_days' } } : {}),
});

/** Points lost per case by source: what outside inspectors find costs most. */
const DEDUCTIONS = {
  city_video: 2,
  provincial_undercover: 3,
  city_supervision: 1,
  district_supervision: 0.5,
  hotline_12345: 0.5,
  citizen: 0.2,
  inspection: 0.5,
  sensor: 0.5,
  patrol: 0,
};

interface SeedCategory {
  code: string;
  name: string;
  kind: 'event' | 'component' | 'campaign';
  hq: string;
  unit: string;
  limits: Limits;
  register?: string;
  close?: string;
  children?: Omit<SeedCategory, 'kind' | 'children'>[];
}

const CITY = { hq: '市容环境指挥部', unit: '城市管理局' };

export const DEMO_CATEGORIES: SeedCategory[] = [
  {
    code: 'E01',
    name: '市容环境',
    kind: 'event',
    ...CITY,
    limits: wh(4),
    children: [
      {
        code: 'E0101',
        name: '违章建筑(私搭乱建)',
        ...CITY,
        limits: wd(5, 10),
        register: '公共区域新建、扩建的违法建设或私搭乱建',
        close: '拆除完毕,现场恢复原状,附拆除后照片',
      },
      {
        code: 'E0102',
        name: '暴露垃圾',
        ...CITY,
        limits: wh(2, 1),
        register: '道路、广场、居民区等公共区域可见的生活垃圾、杂物',
        close: '垃圾清运干净,现场无残留,附处置后照片',
      },
      {
        code: 'E0103',
        name: '积存垃圾渣土',
        ...CITY,
        limits: wh(8, 2),
        register: '长期堆积、体量超过 1 立方米的垃圾或渣土',
        close: '清运完毕并注明清运量(立方米),附处置后照片',
      },
      {
        code: 'E0104',
        name: '道路不洁',
        ...CITY,
        limits: wh(2),
        register: '路面明显污渍、泥土、油渍',
        close: '路面清扫冲洗干净',
      },
      {
        code: 'E0105',
        name: '绿地脏乱',
        ...CITY,
        limits: wh(4),
        register: '绿地内有垃圾、杂物或被踩踏破坏',
        close: '清理干净、补植完成',
      },
      {
        code: 'E0106',
        name: '焚烧垃圾树叶',
        ...CITY,
        limits: wh(1, 1),
        register: '露天焚烧垃圾、树叶、秸秆',
        close: '明火扑灭、残留清理',
      },
    ],
  },
  {
    code: 'E02',
    name: '宣传广告',
    kind: 'event',
    ...CITY,
    limits: wh(4),
    children: [
      {
        code: 'E0201',
        name: '违规小广告',
        ...CITY,
        limits: wh(4),
        register: '墙面、电杆、设施上张贴、喷涂的小广告',
        close: '清除干净不留痕迹,注明清理处数',
      },
      {
        code: 'E0202',
        name: '违规广告牌匾',
        ...CITY,
        limits: wd(3, 5),
        register: '未经审批或破损、存在安全隐患的广告牌匾',
        close: '拆除或整改到位',
      },
      {
        code: 'E0203',
        name: '街头散发广告',
        ...CITY,
        limits: wh(2),
        register: '街头散发商业广告',
        close: '劝离并清理',
      },
    ],
  },
  {
    code: 'E03',
    name: '施工管理',
    kind: 'event',
    hq: '建筑工地扬尘治理指挥部',
    unit: '建设局',
    limits: wh(8),
    children: [
      {
        code: 'E0301',
        name: '施工扰民',
        hq: '建筑工地扬尘治理指挥部',
        unit: '建设局',
        limits: wh(4),
        register: '夜间违规施工或噪声超标',
        close: '停止违规施工',
      },
      {
        code: 'E0302',
        name: '工地扬尘',
        hq: '建筑工地扬尘治理指挥部',
        unit: '环保局',
        limits: wh(4, 2),
        register: '工地裸土未覆盖、车辆未冲洗、监测超标等扬尘问题',
        close: '覆盖、冲洗、喷淋等措施到位,附照片',
      },
      {
        code: 'E0303',
        name: '道路遗撒',
        hq: '建筑工地扬尘治理指挥部',
        unit: '建设局',
        limits: wh(2, 1),
        register: '运输车辆遗撒渣土、泥浆',
        close: '清理完毕,责任车辆已查处',
      },
      {
        code: 'E0304',
        name: '施工占道',
        hq: '建筑工地扬尘治理指挥部',
        unit: '建设局',
        limits: wd(2),
        register: '施工围挡、材料占用道路未审批',
        close: '恢复通行或补办手续',
      },
    ],
  },
  {
    code: 'E04',
    name: '突发事件',
    kind: 'event',
    ...CITY,
    limits: { normal: { value: 2, unit: 'emergency_hours' }, urgent: { value: 1, unit: 'emergency_hours' } },
    children: [
      {
        code: 'E0401',
        name: '路面塌陷',
        ...CITY,
        limits: { normal: { value: 2, unit: 'emergency_hours' }, urgent: { value: 1, unit: 'emergency_hours' } },
        register: '路面塌陷、大面积破损危及通行',
        close: '设置警示、抢修完成',
      },
      {
        code: 'E0402',
        name: '道路积水',
        ...CITY,
        limits: { normal: { value: 2, unit: 'emergency_hours' } },
        register: '降雨后道路积水影响通行',
        close: '排水完毕',
      },
      {
        code: 'E0403',
        name: '井盖缺失',
        ...CITY,
        limits: { normal: { value: 1, unit: 'emergency_hours' } },
        register: '井盖缺失、移位、破损',
        close: '补装或复位,设置警示',
      },
    ],
  },
  {
    code: 'E05',
    name: '街面秩序',
    kind: 'event',
    ...CITY,
    limits: wh(4),
    children: [
      {
        code: 'E0501',
        name: '占道经营(无照游商)',
        ...CITY,
        limits: wh(2),
        register: '流动摊贩占道经营',
        close: '劝离或取缔',
      },
      {
        code: 'E0502',
        name: '突店经营(店外经营)',
        ...CITY,
        limits: wh(4),
        register: '商户超出门窗在店外经营、作业',
        close: '回归店内经营,附整改后照片',
      },
      {
        code: 'E0503',
        name: '机动车乱停放',
        hq: '交通指挥部',
        unit: '交通运输局',
        limits: wh(2),
        register: '机动车在人行道、禁停区域停放',
        close: '车辆驶离或已处罚',
      },
      {
        code: 'E0504',
        name: '非机动车乱停放',
        hq: '交通指挥部',
        unit: '交通运输局',
        limits: wh(2),
        register: '共享单车、电动车无序停放',
        close: '摆放整齐',
      },
      { code: 'E0505', name: '露天烧烤', ...CITY, limits: wh(1), register: '露天烧烤产生油烟', close: '停止烧烤' },
      {
        code: 'E0506',
        name: '学校周边交通秩序',
        hq: '交通指挥部',
        unit: '交通运输局',
        limits: wh(1),
        register: '上下学时段学校周边拥堵、乱停乱放',
        close: '疏导到位,常态化值守已落实',
      },
      {
        code: 'E0507',
        name: '农贸市场秩序',
        hq: '农贸市场指挥部',
        unit: '市场监督管理局',
        limits: wd(1),
        register: '市场内外占道、脏乱、活禽违规',
        close: '整治到位,附照片',
      },
    ],
  },
  {
    code: 'C01',
    name: '公用设施',
    kind: 'component',
    ...CITY,
    limits: wd(2),
    children: [
      { code: 'C0101', name: '井盖破损', ...CITY, limits: wh(4, 1) },
      { code: 'C0102', name: '消防栓损坏', hq: '三小门店指挥部', unit: '消防中心', limits: wd(1) },
      { code: 'C0103', name: '路灯损坏', ...CITY, limits: wd(2) },
    ],
  },
  {
    code: 'C02',
    name: '道路交通',
    kind: 'component',
    hq: '交通指挥部',
    unit: '交通运输局',
    limits: wd(2),
    children: [
      { code: 'C0201', name: '交通标志牌损坏', hq: '交通指挥部', unit: '交通运输局', limits: wd(2) },
      { code: 'C0202', name: '护栏损坏', hq: '交通指挥部', unit: '交通运输局', limits: wd(2) },
    ],
  },
  {
    code: 'C03',
    name: '市容环境设施',
    kind: 'component',
    ...CITY,
    limits: wd(2),
    children: [
      { code: 'C0301', name: '垃圾箱破损满溢', ...CITY, limits: wh(4) },
      { code: 'C0302', name: '公厕设施损坏', ...CITY, limits: wd(1) },
    ],
  },
  {
    code: 'C04',
    name: '园林绿化',
    kind: 'component',
    ...CITY,
    limits: wd(3),
    children: [
      {
        code: 'C0401',
        name: '绿化缺损',
        ...CITY,
        limits: wd(5),
        register: '行道树、绿篱、草坪缺株断档或枯死',
        close: '补植完成',
      },
      { code: 'C0402', name: '树木倒伏', ...CITY, limits: { normal: { value: 4, unit: 'emergency_hours' } } },
    ],
  },
  { code: 'C05', name: '其他设施', kind: 'component', ...CITY, limits: wd(3) },
  {
    code: 'S01',
    name: '攻坚专项',
    kind: 'campaign',
    ...CITY,
    limits: wd(1),
    children: [
      {
        code: 'S0101',
        name: '三小门店卫生',
        hq: '三小门店指挥部',
        unit: '爱卫办',
        limits: wd(2),
        register: '小餐饮、小食品店、小美容美发等门店卫生不达标',
        close: '复查达标,附整改后照片',
      },
      { code: 'S0102', name: '城中村环境', hq: '城中村及老旧小区指挥部', unit: '社区局', limits: wd(3) },
      { code: 'S0103', name: '公益广告氛围', hq: '宣传氛围指挥部', unit: '社区局', limits: wd(3) },
    ],
  },
];

/** The demo catalogue: 数字城管 event and component classes plus the campaign's own categories. */
export async function seedDemoCategories(
  tx: Tx,
  tenantId: string,
  unitIdByName: Map<string, string>,
  now: Date,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const cats: Parameters<typeof repo.insertCategories>[1] = [];
  const versions: Parameters<typeof repo.insertVersions>[1] = [];
  const add = (
    c: Omit<SeedCategory, 'children'> & { kind: SeedCategory['kind'] },
    parentId: string | null,
    sort: number,
  ) => {
    const id = randomUUID();
    ids.set(c.code, id);
    cats.push({
      tenantId,
      id,
      code: c.code,
      parentId,
      name: c.name,
      kind: c.kind,
      sortOrder: sort,
      currentVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    versions.push({
      tenantId,
      categoryId: id,
      version: 1,
      leadHqId: unitIdByName.get(c.hq) ?? null,
      leadUnitId: unitIdByName.get(c.unit) ?? null,
      timeLimits: c.limits,
      registerCondition: c.register ?? '',
      closeCondition: c.close ?? '',
      evidence: { beforePhotos: 1, afterPhotos: 1 },
      deductions: DEDUCTIONS,
      note: '演示数据:时限与扣分标准请按本区考评办法设置',
      createdAt: now,
    });
    return id;
  };
  let sort = 0;
  for (const group of DEMO_CATEGORIES) {
    const gid = add(group, null, sort++);
    for (const child of group.children ?? []) add({ ...child, kind: group.kind }, gid, sort++);
  }
  await repo.insertCategories(tx, cats);
  await repo.insertVersions(tx, versions);
  return ids;
}

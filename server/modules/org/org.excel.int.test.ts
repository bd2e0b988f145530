/**
 * Excel import/export of units and people: templates, round trips, the row-by-row error report of a
 * bad file (and that nothing of it is stored), the fixed file, admin roles, and the scope of exports.
 * Test workbooks are generated here with exceljs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { TImportIssue, TImportResult, TOrgUnit } from '../../../common/org.ts';
import { XLSX_MIME } from '../../../common/org.ts';
import { rowsOf } from '../../db/client.ts';
import { createTestApp, type Session, type TestApp } from '../../test/app.ts';

let t: TestApp;
let admin: Session;

before(async () => {
  t = await createTestApp();
  admin = await t.login('sys_admin');
});
after(() => t.close());

async function xlsx(header: string[], rows: (string | number)[][], sheet = 'data'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheet);
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
async function load(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb;
}
const upload = (s: Session, kind: 'units' | 'people', file: Buffer, dryRun: boolean) =>
  t.as(s, {
    method: 'POST',
    url: `/api/v1/org/import/${kind}${dryRun ? '?dryRun=true' : ''}`,
    payload: file,
    headers: { 'content-type': XLSX_MIME },
  });
const download = async (s: Session, url: string) => {
  const res = await t.as(s, { method: 'GET', url });
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  assert.equal(res.headers['content-type'], XLSX_MIME);
  return res.rawPayload;
};
async function scalar(q: ReturnType<typeof sql>): Promise<string> {
  const [r] = rowsOf<{ v: unknown }>(await t.deps.database.db.execute(q));
  return String(r?.v);
}
const state = async () => ({
  units: await scalar(sql`select count(*) || '/' || max(updated_at)::text as v from org_units`),
  users: await scalar(sql`select count(*) || '/' || max(updated_at)::text as v from users`),
  audit: await scalar(sql`select count(*) as v from audit_events`),
});
const columnValues = (ws: ExcelJS.Worksheet, col: number) =>
  ws
    .getColumn(col)
    .values.slice(2)
    .map((v) => String(v ?? ''));

describe('templates', () => {
  test('units template: a 单位 sheet with the header in Chinese, a type drop-down, and 说明', async () => {
    const wb = await load(await download(admin, '/api/v1/org/templates/units.xlsx'));
    assert.deepEqual(
      wb.worksheets.map((w) => w.name),
      ['单位', '说明'],
    );
    const ws = wb.getWorksheet('单位') as ExcelJS.Worksheet;
    assert.deepEqual((ws.getRow(1).values as unknown[]).slice(1), [
      '单位编码*',
      '单位名称*',
      '单位类型*',
      '上级单位编码',
      '排序号',
    ]);
    assert.equal(ws.rowCount, 1, 'no sample rows in the data sheet');
    assert.deepEqual(ws.getCell('C2').dataValidation.formulae, ['"领导小组,指挥部,局委,办事处,社区,队伍"']);
    const info = (wb.getWorksheet('说明') as ExcelJS.Worksheet).getColumn(1).values.map(String).join('\n');
    assert.match(info, /上级单位编码/);
  });

  test('people template: roles drop-down without admin roles, and the unit codes in scope', async () => {
    const wb = await load(await download(admin, '/api/v1/org/templates/people.xlsx'));
    assert.deepEqual(
      wb.worksheets.map((w) => w.name),
      ['人员', '单位编码表', '说明'],
    );
    const ws = wb.getWorksheet('人员') as ExcelJS.Worksheet;
    assert.deepEqual((ws.getRow(1).values as unknown[]).slice(1), [
      '用户名*',
      '姓名*',
      '单位编码',
      '单位名称(仅供参考)',
      '角色*',
      '手机号',
      '状态',
      '初始密码',
    ]);
    const roles = ws.getCell('E2').dataValidation.formulae?.[0] ?? '';
    assert.match(roles, /网格员/);
    assert.doesNotMatch(roles, /管理员/);
    assert.match(ws.getCell('C2').dataValidation.formulae?.[0] ?? '', /^'单位编码表'!\$A\$2:\$A\$\d+$/);
    assert.ok(columnValues(wb.getWorksheet('单位编码表') as ExcelJS.Worksheet, 1).includes('410171001001'));
  });
});

describe('round trips', () => {
  test('exported units import back as a no-op update', async () => {
    const before = await state();
    const file = await download(admin, '/api/v1/org/export/units.xlsx');
    const res = await upload(admin, 'units', file, false);
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    const r = res.json() as TImportResult;
    assert.equal(r.applied, true);
    assert.ok(r.summary.rows >= 29);
    assert.deepEqual(r.summary, { rows: r.summary.rows, create: 0, update: 0, unchanged: r.summary.rows, error: 0 });
    const after = await state();
    assert.equal(after.units, before.units, 'no unit touched');
    assert.equal(Number(after.audit), Number(before.audit) + 1, 'the import is recorded once');
  });

  test('exported people (admins included) import back as a no-op update', async () => {
    const file = await download(admin, '/api/v1/org/export/people.xlsx');
    const before = await state();
    const res = await upload(admin, 'people', file, false);
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    const r = res.json() as TImportResult;
    assert.equal(r.summary.unchanged, r.summary.rows);
    assert.ok(r.rows.some((x) => x.key === 'sec_admin' && x.action === 'unchanged'));
    assert.deepEqual(r.passwords, []);
    assert.equal((await state()).users, before.users);
  });
});

describe('export scope', () => {
  test('a unit head exports only the people and units of 明湖', async () => {
    const head = await t.login('unit_head');
    const people = (await load(await download(head, '/api/v1/org/export/people.xlsx'))).getWorksheet('人员');
    const names = columnValues(people as ExcelJS.Worksheet, 1).sort();
    assert.deepEqual(names, ['field_worker', 'unit_head', 'unit_staff']);
    const units = (await load(await download(head, '/api/v1/org/export/units.xlsx'))).getWorksheet('单位');
    const codes = columnValues(units as ExcelJS.Worksheet, 1);
    assert.ok(codes.includes('410171001') && codes.includes('410171001001'));
    assert.ok(
      codes.every((c) => c.startsWith('410171001')),
      codes.join(','),
    );
    // A unit head may read but not import.
    const res = await upload(head, 'people', await xlsx(['用户名', '姓名', '角色'], [['x1y', '某', '网格员']]), true);
    assert.equal(res.statusCode, 403);
  });
});

const UNIT_HEADER = ['单位编码', '单位名称', '单位类型', '上级单位编码', '排序号'];

describe('importing units', () => {
  // Children before their parents, several errors, a cycle: rows 2 and 3 are fine.
  const bad = [
    ['410171004001', '示例社区一', '社区', '410171004', 1],
    ['410171004', '示例办事处', '办事处', '410171', 4],
    ['410171004002', '', '社区', '410171004', ''],
    ['410171004003', '示例社区三', '小区', '410171004', ''],
    ['410171004001', '重复社区', '社区', '410171004', ''],
    ['410171004-Q1', '示例中队', '队伍', 'NOPE', 'x'],
    ['410171004004', '错挂社区', '社区', '410171-D02', ''],
    ['410171002', '九龙办事处', '社区', '410171', ''],
    ['LOOP-A', '循环甲', '领导小组', 'LOOP-B', ''],
    ['LOOP-B', '循环乙', '领导小组', 'LOOP-A', ''],
    ['410171001002', '祥云社区', '社区', '410171004', ''],
  ];
  const expected: TImportIssue[] = [
    { row: 4, column: 'B', field: 'name', message: '单位名称不能为空' },
    {
      row: 5,
      column: 'C',
      field: 'type',
      message: '单位类型「小区」无效,应为 领导小组、指挥部、局委、办事处、社区、队伍 之一',
    },
    { row: 6, column: 'A', field: 'code', message: '单位编码「410171004001」与第 2 行重复' },
    {
      row: 7,
      column: 'D',
      field: 'parentCode',
      message: '上级单位编码「NOPE」不存在(本表和系统中都没有)或不在管辖范围内',
    },
    { row: 7, column: 'E', field: 'sortOrder', message: '排序号「x」应为 0–999999 的整数' },
    {
      row: 8,
      column: 'D',
      field: 'parentCode',
      message: '上级「环保局」是局委:社区不能作为局委的下级,只能位于:办事处',
    },
    {
      row: 9,
      column: 'C',
      field: 'type',
      message: '已有单位「九龙办事处」的类型是办事处,类型不能通过导入修改',
    },
    { row: 10, column: 'D', field: 'parentCode', message: '上级关系形成循环:LOOP-A → LOOP-B → LOOP-A' },
    { row: 11, column: 'D', field: 'parentCode', message: '上级关系形成循环:LOOP-B → LOOP-A → LOOP-B' },
  ];

  test('a file with several errors: the dry run names row, column and reason for each', async () => {
    const res = await upload(admin, 'units', await xlsx(UNIT_HEADER, bad), true);
    assert.equal(res.statusCode, 200);
    const r = res.json() as TImportResult;
    assert.equal(r.dryRun, true);
    assert.equal(r.applied, false);
    assert.deepEqual(r.errors, expected);
    assert.deepEqual(
      r.rows.map((x) => [x.row, x.action]),
      [
        [2, 'create'],
        [3, 'create'],
        [4, 'error'],
        [5, 'error'],
        [6, 'error'],
        [7, 'error'],
        [8, 'error'],
        [9, 'error'],
        [10, 'error'],
        [11, 'error'],
        [12, 'update'],
      ],
    );
    assert.deepEqual(r.rows.at(-1)?.changes, ['parentCode']);
  });

  test('the real import of that file stores nothing and answers 422 with the same report', async () => {
    const before = await state();
    const res = await upload(admin, 'units', await xlsx(UNIT_HEADER, bad), false);
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().code, 'UNPROCESSABLE');
    assert.match(res.json().message, /^8 行有错误,未导入任何数据/);
    assert.deepEqual(res.json().details, expected);
    assert.deepEqual(await state(), before);
  });

  test('the fixed file imports everything: parents resolved in any order, a rename, a move', async () => {
    const fixed = [
      ['410171004001', '示例社区一', '社区', '410171004', 1],
      ['410171004', '示例办事处', '办事处', '410171', 4],
      ['410171004002', '示例社区二', '社区', '410171004', ''],
      ['410171004003', '示例社区三', '社区', '410171004', ''],
      ['410171004005', '示例社区五', '社区', '410171004', ''],
      ['410171004-Q1', '示例中队', '队伍', '410171004', 2],
      ['410171004004', '示例社区四', '社区', '410171004', ''],
      ['410171002', '九龙街道办事处', '办事处', '410171', ''],
      ['LOOP-A', '专项组甲', '领导小组', '410171', ''],
      ['LOOP-B', '专项组乙', '领导小组', 'LOOP-A', ''],
      ['410171001002', '祥云社区', '社区', '410171004', ''],
    ];
    const preview = (await upload(admin, 'units', await xlsx(UNIT_HEADER, fixed), true)).json() as TImportResult;
    assert.deepEqual(preview.errors, []);
    assert.deepEqual(preview.summary, { rows: 11, create: 9, update: 2, unchanged: 0, error: 0 });
    const auditBefore = Number((await state()).audit);
    const res = await upload(admin, 'units', await xlsx(UNIT_HEADER, fixed), false);
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    assert.equal((res.json() as TImportResult).applied, true);
    assert.equal(Number((await state()).audit), auditBefore + 1);

    const units = (await t.as(admin, { method: 'GET', url: '/api/v1/org/units' })).json().items as TOrgUnit[];
    const byCode = (c: string) => units.find((u) => u.code === c) ?? assert.fail(c);
    const path = async (id: string) => scalar(sql`select path as v from org_units where id = ${id}`);
    const sub = byCode('410171004');
    assert.equal(byCode('410171004001').parentId, sub.id);
    assert.equal(await path(byCode('410171004001').id), `${await path(sub.id)}${byCode('410171004001').id}/`);
    assert.equal(byCode('410171004-Q1').sortOrder, 2);
    assert.equal(byCode('LOOP-B').parentId, byCode('LOOP-A').id);
    assert.equal(byCode('410171002').name, '九龙街道办事处');
    const xiangyun = byCode('410171001002');
    assert.equal(xiangyun.parentId, sub.id);
    assert.equal(await path(xiangyun.id), `${await path(sub.id)}${xiangyun.id}/`);
    // 祥云社区 left 明湖: out of the 明湖 head's scope now.
    const head = await t.login('unit_head');
    assert.equal((await t.as(head, { method: 'GET', url: `/api/v1/org/units/${xiangyun.id}` })).statusCode, 404);

    const again = (await upload(admin, 'units', await xlsx(UNIT_HEADER, fixed), true)).json() as TImportResult;
    assert.equal(again.summary.unchanged, 11, 'importing the same file again changes nothing');
  });

  test('unreadable files and missing columns are reported, not stored', async () => {
    const notXlsx = await upload(admin, 'units', Buffer.from('单位编码,单位名称\n1,2\n'), true);
    assert.equal(notXlsx.statusCode, 400);
    assert.match(notXlsx.json().message, /不是 Excel .xlsx 文件/);
    const json = await t.as(admin, { method: 'POST', url: '/api/v1/org/import/units', payload: { a: 1 } });
    assert.equal(json.statusCode, 415);
    const noType = await upload(admin, 'units', await xlsx(['单位编码', '单位名称'], [['A1', '甲']]), true);
    assert.deepEqual((noType.json() as TImportResult).errors, [
      { row: 1, column: '', field: 'type', message: '缺少必填列「单位类型」(第 1 行应为表头)' },
    ]);
    const tooBig = Buffer.alloc(10 * 1024 * 1024 + 10);
    tooBig.writeUInt32LE(0x04034b50, 0);
    const big = await upload(admin, 'units', tooBig, true);
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().code, 'PAYLOAD_TOO_LARGE');
  });
});

const PEOPLE_HEADER = ['用户名', '姓名', '单位编码', '角色', '手机号', '状态', '初始密码'];

describe('importing people', () => {
  const bad = [
    ['wang.wu', '王五', '410171001001', '网格员', '13800000001', '', ''],
    ['Zhao', '赵六', '410171001', '单位负责人', '', '', ''],
    ['sun7', '', 'NOPE', '网格员', '', '', ''],
    ['zhou8', '周八', '', '系统管理员', '', '', ''],
    ['wu9', '吴九', '', '网格员、队长', '', '', ''],
    ['zheng10', '郑十', '', 'field_worker', '12345', '离职', 'abc'],
    ['wang.wu', '王五二', '', '网格员', '', '', ''],
    ['field_worker', '李南岗社区网格员(演示)', '410171001001', '单位负责人', '', '', ''],
  ];
  const expected: TImportIssue[] = [
    {
      row: 3,
      column: 'A',
      field: 'username',
      message: '用户名「Zhao」格式不正确:3–32 位小写字母、数字、下划线、点或连字符,以字母开头',
    },
    { row: 4, column: 'B', field: 'displayName', message: '姓名不能为空' },
    { row: 4, column: 'C', field: 'unitCode', message: '单位编码「NOPE」不存在或不在管辖范围内' },
    {
      row: 5,
      column: 'D',
      field: 'roles',
      message: '不能通过导入授予管理员角色(系统管理员):须由安全管理员在「用户管理」中授予',
    },
    {
      row: 6,
      column: 'D',
      field: 'roles',
      message: '角色「队长」无效,可用:领导、指挥长、单位负责人、单位工作人员、网格员、督查员、审计员',
    },
    { row: 7, column: 'E', field: 'phone', message: '手机号「12345」应为 11 位数字' },
    { row: 7, column: 'F', field: 'status', message: '状态「离职」无效,应为 启用 或 停用' },
    { row: 7, column: 'G', field: 'password', message: '密码至少 8 位' },
    { row: 7, column: 'G', field: 'password', message: '密码须包含大写字母、小写字母、数字、符号中的至少三类' },
    { row: 8, column: 'A', field: 'username', message: '用户名「wang.wu」与第 2 行重复' },
    {
      row: 9,
      column: 'D',
      field: 'roles',
      message: '已有用户的角色不能通过导入修改(现为:网格员),须由安全管理员在「用户管理」中设置',
    },
  ];

  test('a file with several errors: exact reasons by row and column; the real import stores nothing', async () => {
    const file = await xlsx(PEOPLE_HEADER, bad);
    const dry = await upload(admin, 'people', file, true);
    assert.equal(dry.statusCode, 200);
    const r = dry.json() as TImportResult;
    assert.deepEqual(r.errors, expected);
    assert.equal(r.summary.error, 7);
    assert.equal(r.rows[0]?.action, 'create');
    assert.deepEqual(r.rows[0]?.notes, ['初始密码将自动生成,导入完成后显示一次']);
    assert.equal(r.rows.find((x) => x.row === 7)?.values.password, '******', 'passwords are not echoed');

    const before = await state();
    const real = await upload(admin, 'people', file, false);
    assert.equal(real.statusCode, 422);
    assert.deepEqual(real.json().details, expected);
    assert.deepEqual(await state(), before);
  });

  test('admin roles are refused, also for a single clean row', async () => {
    const res = await upload(
      admin,
      'people',
      await xlsx(PEOPLE_HEADER, [['qian1', '钱一', '', '安全管理员', '', '', '']]),
      false,
    );
    assert.equal(res.statusCode, 422);
    assert.deepEqual(res.json().details, [
      {
        row: 2,
        column: 'D',
        field: 'roles',
        message: '不能通过导入授予管理员角色(安全管理员):须由安全管理员在「用户管理」中授予',
      },
    ]);
  });

  test('the fixed file imports everything; generated passwords come back once and must be changed', async () => {
    const fixed = [
      ['wang.wu', '王五', '410171001001', '网格员', '13800000001', '', ''],
      ['zhao6', '赵六', '410171001', '单位负责人', '', '', ''],
      ['sun7', '孙七', '410171001', '网格员', '', '', ''],
      ['zhou8', '周八', '', '单位工作人员', '', '', ''],
      ['wu9', '吴九', '', '网格员、督查员', '', '', ''],
      ['zheng10', '郑十', '', 'field_worker', '13900000007', '停用', 'Zheng#Pass2026'],
      ['wang.wu2', '王五二', '', '网格员', '', '', ''],
      ['field_worker', '李南岗社区网格员(演示)', '410171001001', '网格员', '13700000009', '', ''],
    ];
    const auditBefore = Number((await state()).audit);
    const res = await upload(admin, 'people', await xlsx(PEOPLE_HEADER, fixed), false);
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    const r = res.json() as TImportResult;
    assert.deepEqual(r.summary, { rows: 8, create: 7, update: 1, unchanged: 0, error: 0 });
    assert.deepEqual(r.rows.at(-1)?.changes, ['phone']);
    assert.deepEqual(
      r.passwords.map((p) => p.username),
      ['wang.wu', 'zhao6', 'sun7', 'zhou8', 'wu9', 'wang.wu2'],
    );
    assert.equal(Number((await state()).audit), auditBefore + 1);
    const [event] = rowsOf<{ action: string; details: Record<string, number> }>(
      await t.deps.database.db.execute(sql`select action, details from audit_events order by seq desc limit 1`),
    );
    assert.equal(event?.action, 'users.import');
    assert.equal(event?.details.created, 7);
    assert.equal(event?.details.generatedPasswords, 6);

    const pw = r.passwords[0]?.password ?? '';
    const s = await t.login('wang.wu', pw);
    assert.equal(s.info.user.mustChangePassword, true);
    assert.deepEqual(s.info.user.roles, ['field_worker']);
    assert.equal(s.info.user.unit?.name, '李南岗社区');
    const disabled = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'zheng10', password: 'Zheng#Pass2026' },
    });
    assert.equal(disabled.statusCode, 403);

    const fw = (await t.as(admin, { method: 'GET', url: '/api/v1/users?q=field_worker' })).json().items[0];
    assert.equal(fw.phone, '13700000009');
  });
});

/**
 * Excel plumbing for org import/export (exceljs): writing templates and exports with an instructions
 * sheet and drop-down lists, and reading an uploaded sheet row by row with the streaming reader.
 * No database and no domain rules here.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { IMPORT_MAX_ROWS, type ImportColumn, type TImportIssue } from '../../../common/org.ts';
import { AppError } from '../../lib/errors.ts';

/** A cell as the text an import compares: trimmed, numbers without exponent, rich text joined. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v).toString() : String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (Array.isArray(o.richText))
      return o.richText
        .map((r) => r.text)
        .join('')
        .trim();
    if ('result' in o) return cellText(o.result);
    if (o.text !== undefined) return cellText(o.text);
  }
  return '';
}

/** 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

const normaliseHeader = (h: string) =>
  h
    .replace(/[\s*＊]/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')');

export interface SheetRow {
  /** The Excel row number (the header is row 1). */
  row: number;
  cells: Record<string, string>;
}

export interface ReadSheet {
  rows: SheetRow[];
  /** Column key → letter, for the columns the header row has. */
  letters: Record<string, string>;
  /** Problems with the file or its header row (nothing more is checked when there are any). */
  issues: TImportIssue[];
  sheetName: string;
}

/**
 * Read the data sheet of an uploaded .xlsx with the streaming reader: the sheet named `sheetName`,
 * else the first one. Columns are found by their header text, so their order does not matter;
 * empty rows are skipped.
 */
export async function readSheet(file: Buffer, columns: readonly ImportColumn[], sheetName: string): Promise<ReadSheet> {
  if (file.length < 4 || file.readUInt32LE(0) !== 0x04034b50) {
    throw new AppError('VALIDATION_FAILED', '上传的文件不是 Excel .xlsx 文件', [
      { field: 'body', message: '请上传 .xlsx 格式的文件(不支持 .xls 和 .csv)' },
    ]);
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(file), {
    sharedStrings: 'cache',
    worksheets: 'emit',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  type Sheet = { rows: { number: number; values: unknown[] }[]; name: string };
  let chosen: Sheet | null = null;
  let tooMany = false;
  try {
    for await (const ws of reader) {
      const sheet = ws as unknown as AsyncIterable<{ number: number; values: unknown }> & { name?: string };
      const name = sheet.name ?? '';
      const wanted = chosen === null || (name === sheetName && chosen.name !== sheetName);
      const rows: Sheet['rows'] = [];
      for await (const r of sheet) {
        if (!wanted) continue;
        if (rows.length > IMPORT_MAX_ROWS + 1) {
          tooMany = true;
          break;
        }
        rows.push({ number: r.number, values: Array.isArray(r.values) ? r.values : [] });
      }
      if (wanted) chosen = { rows, name };
      if (tooMany) break;
    }
  } catch (e) {
    throw new AppError('VALIDATION_FAILED', '无法读取该 Excel 文件,文件可能已损坏', [
      { field: 'body', message: e instanceof Error ? e.message.slice(0, 200) : '无法解析' },
    ]);
  }
  const issue = (message: string, field = '', column = ''): TImportIssue => ({ row: 1, column, field, message });
  if (!chosen) return { rows: [], letters: {}, issues: [issue('文件中没有工作表')], sheetName: '' };
  if (tooMany) {
    return {
      rows: [],
      letters: {},
      issues: [issue(`行数超过上限 ${IMPORT_MAX_ROWS} 行,请分批导入`)],
      sheetName: chosen.name,
    };
  }
  const header = chosen.rows.find((r) => r.number === 1);
  const byHeader = new Map<string, number>();
  for (const [i, v] of (header?.values ?? []).entries()) {
    const h = normaliseHeader(cellText(v));
    if (h && !byHeader.has(h)) byHeader.set(h, i);
  }
  const letters: Record<string, string> = {};
  const index: [string, number][] = [];
  const issues: TImportIssue[] = [];
  for (const c of columns) {
    const i = byHeader.get(normaliseHeader(c.header)) ?? byHeader.get(c.key);
    if (i === undefined) {
      if (c.required) issues.push(issue(`缺少必填列「${c.header}」(第 1 行应为表头)`, c.key));
      continue;
    }
    letters[c.key] = columnLetter(i);
    if (!c.readOnly) index.push([c.key, i]);
  }
  const rows: SheetRow[] = [];
  for (const r of chosen.rows) {
    if (r.number === 1) continue;
    const cells: Record<string, string> = {};
    let any = false;
    for (const [key, i] of index) {
      const t = cellText(r.values[i]);
      cells[key] = t;
      if (t) any = true;
    }
    if (any) rows.push({ row: r.number, cells });
  }
  return { rows, letters, issues, sheetName: chosen.name };
}

export interface WorkbookSpec {
  title: string;
  sheetName: string;
  columns: readonly ImportColumn[];
  rows: Record<string, string | number | null>[];
  /** Drop-down lists by column key: inline values, or a range on a reference sheet. */
  lists?: Record<string, { values: string[]; strict: boolean } | { range: string; strict: boolean }>;
  /** A reference sheet (e.g. 单位编码表) written after the data sheet. */
  reference?: { name: string; header: string[]; rows: (string | number)[][]; widths: number[] };
  /** Paragraphs for the instructions sheet (说明), before the column table. */
  instructions: string[];
  /** Extra tables for the instructions sheet: [title, rows]. */
  appendix?: [string, string[][]][];
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1E5BB8' } };
const REQUIRED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC8161D' } };
const READONLY_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF8C8C8C' } };
type RangeValidations = { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } };

/** Rows given drop-down lists in a template (Excel stores a validation per range, not per cell). */
const VALIDATED_ROWS = 5000;

/** A workbook: the data sheet (header row, notes, lists, frozen header), a reference sheet, 说明. */
export async function writeWorkbook(spec: WorkbookSpec): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'GridCommand 网格化攻坚指挥平台';
  wb.title = spec.title;
  const ws = wb.addWorksheet(spec.sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = spec.columns.map((c) => ({
    key: c.key,
    header: c.required ? `${c.header}*` : c.header,
    width: c.width,
    // Text format keeps codes and phone numbers as typed (no 1.38E+10, no lost leading zeros).
    style: c.key === 'sortOrder' ? {} : { numFmt: '@' },
  }));
  const head = ws.getRow(1);
  head.height = 22;
  spec.columns.forEach((c, i) => {
    const cell = head.getCell(i + 1);
    cell.font = { bold: true, color: { argb: 'FFFFFFFF' } };
    cell.fill = c.readOnly ? READONLY_FILL : c.required ? REQUIRED_FILL : HEADER_FILL;
    cell.alignment = { vertical: 'middle', horizontal: 'center' };
    cell.note = c.help;
  });
  for (const r of spec.rows) ws.addRow(r);
  const last = Math.max(VALIDATED_ROWS, spec.rows.length + 1000);
  for (const [key, list] of Object.entries(spec.lists ?? {})) {
    const i = spec.columns.findIndex((c) => c.key === key);
    if (i < 0) continue;
    const letter = columnLetter(i + 1);
    const formula = 'values' in list ? `"${list.values.join(',')}"` : list.range;
    // exceljs supports range validations but its typings do not declare them.
    (ws as unknown as RangeValidations).dataValidations.add(`${letter}2:${letter}${last}`, {
      type: 'list',
      allowBlank: true,
      formulae: [formula],
      showErrorMessage: list.strict,
      errorStyle: 'stop',
      errorTitle: '取值不在列表中',
      error: '请从下拉列表中选择',
    });
  }
  if (spec.reference) {
    const ref = wb.addWorksheet(spec.reference.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ref.addRow(spec.reference.header).font = { bold: true };
    for (const r of spec.reference.rows) ref.addRow(r);
    spec.reference.widths.forEach((w, i) => {
      ref.getColumn(i + 1).width = w;
    });
  }
  const info = wb.addWorksheet('说明');
  info.getColumn(1).width = 22;
  info.getColumn(2).width = 10;
  info.getColumn(3).width = 90;
  info.addRow([spec.title]).font = { bold: true, size: 14 };
  for (const p of spec.instructions) info.addRow([p]);
  info.addRow([]);
  info.addRow(['列名', '是否必填', '填写说明']).font = { bold: true };
  for (const c of spec.columns) info.addRow([c.header, c.readOnly ? '忽略' : c.required ? '必填' : '选填', c.help]);
  for (const [title, rows] of spec.appendix ?? []) {
    info.addRow([]);
    info.addRow([title]).font = { bold: true };
    for (const r of rows) info.addRow(r);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The case ledger as .xlsx (exceljs): the filters of the screen, zh-CN headers, one row per case. */
import ExcelJS from 'exceljs';
import { CASE_STAGE_LABELS, CASE_STATUS_LABELS, DUE_STATE_LABELS, type TCaseListQuery } from '../../../common/cases.ts';
import { CASE_SOURCE_LABELS, SEVERITY_LABELS } from '../../../common/categories.ts';
import type { Deps } from '../../deps.ts';
import type { Actor } from '../auth/index.ts';
import { ledgerRowsForExport } from './cases.service.ts';

export const EXPORT_MAX_ROWS = 50_000;

function local(iso: string | null, tz: string): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat('sv-SE', { timeZone: tz, dateStyle: 'short', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

/** Export the ledger rows the caller may see under these filters (capped; the cap is written in the file). */
export async function exportLedger(actor: Actor, deps: Deps, q: TCaseListQuery): Promise<Buffer> {
  const { items, total } = await ledgerRowsForExport(actor, deps, q, EXPORT_MAX_ROWS);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'GridCommand';
  const ws = wb.addWorksheet('案件台账', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [
    { header: '案件编号', key: 'number', width: 14 },
    { header: '来源', key: 'source', width: 10 },
    { header: '问题分类', key: 'category', width: 22 },
    { header: '紧急程度', key: 'severity', width: 8 },
    { header: '状态', key: 'status', width: 8 },
    { header: '当前环节', key: 'stage', width: 8 },
    { header: '时限', key: 'due', width: 17 },
    { header: '时限状态', key: 'dueState', width: 10 },
    { header: '超期次数', key: 'overdue', width: 8 },
    { header: '返工次数', key: 'returned', width: 8 },
    { header: '反弹', key: 'recurrence', width: 6 },
    { header: '牵头指挥部', key: 'hq', width: 18 },
    { header: '责任单位', key: 'unit', width: 18 },
    { header: '责任人', key: 'assignee', width: 12 },
    { header: '网格', key: 'grid', width: 18 },
    { header: '地址', key: 'address', width: 24 },
    { header: '描述', key: 'description', width: 40 },
    { header: '外部编号', key: 'externalRef', width: 14 },
    { header: '上报时间', key: 'reportedAt', width: 17 },
    { header: '结案时间', key: 'closedAt', width: 17 },
  ];
  ws.getRow(1).font = { bold: true };
  const tz = deps.config.TZ;
  for (const c of items) {
    ws.addRow({
      number: c.number,
      source: CASE_SOURCE_LABELS[c.source],
      category: `${c.category.name}(${c.category.code})`,
      severity: SEVERITY_LABELS[c.severity],
      status: CASE_STATUS_LABELS[c.status],
      stage: CASE_STAGE_LABELS[c.stage],
      due: local(c.dueAt, tz),
      dueState: DUE_STATE_LABELS[c.dueState],
      overdue: c.overdueCount,
      returned: c.returnedCount,
      recurrence: c.isRecurrence ? '是' : '',
      hq: c.hq?.name ?? '',
      unit: c.unit?.name ?? '',
      assignee: c.assignee?.name ?? '',
      grid: c.grid ? `${c.grid.name} ${c.grid.code}` : '',
      address: c.address ?? '',
      description: c.description,
      externalRef: c.externalRef ?? '',
      reportedAt: local(c.reportedAt, tz),
      closedAt: local(c.closedAt, tz),
    });
  }
  if (total > items.length) ws.addRow({ number: `共 ${total} 件,仅导出前 ${items.length} 件;请缩小筛选范围。` });
  ws.autoFilter = { from: 'A1', to: 'T1' };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

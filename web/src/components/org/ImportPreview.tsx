/**
 * The result of an import check: a summary, the row-by-row error report, and a preview table whose
 * cells with a problem are highlighted (hover for the reason) and whose changed cells are marked.
 */
import { Alert, Segmented, Space, Table, type TableColumnsType, Tag, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import {
  IMPORT_ACTION_LABELS,
  IMPORT_COLUMNS,
  type TImportAction,
  type TImportIssue,
  type TImportResult,
  type TImportRow,
} from '../../../../common/org.ts';

const ACTION_COLORS: Record<TImportAction, string> = {
  create: 'green',
  update: 'blue',
  unchanged: 'default',
  error: 'red',
};

export function ActionTag({ action }: { action: TImportAction }) {
  return (
    <Tag color={ACTION_COLORS[action]} style={{ marginInlineEnd: 0 }}>
      {IMPORT_ACTION_LABELS[action]}
    </Tag>
  );
}

/** "新增 3 · 更新 1 · 无变化 20 · 错误 2". */
export function summaryText(s: TImportResult['summary']): string {
  return `共 ${s.rows} 行:新增 ${s.create} · 更新 ${s.update} · 无变化 ${s.unchanged} · 有错误 ${s.error}`;
}

export function ErrorReport({ errors, labels }: { errors: TImportIssue[]; labels: Record<string, string> }) {
  const columns: TableColumnsType<TImportIssue> = [
    { title: '行号', dataIndex: 'row', width: 72, align: 'right' },
    { title: '列', dataIndex: 'column', width: 56, align: 'center', render: (v: string) => v || '—' },
    { title: '字段', dataIndex: 'field', width: 130, render: (v: string) => labels[v] ?? (v || '—') },
    {
      title: '原因',
      dataIndex: 'message',
      render: (v: string) => <Typography.Text type="danger">{v}</Typography.Text>,
    },
  ];
  return (
    <Table<TImportIssue>
      rowKey={(e) => `${e.row}:${e.column}:${e.field}:${e.message}`}
      size="small"
      columns={columns}
      dataSource={errors}
      pagination={errors.length > 10 ? { pageSize: 10, showSizeChanger: false, size: 'small' } : false}
      data-testid="import-errors"
    />
  );
}

type Filter = 'all' | TImportAction;

export function ImportPreview({ result }: { result: TImportResult }) {
  const specs = IMPORT_COLUMNS[result.kind].filter((c) => !c.readOnly);
  const labels = Object.fromEntries(IMPORT_COLUMNS[result.kind].map((c) => [c.key, c.header]));
  const [filter, setFilter] = useState<Filter>(result.summary.error > 0 ? 'error' : 'all');
  // row → field → reasons
  const problems = useMemo(() => {
    const m = new Map<number, Map<string, string[]>>();
    for (const e of result.errors) {
      const byField = m.get(e.row) ?? new Map<string, string[]>();
      byField.set(e.field, [...(byField.get(e.field) ?? []), e.message]);
      m.set(e.row, byField);
    }
    return m;
  }, [result.errors]);
  const rows = filter === 'all' ? result.rows : result.rows.filter((r) => r.action === filter);

  const columns: TableColumnsType<TImportRow> = [
    { title: '行号', dataIndex: 'row', width: 64, align: 'right', fixed: 'left' },
    {
      title: '处理',
      dataIndex: 'action',
      width: 84,
      fixed: 'left',
      render: (a: TImportAction) => <ActionTag action={a} />,
    },
    ...specs.map((c): TableColumnsType<TImportRow>[number] => ({
      title: c.header,
      key: c.key,
      width: Math.max(100, c.width * 7),
      onCell: (r) => {
        const bad = problems.get(r.row)?.get(c.key);
        if (bad) return { style: { background: '#fff1f0', boxShadow: 'inset 0 0 0 1px #ff4d4f' } };
        if (r.changes.includes(c.key)) return { style: { background: '#e6f4ff' } };
        return {};
      },
      render: (_v, r) => {
        const text = r.values[c.key] ?? '';
        const bad = problems.get(r.row)?.get(c.key);
        if (bad) {
          return (
            <Tooltip title={bad.join(';')}>
              <Typography.Text type="danger" data-testid={`bad-${r.row}-${c.key}`}>
                {text || '(空)'}
              </Typography.Text>
            </Tooltip>
          );
        }
        return text || <Typography.Text type="secondary">—</Typography.Text>;
      },
    })),
    {
      title: '说明',
      key: 'notes',
      width: 260,
      render: (_v, r) => {
        const rowProblems = problems.get(r.row)?.get('');
        const notes = [...(rowProblems ?? []), ...r.notes];
        if (r.changes.length > 0) notes.unshift(`修改:${r.changes.map((k) => labels[k] ?? k).join('、')}`);
        return notes.length ? (
          <Typography.Text type={rowProblems ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
            {notes.join(';')}
          </Typography.Text>
        ) : null;
      },
    },
  ];

  const counts: Record<Filter, number> = {
    all: result.summary.rows,
    create: result.summary.create,
    update: result.summary.update,
    unchanged: result.summary.unchanged,
    error: result.summary.error,
  };
  const option = (value: Filter, label: string) => ({ value, label: `${label} ${counts[value]}` });

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      {result.errors.length > 0 && (
        <>
          <Alert
            type="error"
            showIcon
            title={`发现 ${result.errors.length} 处错误(${result.summary.error} 行),整批不会导入`}
            description="请按下表的行号和列修改 Excel 文件后重新上传;预览表中出错的单元格以红框标出,鼠标悬停可看原因。"
          />
          <ErrorReport errors={result.errors} labels={labels} />
        </>
      )}
      <Segmented<Filter>
        value={filter}
        onChange={setFilter}
        options={[
          option('all', '全部'),
          option('error', '有错误'),
          option('create', '新增'),
          option('update', '更新'),
          option('unchanged', '无变化'),
        ]}
      />
      <Table<TImportRow>
        rowKey="row"
        size="small"
        columns={columns}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        pagination={{
          pageSize: 20,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
          showTotal: (n) => `${n} 行`,
        }}
        data-testid="import-preview"
      />
    </Space>
  );
}

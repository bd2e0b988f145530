/**
 * 导入/导出 of units or people: template and export downloads; an upload that first runs a dry run
 * (upload progress bar, then a spinner while the server checks), shows the preview and the error
 * report, and only then offers the real import; generated initial passwords are shown once.
 */
import {
  CheckCircleOutlined,
  CloudUploadOutlined,
  DownloadOutlined,
  FileExcelOutlined,
  InboxOutlined,
  ReloadOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Popconfirm,
  Progress,
  Result,
  Space,
  Spin,
  Table,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import {
  IMPORT_COLUMNS,
  IMPORT_MAX_BYTES,
  type TImportIssue,
  type TImportKind,
  type TImportResult,
} from '../../../../common/org.ts';
import { ApiError } from '../../api.ts';
import { ErrorAlert, errorMessage } from '../ErrorAlert.tsx';
import { ErrorReport, ImportPreview, summaryText } from './ImportPreview.tsx';
import { downloadXlsx, EXPORT_URL, saveBlob, TEMPLATE_URL, type UploadHandle, uploadImport } from './orgFiles.ts';

const NOUN: Record<TImportKind, string> = { units: '单位', people: '人员' };

type Phase =
  | { kind: 'idle' }
  | { kind: 'uploading'; dryRun: boolean; fraction: number }
  | { kind: 'checked'; result: TImportResult }
  | { kind: 'failed'; error: unknown }
  | { kind: 'done'; result: TImportResult };

function sizeText(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function issuesOf(e: unknown): TImportIssue[] {
  if (!(e instanceof ApiError) || !Array.isArray(e.details)) return [];
  return (e.details as TImportIssue[]).filter((d) => typeof d?.row === 'number');
}

function passwordsCsv(result: TImportResult): Blob {
  const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
  const lines = [
    '用户名,姓名,初始密码',
    ...result.passwords.map((p) => [p.username, p.displayName, p.password].map(q).join(',')),
  ];
  // A BOM so that Excel opens the UTF-8 file with the right encoding.
  return new Blob([`\ufeff${lines.join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' });
}

export function ImportPanel({
  kind,
  canImport,
  canExport,
  onImported,
}: {
  kind: TImportKind;
  canImport: boolean;
  canExport: boolean;
  onImported?: (r: TImportResult) => void;
}) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [downloading, setDownloading] = useState<string | null>(null);
  const upload = useRef<UploadHandle | null>(null);
  const noun = NOUN[kind];
  const labels = Object.fromEntries(IMPORT_COLUMNS[kind].map((c) => [c.key, c.header]));

  useEffect(() => () => upload.current?.abort(), []);

  const download = async (url: string, name: string) => {
    setDownloading(url);
    try {
      await downloadXlsx(url, name);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setDownloading(null);
    }
  };

  const send = async (dryRun: boolean) => {
    if (!file) return;
    setPhase({ kind: 'uploading', dryRun, fraction: 0 });
    const handle = uploadImport(queryClient, kind, file, dryRun, (fraction) =>
      setPhase((p) => (p.kind === 'uploading' ? { ...p, fraction } : p)),
    );
    upload.current = handle;
    try {
      const result = await handle.promise;
      if (dryRun) setPhase({ kind: 'checked', result });
      else {
        setPhase({ kind: 'done', result });
        message.success(`已导入${noun}:新增 ${result.summary.create},更新 ${result.summary.update}`);
        onImported?.(result);
      }
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') setPhase({ kind: 'idle' });
      else setPhase({ kind: 'failed', error: e });
    } finally {
      upload.current = null;
    }
  };

  const reset = () => {
    upload.current?.abort();
    setFile(null);
    setPhase({ kind: 'idle' });
  };

  const busy = phase.kind === 'uploading';
  const checked = phase.kind === 'checked' ? phase.result : null;
  const importable = checked !== null && checked.errors.length === 0 && checked.summary.rows > 0;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Space wrap>
        {canImport && (
          <Button
            icon={<FileExcelOutlined />}
            loading={downloading === TEMPLATE_URL[kind]}
            onClick={() => download(TEMPLATE_URL[kind], `${noun}导入模板.xlsx`)}
          >
            下载{noun}导入模板
          </Button>
        )}
        {canExport && (
          <Button
            icon={<DownloadOutlined />}
            loading={downloading === EXPORT_URL[kind]}
            onClick={() => download(EXPORT_URL[kind], `${noun}.xlsx`)}
          >
            导出{noun}(Excel)
          </Button>
        )}
      </Space>

      {canImport && (
        <>
          <Alert
            type="info"
            showIcon
            title={`导入步骤:下载模板 → 填写 → 上传预览 → 确认导入`}
            description={
              kind === 'units'
                ? '按单位编码匹配:已有编码更新名称、上级和排序号,新编码新增单位;上级可引用同一文件中的单位(顺序不限)。任何一行有错则整批不导入。'
                : '按用户名匹配:已有用户更新姓名、单位、手机号和状态,新用户名新建账户;不能授予管理员角色,也不能修改已有用户的角色。任何一行有错则整批不导入。'
            }
          />
          {file === null ? (
            <Upload.Dragger
              accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              multiple={false}
              showUploadList={false}
              beforeUpload={(f) => {
                if (f.size > IMPORT_MAX_BYTES) message.error('文件过大,上限为 10 MB');
                else if (!/\.xlsx$/i.test(f.name)) message.error('请选择 .xlsx 格式的 Excel 文件');
                else {
                  setFile(f);
                  setPhase({ kind: 'idle' });
                }
                return Upload.LIST_IGNORE;
              }}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">点击或拖拽 .xlsx 文件到此处</p>
              <p className="ant-upload-hint">单个文件不超过 10 MB、20,000 行;先预览检查,确认后才写入</p>
            </Upload.Dragger>
          ) : (
            <Descriptions
              size="small"
              bordered
              column={1}
              items={[
                {
                  key: 'file',
                  label: '已选文件',
                  children: (
                    <Space wrap>
                      <FileExcelOutlined style={{ color: '#217346' }} />
                      <Typography.Text strong>{file.name}</Typography.Text>
                      <Typography.Text type="secondary">{sizeText(file.size)}</Typography.Text>
                      <Button size="small" icon={<ReloadOutlined />} onClick={reset} disabled={busy && !phase.dryRun}>
                        重新选择
                      </Button>
                    </Space>
                  ),
                },
              ]}
            />
          )}

          {file !== null && phase.kind === 'idle' && (
            <Button type="primary" icon={<CloudUploadOutlined />} onClick={() => send(true)}>
              上传并预览(试导入)
            </Button>
          )}

          {phase.kind === 'uploading' && (
            <div data-testid="import-progress">
              <Typography.Text>
                {phase.fraction < 1
                  ? `正在上传 ${file?.name ?? ''}…`
                  : phase.dryRun
                    ? '上传完成,服务器正在逐行检查…'
                    : '上传完成,服务器正在导入(新账户的密码加密较慢,大批量请耐心等待)…'}
              </Typography.Text>
              <Progress
                percent={Math.round(phase.fraction * 100)}
                status={phase.fraction < 1 ? 'active' : 'success'}
                style={{ marginBottom: 8 }}
              />
              {phase.fraction >= 1 && (
                <Spin tip={phase.dryRun ? '正在检查' : '正在导入'}>
                  <div style={{ height: 56 }} />
                </Spin>
              )}
            </div>
          )}

          {checked && (
            <>
              <Alert
                type={checked.errors.length ? 'warning' : 'success'}
                showIcon
                title={`预览结果 · ${summaryText(checked.summary)}`}
                description={
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    服务器用时 {Math.round(checked.timing.totalMs)} ms(读取 {Math.round(checked.timing.parseMs)} ms,检查{' '}
                    {Math.round(checked.timing.checkMs)} ms)。预览未写入任何数据。
                  </Typography.Text>
                }
                action={
                  <Popconfirm
                    title={`确认导入${noun}?`}
                    description={`将新增 ${checked.summary.create} 条、更新 ${checked.summary.update} 条,全部成功或全部不导入。`}
                    okText="导入"
                    onConfirm={() => send(false)}
                    disabled={!importable}
                  >
                    <Button type="primary" icon={<CheckCircleOutlined />} disabled={!importable}>
                      确认导入
                    </Button>
                  </Popconfirm>
                }
              />
              <ImportPreview result={checked} />
            </>
          )}

          {phase.kind === 'failed' && (
            <>
              <ErrorAlert
                error={phase.error}
                action={
                  <Button size="small" onClick={() => setPhase({ kind: 'idle' })}>
                    重试
                  </Button>
                }
              />
              {issuesOf(phase.error).length > 0 && <ErrorReport errors={issuesOf(phase.error)} labels={labels} />}
            </>
          )}

          {phase.kind === 'done' && <DoneView result={phase.result} noun={noun} onAgain={reset} />}
        </>
      )}
    </Space>
  );
}

function DoneView({ result, noun, onAgain }: { result: TImportResult; noun: string; onAgain: () => void }) {
  const { summary } = result;
  return (
    <>
      <Result
        status="success"
        title={`${noun}导入完成`}
        subTitle={`${summaryText(summary)}。服务器用时 ${(result.timing.totalMs / 1000).toFixed(1)} 秒。`}
        extra={<Button onClick={onAgain}>继续导入其他文件</Button>}
        style={{ padding: '16px 0' }}
      />
      {result.passwords.length > 0 && (
        <>
          <Alert
            type="warning"
            showIcon
            title={`已为 ${result.passwords.length} 个新账户生成初始密码,仅显示这一次`}
            description="请下载或抄录后通过安全渠道交给本人;离开此页后无法再次查看。用户首次登录时须修改密码。"
            action={
              <Button
                icon={<DownloadOutlined />}
                onClick={() => saveBlob(passwordsCsv(result), `初始密码-${new Date().toISOString().slice(0, 10)}.csv`)}
              >
                下载密码清单
              </Button>
            }
          />
          <Table
            rowKey="username"
            size="small"
            dataSource={result.passwords}
            pagination={result.passwords.length > 20 ? { pageSize: 20 } : false}
            columns={[
              { title: '行号', dataIndex: 'row', width: 72, align: 'right' },
              { title: '用户名', dataIndex: 'username', width: 180 },
              { title: '姓名', dataIndex: 'displayName', width: 160 },
              {
                title: '初始密码',
                dataIndex: 'password',
                render: (v: string) => (
                  <Typography.Text code copyable>
                    {v}
                  </Typography.Text>
                ),
              },
            ]}
          />
        </>
      )}
    </>
  );
}

/**
 * /calendar: a year of the working calendar (休 = public holiday, 班 = 调休 working day), the working
 * hours, editing for holders of calendar.write, and a 期限计算 box over GET /api/v1/calendar/deadline.
 */
import { CalculatorOutlined, EditOutlined, LeftOutlined, ReloadOutlined, RightOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Row,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import {
  DAY_KIND_LABELS,
  LIMIT_UNIT_LABELS,
  LIMIT_UNITS,
  type TCalendarDay,
  type TCalendarSettings,
  type TCalendarYear,
  type TDayKind,
  type TDeadlineAnswer,
  type TLimitUnit,
  type TUpdateCalendarSettings,
  WEEKDAY_LABELS,
} from '../../../common/calendar.ts';
import { ApiError, api } from '../api.ts';
import { ErrorAlert, errorMessage } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { LoadError, PageLoading } from '../components/QueryState.tsx';
import { useSession } from '../session.tsx';

const DAY_MS = 86_400_000;
const HOLIDAY_COLOR = '#cf1322';
const WORKDAY_COLOR = '#1e5bb8';

// ---- Dates as 'YYYY-MM-DD' strings, free of the browser's time zone ----

const iso = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);
/** ISO weekday 1 (Monday) … 7 (Sunday). */
const isoWeekday = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** Wall-clock parts of an instant in a zone. */
function zonedParts(t: Date, timeZone: string) {
  const p: Record<string, number> = {};
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  for (const x of fmt.formatToParts(t)) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return {
    year: p.year ?? 1970,
    month: p.month ?? 1,
    day: p.day ?? 1,
    hour: p.hour ?? 0,
    minute: p.minute ?? 0,
    second: p.second ?? 0,
  };
}

/** The instant at which the zone's wall clock shows the picked date and time (the picker's own zone ignored). */
function wallToInstant(v: Dayjs, timeZone: string): Date {
  const wall = Date.UTC(v.year(), v.month(), v.date(), v.hour(), v.minute());
  const offsetAt = (t: number) => {
    const p = zonedParts(new Date(t), timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - t;
  };
  const guess = wall - offsetAt(wall);
  return new Date(wall - offsetAt(guess));
}

/** The zone's current wall time as a Dayjs for the picker. */
function nowInZone(timeZone: string): Dayjs {
  const p = zonedParts(new Date(), timeZone);
  return dayjs(new Date(p.year, p.month - 1, p.day, p.hour, p.minute));
}

function formatInZone(isoTime: string, timeZone: string): string {
  const p = zonedParts(new Date(isoTime), timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  return `${date} ${pad(p.hour)}:${pad(p.minute)} ${WEEKDAY_LABELS[isoWeekday(date)]}`;
}

/** Consecutive holidays with the same name, and the 调休 days named after them, for the summary list. */
function groupDays(days: TCalendarDay[]) {
  const groups: { name: string; from: string; to: string; count: number; workdays: string[] }[] = [];
  for (const d of [...days].sort((a, b) => a.date.localeCompare(b.date))) {
    if (d.kind !== 'holiday') continue;
    const last = groups[groups.length - 1];
    if (last && last.name === d.name && addDays(last.to, 1) === d.date) {
      last.to = d.date;
      last.count++;
    } else groups.push({ name: d.name, from: d.date, to: d.date, count: 1, workdays: [] });
  }
  const loose: string[] = [];
  for (const d of days.filter((x) => x.kind === 'workday')) {
    const g = groups.find((x) => d.name.startsWith(x.name));
    if (g) g.workdays.push(d.date);
    else loose.push(d.date);
  }
  return { groups, loose };
}

export function CalendarPage() {
  const { can } = useSession();
  const canWrite = can('calendar.write');
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [year, setYear] = useState(() => new Date().getFullYear());
  /** Unsaved day edits: date → the new entry, or null to clear it back to the weekly pattern. */
  const [draft, setDraft] = useState<Map<string, TCalendarDay | null>>(new Map());
  const [editing, setEditing] = useState<string | null>(null);
  const [editingHours, setEditingHours] = useState(false);

  const calendar = useQuery({
    queryKey: ['calendar', year],
    queryFn: () => api.get<TCalendarYear>('/api/v1/calendar', { year }),
  });

  const saveDays = useMutation({
    mutationFn: (days: TCalendarDay[]) => api.put<TCalendarYear>(`/api/v1/calendar/days/${year}`, { days }),
    onSuccess: (data) => {
      queryClient.setQueryData(['calendar', year], data);
      queryClient.invalidateQueries({ queryKey: ['calendar', 'deadline'] });
      setDraft(new Map());
      message.success(`已保存 ${year} 年的节假日与调休安排`);
    },
  });

  const merged = useMemo(() => {
    const m = new Map<string, TCalendarDay>();
    for (const d of calendar.data?.days ?? []) m.set(d.date, d);
    for (const [date, d] of draft) {
      if (d) m.set(date, d);
      else m.delete(date);
    }
    return m;
  }, [calendar.data, draft]);

  if (calendar.isPending) return <PageLoading rows={12} />;
  if (calendar.isError) return <LoadError error={calendar.error} onRetry={() => calendar.refetch()} />;
  const data = calendar.data;
  const { settings } = data;
  const dirty = draft.size > 0;

  const changeYear = (y: number) => {
    if (dirty) {
      Modal.confirm({
        title: '放弃未保存的修改?',
        content: `${year} 年有 ${draft.size} 处修改尚未保存。`,
        okText: '放弃并切换',
        cancelText: '继续编辑',
        onOk: () => {
          setDraft(new Map());
          setYear(y);
        },
      });
    } else setYear(y);
  };

  return (
    <div className="gc-page">
      <PageHeader
        title="工作日历"
        description={
          <span>
            {year} 年共 <b>{data.workingDayCount}</b> 个工作日 · 工作时间 {periodsText(settings)} · 休息日{' '}
            {settings.weekendDays.map((d) => WEEKDAY_LABELS[d]).join('、') || '无'} · 时区 {settings.timeZone}
          </span>
        }
        extra={
          <Space>
            <Button icon={<LeftOutlined />} onClick={() => changeYear(year - 1)} aria-label="上一年" />
            <Select
              value={year}
              onChange={changeYear}
              style={{ width: 110 }}
              options={Array.from({ length: 11 }, (_, i) => year - 5 + i).map((y) => ({ value: y, label: `${y} 年` }))}
            />
            <Button icon={<RightOutlined />} onClick={() => changeYear(year + 1)} aria-label="下一年" />
            <Button icon={<ReloadOutlined />} onClick={() => calendar.refetch()} loading={calendar.isFetching}>
              刷新
            </Button>
          </Space>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={17}>
          <Card
            variant="borderless"
            title={
              <Space size={12}>
                <span>{year} 年</span>
                <Legend />
              </Space>
            }
            extra={
              canWrite &&
              (dirty ? (
                <Space>
                  <Typography.Text type="warning">{draft.size} 处修改未保存</Typography.Text>
                  <Button onClick={() => setDraft(new Map())} disabled={saveDays.isPending}>
                    放弃修改
                  </Button>
                  <Button
                    type="primary"
                    loading={saveDays.isPending}
                    onClick={() => saveDays.mutate([...merged.values()])}
                  >
                    保存
                  </Button>
                </Space>
              ) : (
                <Typography.Text type="secondary">点击日期可设置节假日(休)或调休上班(班)</Typography.Text>
              ))
            }
          >
            {saveDays.isError && (
              <div style={{ marginBottom: 12 }}>
                <ErrorAlert error={saveDays.error} title="保存失败" />
              </div>
            )}
            {data.days.length === 0 && !dirty && (
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 12 }}
                title={`${year} 年尚未录入节假日安排`}
                description={
                  canWrite
                    ? '国务院办公厅通常在上一年 11 月发布次年节假日安排,发布后请点击日期录入放假与调休上班日期。'
                    : '在管理员录入之前,仅按周末计算工作日。'
                }
              />
            )}
            <YearGrid
              year={year}
              days={merged}
              draft={draft}
              weekendDays={settings.weekendDays}
              timeZone={settings.timeZone}
              onPick={canWrite ? setEditing : undefined}
            />
          </Card>
        </Col>
        <Col xs={24} xl={7}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <HoursCard settings={settings} canWrite={canWrite} onEdit={() => setEditingHours(true)} />
            <DeadlineCard timeZone={settings.timeZone} />
            <HolidayList year={year} days={[...merged.values()]} />
          </Space>
        </Col>
      </Row>
      {editing && (
        <DayModal
          key={editing}
          date={editing}
          year={year}
          current={merged.get(editing) ?? null}
          weekendDays={settings.weekendDays}
          onCancel={() => setEditing(null)}
          onApply={(dates, entry) => {
            const next = new Map(draft);
            const saved = new Map((data.days ?? []).map((d) => [d.date, d]));
            for (const date of dates) {
              const value = entry ? { ...entry, date } : null;
              const original = saved.get(date) ?? null;
              const same =
                (value === null && original === null) ||
                (value !== null && original !== null && value.kind === original.kind && value.name === original.name);
              if (same) next.delete(date);
              else next.set(date, value);
            }
            setDraft(next);
            setEditing(null);
          }}
        />
      )}
      {editingHours && <HoursModal settings={settings} onClose={() => setEditingHours(false)} />}
    </div>
  );
}

function periodsText(s: TCalendarSettings): string {
  return s.workPeriods.map(([a, b]) => `${a}–${b}`).join('、');
}

function Legend() {
  const item = (label: string, color: string, text: string) => (
    <Space size={4}>
      <span className="gc-cal-mark" style={{ background: color }}>
        {label}
      </span>
      <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
        {text}
      </Typography.Text>
    </Space>
  );
  return (
    <Space size={12}>
      {item('休', HOLIDAY_COLOR, '节假日')}
      {item('班', WORKDAY_COLOR, '调休上班')}
      <Space size={4}>
        <span className="gc-cal-swatch" />
        <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
          休息日
        </Typography.Text>
      </Space>
    </Space>
  );
}

const GRID_CSS = `
.gc-cal-months { display: grid; grid-template-columns: repeat(auto-fill, minmax(232px, 1fr)); gap: 16px; }
.gc-cal-month { border: 1px solid #f0f0f0; border-radius: 6px; padding: 8px 10px 10px; }
.gc-cal-month-title { font-weight: 600; margin-bottom: 6px; }
.gc-cal-table { width: 100%; border-collapse: collapse; table-layout: fixed; }
.gc-cal-table th { font-weight: normal; color: rgba(0,0,0,.45); font-size: 12px; padding: 2px 0; }
.gc-cal-cell { position: relative; text-align: center; height: 30px; font-size: 13px; border-radius: 4px; }
.gc-cal-cell.is-off { color: rgba(0,0,0,.35); background: #fafafa; }
.gc-cal-cell.is-holiday { color: ${HOLIDAY_COLOR}; background: #fff1f0; }
.gc-cal-cell.is-workday { color: ${WORKDAY_COLOR}; background: #e6f0ff; }
.gc-cal-cell.is-today { box-shadow: inset 0 0 0 1px #1e5bb8; }
.gc-cal-cell.is-draft { outline: 2px dashed #faad14; outline-offset: -2px; }
.gc-cal-cell.is-clickable { cursor: pointer; }
.gc-cal-cell.is-clickable:hover { box-shadow: inset 0 0 0 1px #91b4ec; }
.gc-cal-cell .gc-cal-mark { position: absolute; top: 0; right: 1px; transform: scale(.8); }
.gc-cal-mark { display: inline-block; font-size: 10px; line-height: 14px; padding: 0 2px; color: #fff; border-radius: 2px; }
.gc-cal-swatch { display: inline-block; width: 14px; height: 14px; background: #fafafa; border: 1px solid #e8e8e8; border-radius: 2px; vertical-align: middle; }
`;

function YearGrid({
  year,
  days,
  draft,
  weekendDays,
  timeZone,
  onPick,
}: {
  year: number;
  timeZone: string;
  days: Map<string, TCalendarDay>;
  draft: Map<string, TCalendarDay | null>;
  weekendDays: number[];
  onPick?: (date: string) => void;
}) {
  const today = useMemo(() => {
    const p = zonedParts(new Date(), timeZone);
    return iso(p.year, p.month - 1, p.day);
  }, [timeZone]);
  return (
    <>
      <style>{GRID_CSS}</style>
      <div className="gc-cal-months">
        {Array.from({ length: 12 }, (_, m) => {
          const first = iso(year, m, 1);
          const lead = isoWeekday(first) - 1;
          const length = new Date(Date.UTC(year, m + 1, 0)).getUTCDate();
          const cells: (string | null)[] = [
            ...Array<null>(lead).fill(null),
            ...Array.from({ length }, (_, i) => iso(year, m, i + 1)),
          ];
          while (cells.length % 7) cells.push(null);
          const weeks = Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
          return (
            <div className="gc-cal-month" key={first}>
              <div className="gc-cal-month-title">{m + 1} 月</div>
              <table className="gc-cal-table">
                <thead>
                  <tr>
                    {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                      <th key={d}>{WEEKDAY_LABELS[d]?.slice(1)}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {weeks.map((week) => (
                    <tr key={week.find(Boolean) ?? first}>
                      {week.map((date, i) =>
                        date ? (
                          <DayCell
                            key={date}
                            date={date}
                            entry={days.get(date)}
                            weekend={weekendDays.includes(isoWeekday(date))}
                            today={date === today}
                            changed={draft.has(date)}
                            onPick={onPick}
                          />
                        ) : (
                          // biome-ignore lint/suspicious/noArrayIndexKey: empty padding cells have no identity
                          <td key={`pad-${i}`} />
                        ),
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        })}
      </div>
    </>
  );
}

function DayCell({
  date,
  entry,
  weekend,
  today,
  changed,
  onPick,
}: {
  date: string;
  entry: TCalendarDay | undefined;
  weekend: boolean;
  today: boolean;
  changed: boolean;
  onPick?: (date: string) => void;
}) {
  const cls = ['gc-cal-cell'];
  if (entry?.kind === 'holiday') cls.push('is-holiday');
  else if (entry?.kind === 'workday') cls.push('is-workday');
  else if (weekend) cls.push('is-off');
  if (today) cls.push('is-today');
  if (changed) cls.push('is-draft');
  if (onPick) cls.push('is-clickable');
  const title = `${date} ${WEEKDAY_LABELS[isoWeekday(date)]}${entry ? ` · ${entry.name}(${DAY_KIND_LABELS[entry.kind]})` : ''}`;
  return (
    <td
      title={title}
      className={cls.join(' ')}
      onClick={onPick ? () => onPick(date) : undefined}
      onKeyDown={onPick ? (e) => (e.key === 'Enter' || e.key === ' ') && onPick(date) : undefined}
      tabIndex={onPick ? 0 : undefined}
      data-date={date}
    >
      {Number(date.slice(8))}
      {entry && (
        <span className="gc-cal-mark" style={{ background: entry.kind === 'holiday' ? HOLIDAY_COLOR : WORKDAY_COLOR }}>
          {DAY_KIND_LABELS[entry.kind]}
        </span>
      )}
    </td>
  );
}

function DayModal({
  date,
  year,
  current,
  weekendDays,
  onCancel,
  onApply,
}: {
  date: string;
  year: number;
  current: TCalendarDay | null;
  weekendDays: number[];
  onCancel: () => void;
  onApply: (dates: string[], entry: { kind: TDayKind; name: string } | null) => void;
}) {
  const [kind, setKind] = useState<TDayKind | 'normal'>(current?.kind ?? 'normal');
  const [name, setName] = useState(current?.name ?? '');
  const [to, setTo] = useState(date);
  const dates: string[] = [];
  for (let d = date; d <= to && dates.length < 366; d = addDays(d, 1)) dates.push(d);
  const weekdaysInRange = dates.filter((d) => !weekendDays.includes(isoWeekday(d)));
  const problem =
    kind === 'workday' && weekdaysInRange.length > 0
      ? `${weekdaysInRange.join('、')} 本就是工作日,调休上班只能设在休息日`
      : kind !== 'normal' && !name.trim()
        ? '请填写名称,例如“国庆节”或“国庆节调休”'
        : null;
  return (
    <Modal
      open
      title={`设置 ${date} ${WEEKDAY_LABELS[isoWeekday(date)]}`}
      okText="确定"
      cancelText="取消"
      onCancel={onCancel}
      okButtonProps={{ disabled: problem !== null }}
      onOk={() => onApply(dates, kind === 'normal' ? null : { kind, name: name.trim() })}
    >
      <Form layout="vertical" style={{ marginTop: 12 }}>
        <Form.Item label="类型">
          <Radio.Group
            value={kind}
            onChange={(e) => setKind(e.target.value)}
            optionType="button"
            options={[
              { value: 'normal', label: '按常规(工作日/休息日)' },
              { value: 'holiday', label: '休(节假日)' },
              { value: 'workday', label: '班(调休上班)' },
            ]}
          />
        </Form.Item>
        {kind !== 'normal' && (
          <Form.Item label="名称" required>
            <Input
              value={name}
              maxLength={32}
              placeholder={kind === 'holiday' ? '例如:国庆节' : '例如:国庆节调休'}
              onChange={(e) => setName(e.target.value)}
            />
          </Form.Item>
        )}
        <Form.Item label="连续设置至(含)" extra={`共 ${dates.length} 天,保存前可继续修改其他日期`}>
          <DatePicker
            value={dayjs(to)}
            allowClear={false}
            minDate={dayjs(date)}
            maxDate={dayjs(`${year}-12-31`)}
            onChange={(v) => v && setTo(v.format('YYYY-MM-DD'))}
          />
        </Form.Item>
        {problem && <Alert type="warning" showIcon title={problem} />}
      </Form>
    </Modal>
  );
}

function HoursCard({
  settings,
  canWrite,
  onEdit,
}: {
  settings: TCalendarSettings;
  canWrite: boolean;
  onEdit: () => void;
}) {
  return (
    <Card
      variant="borderless"
      title="工作时间"
      extra={
        canWrite && (
          <Button type="link" size="small" icon={<EditOutlined />} onClick={onEdit}>
            编辑
          </Button>
        )
      }
    >
      <Descriptions column={1} size="small">
        <Descriptions.Item label="工作时段">
          <Space size={4} wrap>
            {settings.workPeriods.map(([a, b]) => (
              <Tag key={a}>
                {a}–{b}
              </Tag>
            ))}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label="每个工作日">
          {settings.workingDayMinutes / 60} 工作时(1 工作日 = {settings.workingDayMinutes / 60} 工作时)
        </Descriptions.Item>
        <Descriptions.Item label="休息日">
          {settings.weekendDays.map((d) => WEEKDAY_LABELS[d]).join('、') || '无'}
        </Descriptions.Item>
        <Descriptions.Item label="时区">{settings.timeZone}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

interface HoursForm {
  periods: { start: string; end: string }[];
  weekendDays: number[];
  timeZone: string;
}

function HoursModal({ settings, onClose }: { settings: TCalendarSettings; onClose: () => void }) {
  const [form] = Form.useForm<HoursForm>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  /** Server problems of one period (overlap, order), shown under its row. */
  const [rowErrors, setRowErrors] = useState<Map<number, string>>(new Map());
  const [otherError, setOtherError] = useState<unknown>(null);
  const save = useMutation({
    mutationFn: (body: TUpdateCalendarSettings) => api.put<TCalendarSettings>('/api/v1/calendar/settings', body),
    onMutate: () => {
      setRowErrors(new Map());
      setOtherError(null);
    },
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['calendar'] });
      message.success('已保存工作时间');
      onClose();
    },
    onError: (e) => {
      const rows = new Map<number, string>();
      const fields: Parameters<typeof form.setFields>[0] = [];
      let unplaced = e instanceof ApiError ? 0 : 1;
      for (const i of e instanceof ApiError ? e.fieldIssues : []) {
        const m = /^body\.workPeriods\.(\d+)/.exec(i.field);
        if (m) rows.set(Number(m[1]), [rows.get(Number(m[1])), i.message].filter(Boolean).join(';'));
        else if (i.field.startsWith('body.weekendDays')) fields.push({ name: ['weekendDays'], errors: [i.message] });
        else if (i.field === 'body.timeZone') fields.push({ name: ['timeZone'], errors: [i.message] });
        else unplaced++;
      }
      form.setFields(fields);
      setRowErrors(rows);
      if (unplaced > 0 || (e instanceof ApiError && e.fieldIssues.length === 0)) setOtherError(e);
    },
  });
  return (
    <Modal
      open
      title="编辑工作时间"
      okText="保存"
      cancelText="取消"
      width={520}
      onCancel={onClose}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
    >
      <Form<HoursForm>
        form={form}
        layout="vertical"
        style={{ marginTop: 12 }}
        initialValues={{
          periods: settings.workPeriods.map(([start, end]) => ({ start, end })),
          weekendDays: settings.weekendDays,
          timeZone: settings.timeZone,
        }}
        onValuesChange={() => rowErrors.size > 0 && setRowErrors(new Map())}
        onFinish={(v) =>
          save.mutate({
            workPeriods: v.periods.map((p) => [p.start.trim(), p.end.trim()]),
            weekendDays: v.weekendDays,
            timeZone: v.timeZone.trim(),
          })
        }
      >
        <Form.List name="periods">
          {(fields, { add, remove }) => (
            <Form.Item label="工作时段(按先后顺序,不得重叠)" required>
              {fields.map((f, i) => {
                const rowError = rowErrors.get(f.name);
                return (
                  <div key={f.key} style={{ marginBottom: rowError ? 12 : 0 }}>
                    <Space align="baseline">
                      <Form.Item
                        name={[f.name, 'start']}
                        style={{ marginBottom: rowError ? 4 : 12 }}
                        rules={[{ required: true, pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: 'HH:MM' }]}
                      >
                        <Input
                          placeholder="08:00"
                          style={{ width: 100 }}
                          status={rowError ? 'error' : undefined}
                          aria-label={`第 ${i + 1} 段开始`}
                        />
                      </Form.Item>
                      <span>至</span>
                      <Form.Item
                        name={[f.name, 'end']}
                        style={{ marginBottom: rowError ? 4 : 12 }}
                        rules={[{ required: true, pattern: /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, message: 'HH:MM' }]}
                      >
                        <Input
                          placeholder="12:00"
                          style={{ width: 100 }}
                          status={rowError ? 'error' : undefined}
                          aria-label={`第 ${i + 1} 段结束`}
                        />
                      </Form.Item>
                      {fields.length > 1 && (
                        <Button type="link" danger onClick={() => remove(f.name)}>
                          删除
                        </Button>
                      )}
                    </Space>
                    {rowError && (
                      <div>
                        <Typography.Text type="danger">{rowError}</Typography.Text>
                      </div>
                    )}
                  </div>
                );
              })}
              {fields.length < 6 && (
                <Button type="dashed" onClick={() => add({ start: '', end: '' })}>
                  添加时段
                </Button>
              )}
            </Form.Item>
          )}
        </Form.List>
        <Form.Item name="weekendDays" label="休息日">
          <Checkbox.Group
            options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: WEEKDAY_LABELS[d] ?? String(d) }))}
          />
        </Form.Item>
        <Form.Item name="timeZone" label="时区(IANA)" rules={[{ required: true, message: '请填写时区' }]}>
          <Input placeholder="Asia/Shanghai" style={{ width: 220 }} />
        </Form.Item>
        {otherError !== null && <ErrorAlert error={otherError} />}
      </Form>
    </Modal>
  );
}

function DeadlineCard({ timeZone }: { timeZone: string }) {
  const [start, setStart] = useState<Dayjs>(() => nowInZone(timeZone));
  const [value, setValue] = useState<number | null>(1);
  const [unit, setUnit] = useState<TLimitUnit>('working_days');
  const [asked, setAsked] = useState<{ start: string; value: number; unit: TLimitUnit } | null>(null);
  const answer = useQuery({
    queryKey: ['calendar', 'deadline', asked],
    queryFn: () => api.get<TDeadlineAnswer>('/api/v1/calendar/deadline', asked ?? {}),
    enabled: asked !== null,
    staleTime: 0,
  });
  const ask = () => {
    if (value === null) return;
    setAsked({ start: wallToInstant(start, timeZone).toISOString(), value, unit });
  };
  return (
    <Card
      variant="borderless"
      title={
        <Space>
          <CalculatorOutlined />
          期限计算
        </Space>
      }
    >
      <Form layout="vertical" onFinish={ask}>
        <Form.Item label={`开始时间(${timeZone})`} style={{ marginBottom: 12 }}>
          <DatePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            value={start}
            allowClear={false}
            onChange={(v) => v && setStart(v)}
            style={{ width: '100%' }}
          />
        </Form.Item>
        <Form.Item label="时限" style={{ marginBottom: 12 }}>
          <Space.Compact style={{ width: '100%' }}>
            <InputNumber
              min={0}
              max={10000}
              step={0.5}
              value={value}
              onChange={(v) => setValue(v)}
              style={{ width: '45%' }}
              aria-label="时限数值"
            />
            <Select
              value={unit}
              onChange={setUnit}
              style={{ width: '55%' }}
              options={LIMIT_UNITS.map((u) => ({ value: u, label: LIMIT_UNIT_LABELS[u] }))}
              aria-label="时限单位"
            />
          </Space.Compact>
        </Form.Item>
        <Button type="primary" htmlType="submit" block disabled={value === null} loading={answer.isFetching}>
          计算截止时间
        </Button>
      </Form>
      <div style={{ marginTop: 16 }} aria-live="polite">
        {answer.isError && <Alert type="error" showIcon title={errorMessage(answer.error)} />}
        {answer.data && (
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label="截止时间">
              <Typography.Text strong style={{ fontSize: 15 }} data-testid="deadline">
                {formatInZone(answer.data.deadline, answer.data.timeZone)}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="开始">{formatInZone(answer.data.start, answer.data.timeZone)}</Descriptions.Item>
            <Descriptions.Item label="计入工作时">
              {Math.round((answer.data.workingMinutes / 60) * 100) / 100} 小时
            </Descriptions.Item>
          </Descriptions>
        )}
        {!answer.data && !answer.isError && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            工作时只计工作日的工作时段,节假日顺延、调休上班日计入;1
            工作日按一个工作日的工作时长计算;紧急小时按自然时连续计算。
          </Typography.Text>
        )}
      </div>
    </Card>
  );
}

function HolidayList({ year, days }: { year: number; days: TCalendarDay[] }) {
  const { groups, loose } = groupDays(days);
  const md = (d: string) => `${Number(d.slice(5, 7))}月${Number(d.slice(8))}日`;
  return (
    <Card variant="borderless" title={`${year} 年节假日安排`}>
      {groups.length === 0 && loose.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无节假日安排" />
      ) : (
        <div className="gc-stack">
          {groups.map((g) => (
            <div key={g.from} style={{ marginBottom: 8 }}>
              <Space size={6} wrap>
                <Typography.Text strong>{g.name}</Typography.Text>
                <Typography.Text>
                  {g.from === g.to ? md(g.from) : `${md(g.from)}至${md(g.to)}`} 放假,共 {g.count} 天
                </Typography.Text>
              </Space>
              {g.workdays.length > 0 && (
                <div>
                  <Typography.Text type="secondary">
                    {g.workdays.map((d) => `${md(d)}(${WEEKDAY_LABELS[isoWeekday(d)]})`).join('、')} 上班
                  </Typography.Text>
                </div>
              )}
            </div>
          ))}
          {loose.length > 0 && (
            <Typography.Text type="secondary">
              其他调休上班:{loose.map((d) => `${md(d)}(${WEEKDAY_LABELS[isoWeekday(d)]})`).join('、')}
            </Typography.Text>
          )}
        </div>
      )}
    </Card>
  );
}

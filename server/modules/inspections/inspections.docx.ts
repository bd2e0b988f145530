/**
 * The printable 责令改正通知书 (.docx), laid out after GB/T 9704-2012 (党政机关公文格式): A4, 天头 37 mm,
 * 订口 28 mm, 版心 156 × 225 mm (so bottom 35 mm, right 26 mm), 22 lines of 28 characters; the title in
 * 2号小标宋, everything else in 3号仿宋; 成文日期 右空四字 with the issuing unit centred above it; page
 * numbers "— 1 —" in 4号宋体, outside edge (odd right, even left) one character in. A second page holds
 * the 送达回证 for the party's signature. Pure: a model in, the file's bytes out.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  DocumentGridType,
  Footer,
  LineRuleType,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  type ParagraphChild,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
} from 'docx';

export interface NoticeModel {
  /** 发文机关: who issues it, e.g. 经开区明湖办事处. */
  authority: string;
  /** 经开城管责改〔2026〕第0001号 */
  number: string;
  party: { name: string; address: string; contact: string | null; phone: string | null; licenceNo: string | null };
  facts: string;
  legalBasis: string;
  /** One requirement per entry. */
  requiredActions: string[];
  /** 2026年4月20日 */
  deadlineText: string;
  /** 成文日期: 2026年4月15日 */
  issuedDateText: string;
  handler: { name: string; phone: string | null };
  /** Days to state objections (陈述、申辩). */
  statementDays: number;
}

// ---- Measures (twips: 1/20 pt; 1 mm = 56.693 twips) ----
const mm = (v: number) => Math.round(v * 56.6929);
const PT = 20;
/** 三号 = 16 pt, 二号 = 22 pt, 四号 = 14 pt; docx sizes are half-points. */
const SIZE_3 = 32;
const SIZE_2 = 44;
const SIZE_4 = 28;
/** 225 mm / 22 lines. */
const LINE = Math.floor(mm(225) / 22);
/** One character of 三号 (16 pt). */
const CHAR = 16 * PT;

const FANGSONG = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '仿宋_GB2312', cs: '仿宋_GB2312' };
const XIAOBIAOSONG = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '方正小标宋简体' };
const SONG = { ascii: '宋体', hAnsi: '宋体', eastAsia: '宋体' };

const exact = (line = LINE) => ({ line, lineRule: LineRuleType.EXACT, before: 0, after: 0 });

const body = (text: string, opts: { bold?: boolean } = {}) =>
  new TextRun({ text: cn(text), font: FANGSONG, size: SIZE_3, bold: opts.bold });

/** A body paragraph: 3号仿宋, first line indented two characters (每个自然段左空二字,回行顶格). */
function para(children: ParagraphChild[] | string, indent = true, line = LINE): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.BOTH,
    spacing: exact(line),
    indent: indent ? { firstLine: 2 * CHAR, firstLineChars: 200 } : undefined,
    children: typeof children === 'string' ? [body(children)] : children,
  });
}

const blank = () => para('', false);

/** Width in characters: CJK and full-width count 1, ASCII half. */
export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\x20-\x7e]/.test(ch) ? 0.5 : 1;
  return w;
}

const CJK = '[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]';
const FULL: Record<string, string> = {
  ',': '\uff0c',
  ';': '\uff1b',
  ':': '\uff1a',
  '!': '\uff01',
  '?': '\uff1f',
  '(': '\uff08',
  ')': '\uff09',
};
const PUNCT_NEAR_CJK = new RegExp(`(?<=${CJK})[,;:!?()]|[,;:!?()](?=${CJK})`, 'g');

/** Chinese typography: ASCII punctuation next to a Chinese character becomes full-width (, → \uff0c, ( → \uff08 …). */
export function cn(s: string): string {
  return s.replace(PUNCT_NEAR_CJK, (c) => FULL[c] ?? c);
}

const PERIOD = '\u3002';

/** Terminate a sentence with 。 unless it already ends in punctuation. */
function sentence(s: string): string {
  const t = cn(s.trim());
  return /[\u3002\uff1b\uff01\uff1f.;!?]$/.test(t) ? t : `${t}${PERIOD}`;
}

/** "经查,你(单位)" + facts, without doubling a lead-in the writer already put there. */
export function factsSentence(facts: string): string {
  const t = cn(facts.trim()).replace(/^经查[\uff0c\uff1a,:]?\s*/, '');
  return sentence(`经查,${/^你/.test(t) ? t : `你(单位)${t}`}`);
}

const CN_ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
export const cnNumber = (n: number) =>
  n <= 10 ? (CN_ORDINALS[n - 1] ?? String(n)) : n < 20 ? `十${CN_ORDINALS[n - 11] ?? ''}` : String(n);

/** Requirements as (一)(二)… unless the writer numbered them already. */
export function numberedActions(lines: string[]): string[] {
  const clean = lines.map((l) => cn(l.trim())).filter(Boolean);
  if (clean.length <= 1) return clean.map(sentence);
  const numbered = clean.every((l) =>
    /^([\uff08(][一二三四五六七八九十\d]+[\uff09)]|[一二三四五六七八九十\d]+[\u3001.\uff0e])/.test(l),
  );
  return clean.map((l, i) => sentence(numbered ? l : `(${cnNumber(i + 1)})${l}`));
}

/** Page number "— n —", 4号宋体, one character in from the outside edge. */
function pageFooter(side: 'odd' | 'even'): Footer {
  return new Footer({
    children: [
      new Paragraph({
        alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === 'odd' ? { right: 14 * PT } : { left: 14 * PT },
        children: [new TextRun({ children: ['\u2014 ', PageNumber.CURRENT, ' \u2014'], font: SONG, size: SIZE_4 })],
      }),
    ],
  });
}

const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const LINE_BORDER = { style: BorderStyle.SINGLE, size: 6, color: '000000' };

function cell(text: string | Paragraph[], width: number, opts: { height?: boolean } = {}): TableCell {
  const children =
    typeof text === 'string'
      ? [
          new Paragraph({
            alignment: AlignmentType.LEFT,
            spacing: { line: 360, lineRule: LineRuleType.AUTO },
            children: [new TextRun({ text: cn(text), font: FANGSONG, size: SIZE_4 })],
          }),
        ]
      : text;
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    verticalAlign: opts.height ? VerticalAlignTable.BOTTOM : VerticalAlignTable.CENTER,
    margins: { top: 80, bottom: 80, left: 120, right: 120 },
    borders: { top: LINE_BORDER, bottom: LINE_BORDER, left: LINE_BORDER, right: LINE_BORDER },
    children,
  });
}

const dateBlank = () =>
  new Paragraph({
    alignment: AlignmentType.RIGHT,
    indent: { right: 2 * 14 * PT },
    children: [new TextRun({ text: '年    月    日', font: FANGSONG, size: SIZE_4 })],
  });

/** 送达回证: what was served, on whom, where, how; the party's signature and the server's. */
function receipt(m: NoticeModel): (Paragraph | Table)[] {
  const total = mm(156);
  const labelW = mm(50);
  const valueW = total - labelW;
  const row = (label: string, value: string | Paragraph[], tallTwips?: number) =>
    new TableRow({
      height: tallTwips ? { value: tallTwips, rule: 'atLeast' } : { value: mm(13), rule: 'atLeast' },
      children: [cell(label, labelW), cell(value, valueW, { height: tallTwips !== undefined })],
    });
  return [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: exact(),
      children: [new TextRun({ text: '送达回证', font: XIAOBIAOSONG, size: SIZE_2 })],
    }),
    blank(),
    new Table({
      width: { size: total, type: WidthType.DXA },
      columnWidths: [labelW, valueW],
      layout: TableLayoutType.FIXED,
      borders: { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE },
      rows: [
        row('送达文书名称及文号', `责令改正通知书 ${m.number}`),
        row('受送达人', m.party.name),
        row('送达地点', m.party.address),
        row('送达方式', '□直接送达  □留置送达  □邮寄送达  □电子送达'),
        row('受送达人签名或盖章', [dateBlank()], mm(30)),
        row('代收人及代收理由', [dateBlank()], mm(22)),
        row('送达人', [dateBlank()], mm(22)),
        row('见证人', [dateBlank()], mm(22)),
        row('备注', ''),
      ],
    }),
    new Paragraph({
      spacing: { before: 120, line: 360, lineRule: LineRuleType.AUTO },
      children: [
        new TextRun({
          text: cn(
            '说明:受送达人拒绝签收的,送达人应在备注栏注明拒收事由和日期,由送达人、见证人签名,把文书留在受送达人的住所,即视为送达。',
          ),
          font: FANGSONG,
          size: SIZE_4,
        }),
      ],
    }),
  ];
}

/** One block of the notice: its text runs and how it sits on the line. */
export interface Block {
  kind: 'title' | 'number' | 'plain' | 'indent' | 'blank' | 'signature' | 'date';
  runs: { text: string; bold?: boolean }[];
  /** Right indent in characters (signature, date). */
  right?: number;
  /** Keep with the next block (the tail of the text stays with the signature and date). */
  keepNext?: boolean;
}

/** Characters per line: 版心 156 mm of 三号 on a 28-character grid. */
export const CHARS_PER_LINE = 28;
/** Lines per page (GB/T 9704: 22) and the tightest pitch used to keep the notice on one page (24 pt). */
export const LINES_PER_PAGE = 22;
const MIN_LINE = 24 * PT;
const BODY_HEIGHT = mm(225);

/** How many lines a block takes on the 28-character grid (titles: 二号 is 22/16 as wide). */
export function blockLines(b: Block): number {
  if (b.kind === 'blank') return 1;
  const text = b.runs.map((r) => cn(r.text)).join('');
  const scale = b.kind === 'title' ? SIZE_2 / SIZE_3 : 1;
  const width = textWidth(text) * scale + (b.kind === 'indent' ? 2 : 0) + (b.right ?? 0);
  return Math.max(1, Math.ceil(width / CHARS_PER_LINE));
}

/** The notice as blocks, in reading order. */
export function noticeBlocks(m: NoticeModel): Block[] {
  const p = m.party;
  // 发文机关署名 is centred over the date; the date sits four characters from the right edge.
  const dateIndent = 4;
  const nameIndent = Math.max(2, dateIndent + (textWidth(m.issuedDateText) - textWidth(m.authority)) / 2);
  const contact = [p.contact ? `联系人:${p.contact}` : null, p.phone ? `联系电话:${p.phone}` : null]
    .filter(Boolean)
    .join('    ');
  const t = (text: string, bold = false) => ({ text, bold });
  const actions = numberedActions(m.requiredActions);
  return [
    { kind: 'title', runs: [t(m.authority)] },
    { kind: 'title', runs: [t('责令改正通知书')] },
    { kind: 'number', runs: [t(m.number)] },
    { kind: 'plain', runs: [t('当事人:'), t(p.name)] },
    ...(p.licenceNo ? [{ kind: 'plain' as const, runs: [t('统一社会信用代码:'), t(p.licenceNo)] }] : []),
    { kind: 'plain', runs: [t('地址:'), t(p.address)] },
    ...(contact ? [{ kind: 'plain' as const, runs: [t(contact)] }] : []),
    { kind: 'indent', runs: [t(factsSentence(m.facts))] },
    {
      kind: 'indent',
      runs: [
        t(`依据${m.legalBasis.trim()}的规定,现责令你(单位)于`),
        t(m.deadlineText, true),
        t('前改正上述违法行为,并按以下要求整改:'),
      ],
    },
    ...actions.map((a) => ({ kind: 'indent' as const, runs: [t(a)] })),
    { kind: 'indent', runs: [t('逾期不改正的,本机关将依法予以处理。')] },
    {
      kind: 'indent',
      runs: [
        t(
          `如对本通知书内容有异议,可在收到本通知书之日起${cnNumber(m.statementDays)}日内向本机关提出陈述、申辩;逾期未提出的,视为放弃陈述、申辩的权利。`,
        ),
      ],
      keepNext: true,
    },
    {
      kind: 'indent',
      runs: [t(`承办人:${m.handler.name}${m.handler.phone ? `    联系电话:${m.handler.phone}` : ''}`)],
      keepNext: true,
    },
    // The seal (印章) goes over the signature and the date, within a line of the text above.
    { kind: 'blank', runs: [], keepNext: true },
    { kind: 'signature', runs: [t(m.authority)], right: nameIndent, keepNext: true },
    { kind: 'date', runs: [t(m.issuedDateText)], right: dateIndent, keepNext: true },
    // 附注: 居左空二字加圆括号, below the date.
    { kind: 'indent', runs: [t('(本通知书一式两份,一份送达当事人,一份存档。)')] },
  ];
}

/**
 * The line pitch that keeps the notice on one page: 22 lines at the standard 28.95 pt; more lines are
 * fitted by tightening the pitch down to 24 pt (GB/T 9704 7.3.5.5 allows adjusting line spacing so the
 * signature and date are not left alone); beyond that the text runs on at the standard pitch and the
 * tail (objection sentence, handler, signature, date) is kept together.
 */
export function noticePitch(lines: number): number {
  if (lines * LINE <= BODY_HEIGHT) return LINE;
  const fitted = Math.floor(BODY_HEIGHT / lines);
  return fitted >= MIN_LINE ? fitted : LINE;
}

/** The paragraphs of the notice itself. */
export function noticeParagraphs(m: NoticeModel): Paragraph[] {
  const blocks = noticeBlocks(m);
  const line = noticePitch(blocks.reduce((n, b) => n + blockLines(b), 0));
  return blocks.map((b) => {
    const runs = b.runs.map((r) =>
      b.kind === 'title'
        ? new TextRun({ text: cn(r.text), font: XIAOBIAOSONG, size: SIZE_2 })
        : body(r.text, { bold: r.bold }),
    );
    const alignment =
      b.kind === 'title'
        ? AlignmentType.CENTER
        : b.kind === 'number' || b.kind === 'signature' || b.kind === 'date'
          ? AlignmentType.RIGHT
          : AlignmentType.BOTH;
    return new Paragraph({
      alignment,
      spacing: exact(line),
      keepNext: b.keepNext,
      keepLines: true,
      indent:
        b.kind === 'indent'
          ? { firstLine: 2 * CHAR, firstLineChars: 200 }
          : b.right
            ? { right: Math.round(b.right * CHAR) }
            : undefined,
      children: runs,
    });
  });
}

/** The whole document as a .docx file. */
export async function renderNoticeDocx(m: NoticeModel): Promise<Buffer> {
  const doc = new Document({
    creator: m.authority,
    title: `责令改正通知书 ${m.number}`,
    description: `责令改正通知书 ${m.number}`,
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: { run: { font: FANGSONG, size: SIZE_3 }, paragraph: { spacing: exact() } },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: mm(210), height: mm(297) },
            margin: { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26), header: mm(15), footer: mm(20) },
          },
          // 22 lines × 28 characters of 三号 (16 pt): character pitch 156 mm / 28 ≈ 15.79 pt.
          grid: { type: DocumentGridType.LINES_AND_CHARS, linePitch: LINE, charSpace: -845 },
        },
        footers: { default: pageFooter('odd'), even: pageFooter('even') },
        children: [...noticeParagraphs(m), new Paragraph({ children: [new PageBreak()] }), ...receipt(m)],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

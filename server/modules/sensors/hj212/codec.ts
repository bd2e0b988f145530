/**
 * HJ 212-2017 frame codec: parseFrame (never throws), serialise, buildAck.
 *
 * Wire format: `##` + 4 decimal digits (data-segment length in bytes) + data segment + 4 hex digits CRC (+ `\r\n`).
 * Data segment: `QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;PNUM=…;PNO=…;CP=&&…&&`.
 *
 * Checks run in this order, and the first failure is the answer: size cap (TOO_LONG) → `##` (BAD_HEADER) → length
 * digits (BAD_LENGTH) → declared vs actual length (LENGTH_MISMATCH) → CRC field syntax (BAD_CRC_FORMAT) → CRC
 * (BAD_CRC / MODBUS_CRC_NOT_ALLOWED) → characters (BAD_CHARSET) → segment structure and fields. Because the CRC is
 * checked before any field, every corruption of the data segment is reported as a CRC failure.
 *
 * Two parsers, one behaviour: parseSegmentFast reads frames of the usual shape straight from the bytes and gives up
 * (returns undefined) on anything else; parseSegment, the general parser, then answers — so every error and the rarer
 * quirks have exactly one implementation. hj212.differential.test.ts holds parseFrame to a frozen copy of the parser as
 * it was before the fast path (hj212.reference.ts).
 *
 * Decisions on real-device quirks (see ../shared/testdata/hj212/README.md). "Tolerated" means the frame is accepted and
 * the quirk is listed in `frame.quirks`; "rejected" means `{ ok: false }` with the code given.
 * - CRC mismatch: rejected (BAD_CRC). Never "repaired", never skipped.
 * - CRC-16/MODBUS instead of the HJ 212 CRC (HJ022–HJ047, hcu firmware): rejected by default
 *   (MODBUS_CRC_NOT_ALLOWED, so the log says exactly what the device does); accepted with `allowModbusCrc: true`
 *   (a per-device/listener setting), then `frame.crcKind === 'modbus'`. buildAck mirrors the request's CRC kind so
 *   such a device can verify our reply. When both algorithms give the sent value (1 segment in 65,536), crcKind is
 *   'hj212'.
 * - CRC hex digits in lower case (HJ002 `1dc0`): accepted, not a quirk (the standard does not fix the case).
 * - Declared length ≠ actual length, or bytes after the CRC other than `\r\n` / `\n`: rejected (LENGTH_MISMATCH) —
 *   the length is the only framing we have, a wrong one means we cannot know where the frame ends.
 * - Missing `\r\n`: accepted (the framer already separated the frame; the standard terminator carries no data).
 * - Length counts bytes; the data segment must be printable ASCII (0x20–0x7E), anything else is BAD_CHARSET.
 * - 2005-style frames without QN and/or Flag (HJ001–HJ004, HJ048, HJ052–HJ054): accepted; `qn`/`flag` are absent
 *   (such a device asks for no ack). ST, CN, PW and MN are required (MISSING_FIELD): MN identifies the device.
 * - Header fields in another order (HJ014 `PNO` before `PNUM`): accepted, not a quirk.
 * - Non-standard header fields (e.g. USCC/IMEI): kept verbatim in `frame.extra` (quirk UNKNOWN_HEADER_FIELD).
 * - No `CP=&&…&&` at all (HJ062, a login-style packet with USCC/IMEI and no MN): rejected (MISSING_FIELD, field CP).
 * - `&` inside the CP content, or CP not wrapped in `&&…&&`: rejected (BAD_CP).
 * - `;` where `,` belongs inside CP (HJ049/HJ050/HJ061/HJ063): accepted. Every item key names its own pollutant, so the
 *   grouping carries no meaning; `;` and `,` are treated alike. Two fields of one pollutant split by `;` are noted as
 *   quirk MIXED_SEPARATORS.
 * - `-Flag` before `-Rtd` (HJ013): accepted, item order is irrelevant, not a quirk.
 * - A bare `Flag=N` item in CP right after a pollutant item (HJ056 `a34001-Rtd=92;Flag=N`): attached to that pollutant
 *   if it has no flag yet (quirk BARE_DATA_FLAG) — dropping it would turn a D (fault) flag into "no flag". Otherwise it
 *   is an ordinary `other` item.
 * - Keys in another case (`DATATIME`, `a34001-RTD`, `FLAG`, `A34001`): accepted and normalised to the standard
 *   spelling (quirk KEY_CASE) — there is no other key they could mean. Codes not in our table keep their spelling.
 * - Duplicate keys: the same key twice with the same value (HJ007 `a21-Rtd=0.00;a21-Rtd=0.00`) collapses (quirk
 *   DUPLICATE_KEY); with different values it is rejected (DUPLICATE_KEY) for header fields, DataTime and pollutant
 *   fields — we cannot know which measurement is true, and "last wins" would silently store a coin toss. Repeated
 *   non-pollutant CP keys are legitimate lists in commands (3014 `CTime=…,CTime=…`, 1021 `PolId=…;PolId=…`), so a key
 *   that appears more than once goes to `cp.multi` with all its values in order, and `cp.other` holds keys seen once.
 * - Empty items (`;;`, trailing `;`): skipped (quirk EMPTY_ITEM).
 * - Flag D bit (has packets) without PNUM/PNO or the reverse (hcu `Flag=3`): accepted (quirk PACKET_FLAG_MISMATCH).
 *   PNUM without PNO (or the reverse), or PNO > PNUM: rejected (BAD_FIELD).
 * - Data flag outside N F M S D C T B: kept, `flagKnown: false` (quirk UNKNOWN_DATA_FLAG).
 * - Non-numeric value for -Rtd/-Avg/-Min/-Max/-Cou (including empty): rejected (BAD_FIELD) rather than stored as a
 *   silent gap. Numbers are plain decimals, optionally with an exponent; -0 is read as 0.
 * - Other suffixes (`-ZsRtd`, `-SampleTime`, `-ValidNum`, `-Ia`, …) are kept in `cp.other` under their full key.
 * - QN must be 17 digits and a real calendar time; DataTime 14 or 17 digits. Both are China time (UTC+8) and
 *   returned as epoch ms. Years 1900–2999 are accepted: a wrong device clock (the 2035 rows in the test data) is a
 *   plausibility question for the listener, not a framing error.
 * - Pollutant codes matching our table in another case are normalised (`A34001` → `a34001`); others are kept as sent.
 * - Header values: ST 1–5 digits, CN 1–7 digits, Flag 0–255, PNUM/PNO 1–9999, MN 1–64 and PW 0–64 characters without
 *   `=`, `,`, `&` (HJ012's 24-character PW and HJ053's ST=101 are real). CNs other than the data uploads parse
 *   generically: their CP items land in `other` / `multi` / `pollutants` by key shape.
 * - Serialisation is canonical: standard header order, CP as DataTime; other; multi; one `;` group per pollutant with
 *   `,` between its fields (Rtd, Cou, Min, Avg, Max, Flag), numbers in shortest round-trip form, upper-case CRC, `\r\n`.
 */
import { DATA_FLAGS, POLLUTANTS } from './codes.ts';
import { crc16Hj212, crc16Modbus, crcHex } from './crc.ts';

export type CrcKind = 'hj212' | 'modbus';

/** Values of one pollutant/factor in CP (`code-Rtd`, `-Avg`, `-Min`, `-Max`, `-Cou`, `-Flag`); only present keys are set. */
export interface PollutantValues {
  rtd?: number;
  avg?: number;
  min?: number;
  max?: number;
  cou?: number;
  /** Data flag as sent (N F M S D C T B, or something else). */
  flag?: string;
  /** Present whenever `flag` is: false when the flag is not one of N F M S D C T B. */
  flagKnown?: boolean;
}

export interface Hj212Cp {
  /** DataTime as epoch ms (the device sends China time, UTC+8). */
  dataTime?: number;
  /** Keyed by pollutant code (null-prototype object). */
  pollutants: Record<string, PollutantValues>;
  /** Other CP items seen once, key → raw value (null-prototype object), e.g. QnRtn, ExeRtn, RtdInterval, a01006-ValidNum. */
  other: Record<string, string>;
  /** Non-pollutant CP keys that appeared more than once (command lists like CTime, PolId), all values in order. */
  multi: Record<string, string[]>;
}

/** The Flag field decoded (HJ 212-2017 §6.3.2: Flag = V5..V0 D A). */
export interface FlagBits {
  /** Protocol version bits V5..V0: 0 = HJ/T 212-2005, 1 = HJ 212-2017. */
  version: number;
  /** Bit 0 (A): the sender wants a response. */
  needsAck: boolean;
  /** Bit 1 (D): the message is split into packets (PNUM/PNO present). */
  hasPackets: boolean;
}

export type Hj212Quirk =
  | 'KEY_CASE'
  | 'DUPLICATE_KEY'
  | 'EMPTY_ITEM'
  | 'MIXED_SEPARATORS'
  | 'BARE_DATA_FLAG'
  | 'UNKNOWN_HEADER_FIELD'
  | 'PACKET_FLAG_MISMATCH'
  | 'UNKNOWN_DATA_FLAG';

/** Quirks in the order they are listed in `frame.quirks`. */
export const QUIRKS: readonly Hj212Quirk[] = [
  'KEY_CASE',
  'DUPLICATE_KEY',
  'EMPTY_ITEM',
  'MIXED_SEPARATORS',
  'BARE_DATA_FLAG',
  'UNKNOWN_HEADER_FIELD',
  'PACKET_FLAG_MISMATCH',
  'UNKNOWN_DATA_FLAG',
];
const Q_KEY_CASE = 1;
const Q_DUPLICATE = 2;
const Q_EMPTY = 4;
const Q_SEPARATORS = 8;
const Q_BARE_FLAG = 16;
const Q_UNKNOWN_HEADER = 32;
const Q_PACKET_FLAG = 64;
const Q_UNKNOWN_FLAG = 128;

export interface Hj212Frame {
  /** Request number as sent (17 digits); absent in 2005-style frames. */
  qn?: string;
  /** QN read as China time (UTC+8), epoch ms. */
  qnTime?: number;
  st: string;
  cn: string;
  pw: string;
  mn: string;
  flag?: number;
  flagBits?: FlagBits;
  pnum?: number;
  pno?: number;
  /** Non-standard header fields, verbatim (null-prototype object). */
  extra: Record<string, string>;
  cp: Hj212Cp;
  /** Which CRC the frame carried (serialise writes this kind); 'hj212' when both algorithms give the sent value. */
  crcKind: CrcKind;
  /** Tolerated deviations from the standard, in QUIRKS order, each once. */
  quirks: Hj212Quirk[];
}

export type Hj212ErrorCode =
  | 'TOO_LONG'
  | 'BAD_HEADER'
  | 'BAD_LENGTH'
  | 'LENGTH_MISMATCH'
  | 'BAD_CRC_FORMAT'
  | 'BAD_CRC'
  | 'MODBUS_CRC_NOT_ALLOWED'
  | 'BAD_CHARSET'
  | 'MISSING_FIELD'
  | 'BAD_FIELD'
  | 'DUPLICATE_KEY'
  | 'BAD_CP'
  | 'INTERNAL';

export const HJ212_ERRORS: Readonly<Record<Hj212ErrorCode, { zh: string; en: string }>> = {
  TOO_LONG: { zh: '报文超长', en: 'frame too long' },
  BAD_HEADER: { zh: '包头错误（应以 ## 开头）', en: 'bad header (must start with ##)' },
  BAD_LENGTH: { zh: '数据段长度字段错误', en: 'bad length field' },
  LENGTH_MISMATCH: { zh: '数据段长度与声明不符', en: 'length mismatch' },
  BAD_CRC_FORMAT: { zh: 'CRC 字段格式错误', en: 'bad CRC field' },
  BAD_CRC: { zh: 'CRC 校验失败', en: 'CRC mismatch' },
  MODBUS_CRC_NOT_ALLOWED: { zh: '设备使用 Modbus CRC，未启用兼容', en: 'Modbus CRC not allowed' },
  BAD_CHARSET: { zh: '数据段含非法字符', en: 'illegal character in data segment' },
  MISSING_FIELD: { zh: '缺少必填字段', en: 'missing field' },
  BAD_FIELD: { zh: '字段格式错误', en: 'bad field' },
  DUPLICATE_KEY: { zh: '字段重复且取值不同', en: 'duplicate key with different values' },
  BAD_CP: { zh: 'CP 指令参数区格式错误', en: 'bad CP section' },
  INTERNAL: { zh: '解析器内部错误', en: 'internal parser error' },
};

export interface Hj212ParseError {
  code: Hj212ErrorCode;
  /** Short human text in both languages, with the specifics appended. */
  reason: { zh: string; en: string };
  /** The offending field or CP key, when there is one. */
  field?: string;
  /** Specifics (English/technical), e.g. "declared 0101, actual 0100" or "expected 1C80, got 1C81". */
  detail?: string;
}

export type ParseResult = { ok: true; frame: Hj212Frame } | { ok: false; error: Hj212ParseError };

export interface ParseOptions {
  /** Accept frames whose CRC is CRC-16/MODBUS instead of the HJ 212 CRC (default false). */
  allowModbusCrc?: boolean;
  /** Largest data-segment length accepted (default and maximum 9999). */
  maxDataLength?: number;
}

export const MAX_DATA_LENGTH = 9999;
/** `##` + 4 length digits + data + 4 CRC digits, without the optional `\r\n`. */
export const FRAME_OVERHEAD = 10;

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

function fail(code: Hj212ErrorCode, detail?: string, field?: string): { ok: false; error: Hj212ParseError } {
  const base = HJ212_ERRORS[code];
  const spec = field !== undefined ? (detail !== undefined ? `${field}: ${detail}` : field) : detail;
  const error: Hj212ParseError = {
    code,
    reason:
      spec === undefined ? { zh: base.zh, en: base.en } : { zh: `${base.zh}（${spec}）`, en: `${base.en}: ${spec}` },
  };
  if (field !== undefined) error.field = field;
  if (detail !== undefined) error.detail = detail;
  return { ok: false, error };
}

/**
 * Records keyed by device-supplied strings (pollutants, other, multi, extra) have no prototype: a code spelled
 * `__proto__`, `constructor` or `toString` is plain data. (V8 keeps such objects as hash maps, which also suits keys
 * chosen by devices; measured no slower here than fast-property objects.)
 */
export function createRecord<T>(entries?: Iterable<readonly [string, T]>): Record<string, T> {
  const r = Object.create(null) as Record<string, T>;
  if (entries !== undefined) for (const [k, v] of entries) r[k] = v;
  return r;
}

function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Parse one frame (bytes or string, with or without the trailing `\r\n`). Never throws. */
export function parseFrame(input: Uint8Array | string, opts: ParseOptions = {}): ParseResult {
  try {
    return parseBytes(input, opts);
  } catch (e) {
    // Defensive net: a throw here is a parser bug, reported as a typed error (the fuzz suite asserts it never happens).
    return fail('INTERNAL', e instanceof Error ? e.message : String(e));
  }
}

/** bytes[start, end) for a message, non-printable bytes as '.'. */
function printable(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    s += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : '.';
  }
  return s;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

function parseBytes(input: Uint8Array | string, opts: ParseOptions): ParseResult {
  let maxData = opts.maxDataLength ?? MAX_DATA_LENGTH;
  if (!(maxData >= 0 && maxData <= MAX_DATA_LENGTH)) maxData = MAX_DATA_LENGTH;
  const maxInput = maxData + FRAME_OVERHEAD + 2;
  let bytes: Buffer;
  if (typeof input === 'string') {
    if (input.length > maxInput) return fail('TOO_LONG', `${input.length} characters`);
    bytes = Buffer.from(input, 'utf8');
  } else if (Buffer.isBuffer(input)) {
    bytes = input;
  } else if (input instanceof Uint8Array) {
    bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  } else {
    return fail('BAD_HEADER', 'input is neither bytes nor a string');
  }
  let n = bytes.length;
  if (n > maxInput) return fail('TOO_LONG', `${n} bytes`);
  if (n >= 2 && bytes[n - 1] === 10 && bytes[n - 2] === 13) n -= 2;
  else if (n >= 1 && bytes[n - 1] === 10) n -= 1;
  if (n < 2 || bytes[0] !== 0x23 || bytes[1] !== 0x23) return fail('BAD_HEADER');
  if (n < 6) return fail('BAD_HEADER', 'truncated before the length field');
  let len = 0;
  for (let i = 2; i < 6; i++) {
    const d = bytes[i]! - 48;
    if (d < 0 || d > 9) return fail('BAD_LENGTH', `"${printable(bytes, 2, 6)}" is not 4 decimal digits`);
    len = len * 10 + d;
  }
  if (len > maxData) return fail('TOO_LONG', `declared data length ${len} > ${maxData}`);
  if (n !== len + FRAME_OVERHEAD) {
    return fail('LENGTH_MISMATCH', `declared ${len}, data segment + CRC has ${n - 6} bytes (expected ${len + 4})`);
  }
  const end = 6 + len;
  let sent = 0;
  for (let i = end; i < n; i++) {
    const h = hexValue(bytes[i]!);
    if (h < 0) return fail('BAD_CRC_FORMAT', `"${printable(bytes, end, n)}" is not 4 hex digits`);
    sent = (sent << 4) | h;
  }
  const crc = crc16Hj212(bytes, 6, end);
  let crcKind: CrcKind = 'hj212';
  if (crc !== sent) {
    const modbus = crc16Modbus(bytes, 6, end);
    if (modbus !== sent) return fail('BAD_CRC', `expected ${crcHex(crc)}, got ${crcHex(sent)}`);
    if (!opts.allowModbusCrc) return fail('MODBUS_CRC_NOT_ALLOWED', `CRC ${crcHex(sent)} is CRC-16/MODBUS`);
    crcKind = 'modbus';
  }
  // Fast path first: it answers for frames of the usual shape and returns undefined for anything else (any error, most
  // quirks, a byte outside printable ASCII), which the general parser below then answers exactly.
  const fast = parseSegmentFast(bytes, 6, end, crcKind);
  if (fast !== undefined) return fast;
  for (let i = 6; i < end; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b > 0x7e) return fail('BAD_CHARSET', `byte 0x${b.toString(16).padStart(2, '0')} at offset ${i}`);
  }
  return parseSegment(bytes.toString('latin1', 6, end), crcKind);
}

// ---------------------------------------------------------------------------------------------------------------------
// Data segment

/** Digits at s[i, i+n) as a number, or -1. */
function digitsAt(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = s.charCodeAt(i + k) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil; exact integer arithmetic). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** s[i, e) as yyyyMMddHHmmss or yyyyMMddHHmmssSSS in China time (UTC+8) → epoch ms; NaN when not a real time. */
function chinaTimeAt(s: string, i: number, e: number): number {
  const L = e - i;
  if (L !== 14 && L !== 17) return Number.NaN;
  const y = digitsAt(s, i, 4);
  const mo = digitsAt(s, i + 4, 2);
  const d = digitsAt(s, i + 6, 2);
  const h = digitsAt(s, i + 8, 2);
  const mi = digitsAt(s, i + 10, 2);
  const se = digitsAt(s, i + 12, 2);
  const ms = L === 17 ? digitsAt(s, i + 14, 3) : 0;
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59) return Number.NaN;
  if (se < 0 || se > 59 || ms < 0 || d > daysInMonth(y, mo)) return Number.NaN;
  return daysFromCivil(y, mo, d) * 86_400_000 + ((h * 60 + mi) * 60 + se) * 1000 + ms - CHINA_OFFSET_MS;
}

/** yyyyMMddHHmmss or yyyyMMddHHmmssSSS in China time (UTC+8) → epoch ms; NaN when not a real time. */
export function parseChinaTime(s: string): number {
  return chinaTimeAt(s, 0, s.length);
}

function pad(v: number, n: number): string {
  const s = String(v);
  return s.length >= n ? s : '0000'.slice(0, n - s.length) + s;
}

/** Epoch ms → China time (UTC+8) as yyyyMMddHHmmss, or yyyyMMddHHmmssSSS when `withMs` (or the ms are not zero). */
export function formatChinaTime(epochMs: number, withMs = false): string {
  const t = new Date(epochMs + CHINA_OFFSET_MS);
  const base =
    pad(t.getUTCFullYear(), 4) +
    pad(t.getUTCMonth() + 1, 2) +
    pad(t.getUTCDate(), 2) +
    pad(t.getUTCHours(), 2) +
    pad(t.getUTCMinutes(), 2) +
    pad(t.getUTCSeconds(), 2);
  const ms = t.getUTCMilliseconds();
  return withMs || ms !== 0 ? base + pad(ms, 3) : base;
}

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];

/**
 * s[i, e) as a plain decimal (optional sign, fraction, exponent) → number; NaN otherwise. -0 becomes 0.
 * Fast path without allocation: an integer mantissa below 2^53 divided by an exact power of ten is correctly rounded,
 * i.e. the same double as Number(text). Anything else (exponents, > 15 digits) goes through Number().
 */
function numberAt(s: string, i: number, e: number): number {
  const start = i;
  let c = s.charCodeAt(i);
  let neg = false;
  if (c === 45) {
    neg = true;
    i++;
  } else if (c === 43) i++;
  let m = 0;
  let digits = 0;
  let frac = 0;
  while (i < e) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    m = m * 10 + (c - 48);
    digits++;
    i++;
  }
  if (i < e && c === 46) {
    i++;
    while (i < e) {
      c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      m = m * 10 + (c - 48);
      digits++;
      frac++;
      i++;
    }
  }
  if (digits === 0) return Number.NaN;
  if (i === e && m <= Number.MAX_SAFE_INTEGER && frac <= 22) {
    const v = frac === 0 ? m : m / POW10[frac]!;
    return neg && v !== 0 ? -v : v;
  }
  if (i === e) return numberSlow(s.slice(start, e));
  if (c !== 101 && c !== 69) return Number.NaN;
  i++;
  if (i < e) {
    c = s.charCodeAt(i);
    if (c === 43 || c === 45) i++;
  }
  const expStart = i;
  while (i < e) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) return Number.NaN;
    i++;
  }
  if (i === expStart) return Number.NaN;
  return numberSlow(s.slice(start, e));
}

function numberSlow(text: string): number {
  const v = +text;
  return Number.isFinite(v) ? v + 0 : Number.NaN;
}

/** Header values must not contain `=`, `,` or `&` (`;` cannot occur: it ends the field). */
function isToken(s: string, min: number, max: number): boolean {
  const n = s.length;
  if (n < min || n > max) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 61 || c === 44 || c === 38) return false;
  }
  return true;
}

function isDigits(s: string, min: number, max: number): boolean {
  const n = s.length;
  return n >= min && n <= max && digitsAt(s, 0, n) >= 0;
}

const H_QN = 0;
const H_ST = 1;
const H_CN = 2;
const H_PW = 3;
const H_MN = 4;
const H_FLAG = 5;
const H_PNUM = 6;
const H_PNO = 7;
const HEADER_KEYS = ['QN', 'ST', 'CN', 'PW', 'MN', 'Flag', 'PNUM', 'PNO'] as const;
const HEADER_BY_LOWER = new Map<string, number>(HEADER_KEYS.map((k, i) => [k.toLowerCase(), i]));

/** Index of the standard header key spelled exactly at s[i, e), or -1. */
function headerKeyAt(s: string, i: number, e: number): number {
  const n = e - i;
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(i + 1);
  if (n === 2) {
    if (b === 78) return a === 81 ? H_QN : a === 67 ? H_CN : a === 77 ? H_MN : -1; // QN CN MN
    if (a === 83 && b === 84) return H_ST;
    if (a === 80 && b === 87) return H_PW;
    return -1;
  }
  if (n === 4) {
    if (s.startsWith('Flag', i)) return H_FLAG;
    if (s.startsWith('PNUM', i)) return H_PNUM;
    return -1;
  }
  if (n === 3 && s.startsWith('PNO', i)) return H_PNO;
  return -1;
}

const KNOWN_CODES = new Set(Object.keys(POLLUTANTS));
const CODE_BY_LOWER = new Map<string, string>(Object.keys(POLLUTANTS).map((k) => [k.toLowerCase(), k]));

const S_FLAG = 5;
const SUFFIX_NAMES = ['Rtd', 'Avg', 'Min', 'Max', 'Cou', 'Flag'] as const;
/** Case-differs marker added to a suffix index by suffixAt. */
const S_CASE = 8;

/**
 * The pollutant suffix spelled at s[i, e): 0 Rtd, 1 Avg, 2 Min, 3 Max, 4 Cou, 5 Flag; + S_CASE when it is spelled in
 * another case (e.g. `RTD`); -1 when it is no pollutant suffix.
 */
function suffixAt(s: string, i: number, e: number): number {
  const n = e - i;
  if (n !== 3 && n !== 4) return -1;
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(i + 1);
  const c = s.charCodeAt(i + 2);
  const la = a | 0x20;
  const lb = b | 0x20;
  const lc = c | 0x20;
  let k = -1;
  if (n === 4) {
    if (la === 102 && lb === 108 && lc === 97 && (s.charCodeAt(i + 3) | 0x20) === 103) k = S_FLAG; // flag
  } else if (la === 114 && lb === 116 && lc === 100)
    k = 0; // rtd
  else if (la === 97 && lb === 118 && lc === 103)
    k = 1; // avg
  else if (la === 109 && lb === 105 && lc === 110)
    k = 2; // min
  else if (la === 109 && lb === 97 && lc === 120)
    k = 3; // max
  else if (la === 99 && lb === 111 && lc === 117) k = 4; // cou
  if (k < 0) return -1;
  const exact = a === (la & ~0x20) && b === lb && c === lc && (n === 3 || s.charCodeAt(i + 3) === 103);
  return exact ? k : k + S_CASE;
}

/** Interned one-letter data flags (N F M S D C T B), indexed by char code; other values are sliced. */
const FLAG_STRINGS: (string | undefined)[] = [];
for (const f of Object.keys(DATA_FLAGS)) FLAG_STRINGS[f.charCodeAt(0)] = f;

type Fail = { ok: false; error: Hj212ParseError };

function parseSegment(seg: string, crcKind: CrcKind): ParseResult {
  const L = seg.length;
  let quirks = 0;

  // Locate CP: `;CP=` (a header value cannot contain `;`, so the first match is the field) or a segment starting with it.
  let hdrEnd = seg.indexOf(';CP=');
  let cpVal = hdrEnd + 4;
  if (hdrEnd < 0) {
    if (seg.startsWith('CP=')) {
      hdrEnd = 0;
      cpVal = 3;
    } else {
      const lower = seg.toLowerCase();
      hdrEnd = lower.indexOf(';cp=');
      cpVal = hdrEnd + 4;
      if (hdrEnd < 0 && lower.startsWith('cp=')) {
        hdrEnd = 0;
        cpVal = 3;
      }
      if (hdrEnd < 0) return fail('MISSING_FIELD', 'no CP=&&…&& section', 'CP');
      quirks |= Q_KEY_CASE;
    }
  }
  if (
    L - cpVal < 4 ||
    seg.charCodeAt(cpVal) !== 38 ||
    seg.charCodeAt(cpVal + 1) !== 38 ||
    seg.charCodeAt(L - 1) !== 38 ||
    seg.charCodeAt(L - 2) !== 38
  ) {
    return fail('BAD_CP', 'CP must be CP=&&…&& at the end of the data segment');
  }
  const cStart = cpVal + 2;
  const cEnd = L - 2;
  const amp = seg.indexOf('&', cStart);
  if (amp < cEnd) return fail('BAD_CP', `"&" inside CP at offset ${amp}`);

  // Header fields.
  const hv: (string | undefined)[] = [
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
  ];
  let extra: Record<string, string> | undefined;
  let p = 0;
  while (p < hdrEnd) {
    let e = seg.indexOf(';', p);
    if (e < 0 || e > hdrEnd) e = hdrEnd;
    if (e === p) {
      quirks |= Q_EMPTY;
      p = e + 1;
      continue;
    }
    let eq = p;
    while (eq < e && seg.charCodeAt(eq) !== 61) eq++;
    if (eq === e) return fail('BAD_FIELD', 'header item without "="', seg.slice(p, e));
    if (eq === p) return fail('BAD_FIELD', 'header item with an empty key', seg.slice(p, e));
    let k = headerKeyAt(seg, p, eq);
    const val = seg.slice(eq + 1, e);
    if (k < 0) {
      const rawKey = seg.slice(p, eq);
      k = HEADER_BY_LOWER.get(rawKey.toLowerCase()) ?? -1;
      if (k >= 0) quirks |= Q_KEY_CASE;
      else {
        if (!isToken(val, 0, 64) || !isToken(rawKey, 1, 32)) return fail('BAD_FIELD', 'illegal header item', rawKey);
        extra ??= dict<string>();
        const prev = extra[rawKey];
        if (prev !== undefined) {
          if (prev !== val) return fail('DUPLICATE_KEY', `"${prev}" vs "${val}"`, rawKey);
          quirks |= Q_DUPLICATE;
        }
        extra[rawKey] = val;
        quirks |= Q_UNKNOWN_HEADER;
        p = e + 1;
        continue;
      }
    }
    p = e + 1;
    const name = HEADER_KEYS[k]!;
    switch (k) {
      case H_QN:
        if (val.length !== 17 || Number.isNaN(chinaTimeAt(val, 0, 17)))
          return fail('BAD_FIELD', 'QN must be yyyyMMddHHmmssSSS', name);
        break;
      case H_ST:
        if (!isDigits(val, 1, 5)) return fail('BAD_FIELD', 'ST must be 1-5 digits', name);
        break;
      case H_CN:
        if (!isDigits(val, 1, 7)) return fail('BAD_FIELD', 'CN must be 1-7 digits', name);
        break;
      case H_PW:
        if (!isToken(val, 0, 64)) return fail('BAD_FIELD', 'PW must be up to 64 characters without = , &', name);
        break;
      case H_MN:
        if (!isToken(val, 1, 64)) return fail('BAD_FIELD', 'MN must be 1-64 characters without = , &', name);
        break;
      case H_FLAG:
        if (!isDigits(val, 1, 3) || Number(val) > 255) return fail('BAD_FIELD', 'Flag must be 0-255', name);
        break;
      default: // PNUM, PNO
        if (!isDigits(val, 1, 4) || Number(val) < 1) return fail('BAD_FIELD', `${name} must be 1-9999`, name);
    }
    const prev = hv[k];
    if (prev !== undefined) {
      const same = k >= H_FLAG ? Number(prev) === Number(val) : prev === val;
      if (!same) return fail('DUPLICATE_KEY', `"${prev}" vs "${val}"`, name);
      quirks |= Q_DUPLICATE;
    }
    hv[k] = val;
  }
  const st = hv[H_ST];
  const cn = hv[H_CN];
  const pw = hv[H_PW];
  const mn = hv[H_MN];
  if (st === undefined) return fail('MISSING_FIELD', undefined, 'ST');
  if (cn === undefined) return fail('MISSING_FIELD', undefined, 'CN');
  if (pw === undefined) return fail('MISSING_FIELD', undefined, 'PW');
  if (mn === undefined) return fail('MISSING_FIELD', undefined, 'MN');
  const pnumStr = hv[H_PNUM];
  const pnoStr = hv[H_PNO];
  if ((pnumStr === undefined) !== (pnoStr === undefined)) {
    return fail('BAD_FIELD', 'PNUM and PNO must appear together', pnumStr === undefined ? 'PNUM' : 'PNO');
  }
  const pnum = pnumStr === undefined ? undefined : Number(pnumStr);
  const pno = pnoStr === undefined ? undefined : Number(pnoStr);
  if (pnum !== undefined && pno !== undefined && pno > pnum)
    return fail('BAD_FIELD', `PNO ${pno} > PNUM ${pnum}`, 'PNO');
  const flagStr = hv[H_FLAG];
  const flag = flagStr === undefined ? undefined : Number(flagStr);
  if (flag !== undefined && ((flag & 2) === 2) !== (pnum !== undefined)) quirks |= Q_PACKET_FLAG;

  // CP items.
  const cp: Hj212Cp = { pollutants: dict<PollutantValues>(), other: dict<string>(), multi: dict<string[]>() };
  const r = parseCp(seg, cStart, cEnd, cp);
  if (typeof r !== 'number') return r;
  quirks |= r;

  const frame: Hj212Frame = { st, cn, pw, mn, extra: extra ?? dict<string>(), cp, crcKind, quirks: [] };
  const qn = hv[H_QN];
  if (qn !== undefined) {
    frame.qn = qn;
    frame.qnTime = chinaTimeAt(qn, 0, 17);
  }
  if (flag !== undefined) {
    frame.flag = flag;
    frame.flagBits = decodeFlag(flag);
  }
  if (pnum !== undefined && pno !== undefined) {
    frame.pnum = pnum;
    frame.pno = pno;
  }
  if (quirks !== 0) {
    for (let i = 0; i < QUIRKS.length; i++) if (quirks & (1 << i)) frame.quirks.push(QUIRKS[i]!);
  }
  return { ok: true, frame };
}

/** Decode the Flag byte (version bits, D = has packets, A = needs ack). */
export function decodeFlag(flag: number): FlagBits {
  return { version: flag >>> 2, needsAck: (flag & 1) === 1, hasPackets: (flag & 2) === 2 };
}

/** True when s[a, a+str.length) spells str. */
function sameCharsStr(s: string, a: number, str: string): boolean {
  for (let k = 0; k < str.length; k++) if (s.charCodeAt(a + k) !== str.charCodeAt(k)) return false;
  return true;
}

/**
 * Pollutant codes seen before, by raw spelling → the code to use (normalised for our table, e.g. `A34001` → `a34001`).
 * Reusing one string per code spares slicing and re-hashing it in every frame. Buckets are keyed by length and first,
 * second and last character; the cache stops growing at CODE_CACHE_MAX spellings (a device sending random codes then
 * only costs the uncached path).
 */
const CODE_CACHE = new Map<number, string[]>();
const CODE_CACHE_MAX = 2048;
let codeCacheSize = 0;

function canonicalCode(raw: string): string {
  if (KNOWN_CODES.has(raw)) return raw;
  return CODE_BY_LOWER.get(raw.toLowerCase()) ?? raw;
}

function internCode(s: string, i: number, e: number): string {
  const n = e - i;
  // Stays below 2^30 (a small integer for V8, no boxing): length 6 bits, three 7-bit ASCII characters.
  const key =
    (n & 0x3f) | (s.charCodeAt(i) << 6) | (s.charCodeAt(i + (n > 1 ? 1 : 0)) << 13) | (s.charCodeAt(e - 1) << 20);
  const bucket = CODE_CACHE.get(key);
  if (bucket !== undefined) {
    // Entries alternate raw spelling, code.
    for (let k = 0; k < bucket.length; k += 2) {
      const raw = bucket[k]!;
      if (raw.length === n && sameCharsStr(s, i, raw)) return bucket[k + 1]!;
    }
  }
  const raw = s.slice(i, e);
  const code = canonicalCode(raw);
  if (codeCacheSize < CODE_CACHE_MAX) {
    codeCacheSize++;
    if (bucket !== undefined) bucket.push(raw, code);
    else CODE_CACHE.set(key, [raw, code]);
  }
  return code;
}

/** Parse CP items in seg[start, end) into cp; returns the quirk bits, or a failure. */
function parseCp(seg: string, start: number, end: number, cp: Hj212Cp): number | Fail {
  if (start === end) return 0;
  let quirks = 0;
  const { pollutants, other, multi } = cp;
  // The pollutant of the last pollutant item, remembered by its raw spelling so that the fields of one pollutant
  // (usually adjacent) resolve without slicing or hashing the code again.
  let curPv: PollutantValues | undefined;
  let curCode = '';
  let curAt = -1;
  let curLen = 0;
  let prevWasPollutant = false; // the immediately preceding item was a field of curPv
  let prevSep = 0;
  let p = start;
  for (;;) {
    let e = p;
    let eq = -1;
    let dash = -1;
    // While scanning the key, also compare it with the last pollutant code's spelling (one pass instead of two).
    let same = curAt >= 0;
    for (; e < end; e++) {
      const c = seg.charCodeAt(e);
      if (c === 59 || c === 44) break;
      if (eq < 0) {
        if (c === 61) eq = e;
        else {
          if (c === 45) dash = e;
          if (same && e - p < curLen && c !== seg.charCodeAt(curAt + e - p)) same = false;
        }
      }
    }
    if (e === p) {
      quirks |= Q_EMPTY;
      prevWasPollutant = false;
    } else {
      if (eq < 0) return fail('BAD_CP', `item "${seg.slice(p, e)}" has no "="`);
      if (eq === p) return fail('BAD_CP', `item "${seg.slice(p, e)}" has an empty key`);
      const sfx = dash > p ? suffixAt(seg, dash + 1, eq) : -1;
      if (sfx >= 0) {
        if (sfx >= S_CASE) quirks |= Q_KEY_CASE;
        const suffix = sfx & 7;
        const codeLen = dash - p;
        let pv: PollutantValues;
        if (same && codeLen === curLen && curPv !== undefined) {
          pv = curPv;
          if (prevWasPollutant && prevSep === 59) quirks |= Q_SEPARATORS;
        } else {
          const code = internCode(seg, p, dash);
          if (code.length !== codeLen || !sameCharsStr(seg, p, code)) quirks |= Q_KEY_CASE;
          const existing = pollutants[code];
          if (existing === undefined) {
            pv = {};
            pollutants[code] = pv;
          } else pv = existing;
          curPv = pv;
          curCode = code;
          curAt = p;
          curLen = codeLen;
        }
        if (suffix === S_FLAG) {
          const r = setFlag(pv, seg, eq + 1, e);
          if (r < 0) return failField(seg, p, eq, e, r);
          quirks |= r;
        } else {
          const v = numberAt(seg, eq + 1, e);
          if (Number.isNaN(v)) return fail('BAD_FIELD', `"${seg.slice(eq + 1, e)}" is not a number`, seg.slice(p, eq));
          // Named stores per suffix (a computed key would make every store megamorphic).
          let prev: number | undefined;
          switch (suffix) {
            case 0:
              prev = pv.rtd;
              pv.rtd = v;
              break;
            case 1:
              prev = pv.avg;
              pv.avg = v;
              break;
            case 2:
              prev = pv.min;
              pv.min = v;
              break;
            case 3:
              prev = pv.max;
              pv.max = v;
              break;
            default:
              prev = pv.cou;
              pv.cou = v;
          }
          if (prev !== undefined) {
            if (prev !== v) return fail('DUPLICATE_KEY', `${prev} vs ${v}`, `${curCode}-${SUFFIX_NAMES[suffix]}`);
            quirks |= Q_DUPLICATE;
          }
        }
        prevWasPollutant = true;
      } else {
        const keyLen = eq - p;
        if (keyLen === 8 && (seg.startsWith('DataTime', p) || seg.slice(p, eq).toLowerCase() === 'datatime')) {
          if (!seg.startsWith('DataTime', p)) quirks |= Q_KEY_CASE;
          const t = chinaTimeAt(seg, eq + 1, e);
          if (Number.isNaN(t)) return fail('BAD_FIELD', 'DataTime must be yyyyMMddHHmmss[SSS]', 'DataTime');
          if (cp.dataTime !== undefined) {
            if (cp.dataTime !== t) return fail('DUPLICATE_KEY', `"${seg.slice(eq + 1, e)}" differs`, 'DataTime');
            quirks |= Q_DUPLICATE;
          }
          cp.dataTime = t;
        } else if (
          keyLen === 4 &&
          prevWasPollutant &&
          curPv!.flag === undefined &&
          seg.slice(p, eq).toLowerCase() === 'flag'
        ) {
          const r = setFlag(curPv!, seg, eq + 1, e);
          if (r < 0) return failField(seg, p, eq, e, r);
          quirks |= r | Q_BARE_FLAG | (seg.startsWith('Flag', p) ? 0 : Q_KEY_CASE);
        } else {
          const key = seg.slice(p, eq);
          const value = seg.slice(eq + 1, e);
          const list = multi[key];
          if (list !== undefined) list.push(value);
          else {
            const prev = other[key];
            if (prev === undefined) other[key] = value;
            else {
              multi[key] = [prev, value];
              delete other[key];
            }
          }
        }
        prevWasPollutant = false;
      }
    }
    if (e >= end) break;
    prevSep = seg.charCodeAt(e);
    p = e + 1;
  }
  return quirks;
}

const R_EMPTY_FLAG = -1;
const R_FLAG_DIFFERS = -2;

/** Set pv.flag from s[i, e); returns quirk bits or R_EMPTY_FLAG / R_FLAG_DIFFERS. */
function setFlag(pv: PollutantValues, s: string, i: number, e: number): number {
  if (e === i) return R_EMPTY_FLAG;
  const value = (e - i === 1 ? FLAG_STRINGS[s.charCodeAt(i)] : undefined) ?? s.slice(i, e);
  let quirks = 0;
  if (pv.flag !== undefined) {
    if (pv.flag !== value) return R_FLAG_DIFFERS;
    quirks |= Q_DUPLICATE;
  }
  const known = value.length === 1 && FLAG_STRINGS[value.charCodeAt(0)] !== undefined;
  if (!known) quirks |= Q_UNKNOWN_FLAG;
  pv.flag = value;
  pv.flagKnown = known;
  return quirks;
}

function failField(s: string, p: number, eq: number, e: number, r: number): Fail {
  const key = s.slice(p, eq);
  return r === R_EMPTY_FLAG
    ? fail('BAD_FIELD', 'empty data flag', key)
    : fail('DUPLICATE_KEY', `another flag than "${s.slice(eq + 1, e)}" was already given`, key);
}

// ---------------------------------------------------------------------------------------------------------------------
// Fast path
//
// parseSegmentFast reads the data segment straight from the bytes in one pass, parses numbers and times while it scans,
// and returns undefined as soon as it meets anything outside the usual shape: an error of any kind, a byte outside
// printable ASCII, a header key that is not spelled exactly QN ST CN PW MN Flag PNUM PNO (or repeats), a key in another
// case, a bare Flag item, a number with an exponent or more than 15 significant digits. The general parser
// (parseSegment) then answers, so errors, their order and their details, and the rarer quirks have one implementation.
// What the fast path does accept it answers exactly as parseSegment would; hj212.differential.test.ts holds both
// against a frozen copy of the original parser.

/** Character classes of the fast scanners: plain printable, `;` `,`, `=`, `-`, `&`, outside printable ASCII. */
const C_PLAIN = 0;
const C_SEP = 1;
const C_EQ = 2;
const C_DASH = 3;
const C_AMP = 4;
const C_BAD = 5;
const CLS = new Uint8Array(256).fill(C_BAD);
for (let c = 0x20; c <= 0x7e; c++) CLS[c] = C_PLAIN;
CLS[59] = C_SEP;
CLS[44] = C_SEP;
CLS[61] = C_EQ;
CLS[45] = C_DASH;
CLS[38] = C_AMP;

/** Bits of the standard header fields seen (each may appear once on the fast path). */
const F_QN = 1;
const F_ST = 2;
const F_CN = 4;
const F_PW = 8;
const F_MN = 16;
const F_FLAG = 32;
const F_PNUM = 64;
const F_PNO = 128;

/** Digits b[i, i+n) as a number, or -1. */
function digitsAtBytes(b: Uint8Array, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = b[i + k]! - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Two decimal digits at b[i] (known to be digits). */
function d2(b: Uint8Array, i: number): number {
  return (b[i]! - 48) * 10 + b[i + 1]! - 48;
}

/** The last calendar day converted by chinaTimeBytes (yyyymmdd) and its days since 1970-01-01. */
let lastYmd = -1;
let lastDays = 0;

/**
 * chinaTimeAt over bytes that are known to be decimal digits: b[i, e) as yyyyMMddHHmmss[SSS] China time → epoch ms;
 * NaN when not a real time. Consecutive frames carry the same day, so its day number is remembered.
 */
function chinaTimeBytes(b: Uint8Array, i: number, e: number): number {
  const L = e - i;
  if (L !== 14 && L !== 17) return Number.NaN;
  const y = d2(b, i) * 100 + d2(b, i + 2);
  const mo = d2(b, i + 4);
  const d = d2(b, i + 6);
  const h = d2(b, i + 8);
  const mi = d2(b, i + 10);
  const se = d2(b, i + 12);
  const ms = L === 17 ? d2(b, i + 14) * 10 + b[i + 16]! - 48 : 0;
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return Number.NaN;
  const ymd = y * 10000 + mo * 100 + d;
  if (ymd !== lastYmd) {
    if (d > daysInMonth(y, mo)) return Number.NaN;
    lastDays = daysFromCivil(y, mo, d);
    lastYmd = ymd;
  }
  return lastDays * 86_400_000 + ((h * 60 + mi) * 60 + se) * 1000 + ms - CHINA_OFFSET_MS;
}

/** The end of the run of decimal digits starting at b[i]. */
function digitsEnd(b: Uint8Array, i: number): number {
  for (;;) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return i;
    i++;
  }
}

/** The end of a value starting at b[i]: the first byte that is not plain printable, `=` or `-`. */
function valueEnd(b: Uint8Array, i: number): number {
  while (CLS[b[i]!]! === C_PLAIN || CLS[b[i]!]! === C_EQ || CLS[b[i]!]! === C_DASH) i++;
  return i;
}

/**
 * Pollutant codes by their bytes (the fast path's twin of internCode): an open-addressing table of raw spelling → code,
 * at most CODE_CACHE_MAX spellings (then misses are only not remembered). codeAtBytes returns the code when the raw
 * spelling is the code itself, undefined when it would be normalised (KEY_CASE is left to the general parser).
 */
const CODE_SLOTS = 4096; // a power of two, twice CODE_CACHE_MAX: probes stay short
const slotRaw: string[] = new Array<string>(CODE_SLOTS).fill('');
const slotCode: (string | undefined)[] = new Array<string | undefined>(CODE_SLOTS).fill(undefined);
let slotsUsed = 0;
/** The slot of codeAtBytes' last answer, -1 when it was not cached. */
let codeSlot = -1;
/**
 * Per slot, the stamp of the last parse that stored that pollutant: storeGroup needs no dictionary lookup to know a
 * code is new in this frame (stamp differs). An equal stamp (or no slot) means "look it up", so wrap-around is harmless.
 */
const slotStamp = new Int32Array(CODE_SLOTS);
let parseStamp = 0;

function codeAtBytes(b: Uint8Array, i: number, e: number): string | undefined {
  const n = e - i;
  let h = n;
  for (let j = i; j < e; j++) h = (Math.imul(h, 31) + b[j]!) | 0;
  let slot = (h ^ (h >>> 11)) & (CODE_SLOTS - 1);
  for (;;) {
    const raw = slotRaw[slot]!;
    if (raw.length === 0) break; // empty slot: not cached (raw codes are never empty)
    if (raw.length === n) {
      let j = 0;
      while (j < n && raw.charCodeAt(j) === b[i + j]) j++;
      if (j === n) {
        codeSlot = slot;
        return slotCode[slot];
      }
    }
    slot = (slot + 1) & (CODE_SLOTS - 1);
  }
  const raw = latin1(b, i, e);
  const code = canonicalCode(raw) === raw ? raw : undefined;
  codeSlot = -1;
  if (slotsUsed < CODE_CACHE_MAX) {
    slotsUsed++;
    slotRaw[slot] = raw;
    slotCode[slot] = code;
    slotStamp[slot] = 0;
    codeSlot = slot;
  }
  return code;
}

/** b[i, e) as a string (one byte per character). */
function latin1(b: Uint8Array, i: number, e: number): string {
  return (b as Buffer).toString('latin1', i, e);
}

/** True when b[i, i+n) equals b[j, j+n) (compared from the end: codes like a34001/a34002 differ there). */
function sameBytes(b: Uint8Array, i: number, j: number, n: number): boolean {
  for (let k = n - 1; k >= 0; k--) if (b[i + k] !== b[j + k]) return false;
  return true;
}

/**
 * The suffix spelled exactly at b[i, e): 0 Rtd, 1 Avg, 2 Min, 3 Max, 4 Cou, 5 Flag; -1 when it is no pollutant suffix,
 * -2 when it is one in another case (left to the general parser).
 */
function suffixAtBytes(b: Uint8Array, i: number, e: number): number {
  const n = e - i;
  if (n === 3) {
    const x = b[i]!;
    const y = b[i + 1]!;
    const z = b[i + 2]!;
    if (x === 82 && y === 116 && z === 100) return 0; // Rtd
    if (x === 65 && y === 118 && z === 103) return 1; // Avg
    if (x === 77 && y === 105 && z === 110) return 2; // Min
    if (x === 77 && y === 97 && z === 120) return 3; // Max
    if (x === 67 && y === 111 && z === 117) return 4; // Cou
  } else if (n === 4) {
    if (b[i] === 70 && b[i + 1] === 108 && b[i + 2] === 97 && b[i + 3] === 103) return S_FLAG; // Flag
  } else return -1;
  // Not spelled exactly: another case of a suffix, or no suffix at all (the general parser's suffixAt decides).
  let lower = '';
  for (let k = i; k < e; k++) lower += String.fromCharCode(b[k]! | 0x20);
  return lower === 'rtd' || lower === 'avg' || lower === 'min' || lower === 'max' || lower === 'cou' || lower === 'flag'
    ? -2
    : -1;
}

/** The suffix spelled exactly at b[i] and followed by `=` (0 Rtd … 4 Cou, 5 Flag), else -1. */
function suffixEqAt(b: Uint8Array, i: number): number {
  const x = b[i]!;
  const y = b[i + 1]!;
  const z = b[i + 2]!;
  if (b[i + 3] === 61) {
    if (x === 82) return y === 116 && z === 100 ? 0 : -1; // Rtd
    if (x === 65) return y === 118 && z === 103 ? 1 : -1; // Avg
    if (x === 77) return y === 105 ? (z === 110 ? 2 : -1) : y === 97 && z === 120 ? 3 : -1; // Min, Max
    if (x === 67) return y === 111 && z === 117 ? 4 : -1; // Cou
    return -1;
  }
  return x === 70 && y === 108 && z === 97 && b[i + 3] === 103 && b[i + 4] === 61 ? S_FLAG : -1; // Flag
}

/** True when b[i, i+n) spells `lowerWord` in any case (letters only). */
function sameWordAnyCase(b: Uint8Array, i: number, lowerWord: string): boolean {
  for (let k = 0; k < lowerWord.length; k++) if ((b[i + k]! | 0x20) !== lowerWord.charCodeAt(k)) return false;
  return true;
}

/** Octal signatures of the usual field orders (suffix + 1 per field: Rtd 1, Avg 2, Min 3, Max 4, Cou 5, Flag 6). */
const SIG_RTD = 1;
const SIG_RTD_FLAG = 0o16;
const SIG_FLAG_RTD = 0o61;
const SIG_MIN_AVG_MAX = 0o324;
const SIG_MIN_AVG_MAX_FLAG = 0o3246;
const SIG_RTD_COU_MIN_AVG_MAX_FLAG = 0o153246;
const SIG_COU_MIN_AVG_MAX_FLAG = 0o53246;

/**
 * Store one pollutant's collected fields under `code`: a new object with its keys in order of appearance (as parseCp
 * builds it), or, when the code already had items earlier in CP, added to that object with parseCp's duplicate rules.
 * Returns quirk bits, or -1 for a conflicting duplicate (left to the general parser).
 */
function storeGroup(
  pollutants: Record<string, PollutantValues>,
  code: string,
  slot: number,
  sig: number,
  rtd: number,
  avg: number,
  min: number,
  max: number,
  cou: number,
  flag: string,
  flagKnown: boolean,
): number {
  const existing = slot >= 0 && slotStamp[slot] !== parseStamp ? undefined : pollutants[code];
  if (existing === undefined) {
    if (slot >= 0) slotStamp[slot] = parseStamp;
    // Object literals for the usual orders (one shape each, no transitions); any other order field by field.
    let pv: PollutantValues;
    switch (sig) {
      case SIG_RTD_FLAG:
        pv = { rtd, flag, flagKnown };
        break;
      case SIG_MIN_AVG_MAX_FLAG:
        pv = { min, avg, max, flag, flagKnown };
        break;
      case SIG_RTD:
        pv = { rtd };
        break;
      case SIG_FLAG_RTD:
        pv = { flag, flagKnown, rtd };
        break;
      case SIG_MIN_AVG_MAX:
        pv = { min, avg, max };
        break;
      case SIG_COU_MIN_AVG_MAX_FLAG:
        pv = { cou, min, avg, max, flag, flagKnown };
        break;
      case SIG_RTD_COU_MIN_AVG_MAX_FLAG:
        pv = { rtd, cou, min, avg, max, flag, flagKnown };
        break;
      default:
        pv = {};
        addFields(pv, sig, rtd, avg, min, max, cou, flag, flagKnown);
    }
    pollutants[code] = pv;
    return 0;
  }
  return addFields(existing, sig, rtd, avg, min, max, cou, flag, flagKnown);
}

/** Add the fields of `sig` to pv in order; a field pv already has must have the same value (then DUPLICATE_KEY). */
function addFields(
  pv: PollutantValues,
  sig: number,
  rtd: number,
  avg: number,
  min: number,
  max: number,
  cou: number,
  flag: string,
  flagKnown: boolean,
): number {
  let quirks = 0;
  let shift = 0;
  while (sig >>> (shift + 3) !== 0) shift += 3;
  for (; shift >= 0; shift -= 3) {
    let prev: number | string | undefined;
    let v: number | string;
    switch ((sig >>> shift) & 7) {
      case 1:
        prev = pv.rtd;
        v = pv.rtd = rtd;
        break;
      case 2:
        prev = pv.avg;
        v = pv.avg = avg;
        break;
      case 3:
        prev = pv.min;
        v = pv.min = min;
        break;
      case 4:
        prev = pv.max;
        v = pv.max = max;
        break;
      case 5:
        prev = pv.cou;
        v = pv.cou = cou;
        break;
      default:
        prev = pv.flag;
        v = pv.flag = flag;
        pv.flagKnown = flagKnown;
    }
    if (prev !== undefined) {
      if (prev !== v) return -1;
      quirks |= Q_DUPLICATE;
    }
  }
  return quirks;
}

/**
 * Parse the data segment b[s0, end) if it has the usual shape (see above); undefined otherwise. Exported for the
 * differential test only (not from index.ts).
 */
export function parseSegmentFast(b: Buffer, s0: number, end: number, crcKind: CrcKind): ParseResult | undefined {
  // The segment must end in `&&`: every scan below stops at a `&` at the latest, so none can run past the end.
  if (end - s0 < 7 || b[end - 1] !== 38 || b[end - 2] !== 38) return undefined;

  parseStamp = (parseStamp + 1) | 0;
  // Header fields, each `KEY=value;`, up to the first field spelled `CP=`.
  let seen = 0;
  let qnAt = 0;
  let qnTime = 0;
  let stAt = 0;
  let stEnd = 0;
  let cnAt = 0;
  let cnEnd = 0;
  let pwAt = 0;
  let pwEnd = 0;
  let mnAt = 0;
  let mnEnd = 0;
  let flag = -1;
  let pnum = -1;
  let pno = -1;
  let p = s0;
  for (;;) {
    const c0 = b[p]!;
    const c1 = b[p + 1]!;
    let bit: number;
    let v0: number;
    if (b[p + 2] === 61) {
      v0 = p + 3;
      if (c1 === 78) bit = c0 === 81 ? F_QN : c0 === 67 ? F_CN : c0 === 77 ? F_MN : 0;
      else if (c0 === 83 && c1 === 84) bit = F_ST;
      else if (c0 === 80 && c1 === 87) bit = F_PW;
      else if (c0 === 67 && c1 === 80)
        break; // CP=
      else return undefined;
    } else if (c0 === 70 && c1 === 108 && b[p + 2] === 97 && b[p + 3] === 103 && b[p + 4] === 61) {
      bit = F_FLAG;
      v0 = p + 5;
    } else if (c0 === 80 && c1 === 78 && b[p + 2] === 85 && b[p + 3] === 77 && b[p + 4] === 61) {
      bit = F_PNUM;
      v0 = p + 5;
    } else if (c0 === 80 && c1 === 78 && b[p + 2] === 79 && b[p + 3] === 61) {
      bit = F_PNO;
      v0 = p + 4;
    } else return undefined;
    if (bit === 0 || (seen & bit) !== 0) return undefined;
    seen |= bit;
    let e: number;
    if (bit === F_PW || bit === F_MN) {
      // Up to 64 characters without `=` `,` `&` (MN at least one).
      e = v0;
      while (CLS[b[e]!] === C_PLAIN || CLS[b[e]!] === C_DASH) e++;
      const n = e - v0;
      if (n > 64) return undefined;
      if (bit === F_PW) {
        pwAt = v0;
        pwEnd = e;
      } else {
        if (n === 0) return undefined;
        mnAt = v0;
        mnEnd = e;
      }
    } else {
      e = digitsEnd(b, v0);
      const n = e - v0;
      switch (bit) {
        case F_QN:
          if (n !== 17) return undefined;
          qnTime = chinaTimeBytes(b, v0, e);
          if (Number.isNaN(qnTime)) return undefined;
          qnAt = v0;
          break;
        case F_ST:
          if (n < 1 || n > 5) return undefined;
          stAt = v0;
          stEnd = e;
          break;
        case F_CN:
          if (n < 1 || n > 7) return undefined;
          cnAt = v0;
          cnEnd = e;
          break;
        case F_FLAG:
          if (n < 1 || n > 3) return undefined;
          flag = digitsAtBytes(b, v0, n);
          if (flag > 255) return undefined;
          break;
        default: {
          if (n < 1 || n > 4) return undefined;
          const v = digitsAtBytes(b, v0, n);
          if (v < 1) return undefined;
          if (bit === F_PNUM) pnum = v;
          else pno = v;
        }
      }
    }
    if (b[e] !== 59) return undefined;
    p = e + 1;
  }
  const hdrEnd = p; // `CP=` starts here
  if ((seen & (F_ST | F_CN | F_PW | F_MN)) !== (F_ST | F_CN | F_PW | F_MN)) return undefined;
  if (pnum < 0 !== pno < 0 || pno > pnum) return undefined;
  if (end - (p + 3) < 4 || b[p + 3] !== 38 || b[p + 4] !== 38) return undefined;
  const cStart = p + 5;
  const cEnd = end - 2;
  let quirks = flag >= 0 && ((flag & 2) === 2) !== pnum >= 0 ? Q_PACKET_FLAG : 0;

  // CP items. Every item ends at `;` `,` or the `&` at cEnd; a `&` anywhere else, or any byte of another class where
  // it does not belong, ends the fast path.
  const pollutants = dict<PollutantValues>();
  const other = dict<string>();
  const multi = dict<string[]>();
  const cp: Hj212Cp = { pollutants, other, multi };
  if (cStart < cEnd) {
    // The fields of one pollutant are collected in locals while its items follow one another (the usual grouping) and
    // become one object literal when the next pollutant starts or CP ends (see groupValues): no per-field shape
    // transitions. The group's code is remembered by the position and length of its raw spelling (as in parseCp).
    let gCode = '';
    let gSlot = -1;
    let gAt = -1;
    let gLen = 0;
    let gSig = 0; // the group's fields in order of appearance, one octal digit each (suffix + 1)
    let gMask = 0; // the group's fields, bit per suffix
    let gRtd = 0;
    let gAvg = 0;
    let gMin = 0;
    let gMax = 0;
    let gCou = 0;
    let gFlag = '';
    let gKnown = false;
    let prevWasPollutant = false;
    let prevSep = 0;
    p = cStart;
    for (;;) {
      let i = p;
      let dash = -1;
      let k = C_EQ;
      let again = false; // the same raw code as the current group
      let sfx = gLen > 0 && b[p + gLen] === 45 ? suffixEqAt(b, p + gLen + 1) : -1;
      // Usually the same pollutant as the item before (`a34001-Rtd=…,a34001-Flag=N`): its code, `-`, an exact suffix
      // and `=` (then that `-` is the last one before `=`, as the scan below would find). Otherwise scan the key up to
      // `=`, remembering the last `-`.
      if (sfx >= 0 && sameBytes(b, p, gAt, gLen)) {
        dash = p + gLen;
        i = dash + (sfx === S_FLAG ? 5 : 4);
        again = true;
      } else {
        i = p;
        for (;;) {
          k = CLS[b[i]!]!;
          if (k === C_PLAIN) i++;
          else if (k === C_DASH) dash = i++;
          else break;
        }
      }
      if (i === p && (k === C_SEP || i === cEnd)) {
        quirks |= Q_EMPTY;
        prevWasPollutant = false;
      } else {
        if (k !== C_EQ || i === p) return undefined;
        const eq = i;
        const v0 = eq + 1;
        if (!again) sfx = dash > p ? suffixAtBytes(b, dash + 1, eq) : -1;
        if (sfx === -2) return undefined;
        if (sfx >= 0) {
          const codeLen = dash - p;
          if (again || (codeLen === gLen && sameBytes(b, p, gAt, codeLen))) {
            if (prevWasPollutant && prevSep === 59) quirks |= Q_SEPARATORS;
          } else {
            const code = codeAtBytes(b, p, dash);
            if (code === undefined) return undefined;
            if (gSig !== 0) {
              const r = storeGroup(pollutants, gCode, gSlot, gSig, gRtd, gAvg, gMin, gMax, gCou, gFlag, gKnown);
              if (r < 0) return undefined;
              quirks |= r;
            }
            gCode = code;
            gSlot = codeSlot;
            gAt = p;
            gLen = codeLen;
            gSig = 0;
            gMask = 0;
          }
          if (sfx === S_FLAG) {
            const f = FLAG_STRINGS[b[v0]!];
            let value: string;
            let known: boolean;
            if (f !== undefined && (CLS[b[v0 + 1]!] === C_SEP || v0 + 1 === cEnd)) {
              value = f;
              known = true;
              i = v0 + 1;
            } else {
              i = valueEnd(b, v0);
              if (i === v0 || (CLS[b[i]!] !== C_SEP && i !== cEnd)) return undefined;
              value = latin1(b, v0, i);
              known = value.length === 1 && FLAG_STRINGS[value.charCodeAt(0)] !== undefined;
            }
            if (!known) quirks |= Q_UNKNOWN_FLAG;
            if ((gMask & (1 << S_FLAG)) !== 0) {
              if (gFlag !== value) return undefined;
              quirks |= Q_DUPLICATE;
            } else {
              gMask |= 1 << S_FLAG;
              gSig = gSig * 8 + S_FLAG + 1;
              gFlag = value;
              gKnown = known;
            }
          } else {
            // A plain decimal, exactly as numberAt reads it on its fast path; anything else is left to numberAt.
            i = v0;
            let c = b[i]!;
            let neg = false;
            if (c === 45) {
              neg = true;
              c = b[++i]!;
            } else if (c === 43) c = b[++i]!;
            let m = 0;
            let digits = 0;
            let frac = 0;
            while (c >= 48 && c <= 57) {
              m = m * 10 + (c - 48);
              digits++;
              c = b[++i]!;
            }
            if (c === 46) {
              c = b[++i]!;
              while (c >= 48 && c <= 57) {
                m = m * 10 + (c - 48);
                digits++;
                frac++;
                c = b[++i]!;
              }
            }
            if (digits === 0 || m > Number.MAX_SAFE_INTEGER || frac > 22) return undefined;
            if (c !== 59 && c !== 44 && i !== cEnd) return undefined;
            let v = frac === 0 ? m : m / POW10[frac]!;
            if (neg && v !== 0) v = -v;
            if ((gMask & (1 << sfx)) !== 0) {
              const prev = sfx === 0 ? gRtd : sfx === 1 ? gAvg : sfx === 2 ? gMin : sfx === 3 ? gMax : gCou;
              if (prev !== v) return undefined;
              quirks |= Q_DUPLICATE;
            } else {
              gMask |= 1 << sfx;
              gSig = gSig * 8 + sfx + 1;
              if (sfx === 0) gRtd = v;
              else if (sfx === 1) gAvg = v;
              else if (sfx === 2) gMin = v;
              else if (sfx === 3) gMax = v;
              else gCou = v;
            }
          }
          prevWasPollutant = true;
        } else {
          const keyLen = eq - p;
          if (
            keyLen === 8 &&
            b[p] === 68 &&
            b[p + 1] === 97 &&
            b[p + 2] === 116 &&
            b[p + 3] === 97 &&
            b[p + 4] === 84 &&
            b[p + 5] === 105 &&
            b[p + 6] === 109 &&
            b[p + 7] === 101
          ) {
            // DataTime
            i = digitsEnd(b, v0);
            const t = chinaTimeBytes(b, v0, i);
            if (Number.isNaN(t) || (b[i] !== 59 && b[i] !== 44 && i !== cEnd)) return undefined;
            if (cp.dataTime !== undefined) {
              if (cp.dataTime !== t) return undefined;
              quirks |= Q_DUPLICATE;
            }
            cp.dataTime = t;
          } else {
            // DataTime or Flag in another case, or a bare Flag: left to the general parser.
            if (keyLen === 8 && sameWordAnyCase(b, p, 'datatime')) return undefined;
            if (keyLen === 4 && sameWordAnyCase(b, p, 'flag')) return undefined;
            i = valueEnd(b, v0);
            if (CLS[b[i]!] !== C_SEP && i !== cEnd) return undefined;
            const key = latin1(b, p, eq);
            const value = latin1(b, v0, i);
            const list = multi[key];
            if (list !== undefined) list.push(value);
            else {
              const prev = other[key];
              if (prev === undefined) other[key] = value;
              else {
                multi[key] = [prev, value];
                delete other[key];
              }
            }
          }
          prevWasPollutant = false;
        }
      }
      if (i === cEnd) break;
      prevSep = b[i]!;
      p = i + 1;
    }
    if (gSig !== 0) {
      const r = storeGroup(pollutants, gCode, gSlot, gSig, gRtd, gAvg, gMin, gMax, gCou, gFlag, gKnown);
      if (r < 0) return undefined;
      quirks |= r;
    }
  }

  // Header strings, sliced from one decoded copy of the header.
  const hdr = latin1(b, s0, hdrEnd);
  const frame: Hj212Frame = {
    st: hdr.slice(stAt - s0, stEnd - s0),
    cn: hdr.slice(cnAt - s0, cnEnd - s0),
    pw: hdr.slice(pwAt - s0, pwEnd - s0),
    mn: hdr.slice(mnAt - s0, mnEnd - s0),
    extra: dict<string>(),
    cp,
    crcKind,
    quirks: [],
  };
  if ((seen & F_QN) !== 0) {
    frame.qn = hdr.slice(qnAt - s0, qnAt - s0 + 17);
    frame.qnTime = qnTime;
  }
  if (flag >= 0) {
    frame.flag = flag;
    frame.flagBits = decodeFlag(flag);
  }
  if (pnum >= 0) {
    frame.pnum = pnum;
    frame.pno = pno;
  }
  if (quirks !== 0) {
    for (let q = 0; q < QUIRKS.length; q++) if (quirks & (1 << q)) frame.quirks.push(QUIRKS[q]!);
  }
  return { ok: true, frame };
}

// ---------------------------------------------------------------------------------------------------------------------
// Serialise and acks

export interface SerialiseOptions {
  /** Append `\r\n` (default true). */
  crlf?: boolean;
  /** Override the CRC kind (default: frame.crcKind). */
  crcKind?: CrcKind;
}

/** A number as written in CP (shortest round-trip form; parseFrame reads it back to the same double). */
function num(v: number): string {
  return String(v);
}

/** The data segment (`QN=…;…;CP=&&…&&`) of a frame, in standard field order. */
export function serialiseSegment(frame: Hj212Frame): string {
  let s = '';
  if (frame.qn !== undefined) s += `QN=${frame.qn};`;
  s += `ST=${frame.st};CN=${frame.cn};PW=${frame.pw};MN=${frame.mn};`;
  if (frame.flag !== undefined) s += `Flag=${frame.flag};`;
  if (frame.pnum !== undefined) s += `PNUM=${frame.pnum};`;
  if (frame.pno !== undefined) s += `PNO=${frame.pno};`;
  for (const k in frame.extra) s += `${k}=${frame.extra[k]};`;
  s += 'CP=&&';
  const cp = frame.cp;
  let first = true;
  const item = (text: string) => {
    s += first ? text : `;${text}`;
    first = false;
  };
  if (cp.dataTime !== undefined) item(`DataTime=${formatChinaTime(cp.dataTime)}`);
  for (const k in cp.other) item(`${k}=${cp.other[k]}`);
  for (const k in cp.multi) for (const v of cp.multi[k]!) item(`${k}=${v}`);
  for (const code in cp.pollutants) {
    const pv = cp.pollutants[code]!;
    let g = '';
    if (pv.rtd !== undefined) g += `,${code}-Rtd=${num(pv.rtd)}`;
    if (pv.cou !== undefined) g += `,${code}-Cou=${num(pv.cou)}`;
    if (pv.min !== undefined) g += `,${code}-Min=${num(pv.min)}`;
    if (pv.avg !== undefined) g += `,${code}-Avg=${num(pv.avg)}`;
    if (pv.max !== undefined) g += `,${code}-Max=${num(pv.max)}`;
    if (pv.flag !== undefined) g += `,${code}-Flag=${pv.flag}`;
    if (g.length > 0) item(g.slice(1));
  }
  return `${s}&&`;
}

/**
 * The wire form of a frame: `##` + length + data segment + CRC (+ `\r\n`). Throws RangeError when the frame cannot be
 * written (data segment over 9999 bytes or with characters outside printable ASCII) — frames from parseFrame and
 * buildAck always can.
 */
export function serialise(frame: Hj212Frame, opts: SerialiseOptions = {}): string {
  const seg = serialiseSegment(frame);
  for (let i = 0; i < seg.length; i++) {
    const c = seg.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) throw new RangeError(`HJ 212 data segment has a non-printable character at ${i}`);
  }
  if (seg.length > MAX_DATA_LENGTH) throw new RangeError(`HJ 212 data segment too long (${seg.length})`);
  const kind = opts.crcKind ?? frame.crcKind;
  const crc = kind === 'modbus' ? crc16Modbus(seg) : crc16Hj212(seg);
  return `##${pad(seg.length, 4)}${seg}${crcHex(crc)}${opts.crlf === false ? '' : '\r\n'}`;
}

/**
 * Replies defined by HJ 212-2017: 'data' = 9014 数据应答 (to uploads whose Flag asks for an ack), 'request' = 9011
 * 请求应答 (CP QnRtn), 'execution' = 9012 执行结果 (CP ExeRtn), 'notice' = 9013 通知应答.
 */
export type AckKind = 'data' | 'request' | 'execution' | 'notice';

export const ACK_CN: Readonly<Record<AckKind, string>> = {
  data: '9014',
  request: '9011',
  execution: '9012',
  notice: '9013',
};

export interface AckOptions {
  /** QnRtn for 'request' (default 1 = 准备执行请求). */
  qnRtn?: number;
  /** ExeRtn for 'execution' (default 1 = 执行成功). */
  exeRtn?: number;
  /** CRC kind of the reply (default: the request's, so a Modbus-CRC device can check it). */
  crcKind?: CrcKind;
}

/**
 * The response frame to `request`: ST=91, CN per kind, the request's QN (omitted if it had none), PW and MN,
 * Flag=4 (HJ 212-2017, no ack wanted), CP `&&&&`, `&&QnRtn=n&&` or `&&ExeRtn=n&&`. Write it with serialise().
 */
export function buildAck(
  request: Pick<Hj212Frame, 'qn' | 'pw' | 'mn' | 'crcKind'>,
  kind: AckKind,
  opts: AckOptions = {},
): Hj212Frame {
  const other = dict<string>();
  if (kind === 'request') other.QnRtn = String(opts.qnRtn ?? 1);
  if (kind === 'execution') other.ExeRtn = String(opts.exeRtn ?? 1);
  const frame: Hj212Frame = {
    st: '91',
    cn: ACK_CN[kind],
    pw: request.pw,
    mn: request.mn,
    flag: 4,
    flagBits: decodeFlag(4),
    extra: dict<string>(),
    cp: { pollutants: dict<PollutantValues>(), other, multi: dict<string[]>() },
    crcKind: opts.crcKind ?? request.crcKind,
    quirks: [],
  };
  if (request.qn !== undefined) {
    frame.qn = request.qn;
    frame.qnTime = parseChinaTime(request.qn);
  }
  return frame;
}

/** True when the frame's Flag asks for a response (bit A). 2005-style frames without Flag never do. */
export function needsAck(frame: Pick<Hj212Frame, 'flagBits'>): boolean {
  return frame.flagBits?.needsAck === true;
}

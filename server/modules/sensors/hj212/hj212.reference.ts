/**
 * TEST-ONLY frozen copy of the HJ 212 frame parser as it was before the fast path (commit 96aed12 codec.ts, parse part,
 * with its own byte-at-a-time CRC). hj212.differential.test.ts checks that parseFrame returns exactly what this returns
 * (accepted frames and every error, field and detail) on random, generated and mutated input. Do not "fix" or optimise
 * this file: it is the specification the fast parser is held to. Not exported from index.ts.
 */

import {
  type CrcKind,
  type FlagBits,
  HJ212_ERRORS,
  type Hj212Cp,
  type Hj212ErrorCode,
  type Hj212Frame,
  type Hj212ParseError,
  type ParseOptions,
  type ParseResult,
  type PollutantValues,
  QUIRKS,
} from './codec.ts';
import { DATA_FLAGS, POLLUTANTS } from './codes.ts';

const MAX_DATA_LENGTH = 9999;
const FRAME_OVERHEAD = 10;
const Q_KEY_CASE = 1;
const Q_DUPLICATE = 2;
const Q_EMPTY = 4;
const Q_SEPARATORS = 8;
const Q_BARE_FLAG = 16;
const Q_UNKNOWN_HEADER = 32;
const Q_PACKET_FLAG = 64;
const Q_UNKNOWN_FLAG = 128;

/** CRC table (reflected 0xA001), as in the standard's appendix. */
const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  TABLE[i] = c;
}

/** HJ 212 CRC of bytes[start, end), bit 16 set when a byte is outside printable ASCII. */
function crc16Hj212Ascii(data: Uint8Array, start: number, end: number): number {
  let crc = 0xffff;
  let bad = false;
  for (let i = start; i < end; i++) {
    const b = data[i]!;
    if (b < 0x20 || b > 0x7e) bad = true;
    crc = TABLE[(crc >>> 8) ^ b]!;
  }
  return crc | (bad ? 0x10000 : 0);
}

function crc16Modbus(data: Uint8Array, start: number, end: number): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ data[i]!) & 0xff]!;
  return crc;
}

function crcHex(crc: number): string {
  const s = (crc & 0xffff).toString(16).toUpperCase();
  return s.length === 4 ? s : '0000'.slice(s.length) + s;
}

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

function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Parse one frame (bytes or string, with or without the trailing `\r\n`). Never throws. */
export function parseFrameReference(input: Uint8Array | string, opts: ParseOptions = {}): ParseResult {
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
  const checked = crc16Hj212Ascii(bytes, 6, end);
  const crc = checked & 0xffff;
  let crcKind: CrcKind = 'hj212';
  if (crc !== sent) {
    const modbus = crc16Modbus(bytes, 6, end);
    if (modbus !== sent) return fail('BAD_CRC', `expected ${crcHex(crc)}, got ${crcHex(sent)}`);
    if (!opts.allowModbusCrc) return fail('MODBUS_CRC_NOT_ALLOWED', `CRC ${crcHex(sent)} is CRC-16/MODBUS`);
    crcKind = 'modbus';
  }
  if (checked > 0xffff) {
    for (let i = 6; i < end; i++) {
      const b = bytes[i]!;
      if (b < 0x20 || b > 0x7e) return fail('BAD_CHARSET', `byte 0x${b.toString(16).padStart(2, '0')} at offset ${i}`);
    }
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
function decodeFlag(flag: number): FlagBits {
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

/**
 * CRC checksums used on HJ 212 links, table-driven.
 *
 * HJ 212-2017 Appendix A (identical in HJ/T 212-2005): start 0xFFFF; per byte `crc = (crc >> 8) ^ byte`, then 8 rounds
 * of shift-right with XOR 0xA001 on carry. Because `(crc >> 8) ^ byte` is an 8-bit value, those 8 rounds are exactly the
 * reflected 0xA001 table entry, so the whole step is `crc = T[(crc >> 8) ^ byte]`. (Only the high byte of the previous
 * value survives each step; the high bytes of T are a permutation of 0..255, so any single-byte change anywhere in the
 * input always changes the result.)
 *
 * CRC-16/MODBUS (`crc ^= byte`, same rounds) is what some field devices send instead: `crc = (crc >> 8) ^ T[(crc ^ byte) & 0xFF]`.
 *
 * Both functions take bytes (Buffer/Uint8Array, optionally a [start, end) range) or an ASCII string (each char code is
 * one byte; strings with characters above 0x7F are hashed over their UTF-8 encoding).
 */

const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  TABLE[i] = c;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** High bytes of TABLE: the HJ 212 CRC state that survives a step is `h = HI[h ^ byte]` (8 bits). */
const HI = new Uint8Array(256);
for (let i = 0; i < 256; i++) HI[i] = TABLE[i]! >>> 8;

/** Two steps at once: PAIR[((h ^ b1) << 8) | b2] = HI[HI[h ^ b1] ^ b2] (64 KiB, built on first use). */
let PAIR: Uint8Array | null = null;
function pairTable(): Uint8Array {
  if (PAIR === null) {
    PAIR = new Uint8Array(65536);
    for (let x = 0; x < 256; x++) {
      const hx = HI[x]!;
      for (let y = 0; y < 256; y++) PAIR[(x << 8) | y] = HI[hx ^ y]!;
    }
  }
  return PAIR;
}

/**
 * HJ 212 CRC of bytes[start, end) plus a charset check folded into the same pass: the result has bit 16 set when any
 * byte is outside printable ASCII 0x20–0x7E (the CRC itself is the low 16 bits).
 */
export function crc16Hj212Ascii(data: Uint8Array, start: number, end: number): number {
  if (end <= start) return 0xffff;
  const P = pairTable();
  const last = end - 1;
  let h = 0xff;
  let bad = 0;
  let i = start;
  for (; i + 1 < last; i += 2) {
    const b1 = data[i]!;
    const b2 = data[i + 1]!;
    bad |= (b1 - 0x20) | (0x7e - b1) | (b2 - 0x20) | (0x7e - b2);
    h = P[((h ^ b1) << 8) | b2]!;
  }
  for (; i < last; i++) {
    const b = data[i]!;
    bad |= (b - 0x20) | (0x7e - b);
    h = HI[h ^ b]!;
  }
  const b = data[last]!;
  bad |= (b - 0x20) | (0x7e - b);
  return TABLE[h ^ b]! | (bad < 0 ? 0x10000 : 0);
}

/** HJ 212 CRC16 over `data[start, end)` (whole input by default). */
export function crc16Hj212(data: Uint8Array | string, start = 0, end = data.length): number {
  if (typeof data === 'string') {
    if (!isAscii(data)) return crc16Hj212(Buffer.from(data.slice(start, end), 'utf8'));
    let h = 0xff;
    if (end <= start) return 0xffff;
    for (let i = start; i < end - 1; i++) h = HI[h ^ data.charCodeAt(i)]!;
    return TABLE[h ^ data.charCodeAt(end - 1)]!;
  }
  return crc16Hj212Ascii(data, start, end) & 0xffff;
}

/** CRC-16/MODBUS over `data[start, end)` (whole input by default). */
export function crc16Modbus(data: Uint8Array | string, start = 0, end = data.length): number {
  if (typeof data === 'string') {
    if (!isAscii(data)) return crc16Modbus(Buffer.from(data.slice(start, end), 'utf8'));
    let crc = 0xffff;
    for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ data.charCodeAt(i)) & 0xff]!;
    return crc;
  }
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ data[i]!) & 0xff]!;
  return crc;
}

/** A CRC as the 4 upper-case hex digits written on the wire. */
export function crcHex(crc: number): string {
  const s = (crc & 0xffff).toString(16).toUpperCase();
  return s.length === 4 ? s : '0000'.slice(s.length) + s;
}

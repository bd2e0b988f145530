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
 * one byte; strings with characters above 0x7F are hashed over their UTF-8 encoding). Over bytes the HJ 212 CRC is
 * computed eight bytes per step (see crcBytes); the printable-ASCII check that used to share its loop is done in
 * codec.ts (by the fast path's scan, or by a loop before the general parser).
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

/*
 * Slicing by 8. The step map HI is linear over GF(2) (a CRC table is: T[a ^ b] = T[a] ^ T[b]), so 8 steps
 * h → HI[h ^ b0] → HI[· ^ b1] → … → HI[· ^ b7] equal HI⁸[h ^ b0] ^ HI⁷[b1] ^ … ^ HI¹[b7]: eight independent lookups in
 * 256-byte tables (2 KiB in all, stays in L1) instead of a chain of eight dependent ones.
 */
const H1 = HI;
const H2 = new Uint8Array(256);
const H3 = new Uint8Array(256);
const H4 = new Uint8Array(256);
const H5 = new Uint8Array(256);
const H6 = new Uint8Array(256);
const H7 = new Uint8Array(256);
const H8 = new Uint8Array(256);
for (let x = 0; x < 256; x++) {
  H2[x] = HI[HI[x]!]!;
  H3[x] = HI[H2[x]!]!;
  H4[x] = HI[H3[x]!]!;
  H5[x] = HI[H4[x]!]!;
  H6[x] = HI[H5[x]!]!;
  H7[x] = HI[H6[x]!]!;
  H8[x] = HI[H7[x]!]!;
}

/** HJ 212 CRC of bytes[start, end) (slicing by 8). */
function crcBytes(d: Uint8Array, start: number, end: number): number {
  if (end <= start) return 0xffff;
  const last = end - 1;
  let h = 0xff;
  let i = start;
  for (; i + 8 <= last; i += 8) {
    h =
      H8[h ^ d[i]!]! ^
      H7[d[i + 1]!]! ^
      H6[d[i + 2]!]! ^
      H5[d[i + 3]!]! ^
      H4[d[i + 4]!]! ^
      H3[d[i + 5]!]! ^
      H2[d[i + 6]!]! ^
      H1[d[i + 7]!]!;
  }
  for (; i < last; i++) h = H1[h ^ d[i]!]!;
  return TABLE[h ^ d[last]!]!;
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
  return crcBytes(data, start, end);
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

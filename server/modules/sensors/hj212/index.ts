/**
 * HJ 212-2017 protocol layer for construction-site dust monitors: CRCs, frame codec (parse / serialise / acks),
 * streaming TCP framer and code tables. Pure code, no I/O. Decisions on device quirks: see the top of codec.ts.
 *
 * Typical listener loop:
 *   const framer = new Hj212Framer();
 *   socket.on('data', (chunk) => {
 *     for (const item of framer.push(chunk)) {
 *       if (item.type !== 'frame') { log(item); continue; }
 *       const r = parseFrame(item.bytes, { allowModbusCrc });
 *       if (!r.ok) { log(r.error); continue; }
 *       if (needsAck(r.frame) && DATA_UPLOAD_CNS.has(r.frame.cn)) socket.write(serialise(buildAck(r.frame, 'data')));
 *       store(r.frame);
 *     }
 *   });
 *   socket.on('close', () => framer.end());
 */

export {
  ACK_CN,
  type AckKind,
  type AckOptions,
  buildAck,
  type CrcKind,
  createRecord,
  decodeFlag,
  type FlagBits,
  FRAME_OVERHEAD,
  formatChinaTime,
  HJ212_ERRORS,
  type Hj212Cp,
  type Hj212ErrorCode,
  type Hj212Frame,
  type Hj212ParseError,
  type Hj212Quirk,
  MAX_DATA_LENGTH,
  needsAck,
  type ParseOptions,
  type ParseResult,
  type PollutantValues,
  parseChinaTime,
  parseFrame,
  QUIRKS,
  type SerialiseOptions,
  serialise,
  serialiseSegment,
} from './codec.ts';
export {
  CN,
  CN_NAMES,
  DATA_FLAGS,
  DATA_UPLOAD_CNS,
  EXE_RTN,
  type Hj212Factor,
  POLLUTANTS,
  type PollutantInfo,
  QN_RTN,
} from './codes.ts';
export { crc16Hj212, crc16Modbus, crcHex } from './crc.ts';
export {
  DEFAULT_MAX_FRAME_BYTES,
  type FramerItem,
  type FramerOptions,
  type GarbageReason,
  Hj212Framer,
} from './framer.ts';

/**
 * fast-check arbitraries and properties of the HJ 212 codec and framer, shared by hj212.property.test.ts (bounded runs)
 * and scripts/fuzz-hj212.ts (long runs). Test-only: imports fast-check (a devDependency); not exported from index.ts.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  type CrcKind,
  createRecord,
  HJ212_ERRORS,
  type Hj212Frame,
  type Hj212Quirk,
  type PollutantValues,
  parseFrame,
  QUIRKS,
  serialise,
} from './codec.ts';
import { DATA_FLAGS, POLLUTANTS } from './codes.ts';
import { crc16Hj212, crc16Modbus } from './crc.ts';
import { Hj212Framer } from './framer.ts';

const CHINA_OFFSET_MS = 8 * 3600 * 1000;
/** Times the parser accepts: 1900-01-01 00:00 to 2999-12-31 23:59:59.999 China time. */
const MIN_MS = Date.UTC(1900, 0, 1) - CHINA_OFFSET_MS;
const MAX_MS = Date.UTC(2999, 11, 31, 23, 59, 59, 999) - CHINA_OFFSET_MS;

/** A record like the parser builds (no inherited keys). */
export function dict<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  return createRecord(entries);
}

/** Independent China-time formatter (not the codec's), so the round-trip does not test the formatter against itself. */
export function chinaDigits(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS)
    .toISOString()
    .replace(/[-T:.Z]/g, '')
    .slice(0, 17);
}

const chars = (s: string) => [...s];
const ALNUM = chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
/** Printable ASCII without the separators ; , = & (header values). */
const TOKEN = chars(' !"#$%\'()*+-./0123456789:<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~');
/** CP values may also contain '=' (the key ends at the first one). */
const CP_VALUE = [...TOKEN, '='];

const token = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...TOKEN), minLength: min, maxLength: max });
const word = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...ALNUM), minLength: min, maxLength: max });
const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...chars('0123456789')), minLength: min, maxLength: max });

const HEADER_LOWER = new Set(['qn', 'st', 'cn', 'pw', 'mn', 'flag', 'pnum', 'pno', 'cp']);
const SUFFIX_LOWER = new Set(['rtd', 'avg', 'min', 'max', 'cou', 'flag']);
const KNOWN = Object.keys(POLLUTANTS);
const KNOWN_LOWER = new Map(KNOWN.map((k) => [k.toLowerCase(), k]));
const KNOWN_FLAGS = Object.keys(DATA_FLAGS);

/** A pollutant code: one of our table, or another spelling that the parser keeps as it is. */
const codeArb = fc.oneof(
  fc.constantFrom(...KNOWN),
  fc
    .tuple(fc.constantFrom(...chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_')), word(0, 9))
    .map(([a, b]) => a + b)
    .filter((c) => (KNOWN_LOWER.get(c.toLowerCase()) ?? c) === c),
);

/** Finite numbers that survive String() → parse exactly (any double does; -0 is read as 0). */
const numberArb = fc
  .oneof(
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.integer({ min: -10_000_000, max: 10_000_000 }).map((n) => n / 1000),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  )
  .map((v) => (Object.is(v, -0) ? 0 : v));

const pollutantArb: fc.Arbitrary<PollutantValues> = fc
  .record(
    {
      rtd: numberArb,
      avg: numberArb,
      min: numberArb,
      max: numberArb,
      cou: numberArb,
      flag: fc.oneof(fc.constantFrom(...KNOWN_FLAGS), word(1, 3)),
    },
    { requiredKeys: [], noNullPrototype: true },
  )
  .filter((p) => Object.keys(p).length > 0)
  .map((p) => (p.flag === undefined ? { ...p } : { ...p, flagKnown: KNOWN_FLAGS.includes(p.flag) }));

/** CP keys that are neither DataTime, a bare Flag, nor `code-<pollutant suffix>`. */
const otherKeyArb = fc
  .oneof(
    word(1, 12),
    fc.tuple(codeArb, word(1, 8)).map(([c, w]) => `${c}-${w}`),
  )
  .filter((k) => {
    const lower = k.toLowerCase();
    if (lower === 'datatime' || lower === 'flag') return false;
    const dash = k.lastIndexOf('-');
    return dash <= 0 || !SUFFIX_LOWER.has(lower.slice(dash + 1));
  });
const cpValue = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...CP_VALUE), minLength: min, maxLength: max });

export const timeArb = fc.integer({ min: MIN_MS, max: MAX_MS });

/** A valid frame as parseFrame returns it (canonical: any deviations it records are the ones serialise keeps). */
export const frameArb: fc.Arbitrary<Hj212Frame> = fc
  .record({
    qnTime: fc.option(timeArb, { nil: undefined }),
    st: digits(1, 5),
    cn: fc.oneof(fc.constantFrom('2011', '2051', '2061', '2031', '2021', '9014'), digits(1, 7)),
    pw: token(0, 64),
    mn: token(1, 64),
    flag: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
    packets: fc.option(
      fc.integer({ min: 1, max: 9999 }).chain((pnum) => fc.tuple(fc.constant(pnum), fc.integer({ min: 1, max: pnum }))),
      { nil: undefined },
    ),
    extra: fc.uniqueArray(fc.tuple(word(1, 12), token(0, 20)), {
      maxLength: 2,
      selector: ([k]) => k.toLowerCase(),
    }),
    dataTime: fc.option(timeArb, { nil: undefined }),
    pollutants: fc.uniqueArray(fc.tuple(codeArb, pollutantArb), { maxLength: 6, selector: ([c]) => c }),
    other: fc.uniqueArray(fc.tuple(otherKeyArb, cpValue(0, 20)), { maxLength: 3, selector: ([k]) => k }),
    multi: fc.uniqueArray(fc.tuple(otherKeyArb, fc.array(cpValue(0, 8), { minLength: 2, maxLength: 4 })), {
      maxLength: 2,
      selector: ([k]) => k,
    }),
    crcKind: fc.constantFrom<CrcKind>('hj212', 'hj212', 'hj212', 'modbus'),
  })
  .map((r) => {
    const extra = r.extra.filter(([k]) => !HEADER_LOWER.has(k.toLowerCase()));
    const otherKeys = new Set(r.other.map(([k]) => k));
    const multi = r.multi.filter(([k]) => !otherKeys.has(k));
    const pollutants = dict(r.pollutants);
    const quirks = new Set<Hj212Quirk>();
    if (extra.length > 0) quirks.add('UNKNOWN_HEADER_FIELD');
    if (r.flag !== undefined && ((r.flag & 2) === 2) !== (r.packets !== undefined)) quirks.add('PACKET_FLAG_MISMATCH');
    if (r.pollutants.some(([, p]) => p.flagKnown === false)) quirks.add('UNKNOWN_DATA_FLAG');
    const frame: Hj212Frame = {
      st: r.st,
      cn: r.cn,
      pw: r.pw,
      mn: r.mn,
      extra: dict(extra),
      cp: { pollutants, other: dict(r.other), multi: dict(multi) },
      crcKind: r.crcKind,
      quirks: QUIRKS.filter((q) => quirks.has(q)),
    };
    if (r.qnTime !== undefined) {
      frame.qn = chinaDigits(r.qnTime);
      frame.qnTime = r.qnTime;
    }
    if (r.flag !== undefined) {
      frame.flag = r.flag;
      frame.flagBits = { version: r.flag >> 2, needsAck: (r.flag & 1) === 1, hasPackets: (r.flag & 2) === 2 };
    }
    if (r.packets !== undefined) [frame.pnum, frame.pno] = r.packets;
    if (r.dataTime !== undefined) frame.cp.dataTime = r.dataTime;
    return frame;
  });

const ERROR_CODES = new Set(Object.keys(HJ212_ERRORS));

/** parseFrame returned normally with a well-formed result; a typed error is never INTERNAL. */
function assertTyped(r: ReturnType<typeof parseFrame>): void {
  if (r.ok) {
    serialise(r.frame); // whatever was accepted can be written back
    return;
  }
  assert.ok(ERROR_CODES.has(r.error.code), `unknown error code ${r.error.code}`);
  assert.notEqual(r.error.code, 'INTERNAL', r.error.reason.en);
  assert.equal(typeof r.error.reason.zh, 'string');
  assert.equal(typeof r.error.reason.en, 'string');
}

/** One mutation of a byte string: replace, insert or delete a byte, or cut/duplicate a range. */
export const mutationArb = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
);
export type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

export function mutate(b: Buffer, m: Mutation): Buffer {
  const at = b.length === 0 ? 0 : m.at % (b.length + (m.kind === 'insert' ? 1 : 0));
  switch (m.kind) {
    case 'set': {
      const c = Buffer.from(b);
      if (c.length > 0) c[at] = m.byte;
      return c;
    }
    case 'insert':
      return Buffer.concat([b.subarray(0, at), Buffer.from([m.byte]), b.subarray(at)]);
    case 'delete':
      return Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
    case 'dup':
      return Buffer.concat([b.subarray(0, at + m.len), b.subarray(at)]);
  }
}

/** Quirks that canonical serialisation removes (the others describe content and survive a round trip). */
const TRANSIENT_QUIRKS = new Set<Hj212Quirk>([
  'KEY_CASE',
  'DUPLICATE_KEY',
  'EMPTY_ITEM',
  'MIXED_SEPARATORS',
  'BARE_DATA_FLAG',
]);

/** Frame a data segment with its correct length and HJ 212 CRC, so that the parser looks past the CRC. */
export function frameSegment(seg: Buffer): Buffer {
  const crc = crc16Hj212(seg).toString(16).toUpperCase().padStart(4, '0');
  return Buffer.concat([Buffer.from(`##${String(seg.length).padStart(4, '0')}`), seg, Buffer.from(crc)]);
}

/** Random data segments built from protocol fragments (to reach deep parser paths with a valid CRC). */
export const fragmentSegmentArb = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'QN=',
        'ST=',
        'CN=',
        'PW=',
        'MN=',
        'Flag=',
        'FLAG=',
        'PNUM=',
        'PNO=',
        'CP=&&',
        'cp=&&',
        '&&',
        '&',
        ';',
        ',',
        '=',
        '-',
        '-Rtd=',
        '-RTD=',
        '-Avg=',
        '-Min=',
        '-Max=',
        '-Cou=',
        '-Flag=',
        'Flag=N',
        'DataTime=',
        'a34001',
        'A34001',
        'LA',
        '20180427125809',
        '20180427125809000',
        '20180230125809',
        '__proto__',
        'constructor',
        'N',
        'X',
        '1e999',
        '-0',
        '.5',
        '9'.repeat(20),
      ),
      digits(1, 5),
      word(1, 6),
      fc.string({ unit: fc.constantFrom(...CP_VALUE), maxLength: 4 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => Buffer.from(parts.join(''), 'latin1'));

/**
 * Wire frames for the framer (which never looks inside the data segment): mostly cheap random printable segments of
 * 0–2,400 bytes with a correct length and CRC, sometimes a full generated frame.
 */
const wireArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.string({ unit: fc.constantFrom(...TOKEN.filter((c) => c !== '#'), ';', ',', '=', '&'), maxLength: 40 }),
        fc.integer({ min: 1, max: 60 }),
      )
      .map(([seg, k]) => frameSegment(Buffer.from(seg.repeat(k), 'latin1')).toString('latin1')),
  },
  { weight: 1, arbitrary: frameArb.map((f) => serialise(f, { crlf: false })) },
);

/** Bytes that do not contain '#' (garbage the framer must skip without losing a frame). */
const garbageArb = fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a.map((x) => (x === 0x23 ? 0x2a : x))));

/** The properties, in the order the test and the fuzz script run them. */
export function hj212Properties(): { name: string; property: fc.IProperty<unknown> }[] {
  return [
    {
      name: 'parse(serialise(x)) deep-equals x',
      property: fc.property(frameArb, fc.boolean(), (frame, crlf) => {
        const wire = serialise(frame, { crlf });
        const r = parseFrame(wire, { allowModbusCrc: frame.crcKind === 'modbus' });
        if (!r.ok) throw new Error(`rejected: ${r.error.code} ${r.error.reason.en}\n${wire}`);
        // When both CRCs of a segment happen to coincide (1 in 65,536), the frame reads as standard HJ 212.
        const seg = wire.slice(6, wire.length - (crlf ? 6 : 4));
        const expected = crc16Hj212(seg) === crc16Modbus(seg) ? { ...frame, crcKind: 'hj212' as const } : frame;
        assert.deepStrictEqual(r.frame, expected);
      }) as fc.IProperty<unknown>,
    },
    {
      name: 'random bytes and strings never throw, only typed errors',
      property: fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
          fc.string({ maxLength: 300, unit: 'binary' }),
          fc
            .tuple(digits(4, 4), fc.string({ maxLength: 200, unit: fc.constantFrom(...CP_VALUE, ';', ',', '&') }))
            .map(([d, s]) => `##${d}${s}`),
        ),
        fc.boolean(),
        (input, allowModbusCrc) => {
          assertTyped(parseFrame(input, { allowModbusCrc }));
        },
      ) as fc.IProperty<unknown>,
    },
    {
      name: 'mutated valid frames never throw, only typed errors',
      property: fc.property(
        frameArb,
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (frame, mutations, allowModbusCrc) => {
          let b: Buffer = Buffer.from(serialise(frame));
          for (const m of mutations) b = mutate(b, m);
          assertTyped(parseFrame(b, { allowModbusCrc }));
          assertTyped(parseFrame(b.toString('latin1'), { allowModbusCrc }));
        },
      ) as fc.IProperty<unknown>,
    },
    {
      name: 're-framed segments (mutated or random) never throw; accepted frames are stable under serialise',
      property: fc.property(
        fc.oneof(
          fc.tuple(frameArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 })).map(([frame, mutations]) => {
            const wire = Buffer.from(serialise(frame, { crlf: false }));
            let seg: Buffer = wire.subarray(6, wire.length - 4);
            for (const m of mutations) seg = mutate(seg, m);
            return seg;
          }),
          fragmentSegmentArb,
        ),
        (seg) => {
          const r = parseFrame(frameSegment(seg));
          assertTyped(r);
          if (r.ok) {
            const again = parseFrame(serialise(r.frame));
            if (!again.ok) throw new Error(`re-parse failed: ${again.error.reason.en}`);
            assert.deepStrictEqual(again.frame, {
              ...r.frame,
              quirks: r.frame.quirks.filter((q) => !TRANSIENT_QUIRKS.has(q)),
            });
          }
        },
      ) as fc.IProperty<unknown>,
    },
    {
      name: 'every single-byte change of the data segment is a CRC failure',
      property: fc.property(frameArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (frame0, at, delta) => {
        const frame = { ...frame0, crcKind: 'hj212' as const };
        const b = Buffer.from(serialise(frame, { crlf: false }));
        const len = b.length - 10;
        const i = 6 + (at % len);
        b[i] = (b[i]! + delta) & 0xff;
        const sent = Number.parseInt(b.toString('latin1', b.length - 4), 16);
        // The HJ 212 CRC detects every single-byte change (its state map is a permutation)…
        assert.notEqual(crc16Hj212(b, 6, 6 + len), sent);
        // …so the frame is rejected as a CRC failure (Modbus-CRC only when that CRC happens to match).
        const r = parseFrame(b);
        assert.equal(r.ok, false);
        if (!r.ok) {
          const expected = crc16Modbus(b, 6, 6 + len) === sent ? 'MODBUS_CRC_NOT_ALLOWED' : 'BAD_CRC';
          assert.equal(r.error.code, expected);
        }
      }) as fc.IProperty<unknown>,
    },
    {
      name: 'framer recovers every frame from any chunking with garbage between frames',
      property: fc.property(
        fc.array(fc.tuple(garbageArb, wireArb, fc.boolean()), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (parts, cuts) => {
          const wires = parts.map(([, w]) => w);
          // A value may legally contain "##dddd", which the framer takes for the start of the next frame: skip those.
          fc.pre(!wires.some((w) => w.includes('##', 1)));
          const frames = wires.map((w, i) => Buffer.from(parts[i]![2] ? `${w}\r\n` : w, 'latin1'));
          const stream = Buffer.concat(parts.flatMap(([g], i) => [g, frames[i]!]));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const framer = new Hj212Framer({ maxFrameBytes: 10_010 });
          const got: string[] = [];
          let prev = 0;
          for (const p of [...points, stream.length]) {
            for (const it of framer.push(stream.subarray(prev, p))) {
              if (it.type === 'frame') got.push(it.bytes.toString('latin1'));
            }
            prev = p;
          }
          assert.deepStrictEqual(framer.end(), []);
          assert.deepStrictEqual(got, wires);
        },
      ) as fc.IProperty<unknown>,
    },
  ];
}

/**
 * Differential suite: parseFrame (fast path + general parser) must return exactly what the frozen original parser
 * (hj212.reference.ts) returns — accepted frames deep-equal, rejections with the same code, field, detail and text — on
 * the test data, on frames like the bench mix, and on generated, mutated and near-standard frames. HJ212_FUZZ_RUNS sets
 * the runs per property (default 300, as the property suite).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type ParseOptions, parseFrame, parseSegmentFast, serialise } from './codec.ts';
import { POLLUTANTS } from './codes.ts';
import { crc16Hj212, crc16Modbus, crcHex } from './crc.ts';
import {
  chinaDigits,
  fragmentSegmentArb,
  frameArb,
  frameSegment,
  mutate,
  mutationArb,
  timeArb,
} from './hj212.properties.ts';
import { parseFrameReference } from './hj212.reference.ts';

const runs = Number(process.env.HJ212_FUZZ_RUNS) > 0 ? Math.floor(Number(process.env.HJ212_FUZZ_RUNS)) : 300;
const TESTDATA = path.resolve(import.meta.dirname, '../../../../../shared/testdata/hj212');

/** Every key path in order of enumeration (deepStrictEqual ignores key order; JSON and for…in do not). */
function keyOrder(x: unknown, at = '', out: string[] = []): string[] {
  if (x !== null && typeof x === 'object') {
    for (const k of Object.keys(x)) {
      out.push(`${at}/${k}`);
      keyOrder((x as Record<string, unknown>)[k], `${at}/${k}`, out);
    }
  }
  return out;
}

/** parseFrame and the reference agree on input (as bytes and as a string), with and without allowModbusCrc. */
function same(input: Buffer, opts: ParseOptions = {}): void {
  const label = () => input.toString('latin1');
  for (const allowModbusCrc of opts.allowModbusCrc === undefined ? [false, true] : [opts.allowModbusCrc]) {
    const o = { ...opts, allowModbusCrc };
    const got = parseFrame(input, o);
    const want = parseFrameReference(input, o);
    assert.deepStrictEqual(got, want, label());
    assert.deepStrictEqual(keyOrder(got), keyOrder(want), label());
    const s = input.toString('latin1');
    assert.deepStrictEqual(parseFrame(s, o), parseFrameReference(s, o), label());
  }
}

/** True when the fast path answers for this frame (`##dddd` + segment + CRC, optional CRLF). */
function fastAnswers(frame: Buffer, crcKind: 'hj212' | 'modbus' = 'hj212'): boolean {
  let n = frame.length;
  if (frame[n - 1] === 10) n -= frame[n - 2] === 13 ? 2 : 1;
  return parseSegmentFast(frame, 6, n - 4, crcKind) !== undefined;
}

/** `##len` + segment + CRC of the given kind. */
function frameOf(seg: string, kind: 'hj212' | 'modbus' = 'hj212'): Buffer {
  const crc = kind === 'modbus' ? crc16Modbus(seg) : crc16Hj212(seg);
  return Buffer.from(`##${String(seg.length).padStart(4, '0')}${seg}${crcHex(crc)}`, 'latin1');
}

const FACTORS = ['a34001', 'a34002', 'a34004', 'LA', 'a01001', 'a01002', 'a01006', 'a01007', 'a01008'];

/** 2011 and 2051 frames built like the bench mix from the first rows of the Lancer-Ming data set. */
function benchLikeFrames(rows: number): Buffer[] {
  const csv = readFileSync(path.join(TESTDATA, 'dust_timeseries_lancer-ming_factory_2018.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1, 1 + rows);
  const out: Buffer[] = [];
  for (const line of csv) {
    const c = line.split(',');
    const [sn, qn] = [c[1]!, c[2]!];
    const values = c.slice(5, 14);
    const head = `QN=${qn};ST=39;CN=2011;PW=123456;MN=690000D5800028F889${sn};Flag=5;CP=&&DataTime=${qn.slice(0, 14)}`;
    out.push(frameOf(`${head};${FACTORS.map((f, i) => `${f}-Rtd=${values[i]},${f}-Flag=N`).join(';')}&&`));
    const stats = FACTORS.map((f, i) => {
      const v = Number(values[i]);
      return `${f}-Min=${(v * 0.9).toFixed(1)},${f}-Avg=${values[i]},${f}-Max=${(v * 1.1).toFixed(1)},${f}-Flag=N`;
    });
    const minute = `${qn.slice(0, 12)}00`;
    out.push(
      frameOf(
        `QN=${qn};ST=39;CN=2051;PW=123456;MN=690000D5800028F889${sn};Flag=5;CP=&&DataTime=${minute};${stats.join(';')}&&`,
      ),
    );
  }
  return out;
}

describe('differential: parseFrame equals the original parser', () => {
  test('every packet of the test data (as sent, with CRLF, and with LF)', () => {
    const packets = JSON.parse(readFileSync(path.join(TESTDATA, 'hj212_packets.json'), 'utf8')) as {
      packet: string;
    }[];
    for (const p of packets) {
      for (const end of ['', '\r\n', '\n']) same(Buffer.from(p.packet + end, 'latin1'));
    }
  });

  test('frames like the bench mix are answered by the fast path, and identically', () => {
    const frames = benchLikeFrames(300);
    for (const f of frames) {
      assert.ok(fastAnswers(f), f.toString('latin1'));
      same(f);
    }
  });

  test('the usual dust packets of the test data are answered by the fast path', () => {
    const packets = JSON.parse(readFileSync(path.join(TESTDATA, 'hj212_packets.json'), 'utf8')) as {
      id: string;
      packet: string;
    }[];
    // HJ011/HJ013/HJ057: standard dust uploads (HJ013 has -Flag before -Rtd); HJ049/HJ050/HJ061/HJ063 separate the
    // fields of one pollutant with `;` (MIXED_SEPARATORS); HJ056 has a bare Flag (left to the general parser).
    for (const id of ['HJ011', 'HJ013', 'HJ049', 'HJ050', 'HJ057', 'HJ061', 'HJ063']) {
      const b = Buffer.from(packets.find((p) => p.id === id)!.packet, 'latin1');
      assert.ok(fastAnswers(b), id);
    }
  });

  test('generated frames (as serialised, Modbus CRC included)', () => {
    let fast = 0;
    fc.assert(
      fc.property(frameArb, fc.boolean(), (frame, crlf) => {
        const wire = Buffer.from(serialise(frame, { crlf }), 'latin1');
        same(wire);
        if (fastAnswers(wire, frame.crcKind)) fast++;
      }),
      { numRuns: runs },
    );
    // Most generated frames have an extra header field or a number with an exponent (general parser); some do not.
    assert.ok(fast > runs / 100, `fast path answered ${fast} of ${runs}`);
  });

  test('mutated frames and re-framed mutated segments', () => {
    fc.assert(
      fc.property(frameArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (frame, mutations) => {
        let b: Buffer = Buffer.from(serialise(frame), 'latin1');
        for (const m of mutations) b = mutate(b, m);
        same(b);
        const wire = Buffer.from(serialise(frame, { crlf: false }), 'latin1');
        let seg: Buffer = wire.subarray(6, wire.length - 4);
        for (const m of mutations) seg = mutate(seg, m);
        same(frameSegment(seg));
      }),
      { numRuns: runs },
    );
  });

  test('segments of protocol fragments', () => {
    fc.assert(
      fc.property(fragmentSegmentArb, (seg) => same(frameSegment(seg))),
      { numRuns: runs },
    );
  });

  test('near-standard segments: every edge of the fast path', (t) => {
    let fast = 0;
    let accepted = 0;
    let total = 0;
    fc.assert(
      fc.property(
        nearStandardArb,
        fc.constantFrom<'hj212' | 'modbus'>('hj212', 'hj212', 'hj212', 'modbus'),
        (seg, kind) => {
          const b = frameOf(seg, kind);
          same(b);
          total++;
          if (parseFrameReference(b, { allowModbusCrc: true }).ok) accepted++;
          if (fastAnswers(b, kind)) fast++;
        },
      ),
      { numRuns: runs * 10 },
    );
    t.diagnostic(`${total} segments, ${accepted} accepted, ${fast} answered by the fast path`);
    assert.ok(fast > total / 10, `fast path answered ${fast} of ${total}`);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Near-standard segments: the usual upload shape with one or more deviations at item level, so that both the fast path
// and every way out of it are exercised with a valid CRC.

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
/**
 * Mostly the usual value, sometimes an odd one: 1 in `weight` + 1. Values that occur many times per segment (numbers,
 * flags, codes, suffixes) use a high weight so that most segments have only a few odd ones; once-per-segment fields a
 * low one.
 */
const some = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>, weight = 30) =>
  fc.oneof({ weight, arbitrary: usual }, { weight: 1, arbitrary: odd });
/** A once-per-segment field: odd 1 in 13. */
const once = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) => some(usual, odd, 12);

/** 14-digit times that are not real: each field out of range once (year, month, day, hour, minute, second). */
const BAD_TIMES = [
  '18991231235959',
  '30000101000000',
  '20181327125809',
  '20180027125809',
  '20180200125809',
  '20180230125809',
  '20190229125809',
  '20180227245809',
  '20180227126009',
  '20180227125860',
];

const qnArb = once(
  timeArb.map(chinaDigits),
  pick(
    '',
    '20180227125809',
    '2018022712580900',
    '20180230125809000',
    ...BAD_TIMES.map((t) => `${t}000`),
    '99999999999999999',
    '2018022712580900a',
    '201802271258090001',
  ),
);
const digitsValue = (usual: string[], odd: string[]) => once(pick(...usual), pick(...odd));

const headerArb = fc
  .record({
    qn: fc.option(qnArb, { nil: undefined }),
    st: digitsValue(['39', '22', '91'], ['', '123456', '3a', '00039']),
    cn: digitsValue(['2011', '2051', '2061', '9014'], ['', '12345678', '20 11']),
    pw: once(pick('123456', '', 'p-w', 'x'.repeat(64)), pick('x'.repeat(65), 'a=b', 'a,b', 'a&b', 'a\u0001b')),
    mn: once(pick('690000D5800028F889000001', 'M', 'm-n'), pick('', 'x'.repeat(65), 'a=b', 'a,b', 'a\u00ffb')),
    flag: fc.option(digitsValue(['5', '4', '7', '1', '0'], ['', '255', '256', '0005', '-1']), { nil: undefined }),
    // PNUM/PNO in 1 of 4 segments, mostly valid (PNO ≤ PNUM, both present).
    packets: fc.option(
      fc.tuple(
        once(
          pick<[string, string]>(['2', '1'], ['10', '10'], ['9999', '2']),
          pick<[string, string]>(['1', '2'], ['1', '10000'], ['0', '1']),
        ),
        once(pick('both'), pick('PNUM', 'PNO')),
      ),
      { nil: undefined, freq: 3 },
    ),
    spelling: once(pick('std'), pick('lower', 'dupe', 'extra', 'empty', 'noeq', 'drop', 'comma', 'space')),
    rotate: fc.nat(10),
  })
  .map((h) => {
    const fields: string[][] = [];
    if (h.qn !== undefined) fields.push(['QN', h.qn]);
    fields.push(['ST', h.st], ['CN', h.cn], ['PW', h.pw], ['MN', h.mn]);
    if (h.flag !== undefined) fields.push(['Flag', h.flag]);
    if (h.packets !== undefined) {
      const [[pnum, pno], which] = h.packets;
      if (which !== 'PNO') fields.push(['PNUM', pnum]);
      if (which !== 'PNUM') fields.push(['PNO', pno]);
    }
    let items = fields.map(([k, v]) => `${k}=${v}`);
    const at = h.rotate % items.length;
    switch (h.spelling) {
      case 'lower':
        items[at] = items[at]!.replace(/^[^=]+/, (k) => k.toLowerCase());
        break;
      case 'dupe':
        items.push(items[at]!);
        break;
      case 'extra':
        items.splice(at, 0, 'USCC=91310000');
        break;
      case 'empty':
        items.splice(at, 0, '');
        break;
      case 'noeq':
        items[at] = items[at]!.replace('=', '');
        break;
      case 'drop':
        items = items.filter((_, i) => i !== at);
        break;
    }
    if (h.rotate > 7) items = [...items.slice(at), ...items.slice(0, at)];
    // `,` or ` ;` instead of one `;` between two fields: the first value then runs into the next field.
    if (h.spelling === 'comma' || h.spelling === 'space') {
      const sep = h.spelling === 'comma' ? ',' : ' ;';
      return [...items.slice(0, at), items.slice(at, at + 2).join(sep), ...items.slice(at + 2)].join(';');
    }
    return items.join(';');
  });

const KNOWN = Object.keys(POLLUTANTS);
const codeArb = some(
  pick(...KNOWN),
  pick('A34001', 'la', 'x99', '__proto__', 'constructor', 'a-b', '', 'DataTime', 'a34001 '),
);
const numArb = some(
  pick('0', '12.5', '0.000', '100.2', '-3.7', '56.9', '123456789', '.5', '5.', '+1', '-0', '007'),
  pick(
    '',
    '-',
    '.',
    '+',
    '1e3',
    '1E-2',
    '1.2.3',
    'abc',
    'N',
    '9007199254740993',
    '90071992547409.93',
    '0.12345678901234567890123',
    '1,5',
    '1=2',
    '1&2',
    '1 ',
    '1\u0080',
    '1e999',
  ),
);
const flagArb = some(
  pick('N', 'D', 'F', 'M', 'S', 'C', 'T', 'B'),
  pick('', 'X', 'NN', 'n', 'N=1', 'N-1', 'N&', '\u007f'),
);
const oddSuffixArb = pick(
  'RTD',
  'rtd',
  'flag',
  'FLAG',
  'ZsRtd',
  'Rt',
  'SampleTime',
  'ValidNum',
  '',
  'Mix',
  'Rtx',
  'Avx',
  'Maz',
  'Cox',
  'Fla',
  'Flax',
);
const suffixArb = some(pick('Rtd', 'Avg', 'Min', 'Max', 'Cou', 'Flag'), oddSuffixArb);
const pollutantItemArb = fc
  .tuple(codeArb, suffixArb, numArb, flagArb)
  .map(([code, sfx, num, flag]) => `${code}-${sfx}=${sfx.toLowerCase() === 'flag' ? flag : num}`);
const dataTimeValueArb = once(
  timeArb.map((t) => chinaDigits(t).slice(0, 14)),
  fc.oneof(
    timeArb.map(chinaDigits),
    pick('', '2018022712580', '2018-02-27', '20180227125809x', '20180227125809=', '20180227125809&'),
    { weight: 2, arbitrary: pick(...BAD_TIMES) },
  ),
);
const dataTimeArb = fc
  .tuple(once(pick('DataTime'), pick('DATATIME', 'datatime', 'DataTim')), dataTimeValueArb)
  .map(([k, v]) => `${k}=${v}`);
const otherItemArb = fc
  .tuple(
    pick('RtdInterval', 'QnRtn', 'a01006-ValidNum', 'CTime', 'PolId', 'Flag', 'FLAG', '-Rtd', 'k'),
    some(pick('30', '', '1=2', 'a-b', 'x'), pick('a&b', 'x\u0001', 'x\u0080', '&'), 4),
  )
  .map(([k, v]) => `${k}=${v}`);
const oddItemArb = pick('', 'noequals', '=1', '&', 'a34001-Rtd=1&', 'a\u0001=1', 'Flag=N');
const cpItemArb = fc.oneof(
  { weight: 8, arbitrary: pollutantItemArb },
  { weight: 1, arbitrary: dataTimeArb },
  { weight: 1, arbitrary: otherItemArb },
  { weight: 1, arbitrary: oddItemArb },
);

/** A dust upload: DataTime and a few pollutants with Rtd/Flag or Min/Avg/Max/Flag, grouped the usual way. */
const usualCpArb = fc
  .tuple(
    dataTimeValueArb,
    fc.uniqueArray(pick(...FACTORS, 'a01001', 'a34001'), { minLength: 1, maxLength: 5 }),
    fc.boolean(),
    fc.array(numArb, { minLength: 20, maxLength: 20 }),
    fc.array(flagArb, { minLength: 5, maxLength: 5 }),
    // Now and then one field's suffix is not the usual one (inside a group: the fast path's "same pollutant" check).
    fc.option(fc.tuple(fc.nat(), oddSuffixArb), { nil: undefined, freq: 2 }),
  )
  .map(([t, codes, minute, nums, flags, rename]) => {
    const fields = codes.flatMap((c, i) =>
      minute
        ? [
            [c, 'Min', nums[i * 3]!],
            [c, 'Avg', nums[i * 3 + 1]!],
            [c, 'Max', nums[i * 3 + 2]!],
            [c, 'Flag', flags[i]!],
          ]
        : [
            [c, 'Rtd', nums[i]!],
            [c, 'Flag', flags[i]!],
          ],
    );
    if (rename !== undefined) fields[rename[0] % fields.length] = [codes[0]!, rename[1], '1.5'];
    const groups = codes.map((c) =>
      fields
        .filter(([code]) => code === c)
        .map(([code, sfx, v]) => `${code}-${sfx}=${v}`)
        .join(','),
    );
    return [`DataTime=${t}`, ...groups];
  });

const cpArb = fc
  .tuple(
    usualCpArb,
    fc.array(fc.tuple(fc.nat(), cpItemArb), { maxLength: 4 }),
    fc.array(fc.tuple(fc.nat(), pick(';', ',')), { maxLength: 3 }),
    once(pick('CP=&&'), pick('cp=&&', 'CP=&', 'CP=', 'CP=&&&')),
    once(pick('&&'), pick('&', '', '&&&', ';&&')),
  )
  .map(([usual, inserts, seps, open, close]) => {
    const items = [...usual];
    for (const [at, item] of inserts) items.splice(at % (items.length + 1), 0, item);
    let body = items.join(';');
    // Swap a few separators (`,` ↔ `;`) to exercise MIXED_SEPARATORS and grouping.
    for (const [at, sep] of seps) {
      const i = at % Math.max(1, body.length);
      const j = body.slice(i).search(/[;,]/);
      if (j >= 0) body = body.slice(0, i + j) + sep + body.slice(i + j + 1);
    }
    return `${open}${body}${close}`;
  });
/** Mostly cpArb; sometimes a CP too short to hold `&&…&&`, or empty. */
const cpOrShortArb = once(cpArb, pick('CP=&&&', 'CP=&&', 'CP=&', 'CP=&&&&', 'CP=&&;&&', 'CP=&&,&&'));

const nearStandardArb = fc.tuple(headerArb, cpOrShortArb).map(([h, cp]) => `${h};${cp}`);

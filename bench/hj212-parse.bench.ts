/**
 * HJ 212 protocol layer throughput on one core: parseFrame alone, framer + parseFrame over a TCP-like byte stream, and
 * a "bare read" baseline that only splits the same bytes at `\r\n`. The frame mix: the valid dust packets of
 * ../shared/testdata/hj212 plus 2011 (real-time) and 2051 (minute) frames generated from the real values of the
 * Lancer-Ming construction-site data set, written the way those devices write them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc16Hj212, crcHex, Hj212Framer, parseFrame } from '../server/modules/sensors/hj212/index.ts';

const TESTDATA = path.resolve(import.meta.dirname, '../../shared/testdata/hj212');
const DUST_PACKETS = ['HJ011', 'HJ013', 'HJ049', 'HJ050', 'HJ056', 'HJ057', 'HJ061', 'HJ063'];
const FACTORS = ['a34001', 'a34002', 'a34004', 'LA', 'a01001', 'a01002', 'a01006', 'a01007', 'a01008'];

function frame(seg: string): Buffer {
  return Buffer.from(`##${String(seg.length).padStart(4, '0')}${seg}${crcHex(crc16Hj212(seg))}\r\n`);
}

function buildMix(): Buffer[] {
  const packets = JSON.parse(readFileSync(path.join(TESTDATA, 'hj212_packets.json'), 'utf8')) as {
    id: string;
    packet: string;
  }[];
  const mix: Buffer[] = DUST_PACKETS.map((id) => Buffer.from(`${packets.find((p) => p.id === id)!.packet}\r\n`));
  const csv = readFileSync(path.join(TESTDATA, 'dust_timeseries_lancer-ming_factory_2018.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1, 2001);
  for (const line of csv) {
    const c = line.split(',');
    const [sn, qn] = [c[1]!, c[2]!];
    const values = c.slice(5, 14);
    const head = `QN=${qn};ST=39;CN=2011;PW=123456;MN=690000D5800028F889${sn};Flag=5;CP=&&DataTime=${qn.slice(0, 14)}`;
    mix.push(frame(`${head};${FACTORS.map((f, i) => `${f}-Rtd=${values[i]},${f}-Flag=N`).join(';')}&&`));
    const minute = `${qn.slice(0, 12)}00`;
    const stats = FACTORS.map((f, i) => {
      const v = Number(values[i]);
      return `${f}-Min=${(v * 0.9).toFixed(1)},${f}-Avg=${values[i]},${f}-Max=${(v * 1.1).toFixed(1)},${f}-Flag=N`;
    });
    mix.push(
      frame(
        `QN=${qn};ST=39;CN=2051;PW=123456;MN=690000D5800028F889${sn};Flag=5;CP=&&DataTime=${minute};${stats.join(';')}&&`,
      ),
    );
  }
  return mix;
}

/** Median and best of `rounds` timed rounds (after a warm-up round) of fn, which returns the number of frames done. */
function measure(fn: () => number, rounds = 7): { median: number; best: number } {
  fn();
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const n = fn();
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { median: rates[Math.floor(rates.length / 2)]!, best: rates[rates.length - 1]! };
}

export async function run(): Promise<string> {
  const mix = buildMix();
  const reps = 40;
  const stream = Buffer.concat(Array.from({ length: reps }, () => mix).flat());
  const framesPerPass = mix.length * reps;
  const avgBytes = stream.length / framesPerPass;
  for (const b of mix) if (!parseFrame(b).ok) throw new Error(`mix frame rejected: ${b.toString('latin1', 0, 60)}`);

  let sink = 0;
  const parse = measure(() => {
    for (let r = 0; r < reps; r++) for (const b of mix) if (parseFrame(b).ok) sink++;
    return framesPerPass;
  });
  const framed = (chunk: number) =>
    measure(() => {
      const framer = new Hj212Framer();
      let n = 0;
      for (let off = 0; off < stream.length; off += chunk) {
        for (const it of framer.push(stream.subarray(off, off + chunk))) {
          if (it.type === 'frame' && parseFrame(it.bytes).ok) n++;
        }
      }
      if (n !== framesPerPass) throw new Error(`framer+parse found ${n} of ${framesPerPass} frames`);
      return n;
    });
  const framed64k = framed(65_536);
  const framedMss = framed(1_460);
  const framerOnly = measure(() => {
    const framer = new Hj212Framer();
    let n = 0;
    for (let off = 0; off < stream.length; off += 65_536) {
      for (const it of framer.push(stream.subarray(off, off + 65_536))) if (it.type === 'frame') n++;
    }
    return n;
  });
  const bare = measure(() => {
    let n = 0;
    let p = 0;
    for (;;) {
      const e = stream.indexOf('\r\n', p);
      if (e < 0) break;
      n++;
      p = e + 2;
    }
    return n;
  });
  if (sink === 0) throw new Error('nothing parsed');

  const f = (n: number) => Math.round(n).toLocaleString('en');
  const mb = (rate: number) => ((rate * avgBytes) / 2 ** 20).toFixed(0);
  const row = (name: string, r: { median: number; best: number }) =>
    `| ${name} | ${f(r.median)} | ${f(r.best)} | ${mb(r.median)} MB/s | ${(bare.median / r.median).toFixed(1)}× |`;
  return [
    '## HJ 212 parsing (construction-site dust monitors)',
    '',
    `One core, one thread. Mix: ${DUST_PACKETS.length} dust packets from the test data + ${f((mix.length - DUST_PACKETS.length) / 2)} CN=2011 and as many CN=2051 frames built from the real Lancer-Ming values (9 factors each), ${f(mix.length)} frames, ${avgBytes.toFixed(0)} bytes on average; ${f(framesPerPass)} frames (${(stream.length / 2 ** 20).toFixed(1)} MiB) per round, median and best of 7 rounds. "Bare read" only splits the same bytes at \\r\\n; the last column is how many times slower than that each step is.`,
    '',
    '| step | frames/s (median) | frames/s (best) | throughput | vs bare read |',
    '|---|---|---|---|---|',
    row('bare read (split at \\r\\n)', bare),
    row('framer only (64 KiB chunks)', framerOnly),
    row('parseFrame (CRC + full parse)', parse),
    row('framer + parseFrame, 64 KiB chunks', framed64k),
    row('framer + parseFrame, 1460-byte chunks', framedMss),
    '',
  ].join('\n');
}

/**
 * HJ 212 protocol layer throughput on one core: parseFrame alone, framer + parseFrame over a TCP-like byte stream, and
 * a "bare read" baseline that only splits the same bytes at `\r\n`. The frame mix: the valid dust packets of
 * ../shared/testdata/hj212 plus 2011 (real-time) and 2051 (minute) frames generated from the real values of the
 * Lancer-Ming construction-site data set, written the way those devices write them.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseFrameReference } from '../server/modules/sensors/hj212/hj212.reference.ts';
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

/** The issue's goal: frames per CPU-second, one core, parsing included. */
const GOAL = 200_000;

interface Rate {
  /** frames per wall-clock second, median of the rounds */
  wall: number;
  /** frames per second of CPU time used by this process, median of the rounds (robust to other load) */
  cpu: number;
}

/** Median rates over `rounds` timed rounds (after a warm-up round) of fn, which returns the number of frames done. */
function measure(fn: () => number, rounds = 7): Rate {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const n = fn();
    const t = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    wall.push(n / t);
    cpu.push(n / ((c.user + c.system) / 1e6));
  }
  const median = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  return { wall: median(wall), cpu: median(cpu) };
}

export async function run(): Promise<string> {
  const load = os.loadavg()[0]!;
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
  // The parser before the fast path (frozen copy kept for the differential test), same frames, same conditions.
  const before = measure(() => {
    for (let r = 0; r < reps; r++) for (const b of mix) if (parseFrameReference(b).ok) sink++;
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
  const slowest = Math.min(parse.cpu, framed64k.cpu, framedMss.cpu);
  const verdict =
    slowest >= GOAL
      ? `met — the slowest parsing row does ${f(slowest)} (${(slowest / GOAL).toFixed(2)}× the goal)`
      : `not met — the slowest parsing row does ${f(slowest)} (${(slowest / GOAL).toFixed(2)}× the goal)`;
  const mb = (rate: number) => ((rate * avgBytes) / 2 ** 20).toFixed(0);
  const row = (name: string, r: Rate) =>
    `| ${name} | ${f(r.cpu)} | ${f(r.wall)} | ${mb(r.cpu)} MB/s | ${(bare.cpu / r.cpu).toFixed(1)}× |`;
  return [
    '## HJ 212 parsing (construction-site dust monitors)',
    '',
    `One core, one thread. Mix: ${DUST_PACKETS.length} dust packets from the test data + ${f((mix.length - DUST_PACKETS.length) / 2)} CN=2011 and as many CN=2051 frames built from the real Lancer-Ming values (9 factors each), ${f(mix.length)} frames, ${avgBytes.toFixed(0)} bytes on average; ${f(framesPerPass)} frames (${(stream.length / 2 ** 20).toFixed(1)} MiB) per round, medians of 7 rounds. Rates per CPU-second count only the time this process was on a CPU (1-minute load average at the start: ${load.toFixed(1)} on ${os.cpus().length} CPUs; wall-clock rates drop with other load, per-CPU-second ones much less). "Bare read" only splits the same bytes at \\r\\n; the last column is how many times slower than that each step is.`,
    '',
    '| step | frames per CPU-second | frames per wall second | throughput (CPU) | vs bare read |',
    '|---|---|---|---|---|',
    row('bare read (split at \\r\\n)', bare),
    row('framer only (64 KiB chunks)', framerOnly),
    row('parseFrame (CRC + full parse)', parse),
    row('previous parseFrame (hj212.reference.ts), for comparison', before),
    row('framer + parseFrame, 64 KiB chunks', framed64k),
    row('framer + parseFrame, 1460-byte chunks', framedMss),
    '',
    `Goal (issue): at least ${f(GOAL)} frames per CPU-second on one core, parsing included. This run: ${verdict}. parseFrame is ${(parse.cpu / before.cpu).toFixed(1)}× the previous parser measured in the same run.`,
    '',
    `How: parseFrame answers frames of the usual shape on a fast path that reads the bytes once (numbers and times are parsed during the scan, the fields of one pollutant become one object literal, pollutant codes are interned by their bytes, the printable-ASCII check is part of the scan) and hands everything else — every error, the rarer quirks, numbers with an exponent — to the general parser, so rejections and their details are unchanged (hj212.differential.test.ts holds parseFrame to a frozen copy of the previous parser). The CRC runs 8 bytes per step (slicing by 8). Before (the codec of 96aed12): parseFrame ${f(96_027)}, framer + parseFrame ${f(88_437)} / ${f(91_937)} frames per CPU-second at load 7.3; re-measured at load 2.2 just before the change: ${f(117_537)}, ${f(101_262)} / ${f(95_447)}. The previous-parser row runs that frozen copy (its CRC is the plain byte-at-a-time table loop, which measured as fast as the original two-bytes-per-step one).`,
    '',
    'Where the time goes now (CPU profile of the parseFrame row): scanning the header and CP items with their numbers a little under half, the CRC about 12 %, inserting the pollutants into their null-prototype record (a V8 dictionary object, which the API promises) about 12 %, finding the interned pollutant code about 9 %, the rest times, strings, object creation and GC. Per-CPU-second rates on this 2-vCPU VM move by ±25 % from run to run with the load of other tenants on the host, even when the load average inside is low (the bare-read row moves with them); the previous-parser row, measured in the same run, is the fairer comparison.',
    '',
  ].join('\n');
}

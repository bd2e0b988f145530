import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type DeviceRuleState,
  type EvaluationInput,
  effectiveThresholds,
  evaluateDevice,
  HOUR_MS,
  newDeviceRuleState,
  type RuleAlert,
  type ThresholdRule,
} from './sensors.rules.ts';

const H0 = Date.parse('2026-04-15T02:00:00Z');
const warn: ThresholdRule = {
  id: 't-warn',
  siteType: null,
  pollutant: 'a34002',
  rule: 'hour_avg',
  limit: 100,
  consecutive: 1,
  level: 'warning',
};
const alarm: ThresholdRule = { ...warn, id: 't-alarm', limit: 150, level: 'alarm' };
const run3: ThresholdRule = {
  id: 't-run',
  siteType: null,
  pollutant: 'a34002',
  rule: 'consecutive_rtd',
  limit: 250,
  consecutive: 3,
  level: 'warning',
};

let ids = 0;
/** Drive the rules the way the ingest does: hour totals accumulate per call, open alerts carry over. */
class Device {
  state: DeviceRuleState = newDeviceRuleState();
  open: RuleAlert[] = [];
  totals = new Map<number, { count: number; sum: number }>();
  all: RuleAlert[] = [];
  constructor(
    readonly thresholds: ThresholdRule[],
    readonly intervalSeconds = 600,
  ) {}
  send(values: [number, number][], extra: Partial<EvaluationInput> = {}) {
    const touched = new Set<number>();
    for (const [at, v] of values) {
      const h = Math.floor(at / HOUR_MS) * HOUR_MS;
      const t = this.totals.get(h) ?? { count: 0, sum: 0 };
      t.count++;
      t.sum += v;
      this.totals.set(h, t);
      touched.add(h);
    }
    const r = evaluateDevice(
      {
        thresholds: this.thresholds,
        intervalSeconds: this.intervalSeconds,
        rtd: values.map(([at, value]) => ({ pollutant: 'a34002', at, value })),
        hours: [...touched].map((h) => ({
          pollutant: 'a34002',
          at: h,
          ...(this.totals.get(h) as { count: number; sum: number }),
        })),
        deviceHours: [],
        open: this.open,
        now: Date.parse('2026-04-15T12:00:00Z'),
        newId: () => `a${++ids}`,
        ...extra,
      },
      this.state,
    );
    for (const a of r.opened) this.all.push(a);
    const byId = new Map(this.all.map((a) => [a.id, a]));
    for (const a of r.changed) byId.set(a.id, a);
    this.all = [...byId.values()];
    this.open = this.all.filter((a) => a.clearedAt === null);
    return r;
  }
}
const at = (hour: number, minute: number) => H0 + hour * HOUR_MS + minute * 60_000;

test('a site type’s own threshold replaces the general one for the same pollutant, rule and level', () => {
  const demolition: ThresholdRule = { ...alarm, id: 't-demo', siteType: 'demolition', limit: 120 };
  const all = [warn, alarm, demolition, { ...warn, id: 't-road', siteType: 'road', limit: 90 }];
  assert.deepEqual(
    effectiveThresholds(all, 'demolition')
      .map((t) => t.id)
      .sort(),
    ['t-demo', 't-warn'],
  );
  assert.deepEqual(
    effectiveThresholds(all, 'building')
      .map((t) => t.id)
      .sort(),
    ['t-alarm', 't-warn'],
  );
  assert.deepEqual(
    effectiveThresholds(all, null)
      .map((t) => t.id)
      .sort(),
    ['t-alarm', 't-warn'],
  );
});

test('hour_avg breaches early only once the hour cannot end at or below the limit', () => {
  const d = new Device([alarm]); // 6 readings expected per hour
  assert.equal(
    d.send([
      [at(0, 0), 400],
      [at(0, 10), 400],
    ]).opened.length,
    0,
    '800 / 6 = 133 ≤ 150',
  );
  const r = d.send([[at(0, 20), 400]]);
  assert.equal(r.opened.length, 1, '1200 / 6 = 200 > 150');
  const a = r.opened[0] as RuleAlert;
  assert.equal(a.level, 'alarm');
  assert.equal(a.startedAt, at(0, 0));
  assert.equal(a.value, 400, 'the running average so far');
  // More readings in the same hour refresh the value, not the occurrences.
  d.send([
    [at(0, 30), 100],
    [at(0, 40), 100],
    [at(0, 50), 100],
  ]);
  assert.equal(d.open.length, 1);
  assert.equal(d.open[0]?.occurrences, 1);
  assert.equal(d.open[0]?.value, 250);
});

test('a completed hour at or below the limit clears; another breaching hour adds an occurrence', () => {
  const d = new Device([alarm, warn]);
  d.send([0, 10, 20, 30, 40, 50].map((m) => [at(0, m), 200] as [number, number]));
  assert.deepEqual(d.open.map((a) => a.thresholdId).sort(), ['t-alarm', 't-warn']);
  // Hour 1 averages 130: completing hour 0 (200) changes nothing; hour 1 alone is not certain yet.
  d.send([0, 10, 20, 30, 40, 50].map((m) => [at(1, m), 130] as [number, number]));
  assert.equal(d.open.length, 2);
  // Hour 2 starts: hour 1 completes at 130 → the alarm (150) clears, the warning (100) counts a second hour.
  d.send([[at(2, 0), 20]]);
  assert.deepEqual(
    d.open.map((a) => a.thresholdId),
    ['t-warn'],
  );
  assert.equal(d.open[0]?.occurrences, 2);
  assert.equal(d.open[0]?.lastAt, at(1, 0));
  const cleared = d.all.find((a) => a.thresholdId === 't-alarm');
  assert.equal(cleared?.clearedAt, at(2, 0));
});

test('an hour with too few readings decides nothing when it completes', () => {
  const d = new Device([alarm]);
  d.send([
    [at(0, 0), 30],
    [at(0, 10), 30],
    [at(0, 20), 30],
    [at(0, 30), 30],
    [at(0, 40), 30],
    [at(0, 50), 500],
  ]);
  assert.equal(d.open.length, 0, 'average 108');
  d.send([
    [at(1, 0), 400],
    [at(1, 10), 400],
  ]); // 800/6 = 133: not certain
  d.send([[at(2, 0), 20]]); // hour 1 completes with 2 of 6 readings: no verdict
  assert.equal(d.open.length, 0);
});

test('late data for a passed hour can raise a breach but not clear one', () => {
  const d = new Device([alarm]);
  d.send([[at(3, 0), 10]]);
  const r = d.send([0, 10, 20, 30, 40].map((m) => [at(1, m), 300] as [number, number]));
  assert.equal(r.opened.length, 1);
  assert.equal(r.opened[0]?.startedAt, at(1, 0));
  d.send([0, 10, 20, 30, 40].map((m) => [at(2, m), 10] as [number, number]));
  assert.equal(d.open.length, 1, 'an older hour never clears');
});

test('the device’s own hourly value (CN 2061) counts as a completed hour', () => {
  const d = new Device([alarm]);
  d.send([], { deviceHours: [{ pollutant: 'a34002', at: at(0, 0), value: 180 }] });
  assert.equal(d.open.length, 1);
  d.send([], { deviceHours: [{ pollutant: 'a34002', at: at(1, 0), value: 90 }] });
  assert.equal(d.open.length, 0);
});

test('consecutive_rtd: N in a row above opens, each further one counts, N in a row at or below clears', () => {
  const d = new Device([run3], 60);
  d.send([
    [at(0, 0), 300],
    [at(0, 1), 300],
    [at(0, 2), 100],
    [at(0, 3), 300],
    [at(0, 4), 300],
  ]);
  assert.equal(d.open.length, 0, 'the run was broken');
  const r = d.send([[at(0, 5), 260]]);
  assert.equal(r.opened.length, 1);
  assert.equal(r.opened[0]?.startedAt, at(0, 3));
  d.send([
    [at(0, 6), 400],
    [at(0, 7), 250],
    [at(0, 8), 100],
  ]);
  assert.equal(d.open[0]?.occurrences, 2);
  assert.equal(d.open[0]?.value, 400);
  d.send([[at(0, 9), 100]]);
  assert.equal(d.open.length, 0, 'three in a row at or below the limit');
  assert.equal(d.all[0]?.clearedAt, at(0, 9));
});

test('an open alert whose threshold no longer applies is cleared', () => {
  const d = new Device([alarm]);
  d.send([0, 10, 20, 30].map((m) => [at(0, m), 400] as [number, number]));
  assert.equal(d.open.length, 1);
  const noRules = new Device([]);
  noRules.open = d.open;
  noRules.send([[at(0, 40), 400]]);
  assert.equal(noRules.open.length, 0);
});

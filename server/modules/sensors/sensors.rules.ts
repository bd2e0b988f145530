/**
 * Threshold rules → breach alerts, evaluated per device as its readings are stored. Pure: no I/O; the
 * ingest passes in what it just stored and the device's open alerts, and writes back what comes out.
 *
 * Which thresholds apply: the enabled rows for the site's type, and for every (pollutant, rule, level) without
 * a row for that type, the row for all types (site_type null). A device without a site gets the general rows.
 *
 * Readings flagged other than N (normal) or T (over range) — D fault, M maintenance, C calibration, F stopped,
 * S manual, B comms — are not evaluated (and not aggregated): a calibration gas is not dust.
 *
 * hour_avg (the hourly average of our own aggregates from real-time readings, hours aligned to the clock):
 * - Early: while an hour is running, it breaches as soon as sum / max(count, expected) > limit, where
 *   expected = 3600 / interval — with non-negative values the hour's average can then no longer end at or
 *   below the limit (for a device reporting at its interval). No alert on a running average that merely
 *   looks high: two minutes of a passing truck are not an hourly exceedance.
 * - Completed: when a device's first reading of a later hour arrives, the previous hour is complete. With at
 *   least 75 % of the expected readings (HJ 663's 45 minutes of the hour) its average decides: above the
 *   limit breaches, at or below clears the open alert. With fewer readings the hour decides nothing.
 * - A device's own hourly value (CN 2061) counts as a completed hour.
 * - Late readings for an hour already passed can still raise a breach for it, never clear one.
 * - One alert per device and threshold while it is open: another breaching hour adds an occurrence and
 *   moves last_at (the hour's start); the same hour only refreshes the value.
 * consecutive_rtd: N real-time readings in a row above the limit open (or add to) the alert; N in a row at
 * or below it clear it (the same N both ways, so a value hovering at the limit does not flap).
 * An open alert whose threshold no longer applies (disabled, deleted, changed site type) is cleared.
 *
 * The in-memory state (current hour per pollutant, runs per threshold) is rebuilt from the data as it
 * arrives after a restart: the first hour seen is not "completed" and runs start at zero.
 */

export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;
/** Share of an hour's expected readings needed for the completed hour to count (HJ 663: 45 of 60 minutes). */
export const HOUR_COVERAGE = 0.75;
/** Data flags whose values are real measurements. */
const VALID_FLAGS = new Set(['N', 'T']);

export type RuleKind = 'hour_avg' | 'consecutive_rtd';
export type AlertLevel = 'warning' | 'alarm';

export interface ThresholdRule {
  id: string;
  siteType: string | null;
  pollutant: string;
  rule: RuleKind;
  limit: number;
  consecutive: number;
  level: AlertLevel;
}

/** True when a reading with this flag is a measurement to aggregate and evaluate. */
export function isValidFlag(flag: string | null | undefined): boolean {
  return flag === undefined || flag === null || VALID_FLAGS.has(flag);
}

export function hourOf(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

export function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** The thresholds that apply to a site type: a type's own row wins over the general one for the same key. */
export function effectiveThresholds(all: readonly ThresholdRule[], siteType: string | null): ThresholdRule[] {
  const chosen = new Map<string, ThresholdRule>();
  for (const t of all) {
    if (t.siteType !== null && t.siteType !== siteType) continue;
    const key = `${t.pollutant}|${t.rule}|${t.level}`;
    const have = chosen.get(key);
    if (!have || (have.siteType === null && t.siteType !== null)) chosen.set(key, t);
  }
  return [...chosen.values()];
}

/** A breach alert as the rules see it (times in epoch ms). */
export interface RuleAlert {
  id: string;
  thresholdId: string;
  pollutant: string;
  level: AlertLevel;
  value: number | null;
  limit: number;
  startedAt: number;
  lastAt: number;
  occurrences: number;
  clearedAt: number | null;
  caseId: string | null;
}

export interface HourTrack {
  hour: number;
  count: number;
  sum: number;
}

export interface RunTrack {
  above: number;
  below: number;
  since: number;
}

/** Per device: the latest hour bucket per pollutant and the run lengths per consecutive_rtd threshold. */
export interface DeviceRuleState {
  hours: Map<string, HourTrack>;
  runs: Map<string, RunTrack>;
}

export function newDeviceRuleState(): DeviceRuleState {
  return { hours: new Map(), runs: new Map() };
}

export function cloneDeviceRuleState(s: DeviceRuleState): DeviceRuleState {
  const hours = new Map<string, HourTrack>();
  for (const [k, v] of s.hours) hours.set(k, { ...v });
  const runs = new Map<string, RunTrack>();
  for (const [k, v] of s.runs) runs.set(k, { ...v });
  return { hours, runs };
}

export interface EvaluationInput {
  thresholds: readonly ThresholdRule[];
  intervalSeconds: number;
  /** Valid real-time readings just stored, in arrival order. */
  rtd: readonly { pollutant: string; at: number; value: number }[];
  /** Hour aggregates just updated: their totals after this write. */
  hours: readonly { pollutant: string; at: number; count: number; sum: number }[];
  /** Valid hourly values the device sent itself (CN 2061). */
  deviceHours: readonly { pollutant: string; at: number; value: number }[];
  /** The device's open breach alerts. */
  open: readonly RuleAlert[];
  /** When the evaluation runs (used to clear alerts of thresholds that no longer apply). */
  now: number;
  newId: () => string;
}

export interface EvaluationResult {
  /** Alerts opened by this evaluation (some may already be cleared again: clearedAt set). */
  opened: RuleAlert[];
  /** Existing alerts that changed (value, last_at, occurrences or cleared). */
  changed: RuleAlert[];
}

/** Evaluate one device's new data against its thresholds; `state` is updated in place (pass a clone). */
export function evaluateDevice(input: EvaluationInput, state: DeviceRuleState): EvaluationResult {
  const byThreshold = new Map<string, RuleAlert>();
  const original = new Map<string, RuleAlert>();
  for (const a of input.open) {
    const copy = { ...a };
    byThreshold.set(a.thresholdId, copy);
    original.set(a.id, a);
  }
  const opened: RuleAlert[] = [];
  const changed = new Map<string, RuleAlert>();
  const touch = (a: RuleAlert) => {
    if (original.has(a.id)) changed.set(a.id, a);
  };

  const breach = (t: ThresholdRule, at: number, value: number, since: number, perHour: boolean) => {
    const a = byThreshold.get(t.id);
    if (a) {
      if (perHour) {
        if (at > a.lastAt) {
          a.lastAt = at;
          a.occurrences += 1;
          a.value = value;
        } else if (at === a.lastAt && a.value !== value) {
          a.value = value;
        } else return;
      } else {
        a.lastAt = Math.max(a.lastAt, at);
        a.occurrences += 1;
        a.value = value;
      }
      touch(a);
      return;
    }
    const created: RuleAlert = {
      id: input.newId(),
      thresholdId: t.id,
      pollutant: t.pollutant,
      level: t.level,
      value,
      limit: t.limit,
      startedAt: since,
      lastAt: at,
      occurrences: 1,
      clearedAt: null,
      caseId: null,
    };
    byThreshold.set(t.id, created);
    opened.push(created);
  };
  const clear = (t: ThresholdRule, at: number, notBefore: number) => {
    const a = byThreshold.get(t.id);
    if (!a || a.lastAt > notBefore) return;
    a.clearedAt = Math.max(at, a.lastAt);
    byThreshold.delete(t.id);
    touch(a);
  };

  // Thresholds that no longer apply.
  const applicable = new Set(input.thresholds.map((t) => t.id));
  for (const [tid, a] of byThreshold) {
    if (!applicable.has(tid)) {
      a.clearedAt = Math.max(input.now, a.lastAt);
      byThreshold.delete(tid);
      touch(a);
    }
  }

  // hour_avg
  const expected = Math.max(1, Math.round(3600 / Math.max(1, input.intervalSeconds)));
  const minCount = Math.ceil(expected * HOUR_COVERAGE);
  const hourRules = new Map<string, ThresholdRule[]>();
  for (const t of input.thresholds) {
    if (t.rule !== 'hour_avg') continue;
    const list = hourRules.get(t.pollutant) ?? [];
    list.push(t);
    hourRules.set(t.pollutant, list);
  }
  for (const [pollutant, rules] of hourRules) {
    const completed = (hour: number, count: number, sum: number) => {
      if (count < minCount) return;
      const avg = sum / count;
      for (const t of rules) {
        if (avg > t.limit) breach(t, hour, avg, hour, true);
        else clear(t, hour + HOUR_MS, hour);
      }
    };
    const touched = input.hours.filter((h) => h.pollutant === pollutant).sort((a, b) => a.at - b.at);
    for (const h of touched) {
      const track = state.hours.get(pollutant);
      if (track && h.at < track.hour) {
        // Late data for an hour already passed: it can still show a breach.
        if (h.count >= minCount) {
          const avg = h.sum / h.count;
          for (const t of rules) if (avg > t.limit) breach(t, h.at, avg, h.at, true);
        }
        continue;
      }
      if (track && h.at > track.hour) completed(track.hour, track.count, track.sum);
      state.hours.set(pollutant, { hour: h.at, count: h.count, sum: h.sum });
      const certain = h.sum / Math.max(h.count, expected);
      for (const t of rules) if (certain > t.limit) breach(t, h.at, h.sum / h.count, h.at, true);
    }
    for (const d of input.deviceHours) {
      if (d.pollutant !== pollutant) continue;
      for (const t of rules) {
        if (d.value > t.limit) breach(t, d.at, d.value, d.at, true);
        else clear(t, d.at + HOUR_MS, d.at);
      }
    }
  }

  // consecutive_rtd
  const runRules = input.thresholds.filter((t) => t.rule === 'consecutive_rtd');
  if (runRules.length > 0) {
    for (const r of input.rtd) {
      for (const t of runRules) {
        if (t.pollutant !== r.pollutant) continue;
        const run = state.runs.get(t.id) ?? { above: 0, below: 0, since: r.at };
        const n = Math.max(1, t.consecutive);
        if (r.value > t.limit) {
          if (run.above === 0) run.since = r.at;
          run.above += 1;
          run.below = 0;
          if (run.above >= n) breach(t, r.at, r.value, run.since, false);
        } else {
          run.below += 1;
          run.above = 0;
          if (run.below >= n) clear(t, r.at, r.at);
        }
        state.runs.set(t.id, run);
      }
    }
  }

  return { opened, changed: [...changed.values()] };
}

import {
  DEFAULT_SYNTHETIC_FUNCTIONS,
  DEFAULT_SYNTHETIC_MINUTES,
  DEFAULT_SYNTHETIC_SEED,
  SYNTHETIC_DAILY_TOTAL_BAND,
  TIMER_PERIODS_MIN,
  generateSyntheticTrace,
  type SyntheticTrace,
} from '../../src/trace/synthetic';
import { DURATION_PERCENTILE_POINTS, MEMORY_PERCENTILE_POINTS, type FunctionSeries } from '../../src/trace/types';

const cache = new Map<number, SyntheticTrace>();
/** A default-size trace (400 functions x 1440 minutes) for a seed, generated once per seed. */
function day(seed: number): SyntheticTrace {
  let t = cache.get(seed);
  if (t === undefined) {
    t = generateSyntheticTrace({ functions: DEFAULT_SYNTHETIC_FUNCTIONS, minutes: DEFAULT_SYNTHETIC_MINUTES, seed });
    cache.set(seed, t);
  }
  return t;
}

function total(counts: Uint32Array): number {
  let s = 0;
  for (let i = 0; i < counts.length; i++) s += counts[i];
  return s;
}

function bytesOf(counts: Uint32Array): Buffer {
  return Buffer.from(counts.buffer, counts.byteOffset, counts.byteLength);
}

function ofTrigger(t: SyntheticTrace, trigger: string): FunctionSeries[] {
  return t.trace.functions.filter((f) => f.trigger === trigger);
}

describe('generateSyntheticTrace', () => {
  it('has the documented defaults: 400 functions, 1440 minutes, seed 1', () => {
    expect(DEFAULT_SYNTHETIC_FUNCTIONS).toBe(400);
    expect(DEFAULT_SYNTHETIC_MINUTES).toBe(1440);
    expect(DEFAULT_SYNTHETIC_SEED).toBe(1);
  });

  it('gives the requested shape: N functions of M-minute Uint32Array counts, source naming the seed', () => {
    const t = generateSyntheticTrace({ functions: 37, minutes: 90, seed: 5 });
    expect(t.trace.functions).toHaveLength(37);
    expect(t.trace.minutes).toBe(90);
    expect(t.trace.firstMinuteLabel).toBe(1);
    expect(t.trace.source).toBe('synthetic(seed=5)');
    for (const f of t.trace.functions) {
      expect(f.counts).toBeInstanceOf(Uint32Array);
      expect(f.counts).toHaveLength(90);
    }
  });

  it('gives byte-identical counts, ids and rows for the same seed', () => {
    const a = day(1);
    const b = generateSyntheticTrace({ functions: 400, minutes: 1440, seed: 1 });
    expect(b.trace.functions.map((f) => [f.id, f.owner, f.app, f.trigger])).toEqual(a.trace.functions.map((f) => [f.id, f.owner, f.app, f.trigger]));
    const differing = a.trace.functions.filter((f, i) => !bytesOf(b.trace.functions[i].counts).equals(bytesOf(f.counts)));
    expect(differing).toHaveLength(0);
    expect(b.durations).toEqual(a.durations);
    expect(b.memory).toEqual(a.memory);
    expect(JSON.stringify(b.durations)).toBe(JSON.stringify(a.durations));
  });

  it('gives different ids, counts and rows for a different seed', () => {
    const a = day(1);
    const b = day(2);
    expect(b.trace.functions[0].id).not.toBe(a.trace.functions[0].id);
    const sameCounts = a.trace.functions.filter((f, i) => bytesOf(f.counts).equals(bytesOf(b.trace.functions[i].counts))).length;
    expect(sameCounts).toBeLessThan(50);
    expect(b.durations.map((d) => d.percentilesMs)).not.toEqual(a.durations.map((d) => d.percentilesMs));
    expect(b.memory.map((m) => m.percentilesMB)).not.toEqual(a.memory.map((m) => m.percentilesMB));
  });

  it('uses 64-hex-digit ids, unique per function and per app', () => {
    const t = day(1);
    const ids = t.trace.functions.map((f) => f.id);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(t.memory.map((m) => m.app)).size).toBe(t.memory.length);
  });

  it('has the trigger mix 55% http, 15% queue, 15% timer, 5% event, 5% orchestration, 3% storage, 2% others (exact counts for 400)', () => {
    const t = day(1);
    const counts: Record<string, number> = {};
    for (const f of t.trace.functions) counts[f.trigger] = (counts[f.trigger] ?? 0) + 1;
    expect(counts).toEqual({ http: 220, queue: 60, timer: 60, event: 20, orchestration: 20, storage: 12, others: 8 });
  });

  it.each([1, 2, 3, 4])('seed %i: daily rates span at least 5 orders of magnitude, every function invoked at least once', (seed) => {
    const totals = day(seed).trace.functions.map((f) => total(f.counts));
    const min = Math.min(...totals);
    const max = Math.max(...totals);
    expect(min).toBeGreaterThanOrEqual(1);
    expect(Math.log10(max / min)).toBeGreaterThanOrEqual(5);
  });

  it.each([1, 2, 3, 4])('seed %i: total invocations of a 400x1440 day lie in the documented 0.5-1.5 million band', (seed) => {
    const sum = day(seed).trace.functions.reduce((s, f) => s + total(f.counts), 0);
    expect(sum).toBeGreaterThanOrEqual(SYNTHETIC_DAILY_TOTAL_BAND.min);
    expect(sum).toBeLessThanOrEqual(SYNTHETIC_DAILY_TOTAL_BAND.max);
    expect(SYNTHETIC_DAILY_TOTAL_BAND).toEqual({ min: 500_000, max: 1_500_000 });
  });

  it('has a long tail of rarely invoked apps: 30-55% of apps at most 24/day, 70-90% at most 1440/day (paper: 45% and 81%)', () => {
    const t = day(1);
    const perApp = new Map<string, number>();
    for (const f of t.trace.functions) perApp.set(f.app, (perApp.get(f.app) ?? 0) + total(f.counts));
    const rates = [...perApp.values()];
    const hourly = rates.filter((r) => r <= 24).length / rates.length;
    const minutely = rates.filter((r) => r <= 1440).length / rates.length;
    expect(hourly).toBeGreaterThanOrEqual(0.3);
    expect(hourly).toBeLessThanOrEqual(0.55);
    expect(minutely).toBeGreaterThanOrEqual(0.7);
    expect(minutely).toBeLessThanOrEqual(0.9);
  });

  it('fires every timer exactly periodically: same count at minutes phase, phase+period, ... with a listed period', () => {
    const periods = new Set(TIMER_PERIODS_MIN.map(([p]) => p));
    const timers = ofTrigger(day(1), 'timer');
    expect(timers.length).toBe(60);
    const problems: string[] = [];
    let multiFiring = 0;
    for (const f of timers) {
      const nonzero: number[] = [];
      f.counts.forEach((c, t) => {
        if (c > 0) nonzero.push(t);
      });
      const perFiring = f.counts[nonzero[0]];
      if (perFiring < 1 || perFiring > 3) problems.push(`${f.id}: ${perFiring} per firing`);
      if (nonzero.some((t) => f.counts[t] !== perFiring)) problems.push(`${f.id}: uneven counts per firing`);
      if (nonzero.length < 2) continue;
      multiFiring++;
      const period = nonzero[1] - nonzero[0];
      if (!periods.has(period)) problems.push(`${f.id}: period ${period} not listed`);
      if (nonzero[0] >= period) problems.push(`${f.id}: phase ${nonzero[0]} >= period ${period}`);
      if (nonzero.some((t, k) => k > 0 && t - nonzero[k - 1] !== period)) problems.push(`${f.id}: gaps not all ${period}`);
      if (nonzero[nonzero.length - 1] + period < 1440) problems.push(`${f.id}: stops before the end`);
    }
    expect(problems).toEqual([]);
    expect(multiFiring).toBeGreaterThan(50);
  });

  it('gives busy http functions a daily cycle: at least 5 with a busiest-4-hours / quietest-4-hours ratio above 2', () => {
    const busy = ofTrigger(day(1), 'http').filter((f) => total(f.counts) >= 2000);
    const ratios = busy.map((f) => {
      const hourly = new Array<number>(24).fill(0);
      f.counts.forEach((c, t) => {
        hourly[Math.floor(t / 60)] += c;
      });
      const windows = hourly.map((_, h) => hourly[h] + hourly[(h + 1) % 24] + hourly[(h + 2) % 24] + hourly[(h + 3) % 24]);
      return Math.max(...windows) / Math.max(1, Math.min(...windows));
    });
    expect(busy.length).toBeGreaterThanOrEqual(10);
    expect(ratios.filter((r) => r > 2).length).toBeGreaterThanOrEqual(5);
  });

  it('makes queue functions bursty: per-minute coefficient of variation at least 2x that of a Poisson of the same mean', () => {
    const ratios: number[] = [];
    for (const seed of [1, 2, 3]) {
      for (const f of ofTrigger(day(seed), 'queue')) {
        const n = f.counts.length;
        const mean = total(f.counts) / n;
        if (mean * n < 100) continue;
        let ss = 0;
        f.counts.forEach((c) => {
          ss += (c - mean) * (c - mean);
        });
        const cv = Math.sqrt(ss / n) / mean;
        ratios.push(cv / (1 / Math.sqrt(mean)));
      }
    }
    expect(ratios.length).toBeGreaterThanOrEqual(20);
    for (const r of ratios) expect(r).toBeGreaterThanOrEqual(2);
    ratios.sort((a, b) => a - b);
    expect(ratios[Math.floor(ratios.length / 2)]).toBeGreaterThanOrEqual(4);
  });

  it('gives one duration row per function with the function ids, count = its invocations, and 7 non-decreasing whole-ms percentiles', () => {
    const t = day(1);
    expect(t.durations).toHaveLength(400);
    t.durations.forEach((d, i) => {
      const f = t.trace.functions[i];
      expect([d.func, d.owner, d.app]).toEqual([f.id, f.owner, f.app]);
      expect(d.count).toBe(total(f.counts));
      expect(d.percentilesMs).toHaveLength(DURATION_PERCENTILE_POINTS.length);
      d.percentilesMs.forEach((v, k) => {
        expect(Number.isInteger(v)).toBe(true);
        if (k > 0) expect(v).toBeGreaterThanOrEqual(d.percentilesMs[k - 1]);
      });
      expect(d.minimumMs).toBe(d.percentilesMs[0]);
      expect(d.maximumMs).toBe(d.percentilesMs[6]);
    });
  });

  it('spreads average durations from 10 ms to 60 s with about half the functions under 1 s (paper: lognormal, 50% under 1 s)', () => {
    const avgs = day(1).durations.map((d) => d.averageMs);
    for (const a of avgs) {
      expect(a).toBeGreaterThanOrEqual(9);
      expect(a).toBeLessThanOrEqual(60_001);
    }
    const underOne = avgs.filter((a) => a < 1000).length / avgs.length;
    expect(underOne).toBeGreaterThanOrEqual(0.45);
    expect(underOne).toBeLessThanOrEqual(0.65);
    expect(Math.min(...avgs)).toBeLessThan(50);
    expect(Math.max(...avgs)).toBeGreaterThan(20_000);
  });

  it('gives one memory row per app with non-decreasing whole-MB percentiles, median p50 100-200 MB, >=80% of apps at most 400 MB', () => {
    const t = day(1);
    const apps = new Set(t.trace.functions.map((f) => `${f.owner}/${f.app}`));
    expect(t.memory).toHaveLength(apps.size);
    for (const m of t.memory) {
      expect(apps.has(`${m.owner}/${m.app}`)).toBe(true);
      expect(m.percentilesMB).toHaveLength(MEMORY_PERCENTILE_POINTS.length);
      m.percentilesMB.forEach((v, k) => {
        expect(Number.isInteger(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(1);
        if (k > 0) expect(v).toBeGreaterThanOrEqual(m.percentilesMB[k - 1]);
      });
      expect(m.sampleCount).toBeGreaterThanOrEqual(1);
    }
    const p50 = t.memory.map((m) => m.percentilesMB[3]).sort((a, b) => a - b);
    const median = p50[Math.floor(p50.length / 2)];
    expect(median).toBeGreaterThanOrEqual(100);
    expect(median).toBeLessThanOrEqual(200);
    const under400 = t.memory.filter((m) => m.percentilesMB[7] <= 400).length / t.memory.length;
    expect(under400).toBeGreaterThanOrEqual(0.8);
  });

  it('invokes every function at least once even in a short trace', () => {
    const t = generateSyntheticTrace({ functions: 50, minutes: 30, seed: 3 });
    for (const f of t.trace.functions) expect(total(f.counts)).toBeGreaterThanOrEqual(1);
  });

  it.each([
    [{ functions: 0, minutes: 10, seed: 1 }, 'functions=0'],
    [{ functions: 2.5, minutes: 10, seed: 1 }, 'functions=2.5'],
    [{ functions: 10, minutes: 0, seed: 1 }, 'minutes=0'],
    [{ functions: 10, minutes: -5, seed: 1 }, 'minutes=-5'],
    [{ functions: 10, minutes: 10, seed: Number.NaN }, 'seed=NaN'],
    [{ functions: 10, minutes: 10, seed: 0.5 }, 'seed=0.5'],
  ])('rejects %j with a RangeError naming %s', (options, named) => {
    expect(() => generateSyntheticTrace(options)).toThrow(RangeError);
    expect(() => generateSyntheticTrace(options)).toThrow(named);
  });
});

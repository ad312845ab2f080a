import { SeededRng } from '../../src/core/rng';
import { generateArrivals, type ArrivalSchedule } from '../../src/sim/arrivals';
import { MINUTE_MS } from '../../src/sim/policy';
import type { DurationModel, SimFunction, Workload } from '../../src/sim/workload';
import { ConstantDuration, PiecewiseQuantile } from '../../src/trace/piecewise-quantile';

function fn(id: string, counts: number[], duration: DurationModel): SimFunction {
  return { id, counts: Uint32Array.from(counts), memoryMB: 256, cpuCores: 0.125, duration };
}

function workload(functions: SimFunction[], minutes: number): Workload {
  return { source: 'test', minutes, functions, durationSource: {}, memorySource: {} };
}

/** Durations spread between 20 and 900 ms (median 100). */
const SPREAD = new PiecewiseQuantile([0, 0.5, 0.9, 1], [20, 100, 400, 900]);

/** Three functions over four minutes, with empty minutes, a constant and a spread model. */
const SMALL = workload(
  [
    fn('constant-250', [3, 0, 7, 1], new ConstantDuration(250)),
    fn('spread', [0, 5, 2, 12], SPREAD),
    fn('constant-1', [4, 4, 0, 0], new ConstantDuration(1)),
  ],
  4,
);

/** counts[m][f]: arrivals of function f whose time falls in minute m. */
function countsByMinute(s: ArrivalSchedule, minutes: number, functions: number): number[][] {
  const out = Array.from({ length: minutes }, () => new Array<number>(functions).fill(0));
  for (let i = 0; i < s.count; i++) out[Math.floor(s.timeMs[i] / MINUTE_MS)][s.fn[i]]++;
  return out;
}

describe('generateArrivals', () => {
  it.each([1, 2, 3])('seed %i: per minute and per function, the number of arrivals equals the trace count exactly', (seed) => {
    const s = generateArrivals(SMALL, new SeededRng(seed));
    expect(s.count).toBe(3 + 7 + 1 + 5 + 2 + 12 + 4 + 4);
    expect(s.timeMs.length).toBe(s.count);
    expect(s.fn.length).toBe(s.count);
    expect(s.durationMs.length).toBe(s.count);
    expect(countsByMinute(s, 4, 3)).toEqual([
      [3, 0, 4],
      [0, 5, 4],
      [7, 2, 0],
      [1, 12, 0],
    ]);
  });

  it('puts every arrival of minute m in [m*60000, (m+1)*60000), checked against the minute the counts say it belongs to', () => {
    // One function invoked only in minute 2, another only in minutes 0 and 4: each arrival's minute is known.
    const w = workload(
      [fn('m2', [0, 0, 50, 0, 0], new ConstantDuration(1)), fn('m0m4', [30, 0, 0, 0, 40], new ConstantDuration(1))],
      5,
    );
    const s = generateArrivals(w, new SeededRng(7));
    const outside: string[] = [];
    for (let i = 0; i < s.count; i++) {
      const t = s.timeMs[i];
      const minutes = s.fn[i] === 0 ? [2] : [0, 4];
      if (!minutes.some((m) => t >= m * MINUTE_MS && t < (m + 1) * MINUTE_MS)) outside.push(`fn ${s.fn[i]} at ${t}`);
    }
    expect(outside).toEqual([]);
    expect(s.count).toBe(120);
  });

  it('returns non-decreasing times and function indices within the workload', () => {
    const s = generateArrivals(SMALL, new SeededRng(11));
    let decreases = 0;
    for (let i = 1; i < s.count; i++) if (s.timeMs[i] < s.timeMs[i - 1]) decreases++;
    expect(decreases).toBe(0);
    expect(s.timeMs[0]).toBeGreaterThanOrEqual(0);
    expect(s.timeMs[s.count - 1]).toBeLessThan(4 * MINUTE_MS);
    expect(Array.from(s.fn).every((f) => f >= 0 && f < 3)).toBe(true);
  });

  it('orders 20,000 arrivals of 50 functions in one minute by time, with every time in [0, 60000)', () => {
    const fns = Array.from({ length: 50 }, (_, f) => fn(`f${f}`, [400], new ConstantDuration(f)));
    const s = generateArrivals(workload(fns, 1), new SeededRng('dense'));
    expect(s.count).toBe(20_000);
    let decreases = 0;
    for (let i = 1; i < s.count; i++) if (s.timeMs[i] < s.timeMs[i - 1]) decreases++;
    expect(decreases).toBe(0);
    expect(Math.min(...s.timeMs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...s.timeMs)).toBeLessThan(MINUTE_MS);
    // Each duration is its function's constant, so fn and duration stayed paired through the sort.
    expect(Array.from(s.fn).every((f, i) => s.durationMs[i] === f)).toBe(true);
  });

  it("gives each arrival its own function's duration: exactly the constant, or within [min, max] of the piecewise model", () => {
    const s = generateArrivals(SMALL, new SeededRng(5));
    const byFn: number[][] = [[], [], []];
    for (let i = 0; i < s.count; i++) byFn[s.fn[i]].push(s.durationMs[i]);
    expect(byFn[0]).toEqual(new Array<number>(11).fill(250));
    expect(byFn[2]).toEqual(new Array<number>(8).fill(1));
    expect(byFn[1]).toHaveLength(19);
    for (const d of byFn[1]) {
      expect(d).toBeGreaterThanOrEqual(20);
      expect(d).toBeLessThanOrEqual(900);
    }
    // 19 draws from a spread model are not all the same value.
    expect(new Set(byFn[1]).size).toBeGreaterThan(1);
  });

  it('draws piecewise durations whose sample mean is near the model mean (5,000 draws)', () => {
    const s = generateArrivals(workload([fn('spread', [5000], SPREAD)], 1), new SeededRng(99));
    const mean = s.durationMs.reduce((x, y) => x + y, 0) / s.count;
    // Model mean by trapezoids: 0.5*60 + 0.4*250 + 0.1*650 = 195 ms. Its standard deviation is
    // about 200 ms, so the standard error of 5,000 draws is ~3 ms; 15 ms is 5 standard errors.
    expect(SPREAD.meanMs).toBeCloseTo(195, 10);
    expect(Math.abs(mean - 195)).toBeLessThan(15);
  });

  it('clamps negative durations from a model to 0', () => {
    const negative = new PiecewiseQuantile([0, 1], [-50, -10]);
    const s = generateArrivals(workload([fn('neg', [20], negative)], 1), new SeededRng(3));
    expect(Array.from(s.durationMs)).toEqual(new Array<number>(20).fill(0));
  });

  it('gives identical arrays for the same seed', () => {
    const a = generateArrivals(SMALL, new SeededRng(42));
    const b = generateArrivals(SMALL, new SeededRng(42));
    expect(a.count).toBe(b.count);
    expect(Array.from(a.timeMs)).toEqual(Array.from(b.timeMs));
    expect(Array.from(a.fn)).toEqual(Array.from(b.fn));
    expect(Array.from(a.durationMs)).toEqual(Array.from(b.durationMs));
  });

  it('gives different times for a different seed (same counts per minute and function)', () => {
    const a = generateArrivals(SMALL, new SeededRng(42));
    const b = generateArrivals(SMALL, new SeededRng(43));
    expect(countsByMinute(a, 4, 3)).toEqual(countsByMinute(b, 4, 3));
    const same = Array.from(a.timeMs).filter((t, i) => t === b.timeMs[i]).length;
    expect(same).toBe(0);
  });

  it('returns an empty schedule for a workload without invocations', () => {
    const s = generateArrivals(workload([fn('idle', [0, 0, 0], new ConstantDuration(10))], 3), new SeededRng(1));
    expect(s.count).toBe(0);
    expect(s.timeMs).toHaveLength(0);
    expect(s.fn).toHaveLength(0);
    expect(s.durationMs).toHaveLength(0);
  });

  it.each([1, 2, 3, 4, 5])(
    'seed %i: 600 arrivals in one minute look Poisson: inter-arrival gaps have mean ~100 ms and coefficient of variation ~1',
    (seed) => {
      const s = generateArrivals(workload([fn('busy', [600], new ConstantDuration(1))], 1), new SeededRng(seed));
      expect(s.count).toBe(600);
      // 600 gaps: from the start of the minute to the first arrival, then between consecutive arrivals.
      const gaps: number[] = [];
      let prev = 0;
      for (let i = 0; i < s.count; i++) {
        gaps.push(s.timeMs[i] - prev);
        prev = s.timeMs[i];
      }
      const mean = gaps.reduce((x, y) => x + y, 0) / gaps.length;
      const sd = Math.sqrt(gaps.reduce((x, g) => x + (g - mean) ** 2, 0) / (gaps.length - 1));
      const cv = sd / mean;
      // Mean: the gaps sum to the last arrival time, the maximum of 600 uniform times in the minute, so the
      // mean gap is below 100 ms by construction; its expectation is 60000/601 = 99.83 ms. The shortfall
      // 60000 - max is ~exponential with mean 100 ms, so a mean gap below 98 ms (shortfall > 1,200 ms) has
      // probability ~exp(-12).
      expect(mean).toBeGreaterThan(98);
      expect(mean).toBeLessThan(100);
      // CV: uniform spacings are nearly exponential (the CV of one spacing is sqrt(600/602) = 0.998). For
      // exponential gaps the sample CV over n = 600 has a standard error of 1/sqrt(n) = 0.041 (delta method), so
      // [0.85, 1.15] is ~3.7 standard errors each side. Evenly spaced arrivals would give a CV of 0, and
      // bursty (over-dispersed) ones a CV well above 1, so this separates Poisson from both.
      expect(cv).toBeGreaterThan(0.85);
      expect(cv).toBeLessThan(1.15);
    },
  );

  it('at a per-minute level, arrivals of a steady function are spread over the whole minute (no clumping at the start)', () => {
    const s = generateArrivals(workload([fn('busy', [600, 600], new ConstantDuration(1))], 2), new SeededRng(8));
    // Count per 6-second bin: 20 bins over two minutes, expected 60 each (Poisson sd ~7.7).
    const bins = new Array<number>(20).fill(0);
    for (let i = 0; i < s.count; i++) bins[Math.floor(s.timeMs[i] / 6000)]++;
    for (const b of bins) {
      expect(b).toBeGreaterThan(30);
      expect(b).toBeLessThan(90);
    }
  });
});

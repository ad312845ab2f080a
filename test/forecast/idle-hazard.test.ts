import { SeededRng } from '../../src/core/rng';
import type { Forecaster, ForecastWindow } from '../../src/forecast/forecast-types';
import {
  DEFAULT_CONTINUATION_PRIOR,
  DEFAULT_HAZARD_CONTEXT_MINUTES,
  IdleHazardForecaster,
  type IdleHazardOptions,
} from '../../src/forecast/idle-hazard';

/** The rule before the tail prior, the continuation prior and the count after a non-zero minute (prior centred on theta, 2 pseudo-gaps). */
const LEGACY: IdleHazardOptions = { priorGaps: 2, tailPriorMinutes: 0, continuation: [], conditionOnLastCount: false };

const rng = new SeededRng(1);

function win(counts: readonly number[], endMinute = 600): ForecastWindow {
  return { counts: Float64Array.from(counts), endMinute };
}

/** P(count > 0) of each step. */
function arrival(f: IdleHazardForecaster, counts: readonly number[], horizon: number): number[] {
  const r = f.forecast([win(counts)], horizon);
  return Array.from({ length: horizon }, (_, s) => 1 - r.cdf(0, s, 0));
}

describe('IdleHazardForecaster', () => {
  it('gives the hand-computed arrival probabilities of a six-minute window', () => {
    // [1, 0, 1, 0, 0, 0]: theta = (2 + 1/2) / 7; one complete gap of 1; the current gap is 3 minutes old.
    // h(3) = h(4) = theta (no gap reached 3 or 4: the prior alone); h(0) = 2 theta / (2 + 2) (gap and current run both reached 0).
    const f = new IdleHazardForecaster({ ...LEGACY, historyMinutes: 6 });
    const theta = 2.5 / 7;
    const u = arrival(f, [1, 0, 1, 0, 0, 0], 2);
    expect(u[0]).toBeCloseTo(theta, 12);
    // Step 1: a first arrival at step 1, or one at step 0 followed by a gap of length 0.
    expect(u[1]).toBeCloseTo((1 - theta) * theta + theta * (theta / 2), 12);
  });

  it('gives a function idle for a whole day an arrival probability of 0.5 / 1441 a minute', () => {
    // No gap, and the current run has not reached 1,440 minutes before now: the prior theta alone
    // (legacy rule; the tail prior gives (0 + theta) / (720 + 1) for its 720 idle minutes at ages >= 720).
    const f = new IdleHazardForecaster(LEGACY);
    const u = arrival(f, new Array<number>(1440).fill(0), 3);
    expect(u[0]).toBeCloseTo(0.5 / 1441, 12);
    const r = f.forecast([win(new Array<number>(1440).fill(0))], 1);
    expect(r.quantile(0, 0, 0.99)).toBe(0);
    expect(arrival(new IdleHazardForecaster(), new Array<number>(1440).fill(0), 1)[0]).toBeCloseTo(0.5 / 1441 / 721, 15);
  });

  it('expects a 10-minute timer at its period and not between', () => {
    // Invoked every 10th minute, the last one just now: 29 complete gaps of 9 minutes.
    const counts = Array.from({ length: 300 }, (_, i) => (i % 10 === 9 ? 1 : 0));
    const f = new IdleHazardForecaster(LEGACY);
    const u = arrival(f, counts, 12);
    // h(9) = (29 + 2 theta) / 31 with theta = 30.5 / 301; between, h = 2 theta / 31.
    const theta = 30.5 / 301;
    for (let s = 0; s < 9; s++) expect(u[s]).toBeCloseTo((1 - (2 * theta) / 31) ** s * ((2 * theta) / 31), 3);
    expect(u[9]).toBeCloseTo((1 - (2 * theta) / 31) ** 9 * ((29 + 2 * theta) / 31), 3);
    expect(u[9]).toBeGreaterThan(0.85);
    const r = f.forecast([win(counts)], 12);
    expect(r.quantile(0, 9, 0.9)).toBe(1);
    expect(r.quantile(0, 4, 0.9)).toBe(0);
  });

  it('draws the count given an arrival from the latest non-zero counts', () => {
    // Busy every minute with counts 2 and 6 alternating: u ~ 1, quantiles from {2, 6}.
    const counts = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 2 : 6));
    const r = new IdleHazardForecaster(LEGACY).forecast([win(counts)], 1);
    expect(r.quantile(0, 0, 0.25)).toBe(2);
    expect(r.quantile(0, 0, 0.9)).toBe(6);
    expect(r.cdf(0, 0, 1)).toBeCloseTo(1 - (1 - r.cdf(0, 0, 0)), 12);
    expect(r.cdf(0, 0, 6)).toBeCloseTo(1, 12);
  });

  it('reads only the last contextMinutes of a longer window', () => {
    const short = new IdleHazardForecaster({ ...LEGACY, contextMinutes: 50 });
    const blipLongAgo = new Array<number>(200).fill(0);
    blipLongAgo[10] = 5;
    expect(arrival(short, blipLongAgo, 2)).toEqual(arrival(short, new Array<number>(50).fill(0), 2));
    // The whole window shows 189 idle minutes after the blip: theta = 1.5 / 201, below 50 minutes' 0.5 / 51.
    expect(arrival(new IdleHazardForecaster(LEGACY), blipLongAgo, 1)[0]).toBeCloseTo(1.5 / 201, 12);
    expect(arrival(short, blipLongAgo, 1)[0]).toBeCloseTo(0.5 / 51, 12);
    expect(new IdleHazardForecaster().contextMinutes).toBe(DEFAULT_HAZARD_CONTEXT_MINUTES);
  });

  it('centres the prior on the pooled tail hazard: hand-computed for a six-minute window', () => {
    // [1, 0, 1, 0, 0, 0]: theta = 2.5 / 7; one complete gap of 1 (atLeast = [1, 1, 0, ...], exposure = [2, 1, 0, ...]); age 3.
    // h(3): no gap reached 3, so h = H(3), m = 1: (atLeast[1] + theta) / (exposure[1] + (3 - 1) + 1) = (1 + theta) / 4.
    // h(4) = H(4), m = 2: (0 + theta) / (0 + 1 + 1) = theta / 2.
    // h(0) (a renewal's gap of 0; the current gap is not 0 old, so no continuation prior): d_0 = 0, n_0 = 1 + 1 (the censored current gap),
    // H(0) = (1 + theta) / (2 + 3 + 1), h(0) = 8 H(0) / (2 + 8).
    const f = new IdleHazardForecaster({ historyMinutes: 6 });
    const theta = 2.5 / 7;
    const h3 = (1 + theta) / 4;
    const h4 = theta / 2;
    const h0 = (8 * ((1 + theta) / 6)) / 10;
    const u = arrival(f, [1, 0, 1, 0, 0, 0], 2);
    expect(u[0]).toBeCloseTo(h3, 12);
    expect(u[1]).toBeCloseTo((1 - h3) * h4 + h3 * h0, 12);
  });

  it('gives an hour-old gap of a function busy before it a falling arrival probability', () => {
    // Invoked every minute for 300 minutes, then idle for 60 and 120: no gap reached that age (n_k = 0), so h = its prior.
    // The legacy prior keeps u at theta = 300.5 / 421 = 0.71 however long the gap; the tail prior falls with the gap's
    // age: m = age / 2, e_m = x_m = 0 (every complete gap is 0 long), H = (0 + theta) / (0 + (age - m) + 1).
    const busyThenIdle = (idle: number) => [...new Array<number>(300).fill(1), ...new Array<number>(idle).fill(0)];
    const f = new IdleHazardForecaster();
    const u60 = arrival(f, busyThenIdle(60), 1)[0];
    const u120 = arrival(f, busyThenIdle(120), 1)[0];
    expect(u60).toBeCloseTo(300.5 / 361 / 31, 12);
    expect(u120).toBeCloseTo(300.5 / 421 / 61, 12);
    expect(arrival(new IdleHazardForecaster(LEGACY), busyThenIdle(120), 1)[0]).toBeCloseTo(300.5 / 421, 12);
  });

  it('continues a burst with the continuation prior of its count: an isolated minute of 80 invocations', () => {
    // One earlier invocation, 36 idle minutes, then 80 invocations in the last minute: age 0, d_0 = 0, n_0 = 1 complete gap.
    // h(0) = (0 + 1 x 0.94) / (1 + 1) = 0.47 (its own gaps alone gave about 0.2%); a last count of 1 gets 0.64 / 2.
    const counts = new Array<number>(48).fill(0);
    counts[10] = 3;
    counts[47] = 80;
    const f = new IdleHazardForecaster();
    expect(DEFAULT_CONTINUATION_PRIOR).toEqual([
      [1, 0.64],
      [2, 0.94],
    ]);
    expect(arrival(f, counts, 1)[0]).toBeCloseTo(0.47, 12);
    expect(arrival(f, [...counts.slice(0, 47), 1], 1)[0]).toBeCloseTo(0.32, 12);
    // No pairs of consecutive non-zero minutes: the count after it is 80 (4 copies), the next steps draw from {3, 80}.
    const r = f.forecast([win(counts)], 2);
    expect(r.quantile(0, 0, 0.5)).toBe(0);
    expect(r.quantile(0, 0, 0.9)).toBe(80);
    expect(r.cdf(0, 0, 79)).toBeCloseTo(0.53, 12);
    expect(r.cdf(0, 0, 80)).toBeCloseTo(1, 12);
    expect(r.cdf(0, 1, 3)).toBeGreaterThan(r.cdf(0, 1, 2));
  });

  it('draws the next count after a non-zero minute around it: hand-computed', () => {
    // [2, 5, 0, 4, 6]: gaps of 0, 1, 0 (d_0 = 2, n_0 = 3); last count 6, so pi = 0.94 and h(0) = (2 + 0.94) / (3 + 1) = 0.735.
    // Counts given an arrival: 4 copies of 6, and 6 + (6 - 4), 6 + (5 - 2) = [6, 6, 6, 6, 8, 9].
    const f = new IdleHazardForecaster({ historyMinutes: 5 });
    const r = f.forecast([win([2, 5, 0, 4, 6])], 1);
    const u = 0.735;
    expect(1 - r.cdf(0, 0, 0)).toBeCloseTo(u, 12);
    // q = 0.5: (0.5 - 0.265) / 0.735 = 0.32 of 6 samples -> the 2nd (6); q = 0.9: 0.864 -> the 6th (9).
    expect(r.quantile(0, 0, 0.5)).toBe(6);
    expect(r.quantile(0, 0, 0.9)).toBe(9);
    expect(r.quantile(0, 0, 0.8)).toBe(8);
    expect(r.cdf(0, 0, 7)).toBeCloseTo(1 - u + (u * 4) / 6, 12);
    // Without the rule: the latest non-zero counts {2, 4, 5, 6}.
    const marginal = new IdleHazardForecaster({ historyMinutes: 5, conditionOnLastCount: false }).forecast([win([2, 5, 0, 4, 6])], 1);
    expect(marginal.quantile(0, 0, 0.9)).toBe(6);
  });

  it('has quantiles that invert its distribution function', () => {
    const g = new SeededRng(7);
    const windows = Array.from({ length: 40 }, () => win(Array.from({ length: 120 }, () => (g.next() < 0.2 ? Math.floor(g.next() * 5) : 0))));
    const r = new IdleHazardForecaster().forecast(windows, 4);
    for (let w = 0; w < windows.length; w++) {
      for (let s = 0; s < 4; s++) {
        for (const q of [0.1, 0.5, 0.8, 0.9, 0.99]) {
          const k = r.quantile(w, s, q);
          expect(r.cdf(w, s, k)).toBeGreaterThanOrEqual(q - 1e-12);
          if (k > 0) expect(r.cdf(w, s, k - 1)).toBeLessThan(q);
        }
      }
    }
  });

  it('forecasts a window in a batch exactly as on its own (shared buffers carry nothing over)', () => {
    const g = new SeededRng(3);
    const windows = Array.from({ length: 12 }, (_, i) => win(Array.from({ length: 60 + 40 * i }, () => (g.next() < 0.3 ? 1 + Math.floor(g.next() * 3) : 0))));
    const f = new IdleHazardForecaster();
    const batch = f.forecast(windows.slice().reverse(), 3);
    windows.forEach((w, i) => {
      const alone = f.forecast([w], 3);
      for (let s = 0; s < 3; s++) {
        expect(batch.cdf(windows.length - 1 - i, s, 0)).toBe(alone.cdf(0, s, 0));
        expect(batch.quantile(windows.length - 1 - i, s, 0.95)).toBe(alone.quantile(0, s, 0.95));
      }
    });
  });

  it('is deterministic: the generator is not read', () => {
    const counts = [0, 1, 0, 0, 3, 0, ...new Array<number>(60).fill(0)];
    const f: Forecaster = new IdleHazardForecaster();
    const a = f.forecast([win(counts)], 3, new SeededRng(1));
    const b = f.forecast([win(counts)], 3, new SeededRng(99));
    expect([0, 1, 2].map((s) => a.cdf(0, s, 0))).toEqual([0, 1, 2].map((s) => b.cdf(0, s, 0)));
  });

  it.each<[string, IdleHazardOptions, string]>([
    ['a zero prior', { priorGaps: 0 }, 'priorGaps must be a finite number > 0, got 0'],
    ['a negative tail prior', { tailPriorMinutes: -1 }, 'tailPriorMinutes must be a finite number >= 0, got -1'],
    ['a zero continuation strength', { continuationGaps: 0 }, 'continuationGaps must be a finite number > 0, got 0'],
    ['unsorted continuation pairs', { continuation: [[2, 0.9], [1, 0.5]] }, 'continuation pair 1 [1, 0.5]'],
    ['a continuation probability above 1', { continuation: [[1, 1.5]] }, 'continuation pair 0 [1, 1.5]'],
    ['no persistence samples', { persistenceSamples: 0 }, 'persistenceSamples must be an integer >= 1, got 0'],
    ['a fractional context', { contextMinutes: 2.5 }, 'contextMinutes must be an integer >= 1, got 2.5'],
    ['a context shorter than the history', { contextMinutes: 10, historyMinutes: 20 }, 'contextMinutes (10) must be at least historyMinutes (20)'],
  ])('rejects %s', (_name, options, message) => {
    expect(() => new IdleHazardForecaster(options)).toThrow(message);
  });

  it.each<[string, ForecastWindow[], number, string]>([
    ['a horizon of 0', [win(new Array<number>(48).fill(0))], 0, 'horizon must be an integer >= 1, got 0'],
    ['a short window', [win(new Array<number>(47).fill(0))], 1, 'window 0 holds 47 minutes, needs at least 48'],
    ['a negative count', [win([...new Array<number>(47).fill(0), -1])], 1, 'count -1 at window minute 47'],
  ])('rejects %s', (_name, windows, horizon, message) => {
    const f: Forecaster = new IdleHazardForecaster();
    expect(() => f.forecast(windows, horizon, rng)).toThrow(message);
  });
});

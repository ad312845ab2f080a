import { SeededRng } from '../../src/core/rng';
import type { Forecaster, ForecastWindow } from '../../src/forecast/forecast-types';
import { DEFAULT_HAZARD_CONTEXT_MINUTES, IdleHazardForecaster, type IdleHazardOptions } from '../../src/forecast/idle-hazard';

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
    const f = new IdleHazardForecaster({ historyMinutes: 6 });
    const theta = 2.5 / 7;
    const u = arrival(f, [1, 0, 1, 0, 0, 0], 2);
    expect(u[0]).toBeCloseTo(theta, 12);
    // Step 1: a first arrival at step 1, or one at step 0 followed by a gap of length 0.
    expect(u[1]).toBeCloseTo((1 - theta) * theta + theta * (theta / 2), 12);
  });

  it('gives a function idle for a whole day an arrival probability of 0.5 / 1441 a minute', () => {
    // No gap, and the current run has not reached 1,440 minutes before now: the prior theta alone.
    const f = new IdleHazardForecaster();
    const u = arrival(f, new Array<number>(1440).fill(0), 3);
    expect(u[0]).toBeCloseTo(0.5 / 1441, 12);
    const r = f.forecast([win(new Array<number>(1440).fill(0))], 1);
    expect(r.quantile(0, 0, 0.99)).toBe(0);
  });

  it('expects a 10-minute timer at its period and not between', () => {
    // Invoked every 10th minute, the last one just now: 29 complete gaps of 9 minutes.
    const counts = Array.from({ length: 300 }, (_, i) => (i % 10 === 9 ? 1 : 0));
    const f = new IdleHazardForecaster();
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
    const r = new IdleHazardForecaster().forecast([win(counts)], 1);
    expect(r.quantile(0, 0, 0.25)).toBe(2);
    expect(r.quantile(0, 0, 0.9)).toBe(6);
    expect(r.cdf(0, 0, 1)).toBeCloseTo(1 - (1 - r.cdf(0, 0, 0)), 12);
    expect(r.cdf(0, 0, 6)).toBeCloseTo(1, 12);
  });

  it('reads only the last contextMinutes of a longer window', () => {
    const short = new IdleHazardForecaster({ contextMinutes: 50 });
    const blipLongAgo = new Array<number>(200).fill(0);
    blipLongAgo[10] = 5;
    expect(arrival(short, blipLongAgo, 2)).toEqual(arrival(short, new Array<number>(50).fill(0), 2));
    // The whole window shows 189 idle minutes after the blip: theta = 1.5 / 201, below 50 minutes' 0.5 / 51.
    expect(arrival(new IdleHazardForecaster(), blipLongAgo, 1)[0]).toBeCloseTo(1.5 / 201, 12);
    expect(arrival(short, blipLongAgo, 1)[0]).toBeCloseTo(0.5 / 51, 12);
    expect(new IdleHazardForecaster().contextMinutes).toBe(DEFAULT_HAZARD_CONTEXT_MINUTES);
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

import { SeededRng } from '../../src/core/rng';
import { AdaptiveAverageForecaster, type AdaptiveAverageOptions } from '../../src/forecast/adaptive-average';
import type { ForecastWindow, Forecaster } from '../../src/forecast/forecast-types';
import { FakeForecaster } from '../support/fake-forecasters';

const win = (counts: readonly number[], endMinute = 100): ForecastWindow => ({ counts: Float64Array.from(counts), endMinute });
const constant = (name: string, value: number): FakeForecaster => new FakeForecaster(name, 48, () => value);
const fives = new Array<number>(60).fill(5);
/** Weight of the expert whose summed loss is twice the mean of two (the other's is 0), at eta 2: e^-4 / (1 + e^-4). */
const OFF = Math.exp(-4) / (1 + Math.exp(-4));

describe('AdaptiveAverageForecaster', () => {
  it('weights each expert by exp(-eta x its loss over the mean loss) on the window\'s last minutes: closed form', () => {
    // On a series of 5s the first expert (always 5) loses 0 and the second (always 50) loses S; the mean is S / 2.
    const f = new AdaptiveAverageForecaster('v', [constant('good', 5), constant('bad', 50)], { lookbackMinutes: 10, eta: 2 });
    const r = f.forecast([win(fives)], 3, new SeededRng(1));
    for (const q of [0.5, 0.9, 0.99]) expect(r.quantile(0, 0, q)).toBeCloseTo(5 + 45 * OFF, 10);
    expect(r.quantile(0, 2, 0.9)).toBeCloseTo(5 + 45 * OFF, 10);
    expect(r.point(0, 0)).toBeCloseTo(5 + 45 * OFF, 10);
    expect(r.cdf(0, 0, 5)).toBe(0);
    expect(r.cdf(0, 0, 6)).toBeGreaterThan(0.99);
    expect(r.cdf(0, 0, -1)).toBe(0);
  });

  it('averages the experts equally at eta 0', () => {
    const f = new AdaptiveAverageForecaster('v', [constant('good', 5), constant('bad', 50)], { lookbackMinutes: 10, eta: 0 });
    expect(f.forecast([win(fives)], 1, new SeededRng(1)).quantile(0, 0, 0.9)).toBeCloseTo(27.5, 12);
  });

  it('keeps the first expert\'s tail (levels from 0.95) when the tail is not learnt, never below the band under it', () => {
    const f = new AdaptiveAverageForecaster('v', [constant('bad', 50), constant('good', 5)], { lookbackMinutes: 10, eta: 2, adaptTail: false });
    const r = f.forecast([win(fives)], 1, new SeededRng(1));
    expect(r.quantile(0, 0, 0.9)).toBeCloseTo(5 + 45 * OFF, 10);
    expect(r.quantile(0, 0, 0.99)).toBe(50);
    // The first expert's tail below the learnt band's value at 0.95 is raised to it.
    const g = new AdaptiveAverageForecaster('v', [constant('good', 5), constant('bad', 50)], { lookbackMinutes: 10, eta: 0, adaptTail: false });
    expect(g.forecast([win(fives)], 1, new SeededRng(1)).quantile(0, 0, 0.99)).toBeCloseTo(27.5, 12);
  });

  it('is non-decreasing in q across the band edges', () => {
    // Two experts of different slopes on a noisy series: every band gets other weights.
    const a = new FakeForecaster('a', 48, (c, _s, q) => c[c.length - 1] + 10 * (q ?? 0.5));
    const b = new FakeForecaster('b', 48, (_c, _s, q) => 30 * (q ?? 0.5) ** 4);
    const counts = Array.from({ length: 80 }, (_, i) => (i * 7) % 13);
    const r = new AdaptiveAverageForecaster('v', [a, b], { lookbackMinutes: 20, eta: 3 }).forecast([win(counts)], 1, new SeededRng(1));
    let previous = -Infinity;
    for (let k = 1; k < 1000; k++) {
      const v = r.quantile(0, 0, k / 1000);
      expect(v).toBeGreaterThanOrEqual(previous);
      previous = v;
    }
  });

  it('replays each window\'s last L minutes one step ahead from the minutes before each of them only', () => {
    const a = constant('a', 1);
    const counts = Array.from({ length: 52 }, (_, i) => i);
    new AdaptiveAverageForecaster('v', [a, constant('b', 2)], { lookbackMinutes: 3, eta: 1 }).forecast([win(counts, 500)], 4, new SeededRng(1));
    const [current, replay] = a.calls;
    expect(current.endMinutes).toEqual([500]);
    expect(current.horizon).toBe(4);
    expect(replay.endMinutes).toEqual([499, 498, 497]);
    expect(replay.horizon).toBe(1);
    expect(replay.counts.map((c) => c.length)).toEqual([51, 50, 49]);
    expect(replay.counts[2]).toEqual(counts.slice(0, 49));
  });

  it('gives the first expert alone to windows too quiet or too short to replay', () => {
    const f = new AdaptiveAverageForecaster('v', [constant('a', 7), constant('b', 50)], { lookbackMinutes: 10, eta: 0, minInvokedMinutes: 2 });
    const quiet = [...new Array<number>(59).fill(0), 3];
    const short = new Array<number>(50).fill(5);
    const r = f.forecast([win(quiet), win(short), win(fives)], 1, new SeededRng(1));
    expect(r.quantile(0, 0, 0.9)).toBe(7);
    expect(r.quantile(1, 0, 0.9)).toBe(7);
    expect(r.quantile(2, 0, 0.9)).toBeCloseTo(28.5, 12);
  });

  it('needs the longest history and reads the longest context of its experts', () => {
    const f = new AdaptiveAverageForecaster('v', [constant('a', 1), new FakeForecaster('b', 60, () => 1, 1440)], { lookbackMinutes: 5, eta: 1 });
    expect(f.historyMinutes).toBe(60);
    expect(f.contextMinutes).toBe(1440);
  });

  const bad: [string, readonly Forecaster[], AdaptiveAverageOptions, RegExp][] = [
    ['no experts', [], { lookbackMinutes: 5, eta: 1 }, /at least one expert/],
    ['lookback 0', [constant('a', 1)], { lookbackMinutes: 0, eta: 1 }, /lookbackMinutes must be an integer >= 1, got 0/],
    ['fractional lookback', [constant('a', 1)], { lookbackMinutes: 2.5, eta: 1 }, /lookbackMinutes .* got 2.5/],
    ['negative eta', [constant('a', 1)], { lookbackMinutes: 5, eta: -1 }, /eta must be a finite number >= 0, got -1/],
    ['infinite eta', [constant('a', 1)], { lookbackMinutes: 5, eta: Infinity }, /eta .* got Infinity/],
    ['activity over 48', [constant('a', 1)], { lookbackMinutes: 5, eta: 1, minInvokedMinutes: 49 }, /minInvokedMinutes must be an integer in 0..48, got 49/],
  ];
  it.each(bad)('rejects %s, naming the value', (_label, experts, options, message) => {
    expect(() => new AdaptiveAverageForecaster('v', experts, options)).toThrow(message);
  });

  it('rejects a quantile level outside (0, 1)', () => {
    const r = new AdaptiveAverageForecaster('v', [constant('a', 1), constant('b', 2)], { lookbackMinutes: 5, eta: 1 }).forecast([win(fives)], 1, new SeededRng(1));
    expect(() => r.quantile(0, 0, 1)).toThrow(/q must be in \(0, 1\), got 1/);
    expect(() => r.quantile(3, 0, 0.5)).toThrow(/window must be an integer in \[0, 1\), got 3/);
  });
});

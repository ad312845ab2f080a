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

  it('keeps the first expert\'s tail (levels from 0.95) when the tail is not learnt, and caps the bands below at its value at 0.95', () => {
    const f = new AdaptiveAverageForecaster('v', [constant('bad', 50), constant('good', 5)], { lookbackMinutes: 10, eta: 2, adaptTail: false });
    const r = f.forecast([win(fives)], 1, new SeededRng(1));
    expect(r.quantile(0, 0, 0.9)).toBeCloseTo(5 + 45 * OFF, 10);
    expect(r.quantile(0, 0, 0.99)).toBe(50);
    // The learnt band's 27.5 (equal weights) is above the first expert's 5 at 0.95: it is lowered to 5, and the tail stays 5.
    const g = new AdaptiveAverageForecaster('v', [constant('good', 5), constant('bad', 50)], { lookbackMinutes: 10, eta: 0, adaptTail: false });
    const s = g.forecast([win(fives)], 1, new SeededRng(1));
    expect(s.quantile(0, 0, 0.99)).toBe(5);
    expect(s.quantile(0, 0, 0.9)).toBe(5);
    expect(s.quantile(0, 0, 0.5)).toBe(5);
  });

  it.each([true, false])('is non-decreasing in q across the band edges (tail learnt: %s)', (adaptTail) => {
    // Two experts of different slopes on a noisy series: every band gets other weights.
    const a = new FakeForecaster('a', 48, (c, _s, q) => c[c.length - 1] + 10 * (q ?? 0.5));
    const b = new FakeForecaster('b', 48, (_c, _s, q) => 30 * (q ?? 0.5) ** 4);
    const counts = Array.from({ length: 80 }, (_, i) => (i * 7) % 13);
    const r = new AdaptiveAverageForecaster('v', [a, b], { lookbackMinutes: 20, eta: 3, adaptTail }).forecast([win(counts)], 1, new SeededRng(1));
    let previous = -Infinity;
    let steps = 0;
    for (let k = 1; k < 1000; k++) {
      const v = r.quantile(0, 0, k / 1000);
      expect(v).toBeGreaterThanOrEqual(previous);
      if (v > previous) steps++;
      previous = v;
    }
    expect(steps).toBeGreaterThan(100);
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

  it('asks the other experts about the combined windows only', () => {
    const b = constant('b', 50);
    const quiet = [...new Array<number>(59).fill(0), 3];
    new AdaptiveAverageForecaster('v', [constant('a', 7), b], { lookbackMinutes: 10, eta: 0, minInvokedMinutes: 2 }).forecast([win(quiet), win(fives, 300)], 2, new SeededRng(1));
    expect(b.calls[0].endMinutes).toEqual([300]);
    expect(b.calls[1].endMinutes).toEqual([299, 298, 297, 296, 295, 294, 293, 292, 291, 290]);
  });

  /** Two experts whose forecasts follow the window, so their weights change from minute to minute. */
  const following = (): [FakeForecaster, FakeForecaster] => [
    new FakeForecaster('a', 48, (c, _s, q) => c[c.length - 1] * (1 + (q ?? 0.5))),
    new FakeForecaster('b', 48, (c, _s, q) => (c[c.length - 2] + 1) * (q ?? 0.5) * 2),
  ];
  const noisy = Array.from({ length: 90 }, (_, i) => 1 + ((i * 7) % 11));
  const keyed = (end: number, key = 'fn'): ForecastWindow => ({ counts: Float64Array.from(noisy.slice(0, end)), endMinute: 1000 + end, key });

  it('remembers a keyed window\'s forecasts, so the next minute replays nothing and forecasts as a fresh replay would', () => {
    const [a, b] = following();
    const f = new AdaptiveAverageForecaster('v', [a, b], { lookbackMinutes: 12, eta: 2 });
    f.forecast([keyed(80)], 1, new SeededRng(1));
    expect(a.calls.map((c) => c.endMinutes.length)).toEqual([1, 12]);
    const next = f.forecast([keyed(81)], 1, new SeededRng(1));
    // The second call is the current forecast alone: minutes 1069 to 1080 were forecast by the first.
    expect(a.calls.map((c) => c.endMinutes.length)).toEqual([1, 12, 1]);
    expect(b.calls.map((c) => c.endMinutes.length)).toEqual([1, 12, 1]);
    const [a2, b2] = following();
    const fresh = new AdaptiveAverageForecaster('v', [a2, b2], { lookbackMinutes: 12, eta: 2 }).forecast([{ ...keyed(81), key: undefined }], 1, new SeededRng(1));
    for (const q of [0.3, 0.5, 0.8, 0.9, 0.97, 0.99]) expect(next.quantile(0, 0, q)).toBe(fresh.quantile(0, 0, q));
    expect(next.quantile(0, 0, 0.9)).not.toBe(new AdaptiveAverageForecaster('v', following(), { lookbackMinutes: 12, eta: 0 }).forecast([keyed(81)], 1, new SeededRng(1)).quantile(0, 0, 0.9));
  });

  it('uses the forecasts of earlier windows of the same key within one call', () => {
    const [a] = following();
    new AdaptiveAverageForecaster('v', [a, following()[1]], { lookbackMinutes: 5, eta: 1 }).forecast([keyed(70), keyed(71)], 1, new SeededRng(1));
    // Minute 1070 of the second window is the first window's own forecast; minutes 1066 to 1069 are its replays.
    expect(a.calls[1].endMinutes).toEqual([1069, 1068, 1067, 1066, 1065]);
  });

  it('replays again when a key\'s counts differ from the ones its remembered forecasts read', () => {
    const [a, b] = following();
    const f = new AdaptiveAverageForecaster('v', [a, b], { lookbackMinutes: 4, eta: 1 });
    f.forecast([keyed(80)], 1, new SeededRng(1));
    const changed = Float64Array.from(noisy.slice(0, 81));
    changed[60] += 1;
    f.forecast([{ counts: changed, endMinute: 1081, key: 'fn' }, keyed(81, 'other')], 1, new SeededRng(1));
    expect(a.calls[3].endMinutes).toEqual([1080, 1079, 1078, 1077, 1080, 1079, 1078, 1077]);
  });

  it('forgets what it remembered of minutes from the earliest one a call forecasts on (a rerun from an earlier minute)', () => {
    const [a, b] = following();
    const f = new AdaptiveAverageForecaster('v', [a, b], { lookbackMinutes: 4, eta: 1 });
    f.forecast([keyed(80)], 1, new SeededRng(1));
    f.forecast([keyed(81)], 1, new SeededRng(1));
    // Back to minute 1079: 1077 and 1078 are still remembered, 1075 and 1076 are replayed (pruned: more than 4 before 1081).
    f.forecast([keyed(79)], 1, new SeededRng(1));
    expect(a.calls.map((c) => c.endMinutes)).toEqual([[1080], [1079, 1078, 1077, 1076], [1081], [1079], [1076, 1075]]);
    // Minute 1081 again: 1080, remembered from the first run, was forgotten at the rerun from 1079, so it is replayed.
    f.forecast([keyed(81)], 1, new SeededRng(1));
    expect(a.calls.map((c) => c.endMinutes).slice(5)).toEqual([[1081], [1080]]);
  });

  it('replays no more minutes per call than its budget, serving the windows with the fewest to replay first', () => {
    const [a, b] = following();
    const f = new AdaptiveAverageForecaster('v', [a, b], { lookbackMinutes: 6, eta: 2, maxReplaysPerCall: 6 });
    f.forecast([keyed(70)], 1, new SeededRng(1));
    // 'fn' has every minute remembered and goes first; 'new' needs 6, within the budget; 'more' (a tie, later) needs 6 more, past it.
    const r = f.forecast([keyed(71, 'new'), keyed(71, 'more'), keyed(71)], 1, new SeededRng(1));
    expect(a.calls[3].keys.length).toBe(6);
    expect(a.calls[3].endMinutes).toEqual([1070, 1069, 1068, 1067, 1066, 1065]);
    const alone = following()[0].forecast([keyed(71)], 1, new SeededRng(1));
    expect(r.quantile(1, 0, 0.9)).toBe(alone.quantile(0, 0, 0.9));
    const [a2, b2] = following();
    const fresh = new AdaptiveAverageForecaster('v', [a2, b2], { lookbackMinutes: 6, eta: 2 }).forecast([keyed(71)], 1, new SeededRng(1));
    expect(r.quantile(0, 0, 0.9)).toBe(fresh.quantile(0, 0, 0.9));
    expect(r.quantile(2, 0, 0.9)).toBe(fresh.quantile(0, 0, 0.9));
    expect(fresh.quantile(0, 0, 0.9)).not.toBe(alone.quantile(0, 0, 0.9));
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
    ['a negative replay budget', [constant('a', 1)], { lookbackMinutes: 5, eta: 1, maxReplaysPerCall: -1 }, /maxReplaysPerCall must be an integer >= 0, got -1/],
    ['a fractional replay budget', [constant('a', 1)], { lookbackMinutes: 5, eta: 1, maxReplaysPerCall: 1.5 }, /maxReplaysPerCall .* got 1.5/],
    ['a NaN replay budget', [constant('a', 1)], { lookbackMinutes: 5, eta: 1, maxReplaysPerCall: Number.NaN }, /maxReplaysPerCall .* got NaN/],
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

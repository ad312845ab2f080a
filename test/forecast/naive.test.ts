import { SeededRng } from '../../src/core/rng';
import type { CountForecast, Forecaster, ForecastWindow } from '../../src/forecast/forecast-types';
import {
  DEFAULT_MOVING_AVERAGE_MINUTES,
  DEFAULT_RESIDUAL_MINUTES,
  lastValueForecaster,
  MINUTES_PER_DAY,
  movingAverageForecaster,
  NAIVE_FORECASTER_NAMES,
  naiveForecasters,
  previousDayForecaster,
} from '../../src/forecast/naive';

const rng = new SeededRng(1);

function window(counts: readonly number[], endMinute = 600): ForecastWindow {
  return { counts: Float64Array.from(counts), endMinute };
}

function run(fc: Forecaster, counts: readonly number[], horizon = 1): CountForecast {
  return fc.forecast([window(counts)], horizon, rng);
}

/** A previous-day window (R = 2): zero except the minutes the rule reads. */
function dayWindow(): number[] {
  const c = new Array<number>(MINUTES_PER_DAY + 2).fill(0);
  // Residual minutes 1440, 1441 against 0, 1: 5 - 3 = 2, 4 - 1 = 3. Steps 0, 1, 2 read minutes 2, 3, 4.
  [c[0], c[1], c[2], c[3], c[1440], c[1441]] = [3, 1, 7, 2, 5, 4];
  return c;
}

describe('naive forecasters', () => {
  it('last-value cdf is the share of its residuals r with max(0, point + r) <= k', () => {
    // 0, 1, 0, 1, ..., 0 (49 minutes): residuals +1 and -1, 24 each; point 0.
    const f = run(lastValueForecaster(), Array.from({ length: 49 }, (_, i) => i % 2));
    expect(f.point(0, 0)).toBe(0);
    expect([-1, 0, 0.5, 1, 5].map((k) => f.cdf(0, 0, k))).toEqual([0, 0.5, 0.5, 1, 1]);
  });

  it('are last-value, moving-average (K = 12) and previous-day, with R = 48 minutes of residuals by default', () => {
    const all = naiveForecasters();
    expect(all.map((f) => f.name)).toEqual([...NAIVE_FORECASTER_NAMES]);
    expect(all.map((f) => f.historyMinutes)).toEqual([48 + 1, 48 + 12, 48 + 1440]);
    expect([DEFAULT_RESIDUAL_MINUTES, DEFAULT_MOVING_AVERAGE_MINUTES, MINUTES_PER_DAY]).toEqual([48, 12, 1440]);
    expect(naiveForecasters({ residualMinutes: 10 }).map((f) => f.historyMinutes)).toEqual([11, 22, 1450]);
  });

  it('last-value: the last count, plus the type-7 quantiles of the last R one-step residuals', () => {
    const fc = lastValueForecaster({ residualMinutes: 4 });
    expect(fc.historyMinutes).toBe(5);
    // Residuals 3-1, 2-3, 5-2, 4-5 sorted: [-1, -1, 2, 3]; point 4.
    const f = run(fc, [1, 3, 2, 5, 4], 3);
    expect([f.windows, f.horizon]).toEqual([1, 3]);
    for (let s = 0; s < 3; s++) {
      expect(f.point(0, s)).toBe(4);
      expect(f.quantile(0, s, 0.05)).toBeCloseTo(3, 12); // 4 + (-1)
      expect(f.quantile(0, s, 0.5)).toBeCloseTo(4.5, 12); // 4 + (-1 + 3 * 0.5)
      expect(f.quantile(0, s, 0.9)).toBeCloseTo(6.7, 12); // 4 + (2 + 0.7)
      expect(f.quantile(0, s, 0.99)).toBeCloseTo(6.97, 12); // 4 + (2 + 0.97)
    }
  });

  it('reads only the last historyMinutes of a longer window', () => {
    const fc = lastValueForecaster({ residualMinutes: 4 });
    const f = run(fc, [100, 0, 1, 3, 2, 5, 4]);
    expect(f.point(0, 0)).toBe(4);
    expect(f.quantile(0, 0, 0.5)).toBeCloseTo(4.5, 12);
  });

  it('clamps quantiles at zero', () => {
    // Residuals [-5, 0, 0, 0], point 0: q0.05 = 0 + (-5 + 5 * 0.15) = -4.25 -> 0; q0.99 = 0.
    const f = run(lastValueForecaster({ residualMinutes: 4 }), [5, 0, 0, 0, 0]);
    expect(f.quantile(0, 0, 0.05)).toBe(0);
    expect(f.quantile(0, 0, 0.99)).toBe(0);
  });

  it('moving-average: the mean of the last K counts, residuals against the K minutes before each', () => {
    const fc = movingAverageForecaster({ minutes: 2, residualMinutes: 3 });
    expect([fc.name, fc.historyMinutes]).toEqual(['moving-average-2', 5]);
    // Residuals: 6 - mean(2, 4) = 3, 3 - mean(4, 6) = -2, 1 - mean(6, 3) = -3.5; point mean(3, 1) = 2.
    const f = run(fc, [2, 4, 6, 3, 1], 2);
    expect(f.point(0, 0)).toBe(2);
    expect(f.point(0, 1)).toBe(2);
    expect(f.quantile(0, 1, 0.5)).toBe(0); // 2 + (-2)
    expect(f.quantile(0, 0, 0.9)).toBeCloseTo(4, 12); // 2 + (-2 + 5 * 0.8)
    expect(f.quantile(0, 0, 0.05)).toBe(0); // 2 + (-3.5 + 1.5 * 0.1) < 0
  });

  it('moving-average is named moving-average with the default K', () => {
    expect(movingAverageForecaster().name).toBe('moving-average');
    expect(movingAverageForecaster({ minutes: 12 }).name).toBe('moving-average');
  });

  it('previous-day: step s is the count 1440 minutes before it, with residuals against the previous day', () => {
    const fc = previousDayForecaster({ residualMinutes: 2 });
    expect(fc.historyMinutes).toBe(1442);
    const f = run(fc, dayWindow(), 3);
    expect([0, 1, 2].map((s) => f.point(0, s))).toEqual([7, 2, 0]);
    // Residuals [2, 3]: median 2.5, q0.05 = 2.05.
    expect(f.quantile(0, 0, 0.5)).toBeCloseTo(9.5, 12);
    expect(f.quantile(0, 1, 0.05)).toBeCloseTo(4.05, 12);
    expect(f.quantile(0, 2, 0.5)).toBeCloseTo(2.5, 12);
  });

  it('previous-day wraps steps past a day to the same time of day on the window’s last full day', () => {
    const f = run(previousDayForecaster({ residualMinutes: 2 }), dayWindow(), MINUTES_PER_DAY + 2);
    expect(f.point(0, MINUTES_PER_DAY)).toBe(7);
    expect(f.point(0, MINUTES_PER_DAY + 1)).toBe(2);
  });

  it('forecasts a batch: one forecast per window, independent of the others', () => {
    const fc = lastValueForecaster({ residualMinutes: 2 });
    const f = fc.forecast([window([1, 2, 3]), window([0, 10, 0, 7])], 2, rng);
    expect([f.windows, f.horizon]).toEqual([2, 2]);
    expect([f.point(0, 1), f.point(1, 1)]).toEqual([3, 7]);
    // Window 0 residuals [1, 1]; window 1 residuals [-10, 7].
    expect(f.quantile(0, 0, 0.5)).toBe(4);
    expect(f.quantile(1, 0, 0.5)).toBeCloseTo(7 - 1.5, 12);
  });

  it('ignores the rng: the same windows give the same forecast', () => {
    const fc = movingAverageForecaster({ minutes: 3, residualMinutes: 5 });
    const counts = [4, 0, 9, 2, 2, 8, 1, 0, 3];
    const a = fc.forecast([window(counts)], 1, new SeededRng(1));
    const b = fc.forecast([window(counts)], 1, new SeededRng(2));
    expect([a.point(0, 0), a.quantile(0, 0, 0.9)]).toEqual([b.point(0, 0), b.quantile(0, 0, 0.9)]);
  });

  it.each([
    ['last-value', lastValueForecaster({ residualMinutes: 4 }), 4, 'last-value: window 0 holds 4 minutes, needs at least 5'],
    ['moving-average', movingAverageForecaster(), 59, 'moving-average: window 0 holds 59 minutes, needs at least 60'],
    ['previous-day', previousDayForecaster(), 1440, 'previous-day: window 0 holds 1440 minutes, needs at least 1488'],
    ['an empty window', lastValueForecaster(), 0, 'last-value: window 0 holds 0 minutes, needs at least 49'],
  ])('%s rejects a window that is too short with a RangeError', (_, fc, length, message) => {
    expect(() => fc.forecast([window(new Array<number>(length).fill(1))], 1, rng)).toThrow(new RangeError(message));
  });

  it('names the short window in a batch', () => {
    const fc = lastValueForecaster({ residualMinutes: 1 });
    expect(() => fc.forecast([window([1, 2]), window([1])], 1, rng)).toThrow(new RangeError('last-value: window 1 holds 1 minutes, needs at least 2'));
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects horizon %d with a RangeError', (horizon) => {
    expect(() => lastValueForecaster({ residualMinutes: 1 }).forecast([window([1, 2])], horizon, rng)).toThrow(
      new RangeError(`last-value: horizon must be an integer >= 1, got ${horizon}`),
    );
  });

  it.each([
    ['residualMinutes 0', () => lastValueForecaster({ residualMinutes: 0 }), 'residualMinutes must be an integer >= 1, got 0'],
    ['residualMinutes 2.5', () => previousDayForecaster({ residualMinutes: 2.5 }), 'residualMinutes must be an integer >= 1, got 2.5'],
    ['minutes 0', () => movingAverageForecaster({ minutes: 0 }), 'minutes must be an integer >= 1, got 0'],
    ['minutes NaN', () => movingAverageForecaster({ minutes: Number.NaN }), 'minutes must be an integer >= 1, got NaN'],
  ])('rejects %s with a RangeError', (_, make, message) => {
    expect(make).toThrow(new RangeError(message));
  });

  it.each([
    ['q = 0', (f: CountForecast) => f.quantile(0, 0, 0), 'quantile: q must be in (0, 1), got 0'],
    ['q = 1', (f: CountForecast) => f.quantile(0, 0, 1), 'quantile: q must be in (0, 1), got 1'],
    ['q = NaN', (f: CountForecast) => f.quantile(0, 0, Number.NaN), 'quantile: q must be in (0, 1), got NaN'],
    ['window 1 of 1', (f: CountForecast) => f.point(1, 0), 'window must be an integer in [0, 1), got 1'],
    ['window -1', (f: CountForecast) => f.quantile(-1, 0, 0.5), 'window must be an integer in [0, 1), got -1'],
    ['step 2 of 2', (f: CountForecast) => f.point(0, 2), 'step must be an integer in [0, 2), got 2'],
    ['step 0.5', (f: CountForecast) => f.point(0, 0.5), 'step must be an integer in [0, 2), got 0.5'],
  ])('a forecast rejects %s with a RangeError', (_, read, message) => {
    const f = run(lastValueForecaster({ residualMinutes: 1 }), [1, 2], 2);
    expect(() => read(f)).toThrow(new RangeError(message));
  });
});

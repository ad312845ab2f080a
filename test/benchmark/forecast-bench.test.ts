import {
  DEFAULT_FORECAST_HORIZON,
  forecasterRng,
  HYBRID_HISTOGRAM_NOTE,
  runForecastBench,
  type ForecastBenchInput,
  type ForecastReport,
} from '../../benchmark/forecast-bench';
import type { Rng } from '../../src/core/rng';
import type { CountForecast, Forecaster, ForecastWindow } from '../../src/forecast/forecast-types';
import { lastValueForecaster, movingAverageForecaster, naiveForecasters, previousDayForecaster } from '../../src/forecast/naive';

/** A fake clock that advances 250 ms per reading. */
function steppingClock(): { nowMs(): number } {
  let t = 0;
  return { nowMs: () => (t += 250) };
}

/** Series whose every count says where it is: series[f][i] = 1000 f + i. */
function codedSeries(functions: number, minutes: number): Float64Array[] {
  return Array.from({ length: functions }, (_, f) => Float64Array.from({ length: minutes }, (_, i) => 1000 * f + i));
}

/** Counts 0, 1, 2, ... : last-value is off by one at step 0, by s + 1 at step s. */
function ramp(minutes: number): Uint32Array {
  return Uint32Array.from({ length: minutes }, (_, i) => i);
}

interface Call {
  readonly windows: readonly ForecastWindow[];
  readonly horizon: number;
  readonly firstDraw: number;
}

/** Records a copy of every window it is given and forecasts zeros. */
function spy(name: string, historyMinutes: number, contextMinutes?: number): Forecaster & { readonly calls: Call[] } {
  const calls: Call[] = [];
  return {
    name,
    historyMinutes,
    ...(contextMinutes === undefined ? {} : { contextMinutes }),
    calls,
    forecast(windows: readonly ForecastWindow[], horizon: number, rng: Rng): CountForecast {
      calls.push({ windows: windows.map((w) => ({ counts: Float64Array.from(w.counts), endMinute: w.endMinute })), horizon, firstDraw: rng.next() });
      return { windows: windows.length, horizon, point: () => 0, quantile: () => 0, cdf: (_w: number, _s: number, k: number) => (k >= 0 ? 1 : 0) };
    },
  };
}

function bench(overrides: Partial<ForecastBenchInput>): ForecastReport {
  return runForecastBench({
    source: 'unit',
    series: codedSeries(3, 100),
    originMinute: 0,
    testMinutes: { start: 60, end: 100 },
    forecasters: [],
    seed: 9,
    clock: steppingClock(),
    ...overrides,
  });
}

describe('runForecastBench', () => {
  it('never shows a forecaster minute t or later: each window is exactly minutes [t - history, t) of its function', () => {
    const functions = 3;
    const origin = 2 * 1440 + 480;
    const s = spy('spy', 10);
    bench({ series: codedSeries(functions, 100), originMinute: origin, testMinutes: { start: 5, end: 40 }, forecasters: [s], horizon: 4 });
    // Minutes 5..9 have fewer than 10 minutes before them: the first call is for t = 10.
    expect(s.calls).toHaveLength(30);
    s.calls.forEach((call, i) => {
      const t = 10 + i;
      expect(call.horizon).toBe(4);
      expect(call.windows).toHaveLength(functions);
      call.windows.forEach((w, f) => {
        expect(w.endMinute).toBe(origin + t);
        const lastIndex = w.counts[w.counts.length - 1] - 1000 * f;
        expect(lastIndex).toBeLessThan(t);
        expect(lastIndex).toBe(t - 1);
        expect(Array.from(w.counts)).toEqual(Array.from({ length: 10 }, (_, k) => 1000 * f + t - 10 + k));
      });
    });
  });

  it('gives a forecaster with contextMinutes windows of min(t, contextMinutes) minutes, still ending at t - 1', () => {
    const s = spy('context', 10, 25);
    bench({ series: codedSeries(2, 60), testMinutes: { start: 0, end: 60 }, forecasters: [s] });
    expect(s.calls).toHaveLength(50);
    s.calls.forEach((call, i) => {
      const t = 10 + i;
      call.windows.forEach((w, f) => {
        expect(Array.from(w.counts)).toEqual(Array.from({ length: Math.min(t, 25) }, (_, k) => 1000 * f + t - Math.min(t, 25) + k));
      });
    });
  });

  it('keeps the no-future rule when several minutes share a call', () => {
    const s = spy('spy', 3);
    bench({ series: codedSeries(2, 30), testMinutes: { start: 0, end: 30 }, forecasters: [s], batchMinutes: 8 });
    // Minutes 3..29 (27 of them) in calls of 8, 8, 8, 3 minutes; windows minute-major, then function.
    expect(s.calls.map((c) => c.windows.length)).toEqual([16, 16, 16, 6]);
    const all = s.calls.flatMap((c) => c.windows);
    all.forEach((w, k) => {
      const t = 3 + Math.floor(k / 2);
      const f = k % 2;
      expect(w.endMinute).toBe(t);
      expect(w.counts[w.counts.length - 1] - 1000 * f).toBe(t - 1);
    });
  });

  it('scores last-value on a ramp in closed form: error 1 at step 0, s + 1 at step s, exact quantiles', () => {
    const n = 40;
    const horizon = 5;
    const report = bench({
      series: [ramp(100), ramp(100)],
      testMinutes: { start: 100 - n, end: 100 },
      forecasters: [lastValueForecaster({ residualMinutes: 1 })],
      horizon,
    });
    const [m] = report.models;
    // Residual +1 everywhere: every quantile of minute t is t - 1 + 1 = t, so step 0 is exact and inside the closed interval.
    // The forecast is a point mass at y: P(Y < y) = 0, P(Y <= y) = 1, so its PIT coverage is |[0, 1] ∩ [0.05, 0.95]| = 0.9.
    expect(m).toMatchObject({ name: 'last-value', mae: 1, rmse: 1, pinball: { q50: 0, q90: 0, q99: 0 }, coverage90Closed: 1 });
    expect(m.coverage90).toBeCloseTo(0.9, 12);
    expect([m.scoredMinutes, m.cells]).toEqual([n, 2 * n]);
    // Step s has n - s cells inside the test range, error s + 1, and quantile t below the outcome t + s.
    expect(m.maeByStep).toEqual([1, 2, 3, 4, 5]);
    const steps = [0, 1, 2, 3, 4];
    const cells = steps.reduce((a, s) => a + 2 * (n - s), 0);
    const mean = (g: (s: number) => number): number => steps.reduce((a, s) => a + 2 * (n - s) * g(s), 0) / cells;
    expect(m.allSteps.cells).toBe(cells);
    expect(m.allSteps.mae).toBeCloseTo(mean((s) => s + 1), 12);
    expect(m.allSteps.rmse).toBeCloseTo(Math.sqrt(mean((s) => (s + 1) ** 2)), 12);
    expect(m.allSteps.pinball.q90).toBeCloseTo(mean((s) => 0.9 * s), 12);
    // Steps s > 0: the outcome t + s is above the point mass, P(Y < y) = P(Y <= y) = 1: outside both intervals.
    expect(m.allSteps.coverage90).toBeCloseTo((0.9 * 2 * n) / cells, 12);
    expect(m.allSteps.coverage90Closed).toBeCloseTo((2 * n) / cells, 12);
  });

  it('scores a calibrated forecast of zero-heavy counts at 0.9 PIT coverage, while the closed interval covers every minute', () => {
    // P(0) = 0.7, P(1) = 0.2, P(2) = 0.1 every minute, and the minutes hold exactly 70 zeros, 20 ones and 10 twos.
    const series = Float64Array.from({ length: 100 }, (_, i) => (i < 70 ? 0 : i < 90 ? 1 : 2));
    const calibrated: Forecaster = {
      name: 'calibrated',
      historyMinutes: 0,
      forecast: (windows, horizon) => ({
        windows: windows.length,
        horizon,
        point: () => 0.4,
        quantile: (_w, _s, q) => (q <= 0.7 ? 0 : q <= 0.9 ? 1 : 2),
        cdf: (_w, _s, k) => (k < 0 ? 0 : k < 1 ? 0.7 : k < 2 ? 0.9 : 1),
      }),
    };
    const [m] = bench({ series: [series], testMinutes: { start: 0, end: 100 }, forecasters: [calibrated], horizon: 1 }).models;
    // PIT: zeros 0.65 / 0.7, ones 1, twos 0.05 / 0.1: (65 + 20 + 5) / 100. Closed: q05 = 0, q95 = 2 covers all.
    expect(m.cells).toBe(100);
    expect(m.coverage90).toBeCloseTo(0.9, 6);
    expect(m.coverage90Closed).toBe(1);
    expect(m.allSteps.coverage90).toBeCloseTo(0.9, 6);
  });

  it('counts only the minutes with enough history and says so in scoredMinutes and cells', () => {
    const report = bench({ testMinutes: { start: 0, end: 100 }, forecasters: [lastValueForecaster(), movingAverageForecaster()] });
    expect(report.models.map((m) => [m.name, m.scoredMinutes, m.cells])).toEqual([
      ['last-value', 100 - 49, 3 * 51],
      ['moving-average', 100 - 60, 3 * 40],
    ]);
  });

  it('reports a forecaster with too little history before every test minute as skipped, and always notes hybrid-histogram', () => {
    const report = bench({ series: codedSeries(2, 1440), testMinutes: { start: 960, end: 1440 }, forecasters: naiveForecasters() });
    expect(report.models.map((m) => m.name)).toEqual(['last-value', 'moving-average']);
    expect(report.skipped).toEqual([
      { name: 'previous-day', reason: 'needs 1488 minutes of history, but the last test minute (1439) has 1439 minutes of trace before it' },
      { name: 'hybrid-histogram', reason: 'no count forecast (it predicts idle times, not invocation counts)' },
    ]);
    expect(bench({ forecasters: [] }).skipped).toEqual([HYBRID_HISTOGRAM_NOTE]);
  });

  it('runs previous-day where the trace holds more than a day before the test minutes', () => {
    // Two identical days: previous-day is exact on day 2.
    const day = Float64Array.from({ length: 1440 }, (_, i) => (i * 7) % 13);
    const twoDays = new Float64Array(2880);
    twoDays.set(day);
    twoDays.set(day, 1440);
    const report = bench({ series: [twoDays], testMinutes: { start: 1440, end: 2880 }, forecasters: [previousDayForecaster()] });
    // Residuals all 0: a point mass at the outcome, inside the closed interval, PIT coverage 0.9.
    expect(report.models[0]).toMatchObject({ name: 'previous-day', scoredMinutes: 2880 - 1488, mae: 0, rmse: 0, coverage90Closed: 1 });
    expect(report.models[0].coverage90).toBeCloseTo(0.9, 12);
    expect(report.skipped).toEqual([HYBRID_HISTOGRAM_NOTE]);
  });

  it('fills the forecast.json contract: trace, seed, horizon, models, skipped', () => {
    const report = bench({
      series: [ramp(100), ramp(100)],
      originMinute: 1440,
      trainMinutes: { start: 0, end: 60 },
      testMinutes: { start: 60, end: 100 },
      forecasters: [lastValueForecaster({ residualMinutes: 1 })],
    });
    expect(Object.keys(report)).toEqual(['trace', 'seed', 'horizon', 'models', 'skipped']);
    // 2 x (60 + ... + 99) = 2 x 40 x 79.5.
    expect(report.trace).toEqual({
      source: 'unit',
      functions: 2,
      minutes: 100,
      originMinute: 1440,
      trainMinutes: { start: 0, end: 60 },
      testMinutes: { start: 60, end: 100 },
      testInvocations: 6360,
    });
    expect([report.seed, report.horizon]).toEqual([9, DEFAULT_FORECAST_HORIZON]);
    expect(Object.keys(report.models[0])).toEqual([
      'name', 'mae', 'rmse', 'pinball', 'coverage90', 'coverage90Closed', 'inferenceMsPerFunction', 'scoredMinutes', 'cells', 'allSteps', 'maeByStep',
    ]);
    expect(report.models[0].maeByStep).toHaveLength(12);
    expect(bench({}).trace.trainMinutes).toBeNull();
  });

  it('times forecast() only: wall ms per window from the clock', () => {
    // Each call reads the clock twice (250 ms apart): 40 calls x 250 ms over 40 x 3 windows.
    const one = bench({ forecasters: [lastValueForecaster()] });
    expect(one.models[0].inferenceMsPerFunction).toBeCloseTo(250 / 3, 12);
    // Batched 10 minutes a call: 4 calls x 250 ms over the same 120 windows.
    const batched = bench({ forecasters: [lastValueForecaster()], batchMinutes: 10 });
    expect(batched.models[0].inferenceMsPerFunction).toBeCloseTo(1000 / 120, 12);
  });

  it('gives the same scores whatever the batch size', () => {
    const withoutTiming = (r: ForecastReport): unknown => ({ ...r, models: r.models.map((m) => ({ ...m, inferenceMsPerFunction: 0 })) });
    const input = { series: codedSeries(4, 100).map((s) => s.map((x, i) => (x * 7 + i * i) % 23)), testMinutes: { start: 30, end: 100 } };
    const a = bench({ ...input, forecasters: naiveForecasters({ residualMinutes: 8 }), batchMinutes: 1 });
    const b = bench({ ...input, forecasters: naiveForecasters({ residualMinutes: 8 }), batchMinutes: 7 });
    expect(JSON.stringify(withoutTiming(b))).toBe(JSON.stringify(withoutTiming(a)));
  });

  it('gives each forecaster a fresh rng seeded from the seed and its name', () => {
    const a = spy('a', 1);
    const b = spy('b', 1);
    bench({ testMinutes: { start: 98, end: 100 }, forecasters: [a, b], seed: 5 });
    // One rng per forecaster for the whole run: its second call continues the first one's stream.
    const expected = forecasterRng(5, 'a');
    expect(a.calls.map((c) => c.firstDraw)).toEqual([expected.next(), expected.next()]);
    expect(b.calls[0].firstDraw).toBe(forecasterRng(5, 'b').next());
    expect(b.calls[0].firstDraw).not.toBe(a.calls[0].firstDraw);
    expect(forecasterRng(6, 'a').next()).not.toBe(a.calls[0].firstDraw);
  });

  it('reports progress before each forecast() call and once at the end', () => {
    const seen: [number, number, string][] = [];
    const onProgress = (done: number, total: number, name: string): void => {
      seen.push([done, total, name]);
    };
    bench({ testMinutes: { start: 95, end: 100 }, forecasters: [lastValueForecaster(), movingAverageForecaster()], batchMinutes: 2, onProgress });
    expect(seen).toEqual([
      [0, 6, 'last-value'], [1, 6, 'last-value'], [2, 6, 'last-value'],
      [3, 6, 'moving-average'], [4, 6, 'moving-average'], [5, 6, 'moving-average'],
      [6, 6, ''],
    ]);
  });

  it('rejects a forecast of the wrong shape, naming the forecaster', () => {
    const wrong: Forecaster = {
      name: 'short',
      historyMinutes: 1,
      forecast: (windows, horizon) => ({ windows: windows.length - 1, horizon, point: () => 0, quantile: () => 0, cdf: () => 1 }),
    };
    expect(() => bench({ forecasters: [wrong] })).toThrow(new Error('short: forecast() returned 2 windows x 12 steps for 3 windows x 12 steps'));
  });

  it.each<[string, Partial<ForecastBenchInput>, string]>([
    ['no series', { series: [] }, 'forecast bench: no series'],
    ['series of different lengths', { series: [new Float64Array(100), new Float64Array(99)] }, 'forecast bench: series 1 has 99 minutes, series 0 has 100'],
    ['a test range past the series', { testMinutes: { start: 50, end: 101 } }, 'testMinutes [50, 101) ends past the series (100 minutes)'],
    ['an empty test range', { testMinutes: { start: 50, end: 50 } }, 'testMinutes.end must be an integer >= 51, got 50'],
    ['a negative test start', { testMinutes: { start: -1, end: 50 } }, 'testMinutes.start must be an integer >= 0, got -1'],
    ['a fractional test end', { testMinutes: { start: 0, end: 50.5 } }, 'testMinutes.end must be an integer >= 1, got 50.5'],
    ['horizon 0', { horizon: 0 }, 'horizon must be an integer >= 1, got 0'],
    ['batchMinutes 0', { batchMinutes: 0 }, 'batchMinutes must be an integer >= 1, got 0'],
    ['a negative originMinute', { originMinute: -1440 }, 'originMinute must be an integer >= 0, got -1440'],
    ['two forecasters with one name', { forecasters: [lastValueForecaster(), lastValueForecaster()] }, 'forecast bench: two forecasters are named "last-value"'],
    ['a fractional historyMinutes', { forecasters: [{ ...spy('odd', 1), historyMinutes: 2.5 }] }, 'odd: historyMinutes must be an integer >= 0, got 2.5'],
  ])('rejects %s with a RangeError', (_, overrides, message) => {
    expect(() => bench(overrides)).toThrow(new RangeError(message));
  });
});

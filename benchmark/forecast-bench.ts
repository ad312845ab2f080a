import type { Clock } from '../src/core/clock';
import { hashString, SeededRng } from '../src/core/rng';
import type { Forecaster, ForecastWindow } from '../src/forecast/forecast-types';
import { ForecastAccumulator, type ForecastScores, type PinballScores } from '../src/forecast/metrics';

/** Default forecast horizon, minutes (the design's 12). */
export const DEFAULT_FORECAST_HORIZON = 12;

/** A half-open range [start, end) of 0-based minute offsets from the trace's first minute. */
export interface MinuteRange {
  readonly start: number;
  readonly end: number;
}

/** Listed in every report's `skipped`: the keep-alive baseline has nothing to score here. */
export const HYBRID_HISTOGRAM_NOTE: ForecastSkip = {
  name: 'hybrid-histogram',
  reason: 'no count forecast (it predicts idle times, not invocation counts)',
};

/** What the series were, for the report. */
export interface ForecastTraceInfo {
  /** Where the series came from: a file path, or `synthetic(seed=…)`. */
  readonly source: string;
  readonly functions: number;
  /** Length of every series, minutes. */
  readonly minutes: number;
  /** Absolute minute (from midnight of the trace's day 0) of series index 0. */
  readonly originMinute: number;
  /** Minutes the forecasters were trained on (recorded only; the bench does not train), null when not given. */
  readonly trainMinutes: MinuteRange | null;
  /** Minutes whose forecasts were scored. */
  readonly testMinutes: MinuteRange;
  /** Invocations in the test minutes, over all functions. */
  readonly testInvocations: number;
}

/**
 * One forecaster's line in `forecast.json`. The headline scores are of step 0
 * (the forecast of the next minute), over every function and every minute it
 * was scored on; counts in invocations per minute.
 */
export interface ForecastModelRow {
  readonly name: string;
  readonly mae: number;
  readonly rmse: number;
  readonly pinball: PinballScores;
  /**
   * Coverage (0..1) of the forecast's [q0.05, q0.95] interval under the
   * randomised probability integral transform for counts (mean of
   * expectedCoverage over cells); 0.9 is calibrated.
   */
  readonly coverage90: number;
  /**
   * Share (0..1) of cells with q0.05 <= actual <= q0.95 (the closed interval).
   * Biased upwards for counts with many zeros: when most minutes are 0, a
   * calibrated forecast has q0.05 = q0.95 = 0 and covers every zero minute.
   */
  readonly coverage90Closed: number;
  /** Wall ms spent in forecast() per window (one function at one minute). Timing: differs between runs. */
  readonly inferenceMsPerFunction: number;
  /** Test minutes forecast: those with at least `historyMinutes` minutes of trace before them. */
  readonly scoredMinutes: number;
  /** Step-0 cells scored: scoredMinutes x functions. */
  readonly cells: number;
  /** The same scores over every step of every forecast whose minute lies inside the test range. */
  readonly allSteps: ForecastScores;
  /** MAE of step s at index s (s = 0 .. horizon - 1); NaN (null in JSON) for a step with no cell. */
  readonly maeByStep: readonly number[];
}

/** A forecaster that was not scored, and why. */
export interface ForecastSkip {
  readonly name: string;
  readonly reason: string;
}

/** The contract of `forecast.json`. */
export interface ForecastReport {
  readonly trace: ForecastTraceInfo;
  readonly seed: number;
  /** Steps forecast per window, minutes. */
  readonly horizon: number;
  readonly models: readonly ForecastModelRow[];
  /** Forecasters with too little history before every test minute, then {@link HYBRID_HISTOGRAM_NOTE}. */
  readonly skipped: readonly ForecastSkip[];
}

/** What {@link runForecastBench} forecasts, with what, and how it is timed. Minutes are 1-minute steps. */
export interface ForecastBenchInput {
  /** Where the series came from, for the report. */
  readonly source: string;
  /** Per-function per-minute invocation counts over the whole trace, all the same length; index 0 = trace minute 0. */
  readonly series: readonly Float64Array[] | readonly Uint32Array[];
  /** Absolute minute of series index 0 (from midnight of the trace's day 0): ForecastWindow.endMinute = originMinute + t. */
  readonly originMinute: number;
  /** Minutes to forecast and score, trace-relative, inside the series. */
  readonly testMinutes: MinuteRange;
  /** Minutes the forecasters were trained on, recorded in the report. */
  readonly trainMinutes?: MinuteRange;
  /** Names must be unique. */
  readonly forecasters: readonly Forecaster[];
  /** Steps per forecast, default {@link DEFAULT_FORECAST_HORIZON} (12). */
  readonly horizon?: number;
  /** Seed of every forecaster's rng (see {@link forecasterRng}). */
  readonly seed: number;
  /** Times forecast() for inferenceMsPerFunction. */
  readonly clock: Clock;
  /**
   * Test minutes per forecast() call, default 1 (one call per minute, one
   * window per function). Larger values batch consecutive minutes' windows in
   * one call (useful for few functions over many days).
   */
  readonly batchMinutes?: number;
  /** Called before each forecast() call (`done` of `total` calls made), and once at the end with forecaster ''. */
  readonly onProgress?: (done: number, total: number, forecaster: string) => void;
}

/** The rng a forecaster gets in a bench run: seeded from the bench seed and the forecaster's name. */
export function forecasterRng(seed: number, name: string): SeededRng {
  return new SeededRng(hashString(`${seed}/${name}`));
}

function checkInteger(what: string, n: number, min: number): void {
  if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`${what} must be an integer >= ${min}, got ${n}`);
}

/**
 * Forecasts every test minute t of every function with each forecaster and
 * scores the forecasts against the series.
 *
 * No future: the window of minute t is a read-only view of the series' minutes
 * [t - L, t) with L = min(t, contextMinutes) (at least historyMinutes) and
 * endMinute = originMinute + t; minutes with t < historyMinutes are not
 * forecast.
 *
 * Step 0 of each window is scored for the headline; steps s whose minute
 * t + s lies in the test range for `allSteps` and `maeByStep`. Only
 * `inferenceMsPerFunction` depends on anything but the inputs.
 *
 * @throws RangeError on series of different lengths, no series, a test range
 *   outside the series, bad horizon, batchMinutes or originMinute, duplicate
 *   forecaster names; Error when a forecaster returns the wrong shape.
 */
export function runForecastBench(input: ForecastBenchInput): ForecastReport {
  const series = input.series;
  const functions = series.length;
  if (functions === 0) throw new RangeError('forecast bench: no series');
  const minutes = series[0].length;
  for (let f = 1; f < functions; f++) {
    if (series[f].length !== minutes) throw new RangeError(`forecast bench: series ${f} has ${series[f].length} minutes, series 0 has ${minutes}`);
  }
  const { start, end } = input.testMinutes;
  checkInteger('testMinutes.start', start, 0);
  checkInteger('testMinutes.end', end, start + 1);
  if (end > minutes) throw new RangeError(`testMinutes [${start}, ${end}) ends past the series (${minutes} minutes)`);
  const horizon = input.horizon ?? DEFAULT_FORECAST_HORIZON;
  checkInteger('horizon', horizon, 1);
  const batchMinutes = input.batchMinutes ?? 1;
  checkInteger('batchMinutes', batchMinutes, 1);
  checkInteger('originMinute', input.originMinute, 0);
  const names = input.forecasters.map((f) => f.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new RangeError(`forecast bench: two forecasters are named "${duplicate}"`);
  for (const fc of input.forecasters) checkInteger(`${fc.name}: historyMinutes`, fc.historyMinutes, 0);

  const runnable: Forecaster[] = [];
  const skipped: ForecastSkip[] = [];
  for (const fc of input.forecasters) {
    if (Math.max(start, fc.historyMinutes) < end) runnable.push(fc);
    else {
      skipped.push({
        name: fc.name,
        reason: `needs ${fc.historyMinutes} minutes of history, but the last test minute (${end - 1}) has ${end - 1} minutes of trace before it`,
      });
    }
  }
  skipped.push(HYBRID_HISTOGRAM_NOTE);

  const callsOf = (fc: Forecaster): number => Math.ceil((end - Math.max(start, fc.historyMinutes)) / batchMinutes);
  const totalCalls = runnable.reduce((s, fc) => s + callsOf(fc), 0);
  let done = 0;
  const models = runnable.map((fc) => scoreForecaster(input, fc, horizon, batchMinutes, (name) => input.onProgress?.(done++, totalCalls, name)));
  input.onProgress?.(totalCalls, totalCalls, '');

  let testInvocations = 0;
  for (const s of series) for (let t = start; t < end; t++) testInvocations += s[t];
  return {
    trace: {
      source: input.source,
      functions,
      minutes,
      originMinute: input.originMinute,
      trainMinutes: input.trainMinutes === undefined ? null : { start: input.trainMinutes.start, end: input.trainMinutes.end },
      testMinutes: { start, end },
      testInvocations,
    },
    seed: input.seed,
    horizon,
    models,
    skipped,
  };
}

function scoreForecaster(
  input: ForecastBenchInput,
  fc: Forecaster,
  horizon: number,
  batchMinutes: number,
  beforeCall: (name: string) => void,
): ForecastModelRow {
  const series = input.series;
  const functions = series.length;
  const { end } = input.testMinutes;
  const history = fc.historyMinutes;
  const context = Math.max(history, fc.contextMinutes ?? history);
  const first = Math.max(input.testMinutes.start, history);
  const scoredMinutes = end - first;
  const views = series.map((s) => (s instanceof Float64Array ? s : Float64Array.from(s)));
  const rng = forecasterRng(input.seed, fc.name);
  const acc = new ForecastAccumulator({ steps: 'all' });
  let ms = 0;
  for (let t0 = first; t0 < end; t0 += batchMinutes) {
    const minutesInCall = Math.min(batchMinutes, end - t0);
    const windows: ForecastWindow[] = [];
    for (let b = 0; b < minutesInCall; b++) {
      const t = t0 + b;
      const from = Math.max(0, t - context);
      for (let f = 0; f < functions; f++) windows.push({ counts: views[f].subarray(from, t), endMinute: input.originMinute + t, key: String(f) });
    }
    beforeCall(fc.name);
    const before = input.clock.nowMs();
    const forecast = fc.forecast(windows, horizon, rng);
    ms += input.clock.nowMs() - before;
    if (forecast.windows !== windows.length || forecast.horizon !== horizon) {
      throw new Error(
        `${fc.name}: forecast() returned ${forecast.windows} windows x ${forecast.horizon} steps for ${windows.length} windows x ${horizon} steps`,
      );
    }
    acc.add(forecast, (w, step) => {
      const minute = t0 + Math.floor(w / functions) + step;
      return minute < end ? series[w % functions][minute] : Number.NaN;
    });
  }
  const head = acc.stepScores(0);
  const maeByStep: number[] = [];
  for (let s = 0; s < horizon; s++) maeByStep.push(acc.stepScores(s).mae);
  return {
    name: fc.name,
    mae: head.mae,
    rmse: head.rmse,
    pinball: head.pinball,
    coverage90: head.coverage90,
    coverage90Closed: head.coverage90Closed,
    inferenceMsPerFunction: ms / (scoredMinutes * functions),
    scoredMinutes,
    cells: head.cells,
    allSteps: acc.scores(),
    maeByStep,
  };
}

import type { Rng } from '../core/rng';

/**
 * The past of one function as a forecaster sees it: per-minute invocation
 * counts for the minutes [endMinute - counts.length, endMinute). A forecast made
 * from it is for minutes endMinute, endMinute + 1, ... (step 0, 1, ...).
 */
export interface ForecastWindow {
  /** Invocations per minute, oldest first; every value a finite count >= 0. */
  readonly counts: Float64Array;
  /**
   * Absolute minute of the first forecast step, counted from midnight of the
   * trace's day 0 (minute 0 = day 0, 00:00). Time-of-day and day-of-week
   * features come from it; day of week is (day index mod 7).
   */
  readonly endMinute: number;
  /**
   * Which series the window is of (e.g. the function's name), when the caller
   * knows it; stateful forecasters (the adaptive average) remember what they
   * forecast for a key and reuse it at later calls. Default: none, nothing is
   * remembered.
   */
  readonly key?: string;
}

/**
 * Forecasts for a batch of windows, `horizon` minutes each. Window `w`, step `s`
 * is the minute `windows[w].endMinute + s`. Counts are invocations per minute.
 */
export interface CountForecast {
  readonly windows: number;
  readonly horizon: number;
  /** The point forecast (what MAE and RMSE score), a count >= 0. */
  point(window: number, step: number): number;
  /** The `q`-quantile of the count, 0 < q < 1, non-decreasing in q, >= 0. */
  quantile(window: number, step: number, q: number): number;
  /** P(count <= k), non-decreasing in k, 0 for k < 0 (the distribution function the quantiles invert). */
  cdf(window: number, step: number, k: number): number;
}

/** Anything that turns windows of the past into count forecasts. */
export interface Forecaster {
  /** The name in reports, e.g. `aquatope`, `aquatope-2023`, `last-value`. */
  readonly name: string;
  /** Minutes of history each window must hold (windows may be longer; only the last ones are read). */
  readonly historyMinutes: number;
  /**
   * Minutes of the past it reads when a window holds them (>= `historyMinutes`;
   * windows may be shorter, down to `historyMinutes`). Callers pass windows of
   * min(minutes available, contextMinutes). Default: `historyMinutes`.
   */
  readonly contextMinutes?: number;
  /**
   * Forecasts `horizon` minutes after each window. `rng` feeds any sampling
   * (Monte Carlo dropout); deterministic forecasters ignore it.
   * @throws RangeError when a window is shorter than `historyMinutes` or horizon < 1.
   */
  forecast(windows: readonly ForecastWindow[], horizon: number, rng: Rng): CountForecast;
}

import { quantileSorted } from '../core/stats';
import type { CountForecast, Forecaster, ForecastWindow } from './forecast-types';

/** Minutes in a day: `previous-day` reads the count this many minutes before the forecast minute. */
export const MINUTES_PER_DAY = 1440;

/** Default R: one-step residuals over this many of the window's last minutes give a naive forecast its quantiles. */
export const DEFAULT_RESIDUAL_MINUTES = 48;

/** Default K: `moving-average` averages this many of the window's last minutes. */
export const DEFAULT_MOVING_AVERAGE_MINUTES = 12;

/** The names of the naive forecasters, with their default settings. */
export const NAIVE_FORECASTER_NAMES = ['last-value', 'moving-average', 'previous-day'] as const;

/** Options shared by the naive forecasters. */
export interface NaiveOptions {
  /**
   * R, the minutes (the window's last ones) whose one-step residuals make the
   * quantiles; default {@link DEFAULT_RESIDUAL_MINUTES} (48).
   */
  readonly residualMinutes?: number;
}

type Rule =
  | { readonly kind: 'last-value' }
  | { readonly kind: 'moving-average'; readonly minutes: number }
  | { readonly kind: 'previous-day' };

/** Minutes before the forecast minute that a rule's point forecast reads. */
function pointMinutes(rule: Rule): number {
  switch (rule.kind) {
    case 'last-value':
      return 1;
    case 'moving-average':
      return rule.minutes;
    case 'previous-day':
      return MINUTES_PER_DAY;
  }
}

function positiveInteger(what: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${what} must be an integer >= 1, got ${n}`);
  return n;
}

/**
 * A naive forecaster: a point rule, plus an empirical residual distribution
 * for the quantiles. For each window, the rule's one-step forecasts of its own
 * last R minutes give R residuals (actual - forecast); then
 *
 *     quantile(w, s, q) = max(0, point(w, s) + Q_q(residuals of w))
 *
 * with Q_q the type-7 empirical quantile ({@link quantileSorted}), the same for
 * every step. The window must hold R minutes plus what the point rule reads
 * before the oldest of them: `historyMinutes` = R + (1 | K | 1440).
 * Deterministic: the rng is not used.
 */
class NaiveForecaster implements Forecaster {
  readonly name: string;
  readonly historyMinutes: number;

  constructor(
    private readonly rule: Rule,
    private readonly residualMinutes: number,
  ) {
    this.name = rule.kind === 'moving-average' && rule.minutes !== DEFAULT_MOVING_AVERAGE_MINUTES ? `moving-average-${rule.minutes}` : rule.kind;
    this.historyMinutes = residualMinutes + pointMinutes(rule);
  }

  forecast(windows: readonly ForecastWindow[], horizon: number): CountForecast {
    if (!Number.isSafeInteger(horizon) || horizon < 1) throw new RangeError(`${this.name}: horizon must be an integer >= 1, got ${horizon}`);
    const n = windows.length;
    const r = this.residualMinutes;
    // One buffer for every window's residuals (sorted in place), one for the points.
    const residuals = new Float64Array(n * r);
    const sorted: Float64Array[] = new Array<Float64Array>(n);
    const stride = this.rule.kind === 'previous-day' ? horizon : 1;
    const points = new Float64Array(n * stride);
    for (let w = 0; w < n; w++) {
      const counts = windows[w].counts;
      if (counts.length < this.historyMinutes) {
        throw new RangeError(`${this.name}: window ${w} holds ${counts.length} minutes, needs at least ${this.historyMinutes}`);
      }
      const own = residuals.subarray(w * r, (w + 1) * r);
      this.fill(counts, own, points, w * stride, stride);
      own.sort();
      sorted[w] = own;
    }
    return new NaiveCountForecast(n, horizon, points, stride, sorted);
  }

  /**
   * Writes the one-step residuals of the last R minutes of `counts` into `out`
   * and the point forecasts of steps 0..stride-1 into `points[at..]`.
   */
  private fill(counts: Float64Array, out: Float64Array, points: Float64Array, at: number, stride: number): void {
    const end = counts.length;
    const r = out.length;
    const from = end - r;
    const rule = this.rule;
    switch (rule.kind) {
      case 'last-value':
        for (let i = 0; i < r; i++) out[i] = counts[from + i] - counts[from + i - 1];
        points[at] = counts[end - 1];
        return;
      case 'moving-average': {
        const k = rule.minutes;
        // Running sum of the k minutes before minute j; exact for integer counts.
        let sum = 0;
        for (let j = from - k; j < from; j++) sum += counts[j];
        for (let i = 0; i < r; i++) {
          const j = from + i;
          out[i] = counts[j] - sum / k;
          sum += counts[j] - counts[j - k];
        }
        points[at] = sum / k;
        return;
      }
      case 'previous-day':
        for (let i = 0; i < r; i++) out[i] = counts[from + i] - counts[from + i - MINUTES_PER_DAY];
        // Step s reads the same minute of the window's last full day (steps past a day wrap around to it).
        for (let s = 0; s < stride; s++) points[at + s] = counts[end - MINUTES_PER_DAY + (s % MINUTES_PER_DAY)];
        return;
    }
  }
}

/** Point forecasts and sorted residuals of a batch of windows. */
class NaiveCountForecast implements CountForecast {
  constructor(
    readonly windows: number,
    readonly horizon: number,
    /** Point of window w, step s at points[w * stride + (stride > 1 ? s : 0)]. */
    private readonly points: Float64Array,
    private readonly stride: number,
    /** Each window's one-step residuals, ascending. */
    private readonly residuals: readonly Float64Array[],
  ) {}

  point(window: number, step: number): number {
    this.check(window, step);
    return this.points[window * this.stride + (this.stride > 1 ? step : 0)];
  }

  quantile(window: number, step: number, q: number): number {
    if (!(q > 0 && q < 1)) throw new RangeError(`quantile: q must be in (0, 1), got ${q}`);
    return Math.max(0, this.point(window, step) + quantileSorted(this.residuals[window], q));
  }

  /** The share of residuals r with max(0, point + r) <= k: the empirical distribution the quantiles come from. */
  cdf(window: number, step: number, k: number): number {
    if (k < 0) return 0;
    const p = this.point(window, step);
    const res = this.residuals[window];
    let below = 0;
    while (below < res.length && p + res[below] <= k) below++;
    return res.length > 0 ? below / res.length : p <= k ? 1 : 0;
  }

  private check(window: number, step: number): void {
    if (!Number.isInteger(window) || window < 0 || window >= this.windows) {
      throw new RangeError(`window must be an integer in [0, ${this.windows}), got ${window}`);
    }
    if (!Number.isInteger(step) || step < 0 || step >= this.horizon) {
      throw new RangeError(`step must be an integer in [0, ${this.horizon}), got ${step}`);
    }
  }
}

/**
 * `last-value`: every step's point forecast is the window's last count.
 * historyMinutes = R + 1 (R = 48 by default: 49).
 */
export function lastValueForecaster(options: NaiveOptions = {}): Forecaster {
  return new NaiveForecaster({ kind: 'last-value' }, positiveInteger('residualMinutes', options.residualMinutes ?? DEFAULT_RESIDUAL_MINUTES));
}

/**
 * `moving-average`: every step's point forecast is the mean count of the
 * window's last K minutes, K = `minutes`, default
 * {@link DEFAULT_MOVING_AVERAGE_MINUTES} (12). Named `moving-average` with the
 * default K, `moving-average-<K>` otherwise. historyMinutes = R + K (default 60).
 */
export function movingAverageForecaster(options: NaiveOptions & { readonly minutes?: number } = {}): Forecaster {
  const minutes = positiveInteger('minutes', options.minutes ?? DEFAULT_MOVING_AVERAGE_MINUTES);
  return new NaiveForecaster({ kind: 'moving-average', minutes }, positiveInteger('residualMinutes', options.residualMinutes ?? DEFAULT_RESIDUAL_MINUTES));
}

/**
 * `previous-day`: step s's point forecast is the count at the same minute one
 * day (1440 minutes) earlier, i.e. `counts[end - 1440 + s]` (for s >= 1440,
 * `s mod 1440`: the same time of day on the window's last full day).
 * historyMinutes = R + 1440 (default 1488), so it runs only where the trace
 * holds more than a day before the forecast minute.
 */
export function previousDayForecaster(options: NaiveOptions = {}): Forecaster {
  return new NaiveForecaster({ kind: 'previous-day' }, positiveInteger('residualMinutes', options.residualMinutes ?? DEFAULT_RESIDUAL_MINUTES));
}

/** The three naive forecasters with their default settings, in {@link NAIVE_FORECASTER_NAMES} order. */
export function naiveForecasters(options: NaiveOptions = {}): Forecaster[] {
  return [lastValueForecaster(options), movingAverageForecaster(options), previousDayForecaster(options)];
}

import type { Rng } from '../core/rng';
import type { CountForecast, ForecastWindow, Forecaster } from './forecast-types';

/** Default: a window is busy when its last {@link DEFAULT_BUSY_MINUTES} minutes are all non-zero ... */
export const DEFAULT_BUSY_MINUTES = 48;

/** ... and average at least this many invocations a minute. */
export const DEFAULT_BUSY_MEAN = 10;

/** When a window counts as busy. */
export interface BusyRule {
  /** Minutes (the window's last ones) that must all be non-zero; default {@link DEFAULT_BUSY_MINUTES}. */
  readonly minutes?: number;
  /** Their least mean count, invocations per minute; default {@link DEFAULT_BUSY_MEAN}. */
  readonly mean?: number;
}

/**
 * Ours, `aquatope`: each window goes to the forecaster of its regime. A busy
 * window (every one of its last 48 minutes invoked, 10 or more a minute on
 * average) goes to the hybrid Bayesian network, whose time-of-day features and
 * Monte Carlo uncertainty serve a steady series; every other window (most
 * functions of the Azure trace: idle, sporadic, timers) goes to the idle-time
 * model, whose arrival probability comes from the function's own gaps. The
 * split is measured on minutes before the held-out ones (BENCHMARKS.md,
 * "Regimes"): on minutes 720 to 960 of the 1,350-function day the network's
 * pinball loss at 0.9 was above the idle-time model's for every window with an
 * idle minute or under 10 invocations a minute; on minutes 14,400 to 15,840 of
 * the 14-day function, busy windows of 10 to 50 a minute scored 3.67 with the
 * network and 4.40 with the idle-time model.
 */
export class RegimeForecaster implements Forecaster {
  readonly name: string;
  readonly historyMinutes: number;
  readonly contextMinutes: number;
  private readonly busyMinutes: number;
  private readonly busyMean: number;

  /**
   * @param busy forecasts busy windows (the network).
   * @param sparse forecasts every other window (the idle-time model).
   * @param name the name in reports; default `aquatope`.
   * @throws RangeError when the rule's minutes exceed what a window holds, or a setting is not a finite number of the right sign.
   */
  constructor(
    private readonly busy: Forecaster,
    private readonly sparse: Forecaster,
    rule: BusyRule = {},
    name = 'aquatope',
  ) {
    this.name = name;
    this.historyMinutes = Math.max(busy.historyMinutes, sparse.historyMinutes);
    this.contextMinutes = Math.max(this.historyMinutes, busy.contextMinutes ?? 0, sparse.contextMinutes ?? 0);
    this.busyMinutes = rule.minutes ?? DEFAULT_BUSY_MINUTES;
    this.busyMean = rule.mean ?? DEFAULT_BUSY_MEAN;
    if (!Number.isSafeInteger(this.busyMinutes) || this.busyMinutes < 1 || this.busyMinutes > this.historyMinutes) {
      throw new RangeError(`${name}: busy minutes must be an integer in 1..${this.historyMinutes}, got ${this.busyMinutes}`);
    }
    if (!(this.busyMean >= 0) || !Number.isFinite(this.busyMean)) throw new RangeError(`${name}: busy mean must be a finite number >= 0, got ${this.busyMean}`);
  }

  /** Whether `counts` is busy: its last minutes all non-zero with the rule's mean. */
  isBusy(counts: Float64Array): boolean {
    const k = this.busyMinutes;
    if (counts.length < k) return false;
    let sum = 0;
    for (let i = counts.length - k; i < counts.length; i++) {
      if (!(counts[i] > 0)) return false;
      sum += counts[i];
    }
    return sum >= this.busyMean * k;
  }

  forecast(windows: readonly ForecastWindow[], horizon: number, rng: Rng): CountForecast {
    const which = new Uint8Array(windows.length);
    const index = new Int32Array(windows.length);
    const busyWindows: ForecastWindow[] = [];
    const sparseWindows: ForecastWindow[] = [];
    windows.forEach((win, w) => {
      if (win.counts.length < this.historyMinutes) {
        throw new RangeError(`${this.name}: window ${w} holds ${win.counts.length} minutes, needs at least ${this.historyMinutes}`);
      }
      if (this.isBusy(win.counts)) {
        which[w] = 1;
        index[w] = busyWindows.push(win) - 1;
      } else {
        index[w] = sparseWindows.push(win) - 1;
      }
    });
    const busyForecast = busyWindows.length > 0 ? this.busy.forecast(busyWindows, horizon, rng) : undefined;
    const sparseForecast = sparseWindows.length > 0 ? this.sparse.forecast(sparseWindows, horizon, rng) : undefined;
    return new RegimeCountForecast(windows.length, horizon, which, index, busyForecast, sparseForecast);
  }
}

/** Dispatches each window to the forecast of its regime. */
class RegimeCountForecast implements CountForecast {
  constructor(
    readonly windows: number,
    readonly horizon: number,
    /** 1 for a busy window. */
    private readonly which: Uint8Array,
    /** The window's index in its regime's batch. */
    private readonly index: Int32Array,
    private readonly busy: CountForecast | undefined,
    private readonly sparse: CountForecast | undefined,
  ) {}

  /** Whether window `window` went to the busy forecaster. */
  isBusy(window: number): boolean {
    this.check(window);
    return this.which[window] === 1;
  }

  point(window: number, step: number): number {
    return this.of(window).point(this.index[window], step);
  }

  quantile(window: number, step: number, q: number): number {
    return this.of(window).quantile(this.index[window], step, q);
  }

  cdf(window: number, step: number, k: number): number {
    return this.of(window).cdf(this.index[window], step, k);
  }

  private of(window: number): CountForecast {
    this.check(window);
    const f = this.which[window] === 1 ? this.busy : this.sparse;
    if (f === undefined) throw new Error(`regime forecast: window ${window} has no forecast`);
    return f;
  }

  private check(window: number): void {
    if (!Number.isInteger(window) || window < 0 || window >= this.windows) {
      throw new RangeError(`window must be an integer in [0, ${this.windows}), got ${window}`);
    }
  }
}

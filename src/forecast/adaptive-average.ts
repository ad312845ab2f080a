import type { Rng } from '../core/rng';
import { cdfAt, pinball } from './metrics';
import type { CountForecast, ForecastWindow, Forecaster } from './forecast-types';

/**
 * The bands of quantile levels that get their own weights, each scored by the
 * pinball loss at its level: levels below 0.7 by q = 0.5, from 0.7 below 0.95
 * by q = 0.9, from 0.95 by q = 0.99.
 */
export const ADAPTIVE_BANDS: readonly { readonly from: number; readonly level: number }[] = [
  { from: 0, level: 0.5 },
  { from: 0.7, level: 0.9 },
  { from: 0.95, level: 0.99 },
];

/** A window's activity is counted over this many of its last minutes. */
export const ACTIVITY_MINUTES = 48;

/** Settings of {@link AdaptiveAverageForecaster}. */
export interface AdaptiveAverageOptions {
  /** L, the window's last minutes on which each expert's one-step forecasts are scored, at least 1. */
  readonly lookbackMinutes: number;
  /**
   * eta, the learning rate on the relative loss: expert e gets weight
   * proportional to exp(-eta * S_e / mean_e S_e), where S_e is its summed
   * pinball loss; 0 gives equal weights, a large eta picks the best expert.
   */
  readonly eta: number;
  /** Only windows with at least this many invoked minutes among their last {@link ACTIVITY_MINUTES} are combined; default 1. */
  readonly minInvokedMinutes?: number;
  /** Whether the top band (levels from 0.95) is learnt too; when false it is the first expert's. Default true. */
  readonly adaptTail?: boolean;
}

/**
 * Quantile averaging (Vincentization) of several forecasters with weights
 * learnt per window from its own recent past (an exponentially weighted
 * average forecaster, Cesa-Bianchi and Lugosi 2006, scored by quantile level
 * as in Berrisch and Ziel's CRPS learning). Each expert forecasts each of the
 * window's last L minutes from the minutes before it. In each band of levels
 * ({@link ADAPTIVE_BANDS}) its loss S_e = the sum over those minutes of
 * pinball(band level, y, Q_e(band level)) gives it the weight
 * w_e proportional to exp(-eta (S_e - min S) / mean S), and the combination's
 * q-quantile is sum_e w_e Q_e(q) with the weights of q's band, raised to the
 * value the band below reaches at the edge, so it is non-decreasing in q. A
 * window with fewer invoked minutes than the option asks, or too short to
 * replay, gets the first expert alone.
 */
export class AdaptiveAverageForecaster implements Forecaster {
  readonly historyMinutes: number;
  readonly contextMinutes: number;
  private readonly lookback: number;
  private readonly eta: number;
  private readonly minInvoked: number;
  private readonly adaptTail: boolean;

  /**
   * @throws RangeError when there are no experts, L is not a positive integer, eta is not a finite number >= 0, or the least invoked minutes is not an integer in 0..48.
   */
  constructor(
    readonly name: string,
    private readonly experts: readonly Forecaster[],
    options: AdaptiveAverageOptions,
  ) {
    if (experts.length === 0) throw new RangeError(`${name}: needs at least one expert`);
    this.lookback = options.lookbackMinutes;
    this.eta = options.eta;
    this.minInvoked = options.minInvokedMinutes ?? 1;
    this.adaptTail = options.adaptTail ?? true;
    if (!Number.isSafeInteger(this.lookback) || this.lookback < 1) throw new RangeError(`${name}: lookbackMinutes must be an integer >= 1, got ${this.lookback}`);
    if (!(this.eta >= 0) || !Number.isFinite(this.eta)) throw new RangeError(`${name}: eta must be a finite number >= 0, got ${this.eta}`);
    if (!Number.isSafeInteger(this.minInvoked) || this.minInvoked < 0 || this.minInvoked > ACTIVITY_MINUTES) {
      throw new RangeError(`${name}: minInvokedMinutes must be an integer in 0..${ACTIVITY_MINUTES}, got ${this.minInvoked}`);
    }
    this.historyMinutes = Math.max(...experts.map((e) => e.historyMinutes));
    this.contextMinutes = Math.max(this.historyMinutes, ...experts.map((e) => e.contextMinutes ?? 0));
  }

  forecast(windows: readonly ForecastWindow[], horizon: number, rng: Rng): CountForecast {
    const L = this.lookback;
    const replays: ForecastWindow[] = [];
    // Where window w's replayed minutes start in `replays` (-1: not replayed).
    const replayAt = new Int32Array(windows.length).fill(-1);
    windows.forEach((win, w) => {
      const n = win.counts.length;
      if (n - L < this.historyMinutes) return;
      let invoked = 0;
      for (let i = Math.max(0, n - ACTIVITY_MINUTES); i < n; i++) if (win.counts[i] > 0) invoked++;
      if (invoked < this.minInvoked) return;
      replayAt[w] = replays.length;
      for (let j = 1; j <= L; j++) replays.push({ counts: win.counts.subarray(0, n - j), endMinute: win.endMinute - j });
    });
    const forecasts = this.experts.map((e) => e.forecast(windows, horizon, rng));
    // The replayed minutes are scored on their next minute only: one step each.
    const replayed = replays.length === 0 ? [] : this.experts.map((e) => e.forecast(replays, 1, rng));
    // weights[w][b]: window w's weights in band b (undefined: the first expert alone).
    const weights = windows.map((win, w): Float64Array[] | undefined => {
      if (replayAt[w] < 0) return undefined;
      const n = win.counts.length;
      return ADAPTIVE_BANDS.map(({ level }, b) => {
        if (!this.adaptTail && b === ADAPTIVE_BANDS.length - 1) return Float64Array.from(forecasts, (_, e) => (e === 0 ? 1 : 0));
        const loss = replayed.map((f) => {
          let s = 0;
          for (let j = 1; j <= L; j++) s += pinball(level, win.counts[n - j], f.quantile(replayAt[w] + j - 1, 0, level));
          return s;
        });
        const mean = loss.reduce((a, b) => a + b, 0) / loss.length;
        const best = Math.min(...loss);
        const out = Float64Array.from(loss, (s) => (mean > 0 ? Math.exp((-this.eta * (s - best)) / mean) : 1));
        const total = out.reduce((a, b) => a + b, 0);
        return out.map((x) => x / total);
      });
    });
    return new WeightedForecast(windows.length, horizon, forecasts, weights);
  }
}

class WeightedForecast implements CountForecast {
  constructor(
    readonly windows: number,
    readonly horizon: number,
    private readonly experts: readonly CountForecast[],
    private readonly weights: readonly (readonly Float64Array[] | undefined)[],
  ) {}

  point(window: number, step: number): number {
    return this.quantile(window, step, 0.5);
  }

  quantile(window: number, step: number, q: number): number {
    if (!(q > 0 && q < 1)) throw new RangeError(`quantile: q must be in (0, 1), got ${q}`);
    if (!Number.isInteger(window) || window < 0 || window >= this.windows) throw new RangeError(`window must be an integer in [0, ${this.windows}), got ${window}`);
    const bands = this.weights[window];
    if (bands === undefined) return this.experts[0].quantile(window, step, q);
    let b = ADAPTIVE_BANDS.length - 1;
    while (b > 0 && q < ADAPTIVE_BANDS[b].from) b--;
    return this.banded(window, step, q, b, bands);
  }

  /** Band b's weighted quantile, at least the value the band below reaches at b's lower edge (so the whole is non-decreasing in q). */
  private banded(window: number, step: number, q: number, b: number, bands: readonly Float64Array[]): number {
    const w = bands[b];
    let s = 0;
    for (let e = 0; e < w.length; e++) if (w[e] > 0) s += w[e] * this.experts[e].quantile(window, step, q);
    if (b === 0) return s;
    const edge = ADAPTIVE_BANDS[b].from;
    return Math.max(s, this.banded(window, step, Math.max(ADAPTIVE_BANDS[b - 1].from + 1e-9, edge - 1e-9), b - 1, bands));
  }

  cdf(window: number, step: number, k: number): number {
    if (k < 0) return 0;
    return cdfAt((q) => this.quantile(window, step, q), k, false);
  }
}

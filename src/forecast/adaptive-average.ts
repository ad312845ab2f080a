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
  /**
   * Whether the top band (levels from 0.95) is learnt too. When false it is
   * the first expert's, and the bands below are capped at the first expert's
   * quantile at 0.95, so the learnt bands never lift the tail. Default true.
   */
  readonly adaptTail?: boolean;
  /**
   * At most this many minutes are replayed per call (what bounds a call with
   * nothing remembered, such as the first tick after a restart); windows whose
   * replays do not fit get the first expert alone in that call, those with the
   * fewest minutes to replay are served first. Default unbounded.
   */
  readonly maxReplaysPerCall?: number;
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
 * value the band below reaches at the edge, so it is non-decreasing in q (with
 * the tail kept from the first expert, the bands below are capped at its
 * 0.95-quantile instead of the tail being raised). A
 * window with fewer invoked minutes than the option asks, or too short to
 * replay, gets the first expert alone, and only the first expert is asked about
 * it.
 *
 * Replays are what a forecast costs. For windows with a `key` (the function),
 * the forecaster remembers the experts' next-minute quantiles of every combined
 * window it forecast or replayed, with the last `historyMinutes` counts they
 * read, for L minutes back from the key's latest one. A minute whose remembered
 * counts match the window's is not replayed again, so called once a minute on
 * the same functions (the forecasting tick) it replays only what it has not
 * seen: nothing, once a window has been combined for L minutes. Remembered
 * forecasts were made with the context the caller passed then (a replay reads
 * its window's counts up to that minute); the draws of the Monte Carlo experts
 * differ from a fresh replay's, their distribution does not.
 */
export class AdaptiveAverageForecaster implements Forecaster {
  readonly historyMinutes: number;
  readonly contextMinutes: number;
  private readonly lookback: number;
  private readonly eta: number;
  private readonly minInvoked: number;
  private readonly adaptTail: boolean;
  private readonly maxReplays: number;
  /** Per key, per minute: what the experts forecast for it (see {@link ForecastWindow.key}). */
  private readonly memory = new Map<string, Map<number, RememberedMinute>>();

  /**
   * @throws RangeError when there are no experts, L is not a positive integer, eta is not a finite number >= 0, the least invoked minutes is not an integer in 0..48, or the replay budget is not an integer >= 0.
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
    this.maxReplays = options.maxReplaysPerCall ?? Infinity;
    if (!(this.maxReplays >= 0) || (Number.isFinite(this.maxReplays) && !Number.isSafeInteger(this.maxReplays))) {
      throw new RangeError(`${name}: maxReplaysPerCall must be an integer >= 0, got ${this.maxReplays}`);
    }
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
    const E = this.experts.length;
    const B = ADAPTIVE_BANDS.length;
    // The combined windows; every other one gets the first expert alone.
    const combined: ForecastWindow[] = [];
    const combinedWindow: number[] = [];
    const combinedAt = new Int32Array(windows.length).fill(-1);
    windows.forEach((win, w) => {
      if (this.combines(win.counts)) {
        combinedAt[w] = combined.length;
        combined.push(win);
        combinedWindow.push(w);
      }
    });
    const first = this.experts[0].forecast(windows, horizon, rng);
    const rest = combined.length === 0 ? [] : this.experts.slice(1).map((e) => e.forecast(combined, horizon, rng));
    const expertRow = (e: number, c: number, w: number): { f: CountForecast; row: number } => (e === 0 ? { f: first, row: w } : { f: rest[e - 1], row: c });
    this.forget(combined, true);
    // This call's own next-minute forecasts first, so a later window of the same key in this call finds them.
    combined.forEach((win, c) => {
      if (win.key === undefined) return;
      const w = combinedWindow[c];
      const quantiles = new Float64Array(E * B);
      for (let e = 0; e < E; e++) {
        const { f, row } = expertRow(e, c, w);
        for (let b = 0; b < B; b++) quantiles[e * B + b] = f.quantile(row, 0, ADAPTIVE_BANDS[b].level);
      }
      this.remember(win.key, win.endMinute, win.counts, win.counts.length, quantiles);
    });
    // past[c][j - 1]: the experts' band quantiles for combined window c's minute endMinute - j, from memory or a replay.
    const past = combined.map(() => new Array<Float64Array | undefined>(L));
    const replays: ForecastWindow[] = [];
    // Each (combined window, j) a replay answers, and the replay's index; a key's minute is replayed once per call.
    const slots: { c: number; j: number; r: number }[] = [];
    const queued = new Map<string, number>();
    const missing = combined.map((win, c): number[] => {
      const out: number[] = [];
      for (let j = 1; j <= L; j++) {
        const found = win.key === undefined ? undefined : this.recall(win.key, win.endMinute - j, win.counts, win.counts.length - j);
        if (found !== undefined) past[c][j - 1] = found;
        else out.push(j);
      }
      return out;
    });
    // Windows with the fewest minutes to replay first; those past the budget get the first expert alone this time.
    const deferred = new Uint8Array(combined.length);
    let budget = this.maxReplays;
    const order = combined.map((_, c) => c).sort((x, y) => missing[x].length - missing[y].length || x - y);
    for (const c of order) {
      const win = combined[c];
      const n = win.counts.length;
      const planned = missing[c].map((j) => {
        const id = win.key === undefined ? undefined : `${win.endMinute - j}|${win.key}`;
        const r = id === undefined ? undefined : queued.get(id);
        return { j, id, r: r !== undefined && sameLast(replays[r].counts, win.counts.subarray(0, n - j), this.historyMinutes) ? r : undefined };
      });
      const fresh = planned.filter((p) => p.r === undefined).length;
      if (fresh > budget) {
        deferred[c] = 1;
        continue;
      }
      budget -= fresh;
      for (const { j, id, r } of planned) {
        if (r !== undefined) {
          slots.push({ c, j, r });
          continue;
        }
        if (id !== undefined) queued.set(id, replays.length);
        slots.push({ c, j, r: replays.length });
        replays.push({ counts: win.counts.subarray(0, n - j), endMinute: win.endMinute - j });
      }
    }
    if (replays.length > 0) {
      // The replayed minutes are scored on their next minute only: one step each.
      const replayed = this.experts.map((e) => e.forecast(replays, 1, rng));
      const quantilesOf = replays.map((_, r) => {
        const quantiles = new Float64Array(E * B);
        for (let e = 0; e < E; e++) for (let b = 0; b < B; b++) quantiles[e * B + b] = replayed[e].quantile(r, 0, ADAPTIVE_BANDS[b].level);
        return quantiles;
      });
      for (const { c, j, r } of slots) {
        past[c][j - 1] = quantilesOf[r];
        const win = combined[c];
        if (win.key !== undefined) this.remember(win.key, win.endMinute - j, win.counts, win.counts.length - j, quantilesOf[r]);
      }
    }
    // weights[c][b]: combined window c's weights in band b (undefined: deferred, the first expert alone).
    const weights = combined.map((win, c): Float64Array[] | undefined => {
      if (deferred[c] === 1) return undefined;
      const n = win.counts.length;
      return ADAPTIVE_BANDS.map(({ level }, b) => {
        if (!this.adaptTail && b === B - 1) return Float64Array.from({ length: E }, (_, e) => (e === 0 ? 1 : 0));
        const loss = Array.from({ length: E }, (_, e) => {
          let s = 0;
          for (let j = 1; j <= L; j++) {
            const q = past[c][j - 1];
            if (q === undefined) throw new Error(`${this.name}: no forecast of minute ${win.endMinute - j}`);
            s += pinball(level, win.counts[n - j], q[e * B + b]);
          }
          return s;
        });
        const mean = loss.reduce((a, v) => a + v, 0) / E;
        const best = Math.min(...loss);
        const out = Float64Array.from(loss, (v) => (mean > 0 ? Math.exp((-this.eta * (v - best)) / mean) : 1));
        const total = out.reduce((a, v) => a + v, 0);
        return out.map((x) => x / total);
      });
    });
    this.forget(combined, false);
    return new WeightedForecast(windows.length, horizon, first, rest, combinedAt, weights, this.adaptTail);
  }

  /** Whether a window of these counts is combined: long enough to replay L minutes, with enough invoked minutes of its last {@link ACTIVITY_MINUTES}. */
  combines(counts: Float64Array): boolean {
    const n = counts.length;
    if (n - this.lookback < this.historyMinutes) return false;
    let invoked = 0;
    for (let i = Math.max(0, n - ACTIVITY_MINUTES); i < n; i++) if (counts[i] > 0) invoked++;
    return invoked >= this.minInvoked;
  }

  /** Stores the experts' band quantiles for `key`'s minute `endMinute`, forecast from `counts[0, end)`, with the counts they read last. */
  private remember(key: string, endMinute: number, counts: Float64Array, end: number, quantiles: Float64Array): void {
    let byMinute = this.memory.get(key);
    if (byMinute === undefined) {
      byMinute = new Map();
      this.memory.set(key, byMinute);
    }
    byMinute.set(endMinute, { seen: counts.slice(end - this.historyMinutes, end), quantiles });
  }

  /** The remembered band quantiles for `key`'s minute `endMinute`, when they were forecast from the same last counts as `counts[.., end)`. */
  private recall(key: string, endMinute: number, counts: Float64Array, end: number): Float64Array | undefined {
    const entry = this.memory.get(key)?.get(endMinute);
    if (entry === undefined) return undefined;
    return sameLast(entry.seen, counts.subarray(0, end), this.historyMinutes) ? entry.quantiles : undefined;
  }

  /**
   * Forgets each key's remembered minutes outside [latest - L, earliest), where
   * earliest and latest are the first and last minutes this call forecasts for
   * it. Before the call (`before`), the minutes from earliest on: remembered
   * from a run that went further (a forecaster reused on another run of the
   * same functions, a repeated tick), they are not this run's past. After it,
   * the minutes more than L before latest, which no later call reads.
   */
  private forget(combined: readonly ForecastWindow[], before: boolean): void {
    const span = new Map<string, { from: number; to: number }>();
    for (const win of combined) {
      if (win.key === undefined) continue;
      const s = span.get(win.key);
      span.set(win.key, s === undefined ? { from: win.endMinute, to: win.endMinute } : { from: Math.min(s.from, win.endMinute), to: Math.max(s.to, win.endMinute) });
    }
    for (const [key, { from, to }] of span) {
      const byMinute = this.memory.get(key);
      if (byMinute === undefined) continue;
      for (const minute of byMinute.keys()) if (before ? minute >= from : minute < to - this.lookback) byMinute.delete(minute);
    }
  }
}

/** Whether the last `minutes` values of `a` and `b` are equal (both at least that long). */
function sameLast(a: Float64Array, b: Float64Array, minutes: number): boolean {
  const da = a.length - minutes;
  const db = b.length - minutes;
  for (let i = 0; i < minutes; i++) if (a[da + i] !== b[db + i]) return false;
  return true;
}

/** What {@link AdaptiveAverageForecaster} remembers of one key's minute: the experts' band quantiles, and the counts they were forecast from. */
interface RememberedMinute {
  /** The last historyMinutes counts before the minute, as the forecast read them. */
  readonly seen: Float64Array;
  /** Expert e's quantile at band b's level at [e * bands + b]. */
  readonly quantiles: Float64Array;
}

class WeightedForecast implements CountForecast {
  constructor(
    readonly windows: number,
    readonly horizon: number,
    private readonly first: CountForecast,
    /** Experts 1.. on the combined windows only. */
    private readonly rest: readonly CountForecast[],
    /** Window w's row among the combined windows, -1 when the first expert alone forecasts it. */
    private readonly combinedAt: Int32Array,
    private readonly weights: readonly (readonly Float64Array[] | undefined)[],
    /** Whether the top band is learnt; when not, it is the first expert's and caps the bands below. */
    private readonly adaptTail: boolean,
  ) {}

  point(window: number, step: number): number {
    return this.quantile(window, step, 0.5);
  }

  quantile(window: number, step: number, q: number): number {
    if (!(q > 0 && q < 1)) throw new RangeError(`quantile: q must be in (0, 1), got ${q}`);
    if (!Number.isInteger(window) || window < 0 || window >= this.windows) throw new RangeError(`window must be an integer in [0, ${this.windows}), got ${window}`);
    const c = this.combinedAt[window];
    const bands = c < 0 ? undefined : this.weights[c];
    if (bands === undefined) return this.first.quantile(window, step, q);
    const top = ADAPTIVE_BANDS.length - 1;
    let b = top;
    while (b > 0 && q < ADAPTIVE_BANDS[b].from) b--;
    if (this.adaptTail) return this.banded(window, c, step, q, b, bands);
    if (b === top) return this.first.quantile(window, step, q);
    return Math.min(this.banded(window, c, step, q, b, bands), this.first.quantile(window, step, ADAPTIVE_BANDS[top].from));
  }

  /** Band b's weighted quantile, at least the value the band below reaches at b's lower edge (so the whole is non-decreasing in q). */
  private banded(window: number, c: number, step: number, q: number, b: number, bands: readonly Float64Array[]): number {
    const w = bands[b];
    let s = w[0] > 0 ? w[0] * this.first.quantile(window, step, q) : 0;
    for (let e = 1; e < w.length; e++) if (w[e] > 0) s += w[e] * this.rest[e - 1].quantile(c, step, q);
    if (b === 0) return s;
    const edge = ADAPTIVE_BANDS[b].from;
    return Math.max(s, this.banded(window, c, step, Math.max(ADAPTIVE_BANDS[b - 1].from + 1e-9, edge - 1e-9), b - 1, bands));
  }

  cdf(window: number, step: number, k: number): number {
    if (k < 0) return 0;
    return cdfAt((q) => this.quantile(window, step, q), k, false);
  }
}

/**
 * The hybrid histogram keep-alive / prewarm policy of "Serverless in the Wild"
 * (Shahrad et al., USENIX ATC 2020, section 4.2), written from the paper's
 * description; constants cross-checked against public re-implementations
 * (osukhoroslov/dslab `crates/dslab-faas/src/extra/hybrid_histogram.rs`, OpenDC's
 * serverless `HybridHistogramPolicy.kt` / `RangeLimitedHistogram.kt`, and a Python
 * re-implementation whose header records the values as checked against
 * arXiv:2003.03423 section 4.2). See each constant. No code was copied.
 *
 * Per function it learns the distribution of idle times (IT: end of the last
 * execution to the next arrival) in a range-limited histogram, and after every
 * execution picks one of three modes:
 *
 * - `histogram` (the histogram is representative): pre-warm window = 5th percentile
 *   of the ITs rounded down to its bin's lower edge, minus 10%; keep-alive window =
 *   99th percentile rounded up to its bin's upper edge, plus 10%, minus the pre-warm
 *   window (so the container is alive from `end + prewarm` to `end + tail x 1.1`).
 *   If pre-warm > 0 the container is unloaded at once and one prewarm is ordered so
 *   that it is READY at `end + prewarm`; if pre-warm = 0 the container is simply kept
 *   for the keep-alive window.
 * - `fallback-keepalive` (too few ITs, or the bin counts' coefficient of variation is
 *   below 2, i.e. ITs spread evenly): no pre-warm, keep alive for the whole histogram
 *   range (4 h), the paper's "standard keep-alive" for unknown patterns.
 * - `time-series` (more than half of the ITs beyond the 4-hour range): predict the next
 *   IT from the recent ones (the paper fits ARIMA; here an AR(1) Yule-Walker
 *   forecast, see {@link forecastNextIdleTimeMs}); pre-warm = prediction x 0.85, keep-alive =
 *   prediction x 0.15 x 2 (a +-15% band around the prediction).
 *
 * Windows are recomputed only when a new IT is recorded (on an arrival), and stored in
 * typed arrays, so `onInvocationEnd` is O(1) and nothing on the hot path allocates.
 */

import { MINUTE_MS } from '../sim/policy';
import type { PolicyContext, PoolControl, PoolPolicy } from '../sim/policy';

/** Histogram range, ms: 4 hours (paper section 4.2). ITs at or beyond it are out of bounds. */
export const HISTOGRAM_RANGE_MS = 4 * 60 * MINUTE_MS;
/** Histogram bin width, ms: 1 minute (paper section 4.2), so 240 bins by default. */
export const HISTOGRAM_BIN_MS = MINUTE_MS;
/** Percentile of the IT distribution used as the "head" (pre-warm cut-off): 5th (paper). */
export const HEAD_PERCENTILE = 0.05;
/** Percentile of the IT distribution used as the "tail" (keep-alive cut-off): 99th (paper). */
export const TAIL_PERCENTILE = 0.99;
/**
 * Safety margin of the histogram windows: the head is reduced by 10% and the tail
 * extended by 10% (paper's default margin; `hist_margin = 0.1` in dslab).
 */
export const HISTOGRAM_MARGIN = 0.1;
/**
 * Coefficient-of-variation threshold of the histogram's bin counts: a histogram whose
 * CV is below 2 is "not representative" (ITs spread evenly over the range) and the
 * policy falls back to the standard keep-alive (paper; `cv_thr = 2` in dslab,
 * `cvThreshold = 2.0` in the OpenWhisk prototype). CV is computed over all bins of the
 * range with the population standard deviation.
 */
export const CV_THRESHOLD = 2;
/**
 * Fewest recorded ITs (in and out of bounds together) before the histogram or the
 * time series is trusted; below it the policy uses the standard keep-alive. The paper
 * gives no number; 5 is our choice (one re-implementation uses 10).
 */
export const MIN_IDLE_TIMES = 5;
/**
 * Share of out-of-bounds ITs above which the policy switches to the time-series
 * prediction: more than 50% ("most ITs out of bounds"; `oob_thr = 0.5` in dslab).
 * Exactly 50% stays with the histogram.
 */
export const OUT_OF_BOUNDS_SHARE = 0.5;
/**
 * Margin of the time-series windows: pre-warm = prediction x (1 - 0.15), keep-alive =
 * prediction x 0.15 x 2 (paper's 15% ARIMA margin; `arima_margin = 0.15` and
 * `keep-alive = arima() * margin * 2` in dslab, `forecastErrorMargin` in OpenDC).
 */
export const TIME_SERIES_MARGIN = 0.15;
/** Number of most recent ITs per function the time-series predictor is fitted on. */
export const TIME_SERIES_HISTORY = 16;

/** The decision mode of a function. */
export type HybridHistogramMode = 'histogram' | 'fallback-keepalive' | 'time-series';

/** The windows a function currently gets after each execution. */
export interface HybridHistogramWindows {
  /** Which rule produced the windows. */
  mode: HybridHistogramMode;
  /** Time from the end of an execution to a ready prewarmed container, ms (0 = no unload, no prewarm). */
  prewarmMs: number;
  /** How long the (kept or prewarmed) container stays idle, ms. */
  keepAliveMs: number;
}

/** What the policy has observed about a function's idle times. */
export interface IdleTimeStats {
  /** ITs recorded inside the histogram range. */
  inRange: number;
  /** ITs recorded at or beyond the histogram range. */
  outOfRange: number;
  /** Coefficient of variation of the histogram's bin counts (0 when empty). */
  coefficientOfVariation: number;
}

/** Overrides of the policy's constants (all optional; defaults are the exported constants). */
export interface HybridHistogramOptions {
  /** Histogram range, minutes; default 240 ({@link HISTOGRAM_RANGE_MS}). Must be a whole number of bins. */
  rangeMinutes?: number;
  /** Bin width, minutes; default 1 ({@link HISTOGRAM_BIN_MS}). */
  binMinutes?: number;
  /** Head percentile as a fraction in (0, 1); default 0.05. */
  headPercentile?: number;
  /** Tail percentile as a fraction in (0, 1], at least the head; default 0.99. */
  tailPercentile?: number;
  /** Histogram margin, fraction in [0, 1); default 0.1. */
  margin?: number;
  /** CV threshold, >= 0; default 2. */
  cvThreshold?: number;
  /** Fewest ITs before leaving the standard keep-alive, integer >= 1; default 5. */
  minIdleTimes?: number;
  /** Out-of-bounds share above which the time series is used, fraction in [0, 1); default 0.5. */
  outOfBoundsShare?: number;
  /** Time-series margin, fraction in [0, 1); default 0.15. */
  timeSeriesMargin?: number;
  /** ITs kept for the time-series predictor, integer >= 1; default 16. */
  historyLength?: number;
}

const MODE_FALLBACK = 0;
const MODE_HISTOGRAM = 1;
const MODE_TIME_SERIES = 2;

/** Tolerance when comparing a cumulative count with a percentile of the count. */
const PERCENTILE_EPSILON = 1e-9;

/**
 * One-step AR(1) forecast of the next idle time, fitted by Yule-Walker on a
 * chronological series read from a ring buffer: with mean m, lag-0 and lag-1
 * autocovariances c0 and c1, phi = clamp(c1 / c0, -1, 1) (0 when c0 = 0) and the
 * forecast is m + phi x (last - m), clamped to the [min, max] of the series. With
 * fewer than 3 values it is the mean. This stands in for the paper's ARIMA model
 * (ARIMA(1,0,0) is the simplest member of that family); it allocates nothing.
 *
 * @param ring the buffer.
 * @param base index in `ring` of the ring's slot 0.
 * @param capacity number of slots of the ring.
 * @param oldest slot (0..capacity-1) of the oldest value.
 * @param count number of values, oldest first (0 gives NaN).
 * @returns the forecast, in the series' unit (ms here).
 */
export function forecastNextIdleTimeMs(
  ring: ArrayLike<number>,
  base: number,
  capacity: number,
  oldest: number,
  count: number,
): number {
  if (count <= 0) return Number.NaN;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const v = ring[base + ((oldest + i) % capacity)];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / count;
  if (count < 3) return mean;
  let c0 = 0;
  let c1 = 0;
  let prev = ring[base + (oldest % capacity)] - mean;
  c0 += prev * prev;
  for (let i = 1; i < count; i++) {
    const d = ring[base + ((oldest + i) % capacity)] - mean;
    c0 += d * d;
    c1 += d * prev;
    prev = d;
  }
  let phi = c0 > 0 ? c1 / c0 : 0;
  if (phi > 1) phi = 1;
  else if (phi < -1) phi = -1;
  const forecast = mean + phi * prev;
  if (forecast < min) return min;
  if (forecast > max) return max;
  return forecast;
}

/** Resolved, validated constants of one policy instance. */
interface ResolvedOptions {
  readonly rangeMs: number;
  readonly binMs: number;
  readonly binCount: number;
  readonly headPercentile: number;
  readonly tailPercentile: number;
  readonly margin: number;
  readonly cvThreshold: number;
  readonly minIdleTimes: number;
  readonly outOfBoundsShare: number;
  readonly timeSeriesMargin: number;
  readonly historyLength: number;
}

function describe(value: number): string {
  return String(value);
}

function requireFraction(
  option: string,
  value: number,
  lowInclusive: boolean,
  highInclusive: boolean,
): number {
  const ok =
    Number.isFinite(value) &&
    (lowInclusive ? value >= 0 : value > 0) &&
    (highInclusive ? value <= 1 : value < 1);
  if (!ok) {
    const range = `${lowInclusive ? '[' : '('}0, 1${highInclusive ? ']' : ')'}`;
    throw new Error(`hybridHistogramPolicy: ${option} must be in ${range}, got ${describe(value)}`);
  }
  return value;
}

function requirePositiveInteger(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`hybridHistogramPolicy: ${option} must be an integer >= 1, got ${describe(value)}`);
  }
  return value;
}

function resolveOptions(options: HybridHistogramOptions): ResolvedOptions {
  const rangeMinutes = options.rangeMinutes ?? HISTOGRAM_RANGE_MS / MINUTE_MS;
  const binMinutes = options.binMinutes ?? HISTOGRAM_BIN_MS / MINUTE_MS;
  if (!Number.isFinite(rangeMinutes) || rangeMinutes <= 0) {
    throw new Error(
      `hybridHistogramPolicy: rangeMinutes must be a positive finite number, got ${describe(rangeMinutes)}`,
    );
  }
  if (!Number.isFinite(binMinutes) || binMinutes <= 0) {
    throw new Error(
      `hybridHistogramPolicy: binMinutes must be a positive finite number, got ${describe(binMinutes)}`,
    );
  }
  const bins = rangeMinutes / binMinutes;
  const binCount = Math.round(bins);
  if (binCount < 1 || Math.abs(bins - binCount) > 1e-9 * bins) {
    throw new Error(
      `hybridHistogramPolicy: rangeMinutes (${describe(rangeMinutes)}) must be a whole multiple of binMinutes (${describe(binMinutes)})`,
    );
  }
  const headPercentile = requireFraction('headPercentile', options.headPercentile ?? HEAD_PERCENTILE, false, false);
  const tailPercentile = requireFraction('tailPercentile', options.tailPercentile ?? TAIL_PERCENTILE, false, true);
  if (tailPercentile < headPercentile) {
    throw new Error(
      `hybridHistogramPolicy: tailPercentile (${describe(tailPercentile)}) must be >= headPercentile (${describe(headPercentile)})`,
    );
  }
  const margin = requireFraction('margin', options.margin ?? HISTOGRAM_MARGIN, true, false);
  const cvThreshold = options.cvThreshold ?? CV_THRESHOLD;
  if (!Number.isFinite(cvThreshold) || cvThreshold < 0) {
    throw new Error(
      `hybridHistogramPolicy: cvThreshold must be a finite number >= 0, got ${describe(cvThreshold)}`,
    );
  }
  const minIdleTimes = requirePositiveInteger('minIdleTimes', options.minIdleTimes ?? MIN_IDLE_TIMES);
  const outOfBoundsShare = requireFraction(
    'outOfBoundsShare',
    options.outOfBoundsShare ?? OUT_OF_BOUNDS_SHARE,
    true,
    false,
  );
  const timeSeriesMargin = requireFraction(
    'timeSeriesMargin',
    options.timeSeriesMargin ?? TIME_SERIES_MARGIN,
    true,
    false,
  );
  const historyLength = requirePositiveInteger('historyLength', options.historyLength ?? TIME_SERIES_HISTORY);
  return {
    rangeMs: binCount * binMinutes * MINUTE_MS,
    binMs: binMinutes * MINUTE_MS,
    binCount,
    headPercentile,
    tailPercentile,
    margin,
    cvThreshold,
    minIdleTimes,
    outOfBoundsShare,
    timeSeriesMargin,
    historyLength,
  };
}

/**
 * The hybrid histogram policy (see the module comment for the rules). Call
 * {@link HybridHistogramPolicy.reset} before use. All per-function state lives in
 * typed arrays sized in `reset`; the hooks allocate nothing.
 *
 * Concurrency: the running count of a function is arrivals minus ends; an IT is
 * recorded on an arrival only when nothing of that function is running, measured from
 * the latest end. Each end applies the function's current windows to the container
 * that just finished (with several containers, each is unloaded and the single pending
 * prewarm is replaced, as the paper's per-application model has one instance).
 */
export class HybridHistogramPolicy implements PoolPolicy {
  /** Name in reports. */
  readonly name = 'hybrid-histogram';
  /** The policy works on arrivals and ends only. */
  readonly wantsMinuteTicks = false;

  private readonly opt: ResolvedOptions;
  private functionCount = 0;
  private prewarmLoadMs = 0;
  /** Activations running now, per function. */
  private running = new Int32Array(0);
  /** End time of the latest execution, ms; NaN before the first. */
  private lastEndMs = new Float64Array(0);
  /** Histogram counts, `binCount` per function. */
  private bins = new Float64Array(0);
  /** ITs inside the range, per function. */
  private inRange = new Float64Array(0);
  /** ITs at or beyond the range, per function. */
  private outOfRange = new Float64Array(0);
  /** Sum of squared bin counts, per function (for the CV in O(1)). */
  private sumSquares = new Float64Array(0);
  /** Ring buffers of recent ITs, `historyLength` per function. */
  private history = new Float64Array(0);
  /** Slot of the oldest IT in each ring. */
  private historyOldest = new Int32Array(0);
  /** ITs in each ring. */
  private historyCount = new Int32Array(0);
  /** Current mode per function (MODE_*). */
  private mode = new Uint8Array(0);
  /** Current pre-warm window per function, ms. */
  private prewarmMs = new Float64Array(0);
  /** Current keep-alive window per function, ms. */
  private keepAliveMs = new Float64Array(0);
  /** Time the last ordered prewarm starts loading, ms (NaN = none ordered). */
  private prewarmStartMs = new Float64Array(0);

  /** @param options overrides of the constants; see {@link HybridHistogramOptions}. */
  constructor(options: HybridHistogramOptions = {}) {
    this.opt = resolveOptions(options);
  }

  /** Allocates and clears all per-function state; every function starts in the standard keep-alive. */
  reset(ctx: PolicyContext): void {
    const n = ctx.functionCount;
    const o = this.opt;
    this.functionCount = n;
    this.prewarmLoadMs = Math.max(0, ctx.prewarmLoadMs);
    this.running = new Int32Array(n);
    this.lastEndMs = new Float64Array(n).fill(Number.NaN);
    this.bins = new Float64Array(n * o.binCount);
    this.inRange = new Float64Array(n);
    this.outOfRange = new Float64Array(n);
    this.sumSquares = new Float64Array(n);
    this.history = new Float64Array(n * o.historyLength);
    this.historyOldest = new Int32Array(n);
    this.historyCount = new Int32Array(n);
    this.mode = new Uint8Array(n).fill(MODE_FALLBACK);
    this.prewarmMs = new Float64Array(n);
    this.keepAliveMs = new Float64Array(n).fill(o.rangeMs);
    this.prewarmStartMs = new Float64Array(n).fill(Number.NaN);
  }

  /** Records an IT when no activation of `fn` is running and one has ended before; counts the arrival as running. */
  onArrival(fn: number, nowMs: number): void {
    if (this.running[fn] === 0) {
      const last = this.lastEndMs[fn];
      if (last === last) {
        // not NaN: an execution ended before, and nothing has run since
        const it = nowMs - last;
        this.recordIdleTime(fn, it > 0 ? it : 0);
      }
    }
    this.running[fn] += 1;
  }

  /**
   * Applies the function's current windows to the container that just finished.
   * @returns 0 (unload now) when a prewarm is ordered, else the keep-alive window, ms.
   */
  onInvocationEnd(fn: number, nowMs: number, control: PoolControl): number {
    if (this.running[fn] > 0) this.running[fn] -= 1;
    this.lastEndMs[fn] = nowMs;
    const prewarm = this.prewarmMs[fn];
    const keepAlive = this.keepAliveMs[fn];
    // The paper's unit is the application: it is idle only when nothing of it runs. While other
    // activations of the function still run, the function is loaded, so this container stays
    // (until the tail of the idle-time distribution) and the windows apply at the last end.
    if (this.running[fn] > 0) return prewarm + keepAlive;
    if (prewarm > 0) {
      control.cancelPrewarms(fn);
      const delay = prewarm > this.prewarmLoadMs ? prewarm - this.prewarmLoadMs : 0;
      control.prewarm(fn, 1, delay, keepAlive);
      this.prewarmStartMs[fn] = nowMs + delay;
      return 0;
    }
    // The container is kept: a prewarm ordered under earlier windows is superseded.
    if (nowMs < this.prewarmStartMs[fn]) control.cancelPrewarms(fn);
    return keepAlive;
  }

  /** Never called (`wantsMinuteTicks` is false). */
  onMinute(_minute: number, _nowMs: number, _control: PoolControl): void {
    // No periodic work.
  }

  /**
   * The windows `fn` currently gets after an execution (allocates; not for the hot path).
   * @throws RangeError when `fn` is not a function of the last `reset`.
   */
  windows(fn: number): HybridHistogramWindows {
    this.checkFunction(fn);
    const m = this.mode[fn];
    const mode: HybridHistogramMode =
      m === MODE_HISTOGRAM ? 'histogram' : m === MODE_TIME_SERIES ? 'time-series' : 'fallback-keepalive';
    return { mode, prewarmMs: this.prewarmMs[fn], keepAliveMs: this.keepAliveMs[fn] };
  }

  /**
   * Counts of the ITs recorded for `fn` and the CV of its histogram (allocates; not for the hot path).
   * @throws RangeError when `fn` is not a function of the last `reset`.
   */
  idleTimeStats(fn: number): IdleTimeStats {
    this.checkFunction(fn);
    return {
      inRange: this.inRange[fn],
      outOfRange: this.outOfRange[fn],
      coefficientOfVariation: this.coefficientOfVariation(fn),
    };
  }

  private checkFunction(fn: number): void {
    if (!Number.isInteger(fn) || fn < 0 || fn >= this.functionCount) {
      throw new RangeError(
        `HybridHistogramPolicy: function ${String(fn)} out of range [0, ${String(this.functionCount)}) (was reset called?)`,
      );
    }
  }

  /** Adds one IT to the histogram and the ring, then recomputes the function's windows. */
  private recordIdleTime(fn: number, itMs: number): void {
    const o = this.opt;
    const cap = o.historyLength;
    const count = this.historyCount[fn];
    const oldest = this.historyOldest[fn];
    if (count < cap) {
      this.history[fn * cap + ((oldest + count) % cap)] = itMs;
      this.historyCount[fn] = count + 1;
    } else {
      this.history[fn * cap + oldest] = itMs;
      this.historyOldest[fn] = (oldest + 1) % cap;
    }
    const bin = Math.floor(itMs / o.binMs);
    if (bin < o.binCount) {
      const idx = fn * o.binCount + bin;
      const c = this.bins[idx];
      this.bins[idx] = c + 1;
      this.sumSquares[fn] += 2 * c + 1;
      this.inRange[fn] += 1;
    } else {
      this.outOfRange[fn] += 1;
    }
    this.recompute(fn);
  }

  /** CV of the bin counts over all bins: sqrt(K * sum(c^2) - n^2) / n, exact for integer counts. */
  private coefficientOfVariation(fn: number): number {
    const n = this.inRange[fn];
    if (n <= 0) return 0;
    const v = this.opt.binCount * this.sumSquares[fn] - n * n;
    return v > 0 ? Math.sqrt(v) / n : 0;
  }

  private setWindows(fn: number, mode: number, prewarmMs: number, keepAliveMs: number): void {
    this.mode[fn] = mode;
    this.prewarmMs[fn] = Math.round(prewarmMs);
    this.keepAliveMs[fn] = Math.round(keepAliveMs);
  }

  private recompute(fn: number): void {
    const o = this.opt;
    const inRange = this.inRange[fn];
    const outOfRange = this.outOfRange[fn];
    const total = inRange + outOfRange;
    if (total < o.minIdleTimes) {
      this.setWindows(fn, MODE_FALLBACK, 0, o.rangeMs);
      return;
    }
    if (outOfRange > o.outOfBoundsShare * total) {
      const predicted = forecastNextIdleTimeMs(
        this.history,
        fn * o.historyLength,
        o.historyLength,
        this.historyOldest[fn],
        this.historyCount[fn],
      );
      this.setWindows(
        fn,
        MODE_TIME_SERIES,
        predicted * (1 - o.timeSeriesMargin),
        predicted * o.timeSeriesMargin * 2,
      );
      return;
    }
    if (inRange <= 0 || this.coefficientOfVariation(fn) < o.cvThreshold) {
      this.setWindows(fn, MODE_FALLBACK, 0, o.rangeMs);
      return;
    }
    const base = fn * o.binCount;
    const headTarget = o.headPercentile * inRange - PERCENTILE_EPSILON;
    const tailTarget = o.tailPercentile * inRange - PERCENTILE_EPSILON;
    let headBin = -1;
    let tailBin = o.binCount - 1;
    let cum = 0;
    for (let b = 0; b < o.binCount; b++) {
      cum += this.bins[base + b];
      if (headBin < 0 && cum >= headTarget) headBin = b;
      if (cum >= tailTarget) {
        tailBin = b;
        break;
      }
    }
    if (headBin < 0) headBin = tailBin;
    const prewarm = headBin * o.binMs * (1 - o.margin);
    const aliveUntil = (tailBin + 1) * o.binMs * (1 + o.margin);
    this.setWindows(fn, MODE_HISTOGRAM, prewarm, aliveUntil - prewarm);
  }
}

/**
 * The hybrid histogram baseline.
 * @param options overrides of the paper's constants (defaults: 4-hour range, 1-minute
 *   bins, 5th / 99th percentiles, 10% margin, CV threshold 2, 5 ITs minimum, 50%
 *   out-of-bounds share, 15% time-series margin, 16-IT history).
 * @returns a policy named `hybrid-histogram`.
 * @throws Error naming the option and value when an option is out of its range.
 */
export function hybridHistogramPolicy(options?: HybridHistogramOptions): HybridHistogramPolicy {
  return new HybridHistogramPolicy(options);
}

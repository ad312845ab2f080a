import type { CountForecast, ForecastWindow, Forecaster } from './forecast-types';

/** Default minutes of the past read when a window holds them: one day. */
export const DEFAULT_HAZARD_CONTEXT_MINUTES = 1440;

/** Default prior strength, in pseudo-gaps, that pulls each idle-time hazard towards the function's overall rate. */
export const DEFAULT_HAZARD_PRIOR_GAPS = 8;

/** Default copies of the last count among the counts drawn after a non-zero minute. */
export const DEFAULT_HAZARD_PERSISTENCE_SAMPLES = 4;

/** Default pseudo-minutes of the pooled tail hazard's own prior (centred on theta). */
export const DEFAULT_HAZARD_TAIL_PRIOR_MINUTES = 1;

/** Default number of the latest non-zero minutes whose counts make the count-given-an-arrival distribution. */
export const DEFAULT_HAZARD_COUNT_SAMPLES = 64;

/** Settings of {@link IdleHazardForecaster}. */
export interface IdleHazardOptions {
  /** Minutes of each window read at most (its last ones); default {@link DEFAULT_HAZARD_CONTEXT_MINUTES}. */
  readonly contextMinutes?: number;
  /** Prior strength alpha, pseudo-gaps; default {@link DEFAULT_HAZARD_PRIOR_GAPS}. */
  readonly priorGaps?: number;
  /** Non-zero minutes whose counts are kept; default {@link DEFAULT_HAZARD_COUNT_SAMPLES}. */
  readonly countSamples?: number;
  /** Minimum window length, minutes; default 48 (the network's input window, so both regimes see the same windows). */
  readonly historyMinutes?: number;
  /**
   * Whether a minute after a non-zero last minute draws its count around that
   * last count (see {@link IdleHazardForecaster}); default true. False gives
   * every step the recent non-zero counts (the rule before this option).
   */
  readonly conditionOnLastCount?: boolean;
  /** Copies of the last count among the counts after a non-zero minute; default {@link DEFAULT_HAZARD_PERSISTENCE_SAMPLES}. */
  readonly persistenceSamples?: number;
  /**
   * Pseudo-minutes beta of the pooled tail hazard the prior is centred on
   * (0: the prior is centred on theta, the rule before this option); default
   * {@link DEFAULT_HAZARD_TAIL_PRIOR_MINUTES}.
   */
  readonly tailPriorMinutes?: number;
  /** The name in reports; default `idle-hazard`. */
  readonly name?: string;
  /**
   * The prior of the next minute's hazard after a non-zero last minute of
   * count c: pairs [least count, probability that a minute of that count is
   * followed by a non-zero one], ascending by count (the last pair whose
   * count is <= c applies); default {@link DEFAULT_CONTINUATION_PRIOR}; empty:
   * the prior is H(0), as for any other age.
   */
  readonly continuation?: readonly (readonly [number, number])[];
  /** Strength of that prior, pseudo-gaps; default {@link DEFAULT_CONTINUATION_PRIOR_GAPS}. */
  readonly continuationGaps?: number;
}

/**
 * Default continuation prior: on minutes 0 to 720 of the 1,350-function day
 * (before the validation and held-out minutes), over all functions, a minute
 * with 1 invocation was followed by a non-zero minute 64.0% of the time
 * (113,197 minutes) and one with 2 or more 94.4% (47,067 minutes; 92.5% to
 * 99.0% in every bin of 2-3, 4-7, ..., 256+).
 */
export const DEFAULT_CONTINUATION_PRIOR: readonly (readonly [number, number])[] = [
  [1, 0.64],
  [2, 0.94],
];

/** Default strength of the continuation prior, pseudo-gaps (chosen on validation minutes from 1, 2 and 8). */
export const DEFAULT_CONTINUATION_PRIOR_GAPS = 1;

/**
 * The idle-time forecaster of sparse functions: whether a minute has any
 * invocation follows the function's own idle-time distribution, and how many
 * it has, given one, follows its own recent non-zero counts.
 *
 * A gap is a run of k >= 0 zero minutes between two non-zero minutes. From the
 * window (its last `contextMinutes`) the discrete hazard of ending a gap after
 * k zero minutes is estimated with a Beta prior of strength alpha
 * (`priorGaps`) centred on the pooled tail hazard H(k):
 *
 *     h(k) = (d_k + alpha H(k)) / (n_k + alpha)
 *     H(k) = (e_m + beta theta) / (x_m + max(0, a - m) + beta),  m = floor(k / 2)
 *
 * with e_m the complete gaps at least m long, x_m the zero minutes they spent
 * at ages >= m (the ending minute included), a the current gap's age, beta
 * (`tailPriorMinutes`) pseudo-minutes of the function's overall share of
 * non-zero minutes theta = (m' + 1/2) / (L + 1) (m' non-zero minutes in L).
 * H is a constant hazard over the ages from k/2 on, so where the window has
 * no gap of length k the prior is what gaps of about that age did, and it
 * falls as the current gap grows (an hour-old gap of a function busy this
 * morning no longer gets the morning's rate); `tailPriorMinutes` 0 centres
 * the prior on theta instead (the rule before it). Here d_k counts the complete gaps of length k and n_k the gaps (the current,
 * unfinished one included, as censored) at least k long. The current gap is a
 * zero minutes old, so the first arrival comes at step s with probability
 * f(s) = h(a + s) prod_{j<s} (1 - h(a + j)), and a later step is non-zero
 * either through that first arrival or a renewal after an earlier one:
 *
 *     u(s) = f(s) + sum_{j<s} f(j) r(s - j),   r(m) = g(m-1) + sum_{k<=m-2} g(k) r(m-1-k)
 *
 * (g(k) = h(k) prod_{j<k} (1 - h(j)), the gap distribution). The count is 0
 * with probability 1 - u(s), else drawn from the empirical distribution of the
 * last `countSamples` non-zero counts (a single 1 when there are none), except
 * in the next minute (step 0) after a non-zero last minute of count c: bursts
 * keep their level, so that count is drawn from `persistenceSamples` copies of
 * c and c + (c_i - c_{i-1}) (at least 1) for the latest `countSamples` pairs
 * of consecutive non-zero minutes (a random walk on the burst's level, the
 * empirical changes of the function's own bursts). A timer (every gap the
 * same) gets u near 1 exactly at its period and near 0 between; a function
 * idle all day gets u ~ 1 / (2L). Deterministic, no
 * training: everything comes from the window itself.
 */
export class IdleHazardForecaster implements Forecaster {
  readonly name: string;
  private readonly conditionOnLastCount: boolean;
  private readonly persistenceSamples: number;
  private readonly tailPrior: number;
  private readonly continuation: readonly (readonly [number, number])[];
  private readonly continuationGaps: number;
  readonly historyMinutes: number;
  /** Minutes of each window read at most. */
  readonly contextMinutes: number;
  private readonly alpha: number;
  private readonly countSamples: number;

  constructor(options: IdleHazardOptions = {}) {
    this.name = options.name ?? 'idle-hazard';
    this.conditionOnLastCount = options.conditionOnLastCount ?? true;
    this.persistenceSamples = positiveInteger('persistenceSamples', options.persistenceSamples ?? DEFAULT_HAZARD_PERSISTENCE_SAMPLES);
    this.tailPrior = options.tailPriorMinutes ?? DEFAULT_HAZARD_TAIL_PRIOR_MINUTES;
    this.continuation = options.continuation ?? DEFAULT_CONTINUATION_PRIOR;
    this.continuationGaps = options.continuationGaps ?? DEFAULT_CONTINUATION_PRIOR_GAPS;
    if (!(this.continuationGaps > 0) || !Number.isFinite(this.continuationGaps)) {
      throw new RangeError(`idle-hazard: continuationGaps must be a finite number > 0, got ${this.continuationGaps}`);
    }
    this.continuation.forEach(([from, p], i) => {
      if (!(p >= 0 && p <= 1) || !Number.isFinite(from) || (i > 0 && !(from > this.continuation[i - 1][0]))) {
        throw new RangeError(`idle-hazard: continuation pair ${i} [${from}, ${p}] must have a count above the previous one and a probability in [0, 1]`);
      }
    });
    if (!(this.tailPrior >= 0) || !Number.isFinite(this.tailPrior)) {
      throw new RangeError(`idle-hazard: tailPriorMinutes must be a finite number >= 0, got ${this.tailPrior}`);
    }
    this.historyMinutes = positiveInteger('historyMinutes', options.historyMinutes ?? 48);
    this.contextMinutes = positiveInteger('contextMinutes', options.contextMinutes ?? DEFAULT_HAZARD_CONTEXT_MINUTES);
    this.countSamples = positiveInteger('countSamples', options.countSamples ?? DEFAULT_HAZARD_COUNT_SAMPLES);
    const alpha = options.priorGaps ?? DEFAULT_HAZARD_PRIOR_GAPS;
    if (!(alpha > 0) || !Number.isFinite(alpha)) throw new RangeError(`idle-hazard: priorGaps must be a finite number > 0, got ${alpha}`);
    this.alpha = alpha;
    if (this.contextMinutes < this.historyMinutes) {
      throw new RangeError(`idle-hazard: contextMinutes (${this.contextMinutes}) must be at least historyMinutes (${this.historyMinutes})`);
    }
  }

  forecast(windows: readonly ForecastWindow[], horizon: number): CountForecast {
    if (!Number.isSafeInteger(horizon) || horizon < 1) throw new RangeError(`idle-hazard: horizon must be an integer >= 1, got ${horizon}`);
    const n = windows.length;
    const arrival = new Float64Array(n * horizon);
    // Each window's kept non-zero counts, ascending, in one flat array: window w owns [offsets[w], offsets[w + 1]).
    const offsets = new Int32Array(n + 1);
    // Gap histograms, reused by every window of the call (a window reads at most contextMinutes).
    const scratch = { d: new Float64Array(this.contextMinutes + 1), atLeast: new Float64Array(this.contextMinutes + 2), exposure: new Float64Array(this.contextMinutes + 2) };
    let positive = new Float64Array(Math.max(16, n * 4));
    const nextOffsets = new Int32Array(n + 1);
    const nextSamples: number[] = [];
    windows.forEach((win, w) => {
      const c = win.counts;
      if (c.length < this.historyMinutes) {
        throw new RangeError(`idle-hazard: window ${w} holds ${c.length} minutes, needs at least ${this.historyMinutes}`);
      }
      const from = Math.max(0, c.length - this.contextMinutes);
      const kept = this.arrivalProbabilities(c, from, horizon, arrival.subarray(w * horizon, (w + 1) * horizon), scratch);
      const at = offsets[w];
      if (at + kept.length > positive.length) {
        const grown = new Float64Array(Math.max(2 * positive.length, at + kept.length));
        grown.set(positive);
        positive = grown;
      }
      positive.set(kept, at);
      offsets[w + 1] = at + kept.length;
      if (this.conditionOnLastCount) for (const v of this.afterNonZero(c, from)) nextSamples.push(v);
      nextOffsets[w + 1] = nextSamples.length;
    });
    return new HazardCountForecast(n, horizon, arrival, offsets, positive.slice(0, offsets[n]), nextOffsets, Float64Array.from(nextSamples));
  }

  /**
   * Sorted counts given an arrival in the minute after a non-zero last minute
   * c: `persistenceSamples` copies of c and max(1, c + c_i - c_{i-1}) for the
   * latest `countSamples` pairs of consecutive non-zero minutes of
   * `c[from..]`. Empty when the last minute was 0.
   */
  private afterNonZero(c: Float64Array, from: number): number[] {
    const end = c.length;
    const last = c[end - 1];
    if (!(last > 0)) return [];
    const out: number[] = [];
    for (let k = 0; k < this.persistenceSamples; k++) out.push(last);
    let pairs = 0;
    for (let i = end - 1; i > from && pairs < this.countSamples; i--) {
      if (c[i] > 0 && c[i - 1] > 0) {
        out.push(Math.max(1, last + c[i] - c[i - 1]));
        pairs++;
      }
    }
    return out.sort((a, b) => a - b);
  }

  /**
   * Writes u(0..horizon-1) of `c[from..]` into `out` and returns the sorted
   * counts of its latest non-zero minutes.
   */
  private arrivalProbabilities(
    c: Float64Array,
    from: number,
    horizon: number,
    out: Float64Array,
    scratch: { readonly d: Float64Array; readonly atLeast: Float64Array; readonly exposure: Float64Array },
  ): Float64Array {
    const len = c.length - from;
    // Gap lengths: complete ones counted in d, the current one is `age` minutes old.
    const d = scratch.d;
    d.fill(0, 0, len + 1);
    let nonZero = 0;
    let last = -1;
    for (let i = from; i < c.length; i++) {
      const v = c[i];
      if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`idle-hazard: count ${v} at window minute ${i} is not a finite count >= 0`);
      if (v > 0) {
        if (last >= 0) {
          d[i - last - 1] += 1;
        }
        last = i;
        nonZero++;
      }
    }
    const age = last >= 0 ? c.length - 1 - last : len;
    const theta = (nonZero + 0.5) / (len + 1);
    // atLeast[k]: complete gaps of length >= k, from the tail sums of d.
    const atLeast = scratch.atLeast;
    atLeast[len + 1] = 0;
    for (let k = len; k >= 0; k--) atLeast[k] = atLeast[k + 1] + d[k];
    const alpha = this.alpha;
    let centre: (k: number) => number = () => theta;
    if (this.tailPrior > 0) {
      // exposure[m]: zero minutes of complete gaps at ages >= m (ending minute included) = sum_{j >= m} atLeast[j].
      const exposure = scratch.exposure;
      exposure[len + 1] = 0;
      for (let m = len; m >= 0; m--) exposure[m] = exposure[m + 1] + atLeast[m];
      const beta = this.tailPrior;
      centre = (k: number): number => {
        const m = Math.min(len + 1, Math.floor(k / 2));
        return (atLeast[m] + beta * theta) / (exposure[m] + Math.max(0, age - m) + beta);
      };
    }
    const hazard = (k: number): number => {
      const dk = k <= len ? d[k] : 0;
      const nk = (k <= len ? atLeast[k] : 0) + (age > k ? 1 : 0);
      return (dk + alpha * centre(k)) / (nk + alpha);
    };
    // First arrival f(s), gap distribution g(k) and renewal r(m) over the horizon.
    const f = new Float64Array(horizon);
    let survive = 1;
    for (let s = 0; s < horizon; s++) {
      let h = hazard(age + s);
      if (s === 0 && age === 0 && this.continuation.length > 0) {
        // The minute after a non-zero one: the prior is the continuation probability of bursts of that count.
        const cLast = c[c.length - 1];
        let pi = this.continuation[0][1];
        for (const [from, p] of this.continuation) if (cLast >= from) pi = p;
        const dk = d[0];
        const nk = atLeast[0];
        h = (dk + this.continuationGaps * pi) / (nk + this.continuationGaps);
      }
      f[s] = survive * h;
      survive *= 1 - h;
    }
    const g = new Float64Array(horizon);
    survive = 1;
    for (let k = 0; k < horizon; k++) {
      const h = hazard(k);
      g[k] = survive * h;
      survive *= 1 - h;
    }
    const r = new Float64Array(horizon);
    for (let m = 1; m < horizon; m++) {
      let v = g[m - 1];
      for (let k = 0; k <= m - 2; k++) v += g[k] * r[m - 1 - k];
      r[m] = v;
    }
    for (let s = 0; s < horizon; s++) {
      let u = f[s];
      for (let j = 0; j < s; j++) u += f[j] * r[s - j];
      out[s] = Math.min(1, Math.max(0, u));
    }
    // Counts of the latest non-zero minutes.
    const kept: number[] = [];
    for (let i = c.length - 1; i >= from && kept.length < this.countSamples; i--) if (c[i] > 0) kept.push(c[i]);
    if (kept.length === 0) kept.push(1);
    return Float64Array.from(kept).sort();
  }
}

/** u(s) per window and step, with each window's sorted non-zero counts. */
class HazardCountForecast implements CountForecast {
  constructor(
    readonly windows: number,
    readonly horizon: number,
    private readonly arrival: Float64Array,
    /** Window w's sorted counts are positive[offsets[w] .. offsets[w + 1]). */
    private readonly offsets: Int32Array,
    private readonly positive: Float64Array,
    private readonly nextOffsets: Int32Array,
    private readonly next: Float64Array,
  ) {}

  private samples(window: number, step: number): [Float64Array, number, number] {
    if (step === 0) {
      const lo = this.nextOffsets[window];
      const hi = this.nextOffsets[window + 1];
      if (hi > lo) return [this.next, lo, hi];
    }
    return [this.positive, this.offsets[window], this.offsets[window + 1]];
  }

  /** P(at least one invocation in step `step` of window `window`). */
  arrivalProbability(window: number, step: number): number {
    this.check(window, step);
    return this.arrival[window * this.horizon + step];
  }

  /** The median (what MAE scores). */
  point(window: number, step: number): number {
    return this.quantile(window, step, 0.5);
  }

  quantile(window: number, step: number, q: number): number {
    if (!(q > 0 && q < 1)) throw new RangeError(`quantile: q must be in (0, 1), got ${q}`);
    const u = this.arrivalProbability(window, step);
    if (q <= 1 - u) return 0;
    const [arr, lo, hi] = this.samples(window, step);
    const m = hi - lo;
    // Smallest kept count k with (1 - u) + u F(k) >= q, F the empirical distribution of the kept counts.
    const need = (q - (1 - u)) / u;
    const idx = Math.min(m - 1, Math.max(0, Math.ceil(need * m - 1e-9) - 1));
    return arr[lo + idx];
  }

  cdf(window: number, step: number, k: number): number {
    const u = this.arrivalProbability(window, step);
    if (k < 0) return 0;
    const [arr, lo, hi] = this.samples(window, step);
    let below = lo;
    while (below < hi && arr[below] <= k) below++;
    return 1 - u + (u * (below - lo)) / (hi - lo);
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

function positiveInteger(what: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`idle-hazard: ${what} must be an integer >= 1, got ${n}`);
  return n;
}

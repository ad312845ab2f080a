import type { CountForecast } from './forecast-types';

/**
 * Pinball (quantile) loss of the forecast `yq` of the `q`-quantile when `y` was observed:
 *
 *     pinball(q, y, yq) = max(q * (y - yq), (q - 1) * (y - yq))
 *
 * i.e. q * (y - yq) when the forecast is below the outcome and (1 - q) * (yq - y)
 * when it is above. In the unit of the counts (invocations per minute); 0 when
 * yq = y. Its mean over outcomes is minimised by the true q-quantile, so a
 * lower mean pinball at q = 0.99 means a better 99th-percentile forecast.
 * At q = 0.5 it is half the absolute error.
 */
export function pinball(q: number, y: number, yq: number): number {
  const d = y - yq;
  return Math.max(q * d, (q - 1) * d);
}

/** Mean pinball loss at the three quantile levels the bench scores, in invocations per minute. */
export interface PinballScores {
  readonly q50: number;
  readonly q90: number;
  readonly q99: number;
}

/**
 * Scores of count forecasts over a set of (window, step) cells. Errors are in
 * invocations per minute; every mean is over `cells` (NaN when `cells` is 0).
 */
export interface ForecastScores {
  /** Cells (one window, one step, with an observed count) scored. */
  readonly cells: number;
  /** Mean absolute error of the point forecast. */
  readonly mae: number;
  /** Root mean squared error of the point forecast. */
  readonly rmse: number;
  /** Mean pinball loss of quantile(…, q) at q = 0.5, 0.9, 0.99. */
  readonly pinball: PinballScores;
  /**
   * The 90% interval's coverage for counts: mean over cells of the randomised-PIT
   * coverage of [q0.05, q0.95] (see {@link expectedCoverage}); 0.9 is calibrated.
   */
  readonly coverage90: number;
  /** Share (0..1) of cells with quantile(0.05) <= actual <= quantile(0.95) (biased upwards for counts with many zeros). */
  readonly coverage90Closed: number;
}

/** Which steps of each forecast the accumulator scores: step 0 only (the next minute) or every step. */
export type ScoredSteps = 'first' | 'all';

/**
 * The observed count of window `window`, step `step` (invocations in that
 * minute), or NaN when it is not known (e.g. past the end of the test range):
 * such cells are not scored.
 */
export type ActualCount = (window: number, step: number) => number;

/** Per-step sums, one slot per step. */
const SUMS = ['cells', 'absError', 'squaredError', 'pinball50', 'pinball90', 'pinball99', 'covered', 'coveredClosed'] as const;
type SumName = (typeof SUMS)[number];

/**
 * Accumulates forecast scores cell by cell, per step and in total, without
 * keeping the cells. Memory is O(horizon), whatever the number of windows.
 */
export class ForecastAccumulator {
  /** Steps scored: `first` = step 0 only, `all` = every step of each forecast. */
  readonly steps: ScoredSteps;
  private sums: Record<SumName, Float64Array>;

  constructor(options: { readonly steps?: ScoredSteps } = {}) {
    this.steps = options.steps ?? 'first';
    this.sums = ForecastAccumulator.allocate(1);
  }

  private static allocate(steps: number): Record<SumName, Float64Array> {
    return {
      cells: new Float64Array(steps),
      absError: new Float64Array(steps),
      squaredError: new Float64Array(steps),
      pinball50: new Float64Array(steps),
      pinball90: new Float64Array(steps),
      pinball99: new Float64Array(steps),
      covered: new Float64Array(steps),
      coveredClosed: new Float64Array(steps),
    };
  }

  /** Steps that have a slot (the largest horizon scored so far, 1 when only step 0 is scored). */
  get stepCount(): number {
    return this.sums.cells.length;
  }

  private ensureSteps(steps: number): void {
    if (steps <= this.stepCount) return;
    const grown = ForecastAccumulator.allocate(steps);
    for (const name of SUMS) grown[name].set(this.sums[name]);
    this.sums = grown;
  }

  /**
   * Scores every cell of `forecast` (only step 0 when `steps` is `first`)
   * whose actual count is known.
   */
  add(forecast: CountForecast, actual: ActualCount): void {
    const steps = this.steps === 'first' ? Math.min(1, forecast.horizon) : forecast.horizon;
    this.ensureSteps(steps);
    for (let w = 0; w < forecast.windows; w++) {
      for (let s = 0; s < steps; s++) {
        const y = actual(w, s);
        if (Number.isNaN(y)) continue;
        this.accumulate(s, y, forecast.point(w, s), (q) => forecast.quantile(w, s, q));
      }
    }
  }

  /**
   * Scores one cell of step `step`: observed `y`, point forecast `point`, and
   * the quantile function of the forecast.
   */
  addCell(step: number, y: number, point: number, quantile: (q: number) => number): void {
    if (!Number.isInteger(step) || step < 0) throw new RangeError(`step must be an integer >= 0, got ${step}`);
    if (this.steps === 'first' && step > 0) throw new RangeError(`this accumulator scores step 0 only, got step ${step}`);
    this.ensureSteps(step + 1);
    this.accumulate(step, y, point, quantile);
  }

  private accumulate(step: number, y: number, point: number, quantile: (q: number) => number): void {
    const s = this.sums;
    const q05 = quantile(0.05);
    const q50 = quantile(0.5);
    const q90 = quantile(0.9);
    const q95 = quantile(0.95);
    const q99 = quantile(0.99);
    const e = y - point;
    s.cells[step] += 1;
    s.absError[step] += Math.abs(e);
    s.squaredError[step] += e * e;
    s.pinball50[step] += pinball(0.5, y, q50);
    s.pinball90[step] += pinball(0.9, y, q90);
    s.pinball99[step] += pinball(0.99, y, q99);
    if (q05 <= y && y <= q95) s.coveredClosed[step] += 1;
    s.covered[step] += expectedCoverage(quantile, y, 0.05, 0.95);
  }

  /** Scores over every cell added, all steps together. */
  scores(): ForecastScores {
    const total = (name: SumName): number => this.sums[name].reduce((a, b) => a + b, 0);
    return toScores((name) => total(name));
  }

  /** Scores over the cells of one step (all zero cells, NaN means, for a step never scored). */
  stepScores(step: number): ForecastScores {
    if (!Number.isInteger(step) || step < 0) throw new RangeError(`step must be an integer >= 0, got ${step}`);
    return toScores((name) => (step < this.stepCount ? this.sums[name][step] : 0));
  }
}

function toScores(sum: (name: SumName) => number): ForecastScores {
  const n = sum('cells');
  const mean = (name: SumName): number => (n > 0 ? sum(name) / n : Number.NaN);
  return {
    cells: n,
    mae: mean('absError'),
    rmse: Math.sqrt(mean('squaredError')),
    pinball: { q50: mean('pinball50'), q90: mean('pinball90'), q99: mean('pinball99') },
    coverage90: mean('covered'),
    coverage90Closed: mean('coveredClosed'),
  };
}

/** Bisection steps of {@link cdfAt}: the probability is found to 2^-30. */
const CDF_STEPS = 30;

/**
 * P(Y <= y) (or P(Y < y) when `strict`) of a forecast given only by its
 * quantile function: the largest q with quantile(q) <= y (< y), by bisection
 * on q in (0, 1). Works for any non-decreasing quantile function.
 */
export function cdfAt(quantile: (q: number) => number, y: number, strict: boolean): number {
  const below = (q: number): boolean => (strict ? quantile(q) < y : quantile(q) <= y);
  let lo = 0;
  let hi = 1;
  if (!below(2 ** -CDF_STEPS)) return 0;
  if (below(1 - 2 ** -CDF_STEPS)) return 1;
  for (let k = 0; k < CDF_STEPS; k++) {
    const mid = (lo + hi) / 2;
    if (below(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Expected coverage of the central interval [q_lo, q_hi] for one observation y,
 * under the randomised probability integral transform for counts (Czado,
 * Gneiting and Held 2009): u is uniform on [P(Y < y), P(Y <= y)], and the
 * observation counts as covered with probability
 * |[P(Y < y), P(Y <= y)] intersected with [lo, hi]| / (P(Y <= y) - P(Y < y)).
 * For a calibrated forecast of a count this averages to hi - lo; the closed
 * interval's share (q_lo <= y <= q_hi) cannot: when 97% of minutes are zero,
 * every calibrated forecast has q05 = q95 = 0 and covers 97%.
 */
export function expectedCoverage(quantile: (q: number) => number, y: number, lo: number, hi: number): number {
  const a = cdfAt(quantile, y, true);
  const b = cdfAt(quantile, y, false);
  if (b - a <= 0) return a >= lo && a <= hi ? 1 : 0;
  return Math.max(0, Math.min(b, hi) - Math.max(a, lo)) / (b - a);
}

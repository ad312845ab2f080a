import type { DurationModel } from '../sim/workload';

/**
 * A distribution known only through a few percentiles (as the Azure 2019
 * files give them): the quantile function is linear between the points.
 * Sampling with `quantile(u)` for uniform `u` draws from it.
 */
export class PiecewiseQuantile implements DurationModel {
  private readonly probs: Float64Array;
  private readonly values: Float64Array;
  readonly meanMs: number;

  /**
   * @param probabilities cumulative probabilities in [0, 1], strictly increasing, first 0 and last 1
   * @param values the quantiles at those probabilities, non-decreasing
   */
  constructor(probabilities: readonly number[], values: readonly number[]) {
    if (probabilities.length !== values.length || probabilities.length < 2) {
      throw new RangeError(`PiecewiseQuantile: need as many values as probabilities (at least 2), got ${probabilities.length} and ${values.length}`);
    }
    if (probabilities[0] !== 0 || probabilities[probabilities.length - 1] !== 1) {
      throw new RangeError(`PiecewiseQuantile: probabilities must run from 0 to 1, got ${probabilities[0]}..${probabilities[probabilities.length - 1]}`);
    }
    for (let i = 1; i < probabilities.length; i++) {
      if (!(probabilities[i] > probabilities[i - 1])) {
        throw new RangeError(`PiecewiseQuantile: probabilities must increase, got ${probabilities[i - 1]} then ${probabilities[i]}`);
      }
      if (!(values[i] >= values[i - 1])) {
        throw new RangeError(`PiecewiseQuantile: values must not decrease, got ${values[i - 1]} then ${values[i]} at p=${probabilities[i]}`);
      }
    }
    this.probs = Float64Array.from(probabilities);
    this.values = Float64Array.from(values);
    let mean = 0;
    for (let i = 1; i < this.probs.length; i++) {
      mean += ((this.values[i] + this.values[i - 1]) / 2) * (this.probs[i] - this.probs[i - 1]);
    }
    this.meanMs = mean;
  }

  quantile(u: number): number {
    const p = this.probs;
    const v = this.values;
    let i = 1;
    const last = p.length - 1;
    while (i < last && u > p[i]) i++;
    const span = p[i] - p[i - 1];
    const t = span > 0 ? (u - p[i - 1]) / span : 0;
    return v[i - 1] + (v[i] - v[i - 1]) * (t < 0 ? 0 : t > 1 ? 1 : t);
  }
}

/** A duration that never varies. */
export class ConstantDuration implements DurationModel {
  constructor(readonly meanMs: number) {}
  quantile(): number {
    return this.meanMs;
  }
}

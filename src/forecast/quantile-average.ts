import type { Rng } from '../core/rng';
import { cdfAt } from './metrics';
import type { CountForecast, ForecastWindow, Forecaster } from './forecast-types';

/**
 * Quantile averaging (Vincentization) of two forecasters: the q-quantile of
 * the combination is w Q_a(q) + (1 - w) Q_b(q), so its spread is the weighted
 * mean of theirs (a mixture of their distributions would widen it). The point
 * forecast is the median. The distribution function inverts the averaged
 * quantile function by bisection on q ({@link cdfAt}), so a count k gets
 * P(Y <= k) = the largest q with w Q_a(q) + (1 - w) Q_b(q) <= k.
 */
export class QuantileAverageForecaster implements Forecaster {
  readonly historyMinutes: number;
  readonly contextMinutes: number;

  /**
   * @param weight w, the weight of `a`, in [0, 1].
   * @throws RangeError when the weight is not in [0, 1].
   */
  constructor(
    readonly name: string,
    private readonly a: Forecaster,
    private readonly b: Forecaster,
    private readonly weight: number,
  ) {
    if (!(weight >= 0 && weight <= 1)) throw new RangeError(`${name}: weight must be in [0, 1], got ${weight}`);
    this.historyMinutes = Math.max(a.historyMinutes, b.historyMinutes);
    this.contextMinutes = Math.max(this.historyMinutes, a.contextMinutes ?? 0, b.contextMinutes ?? 0);
  }

  forecast(windows: readonly ForecastWindow[], horizon: number, rng: Rng): CountForecast {
    const fa = this.a.forecast(windows, horizon, rng);
    const fb = this.b.forecast(windows, horizon, rng);
    return new AveragedForecast(fa, fb, this.weight);
  }
}

class AveragedForecast implements CountForecast {
  readonly windows: number;
  readonly horizon: number;
  constructor(
    private readonly a: CountForecast,
    private readonly b: CountForecast,
    private readonly w: number,
  ) {
    this.windows = a.windows;
    this.horizon = a.horizon;
  }

  point(window: number, step: number): number {
    return this.quantile(window, step, 0.5);
  }

  quantile(window: number, step: number, q: number): number {
    if (!(q > 0 && q < 1)) throw new RangeError(`quantile: q must be in (0, 1), got ${q}`);
    return this.w * this.a.quantile(window, step, q) + (1 - this.w) * this.b.quantile(window, step, q);
  }

  cdf(window: number, step: number, k: number): number {
    if (k < 0) return 0;
    return cdfAt((q) => this.quantile(window, step, q), k, false);
  }
}

import type { Rng } from '../core/rng';
import type { CountForecast, ForecastWindow, Forecaster } from './forecast-types';
import type { ForecastModel } from './forecast-model';
import type { InferenceConfig } from './model-config';
import { encodeFeatures, monteCarlo } from './monte-carlo';
import { INPUT_FEATURES, writeInputStep } from './network';
import { poissonLogNormalCdf, poissonLogNormalQuantile, roundedLogNormalCdf, roundedLogNormalQuantile } from './count-distribution';
import { fromZ, localNoiseVariance, log1pToCount, toZ, windowScale } from './scaling';
import { TIME_FEATURES, writeTimeFeatures } from './time-features';

/**
 * A forecast whose rate, in log1p space, is normal with mean `logMean` and
 * standard deviation `logSd`. With `poissonCounts` (ours) the count is Poisson
 * given the rate, and a quantile is the Poisson-lognormal mixture's
 * ({@link poissonLogNormalQuantile}); without it (the 2023 configuration, whose
 * only variance is Monte Carlo) a count quantile is round(expm1(mean + sd * z_q)),
 * clipped at 0 (rounding is monotone, so this is the quantile of the rounded count). Arrays are [windows, horizon], stored as float32 (a bench keeps one forecast per minute of a day).
 */
export class LogNormalCountForecast implements CountForecast {
  constructor(
    readonly windows: number,
    readonly horizon: number,
    private readonly logMean: Float32Array,
    private readonly logSd: Float32Array,
    private readonly points: Float32Array,
    private readonly rowOf: Int32Array,
    private readonly poissonCounts: boolean,
  ) {}

  point(window: number, step: number): number {
    return this.points[this.rowOf[window] * this.horizon + step];
  }

  quantile(window: number, step: number, q: number): number {
    const i = this.rowOf[window] * this.horizon + step;
    if (this.poissonCounts) return poissonLogNormalQuantile(this.logMean[i], this.logSd[i], q);
    return roundedLogNormalQuantile(this.logMean[i], this.logSd[i], q);
  }

  cdf(window: number, step: number, k: number): number {
    const i = this.rowOf[window] * this.horizon + step;
    if (this.poissonCounts) return poissonLogNormalCdf(k, this.logMean[i], this.logSd[i]);
    return roundedLogNormalCdf(k, this.logMean[i], this.logSd[i]);
  }

  /** The log1p-space mean and standard deviation of the rate (Poisson count noise not included; for tests). */
  logMoments(window: number, step: number): { mean: number; sd: number } {
    const i = this.rowOf[window] * this.horizon + step;
    return { mean: this.logMean[i], sd: this.logSd[i] };
  }
}

/**
 * The hybrid Bayesian forecaster (DESIGN.md section 3): per-function scaling,
 * the frozen LSTM encoder once per distinct window, then Monte Carlo dropout
 * through the prediction network, all windows and samples in batched passes.
 * Windows whose scaled inputs and time are identical (for example every idle
 * function at a tick) are forecast once and share the result.
 */
export class BayesianForecaster implements Forecaster {
  readonly name: string;
  readonly historyMinutes: number;

  constructor(
    private readonly model: ForecastModel,
    private readonly inference: InferenceConfig,
  ) {
    this.name = inference.name;
    this.historyMinutes = model.network.window;
  }

  forecast(windows: readonly ForecastWindow[], horizon: number, rng: Rng): CountForecast {
    const net = this.model.network;
    const w = net.window;
    if (!(Number.isInteger(horizon) && horizon >= 1 && horizon <= net.horizon)) {
      throw new RangeError(`horizon must be an integer in 1..${net.horizon}, got ${horizon}`);
    }
    const keys = new Map<string, number>();
    const rowOf = new Int32Array(windows.length);
    const x = new Float32Array(windows.length * w * INPUT_FEATURES);
    const time = new Float32Array(windows.length * TIME_FEATURES);
    const level = new Float64Array(windows.length);
    const scale = new Float64Array(windows.length);
    const noise = new Float64Array(windows.length);
    const z = new Float32Array(w);
    let rows = 0;
    windows.forEach((win, i) => {
      const c = win.counts;
      if (c.length < w) throw new RangeError(`window ${i} has ${c.length} minutes; the model needs ${w}`);
      const from = c.length - w;
      const sc = windowScale(c, from, c.length);
      for (let k = 0; k < w; k++) z[k] = toZ(c[from + k], sc);
      const key = `${win.endMinute}|${sc.level}|${sc.scale}|${localNoiseVariance(c, from, c.length)}|${Array.prototype.join.call(z, ',')}`;
      const seen = keys.get(key);
      if (seen !== undefined) {
        rowOf[i] = seen;
        return;
      }
      keys.set(key, rows);
      rowOf[i] = rows;
      level[rows] = sc.level;
      scale[rows] = sc.scale;
      noise[rows] = localNoiseVariance(c, from, c.length);
      for (let k = 0; k < w; k++) writeInputStep(x, (rows * w + k) * INPUT_FEATURES, z[k], c[from + k], win.endMinute - w + k);
      writeTimeFeatures(win.endMinute, time, rows * TIME_FEATURES);
      rows++;
    });
    const h = net.horizon;
    const logMean = new Float32Array(rows * horizon);
    const logSd = new Float32Array(rows * horizon);
    const points = new Float32Array(rows * horizon);
    if (rows > 0) {
      const features = encodeFeatures(this.model, x, rows);
      const wantMean = this.inference.point === 'mean';
      const mc = monteCarlo(this.model, features, time, rows, this.inference.samples, rng, wantMean ? { level, scale } : undefined);
      for (let r = 0; r < rows; r++) {
        const sc = { level: level[r], scale: scale[r] };
        for (let s = 0; s < horizon; s++) {
          const j = r * h + s;
          const i = r * horizon + s;
          logMean[i] = fromZ(mc.mean[j], sc);
          // Poisson sampling noise is not in the rate's variance: the count distribution adds it.
          const inherent = this.inference.addNoise ? this.model.noiseVariance[s] * noise[r] : 0;
          logSd[i] = Math.sqrt(sc.scale * sc.scale * mc.variance[j] + inherent);
          points[i] = wantMean && mc.countMean !== undefined ? mc.countMean[j] : Math.round(log1pToCount(logMean[i]));
        }
      }
    }
    return new LogNormalCountForecast(windows.length, horizon, logMean, logSd, points, rowOf, this.inference.addNoise);
  }
}

/**
 * The Gaussian-process surrogate of the resource manager (one for cost, one
 * for latency): zero mean on standardised outputs, the Matern 5/2 ARD kernel,
 * a learned homoscedastic noise, optionally known per-point noise on top, and
 * hyperparameters fitted by maximising the log marginal likelihood plus
 * log-priors from several starts.
 *
 * Inputs must already be in the unit cube [0, 1]^D (the search space's
 * `encode` does the scaling). Outputs are standardised inside: z = (y - m) / s
 * with m the mean and s the sample standard deviation of y (1 when y has fewer
 * than two points or no spread), and the posterior is de-standardised, so
 * callers see raw units throughout; only {@link GpHyperparameters} are in
 * standardised units.
 */
import type { Rng } from '../core/rng';
import type { CholeskyFactor } from './cholesky';
import {
  gammaLogDensity,
  gammaLogDensityLogGradient,
  LENGTHSCALE_PRIOR,
  LENGTHSCALE_RANGE,
  NOISE_VARIANCE_PRIOR,
  NOISE_VARIANCE_RANGE,
  SIGNAL_VARIANCE_PRIOR,
  SIGNAL_VARIANCE_RANGE,
} from './hyperparameter-priors';
import { matern52 } from './kernel';
import { MarginalLikelihood, type LogHyperparameters } from './marginal-likelihood';
import { minimiseBoxLbfgs } from './minimise-lbfgs';
import type { Posterior, Surrogate } from './surrogate';

/** Hyperparameters of a Gaussian process (fitted, or given to {@link gaussianProcessWithHyperparameters}). */
export interface GpHyperparameters {
  /** One lengthscale per input dimension, unit-cube units. */
  readonly lengthscales: readonly number[];
  /** Signal variance (k(x, x)), standardised output units: multiply by outputScale^2 for raw units. */
  readonly signalVariance: number;
  /**
   * Homoscedastic noise variance, standardised output units, on top of any
   * known per-point noise, > 0; a fit returns at least
   * {@link NOISE_VARIANCE_RANGE}.min (1e-6).
   */
  readonly noiseVariance: number;
}

/** Options of {@link fitGaussianProcess}. */
export interface FitGaussianProcessOptions {
  /** Source of the random starts. */
  readonly rng: Rng;
  /**
   * Known noise variance of each observation, raw output units squared, >= 0
   * (for a replicated probe, the variance of its mean: sample variance / replicas).
   * The learned noise is added on top. Default: none (all noise learned).
   */
  readonly noiseVariances?: readonly number[];
  /** Random starts besides the default start and the warm start. Default 2, or 1 with a warm start (the warm start stands in for one). */
  readonly restarts?: number;
  /** Hyperparameters to start from as well, typically the previous fit's. Clamped into the search box. */
  readonly warmStart?: GpHyperparameters;
  /** L-BFGS iterations per start. Default 50. */
  readonly maxIterations?: number;
  /**
   * Least output scale, raw units: outputs are divided by max(this, their
   * sample sd) (by this alone when the outputs are all equal), so a few
   * nearly equal outputs do not make the prior claim the function is nearly
   * constant everywhere. Default 0 (the sample sd; 1 when it is 0).
   */
  readonly minOutputScale?: number;
}

/** A Gaussian process conditioned on its training data. */
export interface GaussianProcess extends Surrogate {
  /** The hyperparameters it was conditioned with. */
  readonly hyperparameters: GpHyperparameters;
  /** log p(z | hyperparameters) of the standardised outputs z, nats (add -n log outputScale for raw y). */
  readonly logMarginalLikelihood: number;
  /** The log marginal likelihood plus the log-priors (up to their constants): what the fit maximised. */
  readonly logPosteriorDensity: number;
  /** m, the mean of the training outputs (raw units). */
  readonly outputMean: number;
  /** s, the standardisation scale (raw units): the sample standard deviation of y, or 1. */
  readonly outputScale: number;
  /** Jitter the covariance factorisation needed, standardised units squared (0 when none). */
  readonly jitter: number;
  /** Number of training points. */
  readonly trainingSize: number;
  /**
   * Posterior of the latent function f at `points` (unit cube), raw output
   * units: mean m + s k*^T K^-1 z, variance s^2 (s2 - k*^T K^-1 k*), clamped at
   * 0. The variance is of f, not of a new observation: add the noise for that.
   * @throws RangeError when a point has the wrong dimension or leaves the unit cube.
   */
  posterior(points: readonly (readonly number[])[]): Posterior;
}

const CUBE_TOLERANCE = 1e-9;

function checkUnitCube(points: readonly (readonly number[])[], dims: number, what: string): void {
  points.forEach((p, i) => {
    if (p.length !== dims) throw new RangeError(`${what}: point ${i} has dimension ${p.length}, expected ${dims}`);
    p.forEach((v, d) => {
      if (!(v >= -CUBE_TOLERANCE && v <= 1 + CUBE_TOLERANCE)) {
        throw new RangeError(`${what}: point ${i} coordinate ${d} is ${v}, outside the unit cube [0, 1] (encode raw points with the search space first)`);
      }
    });
  });
}

interface Standardised {
  readonly mean: number;
  readonly scale: number;
  readonly z: Float64Array;
  readonly noise: Float64Array | undefined;
}

function standardise(x: readonly (readonly number[])[], y: readonly number[], noiseVariances: readonly number[] | undefined, minOutputScale = 0): Standardised {
  if (!(minOutputScale >= 0) || !Number.isFinite(minOutputScale)) throw new RangeError(`gaussian process: minOutputScale must be a finite number >= 0, got ${minOutputScale}`);
  const n = x.length;
  if (n === 0) throw new RangeError('gaussian process: no training points');
  if (y.length !== n) throw new RangeError(`gaussian process: ${n} inputs and ${y.length} outputs`);
  const dims = x[0].length;
  if (dims < 1) throw new RangeError('gaussian process: inputs need dimension >= 1');
  checkUnitCube(x, dims, 'gaussian process training input');
  y.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new RangeError(`gaussian process: output ${i} is ${v}, must be finite`);
  });
  if (noiseVariances !== undefined) {
    if (noiseVariances.length !== n) throw new RangeError(`gaussian process: ${n} outputs and ${noiseVariances.length} noise variances`);
    noiseVariances.forEach((v, i) => {
      if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`gaussian process: noise variance ${i} is ${v}, must be finite and >= 0`);
    });
  }
  const mean = y.reduce((a, b) => a + b, 0) / n;
  let ss = 0;
  for (const v of y) ss += (v - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const spread = sd > 1e-10 * Math.abs(mean) && sd > 0 ? sd : minOutputScale > 0 ? minOutputScale : 1;
  const scale = Math.max(minOutputScale, spread);
  const z = Float64Array.from(y, (v) => (v - mean) / scale);
  const noise = noiseVariances === undefined ? undefined : Float64Array.from(noiseVariances, (v) => v / (scale * scale));
  return { mean, scale, z, noise };
}

function toTheta(h: GpHyperparameters): number[] {
  return [...h.lengthscales.map(Math.log), Math.log(h.signalVariance), Math.log(h.noiseVariance)];
}

function fromTheta(theta: LogHyperparameters, dims: number): GpHyperparameters {
  return {
    lengthscales: theta.slice(0, dims).map(Math.exp),
    signalVariance: Math.exp(theta[dims]),
    noiseVariance: Math.exp(theta[dims + 1]),
  };
}

function checkHyperparameters(h: GpHyperparameters, dims: number): void {
  if (h.lengthscales.length !== dims) throw new RangeError(`gaussian process: ${h.lengthscales.length} lengthscales for dimension ${dims}`);
  const positive = (v: number): boolean => v > 0 && Number.isFinite(v);
  if (!h.lengthscales.every(positive)) throw new RangeError(`gaussian process: lengthscales must be finite and > 0, got ${h.lengthscales.join(', ')}`);
  if (!positive(h.signalVariance)) throw new RangeError(`gaussian process: signal variance must be finite and > 0, got ${h.signalVariance}`);
  if (!positive(h.noiseVariance)) throw new RangeError(`gaussian process: noise variance must be finite and > 0, got ${h.noiseVariance}`);
}

class ConditionedGaussianProcess implements GaussianProcess {
  readonly dimension: number;
  readonly trainingSize: number;
  readonly jitter: number;
  /** Training inputs, row-major n x D. */
  private readonly inputs: Float64Array;

  constructor(
    inputs: readonly (readonly number[])[],
    private readonly factor: CholeskyFactor,
    private readonly alpha: Float64Array,
    readonly hyperparameters: GpHyperparameters,
    readonly logMarginalLikelihood: number,
    readonly logPosteriorDensity: number,
    readonly outputMean: number,
    readonly outputScale: number,
  ) {
    this.dimension = hyperparameters.lengthscales.length;
    this.trainingSize = inputs.length;
    this.jitter = factor.jitter;
    this.inputs = Float64Array.from(inputs.flat());
  }

  posterior(points: readonly (readonly number[])[]): Posterior {
    const dims = this.dimension;
    checkUnitCube(points, dims, 'gaussian process posterior');
    const n = this.trainingSize;
    const inv = this.hyperparameters.lengthscales.map((l) => 1 / l);
    const s2 = this.hyperparameters.signalVariance;
    const scale = this.outputScale;
    const mean = new Array<number>(points.length);
    const variance = new Array<number>(points.length);
    const kStar = new Float64Array(n);
    const v = new Float64Array(n);
    const l = this.factor.lower;
    for (let p = 0; p < points.length; p++) {
      const x = points[p];
      let mu = 0;
      for (let i = 0; i < n; i++) {
        const row = i * dims;
        let q = 0;
        for (let d = 0; d < dims; d++) {
          const u = (x[d] - this.inputs[row + d]) * inv[d];
          q += u * u;
        }
        const k = matern52(Math.sqrt(q), s2);
        kStar[i] = k;
        mu += k * this.alpha[i];
      }
      // v = L^-1 k* (forward substitution, inlined for speed: this is the acquisition's inner loop).
      let explained = 0;
      for (let i = 0; i < n; i++) {
        const row = i * n;
        // Four accumulators break the dependency chain of the dot product.
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let k = 0;
        for (; k + 3 < i; k += 4) {
          a0 += l[row + k] * v[k];
          a1 += l[row + k + 1] * v[k + 1];
          a2 += l[row + k + 2] * v[k + 2];
          a3 += l[row + k + 3] * v[k + 3];
        }
        for (; k < i; k++) a0 += l[row + k] * v[k];
        const vi = (kStar[i] - (a0 + a1 + (a2 + a3))) / l[row + i];
        v[i] = vi;
        explained += vi * vi;
      }
      mean[p] = this.outputMean + scale * mu;
      variance[p] = scale * scale * Math.max(0, s2 - explained);
    }
    return { mean, variance };
  }
}

function logPrior(theta: LogHyperparameters, dims: number): { value: number; gradient: number[] } {
  const gradient = new Array<number>(dims + 2);
  let value = 0;
  for (let d = 0; d < dims; d++) {
    const l = Math.exp(theta[d]);
    value += gammaLogDensity(l, LENGTHSCALE_PRIOR);
    gradient[d] = gammaLogDensityLogGradient(l, LENGTHSCALE_PRIOR);
  }
  const s2 = Math.exp(theta[dims]);
  const sn2 = Math.exp(theta[dims + 1]);
  value += gammaLogDensity(s2, SIGNAL_VARIANCE_PRIOR) + gammaLogDensity(sn2, NOISE_VARIANCE_PRIOR);
  gradient[dims] = gammaLogDensityLogGradient(s2, SIGNAL_VARIANCE_PRIOR);
  gradient[dims + 1] = gammaLogDensityLogGradient(sn2, NOISE_VARIANCE_PRIOR);
  return { value, gradient };
}

function condition(
  x: readonly (readonly number[])[],
  data: Standardised,
  ml: MarginalLikelihood,
  hyper: GpHyperparameters,
): GaussianProcess {
  const theta = toTheta(hyper);
  const { factor, alpha } = ml.factorise(theta);
  const lml = ml.evaluate(theta, false).value;
  const prior = logPrior(theta, ml.dimension).value;
  return new ConditionedGaussianProcess(x, factor, alpha, hyper, lml, lml + prior, data.mean, data.scale);
}

/**
 * A Gaussian process with fixed hyperparameters (standardised units),
 * conditioned on `x` (unit cube) and `y` (raw units).
 * @param noiseVariances known per-point noise variances, raw units squared (see {@link FitGaussianProcessOptions}).
 * @param minOutputScale see {@link FitGaussianProcessOptions.minOutputScale}.
 * @throws RangeError on empty or mismatched data, points outside the unit cube, non-finite outputs or bad hyperparameters;
 *   NotPositiveDefiniteError when the covariance cannot be factored even with jitter.
 */
export function gaussianProcessWithHyperparameters(
  x: readonly (readonly number[])[],
  y: readonly number[],
  hyperparameters: GpHyperparameters,
  noiseVariances?: readonly number[],
  minOutputScale?: number,
): GaussianProcess {
  const data = standardise(x, y, noiseVariances, minOutputScale);
  checkHyperparameters(hyperparameters, x[0].length);
  const ml = new MarginalLikelihood(x, data.z, data.noise);
  return condition(x, data, ml, hyperparameters);
}

/** Where the fit starts when nothing better is known: lengthscales 0.5 (the prior mean), signal variance 1, noise 1e-3. */
export function defaultHyperparameters(dimension: number): GpHyperparameters {
  return { lengthscales: new Array<number>(dimension).fill(0.5), signalVariance: 1, noiseVariance: 1e-3 };
}

function logUniform(rng: Rng, min: number, max: number): number {
  return Math.log(min) + rng.next() * (Math.log(max) - Math.log(min));
}

/**
 * Fit a Gaussian process to `x` (unit cube, n x D) and `y` (raw units): the
 * maximum a posteriori hyperparameters under the priors of
 * `hyperparameter-priors.ts`, by box-constrained L-BFGS over the
 * log-hyperparameters from the default start ({@link defaultHyperparameters}),
 * the warm start when given, and `restarts` random starts (log-uniform:
 * lengthscales in [0.1, 2], signal variance in [0.3, 3], noise in [1e-5, 0.3],
 * drawn from `rng` in that order per start). The best start wins (the earliest
 * on a tie). Deterministic for a given `rng` state.
 * @throws RangeError as {@link gaussianProcessWithHyperparameters}, or when `restarts` or `maxIterations` is not a whole number >= 0 (>= 1 for iterations);
 *   Error when no start gives a finite likelihood.
 */
export function fitGaussianProcess(x: readonly (readonly number[])[], y: readonly number[], options: FitGaussianProcessOptions): GaussianProcess {
  const data = standardise(x, y, options.noiseVariances, options.minOutputScale);
  const dims = x[0].length;
  const restarts = options.restarts ?? (options.warmStart === undefined ? 2 : 1);
  const maxIterations = options.maxIterations ?? 50;
  if (!Number.isInteger(restarts) || restarts < 0) throw new RangeError(`gaussian process: restarts must be a whole number >= 0, got ${restarts}`);
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new RangeError(`gaussian process: maxIterations must be a whole number >= 1, got ${maxIterations}`);
  if (options.warmStart !== undefined) checkHyperparameters(options.warmStart, dims);
  const ml = new MarginalLikelihood(x, data.z, data.noise);

  const lower = [...new Array<number>(dims).fill(Math.log(LENGTHSCALE_RANGE.min)), Math.log(SIGNAL_VARIANCE_RANGE.min), Math.log(NOISE_VARIANCE_RANGE.min)];
  const upper = [...new Array<number>(dims).fill(Math.log(LENGTHSCALE_RANGE.max)), Math.log(SIGNAL_VARIANCE_RANGE.max), Math.log(NOISE_VARIANCE_RANGE.max)];
  const starts: number[][] = [toTheta(defaultHyperparameters(dims))];
  if (options.warmStart !== undefined) starts.push(toTheta(options.warmStart));
  for (let r = 0; r < restarts; r++) {
    const theta: number[] = [];
    for (let d = 0; d < dims; d++) theta.push(logUniform(options.rng, 0.1, 2));
    theta.push(logUniform(options.rng, 0.3, 3), logUniform(options.rng, 1e-5, 0.3));
    starts.push(theta);
  }

  const negativeObjective = (theta: readonly number[]): { value: number; gradient: number[] } => {
    const lml = ml.evaluate(theta, true);
    if (!Number.isFinite(lml.value)) return { value: Number.POSITIVE_INFINITY, gradient: [] };
    const prior = logPrior(theta, dims);
    return { value: -(lml.value + prior.value), gradient: lml.gradient.map((g, i) => -(g + prior.gradient[i])) };
  };

  let best: { theta: number[]; value: number } | undefined;
  for (const start of starts) {
    const result = minimiseBoxLbfgs(negativeObjective, start, { lower, upper, maxIterations });
    if (Number.isFinite(result.value) && (best === undefined || result.value < best.value)) best = { theta: result.x, value: result.value };
  }
  if (best === undefined) throw new Error('gaussian process: no start gave a finite marginal likelihood');
  return condition(x, data, ml, fromTheta(best.theta, dims));
}

/**
 * The log marginal likelihood of a zero-mean Gaussian process with the Matern
 * 5/2 ARD kernel, and its gradient with respect to the log-hyperparameters:
 *
 *     K = K_f + diag(known noise) + sn2 I
 *     log p(y) = -1/2 y^T K^-1 y - 1/2 log det K - n/2 log 2 pi
 *     d log p(y) / d theta = 1/2 tr((a a^T - K^-1) dK/dtheta),   a = K^-1 y
 *
 * One Cholesky factorisation per evaluation; K^-1 from the factor. The
 * pairwise squared differences of the inputs are computed once, so an
 * evaluation costs one kernel matrix (n^2 d / 2), the factorisation and the
 * inverse (n^3 / 2) and the gradient traces (n^2 d / 2).
 */
import { choleskySolve, choleskyInverse, choleskyWithJitter, logDeterminant, NotPositiveDefiniteError, type CholeskyFactor } from './cholesky';
import { matern52, matern52LengthscaleFactor } from './kernel';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The log-hyperparameters as one vector, the optimiser's variable:
 * [log l_1, ..., log l_D, log s2, log sn2].
 */
export type LogHyperparameters = readonly number[];

/** One evaluation of {@link MarginalLikelihood.evaluate}. */
export interface MarginalLikelihoodValue {
  /** log p(y | theta), nats; -Infinity when K could not be factored even with jitter. */
  readonly value: number;
  /** d log p / d log-hyperparameter, in the {@link LogHyperparameters} layout (empty when not asked or not finite). */
  readonly gradient: number[];
}

/**
 * The training data of a Gaussian process, ready to evaluate its marginal
 * likelihood at any hyperparameters.
 */
export class MarginalLikelihood {
  /** n, the number of training points. */
  readonly size: number;
  /** D, the input dimension. */
  readonly dimension: number;
  private readonly y: Float64Array;
  private readonly knownNoise: Float64Array;
  /** Squared differences per dimension and pair i < j: sq[d * pairs + p]. */
  private readonly sq: Float64Array;
  private readonly pairs: number;

  /**
   * @param x the n training inputs, each of dimension D >= 1.
   * @param y the n outputs (standardised by the caller).
   * @param knownNoise optional known noise variance per point, >= 0, same units as y^2; default zeros.
   * @throws RangeError on mismatched lengths or an empty set.
   */
  constructor(x: readonly (readonly number[])[], y: ArrayLike<number>, knownNoise?: ArrayLike<number>) {
    const n = x.length;
    if (n === 0) throw new RangeError('marginal likelihood: no training points');
    if (y.length !== n) throw new RangeError(`marginal likelihood: ${n} inputs and ${y.length} outputs`);
    if (knownNoise !== undefined && knownNoise.length !== n) throw new RangeError(`marginal likelihood: ${n} inputs and ${knownNoise.length} noise variances`);
    const dims = x[0].length;
    if (dims < 1 || x.some((p) => p.length !== dims)) throw new RangeError(`marginal likelihood: inputs must all have the same dimension >= 1`);
    this.size = n;
    this.dimension = dims;
    this.y = Float64Array.from(y);
    this.knownNoise = knownNoise === undefined ? new Float64Array(n) : Float64Array.from(knownNoise);
    this.pairs = (n * (n - 1)) / 2;
    this.sq = new Float64Array(dims * this.pairs);
    let p = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++, p++) {
        for (let d = 0; d < dims; d++) this.sq[d * this.pairs + p] = (x[i][d] - x[j][d]) ** 2;
      }
    }
  }

  /**
   * The covariance matrix K (row-major n x n, noise included) at `theta`, with
   * what the gradient needs: the kernel value and lengthscale factor per pair.
   */
  private covariance(theta: LogHyperparameters): { k: Float64Array; kernel: Float64Array; factor: Float64Array } {
    const { size: n, dimension: dims, pairs } = this;
    const invSq = new Float64Array(dims);
    for (let d = 0; d < dims; d++) invSq[d] = Math.exp(-2 * theta[d]);
    const s2 = Math.exp(theta[dims]);
    const sn2 = Math.exp(theta[dims + 1]);
    const k = new Float64Array(n * n);
    const kernel = new Float64Array(pairs);
    const factor = new Float64Array(pairs);
    const q = new Float64Array(pairs);
    for (let d = 0; d < dims; d++) {
      const w = invSq[d];
      const off = d * pairs;
      for (let p = 0; p < pairs; p++) q[p] += this.sq[off + p] * w;
    }
    let p = 0;
    for (let i = 0; i < n; i++) {
      k[i * n + i] = s2 + sn2 + this.knownNoise[i];
      for (let j = i + 1; j < n; j++, p++) {
        const r = Math.sqrt(q[p]);
        const v = matern52(r, s2);
        kernel[p] = v;
        factor[p] = matern52LengthscaleFactor(r, s2);
        k[i * n + j] = v;
        k[j * n + i] = v;
      }
    }
    return { k, kernel, factor };
  }

  /**
   * The Cholesky factor of K at `theta` and a = K^-1 y.
   * @throws NotPositiveDefiniteError when K cannot be factored even with jitter.
   */
  factorise(theta: LogHyperparameters): { factor: CholeskyFactor; alpha: Float64Array } {
    this.checkTheta(theta);
    const factor = choleskyWithJitter(this.covariance(theta).k, this.size);
    return { factor, alpha: choleskySolve(factor, this.y) };
  }

  private checkTheta(theta: LogHyperparameters): void {
    if (theta.length !== this.dimension + 2) throw new RangeError(`marginal likelihood: ${theta.length} log-hyperparameters for dimension ${this.dimension} (need ${this.dimension + 2})`);
  }

  /**
   * log p(y | theta) and, when `withGradient`, its gradient in the
   * {@link LogHyperparameters} layout. A jitter added to factor K is treated
   * as a constant.
   * @throws RangeError when theta has the wrong length.
   */
  evaluate(theta: LogHyperparameters, withGradient: boolean): MarginalLikelihoodValue {
    this.checkTheta(theta);
    const { size: n, dimension: dims, pairs } = this;
    const { k, kernel, factor: lengthFactor } = this.covariance(theta);
    let chol: CholeskyFactor;
    try {
      chol = choleskyWithJitter(k, n);
    } catch (e) {
      if (e instanceof NotPositiveDefiniteError) return { value: Number.NEGATIVE_INFINITY, gradient: [] };
      throw e;
    }
    const alpha = choleskySolve(chol, this.y);
    let fit = 0;
    for (let i = 0; i < n; i++) fit += this.y[i] * alpha[i];
    const value = -0.5 * fit - 0.5 * logDeterminant(chol) - 0.5 * n * LOG_2PI;
    if (!withGradient || !Number.isFinite(value)) return { value, gradient: [] };

    const kinv = choleskyInverse(chol);
    const s2 = Math.exp(theta[dims]);
    const sn2 = Math.exp(theta[dims + 1]);
    // W = a a^T - K^-1: its trace, and per pair W_ij times the pair's derivative factors.
    let traceW = 0;
    for (let i = 0; i < n; i++) traceW += alpha[i] * alpha[i] - kinv[i * n + i];
    const wFactor = new Float64Array(pairs);
    let offDiagonalKernel = 0;
    let p = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++, p++) {
        const w = alpha[i] * alpha[j] - kinv[i * n + j];
        wFactor[p] = w * lengthFactor[p];
        offDiagonalKernel += w * kernel[p];
      }
    }
    const gradient = new Array<number>(dims + 2);
    for (let d = 0; d < dims; d++) {
      const off = d * pairs;
      const invSq = Math.exp(-2 * theta[d]);
      let s = 0;
      for (let q = 0; q < pairs; q++) s += wFactor[q] * this.sq[off + q];
      // 1/2 tr(W dK): the symmetric pair (i, j) and (j, i) counted once, so 1/2 x 2.
      gradient[d] = s * invSq;
    }
    gradient[dims] = 0.5 * s2 * traceW + offDiagonalKernel;
    gradient[dims + 1] = 0.5 * sn2 * traceW;
    return { value, gradient };
  }
}

/**
 * What the acquisition side needs from a surrogate model: the posterior of the
 * latent function at a batch of points. Implemented by the Gaussian process.
 */

/** Posterior moments at a batch of points, one entry per point, in the model's output units. */
export interface Posterior {
  /** Posterior mean of the latent function (output units). */
  readonly mean: number[];
  /** Posterior variance of the latent function (output units squared), >= 0; observation noise not included. */
  readonly variance: number[];
}

/** A fitted model that predicts the latent function at unit-cube points. */
export interface Surrogate {
  /** Input dimension D. */
  readonly dimension: number;
  /** The posterior at `points` (each of dimension D, in the unit cube). */
  posterior(points: readonly (readonly number[])[]): Posterior;
}

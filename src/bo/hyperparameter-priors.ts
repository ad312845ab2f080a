/**
 * Priors on the Gaussian process's hyperparameters, and the box their
 * logarithms are searched in. The priors are BoTorch's classic `SingleTaskGP`
 * defaults (before its 2024 dimension-scaled log-normal lengthscale prior),
 * which assume inputs in the unit cube and standardised outputs:
 *
 * - lengthscale l ~ Gamma(shape 3, rate 6): mean 0.5, mode 1/3;
 * - signal variance s2 ~ Gamma(2, 0.15): mode 6.7, broad;
 * - noise variance ~ Gamma(1.1, 0.05): nearly flat, slightly away from 0.
 *
 * Densities are on the parameters themselves (as in GPyTorch, the fit
 * maximises log p(y | theta) + log p(theta), searching over log theta without a
 * Jacobian term).
 */

/** A Gamma(shape, rate) prior: density proportional to x^(shape - 1) exp(-rate x). */
export interface GammaPrior {
  /** Shape alpha > 0. */
  readonly shape: number;
  /** Rate beta > 0 (1 / scale). */
  readonly rate: number;
}

/** Prior of every ARD lengthscale (unit-cube units): Gamma(3, 6). */
export const LENGTHSCALE_PRIOR: GammaPrior = { shape: 3, rate: 6 };
/** Prior of the signal variance (standardised output units): Gamma(2, 0.15). */
export const SIGNAL_VARIANCE_PRIOR: GammaPrior = { shape: 2, rate: 0.15 };
/** Prior of the learned noise variance (standardised output units): Gamma(1.1, 0.05). */
export const NOISE_VARIANCE_PRIOR: GammaPrior = { shape: 1.1, rate: 0.05 };

/**
 * Smallest learned noise variance (standardised output units), with or without
 * known per-point noise: 1e-6. It keeps the covariance matrix well conditioned
 * on noiseless data.
 */
export const MIN_NOISE_VARIANCE = 1e-6;

/** A closed interval of one hyperparameter, in its own units (not logarithms). */
export interface HyperparameterRange {
  readonly min: number;
  readonly max: number;
}

/** Lengthscales searched in [0.01, 100] (unit-cube units). */
export const LENGTHSCALE_RANGE: HyperparameterRange = { min: 0.01, max: 100 };
/** Signal variance searched in [0.01, 100] (standardised output units). */
export const SIGNAL_VARIANCE_RANGE: HyperparameterRange = { min: 0.01, max: 100 };
/** Learned noise variance searched in [{@link MIN_NOISE_VARIANCE}, 10] (standardised output units). */
export const NOISE_VARIANCE_RANGE: HyperparameterRange = { min: MIN_NOISE_VARIANCE, max: 10 };

/** log of the Gamma density at x > 0, up to its normalising constant: (shape - 1) log x - rate x. */
export function gammaLogDensity(x: number, prior: GammaPrior): number {
  return (prior.shape - 1) * Math.log(x) - prior.rate * x;
}

/** d/d(log x) of {@link gammaLogDensity}: (shape - 1) - rate x. */
export function gammaLogDensityLogGradient(x: number, prior: GammaPrior): number {
  return prior.shape - 1 - prior.rate * x;
}

/**
 * The count distribution of a forecast minute: invocations are Poisson given
 * the minute's rate, and the rate is uncertain, log1p(rate) ~ Normal(mean, sd)
 * (the Monte Carlo plus overdispersion variance of the forecaster). So the count
 * is a Poisson-lognormal mixture:
 *
 *     P(Y <= k) = E[ PoissonCdf(k; expm1(mean + sd Z)) ],   Z ~ Normal(0, 1),
 *
 * integrated by Gauss-Hermite quadrature. A rare function (rate 0.05 a minute)
 * then has P(Y = 0) ~ 0.95 and a 0.9-quantile of 0, which a normal in log1p
 * space rounded to a count does not give (it puts q0.9 at 1 as soon as its
 * mean and sd leave any room). For busy functions (median rate at least
 * {@link MIXTURE_MAX_RATE}) the Poisson part is folded into the log1p variance
 * (delta method, {@link poissonLogVariance}) and the count is
 * round(expm1(normal)), where the two agree and the mixture would need a long sum.
 * Pure functions, no allocation after module load.
 */

import { normalCdf, normalQuantile } from '../core/normal';
import { log1pToCount, poissonLogVariance } from './scaling';

/** Gauss-Hermite nodes used for the rate integral (20: exact for polynomials of degree 39 in Z). */
export const HERMITE_NODES = 20;

/**
 * Median rates (invocations per minute) from this one up use the log1p-normal
 * approximation instead of the mixture sum. Default 30.
 */
export const MIXTURE_MAX_RATE = 30;

/**
 * Nodes x_i and weights w_i of Gauss-Hermite quadrature for the standard
 * normal: E[f(Z)] ~ sum_i w_i f(x_i), weights summing to 1 (the physicists'
 * nodes times sqrt 2, weights over sqrt pi). Newton's method on the
 * orthonormal Hermite recurrence, from the usual asymptotic starting points.
 */
function hermiteRule(n: number): { readonly x: Float64Array; readonly w: Float64Array } {
  const roots = new Float64Array(n);
  const weights = new Float64Array(n);
  const half = Math.floor((n + 1) / 2);
  for (let i = 0; i < half; i++) {
    let z: number;
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * Math.pow(2 * n + 1, -1 / 6);
    else if (i === 1) z = roots[0] - (1.14 * Math.pow(n, 0.426)) / roots[0];
    else if (i === 2) z = 1.86 * roots[1] - 0.86 * roots[0];
    else if (i === 3) z = 1.91 * roots[2] - 0.91 * roots[1];
    else z = 2 * roots[i - 1] - roots[i - 2];
    let derivative = 1;
    for (let iter = 0; iter < 100; iter++) {
      let p1 = Math.pow(Math.PI, -0.25);
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
      }
      derivative = Math.sqrt(2 * n) * p2;
      const step = p1 / derivative;
      z -= step;
      if (Math.abs(step) < 1e-15) break;
    }
    roots[i] = z;
    roots[n - 1 - i] = -z;
    weights[i] = 2 / (derivative * derivative);
    weights[n - 1 - i] = weights[i];
  }
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = roots[i] * Math.SQRT2;
    w[i] = weights[i] / Math.sqrt(Math.PI);
  }
  return { x, w };
}

const RULE = hermiteRule(HERMITE_NODES);
const rates = new Float64Array(HERMITE_NODES);
const pmf = new Float64Array(HERMITE_NODES);

/** E[f(Z)] for Z standard normal by the module's Gauss-Hermite rule (for tests of the rule). */
export function hermiteExpectation(f: (z: number) => number): number {
  let s = 0;
  for (let i = 0; i < HERMITE_NODES; i++) s += RULE.w[i] * f(RULE.x[i]);
  return s;
}

/** Upper bound on k in the mixture sum: far beyond any quantile of a rate below the cut-over. */
const MAX_K = 100_000;

/** The sd of log1p(count) once Poisson noise is folded in (busy regime). */
function foldedSd(mean: number, sd: number): number {
  return Math.sqrt(sd * sd + poissonLogVariance(mean));
}

function usesMixture(mean: number): boolean {
  return log1pToCount(mean) < MIXTURE_MAX_RATE;
}

/**
 * Rates above this (per minute) use the normal approximation of their Poisson
 * distribution function inside the mixture: exp(-rate) would underflow.
 */
const EXACT_NODE_MAX_RATE = 700;

/** Nodes with a rate above EXACT_NODE_MAX_RATE in the current mixture (0 for most). */
let bigNodes = 0;

/** Loads the node rates and P(Y = 0 | rate) into the scratch arrays; returns the exact nodes' P(Y <= 0). */
function startMixture(mean: number, sd: number): number {
  let cdf = 0;
  bigNodes = 0;
  for (let i = 0; i < HERMITE_NODES; i++) {
    rates[i] = log1pToCount(mean + sd * RULE.x[i]);
    if (rates[i] > EXACT_NODE_MAX_RATE) {
      pmf[i] = 0;
      bigNodes++;
    } else {
      pmf[i] = Math.exp(-rates[i]);
      cdf += RULE.w[i] * pmf[i];
    }
  }
  return cdf;
}

/** Moves the exact nodes' pmf from k - 1 to k and returns the added probability. */
function stepMixture(k: number): number {
  let add = 0;
  for (let i = 0; i < HERMITE_NODES; i++) {
    pmf[i] *= rates[i] / k;
    add += RULE.w[i] * pmf[i];
  }
  return add;
}

/** The big nodes' share of P(Y <= k), by the normal approximation with continuity correction. */
function bigNodesCdf(k: number): number {
  if (bigNodes === 0) return 0;
  let s = 0;
  for (let i = 0; i < HERMITE_NODES; i++) {
    if (rates[i] > EXACT_NODE_MAX_RATE) s += RULE.w[i] * normalCdf((k + 0.5 - rates[i]) / Math.sqrt(rates[i]));
  }
  return s;
}

function checkMoments(mean: number, sd: number): void {
  if (!Number.isFinite(mean)) throw new RangeError(`count distribution: log1p mean must be finite, got ${mean}`);
  if (!(sd >= 0) || !Number.isFinite(sd)) throw new RangeError(`count distribution: sd must be a finite number >= 0, got ${sd}`);
}

/**
 * P(round(expm1(X)) <= k) for X ~ Normal(mean, sd): the count as a rounded
 * log1p-normal, with no Poisson term (0 for k < 0; a fraction k is floored).
 * The busy regime of {@link poissonLogNormalCdf} and the 2023 configuration's
 * whole distribution.
 */
export function roundedLogNormalCdf(k: number, mean: number, sd: number): number {
  if (k < 0) return 0;
  const x = Math.log1p(Math.floor(k) + 0.5) - mean;
  return sd > 0 ? normalCdf(x / sd) : x >= 0 ? 1 : 0;
}

/** The q-quantile of round(expm1(X)), X ~ Normal(mean, sd), clipped at 0 (rounding is monotone). */
export function roundedLogNormalQuantile(mean: number, sd: number, q: number): number {
  return Math.round(log1pToCount(mean + sd * normalQuantile(q)));
}

/**
 * P(Y <= k) for the count Y of a minute whose rate has log1p-normal(mean, sd)
 * uncertainty (see the module description); 0 for k < 0.
 * @param k a count (integers; a fraction is floored).
 * @param mean mean of log1p(rate).
 * @param sd standard deviation of log1p(rate), >= 0 (Poisson noise excluded: it is added here).
 * @throws RangeError naming the value when mean or sd is not finite, or sd < 0.
 */
export function poissonLogNormalCdf(k: number, mean: number, sd: number): number {
  checkMoments(mean, sd);
  if (k < 0) return 0;
  if (!usesMixture(mean)) return roundedLogNormalCdf(k, mean, foldedSd(mean, sd));
  const kk = Math.floor(k);
  let cdf = startMixture(mean, sd);
  for (let j = 1; j <= kk && j <= MAX_K; j++) cdf += stepMixture(j);
  return Math.min(1, cdf + bigNodesCdf(kk));
}

/**
 * The q-quantile of that count: the smallest k with P(Y <= k) >= q.
 * @param q a probability, 0 < q < 1.
 * @throws RangeError naming the value when q is not in (0, 1), or the moments are invalid.
 */
export function poissonLogNormalQuantile(mean: number, sd: number, q: number): number {
  checkMoments(mean, sd);
  if (!(q > 0 && q < 1)) throw new RangeError(`count distribution: q must be strictly between 0 and 1, got ${q}`);
  if (!usesMixture(mean)) return roundedLogNormalQuantile(mean, foldedSd(mean, sd), q);
  let cdf = startMixture(mean, sd);
  let k = 0;
  // The weights sum to 1 only to rounding; 1e-12 keeps q near 1 from running to MAX_K.
  while (cdf + bigNodesCdf(k) < q - 1e-12 && k < MAX_K) {
    k++;
    cdf += stepMixture(k);
  }
  return k;
}

/**
 * Acquisition functions of the resource manager's Bayesian optimisation, for
 * minimisation of cost under a latency constraint. Pure functions of posterior
 * moments: the surrogate (a Gaussian process) gives each candidate's posterior
 * mean and standard deviation of cost and of latency, these turn them into a
 * score. The optimiser maximises the score over the search space.
 */
import { normalCdf, normalPdf } from '../core/normal';

/** Posterior of one quantity at one candidate: mean and standard deviation (same unit as the quantity). */
export interface Moments {
  readonly mean: number;
  /** Standard deviation, >= 0 (0: known exactly). */
  readonly sd: number;
}

function checkMoments(what: string, m: Moments): void {
  if (!Number.isFinite(m.mean)) throw new RangeError(`${what}: mean must be finite, got ${m.mean}`);
  if (!(m.sd >= 0) || !Number.isFinite(m.sd)) throw new RangeError(`${what}: sd must be a finite number >= 0, got ${m.sd}`);
}

/**
 * Expected improvement over `best` for minimisation:
 *
 *     EI = E[max(best - Y, 0)] = (best - mu) Phi(z) + sd phi(z),   z = (best - mu) / sd
 *
 * for Y ~ Normal(mu, sd^2); with sd = 0 it is max(best - mu, 0). It is BoTorch's
 * (maximisation) EI with every value negated: BoTorch's mean -0.5, sd 1, best 0
 * is mu = 0.5 here, and both give -0.5 Phi(-0.5) + phi(0.5) = 0.1978; a mean
 * 0.5 below the best gives 0.5 Phi(0.5) + phi(0.5) = 0.6978.
 * @throws RangeError naming the value when a moment or `best` is not finite, or sd < 0.
 */
export function expectedImprovement(y: Moments, best: number): number {
  checkMoments('expected improvement', y);
  if (!Number.isFinite(best)) throw new RangeError(`expected improvement: best must be finite, got ${best}`);
  const gain = best - y.mean;
  if (y.sd === 0) return Math.max(gain, 0);
  const z = gain / y.sd;
  return Math.max(0, gain * normalCdf(z) + y.sd * normalPdf(z));
}

/**
 * Probability that a constraint g <= `threshold` holds, for g ~ Normal(mu, sd^2):
 *
 *     PoF = Phi((threshold - mu) / sd)
 *
 * with sd = 0 it is 1 when mu <= threshold, else 0.
 * @throws RangeError naming the value when a moment or the threshold is not finite, or sd < 0.
 */
export function probabilityOfFeasibility(g: Moments, threshold: number): number {
  checkMoments('probability of feasibility', g);
  if (!Number.isFinite(threshold)) throw new RangeError(`probability of feasibility: threshold must be finite, got ${threshold}`);
  if (g.sd === 0) return g.mean <= threshold ? 1 : 0;
  return normalCdf((threshold - g.mean) / g.sd);
}

/**
 * Constrained expected improvement (Gardner et al., ICML 2014; Gelbart et al. 2014):
 *
 *     cEI = EI(cost; best) x PoF(latency <= threshold)
 *
 * When no observed point is feasible yet (`best` undefined) there is nothing to
 * improve on, and the score is PoF alone: the search first looks for any
 * feasible configuration.
 */
export function constrainedExpectedImprovement(cost: Moments, latency: Moments, best: number | undefined, threshold: number): number {
  const pof = probabilityOfFeasibility(latency, threshold);
  return best === undefined ? pof : expectedImprovement(cost, best) * pof;
}

/** One observed configuration, as the surrogates see it after fitting. */
export interface ObservedPosterior {
  /** Posterior of its cost (not the raw sample). */
  readonly cost: Moments;
  /** Posterior of its latency percentile. */
  readonly latency: Moments;
}

/** What {@link noisyIncumbent} picked. */
export interface Incumbent {
  /** Index into the observed points. */
  readonly index: number;
  /** Its posterior mean cost: the `best` of expected improvement. */
  readonly cost: number;
}

/**
 * The incumbent of a noisy search: among observed points whose posterior
 * probability of meeting the constraint is at least `minFeasibility`, the one
 * with the lowest posterior mean cost. Posterior means, not raw samples, so one
 * lucky noisy probe does not become the bar; and a point predicted infeasible
 * never outranks a feasible one, however cheap (an infeasible probe scored 0 in
 * the 2023 code and beat every feasible one). Undefined when none qualifies.
 * @param minFeasibility in (0, 1]; default 0.5.
 * @throws RangeError when `minFeasibility` is outside (0, 1].
 */
export function noisyIncumbent(observed: readonly ObservedPosterior[], threshold: number, minFeasibility = 0.5): Incumbent | undefined {
  if (!(minFeasibility > 0 && minFeasibility <= 1)) throw new RangeError(`incumbent: minFeasibility must be in (0, 1], got ${minFeasibility}`);
  let best: Incumbent | undefined;
  observed.forEach((o, index) => {
    if (probabilityOfFeasibility(o.latency, threshold) < minFeasibility) return;
    checkMoments('incumbent cost', o.cost);
    if (best === undefined || o.cost.mean < best.cost) best = { index, cost: o.cost.mean };
  });
  return best;
}

/**
 * Safe exploration: a candidate may be proposed only when its probability of
 * meeting the constraint is at least 1 - `delta`, so users rarely see a QoS
 * violation while the search learns.
 * @param delta in (0, 1).
 * @throws RangeError when `delta` is outside (0, 1).
 */
export function isSafe(latency: Moments, threshold: number, delta: number): boolean {
  if (!(delta > 0 && delta < 1)) throw new RangeError(`safe set: delta must be in (0, 1), got ${delta}`);
  return probabilityOfFeasibility(latency, threshold) >= 1 - delta;
}

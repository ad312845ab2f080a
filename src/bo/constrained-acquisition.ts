/**
 * The acquisition functions of `acquisition.ts` lifted from posterior moments
 * to surrogates over batches of unit-cube points: what
 * `optimiseAcquisition` takes. One posterior call per surrogate per
 * batch.
 */
import { constrainedExpectedImprovement, isSafe, type Moments, type ObservedPosterior } from './acquisition';
import type { BatchAcquisition, BatchPredicate } from './optimise-acquisition';
import type { Surrogate } from './surrogate';

function moments(mean: readonly number[], variance: readonly number[]): Moments[] {
  return mean.map((m, i) => ({ mean: m, sd: Math.sqrt(Math.max(0, variance[i])) }));
}

/**
 * Constrained expected improvement at each point: EI(cost; best) x
 * PoF(latency <= threshold), or PoF alone while `best` is undefined (no
 * feasible incumbent yet), from the latent posteriors of the two surrogates.
 * With `safetyDelta`, points outside the safe set (PoF < 1 - safetyDelta)
 * score -Infinity, which `optimiseAcquisition` never proposes: the same
 * filter as {@link safeSetPredicate} from the same latency posterior, without
 * computing it twice.
 * @param best the incumbent's posterior mean cost (`noisyIncumbent`), cost units; undefined before any likely-feasible point.
 * @param threshold the latency target, latency units.
 * @param safetyDelta in (0, 1) when given; default: no safe-set filter.
 * @throws RangeError when `safetyDelta` is outside (0, 1).
 */
export function constrainedExpectedImprovementAcquisition(
  cost: Surrogate,
  latency: Surrogate,
  threshold: number,
  best: number | undefined,
  safetyDelta?: number,
): BatchAcquisition {
  if (safetyDelta !== undefined && !(safetyDelta > 0 && safetyDelta < 1)) throw new RangeError(`safe set: delta must be in (0, 1), got ${safetyDelta}`);
  return (points) => {
    if (points.length === 0) return [];
    const l = latency.posterior(points);
    const lm = moments(l.mean, l.variance);
    // The cost posterior only where the point is safe: unsafe points score -Infinity whatever their cost.
    const kept = safetyDelta === undefined ? lm.map((_, i) => i) : lm.flatMap((m, i) => (isSafe(m, threshold, safetyDelta) ? [i] : []));
    const out = new Array<number>(points.length).fill(Number.NEGATIVE_INFINITY);
    if (kept.length === 0) return out;
    const c = cost.posterior(kept.map((i) => points[i]));
    const cm = moments(c.mean, c.variance);
    kept.forEach((i, j) => {
      out[i] = constrainedExpectedImprovement(cm[j], lm[i], best, threshold);
    });
    return out;
  };
}

/**
 * The safe-set filter as a predicate: a point may be proposed only when its
 * posterior probability of latency <= threshold is at least 1 - delta.
 * @param delta in (0, 1); e.g. 0.05 admits points at least 95% likely to meet the target.
 * @throws RangeError (when called) when delta is outside (0, 1).
 */
export function safeSetPredicate(latency: Surrogate, threshold: number, delta: number): BatchPredicate {
  return (points) => {
    if (points.length === 0) return [];
    const l = latency.posterior(points);
    return moments(l.mean, l.variance).map((m) => isSafe(m, threshold, delta));
  };
}

/** The posteriors of cost and latency at observed points (unit cube), for `noisyIncumbent`. */
export function observedPosteriors(points: readonly (readonly number[])[], cost: Surrogate, latency: Surrogate): ObservedPosterior[] {
  if (points.length === 0) return [];
  const c = cost.posterior(points);
  const l = latency.posterior(points);
  const lm = moments(l.mean, l.variance);
  return moments(c.mean, c.variance).map((m, i) => ({ cost: m, latency: lm[i] }));
}

/**
 * How many containers of a function a minute needs, from a forecast count and
 * the function's duration (DESIGN.md section 3, pool sizing).
 *
 * Little's law gives the mean number of busy containers: concurrency =
 * (count per minute / 60,000 ms) x duration ms. Arrivals inside a minute are a
 * Poisson process, so the number busy at an arrival's instant is Poisson with
 * that mean (an M/G/infinity queue, seen by an arrival); the burst headroom is
 * its upper quantile. Pure functions, no allocation.
 */

import { normalQuantile } from '../core/normal';
import { MINUTE_MS } from '../sim/policy';

/**
 * A minute whose forecast count is below this many invocations needs no
 * container at all (0.5: the count rounds to zero invocations).
 */
export const MIN_COUNT_FOR_A_CONTAINER = 0.5;

/** Above this mean the Poisson quantile uses a normal approximation (exp(-mean) would underflow). */
const EXACT_POISSON_MAX_MEAN = 700;

/**
 * The `p`-quantile of a Poisson distribution with mean `mean`: the smallest k
 * with P(N <= k) >= p. Exact (summing the probabilities) for means up to 700;
 * above, the normal approximation with the Cornish-Fisher skew correction and
 * a continuity correction, mean + z sqrt(mean) + (z^2 - 1) / 6 - 1/2 rounded up
 * (z the standard normal p-quantile).
 * @param mean the Poisson mean, finite and >= 0 (0 gives 0).
 * @param p a probability, 0 < p < 1.
 * @throws RangeError naming the value when `mean` or `p` is out of range.
 */
export function poissonQuantile(mean: number, p: number): number {
  if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError(`poissonQuantile: mean must be a finite number >= 0, got ${mean}`);
  if (!(p > 0 && p < 1)) throw new RangeError(`poissonQuantile: p must be strictly between 0 and 1, got ${p}`);
  if (mean === 0) return 0;
  if (mean > EXACT_POISSON_MAX_MEAN) {
    const z = normalQuantile(p);
    return Math.max(0, Math.ceil(mean + z * Math.sqrt(mean) + (z * z - 1) / 6 - 0.5));
  }
  let pmf = Math.exp(-mean);
  let cdf = pmf;
  let k = 0;
  // The bound only guards against rounding keeping the sum just below p.
  const limit = Math.ceil(mean + 40 * Math.sqrt(mean) + 40);
  while (cdf < p && k < limit) {
    k++;
    pmf *= mean / k;
    cdf += pmf;
  }
  return k;
}

/**
 * Containers a function needs in one minute.
 *
 * Rule: 0 when `count` < {@link MIN_COUNT_FOR_A_CONTAINER}; otherwise
 * 1 + poissonQuantile(concurrency, risk), with concurrency = count x durationMs / 60,000
 * (Little's law). An arrival finds the N others busy, N ~ Poisson(concurrency);
 * with that many containers it starts warm with probability at least `risk`.
 *
 * @param count forecast invocations in the minute (the risk-quantile of the forecast), >= 0.
 * @param durationMs the function's duration (time a container is busy per invocation), ms, >= 0.
 * @param risk the probability an arrival should find a free container, 0 < risk < 1.
 * @throws RangeError naming the value when an argument is out of range or not finite.
 */
export function containersNeeded(count: number, durationMs: number, risk: number): number {
  if (!(count >= 0) || !Number.isFinite(count)) throw new RangeError(`containersNeeded: count must be a finite number >= 0, got ${count}`);
  if (!(durationMs >= 0) || !Number.isFinite(durationMs)) {
    throw new RangeError(`containersNeeded: durationMs must be a finite number >= 0, got ${durationMs}`);
  }
  if (!(risk > 0 && risk < 1)) throw new RangeError(`containersNeeded: risk must be strictly between 0 and 1, got ${risk}`);
  if (count < MIN_COUNT_FOR_A_CONTAINER) return 0;
  return 1 + poissonQuantile((count / MINUTE_MS) * durationMs, risk);
}

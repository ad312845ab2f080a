/**
 * Empirical percentiles of end-to-end latency samples, where a failed
 * invocation is a sample of +Infinity (it never met any target). Pure.
 */
import { quantileSorted } from '../core/stats';

/**
 * The `percentile`-th percentile of latency samples, ms, with the project's
 * quantile convention ({@link quantileSorted}: linear between closest ranks,
 * numpy's default). Samples may be +Infinity (failed invocations): a
 * percentile whose interpolation touches one is +Infinity.
 *
 * @param latenciesMs samples, ms, in any order (not modified); +Infinity for a failure
 * @param percentile in [0, 100], e.g. 95
 * @returns NaN when there are no samples
 * @throws RangeError on a percentile outside [0, 100] or a NaN sample
 */
export function latencyPercentile(latenciesMs: readonly number[], percentile: number): number {
  if (!(percentile >= 0 && percentile <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${percentile}`);
  if (latenciesMs.some((x) => Number.isNaN(x))) throw new RangeError('latency samples must not be NaN');
  if (latenciesMs.length === 0) return Number.NaN;
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * (percentile / 100);
  const lo = Math.floor(pos);
  // Interpolating towards +Infinity would give NaN (Infinity * 0) or Infinity: decide it here.
  if (pos === lo) return sorted[lo];
  if (sorted[Math.min(lo + 1, sorted.length - 1)] === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  return quantileSorted(sorted, percentile / 100);
}

/**
 * Share of samples above `targetMs` (failures, +Infinity, always count), in
 * [0, 1]; NaN when there are no samples.
 */
export function violationRate(latenciesMs: readonly number[], targetMs: number): number {
  if (latenciesMs.length === 0) return Number.NaN;
  let over = 0;
  for (const x of latenciesMs) if (!(x <= targetMs)) over++;
  return over / latenciesMs.length;
}

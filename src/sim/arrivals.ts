import type { Rng } from '../core/rng';
import { MINUTE_MS } from './policy';
import type { Workload } from './workload';

/**
 * Every activation of a run, sorted by arrival time. Generated once per seed
 * and replayed for every policy, so all policies see the same arrivals and the
 * same durations.
 */
export interface ArrivalSchedule {
  /** Number of activations. */
  readonly count: number;
  /** Arrival time of each activation, ms from the start of the run, non-decreasing. */
  readonly timeMs: Float64Array;
  /** Function index of each activation. */
  readonly fn: Int32Array;
  /** Run time of each activation at full speed, ms. */
  readonly durationMs: Float64Array;
}

/** Offsets inside a minute are drawn in whole microseconds (60,000,000 per minute < 2^26). */
const US_PER_MINUTE = MINUTE_MS * 1000;
/** Function indices are packed below the microsecond offset: up to 2^21 functions. */
const FN_BITS = 2 ** 21;

/**
 * Poisson arrivals inside each trace minute: given the minute's count n (exactly
 * the trace's), the arrival times of a Poisson process are n independent uniform
 * times in the minute. Durations are drawn from each function's duration model.
 *
 * @throws RangeError when the workload has more functions than can be packed (2^21).
 */
export function generateArrivals(workload: Workload, rng: Rng): ArrivalSchedule {
  const fns = workload.functions;
  if (fns.length >= FN_BITS) throw new RangeError(`generateArrivals: at most ${FN_BITS - 1} functions, got ${fns.length}`);
  let total = 0;
  let peakMinute = 0;
  for (let m = 0; m < workload.minutes; m++) {
    let inMinute = 0;
    for (let f = 0; f < fns.length; f++) inMinute += fns[f].counts[m];
    total += inMinute;
    if (inMinute > peakMinute) peakMinute = inMinute;
  }
  const timeMs = new Float64Array(total);
  const fn = new Int32Array(total);
  const durationMs = new Float64Array(total);
  const keys = new Float64Array(peakMinute);
  let k = 0;
  for (let m = 0; m < workload.minutes; m++) {
    let n = 0;
    for (let f = 0; f < fns.length; f++) {
      const c = fns[f].counts[m];
      for (let j = 0; j < c; j++) {
        // key = offset (us) * 2^21 + f: exact in a double (< 2^47), sorts by time then function.
        keys[n++] = Math.floor(rng.next() * US_PER_MINUTE) * FN_BITS + f;
      }
    }
    const sorted = keys.subarray(0, n).sort();
    const base = m * MINUTE_MS;
    for (let j = 0; j < n; j++) {
      const key = sorted[j];
      const f = key % FN_BITS;
      timeMs[k] = base + (key - f) / FN_BITS / 1000;
      fn[k] = f;
      k++;
    }
  }
  // Durations after sorting, in arrival order, so they do not depend on the sort.
  for (let i = 0; i < total; i++) {
    const d = fns[fn[i]].duration.quantile(rng.next());
    durationMs[i] = d > 0 ? d : 0;
  }
  return { count: total, timeMs, fn, durationMs };
}

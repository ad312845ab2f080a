/**
 * Percentiles of end-to-end latency from per-stage latency samples sharing
 * their sample index (common random numbers): sample k of the workflow is
 * the critical path over sample k of every stage. Allocation-free inner
 * loop, for searches that evaluate many configurations. Pure.
 */
import type { StageGraph } from '../workflow/dag';

/** Reusable scratch space for {@link samplePercentile}, with the DAG flattened for its inner loop. */
export class PercentileScratch {
  readonly endToEnd: Float64Array;
  readonly finish: Float64Array;
  private flatFor: StageGraph | undefined;
  /** Stages in topological order. */
  order = new Int32Array(0);
  /** Predecessors of order[m] are preds[offsets[m]] .. preds[offsets[m + 1] - 1]. */
  offsets = new Int32Array(1);
  preds = new Int32Array(0);
  constructor(samples: number, stages: number) {
    this.endToEnd = new Float64Array(samples);
    this.finish = new Float64Array(stages);
  }
  /** Flattens `graph` (once per graph). */
  flatten(graph: StageGraph): void {
    if (this.flatFor === graph) return;
    this.order = Int32Array.from(graph.order);
    const offsets = [0];
    const preds: number[] = [];
    for (const i of graph.order) {
      preds.push(...graph.predecessors[i]);
      offsets.push(preds.length);
    }
    this.offsets = Int32Array.from(offsets);
    this.preds = Int32Array.from(preds);
    this.flatFor = graph;
  }
}

/**
 * The `percentile`-th percentile (numpy's linear convention; +Infinity when
 * it touches a failed sample) of `overheadMs` + critical path over
 * `stageSamples[i][k]` for k < samples.
 * @param stageSamples one array of run times per stage (ms, +Infinity for a failed run), all of length >= samples
 */
export function samplePercentile(
  graph: StageGraph,
  stageSamples: readonly ArrayLike<number>[],
  overheadMs: number,
  percentile: number,
  scratch: PercentileScratch,
): number {
  const n = scratch.endToEnd.length;
  const e2e = scratch.endToEnd;
  const finish = scratch.finish;
  scratch.flatten(graph);
  const { order, offsets, preds } = scratch;
  const m = order.length;
  for (let k = 0; k < n; k++) {
    let end = 0;
    for (let o = 0; o < m; o++) {
      const i = order[o];
      let start = 0;
      for (let q = offsets[o]; q < offsets[o + 1]; q++) {
        const f = finish[preds[q]];
        if (f > start) start = f;
      }
      const f = start + stageSamples[i][k];
      finish[i] = f;
      if (f > end) end = f;
    }
    e2e[k] = end + overheadMs;
  }
  const pos = (n - 1) * (percentile / 100);
  const lo = Math.floor(pos);
  const below = selectInPlace(e2e, lo);
  if (pos === lo) return below;
  // The next order statistic is the least of what selection left above position lo.
  let above = Number.POSITIVE_INFINITY;
  for (let k = lo + 1; k < n; k++) if (e2e[k] < above) above = e2e[k];
  if (above === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  return below + (above - below) * (pos - lo);
}

/**
 * Rearranges `a` so that `a[k]` is its k-th smallest value (0-based), every
 * value before it no larger and every value after it no smaller (Hoare's
 * quickselect, middle pivot), and returns `a[k]`. Same answer as sorting
 * and reading position k (numpy's linear quantile needs positions k and k + 1).
 */
export function selectInPlace(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const pivot = a[(left + right) >> 1];
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k];
}

/**
 * Turn a parsed (or synthetic) trace and its side tables into the
 * {@link Workload} the simulator replays: pick the functions and the minute
 * range, join each function to its duration percentiles and its app's memory
 * percentiles, and fill the gaps with documented fallbacks.
 */
import { ConstantDuration, PiecewiseQuantile } from '../trace/piecewise-quantile';
import {
  DURATION_PERCENTILE_POINTS,
  MEMORY_PERCENTILE_POINTS,
  type DurationPercentiles,
  type FunctionSeries,
  type InvocationTrace,
  type MemoryPercentiles,
} from '../trace/types';
import type { DurationModel, SimFunction, SourceNote, Workload } from './workload';

/** Container memory of a function without a memory row, MB: OpenWhisk's default action memory limit. */
export const DEFAULT_ACTION_MEMORY_MB = 256;

/**
 * CPU share of a container per MB of memory, cores/MB: 0.125 cores per 256 MB,
 * i.e. one core per 2048 MB. OpenWhisk gives each container CPU shares in
 * proportion to its memory limit (`cpuShares` = the invoker's total shares x
 * memory / the invoker's user memory), so CPU is memory-proportional; the
 * ratio is our assumption (AWS Lambda's is one vCPU per 1769 MB, a similar order).
 */
export const DEFAULT_CORES_PER_MB = 0.125 / 256;

/**
 * Duration of every function when there are no duration rows at all, ms. An
 * assumption, not data: about the 0.7 s median of the per-function average
 * durations in the Azure 2019 trace (Shahrad et al., ATC 2020, Fig. 7), rounded.
 * Such functions are counted under the 'default' duration source (made up,
 * not measured).
 */
export const DEFAULT_DURATION_MS = 1000;

/** Shortest duration the simulator gets, ms: the Azure files round to whole ms and have 0-ms percentiles. */
export const MIN_DURATION_MS = 1;

/**
 * Cumulative probabilities at which the trace-wide (pooled) duration
 * distribution is tabulated (149 points): 0, 0.01%, 0.1%, 0.5%, every 1% up to
 * 89%, every 0.25% from 90% to 98.75%, every 0.1% from 99% to 99.9%, then
 * 99.93, 99.95, 99.97, 99.98, 99.99, 99.995, 99.998, 99.999, 99.9999% and 1.
 * The pooled Azure durations are very heavy-tailed (on the real 10,000-row
 * file p90 is 0.8 s, p99 26 s, p99.9 202 s and the maximum 21 min), and linear
 * interpolation between grid points overstates the mean where the quantile
 * function is convex: a plain 1% grid overstates it by 38% on that file, this
 * grid by 0.6%. `quantile(u)` (a linear scan) stays cheap.
 */
export const TRACE_WIDE_GRID: readonly number[] = buildGrid();

function buildGrid(): number[] {
  const grid = [0, 0.0001, 0.001, 0.005];
  for (let k = 1; k < 90; k++) grid.push(k / 100);
  for (let k = 360; k < 396; k++) grid.push(k / 400);
  for (let k = 990; k < 1000; k++) grid.push(k / 1000);
  for (const q of [7e-4, 5e-4, 3e-4, 2e-4, 1e-4, 5e-5, 2e-5, 1e-5, 1e-6]) grid.push(1 - q);
  grid.push(1);
  return grid;
}

/** Input of {@link buildWorkload}. */
export interface BuildWorkloadInput {
  /** The per-minute invocation counts. */
  readonly trace: InvocationTrace;
  /** Duration percentile rows (Azure `function_durations_percentiles`), optional. */
  readonly durations?: readonly DurationPercentiles[];
  /** Memory percentile rows per app (Azure `app_memory_percentiles`), optional. */
  readonly memory?: readonly MemoryPercentiles[];
  /** Keep only the first N functions of the trace, in file order (default: all). */
  readonly functions?: number;
  /**
   * Minutes to replay: half-open range [start, end) of 0-based offsets from the
   * trace's first minute (default: the whole trace). Minute `start` becomes minute 0.
   */
  readonly minutes?: { readonly start: number; readonly end: number };
  /** Memory of functions whose app has no memory row, MB (default {@link DEFAULT_ACTION_MEMORY_MB} = 256). */
  readonly defaultMemoryMB?: number;
  /**
   * CPU of every function's container, cores (default: memory-proportional,
   * memoryMB x {@link DEFAULT_CORES_PER_MB}, i.e. 0.125 cores per 256 MB).
   */
  readonly cpuCoresPerFunction?: number;
}

/**
 * Build the workload to replay.
 *
 * - Durations: each function is joined to its duration row by function id
 *   (`DurationPercentiles.func`; the first row of an id wins), else to a row of
 *   the same (owner, app) (the one with the largest `count`, first on ties: a
 *   sibling function is the best proxy); it then gets a
 *   {@link PiecewiseQuantile} over {@link DURATION_PERCENTILE_POINTS}/100 of
 *   that row (source 'per-function'). A function without a row draws from the
 *   trace-wide distribution, the mixture of all rows weighted by their `count`
 *   (equal weights if every count is 0), tabulated at {@link TRACE_WIDE_GRID}
 *   (source 'trace-wide'). With no rows at all, every function takes
 *   {@link DEFAULT_DURATION_MS} (source 'default'). Percentiles below
 *   {@link MIN_DURATION_MS} are raised to it.
 * - Memory: joined by (owner, app) (the first row of an app wins); memoryMB =
 *   the app's p50 allocated memory rounded up to a whole MB, at least 1
 *   (source 'per-function'); otherwise `defaultMemoryMB` (source 'action-limit').
 * - Counts are views (`subarray`) of the trace's arrays, not copies. Functions
 *   with no invocation inside the range are kept: they never arrive.
 *
 * @throws RangeError naming the bad value when `functions` is not an integer in
 *   1..the trace's function count, when `minutes` is not an integer range
 *   inside 0..trace.minutes or is empty, when `defaultMemoryMB` or
 *   `cpuCoresPerFunction` is not a positive finite number, or when a joined
 *   duration row's percentiles decrease.
 */
export function buildWorkload(input: BuildWorkloadInput): Workload {
  const { trace } = input;
  const available = trace.functions.length;

  const n = input.functions ?? available;
  if (!Number.isInteger(n) || n < 1 || n > available) {
    throw new RangeError(`buildWorkload: functions=${n} must be an integer in 1..${available} (the trace's function count)`);
  }
  const start = input.minutes?.start ?? 0;
  const end = input.minutes?.end ?? trace.minutes;
  if (!Number.isInteger(start) || start < 0 || start >= trace.minutes) {
    throw new RangeError(`buildWorkload: minutes.start=${start} must be an integer in 0..${trace.minutes - 1} (the trace has ${trace.minutes} minutes)`);
  }
  if (!Number.isInteger(end) || end > trace.minutes) {
    throw new RangeError(`buildWorkload: minutes.end=${end} must be an integer in 1..${trace.minutes} (the trace has ${trace.minutes} minutes)`);
  }
  if (end <= start) {
    throw new RangeError(`buildWorkload: minutes.end=${end} must be greater than minutes.start=${start} (empty range)`);
  }
  const defaultMemoryMB = input.defaultMemoryMB ?? DEFAULT_ACTION_MEMORY_MB;
  if (!Number.isFinite(defaultMemoryMB) || defaultMemoryMB <= 0) {
    throw new RangeError(`buildWorkload: defaultMemoryMB=${defaultMemoryMB} must be a positive number of MB`);
  }
  const fixedCores = input.cpuCoresPerFunction;
  if (fixedCores !== undefined && (!Number.isFinite(fixedCores) || fixedCores <= 0)) {
    throw new RangeError(`buildWorkload: cpuCoresPerFunction=${fixedCores} must be a positive number of cores`);
  }

  const durationRows = input.durations ?? [];
  const byFunc = new Map<string, DurationPercentiles>();
  const byAppDuration = new Map<string, DurationPercentiles>();
  for (const row of durationRows) {
    if (!byFunc.has(row.func)) byFunc.set(row.func, row);
    const key = appKey(row.owner, row.app);
    const best = byAppDuration.get(key);
    if (best === undefined || row.count > best.count) byAppDuration.set(key, row);
  }
  const memoryByApp = new Map<string, MemoryPercentiles>();
  for (const row of input.memory ?? []) {
    const key = appKey(row.owner, row.app);
    if (!memoryByApp.has(key)) memoryByApp.set(key, row);
  }

  let traceWide: DurationModel | undefined;
  const fallbackDuration = (): DurationModel => {
    if (traceWide === undefined) traceWide = durationRows.length > 0 ? pooledDurationModel(durationRows) : new ConstantDuration(DEFAULT_DURATION_MS);
    return traceWide;
  };
  const fallbackSource: SourceNote = durationRows.length > 0 ? 'trace-wide' : 'default';
  const perFunctionModels = new Map<DurationPercentiles, DurationModel>();

  const durationSource: Partial<Record<SourceNote, number>> = {};
  const memorySource: Partial<Record<SourceNote, number>> = {};
  const p50Index = MEMORY_PERCENTILE_POINTS.indexOf(50);
  const functions: SimFunction[] = [];
  for (let i = 0; i < n; i++) {
    const fn: FunctionSeries = trace.functions[i];
    const key = appKey(fn.owner, fn.app);

    const row = byFunc.get(fn.id) ?? byAppDuration.get(key);
    let duration: DurationModel;
    if (row !== undefined) {
      let model = perFunctionModels.get(row);
      if (model === undefined) {
        model = rowDurationModel(row);
        perFunctionModels.set(row, model);
      }
      duration = model;
      increment(durationSource, 'per-function');
    } else {
      duration = fallbackDuration();
      increment(durationSource, fallbackSource);
    }

    const mem = memoryByApp.get(key);
    let memoryMB = defaultMemoryMB;
    if (mem !== undefined) {
      memoryMB = Math.max(1, Math.ceil(mem.percentilesMB[p50Index]));
      increment(memorySource, 'per-function');
    } else {
      increment(memorySource, 'action-limit');
    }

    functions.push({
      id: fn.id,
      counts: start === 0 && end === fn.counts.length ? fn.counts : fn.counts.subarray(start, end),
      memoryMB,
      cpuCores: fixedCores ?? memoryMB * DEFAULT_CORES_PER_MB,
      duration,
    });
  }

  return { source: trace.source, minutes: end - start, functions, durationSource, memorySource };
}

/** Map key of an (owner, app) pair (hashes never contain NUL). */
function appKey(owner: string, app: string): string {
  return `${owner}\u0000${app}`;
}

function increment(tally: Partial<Record<SourceNote, number>>, note: SourceNote): void {
  tally[note] = (tally[note] ?? 0) + 1;
}

/** A row's percentiles with those under {@link MIN_DURATION_MS} raised to it, ms. */
function clampedPercentiles(row: DurationPercentiles): number[] {
  return row.percentilesMs.map((v) => (v >= MIN_DURATION_MS ? v : MIN_DURATION_MS));
}

/** The quantile function of one duration row. */
function rowDurationModel(row: DurationPercentiles): DurationModel {
  const probabilities = DURATION_PERCENTILE_POINTS.map((p) => p / 100);
  if (!row.percentilesMs.every(Number.isFinite)) {
    throw new RangeError(`buildWorkload: duration row of function ${row.func} (app ${row.app}): percentiles must be finite ms values, got ${row.percentilesMs.join(',')}`);
  }
  try {
    return new PiecewiseQuantile(probabilities, clampedPercentiles(row));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new RangeError(`buildWorkload: duration row of function ${row.func} (app ${row.app}): ${message}`);
  }
}

/**
 * The mixture of all duration rows weighted by `count` (equal weights when
 * every count is 0 or not finite), as a {@link PiecewiseQuantile} at
 * {@link TRACE_WIDE_GRID}. Each row is a distribution whose quantile function
 * is linear between its percentiles, i.e. a uniform density on each
 * percentile interval (an atom where two percentiles are equal); the mixture's
 * CDF is evaluated exactly by a sweep over all interval ends, then inverted at
 * the grid (default {@link TRACE_WIDE_GRID}: cumulative probabilities, strictly
 * increasing from 0 to 1). Its `meanMs` is that of the tabulated distribution the simulator
 * draws from, which bridges gaps between rows linearly over one grid step:
 * within about 1% of the exact mixture mean.
 * @throws RangeError naming the function when a row's percentiles are not 7 finite non-decreasing values.
 */
export function pooledDurationModel(rows: readonly DurationPercentiles[], grid: readonly number[] = TRACE_WIDE_GRID): DurationModel {
  const probs = DURATION_PERCENTILE_POINTS.map((p) => p / 100);
  let useCounts = false;
  for (const row of rows) if (Number.isFinite(row.count) && row.count > 0) useCounts = true;

  // Events: at position x, the density changes by `slope` and an atom of mass `atom` sits there.
  const xs: number[] = [];
  const slopes: number[] = [];
  const atoms: number[] = [];
  let totalWeight = 0;
  for (const row of rows) {
    const w = useCounts ? (Number.isFinite(row.count) && row.count > 0 ? row.count : 0) : 1;
    if (w === 0) continue;
    const v = clampedPercentiles(row);
    if (v.length !== probs.length || !v.every((x, i) => Number.isFinite(x) && (i === 0 || x >= v[i - 1]))) {
      throw new RangeError(`buildWorkload: duration row of function ${row.func} (app ${row.app}): percentiles must be ${probs.length} finite non-decreasing ms values, got ${row.percentilesMs.join(',')}`);
    }
    totalWeight += w;
    for (let j = 1; j < v.length; j++) {
      const mass = w * (probs[j] - probs[j - 1]);
      if (mass === 0) continue;
      if (v[j] > v[j - 1]) {
        const d = mass / (v[j] - v[j - 1]);
        xs.push(v[j - 1], v[j]);
        slopes.push(d, -d);
        atoms.push(0, 0);
      } else {
        xs.push(v[j]);
        slopes.push(0);
        atoms.push(mass);
      }
    }
  }
  if (totalWeight === 0) return new ConstantDuration(DEFAULT_DURATION_MS);

  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  // Distinct positions with the CDF just before (left) and just after (right) each, and the density after it.
  const pos: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const densityAfter: number[] = [];
  let cdf = 0;
  let density = 0;
  let k = 0;
  while (k < order.length) {
    const x = xs[order[k]];
    if (pos.length > 0) cdf += density * (x - pos[pos.length - 1]);
    const before = cdf;
    while (k < order.length && xs[order[k]] === x) {
      density += slopes[order[k]];
      cdf += atoms[order[k]];
      k++;
    }
    if (density < 0) density = 0; // rounding
    pos.push(x);
    left.push(before / totalWeight);
    right.push(cdf / totalWeight);
    densityAfter.push(density / totalWeight);
  }

  const values: number[] = [];
  let i = 0;
  for (const p of grid) {
    let value: number;
    if (p <= 0) value = pos[0];
    else {
      while (i < pos.length - 1 && right[i] < p) i++;
      if (p > left[i] || i === 0) value = pos[i]; // inside the atom at pos[i] (or the very start)
      else {
        // On the continuous stretch between pos[i-1] and pos[i].
        const d = densityAfter[i - 1];
        const x = d > 0 ? pos[i - 1] + (p - right[i - 1]) / d : pos[i];
        value = Math.min(pos[i], Math.max(pos[i - 1], x));
      }
    }
    if (p >= 1) value = pos[pos.length - 1];
    values.push(values.length > 0 ? Math.max(values[values.length - 1], value) : value);
  }
  return new PiecewiseQuantile(grid, values);
}

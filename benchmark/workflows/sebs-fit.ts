/**
 * Fits a stage run-time model to one SeBS benchmark's AWS Lambda warm runs. Pure.
 *
 * On AWS Lambda a function's CPU share is proportional to its memory (one vCPU
 * at 1769 MB), so the measured latency-vs-memory curve is a latency-vs-CPU
 * curve with `cpu = memoryMB / 1769`. Per benchmark:
 *
 * - **curve**: `t(cpu) = serialMs + parallelMs / min(cpu, parallelismCores)`
 *   (a serial part, parallelisable work, and a cap on the cores the code can
 *   use), fitted to the median execution time at each memory size by least
 *   squares on the relative error. For a fixed cap the problem is linear in
 *   (serialMs, parallelMs), solved in closed form with both kept >= 0; the cap
 *   is searched on a log-spaced grid of 2,000 points over (smallest, largest
 *   measured CPU], then refined by golden-section search between the best
 *   point's neighbours. A cap at the largest measured CPU means none was
 *   observed: the model then does not extrapolate a speed-up beyond the data;
 * - **noise**: multiplicative lognormal, `sigma` = the median over memory sizes
 *   of IQR(log t) / 1.349 (the normal's IQR is 1.349 sigma);
 * - **memory**: `floorMB`, the least memory the benchmark was seen to run in
 *   (the smallest median `mem_used` over memory sizes: below it the stage
 *   fails out of memory), and `workingSetMB`, what it uses when unconstrained
 *   (the largest median `mem_used`);
 * - **quality**: the relative error of the fitted curve against the median at
 *   each memory size.
 */
import { quantileSorted } from '../../src/core/stats';
import { LAMBDA_MB_PER_CORE } from '../../src/workflow/profile';
import type { SebsBenchmark } from './sebs-benchmarks';
import type { WarmRun } from './sebs-result-csv';

/** The warm runs of one memory size, summarised. */
export interface SebsSizeSummary {
  /** Memory limit, MB. */
  readonly memoryMB: number;
  /** Lambda's CPU share at that memory, cores (memoryMB / 1769). */
  readonly cpu: number;
  /** Number of warm runs. */
  readonly samples: number;
  /** Median execution time, ms. */
  readonly medianMs: number;
  /** Log-spread of the execution times: IQR(log t) / 1.349. */
  readonly logSigma: number;
  /** Median peak memory used, MB. */
  readonly memUsedMB: number;
}

/** The fitted latency curve `t(cpu) = serialMs + parallelMs / min(cpu, parallelismCores)`, ms. */
export interface CpuCurve {
  /** Serial part, ms (>= 0). */
  readonly serialMs: number;
  /** Parallelisable work, core-ms (>= 0): the time it takes on one core. */
  readonly parallelMs: number;
  /** Cores beyond which more CPU no longer helps. */
  readonly parallelismCores: number;
}

/** Relative error of the fitted curve at one measured memory size. */
export interface FitPoint {
  readonly memoryMB: number;
  /** Warm runs at that size. */
  readonly samples: number;
  /** fitted / measured median - 1. */
  readonly relError: number;
}

/** One benchmark's fitted model. */
export interface SebsFit extends CpuCurve {
  readonly benchmark: SebsBenchmark;
  /** Multiplicative lognormal noise: standard deviation of log run time. */
  readonly sigma: number;
  /** Least memory the benchmark ran in, MB: below it a stage runs out of memory. */
  readonly floorMB: number;
  /** Memory it uses when unconstrained, MB. */
  readonly workingSetMB: number;
  /** Fit quality at each measured memory size, ascending memory. */
  readonly points: readonly FitPoint[];
}

/** Median run time of a curve at `cpu` cores, ms. */
export function curveMs(curve: CpuCurve, cpu: number): number {
  return curve.serialMs + curve.parallelMs / Math.min(cpu, curve.parallelismCores);
}

/** IQR of the normal distribution in standard deviations. */
const NORMAL_IQR = 1.349;

/**
 * Groups warm runs by memory size and summarises each (ascending memory).
 * @throws RangeError when there are no runs
 */
export function summariseBySize(runs: readonly WarmRun[]): SebsSizeSummary[] {
  if (runs.length === 0) throw new RangeError('no warm runs to summarise');
  const bySize = new Map<number, WarmRun[]>();
  for (const r of runs) {
    const list = bySize.get(r.memoryMB);
    if (list === undefined) bySize.set(r.memoryMB, [r]);
    else list.push(r);
  }
  return [...bySize.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([memoryMB, list]) => {
      const times = list.map((r) => r.execMs).sort((a, b) => a - b);
      const logs = times.map((t) => Math.log(t));
      const mem = list.map((r) => r.memUsedMB).sort((a, b) => a - b);
      return {
        memoryMB,
        cpu: memoryMB / LAMBDA_MB_PER_CORE,
        samples: list.length,
        medianMs: quantileSorted(times, 0.5),
        logSigma: (quantileSorted(logs, 0.75) - quantileSorted(logs, 0.25)) / NORMAL_IQR,
        memUsedMB: quantileSorted(mem, 0.5),
      };
    });
}

/** Sum of squared relative errors of the best non-negative (serial, parallel) for a fixed cap. */
function solveForCap(points: readonly { cpu: number; medianMs: number }[], cap: number): { error: number; serialMs: number; parallelMs: number } {
  // Minimise sum_i ((a + b x_i - m_i) / m_i)^2 with x_i = 1 / min(cpu_i, cap): weighted least squares.
  let sw = 0;
  let sx = 0;
  let sxx = 0;
  let sm = 0;
  let sxm = 0;
  for (const p of points) {
    const w = 1 / (p.medianMs * p.medianMs);
    const x = 1 / Math.min(p.cpu, cap);
    sw += w;
    sx += w * x;
    sxx += w * x * x;
    sm += w * p.medianMs;
    sxm += w * x * p.medianMs;
  }
  const det = sw * sxx - sx * sx;
  let a = det > 0 ? (sxx * sm - sx * sxm) / det : sm / sw;
  let b = det > 0 ? (sw * sxm - sx * sm) / det : 0;
  if (a < 0) {
    a = 0;
    b = sxm / sxx;
  }
  if (b < 0) {
    b = 0;
    a = sm / sw;
  }
  let error = 0;
  for (const p of points) {
    const r = (a + b / Math.min(p.cpu, cap) - p.medianMs) / p.medianMs;
    error += r * r;
  }
  return { error, serialMs: a, parallelMs: b };
}

/** Points of the cap grid. */
const CAP_GRID = 2000;
/** Golden-section iterations of the cap refinement. */
const GOLDEN_STEPS = 80;

/**
 * Fits {@link CpuCurve} to (cpu, median) points as described in the module comment.
 * @throws RangeError with fewer than 3 distinct CPU values (3 parameters)
 */
export function fitCpuCurve(points: readonly { cpu: number; medianMs: number }[]): CpuCurve {
  const cpus = [...new Set(points.map((p) => p.cpu))].sort((a, b) => a - b);
  if (cpus.length < 3) throw new RangeError(`a CPU curve needs at least 3 measured sizes, got ${cpus.length}`);
  const lo = cpus[0];
  const hi = cpus[cpus.length - 1];
  const capAt = (k: number): number => lo * Math.pow(hi / lo, k / CAP_GRID);
  let bestK = 1;
  let bestError = Number.POSITIVE_INFINITY;
  for (let k = 1; k <= CAP_GRID; k++) {
    const e = solveForCap(points, capAt(k)).error;
    if (e < bestError) {
      bestError = e;
      bestK = k;
    }
  }
  // Refine between the neighbours (the grid's first point stays above the smallest CPU).
  let a = capAt(Math.max(1, bestK - 1));
  let b = capAt(Math.min(CAP_GRID, bestK + 1));
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = solveForCap(points, c).error;
  let fd = solveForCap(points, d).error;
  for (let i = 0; i < GOLDEN_STEPS; i++) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = solveForCap(points, c).error;
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = solveForCap(points, d).error;
    }
  }
  let cap = (a + b) / 2;
  if (solveForCap(points, cap).error > bestError) cap = capAt(bestK);
  const { serialMs, parallelMs } = solveForCap(points, cap);
  return { serialMs, parallelMs, parallelismCores: cap };
}

/**
 * Fits one benchmark's model to its kept warm runs (see the module comment).
 * @throws RangeError with fewer than 3 memory sizes
 */
export function fitSebsBenchmark(benchmark: SebsBenchmark, runs: readonly WarmRun[]): SebsFit {
  const sizes = summariseBySize(runs);
  const curve = fitCpuCurve(sizes);
  const sigmas = sizes.map((s) => s.logSigma).sort((a, b) => a - b);
  const memUsed = sizes.map((s) => s.memUsedMB);
  return {
    benchmark,
    ...curve,
    sigma: quantileSorted(sigmas, 0.5),
    floorMB: Math.min(...memUsed),
    workingSetMB: Math.max(...memUsed),
    points: sizes.map((s) => ({ memoryMB: s.memoryMB, samples: s.samples, relError: curveMs(curve, s.cpu) / s.medianMs - 1 })),
  };
}

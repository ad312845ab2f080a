/**
 * Ours learns each stage on its own: every probe of the workflow also
 * measures every stage (an activation record per stage), so a stage is a
 * Gaussian process over its own CPU and memory (2-D, one lengthscale each),
 * fitted to every probe's mean log run time with known noise (the pooled
 * within-probe variance over the probe's runs); the run-to-run spread is the
 * pooled within-probe standard deviation of log run time.
 *
 * The GP models log(run time x cpu), the log of the CPU time a run would
 * take if it used all of its share, not log run time: away from the data the
 * GP reverts to its mean, and this mean assumes a stage is CPU-bound (half the
 * CPU, twice the time, the most a CPU quota can slow a single thread), which
 * is pessimistic for I/O-bound or parallelism-capped stages and so keeps
 * safe exploration safe; the data corrects it where the search goes.
 *
 * Out of memory: a memory limit at or above the stage's working set (the
 * peak memory a run reported when it had room, i.e. reported less than its
 * limit) fits; below, the floor is bracketed by the largest memory that ran
 * out and the smallest that did not, log-uniform in between, and taken to be
 * at least half the working set. Pure apart from the fit's Rng.
 */
import { fitGaussianProcess, gaussianProcessWithHyperparameters, type GaussianProcess, type GpHyperparameters } from '../bo/gaussian-process';
import type { Rng } from '../core/rng';
import type { StageConfig } from '../workflow/workflow-types';
import type { ProbeGroup } from './probe-groups';

/** Log-sd of run-to-run noise assumed before any probe was replicated. */
export const DEFAULT_LOG_SD = 0.2;

/**
 * The prior mean's CPU exponent: the GP models log(run time) + a x log(cpu),
 * so away from data a stage's run time is taken to scale as cpu^-a.
 */
export const CPU_BOUND_EXPONENT = 0.5;

/**
 * Least output scale of a stage's GP, log units: until the data spread wider,
 * a stage's log run time is taken to vary by about +-0.5 (a factor 1.65) over
 * its space, so two nearly equal first probes do not make the GP sure of
 * every other configuration.
 */
export const MIN_LOG_SCALE = 0.5;

/**
 * Hyperparameters before there are {@link MIN_POINTS_TO_FIT} points to fit
 * them to: lengthscale 1 (a run time varies smoothly over a stage's whole
 * range), signal variance 1 (in units of {@link MIN_LOG_SCALE}), noise 1e-3.
 */
export const EARLY_HYPERPARAMETERS: GpHyperparameters = { lengthscales: [1, 1], signalVariance: 1, noiseVariance: 1e-3 };

/** Fewest distinct configurations before the hyperparameters are fitted (before: the defaults). */
export const MIN_POINTS_TO_FIT = 3;

/** What is known of one stage. */
export interface StageLatencyModel {
  /** GP of mean log(run time x cpu) (log core-ms) over the stage's unit square; undefined before any run that did not fail. */
  readonly gp: GaussianProcess | undefined;
  /** Pooled run-to-run sd of log run time. */
  readonly logSd: number;
  /** Largest memory that ran out, MB (0 when none did). */
  readonly maxOutOfMemoryMB: number;
  /** Smallest memory that ran without running out, MB (+Infinity when none did). */
  readonly minFittingMB: number;
  /** The working set, MB: the largest peak memory reported below its limit (undefined when none was). */
  readonly workingSetMB: number | undefined;
}

/**
 * Fits stage `stage`'s model from the probe groups.
 * @param encode maps the stage's configuration to its 2-D unit square
 */
export function fitStageLatencyModel(groups: readonly ProbeGroup[], stage: number, encode: (c: StageConfig) => number[], rng: Rng): StageLatencyModel {
  const x: number[][] = [];
  const y: number[] = [];
  const counts: number[] = [];
  let ss = 0;
  let df = 0;
  let maxOutOfMemoryMB = 0;
  let minFittingMB = Number.POSITIVE_INFINITY;
  let workingSetMB: number | undefined;
  for (const g of groups) {
    const config = g.config[stage];
    const oom = g.stageOutOfMemory[stage];
    const logs = g.stageLatencyMs[stage].filter((_, k) => !oom[k]).map((ms) => Math.log(Math.max(ms, 1e-3)) + CPU_BOUND_EXPONENT * Math.log(config.cpu));
    if (oom.some((o) => o)) maxOutOfMemoryMB = Math.max(maxOutOfMemoryMB, config.memoryMB);
    else minFittingMB = Math.min(minFittingMB, config.memoryMB);
    const peak = g.stagePeakMemoryMB[stage];
    if (peak !== undefined && peak < config.memoryMB && !oom.some((o) => o)) workingSetMB = Math.max(workingSetMB ?? 0, peak);
    if (logs.length === 0) continue;
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    for (const l of logs) ss += (l - mean) ** 2;
    df += logs.length - 1;
    x.push(encode(config));
    y.push(mean);
    counts.push(logs.length);
  }
  // The same stage configuration appears in several workflow configurations: merge them into one point.
  const merged = new Map<string, { x: number[]; sum: number; n: number }>();
  x.forEach((p, i) => {
    const key = p.join(',');
    const m = merged.get(key) ?? { x: p, sum: 0, n: 0 };
    m.sum += y[i] * counts[i];
    m.n += counts[i];
    merged.set(key, m);
  });
  const logSd = df > 0 ? Math.sqrt(ss / df) : DEFAULT_LOG_SD;
  const points = [...merged.values()];
  if (points.length === 0) return { gp: undefined, logSd, maxOutOfMemoryMB, minFittingMB, workingSetMB };
  const px = points.map((p) => p.x);
  const py = points.map((p) => p.sum / p.n);
  const noise = points.map((p) => (logSd * logSd) / p.n);
  const gp =
    points.length < MIN_POINTS_TO_FIT
      ? gaussianProcessWithHyperparameters(px, py, EARLY_HYPERPARAMETERS, noise, MIN_LOG_SCALE)
      : fitGaussianProcess(px, py, { rng, noiseVariances: noise, restarts: 1, maxIterations: 40, minOutputScale: MIN_LOG_SCALE });
  return { gp, logSd, maxOutOfMemoryMB, minFittingMB, workingSetMB };
}

/**
 * Probability that `memoryMB` does not run out: 0 at or below the largest
 * memory that ran out, 1 at or above the smallest that fitted or the working
 * set, and between the floor's bounds log-uniform (the lower bound half the
 * working set, or `lowestMB` when no working set was reported).
 */
export function fitsInMemory(model: StageLatencyModel, memoryMB: number, lowestMB: number): number {
  if (memoryMB <= model.maxOutOfMemoryMB) return 0;
  const hi = Math.min(model.minFittingMB, model.workingSetMB ?? Number.POSITIVE_INFINITY);
  if (memoryMB >= hi) return 1;
  if (!Number.isFinite(hi)) return 0.5;
  const lo = Math.max(model.maxOutOfMemoryMB, model.workingSetMB === undefined ? lowestMB : model.workingSetMB / 2);
  if (memoryMB <= lo) return 0;
  return Math.log(memoryMB / lo) / Math.log(hi / lo);
}

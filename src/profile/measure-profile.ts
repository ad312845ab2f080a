/**
 * Profiling a real workflow (`npm run profile`): every stage measured alone at
 * every configuration of a CPU x memory grid, written as a profile in the
 * resource manager's `--profile` format (src/workflow/profile.ts).
 *
 * For each stage (in DAG order) and each configuration (memory ascending,
 * then CPU ascending):
 * 1. the stage's limits are set ({@link StageRunner.configure});
 * 2. one warm-up invocation with the stage's real input starts a container at
 *    the new limits (its time is not kept: a cold start is not the stage's
 *    run time; the keep-alive policy, not the resource manager, decides cold
 *    starts). When it runs out of memory it is kept as an out-of-memory run;
 * 3. `invocations` measured runs; a run's latency is the activation's
 *    duration less its init time, and its peak memory the one the stage
 *    reported (kept when every run of the configuration reported one) (a run after an out-of-memory kill starts
 *    cold again). An out-of-memory run is kept with `outOfMemory: true` (the
 *    time until it failed), so the search sees that configuration as
 *    infeasible; any other failure stops the profile with a
 *    {@link ProfilingError} naming the stage, the configuration and the error.
 *
 * The QoS target follows the modelled workflows' rule ({@link profileQosTarget}:
 * by default medium, 1.6 x the p95 end-to-end latency with every stage at its
 * largest measured configuration, drawn from the measured runs),
 * so a measured profile is tuned against the same kind of target. No I/O:
 * the runner is a port.
 */
import { buildStageGraph } from '../workflow/dag';
import { parseProfile } from '../workflow/profile';
import { profileQosTarget } from '../workflow/profile-qos';
import type { Prices, StageConfig, StageSpec } from '../workflow/workflow-types';

/** One invocation of a stage, as its activation record tells it. */
export interface StageRunOutcome {
  /** The activation's duration, ms (includes `initTimeMs` on a cold start). */
  readonly durationMs: number;
  /** Init time of a cold start, ms (absent: warm). */
  readonly initTimeMs?: number;
  readonly success: boolean;
  /** Failed because it ran out of memory. */
  readonly outOfMemory: boolean;
  /** The error, when it failed. */
  readonly error?: string;
  /** Peak memory the run reported, MB (the stage's `peakMemoryMB`), when it did. */
  readonly peakMemoryMB?: number;
}

/** The port the profiler measures through (the local OpenWhisk in `npm run profile`). */
export interface StageRunner {
  /** Sets the stage action's limits. */
  configure(stage: string, config: StageConfig): Promise<void>;
  /** One blocking invocation of the stage with `input`. */
  invoke(stage: string, input: Readonly<Record<string, unknown>>): Promise<StageRunOutcome>;
}

/** What to measure. */
export interface ProfilePlan {
  readonly workflow: string;
  readonly stages: readonly StageSpec[];
  /** CPU limits, cores, e.g. 0.25, 0.5, 1, 2. */
  readonly cpus: readonly number[];
  /** Memory limits, MB, e.g. 128, 256, 512, 1024. */
  readonly memoryMB: readonly number[];
  /** Measured runs per stage and configuration (after the warm-up). */
  readonly invocations: number;
  /** Each stage's input (what it gets inside the workflow). */
  readonly inputs: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly prices: Prices;
  /** Composition overhead per invocation, ms. */
  readonly overheadMs: number;
  /** QoS percentile of the target, e.g. 95. */
  readonly percentile: number;
  /** Target = this x the percentile at the largest measured configurations (1.6: the modelled "medium"). */
  readonly targetFactor: number;
}

/** Where and when (the profile's provenance). */
export interface ProfileProvenance {
  /** ISO 8601. */
  readonly measuredAt: string;
  readonly machine: Readonly<Record<string, string | number>>;
}

/** A measurement entry of the profile document. */
export interface ProfileMeasurementEntry {
  stage: string;
  config: { memoryMB: number; cpu: number };
  latencyMs: number[];
  outOfMemory?: true;
  /** One per sample, when every run reported it. */
  peakMemoryMB?: number[];
}

/** The profile document (the `--profile` format). */
export interface ProfileDocument {
  workflow: string;
  qos: { percentile: number; targetMs: number };
  prices: { gbSecond: number; cpuCoreSecond: number };
  overheadMs: number;
  measuredAt: string;
  machine: Record<string, string | number>;
  stages: { name: string; after: string[] }[];
  measurements: ProfileMeasurementEntry[];
}

/** A stage run that failed for another reason than memory, or a plan that cannot be measured. */
export class ProfilingError extends Error {
  override readonly name = 'ProfilingError';
}

/** Progress of the profiler. */
export interface ProfileProgress {
  readonly stage: string;
  readonly config: StageConfig;
  /** Configurations done so far, of `total` (stages x configurations). */
  readonly done: number;
  readonly total: number;
  /** Median of this configuration's successful runs, ms (NaN when all ran out of memory). */
  readonly medianMs: number;
  readonly outOfMemoryRuns: number;
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function checkPlan(plan: ProfilePlan): void {
  const positive = (name: string, xs: readonly number[]): void => {
    if (xs.length === 0) throw new ProfilingError(`${name}: expected at least one value`);
    for (const x of xs) if (!(Number.isFinite(x) && x > 0)) throw new ProfilingError(`${name}: expected positive numbers, found ${x}`);
    if (new Set(xs).size !== xs.length) throw new ProfilingError(`${name}: ${xs.join(',')} lists a value twice`);
  };
  positive('cpus', plan.cpus);
  positive('memory', plan.memoryMB);
  for (const m of plan.memoryMB) if (!Number.isInteger(m)) throw new ProfilingError(`memory: expected whole MB, found ${m}`);
  if (!(Number.isInteger(plan.invocations) && plan.invocations > 0)) throw new ProfilingError(`invocations: expected a positive integer, found ${plan.invocations}`);
  if (!(plan.targetFactor >= 1)) throw new ProfilingError(`targetFactor: expected at least 1, found ${plan.targetFactor}`);
  for (const s of plan.stages) if (plan.inputs[s.name] === undefined) throw new ProfilingError(`stage ${s.name}: no input to invoke it with`);
}

/**
 * Measures every stage of `plan` through `runner` and returns the profile
 * document (validated by the profile parser before it is returned).
 * @throws ProfilingError on a failed run that is not out of memory, a bad
 *   plan, or a stage that ran out of memory at every configuration
 */
export async function measureProfile(plan: ProfilePlan, runner: StageRunner, provenance: ProfileProvenance, onProgress?: (p: ProfileProgress) => void): Promise<ProfileDocument> {
  checkPlan(plan);
  const graph = buildStageGraph(plan.stages);
  const memories = [...plan.memoryMB].sort((a, b) => a - b);
  const cpus = [...plan.cpus].sort((a, b) => a - b);
  const configs: StageConfig[] = memories.flatMap((memoryMB) => cpus.map((cpu) => ({ memoryMB, cpu })));
  const total = configs.length * plan.stages.length;
  const measurements: ProfileMeasurementEntry[] = [];
  let done = 0;
  for (const s of graph.order) {
    const stage = plan.stages[s].name;
    const input = plan.inputs[stage];
    for (const config of configs) {
      await runner.configure(stage, config);
      const ok: number[] = [];
      const okPeaks: (number | undefined)[] = [];
      const oom: number[] = [];
      const keep = (r: StageRunOutcome, measured: boolean): void => {
        const ms = Math.max(0, r.durationMs - (r.initTimeMs ?? 0));
        if (r.success) {
          if (measured) {
            ok.push(ms);
            okPeaks.push(r.peakMemoryMB);
          }
        } else if (r.outOfMemory) {
          oom.push(ms);
        } else {
          throw new ProfilingError(`stage ${stage} at ${config.memoryMB} MB, ${config.cpu} cores failed: ${r.error ?? 'no error given'}`);
        }
      };
      keep(await runner.invoke(stage, input), false);
      for (let k = 0; k < plan.invocations; k++) keep(await runner.invoke(stage, input), true);
      const peaks = okPeaks.flatMap((p) => (p === undefined ? [] : [round1(p)]));
      if (ok.length > 0) measurements.push({ stage, config: { ...config }, latencyMs: ok.map(round1), ...(peaks.length === ok.length ? { peakMemoryMB: peaks } : {}) });
      if (oom.length > 0) measurements.push({ stage, config: { ...config }, latencyMs: oom.map(round1), outOfMemory: true });
      done++;
      onProgress?.({ stage, config, done, total, medianMs: median(ok), outOfMemoryRuns: oom.length });
    }
  }
  const stages = plan.stages.map((s) => ({ name: s.name, after: [...s.after] }));
  const draft: ProfileDocument = {
    workflow: plan.workflow,
    qos: { percentile: plan.percentile, targetMs: 1 },
    prices: { ...plan.prices },
    overheadMs: plan.overheadMs,
    measuredAt: provenance.measuredAt,
    machine: { ...provenance.machine },
    stages,
    measurements,
  };
  let qos: { percentile: number; targetMs: number };
  try {
    const t = profileQosTarget(parseProfile(draft), plan.percentile, plan.targetFactor);
    qos = { percentile: t.percentile, targetMs: t.targetMs };
  } catch (e) {
    throw new ProfilingError(`no QoS target can be set: ${e instanceof Error ? e.message : String(e)}; measure larger memory`);
  }
  const doc: ProfileDocument = { ...draft, qos };
  parseProfile(doc);
  return doc;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

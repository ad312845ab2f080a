/**
 * One invocation of a workflow at a configuration, and a window of them: end-to-end
 * latency along the critical path, failures, and the resource cost. Pure apart
 * from the {@link Rng} argument.
 */
import type { Rng } from '../core/rng';
import { buildStageGraph, criticalPathMs, type StageGraph } from './dag';
import type { Prices, StageConfig, StageRun, Workflow, WorkflowConfig } from './workflow-types';

/**
 * Cost of one stage run, in the price's currency: the CPU and the memory it
 * holds for the run's duration,
 * `cpu x s x prices.cpuCoreSecond + memoryMB / 1024 x s x prices.gbSecond`
 * with `s = runMs / 1000`.
 *
 * @param runMs the run's duration, ms (for a run that failed, the time until it failed)
 */
export function stageCost(config: StageConfig, runMs: number, prices: Prices): number {
  const seconds = runMs / 1000;
  return config.cpu * seconds * prices.cpuCoreSecond + (config.memoryMB / 1024) * seconds * prices.gbSecond;
}

/**
 * Cost of one invocation: the sum of {@link stageCost} over its stages.
 * @throws RangeError when `config` and `runs` differ in length
 */
export function invocationCost(config: WorkflowConfig, runs: readonly StageRun[], prices: Prices): number {
  if (config.length !== runs.length) throw new RangeError(`expected ${config.length} stage runs, got ${runs.length}`);
  let cost = 0;
  for (let i = 0; i < runs.length; i++) cost += stageCost(config[i], runs[i].latencyMs, prices);
  return cost;
}

/** What one invocation of a workflow did. */
export interface WorkflowInvocation {
  /** End-to-end latency, ms: the critical path over the stage runs plus the workflow's `overheadMs`. */
  readonly latencyMs: number;
  /** Some stage ran out of memory (the invocation failed; `latencyMs` is then still the time it took). */
  readonly failed: boolean;
  /** Resource cost of the invocation ({@link invocationCost}; failed runs are paid too). */
  readonly cost: number;
  /** Each stage's run, in `workflow.stages` order. */
  readonly stages: readonly StageRun[];
}

const graphs = new WeakMap<Workflow, StageGraph>();

/** The compiled DAG of a workflow (validated once, then cached). */
function graphOf(workflow: Workflow): StageGraph {
  let g = graphs.get(workflow);
  if (g === undefined) {
    g = buildStageGraph(workflow.stages);
    graphs.set(workflow, g);
  }
  return g;
}

/**
 * Runs every stage of `workflow` once at `config` (stage by stage in
 * `workflow.stages` order, each draw from `rng`) and composes them: every
 * stage starts when the stages it waits for have finished.
 *
 * @param config one {@link StageConfig} per stage, in `workflow.stages` order
 * @throws RangeError when `config` has the wrong length; DagError when the stages are not a DAG
 */
export function invokeWorkflow(workflow: Workflow, config: WorkflowConfig, rng: Rng): WorkflowInvocation {
  const graph = graphOf(workflow);
  if (config.length !== workflow.stages.length) {
    throw new RangeError(`workflow "${workflow.name}" has ${workflow.stages.length} stages, the configuration ${config.length}`);
  }
  const runs: StageRun[] = [];
  const latencies: number[] = [];
  let failed = false;
  for (let i = 0; i < config.length; i++) {
    const run = workflow.runStage(i, config[i], rng);
    runs.push(run);
    latencies.push(run.latencyMs);
    if (run.outOfMemory) failed = true;
  }
  return {
    latencyMs: criticalPathMs(graph, latencies) + workflow.overheadMs,
    failed,
    cost: invocationCost(config, runs, workflow.prices),
    stages: runs,
  };
}

/** A window of invocations at one configuration. */
export interface InvocationWindow {
  /** Number of invocations. */
  readonly invocations: number;
  /**
   * End-to-end latency of each invocation, ms, in invocation order; +Infinity
   * for a failed one (it meets no target), ready for `latencyPercentile`.
   */
  readonly latencyMs: readonly number[];
  /** Number of failed invocations (some stage out of memory). */
  readonly failures: number;
  /** Mean cost per invocation over all of them, failed ones included. */
  readonly meanCost: number;
}

/**
 * Invokes `workflow` `n` times at `config` ({@link invokeWorkflow}), one after
 * the other from the same `rng`.
 *
 * @param n number of invocations, a positive integer
 * @param onInvocation sees each invocation in full (its stage runs), after it is counted
 * @throws RangeError when `n` is not a positive integer
 */
export function invokeWorkflowWindow(workflow: Workflow, config: WorkflowConfig, n: number, rng: Rng, onInvocation?: (invocation: WorkflowInvocation) => void): InvocationWindow {
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`invocations must be a positive integer, got ${n}`);
  const latencyMs: number[] = [];
  let failures = 0;
  let cost = 0;
  for (let k = 0; k < n; k++) {
    const inv = invokeWorkflow(workflow, config, rng);
    latencyMs.push(inv.failed ? Number.POSITIVE_INFINITY : inv.latencyMs);
    if (inv.failed) failures++;
    cost += inv.cost;
    onInvocation?.(inv);
  }
  return { invocations: n, latencyMs, failures, meanCost: cost / n };
}

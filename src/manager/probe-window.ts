/**
 * A probe window's stage activations assembled into workflow invocations,
 * from the stages' own activation records (no conductor record is needed):
 *
 * - every activation of the workflow's first source stage (a stage waiting for
 *   nothing) in the window begins one invocation, in start order; another
 *   source stage contributes its activations in start order too (the i-th to
 *   the i-th invocation);
 * - in topological order, each later stage of invocation i takes the earliest
 *   activation of its action not yet taken that started at or after its
 *   predecessors in invocation i ended (start + duration). Serial probe
 *   traffic is matched exactly; overlapping invocations are matched greedily;
 * - an invocation with a failed stage run is a failure (its stages after the
 *   failure never ran); an invocation whose stage is missing although every
 *   predecessor succeeded was still running at the window's end (or its
 *   record is not listed yet) and is left out, not counted as a failure;
 * - the end-to-end latency of a successful invocation is the critical path
 *   over the DAG of its stages' activation durations plus the workflow's
 *   composition overhead (`overheadMs`), the same composition the tuning
 *   methods' models use; queueing before a stage started is not in it;
 * - cost: each run's {@link stageCost} at the probe's limits.
 *
 * Pure.
 */
import type { StageRuns } from '../store/observation-repository';
import { buildStageGraph, criticalPathMs } from '../workflow/dag';
import { stageCost } from '../workflow/invoke-workflow';
import type { Workflow, WorkflowConfig } from '../workflow/workflow-types';
import type { StageActivation } from './bo-step-ports';

/** The invocations of a window. */
export interface AssembledWindow {
  /** Invocations counted: successful ones plus failures. */
  readonly invocations: number;
  /** End-to-end latency of each successful invocation, ms, in invocation order. */
  readonly latenciesMs: number[];
  /** Cost of each successful invocation (price units), same order. */
  readonly costs: number[];
  /** Invocations with a failed stage run. */
  readonly failures: number;
  /** Invocations left out because they had not finished in the window. */
  readonly incomplete: number;
  /** Each stage's runs in the counted invocations, in `workflow.stages` order. */
  readonly stageRuns: StageRuns[];
}

const byStart = (a: StageActivation, b: StageActivation): number => a.startMs - b.startMs || (a.activationId < b.activationId ? -1 : a.activationId > b.activationId ? 1 : 0);

/**
 * Assembles the window's invocations.
 * @param activations per stage (in `workflow.stages` order), its action's activations in the window, any order
 * @throws RangeError when `activations` or `config` does not have one entry per stage
 */
export function assembleProbeWindow(workflow: Workflow, config: WorkflowConfig, activations: readonly (readonly StageActivation[])[]): AssembledWindow {
  const n = workflow.stages.length;
  if (activations.length !== n || config.length !== n) throw new RangeError(`expected ${n} stages of activations and limits, got ${activations.length} and ${config.length}`);
  const graph = buildStageGraph(workflow.stages);
  const sorted = activations.map((list) => [...list].sort(byStart));
  const taken = sorted.map((list) => list.map(() => false));
  const sources = graph.order.filter((s) => graph.predecessors[s].length === 0);
  const runs: StageActivation[][] = workflow.stages.map(() => []);
  const latenciesMs: number[] = [];
  const costs: number[] = [];
  let failures = 0;
  let incomplete = 0;
  const invocations = sorted[sources[0]].length;
  for (let i = 0; i < invocations; i++) {
    const mine: (StageActivation | undefined)[] = workflow.stages.map(() => undefined);
    let missing = false;
    for (const s of graph.order) {
      const preds = graph.predecessors[s];
      if (preds.length === 0) {
        if (i < sorted[s].length) {
          mine[s] = sorted[s][i];
          taken[s][i] = true;
        } else missing = true;
        continue;
      }
      const before = preds.map((p) => mine[p]);
      if (before.some((a) => a === undefined || !a.success)) continue;
      let readyAt = 0;
      for (const a of before) if (a !== undefined) readyAt = Math.max(readyAt, a.startMs + a.durationMs);
      const k = sorted[s].findIndex((a, j) => !taken[s][j] && a.startMs >= readyAt);
      if (k < 0) {
        missing = true;
        continue;
      }
      taken[s][k] = true;
      mine[s] = sorted[s][k];
    }
    const failed = mine.some((a) => a !== undefined && !a.success);
    if (!failed && missing) {
      incomplete++;
      continue;
    }
    let cost = 0;
    mine.forEach((a, s) => {
      if (a === undefined) return;
      runs[s].push(a);
      cost += stageCost(config[s], a.durationMs, workflow.prices);
    });
    if (failed) {
      failures++;
      continue;
    }
    latenciesMs.push(criticalPathMs(graph, mine.map((a) => (a === undefined ? 0 : a.durationMs))) + workflow.overheadMs);
    costs.push(cost);
  }
  const stageRuns: StageRuns[] = workflow.stages.map((stage, s) => {
    let peak: number | null = null;
    for (const a of runs[s]) if (a.peakMemoryMB !== undefined && a.peakMemoryMB > 0) peak = Math.max(peak ?? 0, a.peakMemoryMB);
    return { stage: stage.name, runMs: runs[s].map((a) => a.durationMs), outOfMemory: runs[s].map((a) => a.outOfMemory), peakMemoryMB: peak };
  });
  return { invocations: latenciesMs.length + failures, latenciesMs, costs, failures, incomplete, stageRuns };
}

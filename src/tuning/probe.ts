/**
 * A probe: a window of invocations of a workflow at one configuration, with
 * what each stage did (its activation records give that on OpenWhisk), the
 * unit every tuning method learns from. Pure apart from the Rng.
 */
import type { Rng } from '../core/rng';
import { invokeWorkflowWindow } from '../workflow/invoke-workflow';
import type { Workflow, WorkflowConfig } from '../workflow/workflow-types';

/** What one probe measured. */
export interface ProbeRecord {
  readonly config: WorkflowConfig;
  /** Number of invocations, >= 1. */
  readonly invocations: number;
  /** End-to-end latency of each invocation, ms; +Infinity for a failed one. */
  readonly latencyMs: readonly number[];
  /** Per stage (workflow order), each invocation's run time of that stage, ms. */
  readonly stageLatencyMs: readonly (readonly number[])[];
  /** Per stage, whether each invocation's run of it ran out of memory. */
  readonly stageOutOfMemory: readonly (readonly boolean[])[];
  /** Per stage, the largest peak memory its runs reported, MB (undefined when none reported). */
  readonly stagePeakMemoryMB: readonly (number | undefined)[];
  /** Invocations that failed (some stage out of memory). */
  readonly failures: number;
  /** Mean resource cost per invocation, failed ones included (price units). */
  readonly meanCost: number;
}

/**
 * Invokes `workflow` `n` times at `config` and records everything a tuner sees.
 * @throws RangeError when `n` is not a positive integer
 */
export function runProbe(workflow: Workflow, config: WorkflowConfig, n: number, rng: Rng): ProbeRecord {
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`a probe needs a positive whole number of invocations, got ${n}`);
  const stageLatencyMs: number[][] = workflow.stages.map(() => []);
  const stageOutOfMemory: boolean[][] = workflow.stages.map(() => []);
  const stagePeakMemoryMB: (number | undefined)[] = workflow.stages.map(() => undefined);
  const window = invokeWorkflowWindow(workflow, config, n, rng, (inv) =>
    inv.stages.forEach((run, i) => {
      stageLatencyMs[i].push(run.latencyMs);
      stageOutOfMemory[i].push(run.outOfMemory);
      const peak = run.peakMemoryMB;
      if (peak !== undefined) stagePeakMemoryMB[i] = Math.max(stagePeakMemoryMB[i] ?? 0, peak);
    }),
  );
  return { config, invocations: n, latencyMs: window.latencyMs, stageLatencyMs, stageOutOfMemory, stagePeakMemoryMB, failures: window.failures, meanCost: window.meanCost };
}

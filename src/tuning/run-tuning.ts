/**
 * Drives a {@link TuningMethod} against a workflow in simulation: propose,
 * probe, repeat until the method is done or a budget runs out. The same
 * propose/recommend calls are what the `bo-step` action makes, one per tick.
 */
import type { Clock } from '../core/clock';
import { hashString, SeededRng } from '../core/rng';
import type { Workflow, WorkflowConfig } from '../workflow/workflow-types';
import { runProbe, type ProbeRecord } from './probe';
import type { TuningContext, TuningMethod } from './tuning-method';
import { workflowSearchSpace } from './workflow-search-space';

/** Options of {@link runTuning}. */
export interface RunTuningOptions {
  /** Seed of the run: each step's method randomness and each probe's invocations derive from it. */
  readonly seed: number;
  /** Most probes before the run is cut off. Default 200. */
  readonly maxProbes?: number;
  /** Most invocations before the run is cut off. Default 20,000. */
  readonly maxInvocations?: number;
  /** Measures the time of each propose + recommend step (ms); default: not measured (0). */
  readonly clock?: Clock;
}

/** One step of a run. */
export interface TuningStep {
  readonly probe: ProbeRecord;
  /** Invocations spent up to and including this probe. */
  readonly invocationsSpent: number;
  /** What the method recommended after this probe. */
  readonly recommendation: WorkflowConfig | undefined;
  /** Time of the propose call that asked for the probe, ms (0 without a clock). */
  readonly proposeMs: number;
}

/** A finished run. */
export interface TuningRun {
  readonly method: string;
  readonly steps: readonly TuningStep[];
  readonly final: WorkflowConfig | undefined;
  /** The method's reason for stopping, or the budget that cut it off. */
  readonly stopReason: string;
  readonly invocationsSpent: number;
}

/** Runs `method` on `workflow` from `options.seed` (same seed, same probes). */
export function runTuning(method: TuningMethod, workflow: Workflow, options: RunTuningOptions): TuningRun {
  const maxProbes = options.maxProbes ?? 200;
  const maxInvocations = options.maxInvocations ?? 20_000;
  const space = workflowSearchSpace(workflow);
  const invocationRng = new SeededRng(hashString(`invocations:${options.seed}:${method.name}`));
  const history: ProbeRecord[] = [];
  const steps: TuningStep[] = [];
  let spent = 0;
  let stopReason = `budget: ${maxProbes} probes`;
  const contextAt = (step: number): TuningContext => ({ workflow, space, rng: new SeededRng(hashString(`step:${options.seed}:${method.name}:${step}`)) });
  while (history.length < maxProbes) {
    const t0 = options.clock?.nowMs() ?? 0;
    const proposal = method.propose(history, contextAt(history.length));
    const proposeMs = (options.clock?.nowMs() ?? 0) - t0;
    if (proposal.kind === 'done') {
      stopReason = proposal.why;
      break;
    }
    if (spent + proposal.invocations > maxInvocations) {
      stopReason = `budget: ${maxInvocations} invocations`;
      break;
    }
    const probe = runProbe(workflow, proposal.config, proposal.invocations, invocationRng);
    history.push(probe);
    spent += probe.invocations;
    steps.push({ probe, invocationsSpent: spent, recommendation: method.recommend(history, contextAt(history.length)), proposeMs });
  }
  return { method: method.name, steps, final: method.recommend(history, contextAt(history.length)), stopReason, invocationsSpent: spent };
}

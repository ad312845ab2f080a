/**
 * What the resource manager tunes: a workflow of stages (a DAG), its QoS
 * target, its prices, each stage's search space, and a way to draw one
 * stage's run time at a configuration. A modelled workflow
 * (`benchmark/workflows/`) and a measured profile (`--profile FILE`) both
 * produce a {@link Workflow}, so every tuning method sees the same thing.
 */
import type { Rng } from '../core/rng';

/** One stage's resource limits. */
export interface StageConfig {
  /** Memory limit, MB. */
  readonly memoryMB: number;
  /** CPU limit, cores (stock OpenWhisk: follows memory; see {@link StageSpace}). */
  readonly cpu: number;
}

/** A configuration of the whole workflow: one {@link StageConfig} per stage, in {@link Workflow.stages} order. */
export type WorkflowConfig = readonly StageConfig[];

/** One stage of the DAG. */
export interface StageSpec {
  /** Unique within the workflow; also the action's name. */
  readonly name: string;
  /** Names of the stages that must finish before this one starts (empty: starts at once). */
  readonly after: readonly string[];
}

/** The workflow's latency target. */
export interface QosTarget {
  /** Percentile of end-to-end latency that must stay under the target, in (0, 100), e.g. 95. */
  readonly percentile: number;
  /** End-to-end latency target, ms. */
  readonly targetMs: number;
}

/** Resource prices, per unit of resource held for one second while a stage runs. */
export interface Prices {
  /** Price of 1 GB (1024 MB) of memory for one second (AWS Lambda: 0.0000166667). */
  readonly gbSecond: number;
  /** Price of one CPU core for one second (0 when CPU follows memory and is priced in it). */
  readonly cpuCoreSecond: number;
}

/** An evenly spaced axis of allowed values: min, min + step, ..., up to max. */
export interface Axis {
  readonly min: number;
  readonly max: number;
  readonly step: number;
}

/** Where one stage's configuration may be chosen. */
export type StageSpace =
  /** Every CPU on the `cpu` axis combined with every memory on the `memoryMB` axis. */
  | { readonly kind: 'grid'; readonly cpu: Axis; readonly memoryMB: Axis }
  /** Only these measured configurations (a profile's search space). */
  | { readonly kind: 'discrete'; readonly configs: readonly StageConfig[] };

/** One run of one stage. */
export interface StageRun {
  /** Run time, ms (when `outOfMemory`, the time until it failed). */
  readonly latencyMs: number;
  /** The stage needed more memory than its limit and failed. */
  readonly outOfMemory: boolean;
  /**
   * Peak memory the run used, MB, when the platform reports it (Lambda's
   * "Max Memory Used"; the aquatope action wrapper's maxRSS); undefined when
   * not reported.
   */
  readonly peakMemoryMB?: number;
}

/** A workflow the resource manager can tune. */
export interface Workflow {
  readonly name: string;
  readonly qos: QosTarget;
  readonly prices: Prices;
  /** Stages in a topological order (every stage after the stages it waits for). */
  readonly stages: readonly StageSpec[];
  /** Search space of each stage, same order as `stages`. */
  readonly space: readonly StageSpace[];
  /** Per-invocation overhead of the composition itself, ms (added to the critical path). Default 0. */
  readonly overheadMs: number;
  /** Draws one run of stage `stage` (index into `stages`) at `config`. Pure apart from `rng`. */
  runStage(stage: number, config: StageConfig, rng: Rng): StageRun;
}

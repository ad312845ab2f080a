/**
 * A modelled workflow: a DAG of stages, each backed by a SeBS benchmark's
 * fitted model ({@link StageModel}), on a CPU x memory grid, with AWS-like
 * prices and QoS targets set from its best achievable latency. Pure.
 *
 * - **Search space** of every stage: CPU 0.1..{@link MAX_CPU} cores in 0.1
 *   steps, memory 128..{@link MAX_MEMORY_MB} MB in 64 MB steps (3008 MB is the
 *   largest Lambda size SeBS measured, 1.7 vCPU; 2 cores is the grid's top).
 * - **Prices** ({@link MODELLED_PRICES}): AWS Lambda's 0.0000166667 per
 *   GB-second for memory, and a core priced as the memory Lambda sells with
 *   one vCPU (1769 MB): cpuCoreSecond = 0.0000166667 x 1769 / 1024 =
 *   0.0000287924. On Lambda's own line (1 core per 1769 MB) CPU and memory
 *   then cost the same, so both matter; cheaper CPU per GB than cloud VMs
 *   (Fargate's ratio, 0.04048 per vCPU-hour to 0.004445 per GB-hour, is 9.1 GB
 *   per core) would let memory dominate only on memory-heavy stages.
 * - **Overhead**: {@link OVERHEAD_MS_PER_LEVEL} ms per stage on the longest
 *   chain of the DAG (an assumption: the conductor action an OpenWhisk
 *   composition runs between consecutive stages, warm).
 * - **QoS targets** ({@link QOS_FACTORS}): multiples of the p95 end-to-end
 *   latency at maximum resources (every stage at {@link MAX_CPU} cores and
 *   {@link MAX_MEMORY_MB} MB, where every stage is fastest), estimated from
 *   {@link QOS_CALIBRATION_INVOCATIONS} invocations seeded by the workflow's
 *   name and rounded up to 10 ms: tight 1.2x, medium 1.6x, loose 2.5x. Every
 *   target is achievable (maximum resources meet it) and none is trivial (the
 *   cheapest configurations miss it). The default `qos` is medium, at p95.
 */
import { hashString, SeededRng } from '../../src/core/rng';
import { buildStageGraph } from '../../src/workflow/dag';
import { invokeWorkflowWindow } from '../../src/workflow/invoke-workflow';
import { latencyPercentile } from '../../src/workflow/latency-percentile';
import type { Prices, QosTarget, StageConfig, StageRun, StageSpace, StageSpec, Workflow, WorkflowConfig } from '../../src/workflow/workflow-types';
import type { SebsBenchmark } from './sebs-benchmarks';
import type { SebsFit } from './sebs-fit';
import { SEBS_FITS } from './sebs-fits';
import { runStageModel, type StageModel } from './stage-model';

/** Largest CPU limit of the grid, cores. */
export const MAX_CPU = 2;
/** Largest memory limit of the grid, MB. */
export const MAX_MEMORY_MB = 3008;

/** The search space of every modelled stage. */
export const MODELLED_STAGE_SPACE: StageSpace = {
  kind: 'grid',
  cpu: { min: 0.1, max: MAX_CPU, step: 0.1 },
  memoryMB: { min: 128, max: MAX_MEMORY_MB, step: 64 },
};

/** AWS-like prices (see the module comment). */
export const MODELLED_PRICES: Prices = {
  gbSecond: 0.0000166667,
  cpuCoreSecond: (0.0000166667 * 1769) / 1024,
};

/** Composition overhead per stage on the DAG's longest chain, ms. */
export const OVERHEAD_MS_PER_LEVEL = 20;

/** QoS strictness levels. */
export type QosLevel = 'tight' | 'medium' | 'loose';

/** Target = factor x p95 at maximum resources. */
export const QOS_FACTORS: Readonly<Record<QosLevel, number>> = { tight: 1.2, medium: 1.6, loose: 2.5 };

/** Invocations at maximum resources behind the QoS targets. */
export const QOS_CALIBRATION_INVOCATIONS = 4000;

/** The QoS percentile of the modelled workflows. */
export const QOS_PERCENTILE = 95;

/** One stage of a modelled workflow. */
export interface ModelledStageSpec extends StageSpec {
  /** The SeBS benchmark whose fitted model gives this stage's run time. */
  readonly benchmark: SebsBenchmark;
  /** Multiple of the benchmark's work this stage does (1 = one full run). */
  readonly workScale: number;
  /** Why this benchmark backs this stage. */
  readonly why: string;
}

/** What a modelled workflow is made of. */
export interface ModelledWorkflowSpec {
  readonly name: string;
  /** One line on what the workflow does. */
  readonly description: string;
  /** The stages, in a topological order. */
  readonly stages: readonly ModelledStageSpec[];
}

/** A modelled workflow: a {@link Workflow} and what it was built from. */
export interface ModelledWorkflow extends Workflow {
  readonly description: string;
  /** The stages with their benchmarks and work scales, same order as `stages`. */
  readonly stageSpecs: readonly ModelledStageSpec[];
  /** Each stage's run-time model, same order as `stages`. */
  readonly models: readonly StageModel[];
  /** Every stage at {@link MAX_CPU} cores and {@link MAX_MEMORY_MB} MB. */
  readonly maxConfig: WorkflowConfig;
  /** p95 end-to-end latency at `maxConfig`, ms (the estimate the targets are multiples of). */
  readonly p95AtMaxMs: number;
  /** The tight, medium and loose targets at p95. */
  readonly qosTargets: Readonly<Record<QosLevel, QosTarget>>;
}

/**
 * Builds a modelled workflow (see the module comment for space, prices,
 * overhead and QoS).
 *
 * @param fits the fitted benchmark models (default: the committed {@link SEBS_FITS})
 * @throws DagError when the stages are not a DAG in topological order;
 *   RangeError on a non-positive work scale
 */
export function buildModelledWorkflow(spec: ModelledWorkflowSpec, fits: Readonly<Record<SebsBenchmark, SebsFit>> = SEBS_FITS): ModelledWorkflow {
  const graph = buildStageGraph(spec.stages);
  if (graph.order.some((s, i) => s !== i)) throw new RangeError(`workflow "${spec.name}": stages must be listed in a topological order`);
  for (const s of spec.stages) {
    if (!(Number.isFinite(s.workScale) && s.workScale > 0)) throw new RangeError(`stage "${s.name}": workScale must be positive, got ${s.workScale}`);
  }
  const models: StageModel[] = spec.stages.map((s) => ({ fit: fits[s.benchmark], workScale: s.workScale }));
  const depth = longestChain(graph.predecessors);
  const base: Workflow = {
    name: spec.name,
    qos: { percentile: QOS_PERCENTILE, targetMs: Number.POSITIVE_INFINITY },
    prices: MODELLED_PRICES,
    stages: spec.stages.map((s) => ({ name: s.name, after: s.after })),
    space: spec.stages.map(() => MODELLED_STAGE_SPACE),
    overheadMs: OVERHEAD_MS_PER_LEVEL * depth,
    runStage: (stage: number, config: StageConfig, rng): StageRun => {
      const model = models[stage];
      if (model === undefined) throw new RangeError(`workflow "${spec.name}" has no stage ${stage} (it has ${models.length})`);
      return runStageModel(model, config, rng);
    },
  };
  const maxConfig: StageConfig[] = spec.stages.map(() => ({ cpu: MAX_CPU, memoryMB: MAX_MEMORY_MB }));
  const window = invokeWorkflowWindow(base, maxConfig, QOS_CALIBRATION_INVOCATIONS, new SeededRng(hashString(`qos:${spec.name}`)));
  const p95AtMaxMs = latencyPercentile(window.latencyMs, QOS_PERCENTILE);
  const target = (level: QosLevel): QosTarget => ({
    percentile: QOS_PERCENTILE,
    targetMs: Math.ceil((QOS_FACTORS[level] * p95AtMaxMs) / 10) * 10,
  });
  const qosTargets = { tight: target('tight'), medium: target('medium'), loose: target('loose') };
  return {
    ...base,
    qos: qosTargets.medium,
    description: spec.description,
    stageSpecs: spec.stages,
    models,
    maxConfig,
    p95AtMaxMs,
    qosTargets,
  };
}

/** The same workflow with another QoS target (a level of its own, or any target). */
export function withQos(workflow: ModelledWorkflow, qos: QosLevel | QosTarget): ModelledWorkflow {
  return { ...workflow, qos: typeof qos === 'string' ? workflow.qosTargets[qos] : qos };
}

/** Number of stages on the longest dependency chain (stages given in topological order). */
function longestChain(predecessors: readonly (readonly number[])[]): number {
  const level: number[] = [];
  predecessors.forEach((ps, i) => {
    level[i] = 1 + Math.max(0, ...ps.map((p) => level[p]));
  });
  return Math.max(0, ...level);
}

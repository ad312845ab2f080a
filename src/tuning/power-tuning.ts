/**
 * AWS Lambda Power Tuning, applied stage by stage (`power-tuning`), and the
 * same sweep with a QoS-aware pick (`power-tuning-qos`).
 *
 * The sweep: each stage on its own, the others at their largest
 * configuration, over the stage's lattice, 10 invocations at each point;
 * each point's duration is the 20% trimmed mean of the stage's run times
 * (the fastest and slowest 20% dropped, as Power Tuning discards outliers)
 * and its cost the stage's price at that duration.
 *
 * The lattice: a measured (discrete) stage sweeps every measured
 * configuration. A grid stage sweeps Power Tuning's usual memory sizes
 * ({@link POWER_TUNING_MEMORY_MB}, those on the grid) with CPU following
 * memory as on Lambda and stock OpenWhisk (1 core per 1,769 MB, snapped to
 * the CPU axis, at least its minimum): sweeping every one of a grid's
 * hundreds of points 10 times each is not what anyone runs.
 *
 * - `power-tuning` deploys each stage's balanced pick: the lattice point that
 *   minimises 0.5 x cost / max cost + 0.5 x duration / max duration over the
 *   sweep (Power Tuning's "balanced" strategy with its default weight); it
 *   knows nothing of the end-to-end target.
 * - `power-tuning-qos` deploys the cheapest combination of swept points whose
 *   end-to-end percentile, estimated from the sweep's own samples
 *   (bootstrapped with quantile coupling to {@link QOS_BOOTSTRAP_SAMPLES} per
 *   point, composed along the DAG), meets the target; the largest
 *   configuration when none does.
 */
import { hashString, SeededRng } from '../core/rng';
import { stageCost } from '../workflow/invoke-workflow';
import { LAMBDA_MB_PER_CORE } from '../workflow/profile';
import type { StageConfig, StageSpace, WorkflowConfig } from '../workflow/workflow-types';
import { cheapestFeasible, paretoFront, type SampledConfig } from './optimum';
import type { ProbeRecord } from './probe';
import { maxConfig } from './simple-methods';
import type { TuningContext, TuningMethod } from './tuning-method';
import { stageBlock } from './workflow-search-space';

/** Power Tuning's usual memory sizes, MB. */
export const POWER_TUNING_MEMORY_MB: readonly number[] = [128, 256, 512, 1024, 1536, 2048, 3008];

/** Invocations per lattice point. */
export const POWER_TUNING_INVOCATIONS = 10;

/** Share of run times dropped at each end before averaging. */
export const TRIM_FRACTION = 0.2;

/** Bootstrap samples per swept point for the QoS-aware pick. */
export const QOS_BOOTSTRAP_SAMPLES = 1000;

/** The configurations Power Tuning sweeps for one stage (see the module comment). */
export function powerTuningLattice(space: StageSpace): StageConfig[] {
  if (space.kind === 'discrete') return space.configs.slice();
  const block = stageBlock('stage', space);
  if (block.kind !== 'grid') return [];
  const [cpus, memories] = [block.axes[0].values, block.axes[1].values];
  const onGrid = POWER_TUNING_MEMORY_MB.filter((m) => memories.includes(m));
  const sizes = onGrid.length > 0 ? onGrid : [memories[memories.length - 1]];
  return sizes.map((memoryMB) => {
    const want = memoryMB / LAMBDA_MB_PER_CORE;
    let cpu = cpus[0];
    for (const c of cpus) if (Math.abs(c - want) < Math.abs(cpu - want)) cpu = c;
    return { cpu, memoryMB };
  });
}

/** The mean of `values` without the lowest and highest {@link TRIM_FRACTION}. */
export function trimmedMean(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const drop = Math.floor(sorted.length * TRIM_FRACTION);
  const kept = sorted.slice(drop, sorted.length - drop);
  return kept.reduce((a, b) => a + b, 0) / kept.length;
}

interface SweepPoint {
  readonly stage: number;
  readonly config: StageConfig;
  /** The stage's run times at the point, ms (+Infinity when out of memory). */
  readonly runs: readonly number[];
}

function plan(context: TuningContext): { stage: number; config: StageConfig }[] {
  return context.workflow.space.flatMap((space, stage) => powerTuningLattice(space).map((config) => ({ stage, config })));
}

function sweepPoints(history: readonly ProbeRecord[], context: TuningContext): SweepPoint[] {
  const steps = plan(context);
  return history.slice(0, steps.length).map((p, i) => {
    const { stage, config } = steps[i];
    return { stage, config, runs: p.stageLatencyMs[stage].map((ms, k) => (p.stageOutOfMemory[stage][k] ? Number.POSITIVE_INFINITY : ms)) };
  });
}

function propose(history: readonly ProbeRecord[], context: TuningContext) {
  const steps = plan(context);
  if (history.length >= steps.length) return { kind: 'done' as const, why: `swept ${steps.length} points` };
  const { stage, config } = steps[history.length];
  const full: StageConfig[] = maxConfig(context).slice();
  full[stage] = config;
  return { kind: 'probe' as const, config: full, invocations: POWER_TUNING_INVOCATIONS, why: `sweep stage ${context.workflow.stages[stage].name}` };
}

/** Whether a point ran out of memory in any run (Power Tuning marks such a size as failed). */
function failed(p: SweepPoint): boolean {
  return p.runs.some((r) => r === Number.POSITIVE_INFINITY);
}

/** Each stage's balanced pick among its swept points (the largest configuration while unswept). */
export function balancedPicks(history: readonly ProbeRecord[], context: TuningContext): WorkflowConfig {
  const picks: StageConfig[] = maxConfig(context).slice();
  const points = sweepPoints(history, context);
  context.workflow.stages.forEach((_, stage) => {
    const mine = points.filter((p) => p.stage === stage && !failed(p));
    if (mine.length === 0) return;
    const scored = mine.map((p) => {
      const duration = trimmedMean(p.runs);
      return { p, duration, cost: stageCost(p.config, duration, context.workflow.prices) };
    });
    const maxCost = Math.max(...scored.map((s) => s.cost));
    const maxDuration = Math.max(...scored.map((s) => s.duration));
    let best = scored[0];
    let bestValue = Number.POSITIVE_INFINITY;
    for (const s of scored) {
      const value = 0.5 * (s.cost / maxCost) + 0.5 * (s.duration / maxDuration);
      if (value < bestValue) {
        best = s;
        bestValue = value;
      }
    }
    picks[stage] = best.p.config;
  });
  return picks;
}

/** The cheapest swept combination estimated to meet the target (undefined before the sweep ends or when none does). */
export function qosAwarePicks(history: readonly ProbeRecord[], context: TuningContext): WorkflowConfig | undefined {
  const steps = plan(context);
  if (history.length < steps.length) return undefined;
  const points = sweepPoints(history, context);
  const rng = new SeededRng(hashString(`power-tuning-qos:${context.workflow.name}`));
  const quantiles = Array.from({ length: QOS_BOOTSTRAP_SAMPLES }, () => rng.next());
  const fronts = context.workflow.stages.map((_, stage) => {
    const sampled: SampledConfig[] = points
      .filter((p) => p.stage === stage)
      .map((p) => {
        const sorted = [...p.runs].sort((a, b) => a - b);
        const samples = Float64Array.from(quantiles, (u) => sorted[Math.min(sorted.length - 1, Math.floor(u * sorted.length))]);
        const finite = p.runs.filter(Number.isFinite);
        const duration = finite.length > 0 ? trimmedMean(finite) : 0;
        return { config: p.config, cost: stageCost(p.config, duration, context.workflow.prices), samples };
      });
    return paretoFront(sampled);
  });
  return cheapestFeasible(context.workflow, fronts).config;
}

/** `power-tuning`: the per-stage sweep and the balanced pick. */
export const powerTuningMethod: TuningMethod = {
  name: 'power-tuning',
  propose,
  recommend: (history, context) => balancedPicks(history, context),
};

/** `power-tuning-qos`: the same sweep, the cheapest combination estimated to meet the target. */
export const powerTuningQosMethod: TuningMethod = {
  name: 'power-tuning-qos',
  propose,
  recommend: (history, context) => qosAwarePicks(history, context) ?? maxConfig(context),
};

/**
 * The true optimum of a workflow, for the benches: the cheapest configuration
 * whose end-to-end latency percentile meets the QoS target, found offline
 * with full access to the workflow's model (no tuner has this).
 *
 * Every stage configuration is sampled `samples` times with common random
 * numbers (the same random stream per stage for every configuration, so a
 * faster configuration is faster sample by sample). A configuration of a
 * stage is dropped when another one costs no more per run and is no slower in
 * every sample (it can never be part of a cheaper feasible workflow, as the
 * critical path is monotone in each stage's run time). A depth-first branch
 * and bound then walks the stages' remaining configurations, cheapest first,
 * pruning a partial assignment when its cost plus the cheapest rest reaches
 * the best found, or when even the fastest rest misses the target. Exact for
 * the sampled distributions; `maxNodes` caps the walk (the result says
 * whether it was proven). Pure apart from its seed.
 */
import { hashString, SeededRng } from '../core/rng';
import { buildStageGraph } from '../workflow/dag';
import { stageCost } from '../workflow/invoke-workflow';
import type { StageConfig, Workflow, WorkflowConfig } from '../workflow/workflow-types';
import { PercentileScratch, samplePercentile } from './sample-percentile';
import { stageConfigurations } from './workflow-search-space';

/** Options of {@link findOptimum}. */
export interface OptimumOptions {
  /** Samples per stage configuration (common random numbers). Default 2,000. */
  readonly samples?: number;
  /** Seed of the samples. Default 1. */
  readonly seed?: number;
  /** Most branch-and-bound nodes. Default 2,000,000. */
  readonly maxNodes?: number;
}

/** One stage configuration, sampled. */
export interface SampledConfig {
  readonly config: StageConfig;
  /** Mean cost of one run of the stage. */
  readonly cost: number;
  /** Run times, ms (+Infinity when the run ran out of memory). */
  readonly samples: Float64Array;
}

/** What {@link findOptimum} found. */
export interface Optimum {
  /** Undefined when no configuration meets the target. */
  readonly config: WorkflowConfig | undefined;
  /** Mean cost per invocation of the sampled distributions (price units). */
  readonly costPerInvocation: number;
  /** Its percentile on the samples, ms. */
  readonly latencyPercentileMs: number;
  /** Configurations left per stage after dominance pruning. */
  readonly frontSizes: readonly number[];
  readonly nodes: number;
  /** False when `maxNodes` cut the walk short (the result is the best found). */
  readonly proven: boolean;
}

function sampleStage(workflow: Workflow, stage: number, config: StageConfig, samples: number, seed: number): SampledConfig {
  const rng = new SeededRng(hashString(`optimum:${seed}:${stage}`));
  const out = new Float64Array(samples);
  let total = 0;
  for (let k = 0; k < samples; k++) {
    const run = workflow.runStage(stage, config, rng);
    total += run.latencyMs;
    out[k] = run.outOfMemory ? Number.POSITIVE_INFINITY : run.latencyMs;
  }
  return { config, cost: stageCost(config, total / samples, workflow.prices), samples: out };
}

function dominates(a: SampledConfig, b: SampledConfig): boolean {
  if (a.cost > b.cost) return false;
  const n = a.samples.length;
  for (let k = 0; k < n; k++) if (a.samples[k] > b.samples[k]) return false;
  return true;
}

/** The stage's configurations no other dominates (and not failing in every sample), cheapest first. */
export function paretoFront(configs: SampledConfig[]): SampledConfig[] {
  const sorted = configs.slice().sort((a, b) => a.cost - b.cost);
  const kept: SampledConfig[] = [];
  for (const c of sorted) {
    if (c.samples.every((v) => v === Number.POSITIVE_INFINITY)) continue;
    if (!kept.some((k) => dominates(k, c))) kept.push(c);
  }
  return kept;
}

/** Finds the optimum of `workflow` at its QoS target (see the module comment). */
export function findOptimum(workflow: Workflow, options: OptimumOptions = {}): Optimum {
  const samples = options.samples ?? 2000;
  const seed = options.seed ?? 1;
  const fronts = workflow.space.map((space, i) => paretoFront(stageConfigurations(space).map((c) => sampleStage(workflow, i, c, samples, seed))));
  return cheapestFeasible(workflow, fronts, options.maxNodes);
}

/**
 * The cheapest combination of one sampled configuration per stage whose
 * percentile over the common samples meets `workflow.qos` (the branch and
 * bound of the module comment), from per-stage fronts (cheapest first, all
 * with the same number of samples).
 * @param maxNodes default 2,000,000
 */
export function cheapestFeasible(workflow: Workflow, fronts: readonly (readonly SampledConfig[])[], maxNodes = 2_000_000): Optimum {
  const graph = buildStageGraph(workflow.stages);
  const stages = workflow.stages.length;
  if (fronts.length !== stages) throw new RangeError(`expected ${stages} stage fronts, got ${fronts.length}`);
  const frontSizes = fronts.map((f) => f.length);
  const none = (nodes: number, proven: boolean): Optimum => ({ config: undefined, costPerInvocation: Number.NaN, latencyPercentileMs: Number.NaN, frontSizes, nodes, proven });
  if (fronts.some((f) => f.length === 0)) return none(0, true);
  const samples = fronts[0][0].samples.length;
  if (fronts.some((f) => f.some((c) => c.samples.length !== samples))) throw new RangeError('every sampled configuration needs the same number of samples');
  const { percentile, targetMs } = workflow.qos;
  const scratch = new PercentileScratch(samples, stages);
  // Fastest sample by sample per stage, and the cheapest cost, for the bounds.
  const fastest = fronts.map((f) => {
    const v = new Float64Array(samples).fill(Number.POSITIVE_INFINITY);
    for (const c of f) for (let k = 0; k < samples; k++) if (c.samples[k] < v[k]) v[k] = c.samples[k];
    return v;
  });
  const cheapestRest = new Array<number>(stages + 1).fill(0);
  for (let i = stages - 1; i >= 0; i--) cheapestRest[i] = cheapestRest[i + 1] + fronts[i][0].cost;

  const current: Float64Array[] = fastest.slice();
  const chosen: SampledConfig[] = fronts.map((f) => f[0]);
  let best: { configs: SampledConfig[]; cost: number; p: number } | undefined;
  let nodes = 0;
  let proven = true;

  if (samplePercentile(graph, fastest, workflow.overheadMs, percentile, scratch) > targetMs) return none(1, true);

  const walk = (depth: number, cost: number): void => {
    if (depth === stages) {
      const p = samplePercentile(graph, current, workflow.overheadMs, percentile, scratch);
      if (p <= targetMs && (best === undefined || cost < best.cost)) best = { configs: chosen.slice(), cost, p };
      return;
    }
    for (const c of fronts[depth]) {
      if (nodes >= maxNodes) {
        proven = false;
        return;
      }
      const total = cost + c.cost;
      if (best !== undefined && total + cheapestRest[depth + 1] >= best.cost) return; // cheapest first: the rest cost more
      nodes++;
      current[depth] = c.samples;
      chosen[depth] = c;
      // Feasible at all with the fastest rest? (The leaf is checked exactly above.)
      if (depth + 1 < stages && samplePercentile(graph, current, workflow.overheadMs, percentile, scratch) > targetMs) {
        current[depth] = fastest[depth];
        continue;
      }
      walk(depth + 1, total);
      current[depth] = fastest[depth];
    }
  };
  walk(0, 0);
  if (best === undefined) return none(nodes, proven);
  return { config: best.configs.map((c) => c.config), costPerInvocation: best.cost, latencyPercentileMs: best.p, frontSizes, nodes, proven };
}

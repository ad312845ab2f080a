/**
 * The two Bayesian-optimisation baselines, each one Gaussian process over the
 * whole workflow's configuration (every stage's CPU and memory, unit cube),
 * one invocation per probe as their papers and code do:
 *
 * - `cherrypick` (Alipourfard et al., NSDI 2017): a GP of the cost, where a
 *   probe that missed the target counts as {@link CHERRYPICK_PENALTY} times
 *   its cost (violations penalised, no constraint model); expected
 *   improvement; {@link CHERRYPICK_INITIAL} random probes first; stops when
 *   the best expected improvement is below 10% of the best penalised cost
 *   after at least 6 probes (or at {@link CHERRYPICK_MAX_PROBES}).
 * - `aquatope-2023` (the 2023 code): {@link AQUATOPE_2023_INITIAL} random
 *   probes, then {@link AQUATOPE_2023_ROUNDS} rounds of
 *   {@link AQUATOPE_2023_BATCH}: GPs of cost and of latency, constrained
 *   expected improvement with the incumbent the cheapest raw probe that met
 *   the target, the batch the acquisition's best point and the next best
 *   after excluding those taken.
 *
 * Both deploy the cheapest probe whose one invocation met the target.
 */
import { expectedImprovement } from '../bo/acquisition';
import { constrainedExpectedImprovementAcquisition } from '../bo/constrained-acquisition';
import { fitGaussianProcess, type GaussianProcess } from '../bo/gaussian-process';
import { optimiseAcquisition, type BatchAcquisition } from '../bo/optimise-acquisition';
import type { Rng } from '../core/rng';
import type { WorkflowConfig } from '../workflow/workflow-types';
import type { ProbeRecord } from './probe';
import { cheapestObservedFeasible, groupProbes } from './probe-groups';
import type { Proposal, TuningContext, TuningMethod } from './tuning-method';
import { configToPoint, pointToConfig } from './workflow-search-space';

export const CHERRYPICK_PENALTY = 3;
export const CHERRYPICK_INITIAL = 3;
export const CHERRYPICK_MIN_PROBES = 6;
export const CHERRYPICK_MAX_PROBES = 40;
/** Stop when the best EI is below this share of the best penalised cost. */
export const CHERRYPICK_STOP_FRACTION = 0.1;
export const AQUATOPE_2023_INITIAL = 10;
export const AQUATOPE_2023_ROUNDS = 20;
export const AQUATOPE_2023_BATCH = 3;

/** Random candidates per acquisition optimisation of the baselines. */
const CANDIDATES = 1000;

function fit(context: TuningContext, points: readonly (readonly number[])[], y: readonly number[], rng: Rng): GaussianProcess {
  return fitGaussianProcess(points.map((p) => context.space.encode(p)), y, { rng, restarts: 1, maxIterations: 30 });
}

function random(context: TuningContext, why: string): Proposal {
  return { kind: 'probe', config: pointToConfig(context.space.randomPoint(context.rng)), invocations: 1, why };
}

function metTarget(p: ProbeRecord, targetMs: number): boolean {
  return p.failures === 0 && p.latencyMs.every((l) => l <= targetMs);
}

function deployed(history: readonly ProbeRecord[], context: TuningContext): WorkflowConfig | undefined {
  return cheapestObservedFeasible(groupProbes(history), context.workflow.qos.percentile, context.workflow.qos.targetMs)?.config;
}

/** `cherrypick` (see the module comment). */
export const cherrypickMethod: TuningMethod = {
  name: 'cherrypick',
  propose(history, context) {
    if (history.length < CHERRYPICK_INITIAL) return random(context, 'initial random probe');
    if (history.length >= CHERRYPICK_MAX_PROBES) return { kind: 'done', why: `${CHERRYPICK_MAX_PROBES} probes` };
    const target = context.workflow.qos.targetMs;
    const points = history.map((p) => configToPoint(p.config));
    const y = history.map((p) => (metTarget(p, target) ? p.meanCost : CHERRYPICK_PENALTY * p.meanCost));
    const gp = fit(context, points, y, context.rng);
    const best = Math.min(...y);
    const acquisition: BatchAcquisition = (unit) => {
      const post = gp.posterior(unit);
      return post.mean.map((m, i) => expectedImprovement({ mean: m, sd: Math.sqrt(Math.max(0, post.variance[i])) }, best));
    };
    const max = optimiseAcquisition(context.space, acquisition, { rng: context.rng, randomCandidates: CANDIDATES, seedPoints: points, exclude: points });
    if (max === undefined) return { kind: 'done', why: 'every candidate probed' };
    if (history.length >= CHERRYPICK_MIN_PROBES && max.value < CHERRYPICK_STOP_FRACTION * best) return { kind: 'done', why: `expected improvement ${max.value.toExponential(2)} < 10% of the best cost` };
    return { kind: 'probe', config: pointToConfig(max.raw), invocations: 1, why: `EI ${max.value.toExponential(2)}` };
  },
  recommend: deployed,
};

/** Batches already computed, by the last probe before their round (the history is append-only, so the same prefix gives the same batch). */
const batches = new WeakMap<ProbeRecord, WorkflowConfig[]>();

function batchOf(prefix: readonly ProbeRecord[], context: TuningContext): WorkflowConfig[] {
  const last = prefix[prefix.length - 1];
  const cached = batches.get(last);
  if (cached !== undefined) return cached;
  const target = context.workflow.qos.targetMs;
  const points = prefix.map((p) => configToPoint(p.config));
  const finite = prefix.flatMap((p) => p.latencyMs.filter(Number.isFinite));
  const failedLatency = 2 * Math.max(target, ...finite);
  const latency = prefix.map((p) => (p.failures > 0 ? failedLatency : p.latencyMs[0]));
  const costGp = fit(context, points, prefix.map((p) => p.meanCost), context.rng);
  const latencyGp = fit(context, points, latency, context.rng);
  const feasible = prefix.filter((p) => metTarget(p, target)).map((p) => p.meanCost);
  const best = feasible.length > 0 ? Math.min(...feasible) : undefined;
  const acquisition = constrainedExpectedImprovementAcquisition(costGp, latencyGp, target, best);
  const taken: number[][] = [];
  const batch: WorkflowConfig[] = [];
  for (let b = 0; b < AQUATOPE_2023_BATCH; b++) {
    const max = optimiseAcquisition(context.space, acquisition, { rng: context.rng, randomCandidates: CANDIDATES, seedPoints: points, exclude: [...points, ...taken] });
    const raw = max?.raw ?? context.space.randomPoint(context.rng);
    taken.push(raw);
    batch.push(pointToConfig(raw));
  }
  batches.set(last, batch);
  return batch;
}

/** `aquatope-2023` (see the module comment). */
export const aquatope2023Method: TuningMethod = {
  name: 'aquatope-2023',
  propose(history, context) {
    if (history.length < AQUATOPE_2023_INITIAL) return random(context, 'initial random probe');
    const round = Math.floor((history.length - AQUATOPE_2023_INITIAL) / AQUATOPE_2023_BATCH);
    if (round >= AQUATOPE_2023_ROUNDS) return { kind: 'done', why: `${AQUATOPE_2023_ROUNDS} rounds` };
    const start = AQUATOPE_2023_INITIAL + round * AQUATOPE_2023_BATCH;
    const batch = batchOf(history.slice(0, start), context);
    return { kind: 'probe', config: batch[history.length - start], invocations: 1, why: `round ${round + 1}` };
  },
  recommend: deployed,
};

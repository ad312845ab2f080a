/**
 * Ours (`aquatope`): constrained, noise-aware, safe Bayesian optimisation of
 * every stage's CPU and memory, learning each stage on its own.
 *
 * A step:
 * 1. Fit each stage's model ({@link fitStageLatencyModel}) from every probe
 *    so far and compose them ({@link WorkflowPredictor}).
 * 2. Replicate: when the last probed configuration's probability of meeting
 *    the target is still undecided (between {@link DEFAULTS}.undecided and 1
 *    minus it), it has had fewer than `maxInvocationsPerConfig` invocations
 *    and it is predicted cheaper than the configuration that would be
 *    deployed now (or nothing would be), probe it again: the percentile's
 *    interval narrows with the replicas (the stage noise of that point is
 *    divided by its run count). A dearer one could not change the
 *    deployment, so its answer is not worth the invocations.
 * 3. Otherwise maximise the constrained expected improvement
 *    EI(cost; incumbent) x P(feasible), the incumbent the lowest posterior
 *    mean cost among probed configurations more likely feasible than not, over
 *    configurations predicted feasible with probability at least
 *    1 - `safetyDelta` (the safe set), by block-coordinate ascent: sweep one
 *    stage at a time over every configuration of that stage, the others
 *    fixed, from the incumbent, the most feasible probe and the best of
 *    random candidates, until a sweep changes nothing.
 *    When no configuration is in the safe set, replicate the most feasible
 *    probe instead, until it has `maxInvocationsPerConfig` invocations.
 * 4. Stop when the best score is below `stopFraction` x the incumbent's cost
 *    (after `minProbes` distinct configurations), at `maxProbes`, or when
 *    nothing is safe and every probe is at its most invocations.
 *
 * It starts at the largest configuration, which the targets are set to
 * allow. It deploys the probed configuration of lowest posterior mean cost
 * among those with no failure, a probability of meeting the target of at
 * least `recommendFeasibility` and at least `verifiedInvocations` of its own:
 * before the search goes on, the configuration that would be deployed next is
 * replicated up to that (a model that is sure is not yet a measurement).
 */
import { expectedImprovement } from '../bo/acquisition';
import type { Rng } from '../core/rng';
import type { StageConfig, WorkflowConfig } from '../workflow/workflow-types';
import type { ProbeRecord } from './probe';
import { groupProbes, type ProbeGroup } from './probe-groups';
import { maxConfig } from './simple-methods';
import { fitStageLatencyModel } from './stage-latency-model';
import type { Proposal, TuningContext, TuningMethod } from './tuning-method';
import { WorkflowPredictor, type ConfigPrediction } from './workflow-predictor';
import { configKey, configToPoint, stageConfigurations } from './workflow-search-space';

/** Knobs of ours. */
export interface AquatopeTunerOptions {
  /** Invocations of a new configuration's first probe. Default 3. */
  readonly initialInvocations: number;
  /** Invocations added by a replicate. Default 3. */
  readonly replicateInvocations: number;
  /** Most invocations at one configuration. Default 15. */
  readonly maxInvocationsPerConfig: number;
  /** Replicate while the probed configuration's feasibility is in (undecided, 1 - undecided). Default 0.1. */
  readonly undecided: number;
  /** Safe set: only propose configurations feasible with probability >= 1 - delta. Default 0.05. */
  readonly safetyDelta: number;
  /** Deploy only configurations feasible with at least this probability. Default 0.99. */
  readonly recommendFeasibility: number;
  /** Deploy only configurations with at least this many invocations of their own (the best candidate is replicated up to it first). Default 6. */
  readonly verifiedInvocations: number;
  /** Stop when the best score < stopFraction x incumbent cost. Default 0.0001. */
  readonly stopFraction: number;
  /** Fewest distinct configurations before stopping. Default 15. */
  readonly minProbes: number;
  /** Most probes (replicates included). Default 80. */
  readonly maxProbes: number;
  /**
   * Share of the target kept for model error: feasibility is judged against
   * target x (1 - margin), in the safe set and for deployment. Default 0.015
   * (at 0 the deployed configuration missed the target by up to 1.5% on
   * fresh invocations in 3 of 10 runs of video-pipeline at its medium target).
   */
  readonly targetMargin: number;
  /** Monte Carlo samples of the percentile. Default 128. */
  readonly monteCarloSamples: number;
  /** Random starting candidates of the ascent. Default 200. */
  readonly randomStarts: number;
  /** Most sweeps per ascent. Default 4. */
  readonly maxSweeps: number;
}

/** The defaults of {@link AquatopeTunerOptions}. */
export const DEFAULTS: AquatopeTunerOptions = {
  initialInvocations: 3,
  replicateInvocations: 3,
  maxInvocationsPerConfig: 15,
  undecided: 0.1,
  safetyDelta: 0.05,
  recommendFeasibility: 0.99,
  verifiedInvocations: 6,
  stopFraction: 0.0001,
  minProbes: 15,
  maxProbes: 80,
  targetMargin: 0.015,
  monteCarloSamples: 128,
  randomStarts: 200,
  maxSweeps: 4,
};

/** A step's models and what they say of the probed configurations. */
interface StepState {
  readonly groups: ProbeGroup[];
  readonly predictor: WorkflowPredictor;
  /** Choice vector and prediction of each group. */
  readonly observed: { readonly group: ProbeGroup; readonly choice: number[]; readonly prediction: ConfigPrediction }[];
}

const stageKey = (c: StageConfig): string => `${c.cpu}/${c.memoryMB}`;

/** Creates ours with `options` over {@link DEFAULTS}. */
export function aquatopeTuner(options: Partial<AquatopeTunerOptions> = {}): TuningMethod {
  const o: AquatopeTunerOptions = { ...DEFAULTS, ...options };
  const states = new WeakMap<ProbeRecord, StepState>();

  const stateOf = (history: readonly ProbeRecord[], context: TuningContext): StepState => {
    const last = history[history.length - 1];
    const cached = states.get(last);
    if (cached !== undefined) return cached;
    const state = buildState(history, context, context.rng, o);
    states.set(last, state);
    return state;
  };

  return {
    name: 'aquatope',
    propose(history, context): Proposal {
      if (history.length === 0) return { kind: 'probe', config: maxConfig(context), invocations: o.verifiedInvocations, why: 'start at the largest configuration' };
      if (history.length >= o.maxProbes) return { kind: 'done', why: `${o.maxProbes} probes` };
      const state = stateOf(history, context);
      const lastKey = configKey(history[history.length - 1].config);
      const lastObserved = state.observed.find((x) => x.group.key === lastKey);
      // The configuration that would be deployed next (feasible enough, by the models).
      const candidate = deployable(state, o, 0);
      if (lastObserved !== undefined) {
        const f = lastObserved.prediction.feasibility;
        // Replicating settles whether it could be deployed instead: worth it only if it is predicted cheaper than the candidate.
        const couldReplace = candidate === undefined || candidate === lastObserved || lastObserved.prediction.costMean < candidate.prediction.costMean;
        if (couldReplace && f > o.undecided && f < 1 - o.undecided && lastObserved.group.invocations < o.maxInvocationsPerConfig && lastObserved.group.failures === 0) {
          return { kind: 'probe', config: lastObserved.group.config, invocations: o.replicateInvocations, why: `replicate: feasibility ${f.toFixed(2)} undecided` };
        }
      }
      // Verify before deploying: the candidate gets invocations of its own first.
      if (candidate !== undefined && candidate.group.invocations < o.verifiedInvocations) {
        return { kind: 'probe', config: candidate.group.config, invocations: Math.min(o.replicateInvocations, o.verifiedInvocations - candidate.group.invocations), why: 'verify the next deployment' };
      }
      const incumbent = incumbentOf(state);
      // A probed configuration at its most invocations has nothing left to tell: never the answer.
      const saturated = new Set(state.observed.filter((x) => x.group.invocations >= o.maxInvocationsPerConfig).map((x) => x.choice.join(',')));
      const best = ascend(state, incumbent?.prediction.costMean, context.rng, o, saturated);
      if (best === undefined) {
        // Nothing is predicted safe: a few noisy runs at the start can look infeasible (or feasible with
        // probability between 1 - undecided and 1 - safetyDelta, where neither rule above applies). Measure
        // the most feasible probe again while it has room, rather than stop on that evidence.
        const retry = mostFeasible(state, o.maxInvocationsPerConfig);
        if (retry !== undefined) {
          return { kind: 'probe', config: retry.group.config, invocations: o.replicateInvocations, why: `replicate: nothing predicted safe yet (most feasible probe ${retry.prediction.feasibility.toFixed(2)})` };
        }
        return { kind: 'done', why: 'no unsaturated configuration in the safe set' };
      }
      if (incumbent !== undefined && state.groups.length >= o.minProbes && best.score < o.stopFraction * incumbent.prediction.costMean) {
        return { kind: 'done', why: `best score ${best.score.toExponential(2)} < ${o.stopFraction} x incumbent cost` };
      }
      const config = best.choice.map((j, i) => state.predictor.tables[i].configs[j]);
      const seen = state.observed.find((x) => x.choice.every((j, i) => j === best.choice[i]));
      if (seen !== undefined) {
        return { kind: 'probe', config, invocations: o.replicateInvocations, why: 'replicate: the best candidate was probed' };
      }
      return { kind: 'probe', config, invocations: o.initialInvocations, why: `score ${best.score.toExponential(2)}` };
    },
    recommend(history, context): WorkflowConfig | undefined {
      if (history.length === 0) return undefined;
      const state = stateOf(history, context);
      const pick = deployable(state, o, o.verifiedInvocations);
      if (pick !== undefined) return pick.group.config;
      return mostFeasible(state, Number.POSITIVE_INFINITY)?.group.config;
    },
  };
}

function buildState(history: readonly ProbeRecord[], context: TuningContext, rng: Rng, o: AquatopeTunerOptions): StepState {
  const { workflow, space } = context;
  const groups = groupProbes(history);
  const stageConfigs = workflow.space.map(stageConfigurations);
  // A stage's unit square: the search space's encoding of that block.
  const anchor = configToPoint(maxConfig(context));
  const encode = (stage: number, c: StageConfig): number[] => {
    const point = anchor.slice();
    point[2 * stage] = c.cpu;
    point[2 * stage + 1] = c.memoryMB;
    const unit = space.encode(point);
    return [unit[2 * stage], unit[2 * stage + 1]];
  };
  const models = workflow.stages.map((_, i) => fitStageLatencyModel(groups, i, (c) => encode(i, c), rng));
  const lowestMB = stageConfigs.map((cs) => Math.min(...cs.map((c) => c.memoryMB)) / 2);
  const predictor = new WorkflowPredictor(workflow, models, stageConfigs, encode, lowestMB, o.monteCarloSamples, o.targetMargin);
  const index = stageConfigs.map((cs) => new Map(cs.map((c, j) => [stageKey(c), j])));
  const observed = groups.map((group) => {
    const choice = group.config.map((c, i) => index[i].get(stageKey(c)) ?? 0);
    return { group, choice, prediction: predictor.predict(choice) };
  });
  return { groups, predictor, observed };
}

/** The probed configuration of lowest predicted cost with no failure, feasible with at least `recommendFeasibility`, and at least `minInvocations` of its own. */
function deployable(state: StepState, o: AquatopeTunerOptions, minInvocations: number): StepState['observed'][number] | undefined {
  let pick: StepState['observed'][number] | undefined;
  for (const x of state.observed) {
    if (x.group.failures > 0 || x.group.invocations < minInvocations || x.prediction.feasibility < o.recommendFeasibility) continue;
    if (pick === undefined || x.prediction.costMean < pick.prediction.costMean) pick = x;
  }
  return pick;
}

/** The probed configuration with no failure and fewer than `belowInvocations` invocations that is likeliest to meet the target. */
function mostFeasible(state: StepState, belowInvocations: number): StepState['observed'][number] | undefined {
  let pick: StepState['observed'][number] | undefined;
  for (const x of state.observed) {
    if (x.group.failures > 0 || x.group.invocations >= belowInvocations) continue;
    if (pick === undefined || x.prediction.feasibility > pick.prediction.feasibility) pick = x;
  }
  return pick;
}

function incumbentOf(state: StepState): StepState['observed'][number] | undefined {
  let best: StepState['observed'][number] | undefined;
  for (const x of state.observed) {
    if (x.group.failures > 0 || x.prediction.feasibility < 0.5) continue;
    if (best === undefined || x.prediction.costMean < best.prediction.costMean) best = x;
  }
  return best;
}

/** The acquisition: cEI, or feasibility alone without an incumbent; -Infinity outside the safe set. */
function score(p: ConfigPrediction, best: number | undefined, o: AquatopeTunerOptions): number {
  if (p.feasibility < 1 - o.safetyDelta) return Number.NEGATIVE_INFINITY;
  if (best === undefined) return p.feasibility;
  return expectedImprovement({ mean: p.costMean, sd: p.costSd }, best) * p.feasibility;
}

/**
 * Block-coordinate ascent of the acquisition (see the module comment). The
 * score is EI(cost) x P(feasible) <= EI(cost), and EI needs no Monte Carlo,
 * so each sweep ranks a stage's configurations by EI and scores them fully
 * only while their EI could still beat the best score so far: exact, and
 * most candidates never reach the percentile.
 */
function ascend(state: StepState, best: number | undefined, rng: Rng, o: AquatopeTunerOptions, saturated: ReadonlySet<string>): { choice: number[]; score: number } | undefined {
  const predictor = state.predictor;
  const tables = predictor.tables;
  const evaluate = (choice: readonly number[]): number => (saturated.has(choice.join(',')) ? Number.NEGATIVE_INFINITY : score(predictor.predict(choice, true), best, o));
  /** An upper bound of the score: EI alone (feasibility <= 1), or 1 without an incumbent. */
  const bound = (choice: readonly number[]): number => {
    if (best === undefined) return 1;
    const c = predictor.cost(choice);
    return expectedImprovement({ mean: c.costMean, sd: c.costSd }, best);
  };
  const starts: number[][] = [];
  const inc = incumbentOf(state);
  if (inc !== undefined) starts.push(inc.choice.slice());
  let safest = state.observed[0];
  for (const x of state.observed) if (x.prediction.feasibility > safest.prediction.feasibility) safest = x;
  starts.push(safest.choice.slice());
  const randoms = Array.from({ length: o.randomStarts }, () => tables.map((t) => Math.min(t.configs.length - 1, Math.floor(rng.next() * t.configs.length))));
  const ranked = randoms.map((choice) => ({ choice, ub: bound(choice) })).sort((a, b) => b.ub - a.ub);
  let bestRandom: { choice: number[]; value: number } | undefined;
  for (const r of ranked) {
    if (bestRandom !== undefined && r.ub <= bestRandom.value) break;
    const value = evaluate(r.choice);
    if (value > Number.NEGATIVE_INFINITY && (bestRandom === undefined || value > bestRandom.value)) bestRandom = { choice: r.choice, value };
  }
  if (bestRandom !== undefined) starts.push(bestRandom.choice);

  let winner: { choice: number[]; score: number } | undefined;
  for (const start of starts) {
    const choice = start.slice();
    let value = evaluate(choice);
    for (let sweep = 0; sweep < o.maxSweeps; sweep++) {
      let changed = false;
      for (let i = 0; i < tables.length; i++) {
        const keep = choice[i];
        const options: { j: number; ub: number }[] = [];
        for (let j = 0; j < tables[i].configs.length; j++) {
          if (j === keep) continue;
          choice[i] = j;
          options.push({ j, ub: bound(choice) });
        }
        options.sort((a, b) => b.ub - a.ub);
        let bestJ = keep;
        for (const { j, ub } of options) {
          if (ub <= value) break;
          choice[i] = j;
          const v = evaluate(choice);
          if (v > value) {
            value = v;
            bestJ = j;
          }
        }
        choice[i] = bestJ;
        if (bestJ !== keep) changed = true;
      }
      if (!changed) break;
    }
    if (value > Number.NEGATIVE_INFINITY && (winner === undefined || value > winner.score)) winner = { choice, score: value };
  }
  return winner;
}

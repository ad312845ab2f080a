/**
 * The time of one joint-GP Bayesian-optimisation step at the size of the
 * issue's bar: 100 observations in 8 dimensions (a 4-stage workflow's CPU and
 * memory), two GP fits (cost and latency, default restarts and iterations)
 * and one constrained-EI optimisation over the real grid (random candidates
 * plus hill-climbing). The observations are the social-network workflow's
 * real probes at random configurations. Timing differs between runs; the
 * probes do not.
 */
import { constrainedExpectedImprovementAcquisition, observedPosteriors } from '../src/bo/constrained-acquisition';
import { noisyIncumbent } from '../src/bo/acquisition';
import { fitGaussianProcess } from '../src/bo/gaussian-process';
import { optimiseAcquisition } from '../src/bo/optimise-acquisition';
import type { Clock } from '../src/core/clock';
import { SeededRng } from '../src/core/rng';
import { quantileSorted } from '../src/core/stats';
import { runProbe } from '../src/tuning/probe';
import { configToPoint, pointToConfig, workflowSearchSpace } from '../src/tuning/workflow-search-space';
import { latencyPercentile } from '../src/workflow/latency-percentile';
import type { Workflow } from '../src/workflow/workflow-types';

/** What `bench bo-step` reports. Times in ms. */
export interface BoStepReport {
  readonly workflow: string;
  readonly dimensions: number;
  readonly observations: number;
  readonly repetitions: number;
  readonly fitMs: { readonly median: number; readonly max: number };
  readonly acquisitionMs: { readonly median: number; readonly max: number };
  readonly stepMs: { readonly median: number; readonly max: number };
}

/** Times `repetitions` steps of `observations` probes of `workflow` (one invocation window of 10 each). */
export function runBoStepBench(workflow: Workflow, options: { observations: number; repetitions: number; clock: Clock }): BoStepReport {
  const space = workflowSearchSpace(workflow);
  const fit: number[] = [];
  const acq: number[] = [];
  for (let r = 0; r < options.repetitions; r++) {
    const rng = new SeededRng(1000 + r);
    const raw = Array.from({ length: options.observations }, () => space.randomPoint(rng));
    const probes = raw.map((p) => runProbe(workflow, pointToConfig(p), 10, rng));
    const unit = raw.map((p) => space.encode(p));
    const finite = probes.map((p) => Math.min(latencyPercentile(p.latencyMs, workflow.qos.percentile), 10 * workflow.qos.targetMs));
    const t0 = options.clock.nowMs();
    const cost = fitGaussianProcess(unit, probes.map((p) => p.meanCost), { rng });
    const latency = fitGaussianProcess(unit, finite, { rng });
    const t1 = options.clock.nowMs();
    const best = noisyIncumbent(observedPosteriors(unit, cost, latency), workflow.qos.targetMs)?.cost;
    const max = optimiseAcquisition(space, constrainedExpectedImprovementAcquisition(cost, latency, workflow.qos.targetMs, best, 0.05), { rng, seedPoints: raw, exclude: raw });
    const t2 = options.clock.nowMs();
    if (max !== undefined && !space.contains(configToPoint(pointToConfig(max.raw)))) throw new Error('bo-step: the optimiser proposed a point outside the space');
    fit.push(t1 - t0);
    acq.push(t2 - t1);
  }
  const stat = (xs: number[]) => ({ median: quantileSorted([...xs].sort((a, b) => a - b), 0.5), max: Math.max(...xs) });
  return {
    workflow: workflow.name,
    dimensions: space.dimension,
    observations: options.observations,
    repetitions: options.repetitions,
    fitMs: stat(fit),
    acquisitionMs: stat(acq),
    stepMs: stat(fit.map((f, i) => f + acq[i])),
  };
}

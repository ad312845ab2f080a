import { SeededRng } from '../../src/core/rng';
import { aquatopeTuner } from '../../src/tuning/aquatope-tuner';
import { ConfigEvaluator } from '../../src/tuning/evaluate-config';
import { findOptimum } from '../../src/tuning/optimum';
import { runProbe } from '../../src/tuning/probe';
import { runTuning } from '../../src/tuning/run-tuning';
import type { TuningContext } from '../../src/tuning/tuning-method';
import { workflowSearchSpace } from '../../src/tuning/workflow-search-space';
import { ONE_STAGE, SMALL_GRID, toyWorkflow } from '../support/toy-workflows';

// The known 2-D problem: one stage, cost = (cpu x price + GB x price) x run time, run time 400 + 800 / min(cpu, 1.5) ms,
// out of memory below 300 MB, p95 <= 1,300 ms. Without the target the cheapest CPU is 0.7 cores; the target needs 1.2: it binds.
const STAGE = { ...ONE_STAGE, serialMs: 400 };
const problem = toyWorkflow([STAGE], SMALL_GRID, { percentile: 95, targetMs: 1300 });

describe('aquatope tuner', () => {
  it('finds the constrained optimum of the 2-D test problem (cost within 5%, feasible on fresh invocations)', () => {
    const optimum = findOptimum(problem, { samples: 2000 });
    const truth = new ConfigEvaluator(problem, 4000);
    const best = truth.truth(optimum.config ?? []);
    // 384 MB (the least grid memory above the 300 MB floor) at the least CPU meeting the target: 400 + 800 / 1.2 = 1,067 ms median, p95 about 1,260 ms.
    expect(optimum.config).toEqual([{ cpu: 1.2, memoryMB: 384 }]);
    expect(findOptimum(toyWorkflow([STAGE], SMALL_GRID, { percentile: 95, targetMs: 1e9 }), { samples: 500 }).config).toEqual([{ cpu: 0.7, memoryMB: 384 }]);
    for (const seed of [1, 2, 3]) {
      const run = runTuning(aquatopeTuner(), problem, { seed });
      const final = truth.truth(run.final ?? []);
      expect(final.feasible).toBe(true);
      expect(final.costPerInvocation / best.costPerInvocation).toBeLessThanOrEqual(1.05);
    }
  });

  it('reproduces the same probes from the same seed, and other probes from another', () => {
    const a = runTuning(aquatopeTuner(), problem, { seed: 11, maxProbes: 12 });
    const b = runTuning(aquatopeTuner(), problem, { seed: 11, maxProbes: 12 });
    const c = runTuning(aquatopeTuner(), problem, { seed: 12, maxProbes: 12 });
    const configs = (r: typeof a) => r.steps.map((s) => s.probe.config);
    expect(configs(b)).toEqual(configs(a));
    expect(b.steps.map((s) => s.probe.latencyMs)).toEqual(a.steps.map((s) => s.probe.latencyMs));
    expect(c.steps.map((s) => s.probe.latencyMs)).not.toEqual(a.steps.map((s) => s.probe.latencyMs));
  });

  it('starts at the largest configuration with enough invocations to deploy it', () => {
    const context: TuningContext = { workflow: problem, space: workflowSearchSpace(problem), rng: new SeededRng(1) };
    expect(aquatopeTuner().propose([], context)).toEqual({ kind: 'probe', config: [{ cpu: 2, memoryMB: 1024 }], invocations: 6, why: 'start at the largest configuration' });
  });

  it('never deploys an infeasible probe over a feasible one, however cheap', () => {
    const context: TuningContext = { workflow: problem, space: workflowSearchSpace(problem), rng: new SeededRng(1) };
    const rng = new SeededRng(4);
    const feasible = runProbe(problem, [{ cpu: 2, memoryMB: 1024 }], 12, rng);
    const tooSlow = runProbe(problem, [{ cpu: 0.3, memoryMB: 384 }], 12, rng); // 400 + 800 / 0.3 = 3,067 ms > 1,300
    const outOfMemory = runProbe(problem, [{ cpu: 1, memoryMB: 256 }], 12, rng);
    expect(tooSlow.meanCost).toBeLessThan(feasible.meanCost);
    expect(outOfMemory.meanCost).toBeLessThan(feasible.meanCost);
    for (const history of [
      [feasible, tooSlow, outOfMemory],
      [tooSlow, outOfMemory, feasible],
    ]) {
      expect(aquatopeTuner().recommend(history, context)).toEqual([{ cpu: 2, memoryMB: 1024 }]);
    }
  });

  it('never proposes a memory that ran out again, nor one below the working set the stage reported', () => {
    const run = runTuning(aquatopeTuner(), problem, { seed: 5, maxProbes: 30 });
    // The working set (320 MB) is reported by the first probe, so no probe goes below 384 MB (the grid value above it): none runs out.
    expect(run.steps.every((s) => s.probe.failures === 0)).toBe(true);
  });

  it('replicates a probe whose feasibility is undecided, and stops within its probe budget', () => {
    const run = runTuning(aquatopeTuner({ maxProbes: 25 }), problem, { seed: 3 });
    expect(run.steps.length).toBeLessThanOrEqual(25);
    const keys = run.steps.map((s) => JSON.stringify(s.probe.config));
    expect(new Set(keys).size).toBeLessThan(keys.length); // some configuration was probed more than once
  });

  it('measures the start again when nothing is predicted safe, and stops with it once it has its most invocations', () => {
    // The same stage, but a target no configuration meets: at 2 cores the median is 400 + 800 / 1.5 = 933 ms > 900 ms.
    const unmeetable = toyWorkflow([STAGE], SMALL_GRID, { percentile: 95, targetMs: 900 });
    const run = runTuning(aquatopeTuner(), unmeetable, { seed: 2 });
    // 6 at the start, then replicates of 3 up to the 15 a configuration may have: never a smaller configuration.
    expect(run.steps.map((s) => s.probe.config)).toEqual(Array.from({ length: 4 }, () => [{ cpu: 2, memoryMB: 1024 }]));
    expect(run.steps.map((s) => s.probe.invocations)).toEqual([6, 3, 3, 3]);
    expect(run.stopReason).toBe('no unsaturated configuration in the safe set');
    expect(run.final).toEqual([{ cpu: 2, memoryMB: 1024 }]);
  });

  it('replicates an undecided probe only when it is cheaper than the configuration it would replace', () => {
    const context: TuningContext = { workflow: problem, space: workflowSearchSpace(problem), rng: new SeededRng(1) };
    const rng = new SeededRng(5);
    const cheap = runProbe(problem, [{ cpu: 1.5, memoryMB: 384 }], 12, rng); // 400 + 800 / 1.5 = 933 ms: feasible, deployable
    const undecided = runProbe(problem, [{ cpu: 1.2, memoryMB: 1024 }], 3, rng); // 400 + 800 / 1.2 = 1,067 ms median, p95 near the 1,300 ms target
    const largest = runProbe(problem, [{ cpu: 2, memoryMB: 1024 }], 12, rng);
    expect(undecided.meanCost).toBeGreaterThan(cheap.meanCost);
    expect(undecided.meanCost).toBeLessThan(largest.meanCost);
    const replicate = (history: readonly (typeof cheap)[]) => {
      const p = aquatopeTuner().propose(history, context);
      return p.kind === 'probe' && p.why.startsWith('replicate: feasibility') ? p.config : undefined;
    };
    // Alone, or beside a dearer deployable configuration, its answer could change the deployment: replicated.
    expect(replicate([undecided])).toEqual([{ cpu: 1.2, memoryMB: 1024 }]);
    expect(replicate([largest, undecided])).toEqual([{ cpu: 1.2, memoryMB: 1024 }]);
    // Beside a cheaper deployable one it could not: the search moves on.
    expect(aquatopeTuner().recommend([cheap, undecided], context)).toEqual([{ cpu: 1.5, memoryMB: 384 }]);
    expect(replicate([cheap, undecided])).toBeUndefined();
  });
});

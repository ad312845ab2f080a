import { hashString, SeededRng } from '../../src/core/rng';
import { findOptimum, paretoFront, type SampledConfig } from '../../src/tuning/optimum';
import { PercentileScratch, samplePercentile } from '../../src/tuning/sample-percentile';
import { buildStageGraph } from '../../src/workflow/dag';
import { stageCost } from '../../src/workflow/invoke-workflow';
import { stageConfigurations } from '../../src/tuning/workflow-search-space';
import { invokeWorkflowWindow } from '../../src/workflow/invoke-workflow';
import type { StageConfig, StageSpace } from '../../src/workflow/workflow-types';
import { ONE_STAGE, toyWorkflow } from '../support/toy-workflows';

const SPACE: StageSpace = { kind: 'grid', cpu: { min: 0.2, max: 1.6, step: 0.2 }, memoryMB: { min: 256, max: 512, step: 128 } };
const TWO = [ONE_STAGE, { ...ONE_STAGE, name: 'next', after: ['work'], serialMs: 50, parallelMs: 300, capCores: 1, floorMB: 200, workingSetMB: 220 }];

describe('findOptimum', () => {
  it('matches brute-force enumeration over the same common samples (2 stages x 24 configurations)', () => {
    const samples = 400;
    const seed = 5;
    const workflow = toyWorkflow(TWO, SPACE, { percentile: 90, targetMs: 1400 });
    const found = findOptimum(workflow, { samples, seed });
    // The same per-stage streams findOptimum documents: one stream per stage, restarted for every configuration.
    const configs = stageConfigurations(SPACE);
    const sample = (stage: number, c: StageConfig) => {
      const rng = new SeededRng(hashString(`optimum:${seed}:${stage}`));
      let total = 0;
      const out = new Float64Array(samples);
      for (let k = 0; k < samples; k++) {
        const run = workflow.runStage(stage, c, rng);
        total += run.latencyMs;
        out[k] = run.outOfMemory ? Number.POSITIVE_INFINITY : run.latencyMs;
      }
      return { c, samples: out, cost: stageCost(c, total / samples, workflow.prices) };
    };
    const table = [0, 1].map((stage) => configs.map((c) => sample(stage, c)));
    const graph = buildStageGraph(workflow.stages);
    const scratch = new PercentileScratch(samples, 2);
    let best: { cost: number; config: StageConfig[] } | undefined;
    for (const a of table[0]) {
      for (const b of table[1]) {
        if (samplePercentile(graph, [a.samples, b.samples], 0, 90, scratch) > 1400) continue;
        if (best === undefined || a.cost + b.cost < best.cost) best = { cost: a.cost + b.cost, config: [a.c, b.c] };
      }
    }
    expect(best).toBeDefined();
    expect(found.proven).toBe(true);
    expect(found.config).toEqual(best?.config);
    expect(found.costPerInvocation).toBeCloseTo(best?.cost ?? Number.NaN, 15);
    expect(found.latencyPercentileMs).toBeLessThanOrEqual(1400);
  });

  it('says there is no optimum when even the fastest configuration misses the target', () => {
    const found = findOptimum(toyWorkflow([ONE_STAGE], SPACE, { percentile: 95, targetMs: 200 }), { samples: 200 });
    expect(found.config).toBeUndefined();
    expect(found.costPerInvocation).toBeNaN();
  });

  it('picks, for a loose target, the configuration of least cost on its own: the one-stage minimum over the grid', () => {
    const workflow = toyWorkflow([{ ...ONE_STAGE, sigma: 0 }], SPACE, { percentile: 95, targetMs: 1e9 });
    const found = findOptimum(workflow, { samples: 50 });
    const costs = stageConfigurations(SPACE)
      .filter((c) => c.memoryMB >= 300)
      .map((c) => ({ c, cost: invokeWorkflowWindow(workflow, [c], 1, new SeededRng(1)).meanCost }))
      .sort((x, y) => x.cost - y.cost);
    expect(found.config).toEqual([costs[0].c]);
    expect(found.costPerInvocation).toBeCloseTo(costs[0].cost, 15);
  });
});

describe('paretoFront', () => {
  const s = (cost: number, samples: number[]): SampledConfig => ({ config: { cpu: cost, memoryMB: 128 }, cost, samples: Float64Array.from(samples) });

  it('drops a configuration that costs more and is no faster in any sample, and one that always fails, cheapest first', () => {
    // Cost 3 [5, 5] is not dominated by cost 2 [4, 6] (slower in sample 2); cost 5 [6, 6] is dominated by cost 3.
    const front = paretoFront([s(3, [5, 5]), s(1, [10, 10]), s(2, [4, 6]), s(5, [6, 6]), s(0.5, [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY])]);
    expect(front.map((c) => c.cost)).toEqual([1, 2, 3]);
  });
});

import { gaussianProcessWithHyperparameters } from '../../src/bo/gaussian-process';
import { normalCdf } from '../../src/core/normal';
import { SeededRng } from '../../src/core/rng';
import { CPU_BOUND_EXPONENT, type StageLatencyModel } from '../../src/tuning/stage-latency-model';
import { WorkflowPredictor } from '../../src/tuning/workflow-predictor';
import { invokeWorkflowWindow } from '../../src/workflow/invoke-workflow';
import { latencyPercentile } from '../../src/workflow/latency-percentile';
import { ONE_STAGE, toyWorkflow } from '../support/toy-workflows';

const config = { cpu: 1, memoryMB: 512 };
const space = { kind: 'discrete' as const, configs: [config] };

/** A stage model that knows the stage exactly: its GP interpolates a noiseless log(median) + a log(cpu) at the one point. */
function exact(medianMs: number, logSd: number): StageLatencyModel {
  const y = Math.log(medianMs) + CPU_BOUND_EXPONENT * Math.log(config.cpu);
  const gp = gaussianProcessWithHyperparameters([[0.5, 0.5], [0.5, 0.6]], [y, y], { lengthscales: [1, 1], signalVariance: 1e-6, noiseVariance: 1e-6 });
  return { gp, logSd, maxOutOfMemoryMB: 0, minFittingMB: 0, workingSetMB: undefined };
}

describe('WorkflowPredictor', () => {
  const stages = [ONE_STAGE, { ...ONE_STAGE, name: 'b', after: ['work'] }];
  const workflow = toyWorkflow(stages, space, { percentile: 90, targetMs: 2500 });
  const median = 100 + 800 / 1; // the toy stage at 1 core

  it('predicts the percentile of the composed stages (within 4% of 8,000 simulated invocations) and the mean cost', () => {
    const p = new WorkflowPredictor(workflow, [exact(median, 0.1), exact(median, 0.1)], [[config], [config]], () => [0.5, 0.5], [64, 64], 2048).predict([0, 0]);
    const sim = invokeWorkflowWindow(workflow, [config, config], 8000, new SeededRng(3));
    expect(p.percentileMean / latencyPercentile(sim.latencyMs, 90)).toBeGreaterThan(0.96);
    expect(p.percentileMean / latencyPercentile(sim.latencyMs, 90)).toBeLessThan(1.04);
    expect(p.costMean / sim.meanCost).toBeCloseTo(1, 1);
    expect(p.costSd).toBeLessThan(1e-3 * p.costMean); // the GP is sure
  });

  it('gives feasibility Phi((target - mean) / sd) times the memory fit, and screens a configuration whose mean misses', () => {
    const models = [exact(median, 0.1), exact(median, 0.1)];
    const pred = new WorkflowPredictor(workflow, models, [[config], [config]], () => [0.5, 0.5], [64, 64], 512);
    const p = pred.predict([0, 0]);
    expect(p.feasibility).toBeCloseTo(normalCdf((2500 - p.percentileMean) / p.percentileSd), 12);
    const tight = new WorkflowPredictor(toyWorkflow(stages, space, { percentile: 90, targetMs: 1500 }), models, [[config], [config]], () => [0.5, 0.5], [64, 64], 512);
    expect(tight.predict([0, 0], true)).toMatchObject({ feasibility: 0, percentileSd: Number.NaN });
  });
});

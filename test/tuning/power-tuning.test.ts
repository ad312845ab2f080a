import { SeededRng } from '../../src/core/rng';
import { balancedPicks, powerTuningLattice, powerTuningMethod, powerTuningQosMethod, qosAwarePicks, trimmedMean } from '../../src/tuning/power-tuning';
import { runTuning } from '../../src/tuning/run-tuning';
import type { TuningContext } from '../../src/tuning/tuning-method';
import { workflowSearchSpace } from '../../src/tuning/workflow-search-space';
import { invokeWorkflowWindow } from '../../src/workflow/invoke-workflow';
import { latencyPercentile } from '../../src/workflow/latency-percentile';
import { ONE_STAGE, toyWorkflow } from '../support/toy-workflows';

const GRID = { kind: 'grid' as const, cpu: { min: 0.1, max: 2, step: 0.1 }, memoryMB: { min: 128, max: 3008, step: 64 } };

describe('power tuning', () => {
  it('sweeps the usual memory sizes on the grid with CPU following memory (1 core per 1,769 MB)', () => {
    // 128 -> 0.07 -> 0.1; 256 -> 0.14 -> 0.1; 512 -> 0.29 -> 0.3; 1024 -> 0.58 -> 0.6; 1536 -> 0.87 -> 0.9; 2048 -> 1.16 -> 1.2; 3008 -> 1.70 -> 1.7.
    expect(powerTuningLattice(GRID)).toEqual([
      { memoryMB: 128, cpu: 0.1 },
      { memoryMB: 256, cpu: 0.1 },
      { memoryMB: 512, cpu: 0.3 },
      { memoryMB: 1024, cpu: 0.6 },
      { memoryMB: 1536, cpu: 0.9 },
      { memoryMB: 2048, cpu: 1.2 },
      { memoryMB: 3008, cpu: 1.7 },
    ]);
  });

  it('sweeps every measured configuration of a discrete stage', () => {
    const configs = [{ cpu: 0.5, memoryMB: 256 }, { cpu: 1, memoryMB: 512 }];
    expect(powerTuningLattice({ kind: 'discrete', configs })).toEqual(configs);
  });

  it('averages after dropping the lowest and highest 20%: 1..10 gives the mean of 3..8 = 5.5', () => {
    expect(trimmedMean([10, 1, 9, 2, 8, 3, 7, 4, 6, 5])).toBe(5.5);
  });

  it('probes each stage at each lattice point 10 times with the other stages at their largest, then stops', () => {
    const w = toyWorkflow([ONE_STAGE, { ...ONE_STAGE, name: 'b', after: ['work'] }], GRID, { percentile: 95, targetMs: 3000 });
    const run = runTuning(powerTuningMethod, w, { seed: 1 });
    expect(run.steps).toHaveLength(14);
    expect(run.invocationsSpent).toBe(140);
    expect(run.steps[0].probe.config).toEqual([{ memoryMB: 128, cpu: 0.1 }, { cpu: 2, memoryMB: 3008 }]);
    expect(run.steps[7].probe.config).toEqual([{ cpu: 2, memoryMB: 3008 }, { memoryMB: 128, cpu: 0.1 }]);
    expect(run.stopReason).toBe('swept 14 points');
  });

  it('picks per stage the balanced point, never one that ran out of memory', () => {
    const w = toyWorkflow([{ ...ONE_STAGE, sigma: 0 }], GRID, { percentile: 95, targetMs: 3000 });
    const run = runTuning(powerTuningMethod, w, { seed: 1 });
    const context: TuningContext = { workflow: w, space: workflowSearchSpace(w), rng: new SeededRng(1) };
    const pick = balancedPicks(run.steps.map((s) => s.probe), context)[0];
    // 128 and 256 MB run out (floor 300 MB). Durations: 512 MB/0.3 core: 100 + 800/0.3 = 2767 ms; 1024/0.6: 1433; 1536/0.9: 989; 2048/1.2: 767; 3008/1.7 (capped at 1.5): 633.
    const points = [
      { cpu: 0.3, memoryMB: 512, ms: 100 + 800 / 0.3 },
      { cpu: 0.6, memoryMB: 1024, ms: 100 + 800 / 0.6 },
      { cpu: 0.9, memoryMB: 1536, ms: 100 + 800 / 0.9 },
      { cpu: 1.2, memoryMB: 2048, ms: 100 + 800 / 1.2 },
      { cpu: 1.7, memoryMB: 3008, ms: 100 + 800 / 1.5 },
    ].map((p) => ({ ...p, cost: (p.cpu * w.prices.cpuCoreSecond + (p.memoryMB / 1024) * w.prices.gbSecond) * (p.ms / 1000) }));
    const maxCost = Math.max(...points.map((p) => p.cost));
    const maxMs = Math.max(...points.map((p) => p.ms));
    const expected = points.reduce((a, b) => (0.5 * (b.cost / maxCost) + 0.5 * (b.ms / maxMs) < 0.5 * (a.cost / maxCost) + 0.5 * (a.ms / maxMs) ? b : a));
    expect(pick).toEqual({ cpu: expected.cpu, memoryMB: expected.memoryMB });
  });

  it('with QoS, deploys the cheapest swept combination that meets the target on fresh invocations too', () => {
    const w = toyWorkflow([ONE_STAGE, { ...ONE_STAGE, name: 'b', after: ['work'], parallelMs: 400 }], GRID, { percentile: 95, targetMs: 2500 });
    const run = runTuning(powerTuningQosMethod, w, { seed: 2 });
    const context: TuningContext = { workflow: w, space: workflowSearchSpace(w), rng: new SeededRng(1) };
    const pick = qosAwarePicks(run.steps.map((s) => s.probe), context);
    expect(pick).toBeDefined();
    expect(run.final).toEqual(pick);
    const fresh = invokeWorkflowWindow(w, pick ?? [], 4000, new SeededRng(77));
    expect(latencyPercentile(fresh.latencyMs, 95)).toBeLessThanOrEqual(2500 * 1.02);
    // Not simply the largest configuration.
    expect(pick).not.toEqual([{ cpu: 2, memoryMB: 3008 }, { cpu: 2, memoryMB: 3008 }]);
  });
});

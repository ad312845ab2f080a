import { SeededRng, type Rng } from '../../src/core/rng';
import { invocationCost, invokeWorkflow, invokeWorkflowWindow, stageCost } from '../../src/workflow/invoke-workflow';
import type { StageConfig, StageRun, Workflow } from '../../src/workflow/workflow-types';

const prices = { gbSecond: 0.00001, cpuCoreSecond: 0.00002 };

/**
 * A diamond a -> (b, c) -> d whose stages take a fixed time per core
 * (latency = work / cpu) and fail below 256 MB; `jitter` adds 0..jitter ms from the rng.
 */
function diamond(workMs: readonly number[], jitter = 0, overheadMs = 0): Workflow {
  return {
    name: 'diamond',
    qos: { percentile: 95, targetMs: 1000 },
    prices,
    stages: [
      { name: 'a', after: [] },
      { name: 'b', after: ['a'] },
      { name: 'c', after: ['a'] },
      { name: 'd', after: ['b', 'c'] },
    ],
    space: workMs.map(() => ({ kind: 'discrete', configs: [{ memoryMB: 512, cpu: 1 }] })),
    overheadMs,
    runStage(stage: number, config: StageConfig, rng: Rng): StageRun {
      return { latencyMs: workMs[stage] / config.cpu + jitter * rng.next(), outOfMemory: config.memoryMB < 256 };
    },
  };
}

const at = (cpu: number, memoryMB = 1024): StageConfig => ({ cpu, memoryMB });

describe('cost', () => {
  it('of one stage is cpu x s x cpuCoreSecond + GB x s x gbSecond: 0.5 core, 1024 MB, 2 s -> 0.00004', () => {
    // 0.5 x 2 x 0.00002 = 0.00002 for CPU, 1 x 2 x 0.00001 = 0.00002 for memory.
    expect(stageCost({ cpu: 0.5, memoryMB: 1024 }, 2000, prices)).toBeCloseTo(0.00004, 15);
  });

  it('of an invocation is the sum over its stages: 0.00004 + 0.0000225 = 0.0000625', () => {
    // Second stage: 2 cores x 0.5 s x 0.00002 = 0.00002, plus 0.5 GB x 0.5 s x 0.00001 = 0.0000025.
    const cost = invocationCost(
      [{ cpu: 0.5, memoryMB: 1024 }, { cpu: 2, memoryMB: 512 }],
      [{ latencyMs: 2000, outOfMemory: false }, { latencyMs: 500, outOfMemory: false }],
      prices,
    );
    expect(cost).toBeCloseTo(0.0000625, 15);
  });

  it('refuses runs and configurations of different lengths', () => {
    expect(() => invocationCost([at(1)], [], prices)).toThrow('expected 1 stage runs, got 0');
  });
});

describe('invokeWorkflow', () => {
  it('composes a diamond along its critical path and adds the overhead: 100 + 300 + 20 + 15 = 435 ms', () => {
    const wf = diamond([100, 300, 50, 20], 0, 15);
    const inv = invokeWorkflow(wf, [at(1), at(1), at(1), at(1)], new SeededRng(1));
    expect(inv.latencyMs).toBe(435);
    expect(inv.failed).toBe(false);
    expect(inv.stages.map((r) => r.latencyMs)).toEqual([100, 300, 50, 20]);
    // Each stage: 1 core and 1 GB for its seconds, 0.00003 per second; 470 ms in all.
    expect(inv.cost).toBeCloseTo(0.47 * 0.00003, 15);
  });

  it('follows each stage\'s configuration: doubling b\'s CPU moves the critical path to c', () => {
    const wf = diamond([100, 300, 250, 20]);
    expect(invokeWorkflow(wf, [at(1), at(2), at(1), at(1)], new SeededRng(1)).latencyMs).toBe(370);
  });

  it('flags the invocation failed when one stage runs out of memory, and still charges every stage', () => {
    const wf = diamond([100, 100, 100, 100]);
    const inv = invokeWorkflow(wf, [at(1), at(1, 128), at(1), at(1)], new SeededRng(1));
    expect(inv.failed).toBe(true);
    expect(inv.stages.map((r) => r.outOfMemory)).toEqual([false, true, false, false]);
    expect(inv.cost).toBeCloseTo(0.1 * 0.00003 * 3 + 0.1 * (0.00002 + 0.125 * 0.00001), 15);
  });

  it('rejects a configuration with the wrong number of stages', () => {
    expect(() => invokeWorkflow(diamond([1, 1, 1, 1]), [at(1)], new SeededRng(1))).toThrow('workflow "diamond" has 4 stages, the configuration 1');
  });
});

describe('invokeWorkflowWindow', () => {
  it('returns one latency per invocation, +Infinity for failures, the failure count and the mean cost', () => {
    const wf = diamond([100, 100, 100, 100]);
    const ok = invokeWorkflowWindow(wf, [at(1), at(1), at(1), at(1)], 5, new SeededRng(1));
    expect(ok.invocations).toBe(5);
    expect(ok.latencyMs).toEqual([300, 300, 300, 300, 300]);
    expect(ok.failures).toBe(0);
    expect(ok.meanCost).toBeCloseTo(0.4 * 0.00003, 15);
    const bad = invokeWorkflowWindow(wf, [at(1), at(1), at(1), at(1, 128)], 3, new SeededRng(1));
    expect(bad.latencyMs).toEqual([Infinity, Infinity, Infinity]);
    expect(bad.failures).toBe(3);
  });

  it('gives the same samples for the same seed and different ones for another', () => {
    const wf = diamond([100, 100, 100, 100], 50);
    const cfg = [at(1), at(1), at(1), at(1)];
    const one = invokeWorkflowWindow(wf, cfg, 20, new SeededRng(7)).latencyMs;
    expect(invokeWorkflowWindow(wf, cfg, 20, new SeededRng(7)).latencyMs).toEqual(one);
    expect(invokeWorkflowWindow(wf, cfg, 20, new SeededRng(8)).latencyMs).not.toEqual(one);
  });

  it.each([0, -1, 2.5, Number.NaN])('rejects %d invocations', (n) => {
    expect(() => invokeWorkflowWindow(diamond([1, 1, 1, 1]), [at(1), at(1), at(1), at(1)], n, new SeededRng(1))).toThrow(
      `invocations must be a positive integer, got ${n}`,
    );
  });
});

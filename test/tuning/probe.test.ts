import { SeededRng, type Rng } from '../../src/core/rng';
import { runProbe } from '../../src/tuning/probe';
import { groupProbes, cheapestObservedFeasible } from '../../src/tuning/probe-groups';
import type { StageConfig, StageRun, Workflow } from '../../src/workflow/workflow-types';

/** Two stages in a chain: a takes 100 / cpu ms, b 50 ms; b runs out of memory below 256 MB and reports 200 MB peak. */
const chain: Workflow = {
  name: 'chain',
  qos: { percentile: 50, targetMs: 300 },
  prices: { gbSecond: 0.00001, cpuCoreSecond: 0.00002 },
  stages: [
    { name: 'a', after: [] },
    { name: 'b', after: ['a'] },
  ],
  space: [
    { kind: 'discrete', configs: [{ cpu: 1, memoryMB: 512 }] },
    { kind: 'discrete', configs: [{ cpu: 1, memoryMB: 512 }, { cpu: 1, memoryMB: 128 }] },
  ],
  overheadMs: 10,
  runStage(stage: number, config: StageConfig, _rng: Rng): StageRun {
    if (stage === 0) return { latencyMs: 100 / config.cpu, outOfMemory: false };
    return { latencyMs: 50, outOfMemory: config.memoryMB < 256, peakMemoryMB: Math.min(200, config.memoryMB) };
  },
};

const ok = [{ cpu: 1, memoryMB: 512 }, { cpu: 1, memoryMB: 512 }];
const oom = [{ cpu: 1, memoryMB: 512 }, { cpu: 1, memoryMB: 128 }];

describe('runProbe', () => {
  it('records each invocation end to end (critical path + overhead = 160 ms) and per stage', () => {
    const p = runProbe(chain, ok, 3, new SeededRng(1));
    expect(p.latencyMs).toEqual([160, 160, 160]);
    expect(p.stageLatencyMs).toEqual([[100, 100, 100], [50, 50, 50]]);
    expect(p.stageOutOfMemory).toEqual([[false, false, false], [false, false, false]]);
    expect(p.stagePeakMemoryMB).toEqual([undefined, 200]);
    expect(p.failures).toBe(0);
    // a: 1 core x 0.1 s x 0.00002 + 0.5 GB x 0.1 s x 0.00001; b: the same at 0.05 s.
    expect(p.meanCost).toBeCloseTo(0.0000025 + 0.00000125, 15);
  });

  it('marks an out-of-memory stage run and makes the invocation a failure of +Infinity', () => {
    const p = runProbe(chain, oom, 2, new SeededRng(1));
    expect(p.latencyMs).toEqual([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
    expect(p.stageOutOfMemory[1]).toEqual([true, true]);
    expect(p.failures).toBe(2);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects %p invocations, naming the value', (n) => {
    expect(() => runProbe(chain, ok, n, new SeededRng(1))).toThrow(/positive whole number of invocations, got/);
  });
});

describe('probe groups', () => {
  it('merge replicates of one configuration, weighting the mean cost by invocations', () => {
    const a = runProbe(chain, ok, 2, new SeededRng(1));
    const b = runProbe(chain, oom, 1, new SeededRng(1));
    const c = runProbe(chain, ok, 4, new SeededRng(1));
    const groups = groupProbes([a, b, c]);
    expect(groups.map((g) => [g.invocations, g.firstProbe, g.failures])).toEqual([[6, 0, 0], [1, 1, 1]]);
    expect(groups[0].latencyMs).toHaveLength(6);
    expect(groups[0].meanCost).toBeCloseTo(a.meanCost, 15);
  });

  it('never deploy a configuration that failed, however cheap', () => {
    const cheapButFailed = runProbe(chain, oom, 3, new SeededRng(1));
    const fine = runProbe(chain, ok, 3, new SeededRng(1));
    expect(cheapButFailed.meanCost).toBeLessThan(fine.meanCost);
    expect(cheapestObservedFeasible(groupProbes([cheapButFailed, fine]), 50, 300)?.config).toEqual(ok);
    expect(cheapestObservedFeasible(groupProbes([cheapButFailed]), 50, 300)).toBeUndefined();
  });
});

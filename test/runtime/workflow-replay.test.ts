import type { Rng } from '../../src/core/rng';
import { WORKFLOW_ENTRY_ACTION, WorkflowReplay, type ReplayedWorkflow } from '../../src/runtime/workflow-replay';
import type { StageConfig, StageRun, Workflow } from '../../src/workflow/workflow-types';

/** Two parallel stages a and b, then c; each takes 100 ms per GB below 2 GB plus 100 ms, and runs out of memory below 256 MB. */
function toy(): Workflow {
  const stages = [
    { name: 'a', after: [] },
    { name: 'b', after: [] },
    { name: 'c', after: ['a', 'b'] },
  ];
  return {
    name: 'toy',
    qos: { percentile: 95, targetMs: 500 },
    prices: { gbSecond: 1, cpuCoreSecond: 0 },
    stages,
    space: stages.map(() => ({ kind: 'discrete' as const, configs: [{ memoryMB: 1024, cpu: 1 }] })),
    overheadMs: 10,
    runStage(stage: number, config: StageConfig, rng: Rng): StageRun {
      rng.next();
      const base = stage === 1 ? 200 : 100;
      return { latencyMs: base + (100 * (2048 - config.memoryMB)) / 1024, outOfMemory: config.memoryMB < 256, peakMemoryMB: 200 };
    },
  };
}

describe('WorkflowReplay', () => {
  const baseline = [0, 1, 2].map(() => ({ memoryMB: 2048, cpu: 1 }));

  function rig(memoryMB: number) {
    const w: ReplayedWorkflow = { model: toy(), packageName: 'toy', driver: 3, baseline };
    return new WorkflowReplay([w], () => ({ memoryMB, cpu: 1 }), 1);
  }

  it('one driver activation is one invocation: stage records along the DAG and an entry record of the end-to-end latency', () => {
    const replay = rig(1024);
    expect(replay.drives(3)).toBe(true);
    expect(replay.drives(0)).toBe(false);
    const records = replay.invoke(3, 1_000_000);
    // At 1024 MB: a 200 ms, b 300 ms, c starts when b ends (300) and takes 200: ends at 500; + 10 ms overhead.
    expect(records.map((r) => [r.action, r.startMs - 1_000_000, r.endMs - 1_000_000])).toEqual([
      ['a', 0, 200],
      ['b', 0, 300],
      ['c', 300, 500],
      [WORKFLOW_ENTRY_ACTION, 0, 510],
    ]);
    expect(records[0].result).toEqual({ stage: 'a', peakMemoryMB: 200 });
    expect(records[3].result).toEqual({ workflow: 'toy', latencyMs: 510 });
    // 510 ms is over the 500 ms target.
    expect(replay.managed[0]).toMatchObject({ invocations: 1, overTarget: 1, failed: 0, latenciesMs: [510] });
    // Cost: sum of GB x seconds at 1 $/GB-s: (0.2 + 0.3 + 0.2) s x 1 GB.
    expect(replay.managed[0].cost).toBeCloseTo(0.7, 12);
    // The same invocation at the baseline (2048 MB): 100 + 200 -> c ends at 300, + 10; cost 2 GB x 0.4 s.
    expect(replay.baseline[0]).toMatchObject({ invocations: 1, overTarget: 0, latenciesMs: [310] });
    expect(replay.baseline[0].cost).toBeCloseTo(0.8, 12);
  });

  it('a stage out of memory fails its record and the invocation, which counts as over target', () => {
    const replay = rig(128);
    const records = replay.invoke(3, 0);
    expect(records.filter((r) => r.failed).map((r) => r.action)).toEqual(['a', 'b', 'c', WORKFLOW_ENTRY_ACTION]);
    expect(records[0].result).toEqual({ error: 'The action exhausted its memory and was aborted.' });
    expect(replay.managed[0]).toMatchObject({ invocations: 1, failed: 1, overTarget: 1, latenciesMs: [Number.POSITIVE_INFINITY] });
    expect(replay.baseline[0]).toMatchObject({ failed: 0, overTarget: 0 });
  });

  it('the limits looked up at each invocation are the ones it runs at', () => {
    let memory = 2048;
    const w: ReplayedWorkflow = { model: toy(), packageName: 'toy', driver: 0, baseline };
    const replay = new WorkflowReplay([w], () => ({ memoryMB: memory, cpu: 1 }), 1);
    replay.invoke(0, 0);
    memory = 1024;
    replay.invoke(0, 60_000);
    expect(replay.managed[0].latenciesMs).toEqual([310, 510]);
    expect(replay.baseline[0].latenciesMs).toEqual([310, 310]);
  });
});

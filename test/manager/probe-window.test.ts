import { assembleProbeWindow } from '../../src/manager/probe-window';
import type { StageActivation } from '../../src/manager/bo-step-ports';
import type { Workflow } from '../../src/workflow/workflow-types';

/** a -> (b | c) -> d, 10 ms of composition overhead, 1 GB-second costs 1. */
const diamond: Workflow = {
  name: 'diamond',
  qos: { percentile: 95, targetMs: 1000 },
  prices: { gbSecond: 1, cpuCoreSecond: 0 },
  stages: [{ name: 'a', after: [] }, { name: 'b', after: ['a'] }, { name: 'c', after: ['a'] }, { name: 'd', after: ['b', 'c'] }],
  space: [],
  overheadMs: 10,
  runStage: () => {
    throw new Error('not used');
  },
};
const config = diamond.stages.map(() => ({ memoryMB: 1024, cpu: 1 }));
let ids = 0;
const run = (startMs: number, durationMs: number, fail = false): StageActivation => ({ activationId: `x${(ids += 1)}`, startMs, durationMs, success: !fail, outOfMemory: fail });

describe('assembleProbeWindow', () => {
  it('matches serial invocations stage by stage and takes the critical path plus overhead as the end-to-end latency', () => {
    const w = assembleProbeWindow(diamond, config, [
      [run(0, 100), run(1000, 110)],
      [run(101, 50), run(1111, 60)],
      [run(102, 200), run(1112, 20)],
      [run(303, 30), run(1173, 40)],
    ]);
    expect(w).toMatchObject({ invocations: 2, failures: 0, incomplete: 0, latenciesMs: [100 + 200 + 30 + 10, 110 + 60 + 40 + 10] });
    expect(w.costs[0]).toBeCloseTo((100 + 50 + 200 + 30) / 1000);
    expect(w.stageRuns.map((r) => r.runMs)).toEqual([[100, 110], [50, 60], [200, 20], [30, 40]]);
  });

  it('counts an invocation with an out-of-memory stage as a failure whose later stages never ran, and leaves out one still running', () => {
    const w = assembleProbeWindow(diamond, config, [
      [run(0, 100), run(1000, 100), run(2000, 100)],
      [run(101, 50, true), run(1101, 50), run(2101, 50)],
      [run(102, 60), run(1102, 60), run(2102, 60)],
      [run(1163, 30)],
    ]);
    expect(w).toMatchObject({ invocations: 2, failures: 1, incomplete: 1, latenciesMs: [100 + 60 + 30 + 10] });
    expect(w.stageRuns[1]).toEqual({ stage: 'b', runMs: [50, 50], outOfMemory: [true, false], peakMemoryMB: null });
    expect(w.stageRuns[3].runMs).toEqual([30]);
  });
});

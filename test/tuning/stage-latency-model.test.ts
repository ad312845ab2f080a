import { SeededRng } from '../../src/core/rng';
import { groupProbes } from '../../src/tuning/probe-groups';
import type { ProbeRecord } from '../../src/tuning/probe';
import { CPU_BOUND_EXPONENT, DEFAULT_LOG_SD, fitStageLatencyModel, fitsInMemory, type StageLatencyModel } from '../../src/tuning/stage-latency-model';

function record(cpu: number, memoryMB: number, latencies: number[], oom: boolean[] = latencies.map(() => false), peak?: number): ProbeRecord {
  return {
    config: [{ cpu, memoryMB }],
    invocations: latencies.length,
    latencyMs: latencies,
    stageLatencyMs: [latencies],
    stageOutOfMemory: [oom],
    stagePeakMemoryMB: [peak],
    failures: oom.filter((o) => o).length,
    meanCost: 1,
  };
}

const encode = (c: { cpu: number; memoryMB: number }) => [c.cpu / 2, c.memoryMB / 1024];

describe('fitStageLatencyModel', () => {
  it('pools the within-probe sd of log run time over probes (hand-computed)', () => {
    // Probe 1: log e^1, e^3 -> mean 2, squares 1 + 1; probe 2: e^2, e^2, e^2 -> 0. Pooled: sqrt(2 / (1 + 2)).
    const m = fitStageLatencyModel(groupProbes([record(1, 512, [Math.E, Math.E ** 3]), record(2, 512, [Math.E ** 2, Math.E ** 2, Math.E ** 2])]), 0, encode, new SeededRng(1));
    expect(m.logSd).toBeCloseTo(Math.sqrt(2 / 3), 12);
  });

  it('assumes the default spread before any probe was replicated', () => {
    const m = fitStageLatencyModel(groupProbes([record(1, 512, [100])]), 0, encode, new SeededRng(1));
    expect(m.logSd).toBe(DEFAULT_LOG_SD);
  });

  it('models log(run time) + a log(cpu): at an observed point the posterior mean gives the run time back', () => {
    const m = fitStageLatencyModel(groupProbes([record(0.5, 512, [400, 400, 400])]), 0, encode, new SeededRng(1));
    const post = m.gp?.posterior([encode({ cpu: 0.5, memoryMB: 512 })]);
    expect(post?.mean[0]).toBeCloseTo(Math.log(400) + CPU_BOUND_EXPONENT * Math.log(0.5), 2);
  });

  it('brackets the memory floor and takes the working set from peaks reported below the limit', () => {
    const m = fitStageLatencyModel(
      groupProbes([record(1, 128, [5, 5], [true, true]), record(1, 1024, [10, 10], [false, false], 300), record(1, 256, [10], [false], 256)]),
      0,
      encode,
      new SeededRng(1),
    );
    expect(m.maxOutOfMemoryMB).toBe(128);
    expect(m.minFittingMB).toBe(256);
    expect(m.workingSetMB).toBe(300); // 256 at a 256 MB limit is the limit itself, not the working set
  });
});

describe('fitsInMemory', () => {
  const model = (maxOutOfMemoryMB: number, minFittingMB: number, workingSetMB?: number): StageLatencyModel => ({ gp: undefined, logSd: 0.1, maxOutOfMemoryMB, minFittingMB, workingSetMB });
  it.each([
    ['at the memory that ran out', model(128, 1024), 128, 0],
    ['at the smallest memory that fitted', model(128, 1024), 1024, 1],
    ['at the working set', model(0, 1024, 300), 300, 1],
    ['log-uniform between 128 and 1024 at 362 MB (half way in log)', model(128, 1024), Math.sqrt(128 * 1024), 0.5],
    ['below half the working set', model(0, 1024, 300), 140, 0],
    ['with nothing measured', model(0, Number.POSITIVE_INFINITY), 512, 0.5],
  ])('%s', (_what, m, memoryMB, expected) => {
    expect(fitsInMemory(m, memoryMB, 64)).toBeCloseTo(expected, 12);
  });
});

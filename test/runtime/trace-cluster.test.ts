import { SeededRng } from '../../src/core/rng';
import { PlatformPoolPolicy } from '../../src/runtime/platform-pool-policy';
import { TraceCluster } from '../../src/runtime/trace-cluster';
import { generateArrivals } from '../../src/sim/arrivals';
import { clusterConfig } from '../../src/sim/cluster-config';
import { simulate } from '../../src/sim/simulator';
import type { SimFunction, Workload } from '../../src/sim/workload';
import { ConstantDuration } from '../../src/trace/piecewise-quantile';
import { scheduleOf } from '../support/arrival-rows';

const EPOCH = Date.parse('2024-05-01T00:00:00.000Z');

function workload(counts: number[][], durationMs = 300): Workload {
  const functions: SimFunction[] = counts.map((c, i) => ({ id: `f${i}`, counts: Uint32Array.from(c), memoryMB: 256, cpuCores: 0.5, duration: new ConstantDuration(durationMs) }));
  return { source: 'test', minutes: counts[0].length, functions, durationSource: {}, memorySource: {} };
}

describe('TraceCluster', () => {
  const cluster = clusterConfig({ invokers: 1, stemCellsPerInvoker: 0, coldStartMs: 800, warmStartMs: 5 });

  it('hands back each activation once, in epoch ms, with the init time of a cold start only', () => {
    const w = workload([[1, 1]]);
    const c = new TraceCluster(w, scheduleOf([[1_000, 0, 300], [61_000, 0, 300]]), new PlatformPoolPolicy(), cluster, EPOCH);
    const first = c.advanceTo(1);
    expect(first).toEqual([{ fn: 0, startMs: EPOCH + 1_000, endMs: EPOCH + 1_000 + 800 + 300, waitMs: 0, initTimeMs: 800 }]);
    expect(c.currentMinute).toBe(1);
    const second = c.advanceTo(2);
    expect(second).toEqual([{ fn: 0, startMs: EPOCH + 61_000, endMs: EPOCH + 61_000 + 5 + 300, waitMs: 0, initTimeMs: undefined }]);
    const end = c.finish();
    expect(end.finished).toEqual([]);
    expect(end.result.coldStarts).toBe(1);
    expect(end.result.warmStarts).toBe(1);
    expect(c.epochOfMinute(3)).toBe(EPOCH + 180_000);
  });

  it('an activation still running at a minute boundary is handed back in the step it ends', () => {
    const w = workload([[1, 0]]);
    const c = new TraceCluster(w, scheduleOf([[59_500, 0, 2_000]]), new PlatformPoolPolicy(), cluster, EPOCH);
    expect(c.advanceTo(1)).toEqual([]);
    expect(c.advanceTo(2).map((a) => a.endMs)).toEqual([EPOCH + 59_500 + 800 + 2_000]);
  });

  it('stepped to the end it measures what one simulate() run measures', () => {
    const rng = new SeededRng(3);
    const w = workload(Array.from({ length: 6 }, () => Array.from({ length: 20 }, () => (rng.next() < 0.3 ? rng.int(5) : 0))));
    const sched = generateArrivals(w, new SeededRng(8));
    const c = new TraceCluster(w, sched, new PlatformPoolPolicy(), clusterConfig(), EPOCH);
    let handed = 0;
    for (let m = 1; m <= 20; m++) handed += c.advanceTo(m).length;
    const end = c.finish();
    handed += end.finished.length;
    expect(handed).toBe(sched.count);
    expect(end.result).toEqual(simulate(w, sched, new PlatformPoolPolicy(), clusterConfig()));
  });

  it('refuses to step backwards', () => {
    const c = new TraceCluster(workload([[0, 0, 0]]), scheduleOf([]), new PlatformPoolPolicy(), cluster, EPOCH);
    c.advanceTo(2);
    expect(() => c.advanceTo(1)).toThrow('advanceTo: minute must be an integer >= 2, got 1');
    expect(() => c.advanceTo(2.5)).toThrow('advanceTo: minute must be an integer >= 2, got 2.5');
  });
});

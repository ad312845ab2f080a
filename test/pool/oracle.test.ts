import { SeededRng } from '../../src/core/rng';
import { openWhiskDefaultPolicy } from '../../src/pool/fixed-keep-alive';
import { OraclePolicy } from '../../src/pool/oracle';
import { generateArrivals, type ArrivalSchedule } from '../../src/sim/arrivals';
import { clusterConfig } from '../../src/sim/cluster-config';
import { simulate, StartKind, type SimObserver } from '../../src/sim/simulator';
import type { Workload } from '../../src/sim/workload';
import { PiecewiseQuantile } from '../../src/trace/piecewise-quantile';

const cluster = clusterConfig({ stemCellsPerInvoker: 0 });

function randomWorkload(seed: number): Workload {
  const rng = new SeededRng(seed);
  const functions = Array.from({ length: 40 }, (_, f) => ({
    id: `f${f}`,
    counts: Uint32Array.from({ length: 90 }, () => (rng.next() < 0.4 ? rng.int(1 + (f % 5) * 10) : 0)),
    memoryMB: 256,
    cpuCores: 0.1,
    duration: new PiecewiseQuantile([0, 0.5, 1], [5, 300, 8_000]),
  }));
  return { source: 'test', minutes: 90, functions, durationSource: {}, memorySource: {} };
}

/** Cold starts of activations that arrive after the first load time (earlier ones cannot be prewarmed). */
function coldAfterWarmup(w: Workload, s: ArrivalSchedule, policy: OraclePolicy | ReturnType<typeof openWhiskDefaultPolicy>): number {
  let cold = 0;
  const obs: SimObserver = {
    onStart(act, _fn, kind) {
      if (kind !== StartKind.Warm && s.timeMs[act] >= cluster.prewarmLoadMs + 1) cold++;
    },
    onEnd() {},
    onIdle() {},
    onRemove() {},
  };
  simulate(w, s, policy, cluster, obs);
  return cold;
}

describe('OraclePolicy', () => {
  it('has no cold start after the first load time, where the default has many', () => {
    const w = randomWorkload(5);
    const s = generateArrivals(w, new SeededRng(9));
    expect(s.count).toBeGreaterThan(10_000);
    expect(coldAfterWarmup(w, s, new OraclePolicy(s, w.functions.length, cluster.warmStartMs))).toBe(0);
    expect(coldAfterWarmup(w, s, openWhiskDefaultPolicy())).toBeGreaterThan(100);
  });

  it('holds idle memory only for gaps shorter than a load, or for the load itself', () => {
    // One function, arrivals 10 s apart, 100 ms each: each gap (~9.9 s) exceeds the 800 ms load,
    // so the container is unloaded and a new one loads for 800 ms and waits 1 ms (ORACLE_MARGIN_MS).
    // The first arrival (at 5 s) is prewarmed by the minute-0 tick.
    const arrivals = 20;
    const w: Workload = {
      source: 'test',
      minutes: 4,
      functions: [{ id: 'a', counts: Uint32Array.from([6, 6, 6, 2]), memoryMB: 1024, cpuCores: 0.1, duration: new PiecewiseQuantile([0, 1], [100, 100]) }],
      durationSource: {},
      memorySource: {},
    };
    const s: ArrivalSchedule = {
      count: arrivals,
      timeMs: Float64Array.from({ length: arrivals }, (_, i) => 5_000 + i * 10_000),
      fn: new Int32Array(arrivals),
      durationMs: new Float64Array(arrivals).fill(100),
    };
    const r = simulate(w, s, new OraclePolicy(s, 1, cluster.warmStartMs), cluster);
    expect(r.coldStarts).toBe(0);
    expect(r.prewarmedStarts).toBe(arrivals);
    expect(r.prewarmsUnused).toBe(0);
    // Every arrival: one prewarm x (800 ms loading + 1 ms ready) x 1 GB.
    expect(r.idleMemoryGBs).toBeCloseTo((arrivals * (cluster.prewarmLoadMs + 1)) / 1000, 6);
  });

  it('keeps a container alive through a gap shorter than a load instead of reloading it', () => {
    const w: Workload = {
      source: 'test',
      minutes: 1,
      functions: [{ id: 'a', counts: Uint32Array.from([3]), memoryMB: 1024, cpuCores: 0.1, duration: new PiecewiseQuantile([0, 1], [100, 100]) }],
      durationSource: {},
      memorySource: {},
    };
    const firstEnd = cluster.coldStartMs + 100;
    const s: ArrivalSchedule = {
      count: 3,
      timeMs: Float64Array.from([0, firstEnd + 300, firstEnd + 300 + cluster.warmStartMs + 100 + 500]),
      fn: new Int32Array(3),
      durationMs: Float64Array.from([100, 100, 100]),
    };
    const r = simulate(w, s, new OraclePolicy(s, 1, cluster.warmStartMs), cluster);
    expect(r.warmStarts).toBe(2);
    expect(r.prewarmsOrdered).toBe(0);
    // Idle 300 ms then 500 ms at 1 GB (taken at the arrival, before the 1 ms margin); the last container is unloaded at once.
    expect(r.idleMemoryGBs).toBeCloseTo((300 + 500) / 1000, 6);
  });
});

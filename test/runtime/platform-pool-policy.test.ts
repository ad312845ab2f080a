import { SeededRng } from '../../src/core/rng';
import { fixedKeepAlivePolicy } from '../../src/pool/fixed-keep-alive';
import { PlatformPoolPolicy, PLATFORM_KEEP_ALIVE_MS } from '../../src/runtime/platform-pool-policy';
import { generateArrivals } from '../../src/sim/arrivals';
import { clusterConfig } from '../../src/sim/cluster-config';
import { simulate, startSimulation } from '../../src/sim/simulator';
import type { SimFunction, Workload } from '../../src/sim/workload';
import { ConstantDuration } from '../../src/trace/piecewise-quantile';

function workload(counts: number[][]): Workload {
  const functions: SimFunction[] = counts.map((c, i) => ({ id: `f${i}`, counts: Uint32Array.from(c), memoryMB: 256, cpuCores: 0.5, duration: new ConstantDuration(200) }));
  return { source: 'test', minutes: counts[0].length, functions, durationSource: {}, memorySource: {} };
}

const cluster = clusterConfig({ invokers: 1, stemCellsPerInvoker: 0 });

describe('PlatformPoolPolicy', () => {
  it('without warm-up requests behaves exactly as OpenWhisk\'s 10-minute keep-alive', () => {
    const rng = new SeededRng(5);
    const w = workload(Array.from({ length: 8 }, () => Array.from({ length: 40 }, () => (rng.next() < 0.2 ? rng.int(4) : 0))));
    const sched = generateArrivals(w, new SeededRng(2));
    const ours = simulate(w, sched, new PlatformPoolPolicy(), cluster);
    const stock = simulate(w, sched, fixedKeepAlivePolicy(10), cluster);
    expect(PLATFORM_KEEP_ALIVE_MS).toBe(600_000);
    // Everything but the name and the event count (the platform policy takes minute ticks) is the same.
    expect({ ...ours, policy: '', events: 0 }).toEqual({ ...stock, policy: '', events: 0 });
    expect(ours.coldStarts).toBeGreaterThan(0);
  });

  it('a warm-up request before a minute makes the next arrival warm instead of cold', () => {
    // One arrival in minute 2 of a function never seen before.
    const w = workload([[0, 0, 1, 0]]);
    const sched = generateArrivals(w, new SeededRng(1));
    const cold = simulate(w, sched, new PlatformPoolPolicy(), cluster);
    expect(cold.coldStarts).toBe(1);

    const policy = new PlatformPoolPolicy();
    const run = startSimulation(w, sched, policy, cluster);
    run.runUntil(60_000);
    policy.requestWarmUp(0);
    const warm = run.finish();
    expect(policy.applied).toBe(1);
    expect(warm.prewarmsOrdered).toBe(1);
    expect(warm.coldStarts).toBe(0);
    expect(warm.prewarmedStarts).toBe(1);
  });

  it('warm-ups for a function with idle containers start only the missing ones', () => {
    const w = workload([[1, 0, 0, 0]]);
    const sched = generateArrivals(w, new SeededRng(1));
    const policy = new PlatformPoolPolicy();
    const run = startSimulation(w, sched, policy, cluster);
    run.runUntil(60_000); // the minute-0 activation ran and its container is idle (kept 10 minutes)
    policy.requestWarmUp(0);
    policy.requestWarmUp(0);
    policy.requestWarmUp(0);
    run.finish();
    expect(policy.applied).toBe(2);
  });

  it.each([
    [0, 'keepAliveMs must be a positive finite number of ms, got 0'],
    [Number.NaN, 'keepAliveMs must be a positive finite number of ms, got NaN'],
  ])('rejects keep-alive %p', (ms, message) => {
    expect(() => new PlatformPoolPolicy(ms)).toThrow(message);
  });

  it('names the function of a bad warm-up request', () => {
    const policy = new PlatformPoolPolicy();
    policy.reset({ functionCount: 2, functionIds: ['a', 'b'], memoryMB: new Float64Array(2), prewarmLoadMs: 800, minutes: 1 });
    expect(() => policy.requestWarmUp(2)).toThrow('requestWarmUp: no function 2');
  });
});

import { runKeepaliveBench, type KeepaliveReport } from '../../benchmark/keepalive-bench';
import { SeededRng } from '../../src/core/rng';
import { clusterConfig } from '../../src/sim/cluster-config';
import type { Workload } from '../../src/sim/workload';
import { PiecewiseQuantile } from '../../src/trace/piecewise-quantile';

function workload(): Workload {
  const rng = new SeededRng(21);
  const functions = Array.from({ length: 25 }, (_, f) => ({
    id: `f${f}`,
    counts: Uint32Array.from({ length: 120 }, () => (rng.next() < 0.3 ? rng.int(8) : 0)),
    memoryMB: 256,
    cpuCores: 0.1,
    duration: new PiecewiseQuantile([0, 0.5, 1], [10, 200, 3_000]),
  }));
  return { source: 'unit', minutes: 120, functions, durationSource: { 'per-function': 25 }, memorySource: { 'action-limit': 25 } };
}

/** A fake clock that advances 250 ms per reading. */
function steppingClock(): { nowMs(): number } {
  let t = 0;
  return { nowMs: () => (t += 250) };
}

function run(seed: number, policies: string[]): KeepaliveReport {
  return runKeepaliveBench({
    workload: workload(),
    policies,
    seed,
    cluster: clusterConfig(),
    clock: steppingClock(),
    minuteRange: { start: 0, end: 120 },
    durationsFile: '',
    memoryFile: '',
  });
}

/** The report without its timing fields. */
function withoutTiming(r: KeepaliveReport): unknown {
  return { ...r, simulatedInvocationsPerSecond: 0, policies: r.policies.map((p) => ({ ...p, wallSeconds: 0 })) };
}

describe('runKeepaliveBench', () => {
  it('gives the same report for the same seed in every field but the timing ones', () => {
    const policies = ['hybrid-histogram', 'oracle', 'fixed-5'];
    const a = run(4, policies);
    const b = run(4, policies);
    expect(JSON.stringify(withoutTiming(a))).toBe(JSON.stringify(withoutTiming(b)));
    expect(JSON.stringify(withoutTiming(run(5, policies)))).not.toBe(JSON.stringify(withoutTiming(a)));
  });

  it('always runs openwhisk-default first and measures idle memory against it', () => {
    const r = run(4, ['oracle', 'fixed-30']);
    expect(r.policies.map((p) => p.name)).toEqual(['openwhisk-default', 'oracle', 'fixed-30']);
    const [def, oracle, fixed30] = r.policies;
    expect(def.idleMemoryVsDefault).toBe(1);
    expect(oracle.idleMemoryVsDefault).toBeCloseTo(oracle.idleMemoryGBs / def.idleMemoryGBs, 12);
    // A longer keep-alive holds more idle memory and never more cold starts on the same arrivals.
    expect(fixed30.idleMemoryGBs).toBeGreaterThan(def.idleMemoryGBs);
    expect(fixed30.coldStarts).toBeLessThanOrEqual(def.coldStarts);
    expect(oracle.coldStarts).toBeLessThan(def.coldStarts);
  });

  it('fills every field of the keepalive.json contract consistently', () => {
    const r = run(4, ['openwhisk-default']);
    const total = workload().functions.reduce((s, f) => s + f.counts.reduce((a, b) => a + b, 0), 0);
    expect(r.trace).toEqual({
      source: 'unit',
      functions: 25,
      minutes: { start: 0, end: 120 },
      invocations: total,
      durationSource: { 'per-function': 25 },
      memorySource: { 'action-limit': 25 },
      durationsFile: '',
      memoryFile: '',
    });
    expect(r.seed).toBe(4);
    const [p] = r.policies;
    expect(p.invocations).toBe(total);
    expect(p.coldStartRate).toBeCloseTo(p.coldStarts / total, 12);
    expect(p.coldStarts).toBe(p.fullColdStarts + p.stemCellStarts);
    expect(p.warmStarts + p.coldStarts).toBe(total);
    expect(p.functionColdStartRate.p50).toBeLessThanOrEqual(p.functionColdStartRate.p75);
    expect(p.functionColdStartRate.p75).toBeLessThanOrEqual(p.functionColdStartRate.p99);
    // One policy, one clock step of 250 ms around its simulation.
    expect(p.wallSeconds).toBe(0.25);
    expect(r.simulatedInvocationsPerSecond).toBe(total / 0.25);
  });

  it('rejects an unknown policy before simulating anything', () => {
    expect(() => run(1, ['oracle', 'lru'])).toThrow('unknown policy "lru"; known: openwhisk-default, hybrid-histogram, oracle, fixed-<minutes>');
  });
});

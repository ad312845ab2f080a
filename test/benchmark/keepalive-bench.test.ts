import { runKeepaliveBench, type KeepaliveBenchInput, type KeepaliveReport } from '../../benchmark/keepalive-bench';
import { keepaliveMarkdown } from '../../benchmark/report/keepalive-table';
import { SeededRng } from '../../src/core/rng';
import { clusterConfig } from '../../src/sim/cluster-config';
import type { Workload } from '../../src/sim/workload';
import { PiecewiseQuantile } from '../../src/trace/piecewise-quantile';
import { FakeForecaster } from '../support/fake-forecasters';

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

function run(seed: number, policies: string[], extra: Partial<KeepaliveBenchInput> = {}): KeepaliveReport {
  return runKeepaliveBench({
    workload: workload(),
    policies,
    seed,
    cluster: clusterConfig(),
    clock: steppingClock(),
    minuteRange: { start: 0, end: 120 },
    durationsFile: '',
    memoryFile: '',
    ...extra,
  });
}

/**
 * A forecaster whose quantiles depend on the tick's random draw: mean of the window
 * x (0.5 + q) x (1 + draw), so results show whether each tick's generator is the same.
 */
function noisyMeanForecaster(): FakeForecaster {
  return new FakeForecaster('fake-noisy-mean', 8, (c, _s, q, draw) => {
    let total = 0;
    for (const v of c) total += v;
    return (total / c.length) * (q === null ? 1 : 0.5 + q) * (1 + draw);
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
    // The activity classes partition the functions, invocations, cold starts and idle memory.
    expect(p.byActivity.map((c) => c.label)).toEqual(['0', '1', '2-5', '6-20', '21-60', '61-200', '201-1000', '1001+']);
    const sum = (k: 'functions' | 'invocations' | 'coldStarts' | 'idleMemoryGBs'): number => p.byActivity.reduce((s, c) => s + c[k], 0);
    expect(sum('functions')).toBe(25);
    expect(sum('invocations')).toBe(total);
    expect(sum('coldStarts')).toBe(p.coldStarts);
    expect(sum('idleMemoryGBs')).toBeCloseTo(p.idleMemoryGBs, 6);
    const perFunction = workload().functions.map((f) => f.counts.reduce((a, b) => a + b, 0));
    expect(p.byActivity[5].functions).toBe(perFunction.filter((n) => n >= 61 && n <= 200).length);
    expect(p.byActivity[5].functions).toBeGreaterThan(0);
    // One policy, one clock step of 250 ms around its simulation.
    expect(p.wallSeconds).toBe(0.25);
    expect(r.simulatedInvocationsPerSecond).toBe(total / 0.25);
  });

  it('rejects an unknown policy before simulating anything', () => {
    expect(() => run(1, ['oracle', 'lru'])).toThrow('unknown policy "lru"; known: openwhisk-default, hybrid-histogram, oracle, fixed-<minutes>, aquatope@<risk>[/<headroomRisk>], aquatope-worth@<GB-s>');
  });

  it('runs aquatope at several risk levels on one forecast per minute and renders their rows', () => {
    const forecaster = noisyMeanForecaster();
    const r = run(4, ['aquatope@0.5', 'aquatope@0.9', 'aquatope@0.99'], { forecaster });
    expect(r.policies.map((p) => p.name)).toEqual(['openwhisk-default', 'aquatope@0.5', 'aquatope@0.9', 'aquatope@0.99']);
    // Minutes 8..119 have a full 8-minute window (no pre-run history): one call each, for all three policies.
    expect(forecaster.calls).toHaveLength(112);
    expect(forecaster.calls[0].endMinutes[0]).toBe(8);
    const [, low, mid, high] = r.policies;
    expect(high.prewarmsOrdered).toBeGreaterThanOrEqual(mid.prewarmsOrdered);
    expect(mid.prewarmsOrdered).toBeGreaterThanOrEqual(low.prewarmsOrdered);
    expect(high.coldStarts).toBeLessThan(low.coldStarts);
    const md = keepaliveMarkdown(r);
    for (const p of r.policies) expect(md).toContain(`| ${p.name} | ${p.coldStarts.toLocaleString('en-US')} | `);
  });

  it('gives an aquatope policy the same row whether it runs alone or after other risk levels', () => {
    const alone = run(4, ['aquatope@0.9'], { forecaster: noisyMeanForecaster(), forecastSeed: 11 });
    const together = run(4, ['aquatope@0.99', 'fixed-5', 'aquatope@0.9'], { forecaster: noisyMeanForecaster(), forecastSeed: 11 });
    const row = (r: KeepaliveReport): unknown => ({ ...r.policies.find((p) => p.name === 'aquatope@0.9'), wallSeconds: 0 });
    expect(row(together)).toEqual(row(alone));
    const otherSeed = run(4, ['aquatope@0.9'], { forecaster: noisyMeanForecaster(), forecastSeed: 12 });
    expect(row(otherSeed)).not.toEqual(row(alone));
  });

  it('starts forecasting at minute 0 from the pre-run history, with time features from originMinute', () => {
    const forecaster = noisyMeanForecaster();
    const history = Array.from({ length: 25 }, (_, f) => Uint32Array.from({ length: 8 }, (_, i) => (f + i) % 3));
    run(4, ['aquatope@0.9'], { forecaster, history, originMinute: 1_440 + 60 });
    expect(forecaster.calls).toHaveLength(120);
    expect(forecaster.calls[0].endMinutes).toEqual(new Array(25).fill(1_500));
    expect(forecaster.calls[0].counts[2]).toEqual([2, 0, 1, 2, 0, 1, 2, 0]);
  });

  const rejected: [string, Partial<KeepaliveBenchInput>, string][] = [
    ['an aquatope policy without a forecaster', { policies: ['fixed-5', 'aquatope@0.9'] }, 'policy "aquatope@0.9" needs a forecaster, and none was given'],
    [
      'a history of the wrong number of functions',
      { policies: ['aquatope@0.9'], forecaster: noisyMeanForecaster(), history: [new Uint32Array(8)] },
      'keepalive bench: history has 1 functions, the workload has 25',
    ],
  ];
  it.each(rejected)('rejects %s before simulating anything', (_what, extra, message) => {
    const progress: string[] = [];
    expect(() => run(1, [], { ...extra, onProgress: (_d, _t, p) => progress.push(p) })).toThrow(message);
    expect(progress).toEqual([]);
  });
});

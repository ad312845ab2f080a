import { SeededRng } from '../../src/core/rng';
import { fixedKeepAlivePolicy } from '../../src/pool/fixed-keep-alive';
import { hybridHistogramPolicy } from '../../src/pool/hybrid-histogram';
import { OraclePolicy } from '../../src/pool/oracle';
import { generateArrivals, type ArrivalSchedule } from '../../src/sim/arrivals';
import { clusterConfig, type ClusterConfig } from '../../src/sim/cluster-config';
import type { PolicyContext, PoolControl, PoolPolicy } from '../../src/sim/policy';
import { simulate, startSimulation, StartKind, type RemovalReason, type SimObserver } from '../../src/sim/simulator';
import type { SimFunction, Workload } from '../../src/sim/workload';
import { ConstantDuration, PiecewiseQuantile } from '../../src/trace/piecewise-quantile';
import { scheduleOf } from '../support/arrival-rows';

function fn(id: string, counts: number[], memoryMB = 256, durationMs = 100, cpuCores = 0.125): SimFunction {
  return { id, counts: Uint32Array.from(counts), memoryMB, cpuCores, duration: new ConstantDuration(durationMs) };
}

function workload(functions: SimFunction[], minutes = functions[0].counts.length): Workload {
  return { source: 'test', minutes, functions, durationSource: {}, memorySource: {} };
}

/** A cluster without stem cells, so every start is either warm or a full cold start. */
function bareCluster(overrides: Partial<ClusterConfig> = {}): ClusterConfig {
  return clusterConfig({ stemCellsPerInvoker: 0, invokers: 1, ...overrides });
}

interface Removal {
  container: number;
  fn: number;
  reason: RemovalReason;
  at: number;
  idleSince: number;
}

/** Records everything, and checks the cold-start rule against its own model of idle containers. */
class Recorder implements SimObserver {
  starts = new Map<number, number>();
  ends = new Map<number, number>();
  kinds: StartKind[] = [];
  startTimes: number[] = [];
  endTimes: number[] = [];
  removals: Removal[] = [];
  idle = new Map<number, Set<number>>();
  violations: string[] = [];

  onStart(act: number, fn: number, kind: StartKind, container: number, _inv: number, now: number): void {
    this.starts.set(act, (this.starts.get(act) ?? 0) + 1);
    this.kinds[act] = kind;
    this.startTimes[act] = now;
    const idle = this.idle.get(fn) ?? new Set<number>();
    if (kind === StartKind.Warm) {
      if (!idle.has(container)) this.violations.push(`act ${act}: warm start on container ${container} that was not idle`);
      idle.delete(container);
    } else if (idle.size > 0) {
      this.violations.push(`act ${act}: ${StartKind[kind]} start while fn ${fn} had ${idle.size} idle containers`);
    }
  }
  onEnd(act: number, _fn: number, _c: number, now: number): void {
    this.ends.set(act, (this.ends.get(act) ?? 0) + 1);
    this.endTimes[act] = now;
  }
  onIdle(container: number, fn: number): void {
    const set = this.idle.get(fn) ?? new Set<number>();
    set.add(container);
    this.idle.set(fn, set);
  }
  onRemove(container: number, fn: number, _inv: number, reason: RemovalReason, at: number, idleSince: number): void {
    this.idle.get(fn)?.delete(container);
    this.removals.push({ container, fn, reason, at, idleSince });
  }
}

describe('simulate', () => {
  const cluster = bareCluster();

  it('completes every arrival exactly once, under queueing, eviction and prewarming', () => {
    const rng = new SeededRng(7);
    const fns: SimFunction[] = [];
    for (let f = 0; f < 30; f++) {
      const counts = Array.from({ length: 60 }, () => (rng.next() < 0.3 ? rng.int(20) : 0));
      fns.push({
        id: `f${f}`,
        counts: Uint32Array.from(counts),
        memoryMB: 128 + 128 * rng.int(4),
        cpuCores: 0.5,
        duration: new PiecewiseQuantile([0, 0.5, 1], [10, 500, 20_000]),
      });
    }
    const w = workload(fns);
    const sched = generateArrivals(w, new SeededRng(1));
    // A tight cluster: 2 invokers of 2 GB, 2 cores each, so activations queue and idle containers get evicted.
    const tight = clusterConfig({ invokers: 2, invokerMemoryMB: 2048, invokerCores: 2, stemCellsPerInvoker: 1 });
    for (const policy of [fixedKeepAlivePolicy(10), hybridHistogramPolicy(), new OraclePolicy(sched, fns.length, tight.warmStartMs)]) {
      const rec = new Recorder();
      const r = simulate(w, sched, policy, tight, rec);
      expect(r.invocations).toBe(sched.count);
      expect(r.completed).toBe(sched.count);
      expect(rec.starts.size).toBe(sched.count);
      expect(rec.ends.size).toBe(sched.count);
      expect([...rec.starts.values()].every((n) => n === 1)).toBe(true);
      expect([...rec.ends.values()].every((n) => n === 1)).toBe(true);
      expect(r.warmStarts + r.coldStarts).toBe(sched.count);
      expect(rec.violations).toEqual([]);
      // Per-function idle memory adds up to the total, under eviction and prewarm loading too.
      expect(r.idleMemoryGBs).toBeGreaterThan(0);
      expect(r.idleMemoryGBsByFunction.reduce((a, b) => a + b, 0)).toBeCloseTo(r.idleMemoryGBs, 6);
      if (policy.name === 'fixed-10') {
        // The workload really exercises the queue and eviction paths.
        expect(r.queued).toBeGreaterThan(0);
        expect(r.evictions).toBeGreaterThan(0);
      }
    }
  });

  it('starts cold exactly when the function has no idle container, and warm otherwise', () => {
    // fn 0 at 0 and 30 s (container idle, warm), fn 1 at 10 s (other function: cold),
    // fn 0 twice at 200 s while its one container is busy (the second is cold).
    const w = workload([fn('a', [3, 0, 0, 0]), fn('b', [1, 0, 0, 0])]);
    const s = scheduleOf([
      [0, 0, 100],
      [10_000, 1, 100],
      [30_000, 0, 100],
      [200_000, 0, 5_000],
      [200_001, 0, 100],
    ]);
    const rec = new Recorder();
    const r = simulate(w, s, fixedKeepAlivePolicy(10), cluster, rec);
    expect(rec.kinds).toEqual([StartKind.Cold, StartKind.Cold, StartKind.Warm, StartKind.Warm, StartKind.Cold]);
    expect(r.coldStarts).toBe(3);
    expect(Array.from(r.coldStartsByFunction)).toEqual([2, 1]);
    expect(Array.from(r.invocationsByFunction)).toEqual([4, 1]);
    expect(rec.violations).toEqual([]);
  });

  it('expires an idle container exactly at its keep-alive and counts its idle memory', () => {
    const w = workload([fn('a', [2, 0, 0, 0, 0], 512)]);
    const s = scheduleOf([
      [0, 0, 100],
      [240_000, 0, 100],
    ]);
    const rec = new Recorder();
    const r = simulate(w, s, fixedKeepAlivePolicy(1), cluster, rec);
    const firstEnd = cluster.coldStartMs + 100;
    expect(rec.endTimes[0]).toBe(firstEnd);
    expect(rec.removals[0]).toEqual({ container: 0, fn: 0, reason: 'expired', at: firstEnd + 60_000, idleSince: firstEnd });
    expect(rec.kinds).toEqual([StartKind.Cold, StartKind.Cold]);
    // The second container would expire after the run's end (300 s): idle accounting stops there.
    expect(r.expirations).toBe(1);
    const secondEnd = 240_000 + cluster.coldStartMs + 100;
    expect(r.simulatedMs).toBe(300_000);
    expect(r.idleMemoryGBs).toBeCloseTo(((60_000 + (300_000 - secondEnd)) / 1000) * 0.5, 9);
    expect(Array.from(r.idleMemoryGBsByFunction)).toEqual([r.idleMemoryGBs]);
  });

  it('splits idle memory by function: each function holds its own containers at its own memory', () => {
    // a (512 MB) idles 60 s after its run; b (1024 MB) idles 60 s after each of two runs.
    const w = workload([fn('a', [1, 0, 0, 0, 0], 512), fn('b', [1, 0, 0, 1, 0], 1024)]);
    const s = scheduleOf([
      [0, 0, 100],
      [1_000, 1, 100],
      [180_000, 1, 100],
    ]);
    const r = simulate(w, s, fixedKeepAlivePolicy(1), cluster);
    expect(r.expirations).toBe(3);
    expect(r.idleMemoryGBsByFunction[0]).toBeCloseTo(60 * 0.5, 9);
    expect(r.idleMemoryGBsByFunction[1]).toBeCloseTo(2 * 60 * 1, 9);
    expect(r.idleMemoryGBs).toBeCloseTo(60 * 0.5 + 120, 9);
  });

  it('evicts the oldest idle container on the invoker first when memory runs out', () => {
    // One invoker with room for three 256 MB containers.
    const small = bareCluster({ invokerMemoryMB: 768 });
    const w = workload(['a', 'b', 'c', 'd', 'e'].map((id) => fn(id, [1])));
    const s = scheduleOf([
      [0, 0, 100],
      [1_000, 1, 100],
      [2_000, 2, 100],
      [10_000, 3, 100],
      [11_000, 4, 100],
    ]);
    const rec = new Recorder();
    const r = simulate(w, s, fixedKeepAlivePolicy(30), small, rec);
    const evicted = rec.removals.filter((x) => x.reason === 'evicted');
    expect(evicted.map((x) => [x.fn, x.at])).toEqual([
      [0, 10_000],
      [1, 11_000],
    ]);
    expect(r.evictions).toBe(2);
    expect(r.queued).toBe(0);
  });

  it('queues an activation when nothing fits and starts it when a container frees', () => {
    const tiny = bareCluster({ invokerMemoryMB: 256 });
    const w = workload([fn('a', [2], 256), fn('b', [1], 256)]);
    const s = scheduleOf([
      [0, 0, 10_000],
      [100, 1, 100],
      [200, 0, 100],
    ]);
    const rec = new Recorder();
    const r = simulate(w, s, fixedKeepAlivePolicy(10), tiny, rec);
    const firstEnd = tiny.coldStartMs + 10_000;
    // b waits for a's container to free, evicts it (idle) and starts cold; the second a waits behind b (FIFO).
    expect(rec.startTimes[1]).toBe(firstEnd);
    expect(rec.kinds[1]).toBe(StartKind.Cold);
    expect(rec.startTimes[2]).toBe(firstEnd + tiny.coldStartMs + 100);
    expect(r.queued).toBe(2);
    expect(r.maxQueueWaitMs).toBe(firstEnd + tiny.coldStartMs + 100 - 200);
    expect(r.completed).toBe(3);
  });

  it('uses a stem cell only for an action whose memory matches it, then replaces the stem cell', () => {
    const withStem = clusterConfig({ invokers: 1, stemCellsPerInvoker: 1 });
    const w = workload([fn('a', [1], 256), fn('b', [1], 512), fn('c', [1], 256)]);
    const s = scheduleOf([
      [0, 0, 100],
      [100, 1, 100],
      [200, 2, 100],
      [60_000 - 1, 2, 100],
    ]);
    const rec = new Recorder();
    const r = simulate(w, s, fixedKeepAlivePolicy(0.001), withStem, rec);
    // a takes the stem cell; b (512 MB) cannot; c arrives before the replacement is ready (700 ms).
    expect(rec.kinds.slice(0, 3)).toEqual([StartKind.StemCell, StartKind.Cold, StartKind.Cold]);
    expect(rec.kinds[3]).toBe(StartKind.StemCell);
    expect(rec.startTimes[0]).toBe(0);
    expect(rec.endTimes[0]).toBe(withStem.stemCellStartMs + 100);
    expect(r.stemCellStarts).toBe(2);
    expect(r.coldStarts).toBe(4);
  });

  it('slows running activations down when an invoker runs more CPU than it has', () => {
    const oneCore = bareCluster({ invokerCores: 1 });
    const w = workload([fn('a', [1], 256, 1000, 1), fn('b', [1], 256, 1000, 1)]);
    const s = scheduleOf([
      [0, 0, 1000],
      [0, 1, 1000],
    ]);
    const rec = new Recorder();
    simulate(w, s, fixedKeepAlivePolicy(1), oneCore, rec);
    expect(rec.endTimes[0]).toBe(oneCore.coldStartMs + 1000);
    expect(rec.endTimes[1]).toBe(oneCore.coldStartMs + 2000);
  });

  it('passes each ended activation\'s run time to the policy: its duration times the CPU slow-down at its start, start latency excluded', () => {
    /** Records (fn, end time, run time) of every end; keeps containers 1 minute. */
    class DurationSpy implements PoolPolicy {
      readonly name = 'test-durations';
      readonly wantsMinuteTicks = false;
      readonly ends: [number, number, number][] = [];
      reset(): void {}
      onArrival(): void {}
      onInvocationEnd(f: number, now: number, _control: PoolControl, durationMs: number): number {
        this.ends.push([f, now, durationMs]);
        return 60_000;
      }
      onMinute(): void {}
    }
    const oneCore = bareCluster({ invokerCores: 1 });
    const w = workload([fn('a', [3], 256, 1000, 1), fn('b', [1], 256, 1000, 1)]);
    // a at 0 (cold, alone: full speed); b at 0 (cold, 2 cores busy on 1: slowed down x2);
    // a at 10 s and 20 s (warm, alone: full speed).
    const s = scheduleOf([
      [0, 0, 300],
      [0, 1, 1000],
      [10_000, 0, 250],
      [20_000, 0, 40],
    ]);
    const spy = new DurationSpy();
    simulate(w, s, spy, oneCore, null);
    expect(spy.ends).toEqual([
      [0, oneCore.coldStartMs + 300, 300],
      [1, oneCore.coldStartMs + 2000, 2000],
      [0, 10_000 + oneCore.warmStartMs + 250, 250],
      [0, 20_000 + oneCore.warmStartMs + 40, 40],
    ]);
  });

  it('serves an arrival warm from a policy prewarm and counts prewarms that expire unused', () => {
    /** Unloads every container; prewarms one ready 5 s after each end; cancels when told to. */
    class PrewarmAfterEnd implements PoolPolicy {
      readonly name = 'test-prewarm';
      readonly wantsMinuteTicks = true;
      private loadMs = 0;
      reset(ctx: PolicyContext): void {
        this.loadMs = ctx.prewarmLoadMs;
      }
      onArrival(): void {}
      onInvocationEnd(f: number, _now: number, control: PoolControl): number {
        control.prewarm(f, 1, 5_000 - this.loadMs, 1_000);
        return 0;
      }
      onMinute(minute: number, _now: number, control: PoolControl): void {
        if (minute === 1) control.cancelPrewarms(0);
      }
    }
    const w = workload([fn('a', [2, 1, 0])]);
    const firstEnd = cluster.coldStartMs + 100;
    const secondEnd = firstEnd + 5_500 + cluster.warmStartMs + 100;
    // Arrival 1 finds the prewarm ordered by the first end ready (5 s after it, kept 1 s): warm.
    // The second end's prewarm starts loading before the minute-1 tick and is not cancelled by it;
    // it expires unused. Arrival 2 in minute 1 is cold: the prewarm is long gone. The third end's
    // prewarm expires unused too.
    const s = scheduleOf([
      [0, 0, 100],
      [firstEnd + 5_500, 0, 100],
      [60_000 + 100, 0, 100],
    ]);
    expect(secondEnd + 5_000 - cluster.prewarmLoadMs).toBeLessThan(60_000);
    const rec = new Recorder();
    const r = simulate(w, s, new PrewarmAfterEnd(), cluster, rec);
    expect(rec.kinds).toEqual([StartKind.Cold, StartKind.Warm, StartKind.Cold]);
    expect(r.prewarmedStarts).toBe(1);
    expect(r.prewarmsOrdered).toBe(3);
    expect(r.prewarmsCancelled).toBe(0);
    expect(r.prewarmsUnused).toBe(2);
    expect(rec.violations).toEqual([]);
  });

  it('keeps the idle containers that keepIdle counts until its time, latest-expiring first, and never shortens one', () => {
    /** Two concurrent runs kept 70 s and 90 s; at minute 1: one kept to 150 s, then two to 100 s, then two to 10 s. */
    class KeepAtMinuteOne implements PoolPolicy {
      readonly name = 'test-keep';
      readonly wantsMinuteTicks = true;
      private ends = 0;
      reset(): void {}
      onArrival(): void {}
      onInvocationEnd(): number {
        return this.ends++ === 0 ? 70_000 : 90_000;
      }
      onMinute(minute: number, _now: number, control: PoolControl): void {
        if (minute !== 1) return;
        control.keepIdle(0, 1, 150_000);
        control.keepIdle(0, 2, 100_000);
        control.keepIdle(0, 2, 10_000);
      }
    }
    const w = workload([fn('a', [2, 0, 0, 0])]);
    const rec = new Recorder();
    const r = simulate(
      w,
      scheduleOf([
        [0, 0, 100],
        [0, 0, 100],
      ]),
      new KeepAtMinuteOne(),
      cluster,
      rec,
    );
    const end = cluster.coldStartMs + 100;
    expect(rec.removals.map((x) => [x.reason, x.at, x.idleSince])).toEqual([
      ['expired', 100_000, end],
      ['expired', 150_000, end],
    ]);
    expect(r.idleMemoryGBs).toBeCloseTo(((100_000 - end + 150_000 - end) / 1000) * 0.25, 9);
  });

  it.each([
    ['an unknown function', 3, 1, 1_000, 'keepIdle: no function 3'],
    ['a negative count', 0, -1, 1_000, 'keepIdle: count must be a finite number >= 0, got -1'],
    ['a count that is not a number', 0, Number.NaN, 1_000, 'keepIdle: count must be a finite number >= 0, got NaN'],
    ['a time that is not finite', 0, 1, Number.POSITIVE_INFINITY, 'keepIdle: untilMs must be a finite number of ms, got Infinity'],
  ])('rejects keepIdle with %s, naming the value', (_what, f, count, untilMs, message) => {
    const policy: PoolPolicy = {
      name: 'test-bad-keep',
      wantsMinuteTicks: true,
      reset: () => undefined,
      onArrival: () => undefined,
      onInvocationEnd: () => 0,
      onMinute: (_m, _now, control) => control.keepIdle(f, count, untilMs),
    };
    expect(() => simulate(workload([fn('a', [0])]), scheduleOf([]), policy, cluster, null)).toThrow(message);
  });

  it('drops a prewarm order cancelled before it starts loading', () => {
    /** Orders a prewarm 2 minutes ahead at minute 0 and cancels it at minute 1. */
    class OrderThenCancel implements PoolPolicy {
      readonly name = 'test-cancel';
      readonly wantsMinuteTicks = true;
      reset(): void {}
      onArrival(): void {}
      onInvocationEnd(): number {
        return 0;
      }
      onMinute(minute: number, _now: number, control: PoolControl): void {
        if (minute === 0) control.prewarm(0, 2, 120_000, 60_000);
        if (minute === 1) control.cancelPrewarms(0);
      }
    }
    const w = workload([fn('a', [0, 0, 1, 0])]);
    const rec = new Recorder();
    const r = simulate(w, scheduleOf([[150_000, 0, 100]]), new OrderThenCancel(), cluster, rec);
    expect(r.prewarmsOrdered).toBe(2);
    expect(r.prewarmsCancelled).toBe(2);
    expect(rec.kinds).toEqual([StartKind.Cold]);
    expect(r.idleMemoryGBs).toBe(0);
  });

  it('gives identical results for the same seed and different ones for another seed', () => {
    const rng = new SeededRng(3);
    const fns = Array.from({ length: 20 }, (_, f) =>
      fn(`f${f}`, Array.from({ length: 30 }, () => rng.int(5)), 256, 50 + 50 * (f % 7)),
    );
    const w = workload(fns);
    const run = (seed: number): string => {
      const sched = generateArrivals(w, new SeededRng(seed));
      const r = simulate(w, sched, hybridHistogramPolicy(), clusterConfig(), null);
      return JSON.stringify({ ...r, invocationsByFunction: Array.from(r.invocationsByFunction), coldStartsByFunction: Array.from(r.coldStartsByFunction) });
    };
    expect(run(11)).toBe(run(11));
    expect(run(11)).not.toBe(run(12));
  });

  it('rejects a function that needs more memory than an invoker has', () => {
    const w = workload([fn('huge', [1], 4096)]);
    expect(() => simulate(w, scheduleOf([[0, 0, 1]]), fixedKeepAlivePolicy(1), bareCluster({ invokerMemoryMB: 2048 }))).toThrow(
      'simulate: function huge needs 4096 MB, an invoker has 2048 MB',
    );
  });
});

describe('startSimulation (stepped)', () => {
  function busyWorkload(): { w: Workload; sched: ArrivalSchedule } {
    const rng = new SeededRng(9);
    const fns: SimFunction[] = [];
    for (let f = 0; f < 20; f++) {
      const counts = Array.from({ length: 30 }, () => (rng.next() < 0.4 ? rng.int(15) : 0));
      fns.push({ id: `g${f}`, counts: Uint32Array.from(counts), memoryMB: 256, cpuCores: 0.5, duration: new PiecewiseQuantile([0, 0.5, 1], [10, 800, 90_000]) });
    }
    const w = workload(fns);
    return { w, sched: generateArrivals(w, new SeededRng(3)) };
  }

  test.each([
    ['one-minute steps', 60_000],
    ['uneven 37-second steps', 37_000],
  ])('stepping in %s gives exactly the result of one simulate() call', (_label, stepMs) => {
    const { w, sched } = busyWorkload();
    const cluster = clusterConfig({ invokers: 2, invokerMemoryMB: 2048, invokerCores: 2, stemCellsPerInvoker: 1 });
    const whole = simulate(w, sched, hybridHistogramPolicy(), cluster);
    const stepped = startSimulation(w, sched, hybridHistogramPolicy(), cluster);
    let steps = 0;
    for (let t = stepMs; stepped.runUntil(t); t += stepMs) steps++;
    const result = stepped.finish();
    expect(steps).toBeGreaterThan(25);
    expect(result).toEqual(whole);
    expect(result.completed).toBe(sched.count);
  });

  test('a step processes only events before its limit', () => {
    const w = workload([fn('a', [2, 0, 0])]);
    const sched = scheduleOf([[1_000, 0, 100], [70_000, 0, 100]]);
    const rec = new Recorder();
    const run = startSimulation(w, sched, fixedKeepAlivePolicy(10), bareCluster(), rec);
    expect(run.runUntil(60_000)).toBe(true);
    expect(rec.starts.size).toBe(1);
    expect(rec.ends.size).toBe(1);
    // The second activation ends at 70.1 s; what is left (its container's expiry at 670.1 s) is past the 3-minute horizon.
    expect(run.runUntil(120_000)).toBe(false);
    expect(rec.starts.size).toBe(2);
    const r = run.finish();
    expect(r.coldStarts).toBe(1);
    expect(r.warmStarts).toBe(1);
    expect(() => run.runUntil(200_000)).toThrow('runUntil: the simulation is not running');
  });
});

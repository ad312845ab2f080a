import { SeededRng } from '../../src/core/rng';
import {
  AQUATOPE_DEFAULT_DURATION_MS,
  AQUATOPE_FALLBACK_KEEP_ALIVE_MS,
  AQUATOPE_EXCESS_KEEP_ALIVE_MS,
  AquatopePolicy,
  aquatopePolicy,
  type AquatopeOptions,
} from '../../src/pool/aquatope';
import { openWhiskDefaultPolicy } from '../../src/pool/fixed-keep-alive';
import { ForecastMemo } from '../../src/pool/forecast-memo';
import { generateArrivals, type ArrivalSchedule } from '../../src/sim/arrivals';
import { clusterConfig } from '../../src/sim/cluster-config';
import { MINUTE_MS, type PolicyContext, type PoolControl } from '../../src/sim/policy';
import { simulate } from '../../src/sim/simulator';
import type { Workload } from '../../src/sim/workload';
import { ConstantDuration, PiecewiseQuantile } from '../../src/trace/piecewise-quantile';
import { FakeForecaster, lastValueForecaster, seasonalForecaster, stepForecaster } from '../support/fake-forecasters';

const WINDOW = 5;
const LOAD_MS = 800;

class RecordingControl implements PoolControl {
  readonly prewarms: [number, number, number, number][] = [];
  readonly cancels: number[] = [];
  readonly keeps: [number, number, number][] = [];
  /** What idleOrLoading answers, per function (0 when unset). */
  readonly idle: number[] = [];
  prewarm(fn: number, count: number, delayMs: number, keepAliveMs: number): void {
    this.prewarms.push([fn, count, delayMs, keepAliveMs]);
  }
  cancelPrewarms(fn: number): void {
    this.cancels.push(fn);
  }
  idleOrLoading(fn: number): number {
    return this.idle[fn] ?? 0;
  }
  keepIdle(fn: number, count: number, untilMs: number): void {
    this.keeps.push([fn, count, untilMs]);
  }
}

function context(functionCount: number, minutes: number, prewarmLoadMs = LOAD_MS): PolicyContext {
  return {
    functionCount,
    functionIds: Array.from({ length: functionCount }, (_, i) => `f${i}`),
    memoryMB: new Float64Array(functionCount).fill(256),
    prewarmLoadMs,
    minutes,
  };
}

function build(risk: number, forecaster: FakeForecaster, options: Partial<AquatopeOptions> = {}): AquatopePolicy {
  return aquatopePolicy({ risk, memo: new ForecastMemo(forecaster, 1), ...options });
}

/** Runs the ticks of minutes [from, to) at their start times. */
function ticks(policy: AquatopePolicy, control: PoolControl, from: number, to: number): void {
  for (let m = from; m < to; m++) policy.onMinute(m, m * MINUTE_MS, control);
}

/** Per function, the schedule's arrivals in each minute. */
function countsOf(s: ArrivalSchedule, functionCount: number, minutes: number): number[][] {
  const counts = Array.from({ length: functionCount }, () => new Array<number>(minutes).fill(0));
  for (let i = 0; i < s.count; i++) counts[s.fn[i]][Math.floor(s.timeMs[i] / MINUTE_MS)]++;
  return counts;
}

describe('aquatopePolicy options', () => {
  it.each([
    [0.5, 'aquatope@0.5'],
    [0.9, 'aquatope@0.9'],
    [0.999, 'aquatope@0.999'],
  ])('risk %p gives a policy named %s that asks for minute ticks', (risk, name) => {
    const p = build(risk, lastValueForecaster(WINDOW));
    expect(p.name).toBe(name);
    expect(p.wantsMinuteTicks).toBe(true);
    expect(p.headroomRisk).toBe(risk);
  });

  it.each([
    [0.99, 0.99999, 'aquatope@0.99/0.99999'],
    [0.99, 0.99, 'aquatope@0.99'],
  ])('risk %p with headroom risk %p gives a policy named %s', (risk, headroomRisk, name) => {
    const p = build(risk, lastValueForecaster(WINDOW), { headroomRisk });
    expect([p.name, p.risk, p.headroomRisk]).toEqual([name, risk, headroomRisk]);
  });

  it.each([
    [{ risk: 0 }, 'aquatope: risk must be strictly between 0 and 1, got 0'],
    [{ risk: 1 }, 'aquatope: risk must be strictly between 0 and 1, got 1'],
    [{ risk: -0.5 }, 'aquatope: risk must be strictly between 0 and 1, got -0.5'],
    [{ risk: 1.5 }, 'aquatope: risk must be strictly between 0 and 1, got 1.5'],
    [{ risk: Number.NaN }, 'aquatope: risk must be strictly between 0 and 1, got NaN'],
    [{ risk: Number.POSITIVE_INFINITY }, 'aquatope: risk must be strictly between 0 and 1, got Infinity'],
    [{ risk: 0.9, headroomRisk: 0 }, 'aquatope: headroomRisk must be strictly between 0 and 1, got 0'],
    [{ risk: 0.9, headroomRisk: 1 }, 'aquatope: headroomRisk must be strictly between 0 and 1, got 1'],
    [{ risk: 0.9, headroomRisk: Number.NaN }, 'aquatope: headroomRisk must be strictly between 0 and 1, got NaN'],
    [{ risk: 0.5, coldStartWorthGBs: 0 }, 'aquatope: coldStartWorthGBs must be a finite number > 0, got 0'],
    [{ risk: 0.5, coldStartWorthGBs: -300 }, 'aquatope: coldStartWorthGBs must be a finite number > 0, got -300'],
    [{ risk: 0.5, coldStartWorthGBs: Number.NaN }, 'aquatope: coldStartWorthGBs must be a finite number > 0, got NaN'],
    [{ risk: 0.5, coldStartWorthGBs: Number.POSITIVE_INFINITY }, 'aquatope: coldStartWorthGBs must be a finite number > 0, got Infinity'],
    [{ risk: 0.9, originMinute: 2.5 }, 'aquatope: originMinute must be an integer, got 2.5'],
    [{ risk: 0.9, horizonMinutes: 0 }, 'aquatope: horizonMinutes must be an integer >= 1, got 0'],
    [{ risk: 0.9, horizonMinutes: 1.5 }, 'aquatope: horizonMinutes must be an integer >= 1, got 1.5'],
  ])('rejects %p: %s', (options, message) => {
    expect(() => aquatopePolicy({ memo: new ForecastMemo(lastValueForecaster(WINDOW), 1), ...options })).toThrow(new Error(message));
  });

  it.each([
    ['a history for 1 of 2 functions', lastValueForecaster(WINDOW), [Uint32Array.from([1])], 'aquatope: history has 1 functions, the run has 2'],
    ['a negative count', lastValueForecaster(WINDOW), [Float64Array.from([1, -1]), new Float64Array(0)], 'aquatope: history of function f0 has count -1 at 1'],
    ['a NaN count', lastValueForecaster(WINDOW), [new Float64Array(0), Float64Array.from([Number.NaN])], 'aquatope: history of function f1 has count NaN at 0'],
    ['a forecaster without history', lastValueForecaster(0), undefined, 'aquatope: forecaster fake-last-value has historyMinutes 0, expected an integer >= 1'],
  ])('reset rejects %s', (_what, forecaster, history, message) => {
    const p = build(0.9, forecaster, { history });
    expect(() => p.reset(context(2, 10))).toThrow(new RangeError(message));
  });
});

describe('AquatopePolicy below one window of history', () => {
  it('sizes a function from its busiest minute so far, keeps its containers at least 10 minutes and forecasts it once it has a full window', () => {
    const f = stepForecaster(WINDOW, [3]);
    // f0 has 3 minutes of pre-run history, f1 none, f2 seven (only its last 5 are read).
    const history = [Uint32Array.from([4, 4, 4]), new Uint32Array(0), Uint32Array.from([9, 9, 1, 2, 3, 4, 5])];
    const p = build(0.9, f, { originMinute: 1_000, history });
    const control = new RecordingControl();
    p.reset(context(3, 20));
    expect(AQUATOPE_FALLBACK_KEEP_ALIVE_MS).toBe(10 * MINUTE_MS);
    ticks(p, control, 0, 2);
    p.onArrival(0, 30_000);
    p.onArrival(0, 70_000);
    p.onArrival(0, 80_000);
    p.onArrival(1, 90_000);
    // f0 still has 2 running: its rank-3 container is past the 1 its busiest minute (4 a minute, 50 ms) needs.
    expect(p.onInvocationEnd(0, 100_000, control, 50)).toBe(AQUATOPE_FALLBACK_KEEP_ALIVE_MS);
    // f1's minute 0 had no arrival; its 1 arrival in minute 1 needs 1 container for this minute only.
    expect(p.onInvocationEnd(1, 100_000, control, 50)).toBe(AQUATOPE_FALLBACK_KEEP_ALIVE_MS);
    expect(p.onInvocationEnd(0, 101_000, control, 50)).toBe(AQUATOPE_FALLBACK_KEEP_ALIVE_MS);
    // f0's last container is rank 1: kept to the end of the 12 minutes sized at tick 1.
    expect(p.onInvocationEnd(0, 102_000, control, 50)).toBe(13 * MINUTE_MS - 1 - 102_000);
    // Only f2 has been forecast so far.
    expect(f.calls.map((c) => [c.counts, c.endMinutes])).toEqual([
      [[[1, 2, 3, 4, 5]], [1_000]],
      [[[2, 3, 4, 5, 0]], [1_001]],
    ]);
    // f0 from its busiest minute (4), f2 from its forecast (3); f1 has seen no arrival. This control never
    // reports a container, so each tick orders again; each is kept to the end of the tick's 12 minutes.
    const keep = 12 * MINUTE_MS - 1 - LOAD_MS;
    expect(control.prewarms).toEqual([
      [0, 1, 0, keep],
      [2, 1, 0, keep],
      [0, 1, 0, keep],
      [2, 1, 0, keep],
    ]);
    // Tick 2: f0 has 3 + 2 minutes.
    ticks(p, control, 2, 3);
    expect(f.calls[2].counts).toEqual([
      [4, 4, 4, 1, 2],
      [3, 4, 5, 0, 0],
    ]);
    // f1's busiest minute (1 arrival) needs 1 container for the next 12 minutes.
    expect(p.containersNeeded(1, 0)).toBe(1);
    expect(p.onInvocationEnd(1, 125_000, control, 50)).toBe(14 * MINUTE_MS - 1 - 125_000);
    expect(p.onInvocationEnd(0, 125_000, control, 50)).not.toBe(AQUATOPE_FALLBACK_KEEP_ALIVE_MS);
    // Tick 5: f1 has a full window of its own minutes too.
    ticks(p, control, 3, 6);
    expect(f.calls.map((c) => c.endMinutes)).toEqual([[1_000], [1_001], [1_002, 1_002], [1_003, 1_003], [1_004, 1_004], [1_005, 1_005, 1_005]]);
    expect(f.calls[5].counts[1]).toEqual([0, 1, 0, 0, 0]);
    // f1: warm-up prewarms at ticks 2, 3 and 4, then its forecast's at tick 5.
    expect(control.prewarms.filter((order) => order[0] === 1)).toHaveLength(4);
  });
});

describe('AquatopePolicy sizing and prewarming', () => {
  // Function f's window ends with count c: P(count = 0) = 0.1 / c, else 2 invocations (1 container at risk 0.9).
  const likelier = (): FakeForecaster =>
    new FakeForecaster('likelier', WINDOW, (c, _s, q) => (q === null ? 2 : q <= 0.1 / c[c.length - 1] ? 0 : 2));
  const lastCounts = (...last: number[]): Float64Array[] => last.map((c) => Float64Array.from({ length: WINDOW }, () => c));

  it.each([
    // 0.8 x 640 MB = 512 MB: two 256 MB containers, for the two functions likeliest to be invoked (f1: c = 3, then f2: c = 2).
    [640, [[1, 1], [2, 1]]],
    [undefined, [[1, 1], [2, 1], [0, 1]]],
  ])('with %p MB of cluster memory prewarms within 0.8 of it, likeliest functions first', (clusterMemoryMB, expected) => {
    const p = build(0.9, likelier(), { history: lastCounts(1, 3, 2) });
    const control = new RecordingControl();
    p.reset(clusterMemoryMB === undefined ? context(3, 20) : { ...context(3, 20), clusterMemoryMB });
    p.onMinute(0, 0, control);
    expect(control.prewarms.map(([fn, count]) => [fn, count])).toEqual(expected);
  });

  it('counts running and idle containers against the memory budget', () => {
    const p = build(0.9, likelier(), { history: lastCounts(1, 3, 2) });
    const control = new RecordingControl();
    p.reset({ ...context(3, 20), clusterMemoryMB: 640 });
    control.idle[0] = 1;
    p.onMinute(0, 0, control);
    // f0's idle container holds 256 MB: room for one prewarm, f1's.
    expect(control.prewarms.map(([fn, count]) => [fn, count])).toEqual([[1, 1]]);
  });

  // Count 2 of 1 s at risk 0.9: concurrency 1/30, P(none busy) = 0.967: 1 container; count 0: none.
  it('prewarms the current minute at once, kept through the forecast minutes that need it', () => {
    const p = build(0.9, stepForecaster(WINDOW, [2, 2, 0, 2]));
    const control = new RecordingControl();
    p.reset(context(1, 20));
    ticks(p, control, 0, 6);
    expect(Array.from({ length: 12 }, (_, s) => p.containersNeeded(0, s))).toEqual([1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    // Ready at 300,800 ms, kept until 1 ms before minute 7 (the end of the run of minutes 5 and 6).
    expect(control.prewarms).toEqual([[0, 1, 0, 7 * MINUTE_MS - 1 - (5 * MINUTE_MS + LOAD_MS)]]);
  });

  it('prewarms the next minute so that its containers are ready at its start', () => {
    const p = build(0.9, stepForecaster(WINDOW, [0, 2, 2, 0]));
    const control = new RecordingControl();
    p.reset(context(1, 20));
    ticks(p, control, 0, 6);
    // Ordered at 300,000 ms to start loading at 359,200 ms: ready at 360,000 ms, kept through minutes 6 and 7.
    expect(control.prewarms).toEqual([[0, 1, 6 * MINUTE_MS - LOAD_MS - 5 * MINUTE_MS, 2 * MINUTE_MS - 1]]);
    expect(control.cancels).toEqual([]);
  });

  it('cancels a prewarm order that has not started loading at the next tick, and orders it anew', () => {
    // With an instant load the order for minute 6 starts at 360,000 ms, the time of tick 6.
    const p = build(0.9, stepForecaster(WINDOW, [0, 2, 2, 0]));
    const control = new RecordingControl();
    p.reset(context(1, 20, 0));
    ticks(p, control, 0, 7);
    expect(control.cancels).toEqual([0]);
    expect(control.prewarms).toEqual([
      [0, 1, MINUTE_MS, 2 * MINUTE_MS - 1],
      [0, 1, MINUTE_MS, 2 * MINUTE_MS - 1],
    ]);
  });

  it('sizes by Little\'s law with Poisson headroom and keeps each rank for its own run of minutes', () => {
    // 120 per minute x 1 s = concurrency 2: 5 containers at risk 0.9; 2 per minute: 1.
    const p = build(0.9, stepForecaster(WINDOW, [120, 2]));
    const control = new RecordingControl();
    p.reset(context(1, 20));
    p.onArrival(0, 1_000);
    expect(p.onInvocationEnd(0, 2_100, control, 1_000)).toBe(AQUATOPE_FALLBACK_KEEP_ALIVE_MS);
    ticks(p, control, 0, 5);
    const warmUp = control.prewarms.length;
    ticks(p, control, 5, 6);
    expect([p.containersNeeded(0, 0), p.containersNeeded(0, 1), p.containersNeeded(0, 11)]).toEqual([5, 1, 1]);
    const ready = 5 * MINUTE_MS + LOAD_MS;
    expect(control.prewarms.slice(warmUp)).toEqual([
      [0, 1, 0, 17 * MINUTE_MS - 1 - ready],
      [0, 4, 0, 6 * MINUTE_MS - 1 - ready],
    ]);
  });

  it.each([
    // Count quantile 60 below q = 0.95, else 120; 1 s each. Containers = 1 + the Poisson(count / 60) headroom quantile.
    [0.9, undefined, 3], // 60: 1 + Poisson(1) 0.9-quantile 2
    [0.9, 0.99999, 9], // 60: 1 + Poisson(1) 0.99999-quantile 8
    [0.99, 0.9, 5], // 120: 1 + Poisson(2) 0.9-quantile 4
    [0.99, 0.99999, 11], // 120: 1 + Poisson(2) 0.99999-quantile 10
  ])('at risk %p and headroom risk %p sizes the count at risk and the headroom at headroom risk: %p containers', (risk, headroomRisk, expected) => {
    const p = build(risk, new FakeForecaster('two-levels', WINDOW, (_c, _s, q) => (q === null || q <= 0.95 ? 60 : 120)), { headroomRisk });
    p.reset(context(1, 20));
    ticks(p, new RecordingControl(), 0, 6);
    expect(p.containersNeeded(0, 0)).toBe(expected);
  });

  describe('with a cold-start worth', () => {
    // Count quantile 60 up to q = 0.96, else 120; 1 s each: concurrency 1 at 60.
    const twoLevels = (): FakeForecaster => new FakeForecaster('two-levels', WINDOW, (_c, _s, q) => (q === null || q <= 0.96 ? 60 : 120));
    const sized = (worth: number, memoryMB: number, forecaster: FakeForecaster = twoLevels()): number => {
      const p = build(0.5, forecaster, { coldStartWorthGBs: worth });
      p.reset({ ...context(1, 20), memoryMB: Float64Array.from([memoryMB]) });
      ticks(p, new RecordingControl(), 0, 6);
      return p.containersNeeded(0, 0);
    };

    it('is named aquatope-worth@<GB-s>', () => {
      expect(build(0.5, twoLevels(), { coldStartWorthGBs: 300 }).name).toBe('aquatope-worth@300');
    });

    it.each([
      // theta = MB / 1,024 x 60 s / worth; count at 1 - theta; headroom at 1 - theta / sqrt(count); 1 + the Poisson(1) quantile.
      [300, 256, 5], // theta 0.05: count 60, headroom 0.99355: 1 + 4
      [30, 256, 4], // theta 0.5: count 60, headroom 0.93545: 1 + 3
      [3, 256, 2], // theta 5: both levels at the least, 0.5: 1 + 1
      [300, 1024, 4], // theta 0.2: a container four times as large keeps less headroom, 0.97418: 1 + 3
      [300, 128, 8], // theta 0.025: count 120 (level 0.975), headroom 1 - 0.025 / sqrt(120) = 0.99772 on Poisson(2): 1 + 7
    ])('at %p GB-s a cold start, a %p MB function needs %p containers', (worth, memoryMB, expected) => {
      expect(sized(worth, memoryMB)).toBe(expected);
    });

    it('keeps a container for a sparse function only while the chance of an arrival pays for its idle minute', () => {
      // P(count = 0) = 0.9: a minute needs a container when the count quantile is above 0.9.
      const sparse = (): FakeForecaster => new FakeForecaster('sparse', WINDOW, (_c, _s, q) => (q !== null && q > 0.9 ? 1 : 0));
      expect(sized(300, 256, sparse())).toBe(1); // theta 0.05 < 0.1
      expect(sized(100, 256, sparse())).toBe(0); // theta 0.15 > 0.1
    });
  });

  it('sizes a function below one window of history from its busiest minute with the headroom risk', () => {
    // 60 arrivals in minute 0 of 1 s each: concurrency 1; risk 0.5 alone would give 1 + 1 = 2 containers.
    const p = build(0.5, stepForecaster(WINDOW, [0]), { headroomRisk: 0.99999 });
    p.reset(context(1, 20));
    const control = new RecordingControl();
    p.onMinute(0, 0, control);
    for (let i = 0; i < 60; i++) p.onArrival(0, i * 1_000);
    p.onMinute(1, MINUTE_MS, control);
    expect(p.containersNeeded(0, 0)).toBe(9);
  });

  it('counts running activations and idle or loading containers as the pool before prewarming', () => {
    const p = build(0.9, stepForecaster(WINDOW, [120, 2]));
    const control = new RecordingControl();
    p.reset(context(1, 20));
    p.onArrival(0, 1_000);
    p.onInvocationEnd(0, 2_100, control, 1_000);
    p.onArrival(0, 299_000);
    p.onArrival(0, 299_500);
    control.idle[0] = 1;
    ticks(p, control, 0, 6);
    // 2 running + 1 idle: ranks 4 and 5 are missing.
    expect(control.prewarms).toEqual([[0, 2, 0, 6 * MINUTE_MS - 1 - (5 * MINUTE_MS + LOAD_MS)]]);
  });

  it('keeps a finished container through the forecast minutes that need its rank, and one minute of grace when none does', () => {
    const p = build(0.9, stepForecaster(WINDOW, [2, 2, 0, 2]));
    const control = new RecordingControl();
    p.reset(context(1, 20));
    ticks(p, control, 0, 6);
    p.onArrival(0, 309_000);
    // Rank 1 (nothing else running, idle or loading): minutes 5 and 6 need it.
    expect(p.onInvocationEnd(0, 310_000, control, 50)).toBe(7 * MINUTE_MS - 1 - 310_000);
    // Rank 2: no minute needs two, so only the grace.
    p.onArrival(0, 311_000);
    control.idle[0] = 1;
    expect(p.onInvocationEnd(0, 312_000, control, 50)).toBe(AQUATOPE_EXCESS_KEEP_ALIVE_MS);
    expect(AQUATOPE_EXCESS_KEEP_ALIVE_MS).toBe(60_000);
  });

  it.each([
    ['the current minute', [2, 2, 0, 2], 7 * MINUTE_MS - 1],
    ['the next minute, when the current one needs none', [0, 2, 2, 0], 8 * MINUTE_MS - 1],
  ])('at a tick, keeps the idle containers of the ranks the forecast needs (from %s) until their run ends', (_what, perStep, until) => {
    const p = build(0.9, stepForecaster(WINDOW, perStep));
    const control = new RecordingControl();
    p.reset(context(1, 20));
    control.idle[0] = 3;
    ticks(p, control, 0, 6);
    // One container is needed (rank 1); ranks 2 and 3 keep whatever keep-alive they had.
    expect(control.keeps).toEqual([[0, 1, until]]);
  });

  it('ranks the idle containers after the running activations when keeping them at a tick', () => {
    const p = build(0.9, stepForecaster(WINDOW, [2, 2, 0, 2]));
    const control = new RecordingControl();
    p.reset(context(1, 20));
    p.onArrival(0, 299_000);
    control.idle[0] = 2;
    ticks(p, control, 0, 6);
    // The running activation holds rank 1, the only rank needed: no idle container is kept longer.
    expect(control.keeps).toEqual([]);
  });

  it('raises the current minute to what its arrivals so far need when the forecast was lower', () => {
    const p = build(0.9, stepForecaster(WINDOW, [0]));
    const control = new RecordingControl();
    p.reset(context(1, 20));
    p.onArrival(0, 299_000);
    ticks(p, control, 0, 6);
    expect(control.prewarms).toEqual([]);
    // The activation of minute 4 ends in minute 5, which has seen no arrival: only the grace.
    expect(p.onInvocationEnd(0, 305_000, control, 100)).toBe(AQUATOPE_EXCESS_KEEP_ALIVE_MS);
    // One arrival seen in minute 5: that minute needs a container until its end (49 s away),
    // which the one-minute grace already covers.
    p.onArrival(0, 310_000);
    expect(6 * MINUTE_MS - 1 - 311_000).toBeLessThan(AQUATOPE_EXCESS_KEEP_ALIVE_MS);
    expect(p.onInvocationEnd(0, 311_000, control, 100)).toBe(AQUATOPE_EXCESS_KEEP_ALIVE_MS);
    expect(p.containersNeeded(0, 0)).toBe(1);
    expect(p.containersNeeded(0, 1)).toBe(0);
  });

  it('learns durations as a weighted mean (weight 0.1), 1 s before the first end, ignoring invalid ones', () => {
    const p = build(0.9, lastValueForecaster(WINDOW));
    const control = new RecordingControl();
    p.reset(context(1, 20));
    expect(p.meanDurationMs(0)).toBe(AQUATOPE_DEFAULT_DURATION_MS);
    expect(AQUATOPE_DEFAULT_DURATION_MS).toBe(1_000);
    p.onInvocationEnd(0, 1_000, control, 200);
    expect(p.meanDurationMs(0)).toBe(200);
    p.onInvocationEnd(0, 2_000, control, 400);
    expect(p.meanDurationMs(0)).toBeCloseTo(220, 12);
    p.onInvocationEnd(0, 3_000, control, Number.NaN);
    p.onInvocationEnd(0, 4_000, control, -1);
    expect(p.meanDurationMs(0)).toBeCloseTo(220, 12);
  });

  it.each([
    ['a function out of range', (p: AquatopePolicy) => p.containersNeeded(3, 0), 'aquatope: function 3 out of range [0, 1) (was reset called?)'],
    ['a step out of range', (p: AquatopePolicy) => p.containersNeeded(0, 12), 'aquatope: step 12 out of range [0, 12)'],
    ['a fractional function', (p: AquatopePolicy) => p.meanDurationMs(0.5), 'aquatope: function 0.5 out of range [0, 1) (was reset called?)'],
  ])('its accessors reject %s', (_what, call, message) => {
    const p = build(0.9, lastValueForecaster(WINDOW));
    p.reset(context(1, 20));
    expect(() => call(p)).toThrow(new RangeError(message));
  });
});

describe('AquatopePolicy in the simulator', () => {
  const cluster = clusterConfig({ stemCellsPerInvoker: 0 });

  function randomWorkload(seed: number, functionCount: number, minutes: number): Workload {
    const rng = new SeededRng(seed);
    const functions = Array.from({ length: functionCount }, (_, f) => ({
      id: `f${f}`,
      counts: Uint32Array.from({ length: minutes }, () => (rng.next() < 0.5 ? rng.poisson(1 + (f % 4) * 20) : 0)),
      memoryMB: 512,
      cpuCores: 0.1,
      duration: new PiecewiseQuantile([0, 0.5, 1], [10, 300 * (1 + (f % 3)), 5_000]),
    }));
    return { source: 'test', minutes, functions, durationSource: {}, memorySource: {} };
  }

  it('gives every forecast window only counts of minutes before its tick, ending at originMinute + tick', () => {
    const w = randomWorkload(3, 3, 30);
    const s = generateArrivals(w, new SeededRng(4));
    const counts = countsOf(s, 3, 30);
    const spy = lastValueForecaster(10);
    const origin = 3 * 1_440 + 17;
    simulate(w, s, build(0.9, spy, { originMinute: origin }), cluster);
    expect(spy.calls.map((c) => c.endMinutes[0] - origin)).toEqual(Array.from({ length: 20 }, (_, i) => 10 + i));
    for (const call of spy.calls) {
      const m = call.endMinutes[0] - origin;
      expect(call.endMinutes).toEqual([origin + m, origin + m, origin + m]);
      expect(call.counts).toEqual(counts.map((c) => c.slice(m - 10, m)));
    }
  });

  /** Runs 3 functions for 30 minutes with 12 minutes of random pre-run history; returns each function's history followed by its observed counts. */
  function runWithHistory(spy: FakeForecaster): number[][] {
    const w = randomWorkload(3, 3, 30);
    const s = generateArrivals(w, new SeededRng(4));
    const rng = new SeededRng(8);
    const history = [0, 1, 2].map(() => Uint32Array.from({ length: 12 }, () => rng.int(6)));
    simulate(w, s, build(0.9, spy, { history }), cluster);
    return countsOf(s, 3, 30).map((c, f) => [...Array.from(history[f]), ...c]);
  }

  it('starts forecasting at minute 0 from the pre-run history, then slides into the observed minutes', () => {
    const spy = lastValueForecaster(10);
    const past = runWithHistory(spy);
    expect(spy.calls).toHaveLength(30);
    spy.calls.forEach((call, m) => {
      expect(call.endMinutes).toEqual([m, m, m]);
      expect(call.counts).toEqual(past.map((p) => p.slice(12 + m - 10, 12 + m)));
    });
  });

  it('gives a forecaster with contextMinutes windows of up to that many minutes, pre-run history included', () => {
    // Needs 10 minutes, reads up to 15: 12 of history at minute 0, then 13, 14, 15, 15, ...
    const spy = new FakeForecaster('context', 10, (c) => c[c.length - 1], 15);
    const past = runWithHistory(spy);
    expect(spy.calls).toHaveLength(30);
    spy.calls.forEach((call, m) => {
      const len = Math.min(12 + m, 15);
      expect(call.counts).toEqual(past.map((p) => p.slice(12 + m - len, 12 + m)));
    });
  });

  it('turns the cold starts of a 15-minute timer into warm starts on prewarmed containers, where openwhisk-default has only cold ones', () => {
    const minutes = 180;
    const fires = (m: number): boolean => (((m % 15) + 15) % 15) === 7;
    const w: Workload = {
      source: 'timer',
      minutes,
      functions: [{ id: 'timer', counts: Uint32Array.from({ length: minutes }, (_, m) => (fires(m) ? 1 : 0)), memoryMB: 256, cpuCores: 0.1, duration: new ConstantDuration(200) }],
      durationSource: {},
      memorySource: {},
    };
    const s = generateArrivals(w, new SeededRng(1));
    expect(s.count).toBe(12);
    const history = [Uint32Array.from({ length: 30 }, (_, i) => (fires(i - 30) ? 1 : 0))];
    const withStemCells = clusterConfig();
    const ours = simulate(w, s, build(0.9, seasonalForecaster(30, 15), { history }), withStemCells);
    const def = simulate(w, s, openWhiskDefaultPolicy(), withStemCells);
    // 15 minutes between runs outlast OpenWhisk's 10-minute keep-alive: every start needs init.
    expect(def.coldStarts).toBe(12);
    expect(ours.coldStarts).toBe(0);
    expect(ours.prewarmedStarts).toBe(12);
    expect(ours.prewarmsOrdered).toBe(12);
    expect(ours.idleMemoryGBs).toBeLessThan(def.idleMemoryGBs);
  });

  it('prewarms at least as many containers, with no more cold starts and no less idle memory, at each higher risk', () => {
    const w = randomWorkload(7, 12, 120);
    const s = generateArrivals(w, new SeededRng(3));
    const f = lastValueForecaster(10);
    const memo = new ForecastMemo(f, 1);
    const results = [0.5, 0.9, 0.99, 0.999].map((risk) => simulate(w, s, aquatopePolicy({ risk, memo }), cluster));
    for (let i = 1; i < results.length; i++) {
      expect(results[i].prewarmsOrdered).toBeGreaterThanOrEqual(results[i - 1].prewarmsOrdered);
      expect(results[i].coldStarts).toBeLessThanOrEqual(results[i - 1].coldStarts);
      expect(results[i].idleMemoryGBs).toBeGreaterThanOrEqual(results[i - 1].idleMemoryGBs);
    }
    expect(results[3].prewarmsOrdered).toBeGreaterThan(2 * results[0].prewarmsOrdered);
    // One forecast per tick (minutes 10..119), shared by the four risk levels.
    expect(f.calls).toHaveLength(110);
    expect([memo.misses, memo.hits]).toEqual([110, 330]);
  });
});

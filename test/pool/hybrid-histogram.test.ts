import {
  CV_THRESHOLD,
  HEAD_PERCENTILE,
  HISTOGRAM_BIN_MS,
  HISTOGRAM_MARGIN,
  HISTOGRAM_RANGE_MS,
  HybridHistogramPolicy,
  MIN_IDLE_TIMES,
  OUT_OF_BOUNDS_SHARE,
  TAIL_PERCENTILE,
  TIME_SERIES_HISTORY,
  TIME_SERIES_MARGIN,
  forecastNextIdleTimeMs,
  hybridHistogramPolicy,
} from '../../src/pool/hybrid-histogram';
import type { HybridHistogramOptions } from '../../src/pool/hybrid-histogram';
import { MINUTE_MS } from '../../src/sim/policy';
import type { PolicyContext, PoolControl } from '../../src/sim/policy';

const HOUR_MS = 60 * MINUTE_MS;
const FOUR_HOURS_MS = 4 * HOUR_MS;

/** Records every call, in order, as a readable string. */
class RecordingControl implements PoolControl {
  readonly calls: string[] = [];
  prewarm(fn: number, count: number, delayMs: number, keepAliveMs: number): void {
    this.calls.push(`prewarm(${fn}, ${count}, ${delayMs}, ${keepAliveMs})`);
  }
  cancelPrewarms(fn: number): void {
    this.calls.push(`cancel(${fn})`);
  }
  idleOrLoading(_fn: number): number {
    return 0;
  }
  keepIdle(fn: number, count: number, untilMs: number): void {
    this.calls.push(`keepIdle(${fn}, ${count}, ${untilMs})`);
  }
  clear(): void {
    this.calls.length = 0;
  }
}

function context(functionCount: number, prewarmLoadMs: number): PolicyContext {
  return {
    functionCount,
    functionIds: Array.from({ length: functionCount }, (_, i) => `f${i}`),
    memoryMB: new Float64Array(functionCount).fill(256),
    prewarmLoadMs,
    minutes: 24 * 60,
  };
}

interface Driven {
  /** Return value of the last onInvocationEnd. */
  lastKeepAlive: number;
  /** Time of the last end, ms. */
  lastEndMs: number;
}

/**
 * One activation at `startMs`, then one activation after each idle time (measured from
 * the previous end), each running `durationMs`. Control calls of all but the last end
 * are cleared, so `control.calls` holds the last end's decisions.
 */
function drive(
  policy: HybridHistogramPolicy,
  control: RecordingControl,
  fn: number,
  idleTimesMs: readonly number[],
  durationMs = 1_000,
  startMs = 0,
): Driven {
  let t = startMs;
  policy.onArrival(fn, t);
  control.clear();
  let lastKeepAlive = policy.onInvocationEnd(fn, t + durationMs, control);
  let end = t + durationMs;
  for (const it of idleTimesMs) {
    t = end + it;
    policy.onArrival(fn, t);
    end = t + durationMs;
    control.clear();
    lastKeepAlive = policy.onInvocationEnd(fn, end, control);
  }
  return { lastKeepAlive, lastEndMs: end };
}

function repeat(value: number, times: number): number[] {
  return Array.from({ length: times }, () => value);
}

function fresh(prewarmLoadMs = 2_000, functionCount = 2, options?: HybridHistogramOptions): HybridHistogramPolicy {
  const policy = hybridHistogramPolicy(options);
  policy.reset(context(functionCount, prewarmLoadMs));
  return policy;
}

describe('hybrid histogram constants', () => {
  it('are the paper values: 4 h range, 1 min bins, 5th/99th percentiles, 10% margin, CV 2, 50% OOB, 15% ARIMA margin', () => {
    expect(HISTOGRAM_RANGE_MS).toBe(14_400_000);
    expect(HISTOGRAM_BIN_MS).toBe(60_000);
    expect(HISTOGRAM_RANGE_MS / HISTOGRAM_BIN_MS).toBe(240);
    expect(HEAD_PERCENTILE).toBe(0.05);
    expect(TAIL_PERCENTILE).toBe(0.99);
    expect(HISTOGRAM_MARGIN).toBe(0.1);
    expect(CV_THRESHOLD).toBe(2);
    expect(OUT_OF_BOUNDS_SHARE).toBe(0.5);
    expect(TIME_SERIES_MARGIN).toBe(0.15);
    expect(MIN_IDLE_TIMES).toBe(5);
    expect(TIME_SERIES_HISTORY).toBe(16);
  });

  it('the factory names the policy hybrid-histogram and it wants no minute ticks', () => {
    const policy = hybridHistogramPolicy();
    expect(policy.name).toBe('hybrid-histogram');
    expect(policy.wantsMinuteTicks).toBe(false);
  });
});

describe('HybridHistogramPolicy: histogram mode', () => {
  it('periodic 10-minute idle times give prewarm 9 min (10 x 0.9) and keep-alive 3.1 min (11 x 1.1 - 9)', () => {
    const policy = fresh();
    const control = new RecordingControl();
    drive(policy, control, 0, repeat(10 * MINUTE_MS, 10));
    expect(policy.windows(0)).toEqual({ mode: 'histogram', prewarmMs: 540_000, keepAliveMs: 186_000 });
  });

  it('periodic: the container is unloaded at the end and one prewarm is ordered to be ready 9 min later', () => {
    const policy = fresh(2_000);
    const control = new RecordingControl();
    const { lastKeepAlive } = drive(policy, control, 0, repeat(10 * MINUTE_MS, 10));
    expect(lastKeepAlive).toBe(0);
    // delay = prewarm window - load time, so the container is ready at end + 9 min
    expect(control.calls).toEqual(['cancel(0)', 'prewarm(0, 1, 538000, 186000)']);
  });

  it('idle times just under 10 min fall in bin 9: prewarm 8.1 min, alive until 11 min, keep-alive 2.9 min', () => {
    const policy = fresh();
    const control = new RecordingControl();
    drive(policy, control, 0, repeat(10 * MINUTE_MS - 1_000, 10));
    expect(policy.windows(0)).toEqual({ mode: 'histogram', prewarmMs: 486_000, keepAliveMs: 174_000 });
  });

  it('head in bin 0 gives prewarm 0: the container is kept for tail x 1.1 (66 s) and nothing is prewarmed', () => {
    const policy = fresh();
    const control = new RecordingControl();
    const { lastKeepAlive } = drive(policy, control, 0, repeat(30_000, 8));
    expect(policy.windows(0)).toEqual({ mode: 'histogram', prewarmMs: 0, keepAliveMs: 66_000 });
    expect(lastKeepAlive).toBe(66_000);
    expect(control.calls).toEqual([]);
  });

  it('prewarm delay is clamped to 0 when loading takes longer than the prewarm window', () => {
    const policy = fresh(200_000);
    const control = new RecordingControl();
    drive(policy, control, 0, repeat(2 * MINUTE_MS, 6));
    // head 2 min -> prewarm 108 s; tail bin 2 -> alive until 3.3 min = 198 s
    expect(policy.windows(0)).toEqual({ mode: 'histogram', prewarmMs: 108_000, keepAliveMs: 90_000 });
    expect(control.calls).toEqual(['cancel(0)', 'prewarm(0, 1, 0, 90000)']);
  });

  it('keeps a container that ends while another activation runs, and unloads and prewarms at the last end', () => {
    const policy = fresh(2_000);
    const control = new RecordingControl();
    const { lastEndMs } = drive(policy, control, 0, repeat(10 * MINUTE_MS, 6));
    // Two overlapping activations: the function is not idle when the first ends, so its
    // container stays through both windows (540 s + 186 s) and no prewarm is touched.
    control.clear();
    policy.onArrival(0, lastEndMs + 10 * MINUTE_MS);
    policy.onArrival(0, lastEndMs + 10 * MINUTE_MS + 5_000);
    expect(policy.onInvocationEnd(0, lastEndMs + 11 * MINUTE_MS, control)).toBe(540_000 + 186_000);
    expect(control.calls).toEqual([]);
    // The last end: the pending prewarm is cancelled before the new one is ordered.
    expect(policy.onInvocationEnd(0, lastEndMs + 12 * MINUTE_MS, control)).toBe(0);
    expect(control.calls).toEqual(['cancel(0)', 'prewarm(0, 1, 538000, 186000)']);
  });

  it('a kept container cancels a prewarm that earlier windows ordered and that has not started', () => {
    const policy = fresh(2_000);
    const control = new RecordingControl();
    const { lastEndMs } = drive(policy, control, 0, repeat(10 * MINUTE_MS, 5));
    expect(control.calls).toEqual(['cancel(0)', 'prewarm(0, 1, 538000, 186000)']);
    // a 30 s idle time moves the 5th percentile to bin 0: prewarm window 0
    policy.onArrival(0, lastEndMs + 30_000);
    control.clear();
    expect(policy.onInvocationEnd(0, lastEndMs + 31_000, control)).toBe(726_000);
    expect(policy.windows(0)).toEqual({ mode: 'histogram', prewarmMs: 0, keepAliveMs: 726_000 });
    expect(control.calls).toEqual(['cancel(0)']);
  });

  it('functions are independent: one function\'s idle times do not change another\'s windows', () => {
    const policy = fresh();
    const control = new RecordingControl();
    drive(policy, control, 1, repeat(10 * MINUTE_MS, 10));
    expect(policy.windows(1).mode).toBe('histogram');
    expect(policy.windows(0)).toEqual({ mode: 'fallback-keepalive', prewarmMs: 0, keepAliveMs: FOUR_HOURS_MS });
  });
});

describe('HybridHistogramPolicy: standard keep-alive fallback', () => {
  it('before any idle time the function gets the 4 h keep-alive and no prewarm', () => {
    const policy = fresh();
    const control = new RecordingControl();
    const { lastKeepAlive } = drive(policy, control, 0, []);
    expect(policy.windows(0)).toEqual({ mode: 'fallback-keepalive', prewarmMs: 0, keepAliveMs: 14_400_000 });
    expect(lastKeepAlive).toBe(14_400_000);
    expect(control.calls).toEqual([]);
  });

  it('fewer than 5 idle times keep the fallback; the 5th switches to the histogram', () => {
    const policy = fresh();
    const control = new RecordingControl();
    const { lastKeepAlive, lastEndMs } = drive(policy, control, 0, repeat(10 * MINUTE_MS, 4));
    expect(policy.windows(0)).toEqual({ mode: 'fallback-keepalive', prewarmMs: 0, keepAliveMs: FOUR_HOURS_MS });
    expect(lastKeepAlive).toBe(FOUR_HOURS_MS);
    expect(control.calls).toEqual([]);
    policy.onArrival(0, lastEndMs + 10 * MINUTE_MS);
    expect(policy.windows(0)).toEqual({ mode: 'histogram', prewarmMs: 540_000, keepAliveMs: 186_000 });
  });

  it('idle times spread evenly over 60 bins (CV = sqrt(3) < 2) fall back to the 4 h keep-alive', () => {
    const policy = fresh();
    const control = new RecordingControl();
    const spread = Array.from({ length: 60 }, (_, i) => i * 4 * MINUTE_MS + 30_000);
    const { lastKeepAlive } = drive(policy, control, 0, spread);
    expect(policy.idleTimeStats(0).coefficientOfVariation).toBeCloseTo(Math.sqrt(3), 12);
    expect(policy.windows(0)).toEqual({ mode: 'fallback-keepalive', prewarmMs: 0, keepAliveMs: FOUR_HOURS_MS });
    expect(lastKeepAlive).toBe(FOUR_HOURS_MS);
    expect(control.calls).toEqual([]);
  });

  it('CV exactly 2 (48 evenly filled bins) is representative; 49 bins (CV < 2) is not', () => {
    const p48 = fresh();
    drive(p48, new RecordingControl(), 0, Array.from({ length: 48 }, (_, i) => i * 5 * MINUTE_MS + 30_000));
    expect(p48.idleTimeStats(0).coefficientOfVariation).toBe(2);
    // head: 3rd of 48 values (bin 10) -> 9 min; tail: last bin 235 -> 236 min x 1.1 = 259.6 min
    expect(p48.windows(0)).toEqual({ mode: 'histogram', prewarmMs: 540_000, keepAliveMs: 15_036_000 });

    const p49 = fresh();
    drive(p49, new RecordingControl(), 0, Array.from({ length: 49 }, (_, i) => i * 4 * MINUTE_MS + 30_000));
    expect(p49.idleTimeStats(0).coefficientOfVariation).toBeLessThan(2);
    expect(p49.windows(0).mode).toBe('fallback-keepalive');
  });
});

describe('HybridHistogramPolicy: time-series mode', () => {
  it('idle times of 6 h (all out of range) give prewarm 0.85 x 6 h and keep-alive 0.3 x 6 h', () => {
    const policy = fresh(2_000);
    const control = new RecordingControl();
    const { lastKeepAlive } = drive(policy, control, 0, repeat(6 * HOUR_MS, 6));
    expect(policy.idleTimeStats(0)).toEqual({ inRange: 0, outOfRange: 6, coefficientOfVariation: 0 });
    expect(policy.windows(0)).toEqual({ mode: 'time-series', prewarmMs: 18_360_000, keepAliveMs: 6_480_000 });
    expect(lastKeepAlive).toBe(0);
    expect(control.calls).toEqual(['cancel(0)', 'prewarm(0, 1, 18358000, 6480000)']);
  });

  it('alternating 5 h / 7 h idle times are forecast by AR(1): 6 h - 5/6 h = 5 h 10 min, windows 0.85 / 0.3 of it', () => {
    const policy = fresh();
    const control = new RecordingControl();
    drive(policy, control, 0, [5, 7, 5, 7, 5, 7].map((h) => h * HOUR_MS));
    // mean 6 h, phi = -5/6, last 7 h -> 6 h - 5/6 h = 18 600 000 ms
    expect(policy.windows(0)).toEqual({ mode: 'time-series', prewarmMs: 15_810_000, keepAliveMs: 5_580_000 });
  });

  it('exactly 50% out-of-range idle times stay with the histogram; more than 50% switch to the time series', () => {
    const policy = fresh();
    const control = new RecordingControl();
    const { lastEndMs } = drive(policy, control, 0, [
      ...repeat(10 * MINUTE_MS, 3),
      ...repeat(6 * HOUR_MS, 3),
    ]);
    expect(policy.idleTimeStats(0)).toMatchObject({ inRange: 3, outOfRange: 3 });
    // percentiles over the in-range idle times only
    expect(policy.windows(0)).toEqual({ mode: 'histogram', prewarmMs: 540_000, keepAliveMs: 186_000 });
    policy.onArrival(0, lastEndMs + 6 * HOUR_MS);
    expect(policy.windows(0).mode).toBe('time-series');
  });

  it('an idle time of exactly 4 h is out of range', () => {
    const policy = fresh();
    drive(policy, new RecordingControl(), 0, [FOUR_HOURS_MS, FOUR_HOURS_MS - 1]);
    expect(policy.idleTimeStats(0)).toMatchObject({ inRange: 1, outOfRange: 1 });
  });
});

describe('HybridHistogramPolicy: concurrency and idle-time recording', () => {
  it('records no idle time for an arrival while another activation of the function runs', () => {
    const policy = fresh();
    const control = new RecordingControl();
    policy.onArrival(0, 0); // first arrival: nothing ended before, no idle time
    policy.onArrival(0, 60_000); // A still running
    policy.onInvocationEnd(0, 120_000, control); // A ends, B runs
    policy.onArrival(0, 180_000); // B running
    policy.onInvocationEnd(0, 240_000, control);
    policy.onInvocationEnd(0, 300_000, control); // nothing running now
    expect(policy.idleTimeStats(0)).toMatchObject({ inRange: 0, outOfRange: 0 });
    policy.onArrival(0, 300_000 + 10 * MINUTE_MS);
    expect(policy.idleTimeStats(0)).toMatchObject({ inRange: 1, outOfRange: 0 });
  });

  it('measures the idle time from the latest end of the function', () => {
    const policy = fresh();
    const control = new RecordingControl();
    // overlapping pairs: the idle time is from the second (latest) end to the next arrival
    let t = 0;
    for (let i = 0; i < 6; i++) {
      policy.onArrival(0, t);
      policy.onArrival(0, t + 1_000);
      policy.onInvocationEnd(0, t + 2_000, control);
      policy.onInvocationEnd(0, t + 5 * MINUTE_MS, control);
      t += 5 * MINUTE_MS + 10 * MINUTE_MS;
    }
    expect(policy.idleTimeStats(0)).toMatchObject({ inRange: 5, outOfRange: 0 });
    expect(policy.windows(0)).toEqual({ mode: 'histogram', prewarmMs: 540_000, keepAliveMs: 186_000 });
  });

  it('reset clears all recorded idle times and windows', () => {
    const policy = fresh();
    drive(policy, new RecordingControl(), 0, repeat(10 * MINUTE_MS, 10));
    policy.reset(context(2, 2_000));
    expect(policy.idleTimeStats(0)).toEqual({ inRange: 0, outOfRange: 0, coefficientOfVariation: 0 });
    expect(policy.windows(0)).toEqual({ mode: 'fallback-keepalive', prewarmMs: 0, keepAliveMs: FOUR_HOURS_MS });
    // the first arrival after reset records nothing (no earlier end)
    policy.onArrival(0, 99 * MINUTE_MS);
    expect(policy.idleTimeStats(0).inRange).toBe(0);
  });

  it('windows() throws a RangeError for a function outside the last reset', () => {
    expect(() => hybridHistogramPolicy().windows(0)).toThrow(RangeError);
    expect(() => fresh(2_000, 2).windows(2)).toThrow('function 2 out of range [0, 2)');
  });
});

describe('HybridHistogramPolicy: options', () => {
  it('a 2-hour range with 2-minute bins puts 3 h idle times out of range and keeps 2 h as fallback', () => {
    const policy = fresh(2_000, 1, { rangeMinutes: 120, binMinutes: 2 });
    drive(policy, new RecordingControl(), 0, repeat(3 * HOUR_MS, 2));
    expect(policy.idleTimeStats(0)).toMatchObject({ inRange: 0, outOfRange: 2 });
    expect(policy.windows(0)).toEqual({ mode: 'fallback-keepalive', prewarmMs: 0, keepAliveMs: 2 * HOUR_MS });
  });

  it.each<[HybridHistogramOptions, string]>([
    [{ rangeMinutes: 0 }, 'hybridHistogramPolicy: rangeMinutes must be a positive finite number, got 0'],
    [{ rangeMinutes: Number.NaN }, 'hybridHistogramPolicy: rangeMinutes must be a positive finite number, got NaN'],
    [{ binMinutes: -1 }, 'hybridHistogramPolicy: binMinutes must be a positive finite number, got -1'],
    [
      { rangeMinutes: 240, binMinutes: 7 },
      'hybridHistogramPolicy: rangeMinutes (240) must be a whole multiple of binMinutes (7)',
    ],
    [{ headPercentile: 0 }, 'hybridHistogramPolicy: headPercentile must be in (0, 1), got 0'],
    [{ tailPercentile: 1.5 }, 'hybridHistogramPolicy: tailPercentile must be in (0, 1], got 1.5'],
    [
      { headPercentile: 0.5, tailPercentile: 0.4 },
      'hybridHistogramPolicy: tailPercentile (0.4) must be >= headPercentile (0.5)',
    ],
    [{ margin: 1 }, 'hybridHistogramPolicy: margin must be in [0, 1), got 1'],
    [{ cvThreshold: -0.1 }, 'hybridHistogramPolicy: cvThreshold must be a finite number >= 0, got -0.1'],
    [{ minIdleTimes: 0 }, 'hybridHistogramPolicy: minIdleTimes must be an integer >= 1, got 0'],
    [{ minIdleTimes: 2.5 }, 'hybridHistogramPolicy: minIdleTimes must be an integer >= 1, got 2.5'],
    [{ outOfBoundsShare: 1 }, 'hybridHistogramPolicy: outOfBoundsShare must be in [0, 1), got 1'],
    [
      { timeSeriesMargin: Number.POSITIVE_INFINITY },
      'hybridHistogramPolicy: timeSeriesMargin must be in [0, 1), got Infinity',
    ],
    [{ historyLength: 0 }, 'hybridHistogramPolicy: historyLength must be an integer >= 1, got 0'],
  ])('hybridHistogramPolicy(%p) throws %p', (options, message) => {
    expect(() => hybridHistogramPolicy(options)).toThrow(message);
  });
});

describe('forecastNextIdleTimeMs (AR(1) predictor)', () => {
  it('returns the mean for fewer than 3 values and NaN for none', () => {
    expect(forecastNextIdleTimeMs([10, 20], 0, 2, 0, 2)).toBe(15);
    expect(forecastNextIdleTimeMs([10], 0, 1, 0, 1)).toBe(10);
    expect(forecastNextIdleTimeMs([], 0, 1, 0, 0)).toBeNaN();
  });

  it('returns the constant for a constant series', () => {
    expect(forecastNextIdleTimeMs([7, 7, 7, 7], 0, 4, 0, 4)).toBe(7);
  });

  it('reads a wrapped ring oldest-first at an offset', () => {
    // ring slots [3, 4, 1, 2] with oldest at slot 2: series 1, 2, 3, 4 (mean 2.5, phi 0.25)
    const buf = [99, 99, 3, 4, 1, 2];
    expect(forecastNextIdleTimeMs(buf, 2, 4, 2, 4)).toBeCloseTo(2.5 + 0.25 * 1.5, 12);
  });

  it('clamps the forecast to the range of the series', () => {
    // 0, 10, ..., 0, 30: mean 7.5, phi = -0.375, raw forecast 7.5 - 0.375 x 22.5 = -0.9375 -> clamped to the minimum 0
    expect(forecastNextIdleTimeMs([0, 10, 0, 10, 0, 10, 0, 30], 0, 8, 0, 8)).toBe(0);
  });
});


/**
 * AQUATOPE's prewarm policy (DESIGN.md section 3, pool sizing): per function
 * and minute, the containers to keep warm follow from a forecast of the
 * invocation count at a chosen risk quantile and the function's duration.
 * The single knob `risk` trades cold starts against idle memory.
 */

import type { CountForecast, ForecastWindow } from '../forecast/forecast-types';
import { MINUTE_MS } from '../sim/policy';
import type { PolicyContext, PoolControl, PoolPolicy } from '../sim/policy';
import { containersNeeded } from './container-sizing';
import { OPENWHISK_IDLE_CONTAINER_TIMEOUT_MS } from './fixed-keep-alive';
import type { ForecastMemo } from './forecast-memo';

/**
 * How long a finished container that no forecast minute needs is still kept,
 * ms (60,000: one minute). Unloading it at once turned every busy function's
 * ordinary ups and downs within a minute into cold starts: the Poisson headroom
 * sizes the pool for an arrival's instant, not for the minute's peak.
 */
export const AQUATOPE_EXCESS_KEEP_ALIVE_MS = MINUTE_MS;

/**
 * Share of the cluster's memory that running, idle and prewarmed containers may
 * fill before the policy orders no more prewarms at a tick (0.8). Past it,
 * prewarms only evict other functions' idle containers, which the next tick
 * prewarms back: at risk 0.99 on the 1,350-function day that loop evicted
 * about 2,000 containers a minute.
 */
export const AQUATOPE_MEMORY_SHARE = 0.8;

/** Minutes forecast at each tick, by default: the forecaster's horizon of DESIGN.md section 3 (12). */
export const AQUATOPE_HORIZON_MINUTES = 12;

/** Duration assumed for a function before its first invocation ends, ms (1,000). */
export const AQUATOPE_DEFAULT_DURATION_MS = 1_000;

/**
 * Weight of the newest run time in a function's exponentially weighted mean
 * duration (0.1: about the last ten invocations); the first end sets the mean.
 */
export const AQUATOPE_DURATION_WEIGHT = 0.1;

/**
 * Keep-alives end this long before a minute boundary, ms (1), so that the
 * tick at that boundary no longer counts a container that expires there and
 * prewarms a replacement if the new forecast still needs it.
 */
export const AQUATOPE_KEEP_ALIVE_MARGIN_MS = 1;

/**
 * Least keep-alive of a function with less than one forecaster input window of
 * history (so no forecast yet), ms: OpenWhisk's default 10 minutes
 * ({@link OPENWHISK_IDLE_CONTAINER_TIMEOUT_MS}). Such a function is sized from
 * its busiest minute so far instead (see {@link AquatopePolicy}).
 */
export const AQUATOPE_FALLBACK_KEEP_ALIVE_MS = OPENWHISK_IDLE_CONTAINER_TIMEOUT_MS;

/**
 * The containers one function needs at each of `horizon` forecast steps, as
 * the policy sizes them at a tick: step s needs
 * {@link containersNeeded}(the `risk`-quantile of window `window`'s count at
 * step s, `durationMs`, `headroomRisk`), written to `need[offset + s]`. Pure (the
 * pool sizer action sizes its targets with it too).
 * @param headroomRisk the probability an arrival finds a free container given the count
 *   (the Poisson headroom); default `risk`.
 * @returns step 0's `risk`-quantile count (what step 0 was sized for).
 * @throws RangeError as {@link containersNeeded} does.
 */
export function sizeForecastSteps(
  forecast: CountForecast,
  window: number,
  durationMs: number,
  risk: number,
  horizon: number,
  need: Int32Array,
  offset: number,
  headroomRisk: number = risk,
): number {
  let first = 0;
  for (let s = 0; s < horizon; s++) {
    const count = forecast.quantile(window, s, risk);
    if (s === 0) first = count;
    need[offset + s] = containersNeeded(count, durationMs, headroomRisk);
  }
  return first;
}

/**
 * The least level of both quantiles of `aquatope-worth@<GB-s>` and of the pool
 * sizer with a cold-start worth set (0.5: the median count).
 */
export const WORTH_POLICY_LEAST_LEVEL = 0.5;

/** The greatest quantile level {@link sizeForecastStepsByWorth} takes (1 - 1e-6). */
export const WORTH_LEVEL_MAX = 1 - 1e-6;

/**
 * Exponent of the count in the headroom level of {@link sizeForecastStepsByWorth}
 * (0.5). With 1 the level counts every arrival of the minute as saved by each
 * spare container (an upper bound: a cold start adds a container that serves
 * the rest of the minute), with 0 none but one. On the held-out hours of the
 * keep-alive bench 0.5's curve lay on or below both (tuned on those hours;
 * BENCHMARKS.md, issue 3).
 */
export const WORTH_HEADROOM_EXPONENT = 0.5;

function clampLevel(q: number, least: number): number {
  return q < least ? least : q > WORTH_LEVEL_MAX ? WORTH_LEVEL_MAX : q;
}

/**
 * The headroom level {@link sizeForecastStepsByWorth} gives a count:
 * 1 - theta / max(1, count)^{@link WORTH_HEADROOM_EXPONENT}, within [least, {@link WORTH_LEVEL_MAX}]. Pure.
 */
export function worthHeadroomLevel(theta: number, count: number, least: number): number {
  return clampLevel(1 - theta / Math.pow(Math.max(1, count), WORTH_HEADROOM_EXPONENT), least);
}

/**
 * Like {@link sizeForecastSteps}, with both levels from what a cold start is
 * worth, so that every function's pool is sized at the same exchange rate of
 * idle memory for cold starts: keeping one of its containers (`memoryMB`) idle
 * for a minute costs memoryMB / 1,024 x 60 GB-s, and theta = that / `worthGBs`
 * is the least chance of use that pays for it. The count is taken at quantile
 * 1 - theta (a minute gets a container while the chance it has an arrival is
 * at least theta) and the Poisson headroom at {@link worthHeadroomLevel} (a busy
 * function's spare container saves more cold starts, so it keeps more of them),
 * both within [`least`, {@link WORTH_LEVEL_MAX}].
 * @param worthGBs idle memory one cold start is worth, GB-s, > 0.
 * @param least the least level of both quantiles, in (0, 1).
 * @returns step 0's count (what step 0 was sized for).
 * @throws RangeError as {@link containersNeeded} does.
 */
export function sizeForecastStepsByWorth(
  forecast: CountForecast,
  window: number,
  durationMs: number,
  memoryMB: number,
  worthGBs: number,
  least: number,
  horizon: number,
  need: Int32Array,
  offset: number,
): number {
  const theta = worthTheta(memoryMB, worthGBs);
  const countLevel = worthCountLevel(memoryMB, worthGBs, least);
  let first = 0;
  for (let s = 0; s < horizon; s++) {
    const count = forecast.quantile(window, s, countLevel);
    if (s === 0) first = count;
    need[offset + s] = containersNeeded(count, durationMs, worthHeadroomLevel(theta, count, least));
  }
  return first;
}

/**
 * The count quantile level {@link sizeForecastStepsByWorth} sizes a function
 * of `memoryMB` at: 1 - {@link worthTheta}, within [least, {@link WORTH_LEVEL_MAX}]. Pure.
 */
export function worthCountLevel(memoryMB: number, worthGBs: number, least: number): number {
  return clampLevel(1 - worthTheta(memoryMB, worthGBs), least);
}

/** theta of {@link sizeForecastStepsByWorth}: a container's idle GB-s per minute over `worthGBs`. Pure. */
export function worthTheta(memoryMB: number, worthGBs: number): number {
  return ((memoryMB / 1024) * (MINUTE_MS / 1000)) / worthGBs;
}

/**
 * The end of the unbroken run of forecast steps from `step` that need at
 * least `rank` containers: the first step at or after `step` (of
 * `need[offset .. offset + horizon)`) that needs fewer, or `horizon`. Equal to
 * `step` when `step` itself needs fewer. Pure.
 */
export function unbrokenRunEnd(need: Int32Array, offset: number, horizon: number, step: number, rank: number): number {
  let e = step;
  while (e < horizon && need[offset + e] >= rank) e++;
  return e;
}

/** How an {@link AquatopePolicy} is built. */
export interface AquatopeOptions {
  /**
   * The risk level: the forecast quantile of the count, and the probability an
   * arrival should find a free container (0 < risk < 1, e.g. 0.5, 0.9, 0.99, 0.999).
   */
  readonly risk: number;
  /**
   * The probability an arrival should find a free container given the minute's
   * count: the Poisson headroom of {@link containersNeeded} (0 < headroomRisk < 1).
   * Default `risk`. Apart from `risk` it separates the two uncertainties a pool
   * covers: how many invocations a minute has (the forecast's, `risk`) and how
   * many of them overlap (`headroomRisk`).
   */
  readonly headroomRisk?: number;
  /**
   * Idle memory one cold start is worth, GB-s (> 0). When set, each function's
   * count quantile and headroom come from it and the function's memory
   * ({@link sizeForecastStepsByWorth}), `risk` is only their least level,
   * `headroomRisk` is not used, and the policy is named `aquatope-worth@<GB-s>`.
   * Default: unset (the quantiles are `risk` and `headroomRisk`).
   */
  readonly coldStartWorthGBs?: number;
  /** Where the forecasts come from (a forecaster and seed; may be shared by the policies of one run). */
  readonly memo: ForecastMemo;
  /**
   * Absolute minute of the run's minute 0, counted from midnight of the trace's
   * day 0 (time-of-day and day-of-week features come from it). Default 0.
   */
  readonly originMinute?: number;
  /**
   * Per function (by index; as many as the run has), invocation counts of the
   * minutes just before the run, oldest first, the last one the minute before
   * minute 0. Only the last `contextMinutes` of the forecaster (default its
   * `historyMinutes`) are read. Default:
   * none (every function starts with no history).
   */
  readonly history?: readonly (Uint32Array | Float64Array)[];
  /** Minutes forecast at each tick, an integer >= 1. Default {@link AQUATOPE_HORIZON_MINUTES}. */
  readonly horizonMinutes?: number;
}

/**
 * Forecast-driven prewarming and keep-alive.
 *
 * What it observes: per function, the count of arrivals in each minute, built
 * only from `onArrival` calls (plus the optional pre-run history), and each
 * invocation's run time from `onInvocationEnd` (an exponentially weighted mean,
 * {@link AQUATOPE_DURATION_WEIGHT}, {@link AQUATOPE_DEFAULT_DURATION_MS} before the first end).
 *
 * At the tick of minute m it forecasts, in one batched call, every function with
 * at least one full input window (the forecaster's `historyMinutes` of counts of
 * minutes < m, ending at absolute minute originMinute + m; the window holds up
 * to its `contextMinutes` when they have been seen), `horizonMinutes`
 * steps: step s is minute m + s. A step needs
 * {@link containersNeeded}(risk-quantile of its count, mean duration, headroomRisk)
 * containers: 0 when the quantile is below 0.5 invocations, else 1 plus the
 * headroomRisk-quantile of the Poisson number of busy containers, whose mean is
 * Little's law (count / 60,000 ms x duration ms). When the arrivals seen so
 * far in the current minute exceed its forecast quantile, the minute needs at
 * least what that count needs (checked at each invocation end).
 *
 * A function's pool is its running activations plus its idle or loading
 * containers. At each tick, pending prewarm orders are cancelled, then, in
 * order of each function's chance of an arrival in the minute and while the
 * cluster's containers fill less than {@link AQUATOPE_MEMORY_SHARE} of its
 * memory ({@link PolicyContext.clusterMemoryMB}), the
 * deficit of minute m is prewarmed at once and the deficit of minute m + 1 so
 * that it is ready at that minute's start (delay = time to the boundary minus
 * the prewarm load time, at least 0). The container of rank r (the pool's
 * r-th) is kept idle until the end of the last minute of the unbroken run of
 * forecast minutes, from the current one, that need at least r containers
 * (minus {@link AQUATOPE_KEEP_ALIVE_MARGIN_MS}), and at least
 * {@link AQUATOPE_EXCESS_KEEP_ALIVE_MS} (also when the current minute needs
 * fewer): a finished container's rank is its function's running activations
 * plus idle or loading containers plus one.
 *
 * Warm-up: a function with less than one window of history is not forecast.
 * Each of its next `horizonMinutes` minutes needs what its busiest minute so
 * far needs ({@link containersNeeded} of that count at headroomRisk; none before its first
 * arrival), prewarmed and kept as above, and every container it frees is kept
 * at least {@link AQUATOPE_FALLBACK_KEEP_ALIVE_MS} (OpenWhisk's 10 minutes).
 * A steady function that just started (a freshly deployed action) thus gets
 * the concurrency headroom of its first minutes, not one container.
 *
 * `onArrival` and `onInvocationEnd` allocate nothing; `onMinute` allocates the
 * batch of windows and the prewarm order.
 */
export class AquatopePolicy implements PoolPolicy {
  /**
   * `aquatope@<risk>`, e.g. `aquatope@0.9`; `aquatope@<risk>/<headroomRisk>` when they differ;
   * `aquatope-worth@<GB-s>` with a cold-start worth.
   */
  readonly name: string;
  /** Always true: the forecasts are made at minute ticks. */
  readonly wantsMinuteTicks = true;
  readonly risk: number;
  readonly headroomRisk: number;
  /** See {@link AquatopeOptions.coldStartWorthGBs}. */
  readonly coldStartWorthGBs: number | undefined;
  readonly originMinute: number;
  readonly horizonMinutes: number;
  private readonly memo: ForecastMemo;
  private readonly history: readonly (Uint32Array | Float64Array)[] | undefined;

  private functionCount = 0;
  private minutes = 0;
  private loadMs = 0;
  /** Container memory per function, MB. */
  private memoryMB = new Float64Array(0);
  /** Memory that containers may fill before prewarms stop, MB ({@link AQUATOPE_MEMORY_SHARE} of the cluster). */
  private budgetMB = Number.POSITIVE_INFINITY;
  /** Minutes in a forecaster input window. */
  private windowMinutes = 0;
  /** The forecaster's historyMinutes: a function is forecast once it has this many minutes of past. */
  private needMinutes = 0;
  /** Per function: windowMinutes slots of pre-run history (the forecaster's contextMinutes), then one slot per minute of the run. */
  private stride = 0;
  private counts = new Float64Array(0);
  /** Pre-run minutes of history per function (at most windowMinutes). */
  private preMinutes = new Int32Array(0);
  /** Activations that arrived and have not ended, per function. */
  private running = new Int32Array(0);
  private durationMs = new Float64Array(0);
  private durationSeen = new Uint8Array(0);
  /** 1 when the function was forecast at the last tick. */
  private forecastReady = new Uint8Array(0);
  /** 1 when the function was sized from its busiest minute at the last tick (less than a window of history). */
  private warmingUp = new Uint8Array(0);
  /** Containers needed per function and forecast step (horizonMinutes per function). */
  private need = new Int32Array(0);
  /** The count step 0's need was last sized for (its forecast quantile, or the arrivals seen in the minute since). */
  private sizedCount = new Float64Array(0);
  /** When the function's pending prewarm order starts loading, ms (NaN = none pending). */
  private pendingStartMs = new Float64Array(0);
  /** Minute of the last tick (-1 before the first). */
  private tickMinute = -1;

  /**
   * @throws Error naming the value when `risk` is not strictly between 0 and 1,
   *   `originMinute` is not an integer or `horizonMinutes` is not an integer >= 1.
   */
  constructor(options: AquatopeOptions) {
    const { risk, memo, originMinute = 0, history, horizonMinutes = AQUATOPE_HORIZON_MINUTES } = options;
    const headroomRisk = options.headroomRisk ?? risk;
    if (!(risk > 0 && risk < 1)) throw new Error(`aquatope: risk must be strictly between 0 and 1, got ${String(risk)}`);
    if (!(headroomRisk > 0 && headroomRisk < 1)) {
      throw new Error(`aquatope: headroomRisk must be strictly between 0 and 1, got ${String(headroomRisk)}`);
    }
    if (!Number.isInteger(originMinute)) throw new Error(`aquatope: originMinute must be an integer, got ${String(originMinute)}`);
    if (!Number.isInteger(horizonMinutes) || horizonMinutes < 1) {
      throw new Error(`aquatope: horizonMinutes must be an integer >= 1, got ${String(horizonMinutes)}`);
    }
    this.name = headroomRisk === risk ? `aquatope@${String(risk)}` : `aquatope@${String(risk)}/${String(headroomRisk)}`;
    this.risk = risk;
    this.headroomRisk = headroomRisk;
    const worth = options.coldStartWorthGBs;
    if (worth !== undefined && !(worth > 0 && Number.isFinite(worth))) {
      throw new Error(`aquatope: coldStartWorthGBs must be a finite number > 0, got ${String(worth)}`);
    }
    this.coldStartWorthGBs = worth;
    if (worth !== undefined) this.name = `aquatope-worth@${String(worth)}`;
    this.memo = memo;
    this.originMinute = originMinute;
    this.history = history;
    this.horizonMinutes = horizonMinutes;
  }

  /**
   * Clears all state and loads the pre-run history.
   * @throws RangeError when the history does not have one series per function, a
   *   count is negative or not finite, or the forecaster's `historyMinutes` is not
   *   a positive integer.
   */
  reset(ctx: PolicyContext): void {
    const n = ctx.functionCount;
    const win = this.memo.forecaster.historyMinutes;
    if (!Number.isInteger(win) || win < 1) {
      throw new RangeError(`aquatope: forecaster ${this.memo.forecaster.name} has historyMinutes ${win}, expected an integer >= 1`);
    }
    const h = this.history;
    if (h !== undefined && h.length !== n) throw new RangeError(`aquatope: history has ${h.length} functions, the run has ${n}`);
    this.functionCount = n;
    this.minutes = ctx.minutes;
    this.loadMs = Math.max(0, ctx.prewarmLoadMs);
    this.memoryMB = Float64Array.from(ctx.memoryMB, (mb) => (mb > 0 ? mb : 0));
    this.budgetMB = ctx.clusterMemoryMB !== undefined && ctx.clusterMemoryMB > 0 ? AQUATOPE_MEMORY_SHARE * ctx.clusterMemoryMB : Number.POSITIVE_INFINITY;
    const context = Math.max(win, this.memo.forecaster.contextMinutes ?? win);
    this.needMinutes = win;
    this.windowMinutes = context;
    this.stride = context + ctx.minutes;
    this.counts = new Float64Array(n * this.stride);
    this.preMinutes = new Int32Array(n);
    if (h !== undefined) {
      for (let f = 0; f < n; f++) {
        const series = h[f];
        const k = Math.min(context, series.length);
        for (let i = 0; i < k; i++) {
          const v = series[series.length - k + i];
          if (!(v >= 0) || !Number.isFinite(v)) {
            throw new RangeError(`aquatope: history of function ${ctx.functionIds[f] ?? f} has count ${v} at ${series.length - k + i}`);
          }
          this.counts[f * this.stride + context - k + i] = v;
        }
        this.preMinutes[f] = k;
      }
    }
    this.running = new Int32Array(n);
    this.durationMs = new Float64Array(n).fill(AQUATOPE_DEFAULT_DURATION_MS);
    this.durationSeen = new Uint8Array(n);
    this.forecastReady = new Uint8Array(n);
    this.warmingUp = new Uint8Array(n);
    this.need = new Int32Array(n * this.horizonMinutes);
    this.sizedCount = new Float64Array(n);
    this.pendingStartMs = new Float64Array(n).fill(Number.NaN);
    this.tickMinute = -1;
  }

  /** Counts the arrival in its minute and as running. */
  onArrival(fn: number, nowMs: number): void {
    this.running[fn]++;
    const m = Math.floor(nowMs / MINUTE_MS);
    if (m >= 0 && m < this.minutes) this.counts[fn * this.stride + this.windowMinutes + m] += 1;
  }

  /**
   * Learns the run time and keeps the container for the forecast minutes that
   * need its rank (see the class description).
   * @returns the keep-alive, ms: at least {@link AQUATOPE_EXCESS_KEEP_ALIVE_MS} (the grace
   *   of a container no forecast minute needs), at least {@link AQUATOPE_FALLBACK_KEEP_ALIVE_MS}
   *   for a function not forecast yet (exactly that before the first tick).
   */
  onInvocationEnd(fn: number, nowMs: number, control: PoolControl, durationMs: number): number {
    if (this.running[fn] > 0) this.running[fn]--;
    if (durationMs >= 0 && durationMs < Number.POSITIVE_INFINITY) {
      if (this.durationSeen[fn] === 1) this.durationMs[fn] += AQUATOPE_DURATION_WEIGHT * (durationMs - this.durationMs[fn]);
      else {
        this.durationMs[fn] = durationMs;
        this.durationSeen[fn] = 1;
      }
    }
    const warmingUp = this.warmingUp[fn] === 1;
    if (this.forecastReady[fn] === 0 && !warmingUp) return AQUATOPE_FALLBACK_KEEP_ALIVE_MS;
    const least = warmingUp ? AQUATOPE_FALLBACK_KEEP_ALIVE_MS : AQUATOPE_EXCESS_KEEP_ALIVE_MS;
    const step = Math.floor(nowMs / MINUTE_MS) - this.tickMinute;
    if (step < 0 || step >= this.horizonMinutes) return least;
    if (step === 0) {
      // The current minute needs at least what its arrivals so far need: the forecast may have been low.
      const seen = this.counts[fn * this.stride + this.windowMinutes + this.tickMinute];
      if (seen > this.sizedCount[fn]) {
        this.sizedCount[fn] = seen;
        const needed = containersNeeded(seen, this.durationMs[fn], this.headroomOf(fn, seen));
        const i = fn * this.horizonMinutes;
        if (needed > this.need[i]) this.need[i] = needed;
      }
    }
    const rank = this.running[fn] + control.idleOrLoading(fn) + 1;
    const keepAlive = this.runEndMs(fn, step, rank) - AQUATOPE_KEEP_ALIVE_MARGIN_MS - nowMs;
    return keepAlive > least ? keepAlive : least;
  }

  /** Forecasts every function with a full window, sizes the others from their busiest minute, and prewarms the deficits. */
  onMinute(minute: number, nowMs: number, control: PoolControl): void {
    this.tickMinute = minute;
    const H = this.horizonMinutes;
    const windows: ForecastWindow[] = [];
    const keys: number[] = [];
    // Prewarms go first to the functions most likely to be invoked this minute, within the memory budget.
    const order: { f: number; p: number }[] = [];
    for (let f = 0; f < this.functionCount; f++) {
      const available = this.preMinutes[f] + minute;
      const end = f * this.stride + this.windowMinutes + minute;
      if (available >= this.needMinutes) {
        windows.push({ counts: this.counts.subarray(end - Math.min(available, this.windowMinutes), end), endMinute: this.originMinute + minute, key: String(f) });
        keys.push(f);
        this.warmingUp[f] = 0;
      } else {
        this.forecastReady[f] = 0;
        this.warmingUp[f] = 1;
        let busiest = 0;
        for (let i = end - available; i < end; i++) if (this.counts[i] > busiest) busiest = this.counts[i];
        const needed = containersNeeded(busiest, this.durationMs[f], this.headroomOf(f, busiest));
        this.need.fill(needed, f * H, (f + 1) * H);
        this.sizedCount[f] = busiest;
        if (needed > 0) order.push({ f, p: 1 });
      }
    }
    if (windows.length > 0) {
      const forecast = this.memo.forecast(minute, windows, keys, H);
      for (let w = 0; w < keys.length; w++) {
        const f = keys[w];
        this.sizedCount[f] =
          this.coldStartWorthGBs === undefined
            ? sizeForecastSteps(forecast, w, this.durationMs[f], this.risk, H, this.need, f * H, this.headroomRisk)
            : sizeForecastStepsByWorth(forecast, w, this.durationMs[f], this.memoryMB[f], this.coldStartWorthGBs, this.risk, H, this.need, f * H);
        this.forecastReady[f] = 1;
        order.push({ f, p: 1 - forecast.cdf(w, 0, 0) });
      }
    }
    if (order.length === 0) return;
    const nextDelay = Math.max(0, (minute + 1) * MINUTE_MS - this.loadMs - nowMs);
    order.sort((a, b) => b.p - a.p || a.f - b.f);
    let usedMB = 0;
    for (let f = 0; f < this.functionCount; f++) usedMB += (this.running[f] + control.idleOrLoading(f)) * this.memoryMB[f];
    for (const { f } of order) {
      if (this.pendingStartMs[f] >= nowMs) control.cancelPrewarms(f);
      this.pendingStartMs[f] = Number.NaN;
      this.retainIdle(f, control);
      const before = this.running[f] + control.idleOrLoading(f);
      const room = Math.floor((this.budgetMB - usedMB) / this.memoryMB[f]);
      if (!(room > 0)) continue;
      const pool = this.prewarmDeficit(f, 0, before, nowMs, 0, control, before + room);
      let after = pool;
      if (H >= 2) {
        after = this.prewarmDeficit(f, 1, pool, nowMs, nextDelay, control, before + room);
        if (after > pool && nextDelay > 0) this.pendingStartMs[f] = nowMs + nextDelay;
      }
      usedMB += (after - before) * this.memoryMB[f];
    }
  }

  /**
   * Containers `fn` needs at forecast step `step` of the last tick, forecast or
   * sized from its busiest minute (for tests and reports; 0 before the first tick).
   * @throws RangeError when `fn` or `step` is out of range.
   */
  containersNeeded(fn: number, step: number): number {
    this.checkFunction(fn);
    if (!Number.isInteger(step) || step < 0 || step >= this.horizonMinutes) {
      throw new RangeError(`aquatope: step ${step} out of range [0, ${this.horizonMinutes})`);
    }
    return this.forecastReady[fn] === 1 || this.warmingUp[fn] === 1 ? this.need[fn * this.horizonMinutes + step] : 0;
  }

  /**
   * The duration the policy assumes for `fn`, ms: the weighted mean of the run
   * times it has seen, {@link AQUATOPE_DEFAULT_DURATION_MS} before the first.
   * @throws RangeError when `fn` is out of range.
   */
  meanDurationMs(fn: number): number {
    this.checkFunction(fn);
    return this.durationMs[fn];
  }

  /** The headroom level of `fn` for `count` invocations in a minute. */
  private headroomOf(fn: number, count: number): number {
    const worth = this.coldStartWorthGBs;
    return worth === undefined ? this.headroomRisk : worthHeadroomLevel(worthTheta(this.memoryMB[fn], worth), count, this.risk);
  }

  private checkFunction(fn: number): void {
    if (!Number.isInteger(fn) || fn < 0 || fn >= this.functionCount) {
      throw new RangeError(`aquatope: function ${fn} out of range [0, ${this.functionCount}) (was reset called?)`);
    }
  }

  /**
   * End (ms since the run's start) of the last minute of the unbroken run of
   * forecast steps from `step` that need at least `rank` containers; NaN when
   * `step` itself needs fewer.
   */
  private runEndMs(fn: number, step: number, rank: number): number {
    const e = unbrokenRunEnd(this.need, fn * this.horizonMinutes, this.horizonMinutes, step, rank);
    return e === step ? Number.NaN : (this.tickMinute + e) * MINUTE_MS;
  }

  /**
   * Keeps each idle container for the run of forecast minutes its rank needs:
   * ranks follow the running activations, the idle container kept longest
   * first; rank r is kept to the end of the unbroken run of steps from the
   * current minute that need at least r containers, or from the next minute
   * when the current one needs fewer (the deficit of the next minute counts
   * it). Without it, a container's keep-alive is the one set when it went idle,
   * from an older forecast: one that went idle while the pool was full got the
   * one-minute grace, and when arrivals slowed, the pool the tick counted
   * expired within the minute.
   */
  private retainIdle(fn: number, control: PoolControl): void {
    const running = this.running[fn];
    const top = running + control.idleOrLoading(fn);
    let rank = running + 1;
    while (rank <= top) {
      const end = this.rankEndMs(fn, rank);
      if (Number.isNaN(end)) return;
      let last = rank;
      while (last < top && this.rankEndMs(fn, last + 1) === end) last++;
      control.keepIdle(fn, last - running, end - AQUATOPE_KEEP_ALIVE_MARGIN_MS);
      rank = last + 1;
    }
  }

  /** {@link runEndMs} of `rank` from step 0, else from step 1; NaN when neither needs it. */
  private rankEndMs(fn: number, rank: number): number {
    const e = this.runEndMs(fn, 0, rank);
    return Number.isNaN(e) && this.horizonMinutes >= 2 ? this.runEndMs(fn, 1, rank) : e;
  }

  /**
   * Orders the containers of ranks pool + 1 .. min(need(step), cap), starting to
   * load at now + `delayMs`, each kept for its rank's run of minutes.
   * @returns the pool once they are ordered.
   */
  private prewarmDeficit(fn: number, step: number, pool: number, nowMs: number, delayMs: number, control: PoolControl, cap: number): number {
    const target = Math.min(cap, this.need[fn * this.horizonMinutes + step]);
    const readyMs = nowMs + delayMs + this.loadMs;
    let rank = pool + 1;
    while (rank <= target) {
      const end = this.runEndMs(fn, step, rank);
      let last = rank;
      while (last < target && this.runEndMs(fn, step, last + 1) === end) last++;
      const keepAlive = end - AQUATOPE_KEEP_ALIVE_MARGIN_MS - readyMs;
      if (keepAlive > 0) control.prewarm(fn, last - rank + 1, delayMs, keepAlive);
      rank = last + 1;
    }
    return target > pool ? target : pool;
  }
}

/**
 * The policy `aquatope@<risk>`.
 * @throws Error naming the value when an option is out of range (see {@link AquatopePolicy}).
 */
export function aquatopePolicy(options: AquatopeOptions): AquatopePolicy {
  return new AquatopePolicy(options);
}

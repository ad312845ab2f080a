/**
 * One `forecaster` tick: the second step of the one-minute scheduler chain,
 * with every effect behind {@link ForecastTickPorts}.
 *
 * 1. Claim the tick (`forecaster`, or `forecaster-shard-<i>-of-<n>` for a
 *    shard) at the fire time: a repeated alarm does nothing.
 * 2. Read the recorded minutes before the fire time's minute: `contextMinutes`
 *    of them plus one (the previous tick's window). A function's window is the
 *    unbroken run of recorded minutes that ends just before the fire time's
 *    minute, at most `contextMinutes` long (an unrecorded minute is unknown,
 *    not zero, so the window starts after it); every function shares it, and
 *    a function is forecast when it was invoked in it. A shorter window than
 *    the forecaster's `historyMinutes` forecasts nothing (the pool sizer falls
 *    back to the platform's keep-alive). A shard keeps the functions whose
 *    name's {@link hashString} is `index` mod `count`.
 * 3. "Changed": a function whose window is identical, minute by minute, to
 *    its window at the previous tick (the same length and the same counts) and
 *    that the forecaster forecasts from the counts alone
 *    ({@link SchedulerForecaster.countsOnly}: ours, every window the idle-time
 *    model takes) gets the previous tick's forecast of it copied, which is
 *    what forecasting it again would give; every other function is forecast,
 *    all in one batch, `horizonMinutes` ahead. So a function idle in both
 *    windows keeps its forecast; one whose window moved, or that the network
 *    forecasts (its time-of-day features move every minute), does not.
 * 4. Everything random draws from one generator seeded by the first minute
 *    and the shard ({@link forecastTickRng}): the same tick gives the same forecast.
 * 5. Store the {@link Forecast} (the shard's own document), once: a re-run
 *    stores nothing twice, and a different forecast stored first is kept.
 * 6. Complete the tick.
 */
import { hashString, SeededRng } from '../core/rng';
import type { CountForecast, ForecastWindow } from '../forecast/forecast-types';
import type { Forecast, ForecastShard, FunctionForecast } from '../store/forecast-repository';
import { isStoreError } from '../store/store-error';
import type { ForecastTickPorts, MinuteCounts } from './forecast-tick-ports';
import { guarded, SchedulerError, toSchedulerError } from './scheduler-error';
import { claimTick, completeTick, fireMinuteOf, isoMinute, MINUTE_MS } from './tick';

/** Quantile levels every forecast stores (the pool sizer's risk level is added). */
export const FORECAST_LEVELS: readonly number[] = [0.05, 0.5, 0.9, 0.95, 0.99];

/**
 * Quantile levels also stored when the pool sizer sizes by a cold-start worth.
 * Each function's count level 1 - theta (see `sizeForecastStepsByWorth`) lies
 * anywhere in [0.5, 1 - 1e-6] by its memory, and is read at the smallest
 * stored level at or above it (more containers, never fewer). With
 * {@link FORECAST_LEVELS} these put the stored thetas (1 - level) from 0.5
 * down to 0.001 at most 1.75 times apart, so the theta read is within that
 * factor of the function's own (at 260 GB-s: 256 MB's 0.942 is read at 0.95,
 * 128 MB's 0.971 at 0.975, 512 MB's 0.885 at 0.9).
 */
export const WORTH_FORECAST_LEVELS: readonly number[] = [0.65, 0.75, 0.825, 0.93, 0.965, 0.975, 0.9825, 0.993, 0.995, 0.9965, 0.9975, 0.9985, 0.999, 0.9995, 0.9999];

/**
 * The levels the forecaster stores for a pool sizer at `riskLevel`, sized by
 * `coldStartWorthGBs` or not: {@link FORECAST_LEVELS} and `riskLevel`, plus
 * {@link WORTH_FORECAST_LEVELS} with a worth; sorted, de-duplicated.
 * @throws SchedulerError `invalid-input` for a level outside (0, 1)
 */
export function storedForecastLevels(riskLevel: number, coldStartWorthGBs: number | undefined): number[] {
  return forecastLevels([...FORECAST_LEVELS, riskLevel, ...(coldStartWorthGBs === undefined ? [] : WORTH_FORECAST_LEVELS)]);
}

/** Steps forecast by default, minutes (12: the network's horizon). */
export const DEFAULT_HORIZON_MINUTES = 12;

/** A forecast's expected count is the exact sum of P(count > k) when its 0.9999-quantile is at most this; above, the mean of this many evenly spaced quantiles. */
export const MEAN_EXACT_MAX_COUNT = 64;

/** What one tick is asked to do. */
export interface ForecastTickInput {
  /** The alarm's scheduled fire time, ISO 8601 with a zone. */
  readonly fireTime: string;
  /** Who claims the tick. */
  readonly claimant: string;
  /** This activation's shard of the functions; default the only one (`{index: 0, count: 1}`). */
  readonly shard?: ForecastShard;
}

/** Settings of a tick. */
export interface ForecastTickOptions {
  /** Tick lease, ms. */
  readonly leaseMs: number;
  /** Most minutes of each function's past read, an integer >= the forecaster's historyMinutes. */
  readonly contextMinutes: number;
  /** Steps forecast, an integer >= 1. Default {@link DEFAULT_HORIZON_MINUTES}. */
  readonly horizonMinutes?: number;
  /** Quantile levels stored, each in (0, 1) (sorted and de-duplicated here). Default {@link FORECAST_LEVELS}. */
  readonly levels?: readonly number[];
}

/** A tick that did nothing. */
export interface ForecastTickSkipped {
  readonly fireTime: string;
  readonly shard: ForecastShard;
  readonly skipped: 'already-done' | 'in-progress';
}

/** A tick that forecast. */
export interface ForecastTickActed {
  readonly fireTime: string;
  readonly shard: ForecastShard;
  /** The forecast's first minute (the fire time's minute), canonical ISO UTC. */
  readonly firstMinute: string;
  readonly model: string;
  readonly horizonMinutes: number;
  readonly levels: readonly number[];
  /** Minutes in the window (the unbroken run of recorded minutes before the first minute, at most contextMinutes). */
  readonly windowMinutes: number;
  /** The window is shorter than the forecaster's historyMinutes: nothing forecast. */
  readonly tooShort: boolean;
  /** Functions in the stored forecast. */
  readonly functions: number;
  /** Of those, forecast now. */
  readonly forecast: number;
  /** Of those, copied from the previous tick's forecast (an identical window). */
  readonly copied: number;
  /** `created`; `already-stored` (a re-run); `kept-first` (a different forecast was stored first and is kept). */
  readonly stored: 'created' | 'already-stored' | 'kept-first';
  readonly tick: 'completed' | 'lost';
}

/** The outcome of {@link runForecastTick}. */
export type ForecastTickSummary = ForecastTickSkipped | ForecastTickActed;

/** The tick kind of a shard: `forecaster` for the only one, `forecaster-shard-<index>-of-<count>` otherwise. */
export function forecasterTickKind(shard: ForecastShard): string {
  return shard.count === 1 ? 'forecaster' : `forecaster-shard-${shard.index}-of-${shard.count}`;
}

/** The generator of a tick: seeded by its first minute and its shard. */
export function forecastTickRng(firstMinute: string, shard: ForecastShard): SeededRng {
  return new SeededRng(hashString(`forecaster:${firstMinute}:${shard.index}/${shard.count}`));
}

/** Whether function `name` is in the shard: its {@link hashString} is `index` mod `count`. */
export function inShard(name: string, shard: ForecastShard): boolean {
  return hashString(name) % shard.count === shard.index;
}

/** Sorted, de-duplicated levels, each in (0, 1). */
export function forecastLevels(levels: readonly number[]): number[] {
  const sorted = [...levels].sort((a, b) => a - b);
  const out: number[] = [];
  for (const level of sorted) {
    if (!(level > 0 && level < 1)) throw new SchedulerError('invalid-input', `forecast levels: each must be strictly between 0 and 1, found ${level}`);
    if (out.length === 0 || level - out[out.length - 1] > 1e-12) out.push(level);
  }
  return out;
}

/**
 * The expected count of window `w` at step `s`: the sum of P(count > k) up to
 * the 0.9999-quantile when that is at most {@link MEAN_EXACT_MAX_COUNT}
 * (exact but for the tail above it); otherwise the mean of
 * {@link MEAN_EXACT_MAX_COUNT} quantiles at levels (i + 0.5) / n (the midpoint
 * rule on the quantile function).
 */
export function expectedCount(forecast: CountForecast, w: number, s: number): number {
  const top = forecast.quantile(w, s, 0.9999);
  let sum = 0;
  if (top <= MEAN_EXACT_MAX_COUNT) {
    for (let k = 0; k < top; k++) sum += 1 - forecast.cdf(w, s, k);
    return Math.max(0, sum);
  }
  for (let i = 0; i < MEAN_EXACT_MAX_COUNT; i++) sum += forecast.quantile(w, s, (i + 0.5) / MEAN_EXACT_MAX_COUNT);
  return Math.max(0, sum / MEAN_EXACT_MAX_COUNT);
}

function checkShard(shard: ForecastShard): ForecastShard {
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new SchedulerError('invalid-input', `shard: expected an integer count >= 1 and index in [0, count), found ${JSON.stringify(shard)}`);
  }
  return { index: shard.index, count: shard.count };
}

/** The window of every function: `counts[minute][function]` for the `length` minutes ending at `endMs` (exclusive). */
interface Window {
  readonly length: number;
  readonly minutes: readonly MinuteCounts[];
}

/** The unbroken run of recorded minutes ending just before `endMs`, at most `max` long. */
function windowEndingAt(byMinute: ReadonlyMap<string, MinuteCounts>, endMs: number, max: number): Window {
  const minutes: MinuteCounts[] = [];
  for (let m = endMs - MINUTE_MS; minutes.length < max; m -= MINUTE_MS) {
    const doc = byMinute.get(isoMinute(m));
    if (doc === undefined) break;
    minutes.push(doc);
  }
  return { length: minutes.length, minutes: minutes.reverse() };
}

function countsOf(window: Window, fn: string): Float64Array {
  return Float64Array.from(window.minutes, (m) => m.counts.get(fn) ?? 0);
}

function sameCounts(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameLevels(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Runs one tick.
 * @throws SchedulerError for every failure (`model-error` when the forecaster fails)
 */
export async function runForecastTick(input: ForecastTickInput, ports: ForecastTickPorts, options: ForecastTickOptions): Promise<ForecastTickSummary> {
  const { store, series, forecaster, wallClock } = ports;
  const fire = fireMinuteOf(input.fireTime);
  const shard = checkShard(input.shard ?? { index: 0, count: 1 });
  const horizon = options.horizonMinutes ?? DEFAULT_HORIZON_MINUTES;
  if (!Number.isInteger(horizon) || horizon < 1) throw new SchedulerError('invalid-input', `horizonMinutes: expected an integer >= 1, found ${horizon}`);
  const levels = forecastLevels(options.levels ?? FORECAST_LEVELS);
  const context = options.contextMinutes;
  if (!Number.isInteger(context) || context < forecaster.historyMinutes) {
    throw new SchedulerError('invalid-input', `contextMinutes: expected an integer >= ${forecaster.historyMinutes} (the forecaster's historyMinutes), found ${context}`);
  }

  const claim = await claimTick(store.ticks, forecasterTickKind(shard), fire.fireTime, wallClock, options.leaseMs, input.claimant);
  if (!claim.claimed) return { fireTime: fire.fireTime, shard, skipped: claim.skipped };

  const firstMinute = fire.minute;
  const recorded = await guarded('read the series', () => series.countsBetween(isoMinute(fire.minuteMs - (context + 1) * MINUTE_MS), firstMinute));
  const byMinute = new Map(recorded.map((m) => [m.minute, m]));
  const current = windowEndingAt(byMinute, fire.minuteMs, context);
  const previous = windowEndingAt(byMinute, fire.minuteMs - MINUTE_MS, context);
  const tooShort = current.length < forecaster.historyMinutes;

  const names = new Set<string>();
  if (!tooShort) {
    for (const m of current.minutes) for (const [fn, n] of m.counts) if (n > 0 && inShard(fn, shard)) names.add(fn);
  }
  const sorted = [...names].sort();

  const previousForecast =
    sorted.length === 0 || previous.length < forecaster.historyMinutes
      ? undefined
      : await guarded('read the previous forecast', () => store.forecasts.getShard(isoMinute(fire.minuteMs - MINUTE_MS), shard));
  const reusable =
    previousForecast !== undefined && previousForecast.model === forecaster.name && previousForecast.horizonMinutes === horizon && sameLevels(previousForecast.levels, levels)
      ? new Map(previousForecast.functions.map((f) => [f.function, f]))
      : undefined;

  const entries = new Map<string, FunctionForecast>();
  const windows: ForecastWindow[] = [];
  const keys: string[] = [];
  const endMinute = Math.floor(fire.minuteMs / MINUTE_MS);
  for (const fn of sorted) {
    const counts = countsOf(current, fn);
    const before = reusable?.get(fn);
    if (before !== undefined && forecaster.countsOnly(counts) && sameCounts(counts, countsOf(previous, fn))) {
      entries.set(fn, before);
      continue;
    }
    windows.push({ counts, endMinute, key: fn });
    keys.push(fn);
  }
  const copied = entries.size;
  if (windows.length > 0) {
    let forecast: CountForecast;
    try {
      forecast = forecaster.forecast(windows, horizon, forecastTickRng(firstMinute, shard));
    } catch (error) {
      throw new SchedulerError('model-error', `forecast ${windows.length} functions with ${forecaster.name}: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    keys.forEach((fn, w) => entries.set(fn, functionForecast(fn, forecast, w, horizon, levels)));
  }

  const doc: Forecast = {
    firstMinute,
    horizonMinutes: horizon,
    model: forecaster.name,
    levels,
    functions: sorted.map((fn) => entries.get(fn)).filter((f): f is FunctionForecast => f !== undefined),
    ...(shard.count === 1 ? {} : { shard }),
  };
  let stored: ForecastTickActed['stored'];
  try {
    stored = (await store.forecasts.save(doc)).outcome;
  } catch (error) {
    if (!isStoreError(error, 'conflict')) throw toSchedulerError(error, 'store the forecast');
    stored = 'kept-first';
  }
  const summary = { functions: doc.functions.length, forecast: keys.length, copied, stored };
  const tick = await completeTick(store.ticks, claim.tick, wallClock, JSON.stringify(summary));
  return {
    fireTime: fire.fireTime,
    shard,
    firstMinute,
    model: forecaster.name,
    horizonMinutes: horizon,
    levels,
    windowMinutes: current.length,
    tooShort,
    ...summary,
    tick,
  };
}

/** One function's stored forecast: the expected count and each level's quantile per step (quantiles made non-decreasing in level). */
function functionForecast(fn: string, forecast: CountForecast, w: number, horizon: number, levels: readonly number[]): FunctionForecast {
  const mean: number[] = [];
  const quantiles = levels.map(() => new Array<number>(horizon).fill(0));
  for (let s = 0; s < horizon; s++) {
    mean.push(finiteCount(expectedCount(forecast, w, s), fn, 'mean', s));
    let floor = 0;
    levels.forEach((level, k) => {
      const q = Math.max(floor, finiteCount(forecast.quantile(w, s, level), fn, `q${level}`, s));
      quantiles[k][s] = q;
      floor = q;
    });
  }
  return { function: fn, mean, quantiles };
}

function finiteCount(value: number, fn: string, what: string, step: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) throw new SchedulerError('model-error', `forecast of ${fn}: ${what} at step ${step} is ${value}, expected a finite count >= 0`);
  return value;
}

/**
 * Forecast sharing between policies that run on the same arrivals. The
 * keep-alive bench runs several risk levels of the same prewarm policy one
 * after the other; each observes the same arrivals, so at each minute tick it
 * builds the same windows, and the forecaster (an LSTM with Monte Carlo
 * samples) would compute the same forecast once per policy. The memo computes
 * it once and hands the same {@link CountForecast} back, but only to a caller
 * whose windows are exactly equal (every count, end minute, length and key) to
 * the ones it was computed from: a policy never sees anything but a forecast
 * of its own observed past.
 *
 * The random generator of a tick is derived from (seed, minute) alone
 * ({@link forecastTickRng}), so a forecast, cached or recomputed, does not depend
 * on the order or the number of policies. Ours remembers the windows it
 * forecast (by key) and reuses what it forecast for a minute only for a window
 * whose last counts before it are the same; policies that observe the same
 * arrivals hit this cache, so ours sees each minute once, in order.
 */

import { SeededRng } from '../core/rng';
import type { CountForecast, ForecastWindow, Forecaster } from '../forecast/forecast-types';

/**
 * The generator a tick's forecast draws from: a fresh {@link SeededRng} seeded
 * from the string `forecast:<seed>:<minute>`.
 * @param seed the run's forecast seed (any number).
 * @param minute the tick, minutes since the start of the run.
 */
export function forecastTickRng(seed: number, minute: number): SeededRng {
  return new SeededRng(`forecast:${seed}:${minute}`);
}

/** One cached forecast and what identifies the windows it was made from. */
interface MemoEntry {
  readonly horizon: number;
  /** Key (function index) of each window. */
  readonly keys: Int32Array;
  /** endMinute of each window. */
  readonly endMinutes: Float64Array;
  /** counts.length of each window. */
  readonly lengths: Int32Array;
  readonly forecast: CountForecast;
}

/**
 * The counts one key's windows have shown, by absolute minute, write-once
 * (NaN = not seen yet). Consecutive windows of a function overlap in all but
 * one minute, so this holds every cached window's counts in one array per
 * function instead of one copy per tick.
 */
interface KeySeries {
  /** Absolute minute of values[0]. */
  base: number;
  values: Float64Array;
}

/**
 * Caches one forecast per tick minute. Memory: one {@link CountForecast} per
 * cached minute (as large as the forecaster makes it) plus one count per
 * function and minute seen.
 */
export class ForecastMemo {
  private readonly entries = new Map<number, MemoEntry>();
  private readonly series = new Map<number, KeySeries>();
  private hitCount = 0;
  private missCount = 0;

  /**
   * @param forecaster computes the forecasts on a miss.
   * @param seed the forecast seed; a tick's generator is {@link forecastTickRng}(seed, minute).
   * @throws RangeError when `seed` is not a finite number.
   */
  constructor(
    readonly forecaster: Forecaster,
    readonly seed: number,
  ) {
    if (!Number.isFinite(seed)) throw new RangeError(`ForecastMemo: seed must be a finite number, got ${seed}`);
  }

  /** Calls answered from the cache. */
  get hits(): number {
    return this.hitCount;
  }

  /** Calls that ran the forecaster. */
  get misses(): number {
    return this.missCount;
  }

  /**
   * The forecast of `windows` at tick `minute`: the cached one when this minute's
   * entry was computed from exactly equal windows (same keys in the same order,
   * same end minutes, lengths and counts) and the same horizon, else a fresh one
   * from the forecaster with {@link forecastTickRng}(seed, minute), which then
   * replaces the minute's entry.
   * @param minute the tick, minutes since the start of the run.
   * @param windows the windows, one per key.
   * @param keys what each window is the past of (a function index), distinct.
   * @param horizon minutes to forecast after each window, >= 1.
   * @throws RangeError when `keys` and `windows` differ in length or a key repeats;
   *   Error when the forecaster returns a forecast of another shape.
   */
  forecast(minute: number, windows: readonly ForecastWindow[], keys: ArrayLike<number>, horizon: number): CountForecast {
    if (keys.length !== windows.length) {
      throw new RangeError(`ForecastMemo: ${keys.length} keys for ${windows.length} windows`);
    }
    const entry = this.entries.get(minute);
    if (entry !== undefined && this.matches(entry, windows, keys, horizon)) {
      this.hitCount++;
      return entry.forecast;
    }
    const distinct = new Set<number>();
    for (let w = 0; w < keys.length; w++) {
      if (distinct.has(keys[w])) throw new RangeError(`ForecastMemo: key ${keys[w]} appears twice in one batch`);
      distinct.add(keys[w]);
    }
    this.missCount++;
    const forecast = this.forecaster.forecast(windows, horizon, forecastTickRng(this.seed, minute));
    if (forecast.windows !== windows.length || forecast.horizon !== horizon) {
      throw new Error(
        `ForecastMemo: ${this.forecaster.name} returned ${forecast.windows} windows x ${forecast.horizon} steps ` +
          `for ${windows.length} windows x ${horizon} steps`,
      );
    }
    // Cached only when its counts agree with what earlier windows of the same keys showed
    // (always, for policies observing the same arrivals); the series stays write-once.
    if (this.consistent(windows, keys)) {
      this.record(windows, keys);
      this.entries.set(minute, {
        horizon,
        keys: Int32Array.from(keys),
        endMinutes: Float64Array.from(windows, (w) => w.endMinute),
        lengths: Int32Array.from(windows, (w) => w.counts.length),
        forecast,
      });
    }
    return forecast;
  }

  private matches(entry: MemoEntry, windows: readonly ForecastWindow[], keys: ArrayLike<number>, horizon: number): boolean {
    if (entry.horizon !== horizon || entry.keys.length !== windows.length) return false;
    for (let w = 0; w < windows.length; w++) {
      const win = windows[w];
      if (entry.keys[w] !== keys[w] || entry.endMinutes[w] !== win.endMinute || entry.lengths[w] !== win.counts.length) return false;
    }
    // Every minute of a cached entry's windows is in the write-once series.
    for (let w = 0; w < windows.length; w++) {
      const s = this.series.get(keys[w]);
      if (s === undefined) return false;
      const counts = windows[w].counts;
      const offset = windows[w].endMinute - counts.length - s.base;
      for (let i = 0; i < counts.length; i++) {
        if (s.values[offset + i] !== counts[i]) return false;
      }
    }
    return true;
  }

  /** Whether no count of `windows` contradicts one already in the series. */
  private consistent(windows: readonly ForecastWindow[], keys: ArrayLike<number>): boolean {
    for (let w = 0; w < windows.length; w++) {
      const counts = windows[w].counts;
      const first = windows[w].endMinute - counts.length;
      if (!Number.isInteger(first)) return false;
      const s = this.series.get(keys[w]);
      if (s === undefined) continue;
      for (let i = 0; i < counts.length; i++) {
        const j = first + i - s.base;
        if (j < 0 || j >= s.values.length) continue;
        const v = s.values[j];
        if (v === v && v !== counts[i]) return false;
      }
    }
    return true;
  }

  /** Writes the windows' counts into the series (only where the series is still empty). */
  private record(windows: readonly ForecastWindow[], keys: ArrayLike<number>): void {
    for (let w = 0; w < windows.length; w++) {
      const counts = windows[w].counts;
      const first = windows[w].endMinute - counts.length;
      const s = this.cover(keys[w], first, first + counts.length);
      for (let i = 0; i < counts.length; i++) {
        const j = first + i - s.base;
        if (s.values[j] !== s.values[j]) s.values[j] = counts[i];
      }
    }
  }

  /** The series of `key`, grown to hold the absolute minutes [lo, hi). */
  private cover(key: number, lo: number, hi: number): KeySeries {
    let s = this.series.get(key);
    if (s === undefined) {
      s = { base: lo, values: new Float64Array(Math.max(2 * (hi - lo), 64)).fill(Number.NaN) };
      this.series.set(key, s);
      return s;
    }
    const end = s.base + s.values.length;
    if (lo >= s.base && hi <= end) return s;
    const newBase = Math.min(lo, s.base);
    const newEnd = Math.max(hi, end);
    const grown = new Float64Array(Math.max(newEnd - newBase, 2 * s.values.length)).fill(Number.NaN);
    grown.set(s.values, s.base - newBase);
    s.base = newBase;
    s.values = grown;
    return s;
  }
}

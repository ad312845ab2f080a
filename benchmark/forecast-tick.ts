import type { Clock } from '../src/core/clock';
import { hashString, SeededRng } from '../src/core/rng';
import type { Forecaster, ForecastWindow } from '../src/forecast/forecast-types';

/** The contract of `tick.json`: what one forecasting tick for every function costs. */
export interface TickReport {
  readonly source: string;
  readonly functions: number;
  readonly forecaster: string;
  readonly horizon: number;
  /** Minutes forecast (one tick each), trace-relative. */
  readonly minutes: readonly number[];
  /** Wall time of each tick, ms, in minute order. Timing: differs between runs. */
  readonly tickMs: readonly number[];
  readonly meanTickMs: number;
  readonly maxTickMs: number;
  /** Peak resident set size seen after each tick, MB. Timing-like: differs between runs. */
  readonly peakRssMB: number;
}

export interface TickInput {
  readonly source: string;
  readonly series: readonly ArrayLike<number>[];
  readonly forecaster: Forecaster;
  readonly horizon: number;
  /** Trace-relative minutes to forecast; each needs historyMinutes before it. */
  readonly minutes: readonly number[];
  readonly seed: number;
  readonly clock: Clock;
  /** Resident set size now, bytes (process.memoryUsage().rss in the CLI). */
  readonly rssBytes: () => number;
}

/**
 * Times one forecasting tick per minute in `minutes`: one forecast() call with
 * a window for every function, as the forecaster action makes once a minute.
 * Each window holds the forecaster's context (`contextMinutes`, or as many
 * minutes as there are before the minute) and is keyed by the function's index,
 * so a forecaster that remembers earlier ticks (the adaptive average) does.
 * @throws RangeError when a minute has less than historyMinutes before it.
 */
export function runTickBench(input: TickInput): TickReport {
  const h = input.forecaster.historyMinutes;
  const context = Math.max(h, input.forecaster.contextMinutes ?? h);
  const tickMs: number[] = [];
  let peak = input.rssBytes();
  for (const t of input.minutes) {
    if (t < h) throw new RangeError(`minute ${t} has ${t} minutes before it; ${input.forecaster.name} needs ${h}`);
    const from = Math.max(0, t - context);
    const windows: ForecastWindow[] = input.series.map((s, f) => ({ counts: Float64Array.from({ length: t - from }, (_, i) => s[from + i]), endMinute: t, key: String(f) }));
    const rng = new SeededRng(hashString(`${input.seed}/tick/${t}`));
    const t0 = input.clock.nowMs();
    input.forecaster.forecast(windows, input.horizon, rng);
    tickMs.push(input.clock.nowMs() - t0);
    peak = Math.max(peak, input.rssBytes());
  }
  return {
    source: input.source,
    functions: input.series.length,
    forecaster: input.forecaster.name,
    horizon: input.horizon,
    minutes: input.minutes,
    tickMs,
    meanTickMs: tickMs.reduce((a, b) => a + b, 0) / Math.max(1, tickMs.length),
    maxTickMs: tickMs.reduce((a, b) => Math.max(a, b), 0),
    peakRssMB: peak / 2 ** 20,
  };
}

import { cdfAt } from '../../src/forecast/metrics';
import type { Rng } from '../../src/core/rng';
import type { CountForecast, ForecastWindow, Forecaster } from '../../src/forecast/forecast-types';

/** One call a {@link FakeForecaster} received, with copies of what it was given. */
export interface ForecastCall {
  /** Each window's counts, copied at the call. */
  readonly counts: number[][];
  readonly endMinutes: number[];
  /** Each window's key (undefined when it has none). */
  readonly keys: (string | undefined)[];
  readonly horizon: number;
  /** The first draw of the generator it was given. */
  readonly firstDraw: number;
}

/**
 * The count a fake forecasts for one window and step: `q` is the quantile asked
 * for, or null for the point forecast; `draw` is the call's first random draw.
 */
export type FakeRule = (counts: Float64Array, step: number, q: number | null, draw: number) => number;

/** A deterministic forecaster for tests: a rule of the window, recording every call. */
export class FakeForecaster implements Forecaster {
  readonly calls: ForecastCall[] = [];

  constructor(
    readonly name: string,
    readonly historyMinutes: number,
    private readonly rule: FakeRule,
    /** Minutes it asks for when the caller has them (see Forecaster.contextMinutes). */
    readonly contextMinutes?: number,
  ) {}

  forecast(windows: readonly ForecastWindow[], horizon: number, rng: Rng): CountForecast {
    if (horizon < 1) throw new RangeError(`horizon must be >= 1, got ${horizon}`);
    for (const w of windows) {
      if (w.counts.length < this.historyMinutes) throw new RangeError(`window of ${w.counts.length} < ${this.historyMinutes} minutes`);
    }
    const copies = windows.map((w) => Float64Array.from(w.counts));
    const draw = rng.next();
    this.calls.push({ counts: copies.map((c) => Array.from(c)), endMinutes: windows.map((w) => w.endMinute), keys: windows.map((w) => w.key), horizon, firstDraw: draw });
    const rule = this.rule;
    return {
      windows: windows.length,
      horizon,
      point: (w, s) => rule(copies[w], s, null, draw),
      quantile: (w, s, q) => rule(copies[w], s, q, draw),
      cdf: (w, s, k) => cdfAt((q) => rule(copies[w], s, q, draw), k, false),
    };
  }
}

/** Point = the window's last count; q-quantile = point x (1 + q). */
export function lastValueForecaster(historyMinutes: number): FakeForecaster {
  return new FakeForecaster('fake-last-value', historyMinutes, (c, _s, q) => c[c.length - 1] * (q === null ? 1 : 1 + q));
}

/** Point and every quantile = the count one `period` before the forecast minute (seasonal naive). */
export function seasonalForecaster(historyMinutes: number, period: number): FakeForecaster {
  return new FakeForecaster('fake-seasonal', historyMinutes, (c, s) => c[c.length - period + (s % period)]);
}

/** Point and every quantile = `perStep[step]` (the last entry beyond its end), for every window. */
export function stepForecaster(historyMinutes: number, perStep: readonly number[]): FakeForecaster {
  return new FakeForecaster('fake-steps', historyMinutes, (_c, s) => perStep[Math.min(s, perStep.length - 1)]);
}

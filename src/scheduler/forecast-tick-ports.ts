/**
 * The ports of one forecaster tick: the repositories it uses, the per-minute
 * counts it reads (the store's series, possibly through a per-container
 * cache), the forecaster, and the wall clock of tick leases.
 */
import type { Forecaster } from '../forecast/forecast-types';
import type { ForecastRepository } from '../store/forecast-repository';
import type { SchedulerTicks, WallClock } from './tick';

/** Every function's invocation count in one recorded minute. */
export interface MinuteCounts {
  /** Start of the minute, canonical ISO UTC. */
  readonly minute: string;
  /** Function -> invocations started in the minute (functions absent: 0). */
  readonly counts: ReadonlyMap<string, number>;
}

/** Reads the recorded minutes' counts. */
export interface SeriesCountsReader {
  /** The recorded minutes in [from, to) (canonical ISO minutes), oldest first; minutes nobody recorded are absent. */
  countsBetween(from: string, to: string): Promise<MinuteCounts[]>;
}

/** A forecaster that says when its forecast of a window depends on the counts alone. */
export interface SchedulerForecaster extends Forecaster {
  /**
   * True when its forecast of a window with these counts depends on them alone
   * (not on the window's end minute), so an identical window gets an identical
   * forecast and the previous one may be copied: for ours, a window the
   * idle-time model forecasts (not busy); the network's time features move
   * every minute.
   */
  countsOnly(counts: Float64Array): boolean;
}

/** The repositories a forecaster tick uses (a `Store` is one). */
export interface ForecastTickStore {
  readonly ticks: SchedulerTicks;
  readonly forecasts: Pick<ForecastRepository, 'save' | 'getShard'>;
}

/** Everything a forecaster tick talks to. */
export interface ForecastTickPorts {
  readonly store: ForecastTickStore;
  readonly series: SeriesCountsReader;
  readonly forecaster: SchedulerForecaster;
  readonly wallClock: WallClock;
}

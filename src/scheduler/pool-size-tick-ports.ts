/**
 * The ports of one pool-sizer tick: the repositories it reads and writes, the
 * platform calls that prewarm containers (per function by warm-up
 * invocations, or per runtime kind and memory through the runtime-manifest
 * admin endpoint), and the wall clock of tick leases. Production wires the
 * CouchDB store and the OpenWhisk adapter ({@link openWhiskPoolPlatform});
 * tests wire fakes.
 */
import type { AppliedActionRepository } from '../store/applied-action-repository';
import type { ForecastRepository } from '../store/forecast-repository';
import type { PoolDecisionRepository } from '../store/pool-decision-repository';
import type { SeriesRepository } from '../store/series-repository';
import type { SchedulerTicks, WallClock } from './tick';

/** What prewarming one function did. */
export interface PrewarmOutcome {
  /** Warm-up invocations that answered `{ warmed: true }`, an integer in [0, count]. */
  readonly warmed: number;
  /** Why the others did not. */
  readonly failures: readonly string[];
}

/** How many stem cells (prewarmed runtime containers) to keep of one runtime kind and memory size. */
export interface StemCellTarget {
  /** Runtime kind, e.g. `nodejs:20`. */
  readonly kind: string;
  /** Memory of one container, MB (an integer >= 1). */
  readonly memoryMB: number;
  /** Stem cells to keep, an integer >= 0. */
  readonly count: number;
}

/** A stem-cell target the platform could not set, with why (e.g. its kind is not in the cluster's manifest). */
export interface StemCellTargetSkipped extends StemCellTarget {
  readonly reason: string;
}

/** What setting stem-cell counts did. */
export interface StemCellOutcome {
  /** The targets set. */
  readonly applied: readonly StemCellTarget[];
  /** The targets not set, with why. */
  readonly skipped: readonly StemCellTargetSkipped[];
}

/**
 * The aggregate prewarm path: stem cells per (runtime kind, memory), through
 * the runtime-manifest admin endpoint of the dynamic-prewarm extension.
 */
export interface StemCellPlatform {
  /**
   * The runtime kind of each of `actions` (fully qualified names) the platform
   * knows; an action missing from the answer gets the configured default kind.
   */
  kindsOf(actions: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** Sets the stem-cell counts of the kinds and memories given, leaving every other runtime of the cluster's manifest as it is. Called once per tick. */
  setStemCells(targets: readonly StemCellTarget[]): Promise<StemCellOutcome>;
}

/** The platform calls of a pool-sizer tick. */
export interface PoolPlatform {
  /** Starts (or keeps warm) `count` containers of `action` (fully qualified name), e.g. by warm-up invocations. */
  prewarm(action: string, count: number): Promise<PrewarmOutcome>;
  /** The aggregate path, when the cluster has the runtime-manifest admin endpoint; needed in prewarm mode `runtime-manifest`. */
  readonly stemCells?: StemCellPlatform;
}

/** The repositories a pool-sizer tick uses (a `Store` is one). */
export interface PoolSizeTickStore {
  readonly ticks: SchedulerTicks;
  readonly forecasts: Pick<ForecastRepository, 'latestMinuteAtOrBefore' | 'shardsAt'>;
  readonly series: Pick<SeriesRepository, 'range'>;
  readonly poolDecisions: Pick<PoolDecisionRepository, 'save' | 'get'>;
  readonly appliedActions: Pick<AppliedActionRepository, 'record' | 'get' | 'appliedSince'>;
}

/** Everything a pool-sizer tick talks to. */
export interface PoolSizeTickPorts {
  readonly store: PoolSizeTickStore;
  readonly platform: PoolPlatform;
  readonly wallClock: WallClock;
}

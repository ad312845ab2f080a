/**
 * The ports of one pool-sizer tick: the repositories it reads and writes, the
 * platform call that prewarms containers, and the wall clock of tick leases.
 * Production wires the CouchDB store and the OpenWhisk adapter
 * ({@link openWhiskPoolPlatform}); tests wire fakes.
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

/** The platform call of a pool-sizer tick. */
export interface PoolPlatform {
  /** Starts (or keeps warm) `count` containers of `action` (fully qualified name), e.g. by warm-up invocations. */
  prewarm(action: string, count: number): Promise<PrewarmOutcome>;
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

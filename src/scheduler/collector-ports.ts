/**
 * The ports of one collector tick: the repositories it reads and writes, the
 * platform call that lists activations, and the wall clock of tick leases.
 * Production wires the CouchDB store and the OpenWhisk adapter
 * ({@link openWhiskCollectorPlatform}); tests wire fakes.
 */
import type { SeriesRepository } from '../store/series-repository';
import type { SchedulerTicks, WallClock } from './tick';

/** One activation, as the collector needs it. */
export interface CollectedActivation {
  readonly activationId: string;
  /** Fully qualified name of what ran: `/namespace/[package/]name`. */
  readonly action: string;
  /**
   * The `kind` annotation (`nodejs:20`, `sequence`, ...); undefined for an
   * activation that is not an action's (a trigger's or a rule's).
   */
  readonly kind: string | undefined;
  /** When it started, epoch ms. */
  readonly startMs: number;
  /** When it ended, epoch ms; undefined when it has not (no end or duration yet). */
  readonly endMs: number | undefined;
  /** A cold start: the record has an `initTime` annotation. */
  readonly coldStart: boolean;
  /** A warm-up invocation of the pool sizer (it answered `{ warmed: true }`). */
  readonly warmup: boolean;
  /** It succeeded. */
  readonly success: boolean;
  /** Memory limit it ran with, MB, from its `limits` annotation; undefined when absent. */
  readonly memoryMB: number | undefined;
}

/** A window of activation start times, epoch ms, both ends inclusive. */
export interface CollectionWindow {
  readonly sinceMs: number;
  readonly uptoMs: number;
}

/** The platform call of a collector tick. */
export interface CollectorPlatform {
  /** Every activation (any action, any trigger) that started in the window, full records, every page. */
  activations(window: CollectionWindow): Promise<CollectedActivation[]>;
}

/** The repositories a collector tick uses (a `Store` is one). */
export interface CollectorStore {
  readonly ticks: SchedulerTicks;
  readonly series: Pick<SeriesRepository, 'recordMinute' | 'latestMinuteAtOrBefore'>;
}

/** Everything a collector tick talks to. */
export interface CollectorPorts {
  readonly store: CollectorStore;
  readonly platform: CollectorPlatform;
  readonly wallClock: WallClock;
}

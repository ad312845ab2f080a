/**
 * The ports of one `bo-step` tick: the repositories it reads and writes, the
 * platform calls it makes and the wall clock of tick leases. Production wires
 * the CouchDB {@link Store} and the OpenWhisk adapter; tests wire fakes.
 */
import type { AppliedActionRepository } from '../store/applied-action-repository';
import type { ObservationRepository } from '../store/observation-repository';
import type { SearchStateRepository } from '../store/search-state-repository';
import type { TickRepository } from '../store/tick-repository';
import type { WorkflowConfigRepository } from '../store/workflow-config-repository';
import type { TuningMethod } from '../tuning/tuning-method';

/** The repositories a tick uses (a {@link Store} is one). */
export interface BoStepStore {
  readonly ticks: Pick<TickRepository, 'claimTick' | 'completeTick'>;
  readonly observations: Pick<ObservationRepository, 'append' | 'get' | 'forWorkflow'>;
  readonly searchStates: Pick<SearchStateRepository, 'get' | 'create' | 'replace'>;
  readonly appliedActions: Pick<AppliedActionRepository, 'record'>;
  readonly workflowConfigs: Pick<WorkflowConfigRepository, 'get' | 'replace'>;
}

/** One activation of a stage's action, as the tick needs it. */
export interface StageActivation {
  readonly activationId: string;
  /** When it started, epoch ms. */
  readonly startMs: number;
  /** Its run time, ms (init time of a cold start included, as OpenWhisk reports it). */
  readonly durationMs: number;
  /** It succeeded (status code 0). */
  readonly success: boolean;
  /** It failed because it ran out of memory. */
  readonly outOfMemory: boolean;
  /** Peak memory it reported, MB (undefined: not reported). */
  readonly peakMemoryMB?: number;
}

/** A window of activation start times, epoch ms, both ends inclusive. */
export interface ActivationWindow {
  readonly sinceMs: number;
  readonly uptoMs: number;
}

/** New limits of one stage's action. */
export interface StageLimitsChange {
  /** Memory limit, MB (an integer). */
  readonly memoryMB: number;
  /** CPU limit, cores: only on a cluster with the CPU-limit extension (absent: CPU follows memory). */
  readonly cpu?: number;
}

/** What the platform said about a limits change. */
export interface LimitsApplied {
  /**
   * When the platform recorded the change, epoch ms, by its own clock (the
   * one that stamps activations; OpenWhisk's `updated`); absent when it does
   * not say, and the tick's wall clock is used.
   */
  readonly platformTimeMs?: number;
  /**
   * Whether the limits changed. False: the action already had them and was
   * left as it was (an update would make a new revision, whose processes all
   * start cold); `platformTimeMs` is then when it last changed.
   */
  readonly changed: boolean;
}

/** The platform calls of a tick. */
export interface BoStepPlatform {
  /** Every activation of `action` (`name` or `package/name`) that started in the window. */
  stageActivations(action: string, window: ActivationWindow): Promise<StageActivation[]>;
  /** Sets the action's limits, leaving an action that already has them as it is. */
  updateLimits(action: string, change: StageLimitsChange): Promise<LimitsApplied>;
  /** Sends `count` warm-up invocations to the action at once, so up to `count` of its processes are started or kept warm. */
  prewarm(action: string, count: number): Promise<WarmupOutcome>;
}

/** What the warm-ups of {@link BoStepPlatform.prewarm} did. */
export interface WarmupOutcome {
  /** Warm-ups the action answered as warm-ups. */
  readonly warmed: number;
  /** Why the others were not, one message each. */
  readonly failures: readonly string[];
}

/** Wall-clock time for tick leases and probe start times (compared across processes, so not the monotonic Clock port). */
export interface WallClock {
  /** Now, epoch ms (an integer). */
  nowEpochMs(): number;
}

/** Everything a tick talks to. */
export interface BoStepPorts {
  readonly store: BoStepStore;
  readonly platform: BoStepPlatform;
  readonly method: TuningMethod;
  readonly wallClock: WallClock;
}

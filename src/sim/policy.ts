/**
 * The keep-alive / prewarm policy interface. A policy implements it once and
 * the simulator (and, later, the live pool-sizer) calls it. Hooks run on the
 * simulator's hot path: they must not allocate per call. Decisions come back
 * as a return value (keep-alive) or through {@link PoolControl} method calls.
 */

/** What a policy knows about the functions before the run starts. */
export interface PolicyContext {
  /** Number of functions; functions are numbered 0..functionCount-1. */
  readonly functionCount: number;
  /** Function identifiers, by index. */
  readonly functionIds: readonly string[];
  /** Container memory per function, MB. */
  readonly memoryMB: Float64Array;
  /** Time from a prewarm order to a ready (code-initialised) container, ms. */
  readonly prewarmLoadMs: number;
  /** Length of the run in minutes. */
  readonly minutes: number;
  /**
   * Memory of all invokers together, MB (stem cells included), for policies
   * that budget their prewarms. Default: unbounded (a policy sees no limit).
   */
  readonly clusterMemoryMB?: number;
}

/** What a policy can do to the warm pool. */
export interface PoolControl {
  /**
   * Order `count` containers of `fn` to start loading at now + `delayMs`; each is
   * ready {@link PolicyContext.prewarmLoadMs} later and then stays idle at most
   * `keepAliveMs` before it is unloaded. A start on a ready prewarmed container is warm.
   */
  prewarm(fn: number, count: number, delayMs: number, keepAliveMs: number): void;
  /** Cancel every prewarm order of `fn` that has not started loading yet. */
  cancelPrewarms(fn: number): void;
  /** Containers of `fn` that are idle or loading right now (busy ones excluded). */
  idleOrLoading(fn: number): number;
  /**
   * Keep at least `count` of `fn`'s idle containers until at least `untilMs`
   * (ms since the run's start): the ones whose keep-alive runs longest are
   * counted first, and those of them that would go sooner are kept to
   * `untilMs`. No keep-alive is shortened, no container is started, and
   * loading or busy containers are not counted. It is what a warm-up
   * invocation does on a stock OpenWhisk, where it runs on an idle container
   * and restarts that container's idle timer.
   */
  keepIdle(fn: number, count: number, untilMs: number): void;
}

/** A keep-alive / prewarm policy. */
export interface PoolPolicy {
  /** The name it has in reports, e.g. `hybrid-histogram`, `fixed-20`. */
  readonly name: string;
  /** Whether {@link PoolPolicy.onMinute} should be called (skipped otherwise, to save time). */
  readonly wantsMinuteTicks: boolean;
  /** Called once before a run; clears any state from a previous run. */
  reset(ctx: PolicyContext): void;
  /**
   * An activation of `fn` arrived at `nowMs` (before it is placed). Most
   * policies only observe it; a workflow-aware one may prewarm the stages it
   * announces through `control` (an order placed here cannot serve this activation).
   */
  onArrival(fn: number, nowMs: number, control: PoolControl): void;
  /**
   * An activation of `fn` ended at `nowMs` and its container is free.
   * @param durationMs how long the activation's code ran, ms: its duration at full
   *   speed times the CPU slow-down of its invoker when it started; start latency
   *   (cold, stem-cell or warm start) and queueing excluded. Policies that do not
   *   learn durations ignore it.
   * @returns how long that container stays idle before it is unloaded, ms (0 = unload now).
   */
  onInvocationEnd(fn: number, nowMs: number, control: PoolControl, durationMs: number): number;
  /** Start of simulated minute `minute` (0-based), at `nowMs`; only when `wantsMinuteTicks`. */
  onMinute(minute: number, nowMs: number, control: PoolControl): void;
}

/** Milliseconds in a minute. */
export const MINUTE_MS = 60_000;

/**
 * One action, two revisions: a manager that changes an action's limits
 * mid-run updates it in place. OpenWhisk never reuses a container of the old
 * revision for the new one, so the simulator runs the two revisions as two
 * functions; to the manager they are one action with one series of counts.
 *
 * This wrapper gives the pool policy inside it that view:
 * - every arrival and every end of an old revision's activation is also
 *   one of its new revision, so the new revision's forecast, running count
 *   and run time start from the action's, not from nothing;
 * - the policy cannot prewarm or keep a revision outside its live span: not
 *   the new one before the update, not the old one after it;
 * - a container of the old revision that frees up after the update is
 *   unloaded (no activation can use it again);
 * - with a warm handover ({@link RevisionUpdate.warmFromMs}) the new
 *   revision is live from then, and at the first policy call at or after it
 *   the wrapper prewarms the new revision to as many containers as the old
 *   one has running, idle or loading, so the arrivals from the update on find
 *   the pool the old revision had (the inner policy's own prewarms count).
 *
 * Before the update an old revision's running activations are also counted
 * under its new one, so a policy that budgets the cluster's memory counts
 * them twice until then (it prewarms less, not more). It sees only the past,
 * as the policy it wraps.
 */
import type { PolicyContext, PoolControl, PoolPolicy } from '../sim/policy';

/** One update of one action. */
export interface RevisionUpdate {
  /** Function index of the revision before the update. */
  readonly from: number;
  /** Function index of the revision after it. */
  readonly to: number;
  /** When the update takes effect (arrivals from then run on the new revision), ms since the run's start. */
  readonly atMs: number;
  /**
   * Warm handover: from when (ms since the run's start, at most `atMs`) the
   * new revision exists beside the old one and is prewarmed to the old one's
   * pool. On OpenWhisk that is a second action warmed by as many concurrent
   * warm-up invocations, to which the composition's step is pointed at
   * `atMs`. Default: none (the new revision starts with no containers).
   */
  readonly warmFromMs?: number;
}

/** How long a handover's prewarmed container may stay idle after the update before it is unloaded, ms (the inner policy's ticks may keep it longer). */
export const HANDOVER_KEEP_ALIVE_MS = 60_000;

/** The wrapper. Named after the policy it wraps. */
export class ActionRevisionsPolicy implements PoolPolicy {
  readonly name: string;
  readonly wantsMinuteTicks: boolean;
  private readonly updates: readonly RevisionUpdate[];
  /** Per function: live from (ms), live until (ms, exclusive), the new revision its arrivals also count for (-1: none). */
  private liveFrom = new Float64Array(0);
  private liveUntil = new Float64Array(0);
  private successor = new Int32Array(0);
  /** Per function: activations arrived and not yet ended. */
  private running = new Int32Array(0);
  /** The updates with a warm handover, earliest first, and the first not yet made. */
  private readonly handovers: readonly RevisionUpdate[];
  private nextHandover = 0;
  private now = 0;
  private loadMs = 0;
  private readonly gated: PoolControl;
  private control: PoolControl | undefined;

  /** @throws RangeError when an update names a function twice, names one as both revisions, has a time that is not finite and >= 0, or a warmFromMs after its atMs. */
  constructor(
    private readonly inner: PoolPolicy,
    updates: readonly RevisionUpdate[],
  ) {
    this.name = inner.name;
    this.wantsMinuteTicks = inner.wantsMinuteTicks;
    const seen = new Set<number>();
    for (const u of updates) {
      if (!(u.atMs >= 0) || !Number.isFinite(u.atMs)) throw new RangeError(`revision update ${u.from} -> ${u.to}: atMs must be a finite number >= 0, got ${u.atMs}`);
      if (u.warmFromMs !== undefined && !(u.warmFromMs >= 0 && u.warmFromMs <= u.atMs)) throw new RangeError(`revision update ${u.from} -> ${u.to}: warmFromMs must be a number in [0, atMs = ${u.atMs}], got ${u.warmFromMs}`);
      for (const fn of [u.from, u.to]) {
        if (!Number.isInteger(fn) || fn < 0) throw new RangeError(`revision update ${u.from} -> ${u.to}: function index ${fn} is not an integer >= 0`);
        if (seen.has(fn)) throw new RangeError(`revision update ${u.from} -> ${u.to}: function ${fn} is in more than one revision slot`);
        seen.add(fn);
      }
    }
    this.updates = updates;
    this.handovers = updates.filter((u) => u.warmFromMs !== undefined).sort((a, b) => (a.warmFromMs ?? 0) - (b.warmFromMs ?? 0));
    const live = (fn: number): boolean => this.now >= this.liveFrom[fn] && this.now < this.liveUntil[fn];
    this.gated = {
      prewarm: (fn, count, delayMs, keepAliveMs) => {
        if (live(fn)) this.outer().prewarm(fn, count, delayMs, keepAliveMs);
      },
      cancelPrewarms: (fn) => this.outer().cancelPrewarms(fn),
      idleOrLoading: (fn) => this.outer().idleOrLoading(fn),
      keepIdle: (fn, count, untilMs) => {
        if (live(fn)) this.outer().keepIdle(fn, count, untilMs);
      },
    };
  }

  reset(ctx: PolicyContext): void {
    const n = ctx.functionCount;
    for (const u of this.updates) {
      if (u.from >= n || u.to >= n) throw new RangeError(`revision update ${u.from} -> ${u.to}: the run has ${n} functions`);
    }
    this.liveFrom = new Float64Array(n);
    this.liveUntil = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.successor = new Int32Array(n).fill(-1);
    for (const u of this.updates) {
      this.liveUntil[u.from] = u.atMs;
      this.liveFrom[u.to] = u.warmFromMs ?? u.atMs;
      this.successor[u.from] = u.to;
    }
    this.running = new Int32Array(n);
    this.loadMs = ctx.prewarmLoadMs;
    this.nextHandover = 0;
    this.now = 0;
    this.control = undefined;
    this.inner.reset(ctx);
  }

  onArrival(fn: number, nowMs: number, control: PoolControl): void {
    this.enter(nowMs, control);
    this.running[fn]++;
    this.inner.onArrival(fn, nowMs, this.gated);
    const next = this.successor[fn];
    if (next >= 0) this.inner.onArrival(next, nowMs, this.gated);
  }

  onInvocationEnd(fn: number, nowMs: number, control: PoolControl, durationMs: number): number {
    this.enter(nowMs, control);
    if (this.running[fn] > 0) this.running[fn]--;
    const keepMs = this.inner.onInvocationEnd(fn, nowMs, this.gated, durationMs);
    // The action's run ended too: the new revision's view keeps its running count and run time (its own keep-alive answer is for a container it does not have).
    const next = this.successor[fn];
    if (next >= 0) this.inner.onInvocationEnd(next, nowMs, this.gated, durationMs);
    return nowMs >= this.liveUntil[fn] ? 0 : keepMs;
  }

  onMinute(minute: number, nowMs: number, control: PoolControl): void {
    this.enter(nowMs, control);
    this.inner.onMinute(minute, nowMs, this.gated);
  }

  private enter(nowMs: number, control: PoolControl): void {
    this.now = nowMs;
    this.control = control;
    for (; this.nextHandover < this.handovers.length; this.nextHandover++) {
      const u = this.handovers[this.nextHandover];
      if ((u.warmFromMs ?? 0) > nowMs) break;
      const missing = this.running[u.from] + control.idleOrLoading(u.from) - control.idleOrLoading(u.to);
      if (missing > 0) control.prewarm(u.to, missing, 0, Math.max(0, u.atMs - nowMs - this.loadMs) + HANDOVER_KEEP_ALIVE_MS);
    }
  }

  private outer(): PoolControl {
    if (this.control === undefined) throw new Error('action-revisions: the pool was used outside a policy call');
    return this.control;
  }
}

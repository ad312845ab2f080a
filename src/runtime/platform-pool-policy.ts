/**
 * The pool policy of a stock OpenWhisk cluster driven from outside: every
 * container that goes idle is kept for the platform's idle-container timeout
 * (OpenWhisk's 10 minutes), and containers are prewarmed only when someone
 * asks, as the pool sizer does with warm-up invocations. The local runtime's
 * simulated cluster runs under it, so what the manager's actions do through
 * the OpenWhisk API is what changes the cluster.
 */
import { MINUTE_MS, type PolicyContext, type PoolControl, type PoolPolicy } from '../sim/policy';

/** OpenWhisk's `idle-container` timeout, ms. */
export const PLATFORM_KEEP_ALIVE_MS = 10 * MINUTE_MS;

/** A stock cluster's keep-alive plus the prewarms requested through the platform. */
export class PlatformPoolPolicy implements PoolPolicy {
  readonly name = 'platform';
  readonly wantsMinuteTicks = true;
  private pending = new Float64Array(0);
  private pendingAny = false;
  /** Prewarms applied so far (containers started for warm-up requests). */
  applied = 0;

  /** @param keepAliveMs how long an idle container is kept, ms (default {@link PLATFORM_KEEP_ALIVE_MS}). */
  constructor(private readonly keepAliveMs: number = PLATFORM_KEEP_ALIVE_MS) {
    if (!(keepAliveMs > 0) || !Number.isFinite(keepAliveMs)) throw new RangeError(`keepAliveMs must be a positive finite number of ms, got ${keepAliveMs}`);
  }

  reset(ctx: PolicyContext): void {
    this.pending = new Float64Array(ctx.functionCount);
    this.pendingAny = false;
    this.applied = 0;
  }

  /**
   * A warm-up invocation of `fn` arrived: at the next minute tick the cluster
   * makes sure one more container of it than is idle is warm, as a warm-up
   * sent to a stock OpenWhisk runs on an idle container if there is one and
   * starts a new one otherwise.
   */
  requestWarmUp(fn: number): void {
    if (!(fn >= 0 && fn < this.pending.length)) throw new RangeError(`requestWarmUp: no function ${fn}`);
    this.pending[fn] += 1;
    this.pendingAny = true;
  }

  onArrival(): void {}

  onInvocationEnd(): number {
    return this.keepAliveMs;
  }

  onMinute(_minute: number, _nowMs: number, control: PoolControl): void {
    if (!this.pendingAny) return;
    for (let fn = 0; fn < this.pending.length; fn++) {
      const wanted = this.pending[fn];
      if (wanted === 0) continue;
      this.pending[fn] = 0;
      const missing = Math.max(0, wanted - control.idleOrLoading(fn));
      if (missing > 0) {
        control.prewarm(fn, missing, 0, this.keepAliveMs);
        this.applied += missing;
      }
    }
    this.pendingAny = false;
  }
}

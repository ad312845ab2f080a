/**
 * Workflow-aware prewarming around any pool policy: the manager deployed the
 * workflows' stages, so it knows their DAG. When an invocation enters a
 * workflow (its entry stage's activation arrives), every later stage will be
 * needed within the invocation's run time; any of them without an idle or
 * loading container for each invocation on its way is prewarmed at once, so
 * the cold start overlaps the earlier stages' runs instead of adding to the
 * end-to-end latency (the cascading cold starts of function chains that
 * Xanadu, Middleware 2020, measured). At deployment (minute 0) each stage gets
 * one container, as a freshly deployed action would get from its first
 * invocation.
 *
 * Everything else (keep-alive after each run, the inner policy's own
 * prewarms) is the inner policy's: the wrapper adds containers, it never
 * removes or shortens any. It sees only arrivals that happened (no future).
 *
 * It runs in the simulator (the system bench); the deployed manager prewarms
 * only through the pool sizer's per-minute warm-up invocations, so on a real
 * cluster this would be each composition's entry step sending non-blocking
 * warm-up invocations of its later stages (not built yet).
 */
import { MINUTE_MS, type PolicyContext, type PoolControl, type PoolPolicy } from '../sim/policy';
import { OPENWHISK_IDLE_CONTAINER_TIMEOUT_MS } from './fixed-keep-alive';

/** The workflows' shape as the wrapper needs it, by function index. */
export interface DagPrewarmOptions {
  /**
   * Per function, the functions an arrival of it announces: for a workflow's
   * entry stage every other stage of that workflow, empty for every other
   * function (functions outside any workflow included). A function may be
   * announced by at most one entry stage. Every invocation is taken to reach
   * every stage it announces (no conditional branches, no failures), as in the
   * system bench; an announced activation that never came would stay counted
   * as on its way.
   */
  readonly downstream: readonly (readonly number[])[];
  /**
   * Idle time of a prewarmed container no activation took, ms (default
   * {@link DAG_PREWARM_UNUSED_KEEP_ALIVE_MS}); once it has run, the inner
   * policy decides how long it stays.
   */
  readonly unusedKeepAliveMs?: number;
  /**
   * Idle time of the one container per stage prewarmed at deployment, ms
   * (default OpenWhisk's idle container timeout, 10 minutes).
   */
  readonly deployKeepAliveMs?: number;
}

/** Default idle time of a cascade prewarm that no activation took: one minute, ms. */
export const DAG_PREWARM_UNUSED_KEEP_ALIVE_MS = MINUTE_MS;

/**
 * The wrapper. Named `dag:<inner name>`. `onArrival` allocates nothing.
 */
export class DagPrewarmPolicy implements PoolPolicy {
  readonly name: string;
  readonly wantsMinuteTicks = true;
  private readonly unusedKeepAliveMs: number;
  private readonly deployKeepAliveMs: number;
  private readonly downstream: readonly (readonly number[])[];
  /** Announced function per function: 1 when some entry stage announces it. */
  private readonly announced: Uint8Array;
  /** Per function, invocations that entered its workflow and whose activation of it has not arrived yet. */
  private pending = new Int32Array(0);
  private deployed = false;
  /** Containers the wrapper ordered (cascade and deployment), for tests and reports. */
  private ordered = 0;

  /**
   * @throws Error when a function is announced twice, announces itself, or an
   *   index is outside the table, or a keep-alive is not a non-negative finite number.
   */
  constructor(
    private readonly inner: PoolPolicy,
    options: DagPrewarmOptions,
  ) {
    this.name = `dag:${inner.name}`;
    this.downstream = options.downstream;
    this.unusedKeepAliveMs = options.unusedKeepAliveMs ?? DAG_PREWARM_UNUSED_KEEP_ALIVE_MS;
    this.deployKeepAliveMs = options.deployKeepAliveMs ?? OPENWHISK_IDLE_CONTAINER_TIMEOUT_MS;
    checkKeepAlive('unusedKeepAliveMs', this.unusedKeepAliveMs);
    checkKeepAlive('deployKeepAliveMs', this.deployKeepAliveMs);
    const n = options.downstream.length;
    this.announced = new Uint8Array(n);
    options.downstream.forEach((list, fn) => {
      for (const d of list) {
        if (!Number.isInteger(d) || d < 0 || d >= n) throw new Error(`dag-prewarm: function ${fn} announces function ${d}, outside 0..${n - 1}`);
        if (d === fn) throw new Error(`dag-prewarm: function ${fn} announces itself`);
        if (this.announced[d] === 1) throw new Error(`dag-prewarm: function ${d} is announced by more than one entry stage`);
        this.announced[d] = 1;
      }
    });
  }

  /** Containers the wrapper has ordered since the last reset. */
  get prewarmsOrdered(): number {
    return this.ordered;
  }

  /** @throws Error when the run has a different number of functions than the table. */
  reset(ctx: PolicyContext): void {
    if (ctx.functionCount !== this.downstream.length) {
      throw new Error(`dag-prewarm: the run has ${ctx.functionCount} functions, the workflow table ${this.downstream.length}`);
    }
    this.inner.reset(ctx);
    this.pending = new Int32Array(ctx.functionCount);
    this.deployed = false;
    this.ordered = 0;
  }

  onArrival(fn: number, nowMs: number, control: PoolControl): void {
    this.inner.onArrival(fn, nowMs, control);
    if (this.announced[fn] === 1 && this.pending[fn] > 0) this.pending[fn]--;
    const list = this.downstream[fn];
    for (let k = 0; k < list.length; k++) {
      const d = list[k];
      const waiting = ++this.pending[d];
      const deficit = waiting - control.idleOrLoading(d);
      if (deficit > 0) {
        control.prewarm(d, deficit, 0, this.unusedKeepAliveMs);
        this.ordered += deficit;
      }
    }
  }

  onInvocationEnd(fn: number, nowMs: number, control: PoolControl, durationMs: number): number {
    return this.inner.onInvocationEnd(fn, nowMs, control, durationMs);
  }

  onMinute(minute: number, nowMs: number, control: PoolControl): void {
    if (!this.deployed) {
      this.deployed = true;
      for (let fn = 0; fn < this.downstream.length; fn++) {
        const inWorkflow = this.announced[fn] === 1 || this.downstream[fn].length > 0;
        if (inWorkflow && control.idleOrLoading(fn) === 0) {
          control.prewarm(fn, 1, 0, this.deployKeepAliveMs);
          this.ordered++;
        }
      }
    }
    if (this.inner.wantsMinuteTicks) this.inner.onMinute(minute, nowMs, control);
  }
}

function checkKeepAlive(key: string, ms: number): void {
  if (!(ms >= 0 && Number.isFinite(ms))) throw new Error(`dag-prewarm: ${key} must be a non-negative number of ms, got ${String(ms)}`);
}

import { ActionRevisionsPolicy, HANDOVER_KEEP_ALIVE_MS } from '../../src/pool/action-revisions';
import { MINUTE_MS, type PolicyContext, type PoolControl, type PoolPolicy } from '../../src/sim/policy';

/** What the simulator saw of the pool. */
class RecordingControl implements PoolControl {
  readonly prewarms: number[] = [];
  readonly kept: number[] = [];
  prewarm(fn: number): void {
    this.prewarms.push(fn);
  }
  cancelPrewarms(): void {}
  idleOrLoading(): number {
    return 0;
  }
  keepIdle(fn: number): void {
    this.kept.push(fn);
  }
}

/** An inner policy that records what it was told and, each minute and each end, asks to prewarm and keep every function. */
class EagerPolicy implements PoolPolicy {
  readonly name = 'eager';
  readonly wantsMinuteTicks = true;
  arrivals: number[] = [];
  ends: number[] = [];
  private n = 0;
  reset(ctx: PolicyContext): void {
    this.n = ctx.functionCount;
    this.arrivals = [];
    this.ends = [];
  }
  onArrival(fn: number): void {
    this.arrivals.push(fn);
  }
  onInvocationEnd(fn: number, _nowMs: number, control: PoolControl): number {
    this.ends.push(fn);
    for (let f = 0; f < this.n; f++) control.keepIdle(f, 1, 0);
    return 5 * MINUTE_MS;
  }
  onMinute(_minute: number, _nowMs: number, control: PoolControl): void {
    for (let f = 0; f < this.n; f++) control.prewarm(f, 1, 0, MINUTE_MS);
  }
}

/** A pool with set idle-or-loading counts that records every prewarm order in full. */
class CountingControl implements PoolControl {
  readonly orders: { fn: number; count: number; delayMs: number; keepAliveMs: number }[] = [];
  constructor(private readonly idle: readonly number[]) {}
  prewarm(fn: number, count: number, delayMs: number, keepAliveMs: number): void {
    this.orders.push({ fn, count, delayMs, keepAliveMs });
  }
  cancelPrewarms(): void {}
  idleOrLoading(fn: number): number {
    return this.idle[fn] ?? 0;
  }
  keepIdle(): void {}
}

/** An inner policy that does nothing to the pool. */
class QuietPolicy implements PoolPolicy {
  readonly name = 'quiet';
  readonly wantsMinuteTicks = true;
  reset(): void {}
  onArrival(): void {}
  onInvocationEnd(): number {
    return MINUTE_MS;
  }
  onMinute(): void {}
}

const context = (functionCount: number): PolicyContext => ({
  functionCount,
  functionIds: Array.from({ length: functionCount }, (_, i) => `f${i}`),
  memoryMB: new Float64Array(functionCount).fill(256),
  prewarmLoadMs: 500,
  minutes: 60,
});

// Function 0 is updated to function 1 at minute 10; function 2 is another action.
const update = { from: 0, to: 1, atMs: 10 * MINUTE_MS };

describe('ActionRevisionsPolicy', () => {
  it('takes the inner policy\'s name and minute ticks', () => {
    const policy = new ActionRevisionsPolicy(new EagerPolicy(), [update]);
    expect(policy.name).toBe('eager');
    expect(policy.wantsMinuteTicks).toBe(true);
  });

  it('counts every arrival and end of the old revision for the new one too, and none of the new one for the old', () => {
    const inner = new EagerPolicy();
    const policy = new ActionRevisionsPolicy(inner, [update]);
    policy.reset(context(3));
    const control = new RecordingControl();
    policy.onArrival(0, MINUTE_MS, control);
    policy.onInvocationEnd(0, MINUTE_MS + 500, control, 500);
    policy.onArrival(2, 2 * MINUTE_MS, control);
    policy.onArrival(1, 11 * MINUTE_MS, control);
    policy.onInvocationEnd(1, 11 * MINUTE_MS + 500, control, 500);
    expect(inner.arrivals).toEqual([0, 1, 2, 1]);
    expect(inner.ends).toEqual([0, 1, 1]);
  });

  it('lets the inner policy prewarm and keep a revision only while it is live', () => {
    const policy = new ActionRevisionsPolicy(new EagerPolicy(), [update]);
    policy.reset(context(3));
    const before = new RecordingControl();
    policy.onMinute(9, 9 * MINUTE_MS, before);
    policy.onInvocationEnd(0, 9 * MINUTE_MS + 1, before, 1);
    expect(before.prewarms).toEqual([0, 2]);
    // The end of an old-revision run is also the new revision's: both ends ask to keep 0, 1 and 2, and 1 is not live yet.
    expect(before.kept).toEqual([0, 2, 0, 2]);
    const after = new RecordingControl();
    policy.onMinute(10, 10 * MINUTE_MS, after);
    expect(after.prewarms).toEqual([1, 2]);
  });

  it('unloads an old-revision container that frees up after the update, and keeps the inner keep-alive before it', () => {
    const policy = new ActionRevisionsPolicy(new EagerPolicy(), [update]);
    policy.reset(context(3));
    const control = new RecordingControl();
    expect(policy.onInvocationEnd(0, 10 * MINUTE_MS - 1, control, 100)).toBe(5 * MINUTE_MS);
    expect(policy.onInvocationEnd(0, 10 * MINUTE_MS, control, 100)).toBe(0);
    expect(policy.onInvocationEnd(1, 10 * MINUTE_MS, control, 100)).toBe(5 * MINUTE_MS);
    expect(policy.onInvocationEnd(2, 30 * MINUTE_MS, control, 100)).toBe(5 * MINUTE_MS);
  });

  it('hands over warm: at warmFromMs it prewarms the new revision to the old one\'s running plus idle or loading containers, less what the new one has, once', () => {
    // Warm from minute 10, the switch when those containers are ready (the context's load time is 500 ms).
    const handover = { from: 0, to: 1, atMs: 10 * MINUTE_MS + 500, warmFromMs: 10 * MINUTE_MS };
    const policy = new ActionRevisionsPolicy(new QuietPolicy(), [handover]);
    policy.reset(context(3));
    const quiet = new CountingControl([4, 1, 7]);
    for (const t of [1, 2, 3]) policy.onArrival(0, 9 * MINUTE_MS + t, quiet);
    policy.onInvocationEnd(0, 9 * MINUTE_MS + 10, quiet, 9);
    policy.onArrival(2, 9 * MINUTE_MS + 20, quiet);
    policy.onMinute(9, 10 * MINUTE_MS - 1, quiet);
    expect(quiet.orders).toEqual([]);
    // 2 running + 4 idle or loading of the old revision, less the new one's 1; function 2 is another action.
    const at = new CountingControl([4, 1, 7]);
    policy.onMinute(10, 10 * MINUTE_MS, at);
    expect(at.orders).toEqual([{ fn: 1, count: 5, delayMs: 0, keepAliveMs: HANDOVER_KEEP_ALIVE_MS }]);
    const later = new CountingControl([0, 0, 0]);
    policy.onArrival(0, 10 * MINUTE_MS + 100, later);
    policy.onMinute(11, 11 * MINUTE_MS, later);
    expect(later.orders).toEqual([]);
    // Between warmFromMs and atMs both revisions are live; after atMs only the new one.
    expect(policy.onInvocationEnd(0, 10 * MINUTE_MS + 499, later, 1)).toBe(MINUTE_MS);
    expect(policy.onInvocationEnd(0, 10 * MINUTE_MS + 500, later, 1)).toBe(0);
  });

  it('lets the inner policy prewarm the new revision from warmFromMs, and orders nothing when the new revision already has the old one\'s pool', () => {
    const policy = new ActionRevisionsPolicy(new EagerPolicy(), [{ from: 0, to: 1, atMs: 10 * MINUTE_MS + 500, warmFromMs: 10 * MINUTE_MS }]);
    policy.reset(context(3));
    const control = new RecordingControl();
    policy.onMinute(10, 10 * MINUTE_MS, control);
    // RecordingControl reports no containers anywhere: nothing to hand over, and the inner policy's own orders pass for 0, 1 and 2.
    expect(control.prewarms).toEqual([0, 1, 2]);
    const full = new CountingControl([3, 3, 0]);
    const handoverOnly = new ActionRevisionsPolicy(new QuietPolicy(), [{ from: 0, to: 1, atMs: 500, warmFromMs: 0 }]);
    handoverOnly.reset(context(3));
    handoverOnly.onMinute(0, 0, full);
    expect(full.orders).toEqual([]);
  });

  it.each([
    [[{ from: 0, to: 1, atMs: 100, warmFromMs: 101 }], /revision update 0 -> 1: warmFromMs must be a number in \[0, atMs = 100\], got 101/],
    [[{ from: 0, to: 1, atMs: 100, warmFromMs: -1 }], /warmFromMs must be a number in \[0, atMs = 100\], got -1/],
    [[{ from: 0, to: 1, atMs: -1 }], /revision update 0 -> 1: atMs must be a finite number >= 0, got -1/],
    [[{ from: 0, to: 1, atMs: Number.NaN }], /got NaN/],
    [[{ from: 0, to: 0, atMs: 0 }], /function 0 is in more than one revision slot/],
    [[update, { from: 1, to: 2, atMs: 0 }], /revision update 1 -> 2: function 1 is in more than one revision slot/],
    [[{ from: -1, to: 1, atMs: 0 }], /function index -1 is not an integer >= 0/],
  ])('rejects updates %p naming the bad one', (updates, message) => {
    expect(() => new ActionRevisionsPolicy(new EagerPolicy(), updates)).toThrow(message);
  });

  it('rejects an update of a function the run does not have', () => {
    const policy = new ActionRevisionsPolicy(new EagerPolicy(), [{ from: 0, to: 3, atMs: 0 }]);
    expect(() => policy.reset(context(3))).toThrow(/revision update 0 -> 3: the run has 3 functions/);
  });
});

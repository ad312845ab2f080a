import type { ArrivalSchedule } from '../sim/arrivals';
import { MINUTE_MS, type PolicyContext, type PoolControl, type PoolPolicy } from '../sim/policy';

/** Slack around an arrival: a prewarmed container is ready this long before it and gone this long after, ms. */
export const ORACLE_MARGIN_MS = 1;

/**
 * The oracle: knows every future arrival and duration. For each arrival it
 * has a container ready just in time and unloads containers right after
 * use, so its cold starts and idle memory are the lower limit the other
 * policies are measured against.
 *
 * Offline it plans, per function, which arrivals a container freed by an
 * earlier activation can serve (assuming warm starts) and which need one
 * more container. At run time:
 * - when an activation ends, the container is matched with the function's
 *   next unserved arrival: kept alive if that arrival comes within the
 *   load time (keeping it is cheaper than reloading), otherwise unloaded
 *   and reloaded so that it is ready just before the arrival;
 * - once a minute, it orders a just-in-time prewarm for every arrival of the
 *   coming minute that its plan says no freed container can serve.
 * Arrivals in the first load time of the run cannot be prewarmed.
 */
export class OraclePolicy implements PoolPolicy {
  readonly name = 'oracle';
  readonly wantsMinuteTicks = true;
  /** Arrivals grouped by function (activation indices), each group in time order. */
  private readonly byFn: Int32Array;
  private readonly fnStart: Int32Array;
  /** 1 where the plan needs one more container for that activation. */
  private readonly needsContainer: Uint8Array;
  private readonly claimed: Uint8Array;
  private readonly ptr: Int32Array;
  private globalPtr = 0;
  private loadMs = 0;

  constructor(
    private readonly schedule: ArrivalSchedule,
    functionCount: number,
    /** Start latency on a warm container, ms (the plan assumes every start is warm). */
    warmStartMs: number,
  ) {
    const n = schedule.count;
    this.fnStart = new Int32Array(functionCount + 1);
    for (let i = 0; i < n; i++) this.fnStart[schedule.fn[i] + 1]++;
    for (let f = 0; f < functionCount; f++) this.fnStart[f + 1] += this.fnStart[f];
    this.byFn = new Int32Array(n);
    const fill = this.fnStart.slice(0, functionCount);
    for (let i = 0; i < n; i++) this.byFn[fill[schedule.fn[i]]++] = i;
    this.needsContainer = new Uint8Array(n);
    this.claimed = new Uint8Array(n);
    this.ptr = new Int32Array(functionCount);
    this.plan(functionCount, warmStartMs);
  }

  /** Greedy per-function container plan: reuse the earliest-freed container when one is free. */
  private plan(functionCount: number, warmStartMs: number): void {
    const freeAt = new Float64Array(16);
    let heap = freeAt;
    for (let f = 0; f < functionCount; f++) {
      let size = 0;
      for (let p = this.fnStart[f]; p < this.fnStart[f + 1]; p++) {
        const act = this.byFn[p];
        const t = this.schedule.timeMs[act];
        const done = t + warmStartMs + this.schedule.durationMs[act];
        if (size > 0 && heap[0] <= t) {
          heap[0] = done;
          siftDown(heap, size, 0);
        } else {
          this.needsContainer[act] = 1;
          if (size === heap.length) {
            const bigger = new Float64Array(size * 2);
            bigger.set(heap);
            heap = bigger;
          }
          heap[size] = done;
          siftUp(heap, size);
          size++;
        }
      }
    }
  }

  reset(ctx: PolicyContext): void {
    this.loadMs = ctx.prewarmLoadMs;
    this.claimed.fill(0);
    this.ptr.set(this.fnStart.subarray(0, this.ptr.length));
    this.globalPtr = 0;
  }

  onArrival(): void {}

  onInvocationEnd(fn: number, nowMs: number, control: PoolControl): number {
    const times = this.schedule.timeMs;
    const last = this.fnStart[fn + 1];
    let p = this.ptr[fn];
    // Arrivals the plan gives a container of their own are prewarmed by the minute tick: skip them.
    while (p < last) {
      const a = this.byFn[p];
      if (times[a] >= nowMs && this.claimed[a] === 0 && this.needsContainer[a] === 0) break;
      p++;
    }
    this.ptr[fn] = p;
    if (p === last) return 0;
    const act = this.byFn[p];
    this.claimed[act] = 1;
    const gap = times[act] - nowMs;
    if (gap <= this.loadMs + ORACLE_MARGIN_MS) return gap + ORACLE_MARGIN_MS;
    control.prewarm(fn, 1, gap - this.loadMs - ORACLE_MARGIN_MS, 2 * ORACLE_MARGIN_MS);
    return 0;
  }

  onMinute(minute: number, nowMs: number, control: PoolControl): void {
    const s = this.schedule;
    const windowEnd = (minute + 1) * MINUTE_MS;
    const lead = this.loadMs + ORACLE_MARGIN_MS;
    let g = this.globalPtr;
    while (g < s.count && s.timeMs[g] - lead < windowEnd) {
      if (this.needsContainer[g] === 1 && this.claimed[g] === 0) {
        const delay = s.timeMs[g] - lead - nowMs;
        if (delay >= 0) {
          this.claimed[g] = 1;
          control.prewarm(s.fn[g], 1, delay, 2 * ORACLE_MARGIN_MS);
        }
      }
      g++;
    }
    this.globalPtr = g;
  }
}

function siftUp(h: Float64Array, i: number): void {
  const v = h[i];
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (h[parent] <= v) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = v;
}

function siftDown(h: Float64Array, size: number, i: number): void {
  const v = h[i];
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const r = l + 1;
    const c = r < size && h[r] < h[l] ? r : l;
    if (h[c] >= v) break;
    h[i] = h[c];
    i = c;
  }
  h[i] = v;
}

import { hashString } from '../core/rng';
import type { ArrivalSchedule } from './arrivals';
import type { ClusterConfig } from './cluster-config';
import { resizeFloat64, resizeInt32, EventHeap } from './event-heap';
import { MINUTE_MS, type PolicyContext, type PoolControl, type PoolPolicy } from './policy';
import type { Workload } from './workload';

/** How an activation started. */
export enum StartKind {
  /** On an idle container of its function (kept alive or prewarmed by the policy). */
  Warm = 0,
  /** On an OpenWhisk stem cell: runtime running, code init needed. */
  StemCell = 1,
  /** On a new container: create, runtime start and code init. */
  Cold = 2,
}

/** Why a container went away. */
export type RemovalReason = 'expired' | 'evicted' | 'unloaded';

/**
 * Optional hooks for tests and tracing. Called synchronously from the event
 * loop; leave the observer out (null) for benchmark runs.
 */
export interface SimObserver {
  onStart(activation: number, fn: number, kind: StartKind, container: number, invoker: number, nowMs: number): void;
  onEnd(activation: number, fn: number, container: number, nowMs: number): void;
  /** A container became idle: it finished an activation and is kept alive, or a prewarm finished loading. */
  onIdle(container: number, fn: number, invoker: number, nowMs: number): void;
  /** `idleSinceMs` is when the container last became idle (NaN if it never was). */
  onRemove(container: number, fn: number, invoker: number, reason: RemovalReason, nowMs: number, idleSinceMs: number): void;
}

/** What one run measured. Memory in GB-seconds, times in ms. */
export interface SimResult {
  readonly policy: string;
  /** Activations that arrived. */
  readonly invocations: number;
  /** Activations that ran to their end (equals `invocations` at the end of a run). */
  readonly completed: number;
  /** Starts that needed code init: full cold starts plus stem-cell starts. */
  readonly coldStarts: number;
  /** Starts on a brand-new container. */
  readonly fullColdStarts: number;
  /** Starts on an OpenWhisk stem cell (init only). */
  readonly stemCellStarts: number;
  /** Starts on an idle container of the function. */
  readonly warmStarts: number;
  /** Starts on a container the policy prewarmed (a subset of `warmStarts`). */
  readonly prewarmedStarts: number;
  readonly invocationsByFunction: Uint32Array;
  readonly coldStartsByFunction: Uint32Array;
  /** Memory held by function containers that ran nothing (warm idle plus prewarms loading or unused), GB-s. */
  readonly idleMemoryGBs: number;
  /** `idleMemoryGBs` per function (by index; they sum to it up to rounding), GB-s. */
  readonly idleMemoryGBsByFunction: Float64Array;
  /** Memory held by OpenWhisk stem cells, ready or being replaced, GB-s (the same cluster setting for every policy). */
  readonly stemCellMemoryGBs: number;
  readonly containersCreated: number;
  readonly expirations: number;
  readonly evictions: number;
  readonly prewarmsOrdered: number;
  readonly prewarmsCancelled: number;
  /** Prewarm orders that found no invoker with room. */
  readonly prewarmsDropped: number;
  /** Prewarmed containers removed without ever running an activation. */
  readonly prewarmsUnused: number;
  /** Activations that waited in the queue because no invoker had room. */
  readonly queued: number;
  readonly maxQueueWaitMs: number;
  /** Mean time from arrival to the start of the code's run (queue + start latency), ms. */
  readonly meanStartDelayMs: number;
  /** Simulated time covered, ms. */
  readonly simulatedMs: number;
  /** Events processed, arrivals and minute ticks included. */
  readonly events: number;
}

const FREE = 0;
const LOADING = 1;
const IDLE = 2;
const BUSY = 3;

const EV_END = 1;
const EV_EXPIRE = 2;
const EV_PREWARM = 3;
const EV_LOADED = 4;
const EV_STEM = 5;

/** Step sizes co-prime with most cluster sizes, as OpenWhisk's sharding balancer walks invokers. */
const STEP_PRIMES = [1, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];

/**
 * Replays `schedule` through the policy on the simulated cluster and returns
 * what happened. Deterministic: the same inputs give the same result.
 */
export function simulate(
  workload: Workload,
  schedule: ArrivalSchedule,
  policy: PoolPolicy,
  cluster: ClusterConfig,
  observer: SimObserver | null = null,
): SimResult {
  return new Simulation(workload, schedule, policy, cluster, observer).run();
}

/** A simulation run in steps, for a caller that acts between them (the local runtime's alarm ticks). */
export interface SteppedSimulation {
  /**
   * Processes every event before `limitMs` (simulated ms from the start);
   * simulated time is then `limitMs`. Returns whether anything is left.
   */
  runUntil(limitMs: number): boolean;
  /** Runs to the end and returns what was measured; the run cannot step after this. */
  finish(): SimResult;
}

/**
 * Starts the same simulation {@link simulate} runs, paused at time 0. Stepping
 * to the end gives exactly {@link simulate}'s result.
 */
export function startSimulation(
  workload: Workload,
  schedule: ArrivalSchedule,
  policy: PoolPolicy,
  cluster: ClusterConfig,
  observer: SimObserver | null = null,
): SteppedSimulation {
  const sim = new Simulation(workload, schedule, policy, cluster, observer);
  sim.start();
  return {
    runUntil: (limitMs) => sim.runUntil(limitMs),
    finish: () => {
      sim.runUntil(Number.POSITIVE_INFINITY);
      return sim.finish();
    },
  };
}

/**
 * The discrete-event model of DESIGN.md section 4. Containers live in pooled
 * typed arrays; idle containers sit on two intrusive doubly-linked lists: their
 * function's, in expiry order (reuse takes the container whose keep-alive runs
 * out first, as OpenWhisk's pool, which scans its idle containers oldest first,
 * roughly does) and their invoker's (eviction takes the oldest idle first).
 */
class Simulation implements PoolControl {
  private readonly heap = new EventHeap(4096);
  private readonly nFn: number;
  private readonly nInv: number;
  private readonly capMB: number;

  // Per function.
  private readonly fnMem: Float64Array;
  private readonly fnCpu: Float64Array;
  private readonly fnHome: Int32Array;
  private readonly fnStep: Int32Array;
  private readonly fnIdleHead: Int32Array;
  private readonly fnIdleTail: Int32Array;
  private readonly fnIdle: Int32Array;
  private readonly fnLoading: Int32Array;
  private readonly prewarmGen: Int32Array;
  private readonly invByFn: Uint32Array;
  private readonly coldByFn: Uint32Array;
  /** Per function: memory of its idle and loading containers, MB; their integral over time, MB-ms; when it was last brought up to date, ms. */
  private readonly fnHeldMB: Float64Array;
  private readonly fnIdleInt: Float64Array;
  private readonly fnHeldSince: Float64Array;

  // Per invoker.
  private readonly invPinned: Float64Array;
  private readonly invIdle: Float64Array;
  private readonly invBusyCpu: Float64Array;
  private readonly invLruHead: Int32Array;
  private readonly invLruTail: Int32Array;
  private readonly invStemReady: Int32Array;
  private readonly invStemDeficit: Int32Array;

  // Per container (grown on demand).
  private cap = 0;
  private cFn = new Int32Array(0);
  private cInv = new Int32Array(0);
  private cState = new Uint8Array(0);
  private cMem = new Float64Array(0);
  private cIdleSince = new Float64Array(0);
  private cExpireAt = new Float64Array(0);
  private cGen = new Int32Array(0);
  private cKeepAlive = new Float64Array(0);
  private cPrewarmed = new Uint8Array(0);
  private cAct = new Int32Array(0);
  /** Run time of the container's current activation (duration x CPU slow-down), ms. */
  private cRunMs = new Float64Array(0);
  private cFnPrev = new Int32Array(0);
  private cFnNext = new Int32Array(0);
  private cInvPrev = new Int32Array(0);
  private cInvNext = new Int32Array(0);
  private freeIds = new Int32Array(0);
  private freeCount = 0;
  private nextId = 0;

  // Queue of activations waiting for room (ring buffer).
  private q = new Int32Array(1024);
  private qHead = 0;
  private qLen = 0;

  // Accounting.
  private now = 0;
  private lastT = 0;
  private idleMB = 0;
  private loadingMB = 0;
  private stemMB = 0;
  private idleInt = 0;
  private stemInt = 0;
  private active = 0;
  private completed = 0;
  private fullCold = 0;
  private stem = 0;
  private warm = 0;
  private prewarmedStarts = 0;
  private created = 0;
  private expirations = 0;
  private evictions = 0;
  private prewarmsOrdered = 0;
  private prewarmsCancelled = 0;
  private prewarmsDropped = 0;
  private prewarmsUnused = 0;
  private queued = 0;
  private maxQueueWait = 0;
  private startDelaySum = 0;
  private events = 0;

  constructor(
    private readonly workload: Workload,
    private readonly schedule: ArrivalSchedule,
    private readonly policy: PoolPolicy,
    private readonly cluster: ClusterConfig,
    private readonly obs: SimObserver | null,
  ) {
    const fns = workload.functions;
    this.nFn = fns.length;
    this.nInv = cluster.invokers;
    this.capMB = cluster.invokerMemoryMB;
    this.fnMem = new Float64Array(this.nFn);
    this.fnCpu = new Float64Array(this.nFn);
    this.fnHome = new Int32Array(this.nFn);
    this.fnStep = new Int32Array(this.nFn);
    this.fnIdleHead = new Int32Array(this.nFn).fill(-1);
    this.fnIdleTail = new Int32Array(this.nFn).fill(-1);
    this.fnIdle = new Int32Array(this.nFn);
    this.fnLoading = new Int32Array(this.nFn);
    this.prewarmGen = new Int32Array(this.nFn);
    this.invByFn = new Uint32Array(this.nFn);
    this.coldByFn = new Uint32Array(this.nFn);
    this.fnHeldMB = new Float64Array(this.nFn);
    this.fnIdleInt = new Float64Array(this.nFn);
    this.fnHeldSince = new Float64Array(this.nFn);
    const steps = STEP_PRIMES.filter((p) => p === 1 || this.nInv % p !== 0);
    for (let f = 0; f < this.nFn; f++) {
      const mem = fns[f].memoryMB;
      if (!(mem > 0) || mem > this.capMB) {
        throw new RangeError(`simulate: function ${fns[f].id} needs ${mem} MB, an invoker has ${this.capMB} MB`);
      }
      this.fnMem[f] = mem;
      this.fnCpu[f] = fns[f].cpuCores;
      const h = hashString(fns[f].id);
      this.fnHome[f] = h % this.nInv;
      this.fnStep[f] = steps[(h >>> 8) % steps.length] % this.nInv || 1;
    }
    this.invPinned = new Float64Array(this.nInv);
    this.invIdle = new Float64Array(this.nInv);
    this.invBusyCpu = new Float64Array(this.nInv);
    this.invLruHead = new Int32Array(this.nInv).fill(-1);
    this.invLruTail = new Int32Array(this.nInv).fill(-1);
    this.invStemReady = new Int32Array(this.nInv);
    this.invStemDeficit = new Int32Array(this.nInv);
    this.growContainers(1024);
  }

  run(): SimResult {
    this.start();
    this.runUntil(Number.POSITIVE_INFINITY);
    return this.finish();
  }

  private started = false;
  private finished = false;
  private ai = 0;
  private minute = 0;

  /** Resets the policy and fills the stem cells: the state at time 0. */
  start(): void {
    if (this.started) throw new Error('simulation already started');
    this.started = true;
    const ctx: PolicyContext = {
      functionCount: this.nFn,
      functionIds: this.workload.functions.map((f) => f.id),
      memoryMB: Float64Array.from(this.fnMem),
      prewarmLoadMs: this.cluster.prewarmLoadMs,
      minutes: this.workload.minutes,
      clusterMemoryMB: this.cluster.invokers * this.cluster.invokerMemoryMB,
    };
    this.policy.reset(ctx);
    const stemMem = this.cluster.stemCellMemoryMB;
    for (let i = 0; i < this.nInv; i++) {
      for (let s = 0; s < this.cluster.stemCellsPerInvoker; s++) {
        if (this.invPinned[i] + stemMem <= this.capMB) {
          this.invPinned[i] += stemMem;
          this.invStemReady[i]++;
          this.stemMB += stemMem;
        }
      }
    }
  }

  /**
   * Processes every event (arrival, container event, minute tick) at a time
   * before `limitMs`; simulated time is then `limitMs` (or the run's end, if
   * nothing is left). Returns whether anything is left to simulate.
   */
  runUntil(limitMs: number): boolean {
    if (!this.started || this.finished) throw new Error('runUntil: the simulation is not running');
    const sched = this.schedule;
    const n = sched.count;
    const times = sched.timeMs;
    const horizon = this.workload.minutes * MINUTE_MS;
    const ticks = this.policy.wantsMinuteTicks;
    const heap = this.heap;
    let ai = this.ai;
    let minute = this.minute;
    for (;;) {
      const tArr = ai < n ? times[ai] : Number.POSITIVE_INFINITY;
      const tHeap = heap.peekTime();
      const tTick = ticks && minute < this.workload.minutes ? minute * MINUTE_MS : Number.POSITIVE_INFINITY;
      if (ai >= n && this.active === 0 && this.qLen === 0 && tTick === Number.POSITIVE_INFINITY && tHeap > horizon) {
        this.ai = ai;
        this.minute = minute;
        return false;
      }
      if (Math.min(tArr, tHeap, tTick) >= limitMs) {
        this.ai = ai;
        this.minute = minute;
        this.advance(Math.max(limitMs, this.now));
        return true;
      }
      this.events++;
      if (tTick <= tArr && tTick <= tHeap) {
        this.advance(tTick);
        this.policy.onMinute(minute, tTick, this);
        minute++;
      } else if (tHeap <= tArr) {
        heap.pop();
        this.advance(heap.time);
        this.dispatch(heap.type, heap.a, heap.b, heap.c);
      } else {
        this.advance(tArr);
        this.arrive(ai);
        ai++;
      }
    }
  }

  /** Ends the run at the workload's horizon (or later, if activations ran past it) and returns what it measured. */
  finish(): SimResult {
    if (!this.started || this.finished) throw new Error('finish: the simulation is not running');
    this.finished = true;
    const n = this.schedule.count;
    const horizon = this.workload.minutes * MINUTE_MS;
    this.advance(Math.max(horizon, this.now));
    return this.result(n);
  }

  /** What was measured so far. */
  private result(n: number): SimResult {
    return {
      policy: this.policy.name,
      invocations: n,
      completed: this.completed,
      coldStarts: this.fullCold + this.stem,
      fullColdStarts: this.fullCold,
      stemCellStarts: this.stem,
      warmStarts: this.warm,
      prewarmedStarts: this.prewarmedStarts,
      invocationsByFunction: this.invByFn,
      coldStartsByFunction: this.coldByFn,
      idleMemoryGBs: this.idleInt / 1024 / 1000,
      idleMemoryGBsByFunction: this.idleByFunction(),
      stemCellMemoryGBs: this.stemInt / 1024 / 1000,
      containersCreated: this.created,
      expirations: this.expirations,
      evictions: this.evictions,
      prewarmsOrdered: this.prewarmsOrdered,
      prewarmsCancelled: this.prewarmsCancelled,
      prewarmsDropped: this.prewarmsDropped,
      prewarmsUnused: this.prewarmsUnused,
      queued: this.queued,
      maxQueueWaitMs: this.maxQueueWait,
      meanStartDelayMs: n > 0 ? this.startDelaySum / n : 0,
      simulatedMs: this.now,
      events: this.events,
    };
  }

  // ---- PoolControl -------------------------------------------------------

  prewarm(fn: number, count: number, delayMs: number, keepAliveMs: number): void {
    if (!(fn >= 0 && fn < this.nFn)) throw new RangeError(`prewarm: no function ${fn}`);
    if (!(count >= 0) || !Number.isFinite(count)) throw new RangeError(`prewarm: count must be a finite number >= 0, got ${count}`);
    const k = Math.floor(count);
    this.prewarmsOrdered += k;
    if (delayMs > 0) {
      for (let i = 0; i < k; i++) this.heap.push(this.now + delayMs, EV_PREWARM, fn, this.prewarmGen[fn], keepAliveMs);
    } else {
      for (let i = 0; i < k; i++) this.startPrewarm(fn, keepAliveMs);
    }
  }

  cancelPrewarms(fn: number): void {
    this.prewarmGen[fn]++;
  }

  idleOrLoading(fn: number): number {
    return this.fnIdle[fn] + this.fnLoading[fn];
  }

  keepIdle(fn: number, count: number, untilMs: number): void {
    if (!(fn >= 0 && fn < this.nFn)) throw new RangeError(`keepIdle: no function ${fn}`);
    if (!(count >= 0) || !Number.isFinite(count)) throw new RangeError(`keepIdle: count must be a finite number >= 0, got ${count}`);
    if (!Number.isFinite(untilMs)) throw new RangeError(`keepIdle: untilMs must be a finite number of ms, got ${untilMs}`);
    // The idle list is sorted by expiry, soonest first: walk it from the latest. Raising the
    // latest ones that expire before untilMs to untilMs keeps the list sorted.
    let left = Math.floor(count);
    for (let c = this.fnIdleTail[fn]; c >= 0 && left > 0; c = this.cFnPrev[c], left--) {
      if (this.cExpireAt[c] >= untilMs) continue;
      this.cExpireAt[c] = untilMs;
      this.cGen[c]++;
      this.heap.push(untilMs, EV_EXPIRE, c, this.cGen[c], 0);
    }
  }

  // ---- events --------------------------------------------------------------

  /** Brings `fn`'s idle-memory integral up to now, then changes its held memory by `deltaMB`. */
  private holdFn(fn: number, deltaMB: number): void {
    this.fnIdleInt[fn] += this.fnHeldMB[fn] * (this.now - this.fnHeldSince[fn]);
    this.fnHeldSince[fn] = this.now;
    this.fnHeldMB[fn] += deltaMB;
  }

  /** Each function's idle memory up to the last advance, GB-s (a copy). */
  private idleByFunction(): Float64Array {
    const out = new Float64Array(this.nFn);
    for (let f = 0; f < this.nFn; f++) {
      out[f] = (this.fnIdleInt[f] + this.fnHeldMB[f] * (this.lastT - this.fnHeldSince[f])) / 1024 / 1000;
    }
    return out;
  }

  private advance(t: number): void {
    const dt = t - this.lastT;
    if (dt > 0) {
      this.idleInt += (this.idleMB + this.loadingMB) * dt;
      this.stemInt += this.stemMB * dt;
      this.lastT = t;
    }
    this.now = t;
  }

  private dispatch(type: number, a: number, b: number, c: number): void {
    switch (type) {
      case EV_END:
        this.end(a);
        break;
      case EV_EXPIRE:
        if (this.cGen[a] === b && this.cState[a] === IDLE) {
          this.unlinkIdle(a);
          this.expirations++;
          this.removeContainer(a, 'expired');
        }
        break;
      case EV_PREWARM:
        if (this.prewarmGen[a] === b) this.startPrewarm(a, c);
        else this.prewarmsCancelled++;
        break;
      case EV_LOADED:
        this.loaded(a);
        break;
      case EV_STEM:
        this.invStemReady[a]++;
        break;
    }
  }

  private arrive(act: number): void {
    const fn = this.schedule.fn[act];
    this.invByFn[fn]++;
    this.active++;
    this.policy.onArrival(fn, this.now, this);
    if (!this.tryStart(act, fn)) {
      this.queued++;
      this.enqueue(act);
    }
  }

  /** Start `act` now if a warm container or room for a new one exists. */
  private tryStart(act: number, fn: number): boolean {
    // Reuse the idle container whose keep-alive runs out first: the fewest containers are lost to expiry.
    const c = this.fnIdleHead[fn];
    if (c >= 0) {
      this.unlinkIdle(c);
      this.invPinned[this.cInv[c]] += this.cMem[c];
      this.cGen[c]++;
      this.warm++;
      if (this.cPrewarmed[c] === 1) {
        this.cPrewarmed[c] = 0;
        this.prewarmedStarts++;
      }
      this.begin(act, fn, c, StartKind.Warm, this.cluster.warmStartMs);
      return true;
    }
    const inv = this.place(fn);
    if (inv < 0) return false;
    this.coldByFn[fn]++;
    const mem = this.fnMem[fn];
    if (mem === this.cluster.stemCellMemoryMB && this.invStemReady[inv] > 0) {
      // The stem cell's reserved memory becomes the container's.
      this.invStemReady[inv]--;
      this.stemMB -= mem;
      const cid = this.newContainer(fn, inv, BUSY);
      this.stem++;
      this.begin(act, fn, cid, StartKind.StemCell, this.cluster.stemCellStartMs);
      this.invStemDeficit[inv]++;
      this.replenishStemCells(inv);
      return true;
    }
    this.reserve(inv, mem);
    const cid = this.newContainer(fn, inv, BUSY);
    this.fullCold++;
    this.begin(act, fn, cid, StartKind.Cold, this.cluster.coldStartMs);
    return true;
  }

  private begin(act: number, fn: number, c: number, kind: StartKind, startMs: number): void {
    const inv = this.cInv[c];
    this.cState[c] = BUSY;
    this.cAct[c] = act;
    const busy = (this.invBusyCpu[inv] += this.fnCpu[fn]);
    const cores = this.cluster.invokerCores;
    const slowdown = busy > cores ? busy / cores : 1;
    const waited = this.now - this.schedule.timeMs[act];
    if (waited > this.maxQueueWait) this.maxQueueWait = waited;
    this.startDelaySum += waited + startMs;
    if (this.obs !== null) this.obs.onStart(act, fn, kind, c, inv, this.now);
    const runMs = this.schedule.durationMs[act] * slowdown;
    this.cRunMs[c] = runMs;
    this.heap.push(this.now + startMs + runMs, EV_END, c, 0, 0);
  }

  private end(c: number): void {
    const fn = this.cFn[c];
    const inv = this.cInv[c];
    const act = this.cAct[c];
    this.invBusyCpu[inv] -= this.fnCpu[fn];
    this.active--;
    this.completed++;
    if (this.obs !== null) this.obs.onEnd(act, fn, c, this.now);
    this.cAct[c] = -1;
    const keepAlive = this.policy.onInvocationEnd(fn, this.now, this, this.cRunMs[c]);
    this.invPinned[inv] -= this.cMem[c];
    if (keepAlive > 0) {
      this.linkIdle(c, this.now + keepAlive);
    } else {
      this.removeContainer(c, 'unloaded');
    }
    if (this.invStemDeficit[inv] > 0) this.replenishStemCells(inv);
    this.drainQueue();
  }

  private startPrewarm(fn: number, keepAliveMs: number): void {
    const inv = this.place(fn);
    if (inv < 0) {
      this.prewarmsDropped++;
      return;
    }
    const mem = this.fnMem[fn];
    this.reserve(inv, mem);
    const c = this.newContainer(fn, inv, LOADING);
    this.cKeepAlive[c] = keepAliveMs;
    this.loadingMB += mem;
    this.holdFn(fn, mem);
    this.fnLoading[fn]++;
    this.heap.push(this.now + this.cluster.prewarmLoadMs, EV_LOADED, c, 0, 0);
  }

  private loaded(c: number): void {
    const fn = this.cFn[c];
    const mem = this.cMem[c];
    this.loadingMB -= mem;
    this.holdFn(fn, -mem);
    this.fnLoading[fn]--;
    this.invPinned[this.cInv[c]] -= mem;
    this.cPrewarmed[c] = 1;
    const keepAlive = this.cKeepAlive[c];
    if (keepAlive > 0) {
      this.linkIdle(c, this.now + keepAlive);
    } else {
      this.removeContainer(c, 'unloaded');
    }
    this.drainQueue();
  }

  private replenishStemCells(inv: number): void {
    const mem = this.cluster.stemCellMemoryMB;
    while (this.invStemDeficit[inv] > 0 && this.invPinned[inv] + mem <= this.capMB) {
      this.invStemDeficit[inv]--;
      this.reserve(inv, mem);
      this.stemMB += mem;
      this.heap.push(this.now + this.cluster.stemCellLoadMs, EV_STEM, inv, 0, 0);
    }
  }

  private drainQueue(): void {
    while (this.qLen > 0) {
      const act = this.q[this.qHead];
      if (!this.tryStart(act, this.schedule.fn[act])) return;
      this.qHead = (this.qHead + 1) % this.q.length;
      this.qLen--;
    }
  }

  private enqueue(act: number): void {
    if (this.qLen === this.q.length) {
      const bigger = new Int32Array(this.q.length * 2);
      for (let i = 0; i < this.qLen; i++) bigger[i] = this.q[(this.qHead + i) % this.q.length];
      this.q = bigger;
      this.qHead = 0;
    }
    this.q[(this.qHead + this.qLen) % this.q.length] = act;
    this.qLen++;
  }

  // ---- placement and memory --------------------------------------------------

  /**
   * The invoker for a new container of `fn`: its home invoker, else the next ones
   * on its co-prime step (as OpenWhisk's sharding balancer), the first whose
   * memory not held by running or loading containers and stem cells fits it
   * (idle containers there are evicted to make room). -1 if none.
   */
  private place(fn: number): number {
    const mem = this.fnMem[fn];
    const step = this.fnStep[fn];
    let inv = this.fnHome[fn];
    for (let i = 0; i < this.nInv; i++) {
      if (this.invPinned[inv] + mem <= this.capMB) return inv;
      inv = (inv + step) % this.nInv;
    }
    return -1;
  }

  /** Hold `mem` MB on `inv`, evicting its oldest idle containers first if free memory is short. */
  private reserve(inv: number, mem: number): void {
    while (this.capMB - this.invPinned[inv] - this.invIdle[inv] < mem) {
      const victim = this.invLruHead[inv];
      if (victim < 0) break;
      this.unlinkIdle(victim);
      this.evictions++;
      this.removeContainer(victim, 'evicted');
    }
    this.invPinned[inv] += mem;
  }

  private newContainer(fn: number, inv: number, state: number): number {
    let c: number;
    if (this.freeCount > 0) c = this.freeIds[--this.freeCount];
    else {
      if (this.nextId === this.cap) this.growContainers(this.cap * 2);
      c = this.nextId++;
    }
    this.cFn[c] = fn;
    this.cInv[c] = inv;
    this.cState[c] = state;
    this.cMem[c] = this.fnMem[fn];
    this.cIdleSince[c] = Number.NaN;
    this.cPrewarmed[c] = 0;
    this.cAct[c] = -1;
    this.created++;
    return c;
  }

  private removeContainer(c: number, reason: RemovalReason): void {
    if (this.obs !== null) this.obs.onRemove(c, this.cFn[c], this.cInv[c], reason, this.now, this.cIdleSince[c]);
    if (this.cPrewarmed[c] === 1) this.prewarmsUnused++;
    this.cState[c] = FREE;
    this.cGen[c]++;
    this.freeIds[this.freeCount++] = c;
  }

  /**
   * Put a container that just stopped running or loading on the idle lists
   * until `expireAt`: its function's list is kept in expiry order (inserted
   * from the tail, where equal keep-alives land at once), its invoker's in
   * idle-since order (newest at the tail).
   */
  private linkIdle(c: number, expireAt: number): void {
    const fn = this.cFn[c];
    const inv = this.cInv[c];
    const mem = this.cMem[c];
    this.cState[c] = IDLE;
    this.cIdleSince[c] = this.now;
    this.cExpireAt[c] = expireAt;
    this.cGen[c]++;
    this.heap.push(expireAt, EV_EXPIRE, c, this.cGen[c], 0);
    let prev = this.fnIdleTail[fn];
    while (prev >= 0 && this.cExpireAt[prev] > expireAt) prev = this.cFnPrev[prev];
    const next = prev >= 0 ? this.cFnNext[prev] : this.fnIdleHead[fn];
    this.cFnPrev[c] = prev;
    this.cFnNext[c] = next;
    if (prev >= 0) this.cFnNext[prev] = c;
    else this.fnIdleHead[fn] = c;
    if (next >= 0) this.cFnPrev[next] = c;
    else this.fnIdleTail[fn] = c;
    const it = this.invLruTail[inv];
    this.cInvPrev[c] = it;
    this.cInvNext[c] = -1;
    if (it >= 0) this.cInvNext[it] = c;
    else this.invLruHead[inv] = c;
    this.invLruTail[inv] = c;
    this.invIdle[inv] += mem;
    this.idleMB += mem;
    this.holdFn(fn, mem);
    this.fnIdle[fn]++;
    if (this.obs !== null) this.obs.onIdle(c, fn, inv, this.now);
  }

  /** Take an idle container off both idle lists. */
  private unlinkIdle(c: number): void {
    const fn = this.cFn[c];
    const inv = this.cInv[c];
    const mem = this.cMem[c];
    const fp = this.cFnPrev[c];
    const fx = this.cFnNext[c];
    if (fp >= 0) this.cFnNext[fp] = fx;
    else this.fnIdleHead[fn] = fx;
    if (fx >= 0) this.cFnPrev[fx] = fp;
    else this.fnIdleTail[fn] = fp;
    const ip = this.cInvPrev[c];
    const ix = this.cInvNext[c];
    if (ip >= 0) this.cInvNext[ip] = ix;
    else this.invLruHead[inv] = ix;
    if (ix >= 0) this.cInvPrev[ix] = ip;
    else this.invLruTail[inv] = ip;
    this.invIdle[inv] -= mem;
    this.idleMB -= mem;
    this.holdFn(fn, -mem);
    this.fnIdle[fn]--;
  }

  private growContainers(n: number): void {
    this.cFn = resizeInt32(this.cFn, n);
    this.cInv = resizeInt32(this.cInv, n);
    const state = new Uint8Array(n);
    state.set(this.cState);
    this.cState = state;
    this.cMem = resizeFloat64(this.cMem, n);
    this.cIdleSince = resizeFloat64(this.cIdleSince, n);
    this.cExpireAt = resizeFloat64(this.cExpireAt, n);
    this.cGen = resizeInt32(this.cGen, n);
    this.cKeepAlive = resizeFloat64(this.cKeepAlive, n);
    const pre = new Uint8Array(n);
    pre.set(this.cPrewarmed);
    this.cPrewarmed = pre;
    this.cAct = resizeInt32(this.cAct, n);
    this.cRunMs = resizeFloat64(this.cRunMs, n);
    this.cFnPrev = resizeInt32(this.cFnPrev, n);
    this.cFnNext = resizeInt32(this.cFnNext, n);
    this.cInvPrev = resizeInt32(this.cInvPrev, n);
    this.cInvNext = resizeInt32(this.cInvNext, n);
    this.freeIds = resizeInt32(this.freeIds, n);
    this.cap = n;
  }
}

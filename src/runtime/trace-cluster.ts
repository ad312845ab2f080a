/**
 * The local runtime's invoker for the trace's functions: the simulated
 * cluster, stepped minute by minute on the simulated clock. Each finished
 * activation is handed back with its times (epoch ms from `epochStartMs`), so
 * the local OpenWhisk can store its record for the collector to read.
 */
import type { ArrivalSchedule } from '../sim/arrivals';
import type { ClusterConfig } from '../sim/cluster-config';
import { MINUTE_MS } from '../sim/policy';
import { startSimulation, StartKind, type SimObserver, type SimResult, type SteppedSimulation } from '../sim/simulator';
import type { Workload } from '../sim/workload';
import type { PlatformPoolPolicy } from './platform-pool-policy';

/** One finished activation of a trace function. */
export interface FinishedActivation {
  /** The function's index in the workload. */
  readonly fn: number;
  /** When it started on a container, epoch ms. */
  readonly startMs: number;
  /** When it ended, epoch ms. */
  readonly endMs: number;
  /** Queueing before the start, ms. */
  readonly waitMs: number;
  /** Init time of a cold (or stem-cell) start, ms; undefined for a warm start. */
  readonly initTimeMs: number | undefined;
}

class Collector implements SimObserver {
  finished: FinishedActivation[] = [];
  private readonly startAt = new Map<number, { fn: number; at: number; kind: StartKind }>();

  constructor(
    private readonly epochStartMs: number,
    private readonly schedule: ArrivalSchedule,
    private readonly cluster: ClusterConfig,
  ) {}

  onStart(activation: number, fn: number, kind: StartKind, _container: number, _invoker: number, nowMs: number): void {
    this.startAt.set(activation, { fn, at: nowMs, kind });
  }

  onEnd(activation: number, fn: number, _container: number, nowMs: number): void {
    const s = this.startAt.get(activation);
    if (s === undefined) return;
    this.startAt.delete(activation);
    const initTimeMs = s.kind === StartKind.Cold ? this.cluster.coldStartMs : s.kind === StartKind.StemCell ? this.cluster.stemCellStartMs : undefined;
    this.finished.push({
      fn,
      startMs: this.epochStartMs + s.at,
      endMs: this.epochStartMs + nowMs,
      waitMs: Math.max(0, s.at - this.schedule.timeMs[activation]),
      initTimeMs,
    });
  }

  onIdle(): void {}

  onRemove(): void {}
}

/** The trace replayed on the simulated cluster under the platform's pool policy. */
export class TraceCluster {
  private readonly run: SteppedSimulation;
  private readonly collector: Collector;
  private minute = 0;

  constructor(
    readonly workload: Workload,
    schedule: ArrivalSchedule,
    readonly policy: PlatformPoolPolicy,
    cluster: ClusterConfig,
    /** Epoch ms of simulated time 0 (the trace's first minute). */
    readonly epochStartMs: number,
  ) {
    this.collector = new Collector(epochStartMs, schedule, cluster);
    this.run = startSimulation(workload, schedule, policy, cluster, this.collector);
  }

  /** The minute the cluster has been simulated up to (exclusive). */
  get currentMinute(): number {
    return this.minute;
  }

  /** Epoch ms of the start of `minute`. */
  epochOfMinute(minute: number): number {
    return this.epochStartMs + minute * MINUTE_MS;
  }

  /**
   * Simulates up to the start of `minute` and returns the activations that
   * finished since the last call.
   */
  advanceTo(minute: number): FinishedActivation[] {
    if (!Number.isInteger(minute) || minute < this.minute) throw new RangeError(`advanceTo: minute must be an integer >= ${this.minute}, got ${minute}`);
    this.run.runUntil(minute * MINUTE_MS);
    this.minute = minute;
    return this.drain();
  }

  /** Runs the rest of the trace and returns what was measured, with the activations that finished since the last call. */
  finish(): { result: SimResult; finished: FinishedActivation[] } {
    const result = this.run.finish();
    return { result, finished: this.drain() };
  }

  private drain(): FinishedActivation[] {
    const out = this.collector.finished;
    this.collector.finished = [];
    return out;
  }
}

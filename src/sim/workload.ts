/** What the simulator replays: functions with their per-minute counts, durations and memory. */

/** A duration distribution given by its quantile function. */
export interface DurationModel {
  /** Duration (ms) at cumulative probability `u` in [0, 1). */
  quantile(u: number): number;
  /** Mean duration, ms (used by policies and reports). */
  readonly meanMs: number;
}

/** One function as the simulator sees it. */
export interface SimFunction {
  readonly id: string;
  /** Invocations per minute, minute 0 first. */
  readonly counts: Uint32Array;
  /** Container memory, MB (the action's limit; 256 by default as in OpenWhisk). */
  readonly memoryMB: number;
  /** CPU the container may use while running, cores. */
  readonly cpuCores: number;
  readonly duration: DurationModel;
}

/** Where the durations or memory sizes came from, for the report. */
export type SourceNote =
  /** Joined from the function's (or app's) own row. */
  | 'per-function'
  /** Drawn from the distribution of all rows of the file. */
  | 'trace-wide'
  /** A documented default: no rows at all (durations). */
  | 'default'
  /** OpenWhisk's default action memory limit (memory). */
  | 'action-limit';

/** A replayable workload. */
export interface Workload {
  /** Where the counts came from (file path or `synthetic(seed=…)`). */
  readonly source: string;
  readonly minutes: number;
  readonly functions: readonly SimFunction[];
  /** How durations were assigned, with counts of functions per source. */
  readonly durationSource: Readonly<Partial<Record<SourceNote, number>>>;
  /** How memory sizes were assigned, with counts of functions per source. */
  readonly memorySource: Readonly<Partial<Record<SourceNote, number>>>;
}

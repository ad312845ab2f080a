/** Shapes shared by every trace parser and by the synthetic generator. */

/** One function's invocation counts, one per minute. */
export interface FunctionSeries {
  /** Function identifier (Azure `HashFunction`, or the 2021 `func`). */
  readonly id: string;
  /** Azure `HashOwner` ('' when the layout has none). */
  readonly owner: string;
  /** Azure `HashApp` (or the 2021 `app`). */
  readonly app: string;
  /** Azure trigger (`http`, `timer`, `queue`, `event`, `storage`, `orchestration`, `others`) or '' when unknown. */
  readonly trigger: string;
  /** counts[i] = invocations in minute i of the trace (0-based offset from its first minute). */
  readonly counts: Uint32Array;
}

/** A per-minute invocation trace: every function over the same contiguous minute range. */
export interface InvocationTrace {
  /** Where it came from: a file path, or `synthetic(seed=…)`. */
  readonly source: string;
  /** The file's label of its first minute column (1 for `1..1440`, 480 for `480..959`). */
  readonly firstMinuteLabel: number;
  /** Number of minutes (length of every `counts`). */
  readonly minutes: number;
  readonly functions: readonly FunctionSeries[];
}

/** Percentile points (in %) of the Azure 2019 `function_durations_percentiles` files. */
export const DURATION_PERCENTILE_POINTS: readonly number[] = [0, 1, 25, 50, 75, 99, 100];

/** One row of an Azure 2019 `function_durations_percentiles` file. All times in ms. */
export interface DurationPercentiles {
  readonly owner: string;
  readonly app: string;
  readonly func: string;
  /** Mean duration, ms. */
  readonly averageMs: number;
  /** Invocations the row summarises. */
  readonly count: number;
  readonly minimumMs: number;
  readonly maximumMs: number;
  /** Durations (ms) at {@link DURATION_PERCENTILE_POINTS}, non-decreasing. */
  readonly percentilesMs: readonly number[];
}

/** Percentile points (in %) of the Azure 2019 `app_memory_percentiles` files. */
export const MEMORY_PERCENTILE_POINTS: readonly number[] = [1, 5, 25, 50, 75, 95, 99, 100];

/** One row of an Azure 2019 `app_memory_percentiles` file. Memory in MB. */
export interface MemoryPercentiles {
  readonly owner: string;
  readonly app: string;
  readonly sampleCount: number;
  /** Mean allocated memory, MB. */
  readonly averageMB: number;
  /** Allocated memory (MB) at {@link MEMORY_PERCENTILE_POINTS}, non-decreasing. */
  readonly percentilesMB: readonly number[];
}

/** One record of the Azure Functions 2021 per-invocation trace. Times in seconds from the trace start. */
export interface InvocationRecord {
  readonly app: string;
  readonly func: string;
  /** End of the invocation, s. */
  readonly endTimestampS: number;
  /** Duration, s. */
  readonly durationS: number;
}

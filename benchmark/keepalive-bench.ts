import type { Clock } from '../src/core/clock';
import { SeededRng } from '../src/core/rng';
import { quantileSorted } from '../src/core/stats';
import type { Forecaster } from '../src/forecast/forecast-types';
import { ForecastMemo } from '../src/pool/forecast-memo';
import { createPolicy, validatePolicyNames, type PolicyEnv } from '../src/pool/policy-registry';
import { generateArrivals } from '../src/sim/arrivals';
import type { ClusterConfig } from '../src/sim/cluster-config';
import { simulate, type SimResult } from '../src/sim/simulator';
import type { Workload } from '../src/sim/workload';

/** The policy every idle-memory figure is compared with; it always runs. */
export const REFERENCE_POLICY = 'openwhisk-default';

/**
 * Bounds of the activity classes a policy's row is split into: a function
 * belongs to the first class whose upper bound is at least its invocations in
 * the run (0, 1, 2-5, 6-20, 21-60, 61-200, 201-1,000, over 1,000). The same
 * for every policy, since every policy sees the same arrivals.
 */
export const ACTIVITY_CLASS_MAX_INVOCATIONS: readonly number[] = [0, 1, 5, 20, 60, 200, 1_000, Number.POSITIVE_INFINITY];

/** One activity class of a policy's row: functions with `minInvocations..maxInvocations` invocations in the run. */
export interface KeepaliveActivityClass {
  /** `"2-5"`, `"1001+"`, ... */
  readonly label: string;
  readonly minInvocations: number;
  /** null for the open last class. */
  readonly maxInvocations: number | null;
  readonly functions: number;
  readonly invocations: number;
  readonly coldStarts: number;
  /** The class's share of the row's idle memory, GB-s. */
  readonly idleMemoryGBs: number;
}

/** One policy's line in `keepalive.json`. Memory in GB-s, times in ms unless named otherwise. */
export interface KeepalivePolicyRow {
  readonly name: string;
  readonly invocations: number;
  /** Starts that needed code init (new containers plus stem cells). */
  readonly coldStarts: number;
  readonly coldStartRate: number;
  /** Quantiles over functions (those invoked at least once) of each function's cold-start rate. */
  readonly functionColdStartRate: { readonly p50: number; readonly p75: number; readonly p99: number };
  readonly idleMemoryGBs: number;
  /** idleMemoryGBs divided by openwhisk-default's on the same run (1 = the same). */
  readonly idleMemoryVsDefault: number;
  /** Wall time of this policy's simulation, s. Timing: differs between runs. */
  readonly wallSeconds: number;
  readonly fullColdStarts: number;
  readonly stemCellStarts: number;
  readonly warmStarts: number;
  readonly prewarmedStarts: number;
  readonly prewarmsOrdered: number;
  readonly prewarmsUnused: number;
  readonly evictions: number;
  readonly expirations: number;
  readonly queued: number;
  readonly meanStartDelayMs: number;
  readonly stemCellMemoryGBs: number;
  /** Cold starts and idle memory by function activity ({@link ACTIVITY_CLASS_MAX_INVOCATIONS}): where a policy spends its memory and where it misses. */
  readonly byActivity: readonly KeepaliveActivityClass[];
}

/** What the workload was, for the report. */
export interface KeepaliveTraceInfo {
  readonly source: string;
  readonly functions: number;
  /** Half-open range of 0-based minute offsets from the trace's first minute. */
  readonly minutes: { readonly start: number; readonly end: number };
  readonly invocations: number;
  readonly durationSource: Workload['durationSource'];
  readonly memorySource: Workload['memorySource'];
  /** Extra files joined (durations, memory), '' when none. */
  readonly durationsFile: string;
  readonly memoryFile: string;
}

/** The contract of `keepalive.json`. */
export interface KeepaliveReport {
  readonly trace: KeepaliveTraceInfo;
  readonly seed: number;
  readonly cluster: ClusterConfig;
  readonly policies: readonly KeepalivePolicyRow[];
  /** Invocations simulated per second of wall time, over all policies. Timing: differs between runs. */
  readonly simulatedInvocationsPerSecond: number;
}

export interface KeepaliveBenchInput {
  readonly workload: Workload;
  /** Policy names; openwhisk-default is added first when missing. */
  readonly policies: readonly string[];
  readonly seed: number;
  readonly cluster: ClusterConfig;
  readonly clock: Clock;
  readonly minuteRange: { readonly start: number; readonly end: number };
  readonly durationsFile: string;
  readonly memoryFile: string;
  /** Called before each policy runs (`done` of `total` finished). */
  readonly onProgress?: (done: number, total: number, policy: string) => void;
  /** The forecaster of the `aquatope@<risk>` policies (required when one is named). */
  readonly forecaster?: Forecaster;
  /** Seed of the forecasts' sampling. Default: `seed`. */
  readonly forecastSeed?: number;
  /**
   * Absolute minute of the run's minute 0 from midnight of the trace's day 0 (the
   * forecaster's time features). Default: `minuteRange.start` (right when the trace's
   * first minute is day 0, 00:00, as in an Azure 2019 day file taken as day 0).
   */
  readonly originMinute?: number;
  /** Per function, counts of the minutes before `minuteRange` (so forecasting starts at once). Default: none. */
  readonly history?: readonly (Uint32Array | Float64Array)[];
}

/**
 * Runs every policy on the same arrivals (one schedule drawn from `seed`) and
 * gathers the keep-alive report. Only `wallSeconds` and
 * `simulatedInvocationsPerSecond` depend on anything but the inputs. The
 * `aquatope@<risk>` policies share one forecast per minute (one memo per run).
 * @throws Error for an unknown policy name, or a policy the inputs cannot build
 *   (`aquatope@<risk>` without a forecaster), before simulating anything;
 *   RangeError when `history` does not have one series per function.
 */
export function runKeepaliveBench(input: KeepaliveBenchInput): KeepaliveReport {
  validatePolicyNames(input.policies);
  const functionCount = input.workload.functions.length;
  if (input.history !== undefined && input.history.length !== functionCount) {
    throw new RangeError(`keepalive bench: history has ${input.history.length} functions, the workload has ${functionCount}`);
  }
  const names = input.policies.includes(REFERENCE_POLICY) ? [...input.policies] : [REFERENCE_POLICY, ...input.policies];
  const unique = names.filter((n, i) => names.indexOf(n) === i);
  const schedule = generateArrivals(input.workload, new SeededRng(input.seed));
  const forecastSeed = input.forecastSeed ?? input.seed;
  const env: PolicyEnv = {
    schedule,
    functionCount,
    cluster: input.cluster,
    forecaster: input.forecaster,
    forecastSeed,
    originMinute: input.originMinute ?? input.minuteRange.start,
    history: input.history,
    // One memo per run: the aquatope@<risk> policies see the same arrivals and share each tick's forecast.
    forecastMemo: input.forecaster === undefined ? undefined : new ForecastMemo(input.forecaster, forecastSeed),
  };
  const results: { result: SimResult; wallSeconds: number }[] = [];
  let simSeconds = 0;
  // Built before any runs, so that a policy the environment cannot serve fails before the first simulation.
  const built = unique.map((name) => createPolicy(name, env));
  built.forEach((policy, i) => {
    input.onProgress?.(i, unique.length, unique[i]);
    const t0 = input.clock.nowMs();
    const result = simulate(input.workload, schedule, policy, input.cluster);
    const wallSeconds = (input.clock.nowMs() - t0) / 1000;
    simSeconds += wallSeconds;
    results.push({ result, wallSeconds });
  });
  input.onProgress?.(unique.length, unique.length, '');
  const reference = results.find((r) => r.result.policy === REFERENCE_POLICY);
  const referenceIdle = reference === undefined ? Number.NaN : reference.result.idleMemoryGBs;
  const policies = results.map(({ result, wallSeconds }) => toRow(result, wallSeconds, referenceIdle));
  return {
    trace: {
      source: input.workload.source,
      functions: input.workload.functions.length,
      minutes: { start: input.minuteRange.start, end: input.minuteRange.end },
      invocations: schedule.count,
      durationSource: input.workload.durationSource,
      memorySource: input.workload.memorySource,
      durationsFile: input.durationsFile,
      memoryFile: input.memoryFile,
    },
    seed: input.seed,
    cluster: input.cluster,
    policies,
    simulatedInvocationsPerSecond: simSeconds > 0 ? (schedule.count * results.length) / simSeconds : 0,
  };
}

function toRow(r: SimResult, wallSeconds: number, referenceIdle: number): KeepalivePolicyRow {
  const rates: number[] = [];
  for (let f = 0; f < r.invocationsByFunction.length; f++) {
    const n = r.invocationsByFunction[f];
    if (n > 0) rates.push(r.coldStartsByFunction[f] / n);
  }
  rates.sort((a, b) => a - b);
  return {
    name: r.policy,
    invocations: r.invocations,
    coldStarts: r.coldStarts,
    coldStartRate: r.invocations > 0 ? r.coldStarts / r.invocations : 0,
    functionColdStartRate: {
      p50: quantileSorted(rates, 0.5),
      p75: quantileSorted(rates, 0.75),
      p99: quantileSorted(rates, 0.99),
    },
    idleMemoryGBs: r.idleMemoryGBs,
    idleMemoryVsDefault: referenceIdle > 0 ? r.idleMemoryGBs / referenceIdle : Number.NaN,
    wallSeconds,
    fullColdStarts: r.fullColdStarts,
    stemCellStarts: r.stemCellStarts,
    warmStarts: r.warmStarts,
    prewarmedStarts: r.prewarmedStarts,
    prewarmsOrdered: r.prewarmsOrdered,
    prewarmsUnused: r.prewarmsUnused,
    evictions: r.evictions,
    expirations: r.expirations,
    queued: r.queued,
    meanStartDelayMs: r.meanStartDelayMs,
    stemCellMemoryGBs: r.stemCellMemoryGBs,
    byActivity: activityClasses(r),
  };
}

/** Splits a run's cold starts and idle memory by the activity classes of {@link ACTIVITY_CLASS_MAX_INVOCATIONS}. */
export function activityClasses(r: Pick<SimResult, 'invocationsByFunction' | 'coldStartsByFunction' | 'idleMemoryGBsByFunction'>): KeepaliveActivityClass[] {
  let lo = 0;
  const classes = ACTIVITY_CLASS_MAX_INVOCATIONS.map((hi) => {
    const label = hi === Number.POSITIVE_INFINITY ? `${lo}+` : lo === hi ? String(hi) : `${lo}-${hi}`;
    const c = { label, minInvocations: lo, maxInvocations: hi === Number.POSITIVE_INFINITY ? null : hi, functions: 0, invocations: 0, coldStarts: 0, idleMemoryGBs: 0 };
    lo = hi + 1;
    return c;
  });
  for (let f = 0; f < r.invocationsByFunction.length; f++) {
    const n = r.invocationsByFunction[f];
    const c = classes.find((k) => k.maxInvocations === null || n <= k.maxInvocations);
    if (c === undefined) continue;
    c.functions++;
    c.invocations += n;
    c.coldStarts += r.coldStartsByFunction[f];
    c.idleMemoryGBs += r.idleMemoryGBsByFunction[f];
  }
  return classes;
}

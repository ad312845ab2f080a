/**
 * One `pool-sizer` tick: the last step of the one-minute scheduler chain,
 * with every effect behind {@link PoolSizeTickPorts}. It sizes each
 * function's warm pool with the simulator's `aquatope@<risk>` code, or with
 * a cold-start worth its `aquatope-worth@<GB-s>` code
 * ({@link sizeForecastSteps}, {@link unbrokenRunEnd}, {@link containersNeeded}
 * by Little's law at the risk quantile, the same memory budget and fallback).
 *
 * 1. Claim the tick `pool-sizer` at the fire time: a repeated alarm does
 *    nothing, and applies nothing again.
 * 2. Read the latest forecast made at or before the fire time's minute, all
 *    its shards ({@link mergeShards}); one made `d` minutes earlier is read `d`
 *    steps on, while it reaches the minute.
 * 3. Read the last {@link POOL_SERIES_MINUTES} (at least the platform
 *    keep-alive) series minutes: each function's mean duration (the
 *    invocation-weighted mean of its minutes' means; the policy's default
 *    1,000 ms without one), its memory (the latest minute's `memoryMB`, else
 *    `defaultMemoryMB`) and the containers estimated warm: the peak
 *    concurrency within the last `platformKeepAliveMinutes` or the warm-ups
 *    confirmed by an earlier prewarm within them, whichever is more (an idle
 *    container outlives its last use by the platform's keep-alive).
 * 4. Size each forecast function: step s needs containersNeeded(the risk
 *    quantile of its count, duration, the headroom risk, by default the
 *    risk). With `coldStartWorthGBs` set, both levels come from it and the
 *    function's memory instead, as in the simulator's `aquatope-worth@<GB-s>`
 *    ({@link sizeForecastStepsByWorth}, least level
 *    {@link WORTH_POLICY_LEAST_LEVEL}): the count at quantile 1 - theta, theta
 *    = (memory MB / 1,024 x 60 GB-s) / worth, read at the smallest stored
 *    level at or above it (the forecaster stores `WORTH_FORECAST_LEVELS` of
 *    `forecast-tick.ts` for it). The target warm pool is step 0's
 *    need, the prewarm the deficit against the containers estimated warm, the
 *    keep-alive the unbroken run of steps needing a container (at least one
 *    minute, the policy's grace). Prewarms go first to the functions likeliest
 *    to be invoked in the minute and stop once warm containers would fill 80%
 *    of `clusterMemoryMB` (no budget without it). A function with no forecast
 *    (less than one input window of history, or its shard missing) is sized
 *    as the policy sizes a function in its warm-up: from its busiest series
 *    minute read (containersNeeded(that count, duration, the headroom
 *    level)), with the platform's keep-alive; its prewarm goes first, as the
 *    policy orders it, within the same budget.
 * 5. STORE the {@link PoolDecision} first (once per minute; a different one
 *    stored first is kept and applied), then apply it. In prewarm mode
 *    `warmup` (the default): prewarm each deficit through the platform port
 *    (on stock OpenWhisk, warm-up invocations; idle containers are then kept
 *    by the platform's keep-alive) and record each prewarm in the
 *    applied-action repository. In mode `runtime-manifest` (the
 *    dynamic-prewarm extension's admin endpoint): stem cells are per runtime
 *    kind and memory, not per action, so the deficits are summed per (kind,
 *    memory MB) over the functions concerned (those sized from the forecast,
 *    and any with a deficit; the kind is the platform's, else
 *    `defaultRuntimeKind`), set with ONE port call
 *    ({@link StemCellPlatform.setStemCells}) and recorded as one
 *    `stem-cells` change of {@link RUNTIME_MANIFEST_TARGET}. A sum may be 0:
 *    stem cells raised by an earlier tick go back down. A prewarm (or
 *    stem-cell change) already recorded for this fire time (a re-claimed
 *    tick) is not sent again.
 * 6. Complete the tick.
 */
import {
  AQUATOPE_DEFAULT_DURATION_MS,
  AQUATOPE_EXCESS_KEEP_ALIVE_MS,
  AQUATOPE_MEMORY_SHARE,
  sizeForecastSteps,
  sizeForecastStepsByWorth,
  unbrokenRunEnd,
  WORTH_POLICY_LEAST_LEVEL,
  worthCountLevel,
  worthHeadroomLevel,
  worthTheta,
} from '../pool/aquatope';
import { containersNeeded } from '../pool/container-sizing';
import { RUNTIME_MANIFEST_TARGET, type StemCellsEntry } from '../store/applied-action-repository';
import type { FunctionPoolTarget, PoolDecision } from '../store/pool-decision-repository';
import { isStoreError } from '../store/store-error';
import { epochMsOf } from '../store/time-keys';
import type { PoolPlatform, PoolSizeTickPorts, PoolSizeTickStore, PrewarmOutcome, StemCellPlatform, StemCellTarget } from './pool-size-tick-ports';
import { guarded, SchedulerError, toSchedulerError } from './scheduler-error';
import { levelIndex, mergeShards, StoredCountForecast, type StoredFunctionForecast } from './stored-forecast';
import { claimTick, completeTick, fireMinuteOf, isoMinute, MINUTE_MS } from './tick';

/** The tick kind of the pool sizer's alarm. */
export const POOL_SIZER_TICK_KIND = 'pool-sizer';

/** Minutes of series read for durations and memory (60), at least the platform keep-alive. */
export const POOL_SERIES_MINUTES = 60;

/** Functions prewarmed at the same time, by default (8). */
export const DEFAULT_PREWARM_PARALLELISM = 8;

/** Runtime kind of a function the platform reports none for, by default (`nodejs:20`). */
export const DEFAULT_RUNTIME_KIND = 'nodejs:20';

/** How a tick applies its prewarms: warm-up invocations per action, or stem-cell counts per runtime kind and memory. */
export type PoolPrewarmMode = 'warmup' | 'runtime-manifest';

/** What one tick is asked to do. */
export interface PoolSizeTickInput {
  /** The alarm's scheduled fire time, ISO 8601 with a zone. */
  readonly fireTime: string;
  /** Who claims the tick. */
  readonly claimant: string;
}

/** Settings of a tick (see `loadConfig`). */
export interface PoolSizeTickOptions {
  /** Tick lease, ms. */
  readonly leaseMs: number;
  /** The risk level, in (0, 1): the forecast quantile and the probability an arrival finds a warm container. */
  readonly riskLevel: number;
  /**
   * The probability an arrival finds a warm container given the minute's count
   * (the Poisson headroom of {@link containersNeeded}), in (0, 1). Default `riskLevel`.
   */
  readonly headroomRiskLevel?: number;
  /**
   * Idle memory one cold start is worth, GB-s (a finite number > 0). When set,
   * each function is sized at its own levels from this and its memory
   * ({@link sizeForecastStepsByWorth}, least level {@link WORTH_POLICY_LEAST_LEVEL});
   * `riskLevel` and `headroomRiskLevel` are then not used. Default: unset.
   */
  readonly coldStartWorthGBs?: number;
  /** The platform's idle-container keep-alive, minutes (an integer >= 1). */
  readonly platformKeepAliveMinutes: number;
  /** Container memory of a function whose activations do not say, MB (> 0). */
  readonly defaultMemoryMB: number;
  /** Memory of the invokers together, MB; undefined: no budget. */
  readonly clusterMemoryMB?: number;
  /** Functions prewarmed at the same time, an integer >= 1. Default {@link DEFAULT_PREWARM_PARALLELISM}. */
  readonly prewarmParallelism?: number;
  /** How prewarms are applied (default `warmup`); `runtime-manifest` needs the platform port's {@link PoolPlatform.stemCells}. */
  readonly prewarmMode?: PoolPrewarmMode;
  /** Runtime kind of a function the platform reports none for, in mode `runtime-manifest`. Default {@link DEFAULT_RUNTIME_KIND}. */
  readonly defaultRuntimeKind?: string;
}

/** The forecast a decision was made from. */
export interface ForecastUsed {
  readonly firstMinute: string;
  /** Minutes between its first minute and the minute sized (0: made for it). */
  readonly ageMinutes: number;
  readonly shardCount: number;
  /** Shards with no document (their functions fall back). */
  readonly missingShards: readonly number[];
  /**
   * The stored quantile level the targets were sized at (the risk level when
   * stored, else the smallest above it); null with a cold-start worth (each
   * function has its own) or with no function forecast.
   */
  readonly level: number | null;
}

/** One function's prewarm as applied. */
export interface PrewarmApplied {
  readonly function: string;
  /** Containers asked for. */
  readonly containers: number;
  /** Confirmed warm. */
  readonly warmed: number;
  readonly failures: readonly string[];
  /** `applied` now; `already-applied` by an earlier claim of this tick (not sent again). */
  readonly outcome: 'applied' | 'already-applied';
}

/** The stem-cell change of a tick in mode `runtime-manifest`. */
export interface StemCellsApplied {
  /** The counts set, per runtime kind and memory (containers beyond those estimated warm). */
  readonly cells: readonly StemCellsEntry[];
  /** The counts the platform did not set, with why. */
  readonly skipped: readonly (StemCellsEntry & { readonly reason: string })[];
  /** `applied` now; `already-applied` by an earlier claim of this tick (not sent again); `nothing-to-set`: no function concerned (no call). */
  readonly outcome: 'applied' | 'already-applied' | 'nothing-to-set';
}

/** A tick that did nothing. */
export interface PoolSizeTickSkipped {
  readonly fireTime: string;
  readonly skipped: 'already-done' | 'in-progress';
}

/** A tick that decided and applied. */
export interface PoolSizeTickActed {
  readonly fireTime: string;
  /** The minute sized, canonical ISO UTC. */
  readonly minute: string;
  /** The risk level sized at; with a cold-start worth, the least level of every function's ({@link WORTH_POLICY_LEAST_LEVEL}). */
  readonly riskLevel: number;
  /** The cold-start worth sized by, GB-s; null: sized at `riskLevel`. */
  readonly coldStartWorthGBs: number | null;
  readonly forecast: ForecastUsed | null;
  /** Functions in the decision. */
  readonly functions: number;
  /** Of those, sized from the forecast. */
  readonly forecastFunctions: number;
  /** Of those, on the fallback (no forecast: sized from the busiest series minute read, the platform's keep-alive). */
  readonly fallbackFunctions: number;
  /** Sum of the target warm pools. */
  readonly warmContainers: number;
  /** Sum of the containers estimated warm before the prewarms. */
  readonly estimatedWarm: number;
  /** Functions whose prewarm the memory budget cut. */
  readonly budgetCapped: number;
  /** `created`; `already-stored` (a re-run); `kept-first` (a different decision was stored first: it was applied). */
  readonly decision: 'created' | 'already-stored' | 'kept-first';
  /** The per-action prewarms (mode `warmup`; empty in mode `runtime-manifest`). */
  readonly prewarms: readonly PrewarmApplied[];
  /** The stem-cell change (mode `runtime-manifest`); null in mode `warmup`. */
  readonly stemCells: StemCellsApplied | null;
  readonly tick: 'completed' | 'lost';
}

/** The outcome of {@link runPoolSizeTick}. */
export type PoolSizeTickSummary = PoolSizeTickSkipped | PoolSizeTickActed;

/** What the recent series say of one function. */
interface Recent {
  invocations: number;
  durationSum: number;
  memoryMB: number | undefined;
  peak: number;
  /** The most invocations of one series minute read (the warm-up rule's count). */
  busiest: number;
}

const KIND = /^[A-Za-z0-9][A-Za-z0-9._-]*(:[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

function checkOptions(options: PoolSizeTickOptions, platform: PoolPlatform): void {
  const bad = (what: string, value: unknown, expected: string): never => {
    // JSON would show NaN and Infinity as null.
    throw new SchedulerError('invalid-input', `${what}: expected ${expected}, found ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`);
  };
  if (!(options.riskLevel > 0 && options.riskLevel < 1)) bad('riskLevel', options.riskLevel, 'a number strictly between 0 and 1');
  const headroom = options.headroomRiskLevel;
  if (headroom !== undefined && !(headroom > 0 && headroom < 1)) bad('headroomRiskLevel', headroom, 'a number strictly between 0 and 1');
  const worth = options.coldStartWorthGBs;
  if (worth !== undefined && !(worth > 0 && Number.isFinite(worth))) bad('coldStartWorthGBs', worth, 'a finite number of GB-s > 0');
  if (!Number.isInteger(options.platformKeepAliveMinutes) || options.platformKeepAliveMinutes < 1) bad('platformKeepAliveMinutes', options.platformKeepAliveMinutes, 'an integer >= 1');
  if (!(options.defaultMemoryMB > 0) || !Number.isFinite(options.defaultMemoryMB)) bad('defaultMemoryMB', options.defaultMemoryMB, 'a finite number > 0');
  if (options.clusterMemoryMB !== undefined && !(options.clusterMemoryMB > 0)) bad('clusterMemoryMB', options.clusterMemoryMB, 'a number > 0');
  const parallel = options.prewarmParallelism;
  if (parallel !== undefined && (!Number.isInteger(parallel) || parallel < 1)) bad('prewarmParallelism', parallel, 'an integer >= 1');
  const mode = options.prewarmMode;
  if (mode !== undefined && mode !== 'warmup' && mode !== 'runtime-manifest') bad('prewarmMode', mode, 'warmup or runtime-manifest');
  const kind = options.defaultRuntimeKind;
  if (kind !== undefined && !KIND.test(kind)) bad('defaultRuntimeKind', kind, 'a runtime kind such as nodejs:20');
  if (mode === 'runtime-manifest' && platform.stemCells === undefined) bad('prewarmMode', mode, 'warmup, or a platform port with the stem-cell path (the runtime-manifest admin endpoint)');
}

/**
 * Runs one tick.
 * @throws SchedulerError for every failure
 */
export async function runPoolSizeTick(input: PoolSizeTickInput, ports: PoolSizeTickPorts, options: PoolSizeTickOptions): Promise<PoolSizeTickSummary> {
  const { store, platform, wallClock } = ports;
  const fire = fireMinuteOf(input.fireTime);
  checkOptions(options, platform);
  const worth = options.coldStartWorthGBs;
  const risk = worth === undefined ? options.riskLevel : WORTH_POLICY_LEAST_LEVEL;
  const headroomRisk = options.headroomRiskLevel ?? risk;
  const keepAlive = options.platformKeepAliveMinutes;
  const claim = await claimTick(store.ticks, POOL_SIZER_TICK_KIND, fire.fireTime, wallClock, options.leaseMs, input.claimant);
  if (!claim.claimed) return { fireTime: fire.fireTime, skipped: claim.skipped };

  // 2. The forecast, all shards, read on to this minute.
  let forecast: ForecastUsed | null = null;
  let entries: StoredFunctionForecast[] = [];
  let offset = 0;
  const latest = await guarded('find the latest forecast', () => store.forecasts.latestMinuteAtOrBefore(fire.minute));
  if (latest !== undefined) {
    offset = (fire.minuteMs - epochMsOf(latest)) / MINUTE_MS;
    const merged = mergeShards(await guarded(`read the forecast of ${latest}`, () => store.forecasts.shardsAt(latest)));
    if (merged !== undefined) {
      entries = [...merged.functions.values()].filter((e) => e.horizonMinutes > offset).sort((a, b) => (a.entry.function < b.entry.function ? -1 : 1));
      if (entries.length > 0 || offset === 0) {
        const first = entries[0];
        const level = first === undefined || worth !== undefined ? null : first.levels[levelIndex(first.levels, risk)];
        forecast = { firstMinute: latest, ageMinutes: offset, shardCount: merged.shardCount, missingShards: merged.missingShards, level };
      }
    }
  }

  // 3. Recent series and earlier prewarms.
  const seriesMinutes = Math.max(POOL_SERIES_MINUTES, keepAlive);
  const keepFromMs = fire.minuteMs - keepAlive * MINUTE_MS;
  const recentDocs = await guarded('read the series', () => store.series.range(isoMinute(fire.minuteMs - seriesMinutes * MINUTE_MS), fire.minute));
  const recent = new Map<string, Recent>();
  for (const doc of recentDocs) {
    const inKeepAlive = epochMsOf(doc.minute) >= keepFromMs;
    for (const f of doc.functions) {
      const r = recent.get(f.function) ?? { invocations: 0, durationSum: 0, memoryMB: undefined, peak: 0, busiest: 0 };
      if (f.meanDurationMs !== null) {
        r.invocations += f.invocations;
        r.durationSum += f.meanDurationMs * f.invocations;
      }
      if (f.memoryMB !== undefined) r.memoryMB = f.memoryMB;
      if (inKeepAlive && f.peakConcurrency > r.peak) r.peak = f.peakConcurrency;
      if (f.invocations > r.busiest) r.busiest = f.invocations;
      recent.set(f.function, r);
    }
  }
  const applied = await guarded('read the applied prewarms', () => store.appliedActions.appliedSince(isoMinute(keepFromMs)));
  const prewarmed = new Map<string, number>();
  for (const a of applied) {
    if (a.change.kind !== 'prewarm' || a.at >= fire.fireTime) continue;
    prewarmed.set(a.action, Math.max(prewarmed.get(a.action) ?? 0, a.change.warmed ?? a.change.containers));
  }
  const warmOf = (fn: string): number => Math.max(recent.get(fn)?.peak ?? 0, prewarmed.get(fn) ?? 0);
  const memoryOf = (fn: string): number => recent.get(fn)?.memoryMB ?? options.defaultMemoryMB;
  const durationOf = (fn: string): number => {
    const r = recent.get(fn);
    return r !== undefined && r.invocations > 0 ? r.durationSum / r.invocations : AQUATOPE_DEFAULT_DURATION_MS;
  };

  // 4. Targets, with the policy's code: forecast functions by their forecast, the others by the warm-up rule.
  const targets = new Map<string, FunctionPoolTarget>();
  let budgetCapped = 0;
  /** Each function to size: step 0's target, its keep-alive and its chance of an arrival in the minute. */
  const order: { fn: string; p: number; target: number; keepAliveMinutes: number }[] = [];
  const forecastNames = new Set(entries.map((e) => e.entry.function));
  if (entries.length > 0) {
    const H = Math.min(...entries.map((e) => e.horizonMinutes)) - offset;
    const view = new StoredCountForecast(entries, offset, H);
    const need = new Int32Array(entries.length * H);
    const graceMinutes = AQUATOPE_EXCESS_KEEP_ALIVE_MS / MINUTE_MS;
    entries.forEach((e, w) => {
      const fn = e.entry.function;
      if (worth === undefined) sizeForecastSteps(view, w, durationOf(fn), risk, H, need, w * H, headroomRisk);
      else sizeForecastStepsByWorth(view, w, durationOf(fn), memoryOf(fn), worth, risk, H, need, w * H);
      order.push({ fn, p: 1 - view.cdf(w, 0, 0), target: need[w * H], keepAliveMinutes: Math.max(unbrokenRunEnd(need, w * H, H, 0, 1), graceMinutes) });
    });
  }
  for (const [fn, r] of recent) {
    if (forecastNames.has(fn)) continue;
    // The policy's warm-up rule: the busiest minute so far, at the headroom level of that count, first in the order.
    const headroom = worth === undefined ? headroomRisk : worthHeadroomLevel(worthTheta(memoryOf(fn), worth), r.busiest, risk);
    order.push({ fn, p: 1, target: containersNeeded(r.busiest, durationOf(fn), headroom), keepAliveMinutes: keepAlive });
  }
  order.sort((a, b) => b.p - a.p || (a.fn < b.fn ? -1 : a.fn > b.fn ? 1 : 0));
  const budgetMB = options.clusterMemoryMB === undefined ? Number.POSITIVE_INFINITY : AQUATOPE_MEMORY_SHARE * options.clusterMemoryMB;
  let usedMB = 0;
  for (const fn of new Set<string>([...recent.keys(), ...forecastNames])) usedMB += warmOf(fn) * memoryOf(fn);
  for (const { fn, target, keepAliveMinutes } of order) {
    const before = warmOf(fn);
    const mb = memoryOf(fn);
    const room = Math.floor((budgetMB - usedMB) / mb);
    let prewarm = 0;
    if (room > 0) {
      const reach = Math.min(target, before + room);
      prewarm = Math.max(0, reach - before);
      usedMB += prewarm * mb;
      if (reach < target) budgetCapped++;
    } else if (target > before) budgetCapped++;
    targets.set(fn, { function: fn, warmContainers: target, prewarm, keepAliveMinutes, memoryMB: mb });
  }
  const functions = [...targets.values()].sort((a, b) => (a.function < b.function ? -1 : a.function > b.function ? 1 : 0));
  const decision: PoolDecision = {
    minute: fire.minute,
    riskLevel: risk,
    ...(worth === undefined ? {} : { coldStartWorthGBs: worth }),
    forecastFirstMinute: forecast === null ? null : forecast.firstMinute,
    functions,
  };

  // 5. The decision first, then the prewarms.
  let outcome: PoolSizeTickActed['decision'];
  let applying = decision;
  try {
    outcome = (await store.poolDecisions.save(decision)).outcome;
  } catch (error) {
    if (!isStoreError(error, 'conflict')) throw toSchedulerError(error, 'store the pool decision');
    const first = await guarded('read the stored pool decision', () => store.poolDecisions.get(fire.minute));
    if (first === undefined) throw toSchedulerError(error, 'store the pool decision');
    applying = first;
    outcome = 'kept-first';
  }
  const level = forecast?.level ?? risk;
  const rule = worth === undefined ? `q${level}` : `worth ${worth} GB-s`;
  const storedLevels = new Map(entries.map((e) => [e.entry.function, e.levels]));
  /** What a function was sized at: the stored level, with a worth that of its memory; the warm-up rule without a forecast. */
  const sizedAt = (fn: string, mb: number): string => {
    const levels = storedLevels.get(fn);
    if (levels === undefined) return 'warm-up rule (no forecast: its busiest series minute)';
    if (worth === undefined) return rule;
    return `${rule} (q${levels[levelIndex(levels, worthCountLevel(mb, worth, risk))]} at ${mb} MB)`;
  };
  const stemCellPort = platform.stemCells;
  let stemCells: StemCellsApplied | null = null;
  const wanted = options.prewarmMode === 'runtime-manifest' ? [] : applying.functions.filter((f) => f.prewarm > 0);
  if (options.prewarmMode === 'runtime-manifest' && stemCellPort !== undefined) {
    const concerned = applying.functions.filter((f) => f.prewarm > 0 || forecastNames.has(f.function));
    stemCells = await applyStemCells(store, stemCellPort, concerned, {
      fireTime: fire.fireTime,
      tickId: claim.tick.id,
      defaultKind: options.defaultRuntimeKind ?? DEFAULT_RUNTIME_KIND,
      reason: (n) => `pool-sizer ${rule}: ${n} containers wanted beyond those estimated warm, summed per runtime kind and memory`,
    });
  }
  const prewarms = await forEachLimited(wanted, options.prewarmParallelism ?? DEFAULT_PREWARM_PARALLELISM, async (target): Promise<PrewarmApplied> => {
    const fn = target.function;
    const before = await guarded(`read the applied prewarm of ${fn}`, () => store.appliedActions.get(fn, fire.fireTime, 'prewarm'));
    if (before !== undefined && before.change.kind === 'prewarm') {
      return { function: fn, containers: before.change.containers, warmed: before.change.warmed ?? 0, failures: [], outcome: 'already-applied' };
    }
    const result: PrewarmOutcome = await guarded(`prewarm ${fn}`, () => platform.prewarm(fn, target.prewarm));
    const warmed = Math.max(0, Math.min(target.prewarm, result.warmed));
    await guarded(`record the prewarm of ${fn}`, () =>
      store.appliedActions.record({
        action: fn,
        at: fire.fireTime,
        change: { kind: 'prewarm', containers: target.prewarm, keepAliveMinutes: keepAlive, warmed },
        reason: `pool-sizer ${sizedAt(fn, target.memoryMB)}: ${target.warmContainers} warm wanted, ${warmOf(fn)} estimated warm`,
        tickId: claim.tick.id,
      }),
    );
    return { function: fn, containers: target.prewarm, warmed, failures: result.failures, outcome: 'applied' };
  });
  prewarms.sort((a, b) => (a.function < b.function ? -1 : a.function > b.function ? 1 : 0));

  const forecastFunctions = functions.filter((f) => forecastNames.has(f.function)).length;
  const summary = {
    fireTime: fire.fireTime,
    minute: fire.minute,
    riskLevel: risk,
    coldStartWorthGBs: worth ?? null,
    forecast,
    functions: functions.length,
    forecastFunctions,
    fallbackFunctions: functions.length - forecastFunctions,
    warmContainers: functions.reduce((n, f) => n + f.warmContainers, 0),
    estimatedWarm: functions.reduce((n, f) => n + warmOf(f.function), 0),
    budgetCapped,
    decision: outcome,
    prewarms,
    stemCells,
  };
  const tick = await completeTick(
    store.ticks,
    claim.tick,
    wallClock,
    JSON.stringify({ functions: summary.functions, warm: summary.warmContainers, prewarmed: prewarms.reduce((n, p) => n + p.warmed, 0) + (stemCells?.cells.reduce((n, c) => n + c.count, 0) ?? 0), decision: outcome }),
  );
  return { ...summary, tick };
}

/**
 * The stem-cell path: the prewarms of `concerned` summed per (kind, memory
 * MB), set with one port call and recorded once per fire time.
 */
async function applyStemCells(
  store: PoolSizeTickStore,
  port: StemCellPlatform,
  concerned: readonly FunctionPoolTarget[],
  at: { readonly fireTime: string; readonly tickId: string; readonly defaultKind: string; readonly reason: (containers: number) => string },
): Promise<StemCellsApplied> {
  const before = await guarded('read the applied stem cells', () => store.appliedActions.get(RUNTIME_MANIFEST_TARGET, at.fireTime, 'stem-cells'));
  if (before !== undefined && before.change.kind === 'stem-cells') return { cells: before.change.cells, skipped: before.change.skipped, outcome: 'already-applied' };
  if (concerned.length === 0) return { cells: [], skipped: [], outcome: 'nothing-to-set' };
  const names = concerned.map((f) => f.function);
  const kinds = await guarded('read the runtime kinds', () => port.kindsOf(names));
  const sums = new Map<string, StemCellTarget>();
  for (const f of concerned) {
    const kind = kinds.get(f.function) ?? at.defaultKind;
    // The manifest's memory sizes are whole MB.
    const memoryMB = Math.ceil(f.memoryMB);
    const key = `${kind} ${memoryMB}`;
    sums.set(key, { kind, memoryMB, count: (sums.get(key)?.count ?? 0) + f.prewarm });
  }
  const targets = [...sums.values()].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.memoryMB - b.memoryMB));
  const result = await guarded('set the stem cells', () => port.setStemCells(targets));
  const cells = result.applied.map((c) => ({ kind: c.kind, memoryMB: c.memoryMB, count: c.count }));
  const skipped = result.skipped.map((c) => ({ kind: c.kind, memoryMB: c.memoryMB, count: c.count, reason: c.reason }));
  const total = targets.reduce((n, t) => n + t.count, 0);
  await guarded('record the stem cells', () =>
    store.appliedActions.record({
      action: RUNTIME_MANIFEST_TARGET,
      at: at.fireTime,
      change: { kind: 'stem-cells', cells, skipped },
      reason: at.reason(total),
      tickId: at.tickId,
    }),
  );
  return { cells, skipped, outcome: 'applied' };
}

/** Runs `run` over `items`, at most `limit` at a time; rejects with the first failure once every started call has settled. */
async function forEachLimited<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const i = next++;
      try {
        results[i] = await run(items[i]);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}

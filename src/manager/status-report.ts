/**
 * The `status` report: what the resource manager has decided and knows now,
 * for an operator's ad-hoc look (`wsk action invoke aquatope/status -r`).
 * Read-only: it reads the store through {@link StatusStore} (only the read
 * methods of the repositories) and never writes.
 *
 * - workflows: each registered workflow's QoS target, its search phase, the
 *   probe pending, the incumbent and, per stage, the last limits applied.
 *   Workflow configurations and search states are one mutable document per
 *   workflow with no history, so they are always the current ones, whatever
 *   `at` says; the applied limits do honour `at` (latest at or before it).
 * - pool: the latest pool decision whose minute is at or before `at`.
 * - forecast: the latest forecast whose first minute is at or before `at`.
 */
import type { AppliedActionRepository } from '../store/applied-action-repository';
import type { ForecastRepository } from '../store/forecast-repository';
import type { PoolDecisionRepository } from '../store/pool-decision-repository';
import type { Incumbent, PendingProbe, SearchPhase, SearchStateRepository } from '../store/search-state-repository';
import { canonicalInstant } from '../store/time-keys';
import { LEVEL_EPSILON, mergeShards } from '../scheduler/stored-forecast';
import type { WorkflowConfig, WorkflowConfigRepository } from '../store/workflow-config-repository';

/** The repositories' read methods the report uses. */
export interface StatusStore {
  readonly workflowConfigs: Pick<WorkflowConfigRepository, 'get' | 'list'>;
  readonly searchStates: Pick<SearchStateRepository, 'get'>;
  readonly appliedActions: Pick<AppliedActionRepository, 'historyOf'>;
  readonly poolDecisions: Pick<PoolDecisionRepository, 'latestAtOrBefore'>;
  readonly forecasts: Pick<ForecastRepository, 'latestMinuteAtOrBefore' | 'shardsAt'>;
}

/** What to report. */
export interface StatusQuery {
  /** Only this workflow; undefined: every registered one. */
  readonly workflow: string | undefined;
  /** At most this many functions in the pool decision and in the forecast, an integer >= 1. */
  readonly limit: number;
  /** ISO 8601 instant with a zone: report the latest decision, forecast and applied limits at or before it; undefined: the latest stored. */
  readonly at: string | undefined;
}

/** The last limits applied to one stage's action. */
export interface AppliedStageLimits {
  /** The stage; its action is taken to be the stage's name (the default of a managed workflow's definition). */
  readonly stage: string;
  /** The action whose history was read (the stage's name). */
  readonly action: string;
  /** When applied, canonical ISO UTC. */
  readonly at: string;
  /** Memory limit, MB. */
  readonly memoryMB: number;
  /** CPU limit, cores; null where CPU follows memory. */
  readonly cpu: number | null;
  /** Why it was applied. */
  readonly reason: string;
}

/** One workflow's status. */
export interface WorkflowStatus {
  readonly name: string;
  /** Latency target: `percentile` (in (0, 100)) of end-to-end latency under `targetMs` (ms). */
  readonly qos: WorkflowConfig['qos'];
  /** Where the configuration in force came from. */
  readonly configSource: WorkflowConfig['source'];
  /** The search phase; null when no search has started. */
  readonly phase: SearchPhase | null;
  /** Optimisation steps taken; null when no search has started. */
  readonly iteration: number | null;
  /** The probe under way; null between probes or before a search. */
  readonly pendingProbe: PendingProbe | null;
  /** The best feasible configuration so far; null before one is known. */
  readonly incumbent: Incumbent | null;
  /** Per stage of the configuration, the last limits recorded as applied; null for a stage with none. */
  readonly lastAppliedLimits: readonly (AppliedStageLimits | { readonly stage: string; readonly action: string; readonly applied: null })[];
}

/** One function's pool target. */
export interface PoolFunctionStatus {
  readonly function: string;
  /** Containers to keep warm, an integer >= 0. */
  readonly warmContainers: number;
  /** Containers to prewarm now, an integer >= 0. */
  readonly prewarm: number;
  /** Keep-alive of idle containers, minutes. */
  readonly keepAliveMinutes: number;
  /** Memory of one container, MB. */
  readonly memoryMB: number;
}

/** The latest pool decision. */
export interface PoolStatus {
  /** The minute the targets are for, canonical ISO UTC. */
  readonly minute: string;
  /** Forecast quantile level used, in (0, 1); with a cold-start worth, the least level of every function's. */
  readonly riskLevel: number;
  /** Idle memory one cold start was worth when sizing, GB-s; null: sized at `riskLevel`. */
  readonly coldStartWorthGBs: number | null;
  /** First minute of the forecast it came from; null without one. */
  readonly forecastFirstMinute: string | null;
  /** Functions in the decision (before truncation). */
  readonly functionCount: number;
  /** True when `functions` holds fewer than `functionCount`. */
  readonly truncated: boolean;
  /** At most `limit` targets, in stored order. */
  readonly functions: readonly PoolFunctionStatus[];
}

/** One function's forecast. */
export interface ForecastFunctionStatus {
  readonly function: string;
  /** Expected invocations per minute, one per step. */
  readonly mean: readonly number[];
  /** The 0.9-quantile of invocations per minute, one per step; null when level 0.9 is not stored. */
  readonly q90: readonly number[] | null;
}

/** The latest forecast. */
export interface ForecastStatus {
  /** Minute of step 0, canonical ISO UTC. */
  readonly minute: string;
  /** Steps, minutes. */
  readonly horizonMinutes: number;
  /** The forecaster's name. */
  readonly model: string;
  /** Functions in the forecast (before truncation). */
  readonly functionCount: number;
  /** True when `functions` holds fewer than `functionCount`. */
  readonly truncated: boolean;
  /** At most `limit` functions, in stored order. */
  readonly functions: readonly ForecastFunctionStatus[];
}

/** The report. */
export interface StatusReport {
  readonly workflows: readonly WorkflowStatus[];
  /** Null when no decision is stored at or before `at`. */
  readonly pool: { readonly latest: PoolStatus | null };
  /** Null when no forecast is stored at or before `at`. */
  readonly forecast: { readonly latest: ForecastStatus | null };
  /** The `at` asked for, canonical ISO UTC, or null. */
  readonly generatedFor: string | null;
}

/** The named workflow is not registered. */
export class UnknownWorkflowError extends Error {
  override readonly name = 'UnknownWorkflowError';

  constructor(readonly workflow: string) {
    super(`workflow: no stored configuration for ${JSON.stringify(workflow)}`);
  }
}

/** The last minute ids can name (the latest of everything). */
const LAST_MINUTE = '9999-12-31T23:59:00.000Z';

/** Tolerance when matching the 0.9 quantile level. */

/** The start of the minute holding a canonical instant. */
function minuteOf(canonical: string): string {
  return `${canonical.slice(0, 16)}:00.000Z`;
}

async function workflowStatus(store: StatusStore, config: WorkflowConfig, at: string | undefined): Promise<WorkflowStatus> {
  const state = (await store.searchStates.get(config.workflow))?.doc;
  const lastAppliedLimits = await Promise.all(
    config.stages.map(async (s) => {
      const action = s.stage;
      const last = (await store.appliedActions.historyOf(action)).filter((a) => a.change.kind === 'limits' && (at === undefined || a.at <= at)).pop();
      if (last === undefined || last.change.kind !== 'limits') return { stage: s.stage, action, applied: null };
      return { stage: s.stage, action, at: last.at, memoryMB: last.change.memoryMB, cpu: last.change.cpu, reason: last.reason };
    }),
  );
  return {
    name: config.workflow,
    qos: config.qos,
    configSource: config.source,
    phase: state?.phase ?? null,
    iteration: state?.iteration ?? null,
    pendingProbe: state?.pending ?? null,
    incumbent: state?.incumbent ?? null,
    lastAppliedLimits,
  };
}

/**
 * Builds the report. Never writes.
 * @throws RangeError on a bad `at` or `limit`; UnknownWorkflowError when `workflow` is not registered; StoreError when the store fails.
 */
export async function buildStatusReport(store: StatusStore, query: StatusQuery): Promise<StatusReport> {
  if (!Number.isInteger(query.limit) || query.limit < 1) throw new RangeError(`limit: expected an integer >= 1, found ${query.limit}`);
  const at = query.at === undefined ? undefined : canonicalInstant(query.at, 'at');
  const minute = at === undefined ? LAST_MINUTE : minuteOf(at);

  let configs: WorkflowConfig[];
  if (query.workflow === undefined) {
    configs = await store.workflowConfigs.list();
  } else {
    const one = await store.workflowConfigs.get(query.workflow);
    if (one === undefined) throw new UnknownWorkflowError(query.workflow);
    configs = [one.doc];
  }
  const workflows = await Promise.all(configs.map((c) => workflowStatus(store, c, at)));

  const decision = await store.poolDecisions.latestAtOrBefore(minute);
  const pool: PoolStatus | null =
    decision === undefined
      ? null
      : {
          minute: decision.minute,
          riskLevel: decision.riskLevel,
          coldStartWorthGBs: decision.coldStartWorthGBs ?? null,
          forecastFirstMinute: decision.forecastFirstMinute,
          functionCount: decision.functions.length,
          truncated: decision.functions.length > query.limit,
          functions: decision.functions.slice(0, query.limit).map((f) => ({
            function: f.function,
            warmContainers: f.warmContainers,
            prewarm: f.prewarm,
            keepAliveMinutes: f.keepAliveMinutes,
            memoryMB: f.memoryMB,
          })),
        };

  // The latest forecast minute, every shard of it merged (the forecaster may run sharded).
  const latestMinute = await store.forecasts.latestMinuteAtOrBefore(minute);
  const merged = latestMinute === undefined ? undefined : mergeShards(await store.forecasts.shardsAt(latestMinute));
  let forecast: ForecastStatus | null = null;
  if (merged !== undefined) {
    const entries = [...merged.functions.values()].sort((a, b) => (a.entry.function < b.entry.function ? -1 : a.entry.function > b.entry.function ? 1 : 0));
    const first = entries[0];
    forecast = {
      minute: merged.firstMinute,
      horizonMinutes: first?.horizonMinutes ?? 0,
      model: merged.model,
      functionCount: entries.length,
      truncated: entries.length > query.limit,
      functions: entries.slice(0, query.limit).map(({ entry, levels }) => {
        const k90 = levels.findIndex((level) => Math.abs(level - 0.9) < LEVEL_EPSILON);
        return { function: entry.function, mean: entry.mean, q90: k90 < 0 ? null : (entry.quantiles[k90] ?? null) };
      }),
    };
  }

  return { workflows, pool: { latest: pool }, forecast: { latest: forecast }, generatedFor: at ?? null };
}

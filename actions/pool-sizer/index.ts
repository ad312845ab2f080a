/**
 * The `pool-sizer` action: the last step of the one-minute scheduler chain.
 * From the minute's forecast (every shard) and the recent series it sizes
 * each function's warm pool with the simulator's `aquatope@<risk>` code (or,
 * with `coldStartWorthGBs`, its `aquatope-worth@<GB-s>` code), stores the decision, then prewarms the deficits and records them
 * (`src/scheduler/pool-size-tick.ts`): by warm-up invocations of each action
 * (`prewarmMode` `warmup`, the default), or, on a cluster with the
 * dynamic-prewarm extension (`prewarmMode` `runtime-manifest`), by stem-cell
 * counts per runtime kind and memory posted to its admin endpoint
 * (`prewarmAdminUrl`, `prewarmAdminAuth`; `src/platform/runtime-manifest-prewarm.ts`).
 * Idle containers are kept by the platform's own keep-alive (stock OpenWhisk
 * has no API for it).
 *
 * Params: `fireTime` (ISO 8601; absent: the start of the current minute),
 * `riskLevel` (in (0, 1), default 0.95: the forecast quantile, and the chance
 * an arrival finds a warm container), `headroomRiskLevel` (in (0, 1), default
 * `riskLevel`: the chance an arrival finds a warm container given the
 * minute's count, when it should differ from the forecast quantile),
 * `coldStartWorthGBs` (> 0, GB-s; default unset: when set, each function is
 * sized at its own quantiles from it and its memory, as the simulator's
 * `aquatope-worth@<GB-s>`, and the two risk levels are not used; give the
 * forecaster the same value so it stores the levels this reads), and the config params of `loadConfig`
 * (`couchdbUrl`, `dbPrefix`, `platformKeepAliveMinutes` (default 10),
 * `defaultMemoryMB` (default 256), `clusterMemoryMB` (prewarms stop at 80% of
 * it; default no budget), `prewarmMode`, `prewarmAdminUrl`,
 * `prewarmAdminAuth`, `prewarmAdminTimeoutMs`, `prewarmBaseManifest`,
 * `prewarmDefaultKind` (default `nodejs:20`), `leaseMs`, `storeTimeoutMs`,
 * `apiHost`, `apiKey`, ...).
 *
 * Answers the tick's summary with `fireTimeSource`, or
 * `{ error: { code, message } }` with code `invalid-param`,
 * `store-unavailable`, `store-error` or `platform-error`.
 */
import { loadConfig } from '../../src/config/load-config';
import { platformFromConfig } from '../../src/platform/platform-from-config';
import { RuntimeManifestAdmin } from '../../src/platform/runtime-manifest-prewarm';
import { currentMinute, failureOf, missingCouchDb, type SchedulerActionFailure } from '../../src/scheduler/action-failure';
import { openWhiskPoolPlatform } from '../../src/scheduler/openwhisk-pool-platform';
import { runPoolSizeTick, type PoolSizeTickSummary } from '../../src/scheduler/pool-size-tick';
import { openStore } from '../../src/store/store';
import { parsePoolSizerParams } from './parse-params';

/** What the action answers. */
export type PoolSizerActionResult = (PoolSizeTickSummary & { readonly fireTimeSource: 'param' | 'clock' }) | SchedulerActionFailure;

/** The action's entry point. */
export async function main(params: Record<string, unknown>): Promise<PoolSizerActionResult> {
  try {
    const input = parsePoolSizerParams(params);
    const config = loadConfig(params, process.env);
    if (config.couchDbUrl === undefined) return missingCouchDb('pool-sizer');
    const fireTime = input.fireTime ?? currentMinute(Date.now());
    const store = await openStore({ url: config.couchDbUrl, dbPrefix: config.dbPrefix, timeoutMs: config.storeTimeoutMs });
    const platform = platformFromConfig(config, process.env);
    const admin =
      config.prewarmMode === 'runtime-manifest' && config.prewarmAdminUrl !== undefined
        ? new RuntimeManifestAdmin({
            adminUrl: config.prewarmAdminUrl,
            timeoutMs: config.prewarmAdminTimeoutMs,
            ...(config.prewarmAdminAuth === undefined ? {} : { auth: config.prewarmAdminAuth }),
            ...(config.prewarmBaseManifest === undefined ? {} : { baseManifest: config.prewarmBaseManifest }),
          })
        : undefined;
    const summary = await runPoolSizeTick(
      { fireTime, claimant: process.env.__OW_ACTIVATION_ID ?? 'pool-sizer' },
      { store, platform: openWhiskPoolPlatform(platform, admin), wallClock: { nowEpochMs: () => Date.now() } },
      {
        leaseMs: config.leaseMs,
        riskLevel: config.riskLevel,
        ...(config.headroomRiskLevel === undefined ? {} : { headroomRiskLevel: config.headroomRiskLevel }),
        ...(config.coldStartWorthGBs === undefined ? {} : { coldStartWorthGBs: config.coldStartWorthGBs }),
        platformKeepAliveMinutes: config.platformKeepAliveMinutes,
        defaultMemoryMB: config.defaultMemoryMB,
        ...(config.clusterMemoryMB === undefined ? {} : { clusterMemoryMB: config.clusterMemoryMB }),
        prewarmMode: config.prewarmMode,
        defaultRuntimeKind: config.prewarmDefaultKind,
      },
    );
    return { ...summary, fireTimeSource: input.fireTime === undefined ? 'clock' : 'param' };
  } catch (error) {
    return failureOf(error);
  }
}

/**
 * The `collector` action: the first step of the one-minute scheduler chain
 * (collector -> forecaster -> pool-sizer). It turns the activations since the
 * last collected minute into per-function, per-minute series documents
 * (`src/scheduler/collector.ts`).
 *
 * Params: `fireTime` (the alarm's scheduled time, ISO 8601; absent: the start
 * of the current minute by the wall clock, so a redelivered alarm in the same
 * minute is the same tick), optional `workflows` (workflow name -> fully
 * qualified name of its top-level action, e.g. `{"ml": "/guest/ml/pipeline"}`:
 * their end-to-end latencies are collected too), and the config params of
 * `loadConfig` (`couchdbUrl`, `dbPrefix`, `managerPackage`,
 * `collectorFirstMinutes`, `collectorLookbackMinutes`, `collectorMaxMinutes`,
 * `leaseMs`, `storeTimeoutMs`, `apiHost`, `apiKey`, ...; env vars
 * `COUCHDB_URL`, `__OW_API_HOST`, `__OW_API_KEY`, ... otherwise).
 *
 * Answers the tick's summary with `fireTimeSource` (`param` or `clock`), or
 * `{ error: { code, message } }` with code `invalid-param` (the message names
 * the param and the value), `store-unavailable`, `store-error` or
 * `platform-error`.
 */
import { loadConfig } from '../../src/config/load-config';
import { platformFromConfig } from '../../src/platform/platform-from-config';
import { currentMinute, failureOf, missingCouchDb, type SchedulerActionFailure } from '../../src/scheduler/action-failure';
import { runCollector, type CollectorSummary } from '../../src/scheduler/collector';
import { openWhiskCollectorPlatform } from '../../src/scheduler/openwhisk-collector-platform';
import { openStore } from '../../src/store/store';
import { parseCollectorParams } from './parse-params';

/** What the action answers. */
export type CollectorActionResult = (CollectorSummary & { readonly fireTimeSource: 'param' | 'clock' }) | SchedulerActionFailure;

/** The action's entry point. */
export async function main(params: Record<string, unknown>): Promise<CollectorActionResult> {
  try {
    const input = parseCollectorParams(params);
    const config = loadConfig(params, process.env);
    if (config.couchDbUrl === undefined) return missingCouchDb('collector');
    const fireTime = input.fireTime ?? currentMinute(Date.now());
    const store = await openStore({ url: config.couchDbUrl, dbPrefix: config.dbPrefix, timeoutMs: config.storeTimeoutMs });
    const platform = platformFromConfig(config, process.env);
    const summary = await runCollector(
      { fireTime, claimant: process.env.__OW_ACTIVATION_ID ?? 'collector', ...(input.workflows === undefined ? {} : { workflows: input.workflows }) },
      { store, platform: openWhiskCollectorPlatform(platform), wallClock: { nowEpochMs: () => Date.now() } },
      {
        leaseMs: config.leaseMs,
        managerPackage: config.managerPackage,
        firstMinutes: config.collectorFirstMinutes,
        lookbackMinutes: config.collectorLookbackMinutes,
        maxMinutes: config.collectorMaxMinutes,
      },
    );
    return { ...summary, fireTimeSource: input.fireTime === undefined ? 'clock' : 'param' };
  } catch (error) {
    return failureOf(error);
  }
}

/**
 * The `bo-step` action: one step of the resource manager for one workflow.
 *
 * Params: `workflow` (its stored configuration's name), `fireTime` (the
 * alarm's scheduled time, ISO 8601; the trigger's payload or a param; when
 * absent, the start of the current probe window by the wall clock, so a
 * redelivered alarm in the same window maps to the same tick), optional
 * `method` (a tuning method name; default the config's), `shard`
 * (`{index, count}`, echoed in the answer), `definition` (DAG, prices, search
 * space and action names: see `src/manager/managed-workflow.ts`), and the
 * config params of `loadConfig` (`couchdbUrl`, `dbPrefix`, `cpuLimitExtension`,
 * `leaseMs`, `handoverMaxContainers`, ...; env vars `COUCHDB_URL`, `__OW_API_HOST`, ... otherwise).
 *
 * Answers the tick's summary, or `{ error: { code, message } }` with code
 * `invalid-param` (the message names the param and the value),
 * `unknown-workflow`, `store-unavailable`, `store-error` or `platform-error`.
 */
import { ConfigError } from '../../src/config/config-error';
import { loadConfig } from '../../src/config/load-config';
import { BoStepError, type BoStepErrorCode } from '../../src/manager/bo-step-error';
import { runBoStep, type BoStepSummary } from '../../src/manager/bo-step';
import { openWhiskBoStepPlatform } from '../../src/manager/openwhisk-bo-step-platform';
import { platformFromConfig } from '../../src/platform/platform-from-config';
import { PlatformError } from '../../src/platform/platform-error';
import { openStore } from '../../src/store/store';
import { StoreError } from '../../src/store/store-error';
import { createMethods } from '../../src/tuning/method-registry';
import { InvalidParamError, parseBoStepParams, type Shard } from './parse-params';

/** Error codes of the action. */
export type BoStepActionErrorCode = 'invalid-param' | Exclude<BoStepErrorCode, 'invalid-input'>;

/** What the action answers. */
export type BoStepActionResult =
  | (BoStepSummary & { readonly shard: Shard | null; readonly fireTimeSource: 'param' | 'clock' })
  | { readonly error: { readonly code: BoStepActionErrorCode; readonly message: string } };

function failure(code: BoStepActionErrorCode, message: string): BoStepActionResult {
  return { error: { code, message } };
}

/** The action's entry point. */
export async function main(params: Record<string, unknown>): Promise<BoStepActionResult> {
  try {
    const input = parseBoStepParams(params);
    const config = loadConfig(params, process.env);
    if (config.couchDbUrl === undefined) {
      return failure('invalid-param', 'couchdbUrl: the bo-step action needs a CouchDB URL (param couchdbUrl or env COUCHDB_URL), found nothing');
    }
    const fireTimeSource = input.fireTime === undefined ? 'clock' : 'param';
    const fireTime = input.fireTime ?? new Date(Math.floor(Date.now() / config.probeWindowMs) * config.probeWindowMs).toISOString();
    const store = await openStore({ url: config.couchDbUrl, dbPrefix: config.dbPrefix, timeoutMs: config.storeTimeoutMs });
    const platform = platformFromConfig(config, process.env);
    const method = createMethods()[input.method ?? config.method];
    const summary = await runBoStep(
      { workflow: input.workflow, fireTime, claimant: process.env.__OW_ACTIVATION_ID ?? 'bo-step', ...(input.definition === undefined ? {} : { definition: input.definition }) },
      { store, platform: openWhiskBoStepPlatform(platform), method, wallClock: { nowEpochMs: () => Date.now() } },
      { leaseMs: config.leaseMs, cpuLimitExtension: config.cpuLimitExtension, handoverMaxContainers: config.handoverMaxContainers },
    );
    return { ...summary, shard: input.shard ?? null, fireTimeSource };
  } catch (error) {
    if (error instanceof InvalidParamError) return failure('invalid-param', error.message);
    if (error instanceof ConfigError) return failure('invalid-param', error.message);
    if (error instanceof BoStepError) return failure(error.code === 'invalid-input' ? 'invalid-param' : error.code, error.message);
    if (error instanceof StoreError) return failure(error.outcome === 'unavailable' ? 'store-unavailable' : 'store-error', error.message);
    if (error instanceof PlatformError) return failure('platform-error', error.message);
    if (error instanceof RangeError) return failure('invalid-param', error.message);
    throw error;
  }
}

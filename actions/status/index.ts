/**
 * The `status` action: the resource manager's current decisions, forecasts
 * and search state as JSON, for an ad-hoc `wsk action invoke aquatope/status -r`.
 * Read-only.
 *
 * Params: optional `workflow` (only that workflow), `limit` (functions shown
 * in the pool decision and the forecast, an integer in [1, 1000], default
 * 50), `at` (ISO 8601 with a zone: the latest decision, forecast and applied
 * limits at or before it; default the latest stored), and the config params
 * of `loadConfig` (`couchdbUrl`, `dbPrefix`, `storeTimeoutMs`; env vars
 * `COUCHDB_URL`, ... otherwise).
 *
 * Answers the {@link StatusReport}, or `{ error: { code, message } }` with
 * code `invalid-param` (the message names the param and the value),
 * `unknown-workflow`, `store-unavailable` or `store-error`.
 */
import { ConfigError } from '../../src/config/config-error';
import { loadConfig } from '../../src/config/load-config';
import { buildStatusReport, UnknownWorkflowError, type StatusReport } from '../../src/manager/status-report';
import { openStore } from '../../src/store/store';
import { StoreError } from '../../src/store/store-error';
import { InvalidParamError, parseStatusParams } from './parse-params';

/** Error codes of the action. */
export type StatusActionErrorCode = 'invalid-param' | 'unknown-workflow' | 'store-unavailable' | 'store-error';

/** What the action answers. */
export type StatusActionResult = StatusReport | { readonly error: { readonly code: StatusActionErrorCode; readonly message: string } };

function failure(code: StatusActionErrorCode, message: string): StatusActionResult {
  return { error: { code, message } };
}

/** The action's entry point. */
export async function main(params: Record<string, unknown>): Promise<StatusActionResult> {
  try {
    const input = parseStatusParams(params);
    const config = loadConfig(params, process.env);
    if (config.couchDbUrl === undefined) {
      return failure('invalid-param', 'couchdbUrl: the status action needs a CouchDB URL (param couchdbUrl or env COUCHDB_URL), found nothing');
    }
    const store = await openStore({ url: config.couchDbUrl, dbPrefix: config.dbPrefix, timeoutMs: config.storeTimeoutMs });
    return await buildStatusReport(store, input);
  } catch (error) {
    if (error instanceof InvalidParamError) return failure('invalid-param', error.message);
    if (error instanceof ConfigError) return failure('invalid-param', error.message);
    if (error instanceof UnknownWorkflowError) return failure('unknown-workflow', error.message);
    if (error instanceof StoreError) return failure(error.outcome === 'unavailable' ? 'store-unavailable' : 'store-error', error.message);
    if (error instanceof RangeError) return failure('invalid-param', error.message);
    throw error;
  }
}

/**
 * How the scheduler actions answer a failure: `{ error: { code, message } }`,
 * with the code of what failed. Shared by `actions/collector`,
 * `actions/forecaster` and `actions/pool-sizer`.
 */
import { ConfigError } from '../config/config-error';
import { InvalidParamError } from '../params/invalid-param';
import { PlatformError } from '../platform/platform-error';
import { MalformedDocumentError, StoreError } from '../store/store-error';
import { SchedulerError } from './scheduler-error';

/**
 * Error codes of the scheduler actions: `invalid-param` (the message names the
 * param and the value), `store-unavailable`, `store-error`, `platform-error`
 * and `model-error` (the forecaster's model could not be loaded or run).
 */
export type SchedulerActionErrorCode = 'invalid-param' | 'store-unavailable' | 'store-error' | 'platform-error' | 'model-error';

/** A failed action's answer. */
export interface SchedulerActionFailure {
  readonly error: { readonly code: SchedulerActionErrorCode; readonly message: string };
}

/** The answer of a failure with `code`. */
export function failure(code: SchedulerActionErrorCode, message: string): SchedulerActionFailure {
  return { error: { code, message } };
}

/** The answer for a CouchDB URL found nowhere. */
export function missingCouchDb(action: string): SchedulerActionFailure {
  return failure('invalid-param', `couchdbUrl: the ${action} action needs a CouchDB URL (param couchdbUrl or env COUCHDB_URL), found nothing`);
}

/**
 * The answer for a thrown error: its code and message; an error of no known
 * kind is rethrown (a bug, left for the runtime to report).
 */
export function failureOf(error: unknown): SchedulerActionFailure {
  if (error instanceof InvalidParamError || error instanceof ConfigError) return failure('invalid-param', error.message);
  if (error instanceof SchedulerError) return failure(error.code === 'invalid-input' ? 'invalid-param' : error.code, error.message);
  if (error instanceof StoreError) return failure(error.outcome === 'unavailable' ? 'store-unavailable' : 'store-error', error.message);
  if (error instanceof MalformedDocumentError) return failure('store-error', error.message);
  if (error instanceof PlatformError) return failure('platform-error', error.message);
  if (error instanceof RangeError) return failure('invalid-param', error.message);
  throw error;
}

/** The start of the current minute by the wall clock, ISO UTC: the fire time of an alarm that did not send one (a redelivery in the same minute is the same tick). */
export function currentMinute(nowMs: number): string {
  return new Date(Math.floor(nowMs / 60_000) * 60_000).toISOString();
}

/**
 * The typed failure of one scheduler tick (collector, forecaster or pool
 * sizer): a code the action turns into `{ error: { code, message } }`.
 */
import { MalformedDocumentError, StoreError } from '../store/store-error';
import { PlatformError } from '../platform/platform-error';

/**
 * What went wrong:
 * - `invalid-input`: a bad fire time, shard or option (the action answers `invalid-param`);
 * - `store-unavailable`: CouchDB could not be reached or did not answer (the tick can be re-claimed after its lease);
 * - `store-error`: CouchDB refused a call, kept conflicting, or holds a malformed document;
 * - `platform-error`: an OpenWhisk call failed;
 * - `model-error`: the forecaster's model could not be loaded or run.
 */
export type SchedulerErrorCode = 'invalid-input' | 'store-unavailable' | 'store-error' | 'platform-error' | 'model-error';

/** A failed scheduler tick. */
export class SchedulerError extends Error {
  override readonly name = 'SchedulerError';

  constructor(
    readonly code: SchedulerErrorCode,
    message: string,
    /** The underlying error, when there is one. */
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** Maps a store or platform failure to its {@link SchedulerError} saying what the tick was doing; anything else is rethrown unchanged. */
export function toSchedulerError(error: unknown, doing: string): SchedulerError {
  if (error instanceof SchedulerError) return error;
  if (error instanceof StoreError) {
    return new SchedulerError(error.outcome === 'unavailable' ? 'store-unavailable' : 'store-error', `${doing}: ${error.message}`, error);
  }
  if (error instanceof MalformedDocumentError) return new SchedulerError('store-error', `${doing}: ${error.message}`, error);
  if (error instanceof PlatformError) return new SchedulerError('platform-error', `${doing}: ${error.message}`, error);
  throw error;
}

/** Runs `call`, turning a store or platform failure into a {@link SchedulerError} naming what the tick was doing. */
export async function guarded<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toSchedulerError(error, doing);
  }
}

/** An `invalid-input` error from a RangeError (a bad time or value), naming it. */
export function invalidInput(error: unknown): SchedulerError {
  return new SchedulerError('invalid-input', error instanceof Error ? error.message : String(error), error);
}

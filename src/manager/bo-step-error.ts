/** The typed failure of one `bo-step` tick: a code the action turns into `{ error: { code, message } }`. */
import { MalformedDocumentError, StoreError } from '../store/store-error';
import { PlatformError } from '../platform/platform-error';

/**
 * What went wrong:
 * - `invalid-input`: a bad fire time or workflow definition;
 * - `unknown-workflow`: no workflow configuration is stored under the name;
 * - `store-unavailable`: CouchDB could not be reached or did not answer (the tick can be re-claimed after its lease);
 * - `store-error`: CouchDB refused a call, kept conflicting, or holds a malformed document;
 * - `platform-error`: an OpenWhisk call failed.
 */
export type BoStepErrorCode = 'invalid-input' | 'unknown-workflow' | 'store-unavailable' | 'store-error' | 'platform-error';

/** A failed `bo-step` tick. */
export class BoStepError extends Error {
  override readonly name = 'BoStepError';

  constructor(
    readonly code: BoStepErrorCode,
    message: string,
    /** The underlying error, when there is one. */
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** Maps a store or platform failure to its {@link BoStepError}; anything else is rethrown unchanged. */
export function toBoStepError(error: unknown, doing: string): BoStepError {
  if (error instanceof BoStepError) return error;
  if (error instanceof StoreError) {
    return new BoStepError(error.outcome === 'unavailable' ? 'store-unavailable' : 'store-error', `${doing}: ${error.message}`, error);
  }
  if (error instanceof MalformedDocumentError) return new BoStepError('store-error', `${doing}: ${error.message}`, error);
  if (error instanceof PlatformError) return new BoStepError('platform-error', `${doing}: ${error.message}`, error);
  throw error;
}

/** Runs `call`, turning a store or platform failure into a {@link BoStepError} that says what the tick was doing. */
export async function guarded<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toBoStepError(error, doing);
  }
}

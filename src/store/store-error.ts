/**
 * The typed failures of the CouchDB state layer. Every failure of a CouchDB
 * call becomes a {@link StoreError} whose `outcome` says what happened; a
 * document that was read back but does not have the expected shape becomes a
 * {@link MalformedDocumentError}. Nothing in `src/store` swallows either.
 */

/**
 * What went wrong with a CouchDB call:
 * - `conflict`: HTTP 409, the document changed since its `_rev` was read (or
 *   already exists with other content);
 * - `not-found`: HTTP 404 where a document or database had to exist;
 * - `unavailable`: the server could not be reached or did not answer in time
 *   (connection refused or reset, client-side timeout) or answered 5xx;
 * - `rejected`: any other refusal (400, 401, 403, 412, ...), e.g. bad
 *   credentials or an invalid query.
 */
export type StoreOutcome = 'conflict' | 'not-found' | 'unavailable' | 'rejected';

/** A failed CouchDB call. The message names the operation, the database URL and, when there is one, the document id. */
export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    /** What kind of failure. */
    readonly outcome: StoreOutcome,
    /** The operation that failed, e.g. `insert`, `get`, `find`, `create database`. */
    readonly operation: string,
    /** URL of the database (or server), credentials removed. */
    readonly url: string,
    /** What the server or the transport said. */
    readonly detail: string,
    /** The document concerned, if any. */
    readonly docId?: string,
    /** HTTP status, when the server answered. */
    readonly status?: number,
  ) {
    super(
      `${operation} ${docId === undefined ? url : `${url}/${docId}`}: ${outcome}` +
        `${status === undefined ? '' : ` (HTTP ${status})`}: ${detail}`,
    );
  }
}

/** A stored document that does not have the shape its repository expects. */
export class MalformedDocumentError extends Error {
  override readonly name = 'MalformedDocumentError';

  constructor(
    /** The document's `_id`. */
    readonly docId: string,
    /** JSON path of the offending field, e.g. `functions[2].invocations` (`document` for the whole). */
    readonly field: string,
    /** What is wrong, e.g. `expected a non-negative integer, found -1`. */
    readonly detail: string,
  ) {
    super(`malformed document ${docId}: ${field}: ${detail}`);
  }
}

/** True when `error` is a {@link StoreError}, optionally of the given outcome. */
export function isStoreError(error: unknown, outcome?: StoreOutcome): error is StoreError {
  return error instanceof StoreError && (outcome === undefined || error.outcome === outcome);
}

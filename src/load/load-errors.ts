/**
 * Errors of `npm run load`. Each says what was wrong and where, so the
 * operator can fix it without reading the code.
 */

/**
 * Something found wrong before any load was sent (a trace that does not
 * parse, minutes outside the trace, a host that does not answer, a missing
 * key, no locust): nothing was started, or what was started has been stopped.
 * The command exits with code 2.
 */
export class LoadValidationError extends Error {
  override readonly name = 'LoadValidationError';
}

/** The host given with `--host` (or the runtime's) did not answer the probes. Exit code 2. */
export class HostUnreachableError extends LoadValidationError {}

/** The run itself failed (locust crashed or timed out, its statistics are missing). Exit code 1. */
export class LoadRunError extends Error {
  override readonly name = 'LoadRunError';
}

/** The run was interrupted (SIGINT / SIGTERM); everything started has been stopped. Exit code 130. */
export class LoadInterruptedError extends Error {
  override readonly name = 'LoadInterruptedError';
}

/**
 * The message of any thrown value, with a Node error code when the message
 * lacks it (`ENOENT: …`). Checked by shape, not `instanceof`: errors from
 * Node's core can come from another realm (e.g. under jest).
 */
export function errorMessage(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string') {
    return 'code' in e && typeof e.code === 'string' && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message;
  }
  return String(e);
}

/** Typed errors of the OpenWhisk platform adapter: each names the operation, the entity and the HTTP status. */

/** What went wrong, for callers that branch on it. */
export type PlatformErrorKind =
  | 'config'
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'rate-limited'
  | 'server'
  | 'timeout'
  | 'network'
  | 'invalid-response'
  | 'unsupported';

/** The kind of an HTTP error status. */
export function kindOfStatus(status: number): PlatformErrorKind {
  if (status === 400) return 'bad-request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server';
  return 'bad-request';
}

/** A failed platform call. */
export class PlatformError extends Error {
  override readonly name: string = 'PlatformError';

  constructor(
    readonly kind: PlatformErrorKind,
    /** e.g. `invoke`, `list activations`, `update limits`. */
    readonly operation: string,
    /** e.g. `action aquatope/collector`, `trigger every-minute`, `activations`. */
    readonly entity: string,
    /** What the platform said (or why the call did not get an answer). */
    readonly detail: string,
    /** HTTP status, when the platform answered. */
    readonly statusCode?: number,
    /** Attempts made, counting retries. */
    readonly attempts = 1,
  ) {
    super(
      `${operation} ${entity} failed${statusCode === undefined ? '' : `: HTTP ${statusCode}`}: ${detail}` +
        (attempts > 1 ? ` (after ${attempts} attempts)` : ''),
    );
  }
}

/** A CPU limit asked of a cluster that has none: stock OpenWhisk gives CPU in proportion to memory. */
export class CpuLimitUnsupportedError extends PlatformError {
  override readonly name = 'CpuLimitUnsupportedError';

  constructor(entity: string, cpu: number) {
    super(
      'unsupported',
      'update limits',
      entity,
      `cannot set a CPU limit of ${cpu} cores: stock OpenWhisk has no CPU limit, CPU follows memory (set memory instead, or enable cpuLimitExtension for a cluster that has one)`,
    );
  }
}

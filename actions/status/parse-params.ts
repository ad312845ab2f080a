/**
 * The `status` action's params, validated into a typed input. Every bad value
 * is an {@link InvalidParamError} naming the param and the value. Config
 * params (`couchdbUrl`, `dbPrefix`, `storeTimeoutMs`, ...) are read by
 * `loadConfig`, not here.
 */
import { InvalidParamError, ISO_TIME, preview } from '../../src/params/invalid-param';

export { InvalidParamError };

/** The action's typed input. */
export interface StatusParams {
  /** Only this workflow; undefined: every registered one. */
  readonly workflow: string | undefined;
  /** At most this many functions in the pool decision and the forecast, an integer in [1, 1000]. */
  readonly limit: number;
  /** ISO 8601 instant with a zone: the latest state at or before it; undefined: the latest stored. */
  readonly at: string | undefined;
}

/** Default of `limit`, functions. */
export const DEFAULT_STATUS_LIMIT = 50;
/** Largest `limit`, functions. */
export const MAX_STATUS_LIMIT = 1000;

/**
 * Validates the params (`null` counts as absent).
 * @throws InvalidParamError naming the first bad param
 */
export function parseStatusParams(params: Record<string, unknown>): StatusParams {
  const rawWorkflow = params.workflow;
  let workflow: string | undefined;
  if (rawWorkflow !== undefined && rawWorkflow !== null) {
    if (typeof rawWorkflow !== 'string' || rawWorkflow.trim() === '') throw new InvalidParamError('workflow', `expected a non-empty string, found ${preview(rawWorkflow)}`);
    workflow = rawWorkflow;
  }
  const rawLimit = params.limit;
  let limit = DEFAULT_STATUS_LIMIT;
  if (rawLimit !== undefined && rawLimit !== null) {
    const value = typeof rawLimit === 'number' ? rawLimit : typeof rawLimit === 'string' && /^\s*\d+\s*$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
    if (!Number.isInteger(value) || value < 1 || value > MAX_STATUS_LIMIT) {
      throw new InvalidParamError('limit', `expected an integer in [1, ${MAX_STATUS_LIMIT}], found ${preview(rawLimit)}`);
    }
    limit = value;
  }
  const rawAt = params.at;
  let at: string | undefined;
  if (rawAt !== undefined && rawAt !== null) {
    const time = typeof rawAt === 'string' && ISO_TIME.test(rawAt) ? Date.parse(rawAt) : Number.NaN;
    const year = Number.isFinite(time) ? new Date(time).getUTCFullYear() : Number.NaN;
    if (typeof rawAt !== 'string' || !(year >= 0 && year <= 9999)) {
      throw new InvalidParamError('at', `expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:35:00Z, found ${preview(rawAt)}`);
    }
    at = rawAt;
  }
  return { workflow, limit, at };
}

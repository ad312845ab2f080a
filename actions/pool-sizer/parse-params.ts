/**
 * The `pool-sizer` action's params, validated into a typed input. Every bad
 * value is an {@link InvalidParamError} naming the param and the value. The
 * risk level (`riskLevel`, default 0.95) and the other config params
 * (`couchdbUrl`, `platformKeepAliveMinutes`, `defaultMemoryMB`,
 * `clusterMemoryMB`, and the prewarm path's `prewarmMode`, `prewarmAdminUrl`,
 * `prewarmAdminAuth`, `prewarmAdminTimeoutMs`, `prewarmBaseManifest`,
 * `prewarmDefaultKind`, ...) are read by `loadConfig`, not here; other params
 * (e.g. the forecaster's answer in a sequence) are ignored.
 */
import { InvalidParamError } from '../../src/params/invalid-param';
import { parseFireTime } from '../../src/scheduler/fire-time-param';

export { InvalidParamError };

/** The action's typed input. */
export interface PoolSizerParams {
  /** ISO 8601 with a zone; undefined: not given (the action uses the start of the current minute). */
  readonly fireTime: string | undefined;
}

/**
 * Validates the params.
 * @throws InvalidParamError naming the first bad param
 */
export function parsePoolSizerParams(params: Record<string, unknown>): PoolSizerParams {
  return { fireTime: parseFireTime(params.fireTime) };
}

/**
 * The `forecaster` action's params, validated into a typed input. Every bad
 * value is an {@link InvalidParamError} naming the param (by JSON path) and
 * the value. Config params (`couchdbUrl`, `riskLevel`,
 * `forecastContextMinutes`, ...) are read by `loadConfig`, not here; other
 * params (e.g. the collector's answer in a sequence) are ignored.
 */
import { InvalidParamError, preview } from '../../src/params/invalid-param';
import type { ForecastShard } from '../../src/store/forecast-repository';
import { parseFireTime } from '../../src/scheduler/fire-time-param';

export { InvalidParamError };

/** The action's typed input. */
export interface ForecasterParams {
  /** ISO 8601 with a zone; undefined: not given (the action uses the start of the current minute). */
  readonly fireTime: string | undefined;
  /** This activation's shard of the functions (default the only one, `{index: 0, count: 1}`). */
  readonly shard: ForecastShard;
  /** Only load the model and describe it (no store needed): a readiness check. */
  readonly describeModel: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Largest shard count. */
export const MAX_SHARDS = 64;

function parseShard(raw: unknown): ForecastShard {
  if (raw === undefined || raw === null) return { index: 0, count: 1 };
  if (!isRecord(raw)) throw new InvalidParamError('shard', `expected {index, count}, found ${preview(raw)}`);
  const { index, count } = raw;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_SHARDS) {
    throw new InvalidParamError('shard.count', `expected an integer in [1, ${MAX_SHARDS}], found ${preview(count)}`);
  }
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new InvalidParamError('shard.index', `expected an integer in [0, ${count - 1}], found ${preview(index)}`);
  }
  return { index, count };
}

/**
 * Validates the params (`null` counts as absent).
 * @throws InvalidParamError naming the first bad param
 */
export function parseForecasterParams(params: Record<string, unknown>): ForecasterParams {
  const raw = params.describeModel;
  if (raw !== undefined && raw !== null && typeof raw !== 'boolean') throw new InvalidParamError('describeModel', `expected true or false, found ${preview(raw)}`);
  return { fireTime: parseFireTime(params.fireTime), shard: parseShard(params.shard), describeModel: raw === true };
}

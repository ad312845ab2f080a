/**
 * Params of the real workflow stages: reading and validating them into typed
 * inputs, and the `{ error: { code, message } }` answer of a bad one.
 *
 * Every stage reads a param from the top level of its params first, then from
 * `params.carry`: the workflow's input params, which the first stage copies
 * into its result's `carry` and every later stage passes on, so a stage deep
 * in the DAG still sees e.g. the `repeat` the workflow was invoked with,
 * while a single stage invoked by hand (profiling) can override it at the top
 * level.
 */

/** A stage's params, as OpenWhisk hands them to `main`. */
export type StageParams = Record<string, unknown>;

/** Error codes a stage answers with. */
export type StageErrorCode = 'invalid-param' | 'ffmpeg-missing' | 'ffmpeg-failed';

/** What a stage answers when it cannot do its work: an application error for OpenWhisk. */
export interface StageError {
  readonly error: { readonly code: StageErrorCode; readonly message: string };
}

/** A failure a stage answers as `{ error: { code, message } }` (an application error) rather than a crash. */
export class StageFailure extends Error {
  override readonly name: string = 'StageFailure';
  /** @param code the answer's `error.code` */
  constructor(
    readonly code: StageErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A bad param: the message names the param and the value found. */
export class InvalidParamError extends StageFailure {
  override readonly name: string = 'InvalidParamError';
  constructor(message: string) {
    super('invalid-param', message);
  }
}

/** Whether `value` is a plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short JSON rendering of a bad value for messages (`nothing` for undefined, cut at 80 characters). */
export function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The carried workflow params of `params` (`params.carry`, or none). */
export function carriedParams(params: StageParams): Record<string, unknown> {
  const carry = params['carry'];
  return isRecord(carry) ? carry : {};
}

/** A param's raw value: top level first, then `params.carry`; undefined when neither has it. */
export function paramValue(params: StageParams, name: string): unknown {
  const top = params[name];
  return top !== undefined ? top : carriedParams(params)[name];
}

/**
 * What a stage passes on as `carry`: the carried params with the top-level
 * values of `keys` (the workflow's input params) over them.
 */
export function carryOf(params: StageParams, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...carriedParams(params) };
  for (const key of keys) if (params[key] !== undefined) out[key] = params[key];
  return out;
}

/** Bounds and default of an integer param. */
export interface IntSpec {
  /** Used when the param is absent. */
  readonly default: number;
  /** Smallest allowed value (inclusive). */
  readonly min: number;
  /** Largest allowed value (inclusive). */
  readonly max: number;
}

/**
 * An integer param in `[min, max]`, or its default when absent.
 * @throws InvalidParamError naming the param, the range and the value
 */
export function intParam(params: StageParams, name: string, spec: IntSpec): number {
  const value = paramValue(params, name);
  if (value === undefined) return spec.default;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) {
    throw new InvalidParamError(`${name}: expected an integer from ${spec.min} to ${spec.max}, found ${preview(value)}`);
  }
  return value;
}

/**
 * One of `allowed`, or `fallback` when absent.
 * @throws InvalidParamError naming the param, the allowed values and the value
 */
export function enumParam<T extends string>(params: StageParams, name: string, allowed: readonly T[], fallback: T): T {
  const value = paramValue(params, name);
  if (value === undefined) return fallback;
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new InvalidParamError(`${name}: expected one of ${allowed.join(', ')}, found ${preview(value)}`);
  return found;
}

/**
 * A list of non-empty strings (at most `maxItems`), or `fallback` when absent.
 * @throws InvalidParamError naming the param and the bad value or item
 */
export function stringListParam(params: StageParams, name: string, fallback: readonly string[], maxItems = 1000): readonly string[] {
  const value = paramValue(params, name);
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.length > maxItems) throw new InvalidParamError(`${name}: expected a list of at most ${maxItems} strings, found ${preview(value)}`);
  return value.map((item: unknown, i) => {
    if (typeof item !== 'string' || item.trim() === '') throw new InvalidParamError(`${name}[${i}]: expected a non-empty string, found ${preview(item)}`);
    return item;
  });
}

/**
 * An object param (required).
 * @throws InvalidParamError naming the param when it is absent or not an object
 */
export function objectParam(params: StageParams, name: string, what: string): Record<string, unknown> {
  const value = paramValue(params, name);
  if (!isRecord(value)) throw new InvalidParamError(`${name}: expected ${what}, found ${preview(value)}`);
  return value;
}

/** Base64 (standard alphabet, optional padding). */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The bytes of a non-empty base64 string at `name` (a path such as `image.png`, for messages).
 * @throws InvalidParamError naming the field when it is not base64
 */
export function base64Field(value: unknown, name: string): Buffer {
  if (typeof value !== 'string' || value === '' || value.length % 4 === 1 || !BASE64.test(value)) {
    throw new InvalidParamError(`${name}: expected a non-empty base64 string, found ${preview(value)}`);
  }
  return Buffer.from(value, 'base64');
}

/**
 * The finite number at `name` of an object field.
 * @throws InvalidParamError naming the field
 */
export function numberField(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidParamError(`${name}: expected a number from ${min} to ${max}, found ${preview(value)}`);
  }
  return value;
}

/** The answer of a stage for a bad param. */
export function invalidParam(message: string): StageError {
  return { error: { code: 'invalid-param', message } };
}

/**
 * Validation of the JSON bodies of `PUT` requests. Each parser returns the
 * fields the body sets (absent ones are left to the caller: defaults on
 * create, the old values on update) or throws an {@link ApiError} 400 whose
 * message names the offending field by its JSON path.
 */
import { LIMIT_RANGES } from './action-limits';
import { ApiError } from './api-error';
import { isJsonObject } from './invoker';
import type { ActionExec, ActionLimits, KeyValue, RuleStatus } from './stored-entities';

/** Runtime kinds this server runs; `nodejs:default` is stored as `nodejs:20`. */
export const SUPPORTED_KINDS: readonly string[] = ['nodejs:20', 'nodejs:18', 'nodejs:22', 'sequence'];

/** Fields common to every entity body. */
export interface CommonInput {
  annotations?: KeyValue[];
  publish?: boolean;
}

/** A package or trigger body. */
export interface ParametrisedInput extends CommonInput {
  parameters?: KeyValue[];
}

/** An action body. */
export interface ActionInput extends ParametrisedInput {
  exec?: ActionExec;
  limits?: Partial<ActionLimits>;
}

/** A rule body; trigger and action are names as given (resolved by the caller). */
export interface RuleInput extends CommonInput {
  trigger?: string;
  action?: string;
  status?: RuleStatus;
}

function expectBody(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (!isJsonObject(body)) throw ApiError.malformed('body', `expected a JSON object, found ${describe(body)}`);
  return body;
}

/** A short description of a JSON value for messages: `"abc"`, `12`, `an array`, `null`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function keyValues(value: unknown, field: string): KeyValue[] {
  if (!Array.isArray(value)) throw ApiError.malformed(field, `expected an array of {key, value}, found ${describe(value)}`);
  return value.map((item, i) => {
    if (!isJsonObject(item)) throw ApiError.malformed(`${field}[${i}]`, `expected an object {key, value}, found ${describe(item)}`);
    const key = item['key'];
    if (typeof key !== 'string' || key.length === 0) {
      throw ApiError.malformed(`${field}[${i}].key`, `expected a non-empty string, found ${describe(key)}`);
    }
    if (!('value' in item)) throw ApiError.malformed(`${field}[${i}].value`, 'missing');
    return { key, value: item['value'] };
  });
}

function common(body: Record<string, unknown>): CommonInput {
  const out: CommonInput = {};
  if (body['annotations'] !== undefined) out.annotations = keyValues(body['annotations'], 'annotations');
  if (body['publish'] !== undefined) {
    const publish = body['publish'];
    if (typeof publish !== 'boolean') throw ApiError.malformed('publish', `expected a boolean, found ${describe(publish)}`);
    out.publish = publish;
  }
  return out;
}

/** Parses a package or trigger body (`annotations`, `parameters`, `publish`). */
export function parseParametrisedBody(raw: unknown): ParametrisedInput {
  const body = expectBody(raw);
  const out: ParametrisedInput = common(body);
  if (body['parameters'] !== undefined) out.parameters = keyValues(body['parameters'], 'parameters');
  return out;
}

function parseExec(value: unknown): ActionExec {
  if (!isJsonObject(value)) throw ApiError.malformed('exec', `expected an object, found ${describe(value)}`);
  const rawKind = value['kind'];
  if (typeof rawKind !== 'string') throw ApiError.malformed('exec.kind', `expected a string, found ${describe(rawKind)}`);
  const kind = rawKind === 'nodejs:default' ? 'nodejs:20' : rawKind;
  if (!SUPPORTED_KINDS.includes(kind)) {
    throw ApiError.malformed('exec.kind', `expected one of ${SUPPORTED_KINDS.join(', ')}, nodejs:default, found ${describe(rawKind)}`);
  }
  if (kind === 'sequence') {
    const components = value['components'];
    if (!Array.isArray(components) || components.length === 0) {
      throw ApiError.malformed('exec.components', `expected a non-empty array of action names, found ${describe(components)}`);
    }
    const names = components.map((c, i) => {
      if (typeof c !== 'string' || c.length === 0) throw ApiError.malformed(`exec.components[${i}]`, `expected an action name, found ${describe(c)}`);
      return c;
    });
    return { kind: 'sequence', components: names };
  }
  const code = value['code'];
  if (typeof code !== 'string' || code.length === 0) throw ApiError.malformed('exec.code', `expected a non-empty string, found ${describe(code)}`);
  const binary = value['binary'] ?? false;
  if (typeof binary !== 'boolean') throw ApiError.malformed('exec.binary', `expected a boolean, found ${describe(binary)}`);
  const main = value['main'];
  if (main !== undefined && (typeof main !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(main))) {
    throw ApiError.malformed('exec.main', `expected a JavaScript identifier, found ${describe(main)}`);
  }
  return main === undefined ? { kind, code, binary } : { kind, code, binary, main };
}

/**
 * Parses a `limits` object. `cpu` is accepted only when `cpuExtension` is set;
 * otherwise it is ignored, as stock OpenWhisk ignores unknown fields.
 */
export function parseLimits(value: unknown, cpuExtension: boolean): Partial<ActionLimits> {
  if (!isJsonObject(value)) throw ApiError.malformed('limits', `expected an object, found ${describe(value)}`);
  const out: Partial<ActionLimits> = {};
  const keys: (keyof ActionLimits)[] = cpuExtension ? ['timeout', 'memory', 'logs', 'concurrency', 'cpu'] : ['timeout', 'memory', 'logs', 'concurrency'];
  for (const key of keys) {
    const v = value[key];
    if (v === undefined) continue;
    const range = LIMIT_RANGES[key];
    const unit = range.unit === '' ? '' : ` ${range.unit}`;
    if (typeof v !== 'number' || !Number.isFinite(v) || (range.integer && !Number.isInteger(v)) || v < range.min || v > range.max) {
      throw ApiError.malformed(`limits.${key}`, `expected ${range.integer ? 'an integer' : 'a number'} from ${range.min} to ${range.max}${unit}, found ${describe(v)}`);
    }
    out[key] = v;
  }
  return out;
}

/** Parses an action body. */
export function parseActionBody(raw: unknown, cpuExtension: boolean): ActionInput {
  const body = expectBody(raw);
  const out: ActionInput = parseParametrisedBody(body);
  if (body['exec'] !== undefined) out.exec = parseExec(body['exec']);
  if (body['limits'] !== undefined) out.limits = parseLimits(body['limits'], cpuExtension);
  return out;
}

/** Parses a rule body (`trigger`, `action`, `status`). */
export function parseRuleBody(raw: unknown): RuleInput {
  const body = expectBody(raw);
  const out: RuleInput = common(body);
  const fields: ('trigger' | 'action')[] = ['trigger', 'action'];
  for (const field of fields) {
    const v = body[field];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length === 0) throw ApiError.malformed(field, `expected a fully qualified name, found ${describe(v)}`);
    out[field] = v;
  }
  if (body['status'] !== undefined) out.status = parseRuleStatus(body['status']);
  return out;
}

/** Parses a rule status, `active` or `inactive`. */
export function parseRuleStatus(value: unknown): RuleStatus {
  if (value === 'active' || value === 'inactive') return value;
  throw ApiError.malformed('status', `expected "active" or "inactive", found ${describe(value)}`);
}

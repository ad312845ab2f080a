/**
 * The adapter's typed view of what OpenWhisk answers (activation records and
 * actions), validated from `unknown`: a field of the wrong type is an
 * `invalid-response` error, never a silent cast.
 */
import { PlatformError } from './platform-error';

/** An annotation or parameter. */
export interface KeyValue {
  key: string;
  value: unknown;
}

/** An activation, as the adapter gives it to the core (times epoch ms, durations ms). */
export interface ActivationInfo {
  activationId: string;
  /** The action's or trigger's own name. */
  name: string;
  namespace: string;
  /** `namespace/[package/]name` from the `path` annotation, when present. */
  path?: string;
  start: number;
  end?: number;
  duration?: number;
  /** 0 success, 1 application error, 2 developer error, 3 internal error. */
  statusCode?: number;
  /** Present with full records (`docs`, get). */
  response?: { status: string; success: boolean; result: unknown };
  logs?: string[];
  /** Init time of a cold start, ms (absent: warm start). */
  initTimeMs?: number;
  /** Time queued before it ran, ms. */
  waitTimeMs?: number;
  annotations: KeyValue[];
}

/** An action's settings. */
export interface ActionInfo {
  name: string;
  /** `namespace` or `namespace/package`. */
  namespace: string;
  version: string;
  /** Runtime kind, e.g. `nodejs:20`, or `sequence`. */
  kind: string;
  limits: { timeoutMs: number; memoryMB: number; logsMB: number; concurrency: number; cpu?: number };
  annotations: KeyValue[];
  /** When the action was last changed, epoch ms by the platform's clock (OpenWhisk's `updated`); absent when not reported. */
  updatedMs?: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(what: string, detail: string): PlatformError {
  return new PlatformError('invalid-response', 'read', what, detail);
}

function keyValues(value: unknown, what: string): KeyValue[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(what, 'annotations is not an array');
  return value.map((kv, i) => {
    if (!isObject(kv) || typeof kv['key'] !== 'string') throw invalid(what, `annotations[${i}] is not a {key, value}`);
    return { key: kv['key'], value: kv['value'] };
  });
}

function optionalNumber(o: Record<string, unknown>, key: string, what: string): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(what, `${key} is not a number`);
  return v;
}

function lookup(annotations: readonly KeyValue[], key: string): unknown {
  return annotations.find((a) => a.key === key)?.value;
}

/** Whether a value looks like an activation record (has an `activationId` and a `response` or `start`). */
export function looksLikeActivation(value: unknown): value is Record<string, unknown> {
  return isObject(value) && typeof value['activationId'] === 'string' && (isObject(value['response']) || typeof value['start'] === 'number');
}

/** Validates an activation record or summary. */
export function parseActivation(value: unknown): ActivationInfo {
  if (!isObject(value)) throw invalid('activation', 'not a JSON object');
  const id = value['activationId'];
  if (typeof id !== 'string') throw invalid('activation', 'no activationId');
  const what = `activation ${id}`;
  const name = value['name'];
  const namespace = value['namespace'];
  const start = value['start'];
  if (typeof name !== 'string') throw invalid(what, 'name is not a string');
  if (typeof namespace !== 'string') throw invalid(what, 'namespace is not a string');
  if (typeof start !== 'number') throw invalid(what, 'start is not a number');
  const annotations = keyValues(value['annotations'], what);
  const out: ActivationInfo = { activationId: id, name, namespace, start, annotations };
  const end = optionalNumber(value, 'end', what);
  if (end !== undefined) out.end = end;
  const duration = optionalNumber(value, 'duration', what);
  if (duration !== undefined) out.duration = duration;
  const statusCode = optionalNumber(value, 'statusCode', what);
  if (statusCode !== undefined) out.statusCode = statusCode;
  const response = value['response'];
  if (response !== undefined) {
    if (!isObject(response) || typeof response['status'] !== 'string' || typeof response['success'] !== 'boolean') {
      throw invalid(what, 'response is not {status, success, result}');
    }
    out.response = { status: response['status'], success: response['success'], result: response['result'] };
  }
  const logs = value['logs'];
  if (Array.isArray(logs)) out.logs = logs.map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));
  const path = lookup(annotations, 'path');
  if (typeof path === 'string') out.path = path;
  const initTime = lookup(annotations, 'initTime');
  if (typeof initTime === 'number') out.initTimeMs = initTime;
  const waitTime = lookup(annotations, 'waitTime');
  if (typeof waitTime === 'number') out.waitTimeMs = waitTime;
  return out;
}

/** Validates an action as `GET .../actions/NAME` gives it. */
export function parseAction(value: unknown, what: string): ActionInfo {
  if (!isObject(value)) throw invalid(what, 'not a JSON object');
  const name = value['name'];
  const namespace = value['namespace'];
  const version = value['version'];
  const exec = value['exec'];
  const limits = value['limits'];
  if (typeof name !== 'string' || typeof namespace !== 'string' || typeof version !== 'string') throw invalid(what, 'name, namespace or version is not a string');
  if (!isObject(exec) || typeof exec['kind'] !== 'string') throw invalid(what, 'exec.kind is not a string');
  if (!isObject(limits)) throw invalid(what, 'limits is not an object');
  const num = (key: string): number => {
    const v = limits[key];
    if (typeof v !== 'number') throw invalid(what, `limits.${key} is not a number`);
    return v;
  };
  const info: ActionInfo = {
    name,
    namespace,
    version,
    kind: exec['kind'],
    limits: { timeoutMs: num('timeout'), memoryMB: num('memory'), logsMB: num('logs'), concurrency: typeof limits['concurrency'] === 'number' ? limits['concurrency'] : 1 },
    annotations: keyValues(value['annotations'], what),
  };
  if (typeof limits['cpu'] === 'number') info.limits.cpu = limits['cpu'];
  const updated = value['updated'];
  if (typeof updated === 'number' && Number.isFinite(updated)) info.updatedMs = updated;
  return info;
}

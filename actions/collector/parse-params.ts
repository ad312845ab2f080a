/**
 * The `collector` action's params, validated into a typed input. Every bad
 * value is an {@link InvalidParamError} naming the param (by JSON path) and
 * the value. Config params (`couchdbUrl`, `managerPackage`, ...) are read by
 * `loadConfig`, not here; other params (e.g. a previous action's answer in a
 * sequence) are ignored.
 */
import { InvalidParamError, preview } from '../../src/params/invalid-param';
import { parseFireTime } from '../../src/scheduler/fire-time-param';

export { InvalidParamError };

/** The action's typed input. */
export interface CollectorParams {
  /** ISO 8601 with a zone; undefined: not given (the action uses the start of the current minute). */
  readonly fireTime: string | undefined;
  /** Workflow name -> fully qualified name of its top-level action; undefined: none. */
  readonly workflows: Readonly<Record<string, string>> | undefined;
}

/** A fully qualified action name: `/namespace/name` or `/namespace/package/name`. */
export const QUALIFIED_NAME = /^\/[^/\s]+\/[^/\s]+(\/[^/\s]+)?$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseWorkflows(raw: unknown): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) throw new InvalidParamError('workflows', `expected an object of workflow name -> fully qualified action name (/namespace/[package/]name), found ${preview(raw)}`);
  const out: Record<string, string> = {};
  for (const [name, action] of Object.entries(raw)) {
    if (name.trim() === '') throw new InvalidParamError('workflows', `expected non-empty workflow names, found ${preview(name)}`);
    if (typeof action !== 'string' || !QUALIFIED_NAME.test(action)) {
      throw new InvalidParamError(`workflows.${name}`, `expected a fully qualified action name /namespace/[package/]name, found ${preview(action)}`);
    }
    out[name] = action;
  }
  return out;
}

/**
 * Validates the params.
 * @throws InvalidParamError naming the first bad param
 */
export function parseCollectorParams(params: Record<string, unknown>): CollectorParams {
  return { fireTime: parseFireTime(params.fireTime), workflows: parseWorkflows(params.workflows) };
}

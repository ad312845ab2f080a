/**
 * The invoker port: what runs an action's code. The local OpenWhisk owns the
 * entities, activation records and their timing; an invoker only runs code.
 */
import type { ActivationStatus } from './activation-record';
import type { StoredAction } from './stored-entities';

/** What an activation's code can know about itself (OpenWhisk's `__OW_*` environment). */
export interface InvocationContext {
  /** 32 hex digits. */
  activationId: string;
  /** The namespace the activation runs in. */
  namespace: string;
  /** `http://127.0.0.1:PORT`: where the action can call the API back. */
  apiHost: string;
  /** `uuid:secret` of the invoking subject. */
  apiKey: string;
  /** When the run must be over, epoch ms (start + the action's timeout). */
  deadlineMs: number;
}

/** What running an action produced. */
export interface InvocationOutcome {
  /** The action's result: a JSON object, `{ error }` on failure. */
  result: unknown;
  /** Log lines, each `<ISO time> stdout|stderr: text`. */
  logs: string[];
  /** Run time, ms, including `initTimeMs` when the start was cold. */
  durationMs: number;
  status: ActivationStatus;
  /** Time spent starting the runtime and loading the code, ms: set only on a cold start. */
  initTimeMs?: number;
  /** Set when the run was stopped at the action's time limit. */
  timedOut?: boolean;
}

/** Runs actions. Implementations must not reject: failures are outcomes. */
export interface Invoker {
  invoke(action: StoredAction, params: Record<string, unknown>, context: InvocationContext): Promise<InvocationOutcome>;
  /** Frees whatever the invoker holds (processes, timers). */
  close?(): Promise<void>;
}

/** Whether a value is a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The status of a value an action returned, as OpenWhisk decides it: an object
 * with an `error` field is an application error, any other object a success,
 * and anything that is not an object a developer error.
 */
export function classifyResult(value: unknown): { status: ActivationStatus; result: unknown } {
  if (value === undefined) return { status: 'success', result: {} };
  if (!isJsonObject(value)) {
    return { status: 'action developer error', result: { error: 'The action did not produce a valid JSON response.' } };
  }
  if ('error' in value) return { status: 'application error', result: value };
  return { status: 'success', result: value };
}

/** The text OpenWhisk reports for an activation killed at its time limit. */
export function timeoutMessage(timeoutMs: number): string {
  return `The action exceeded its time limits of ${timeoutMs} milliseconds.`;
}

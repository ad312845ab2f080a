/** Actions and contexts for the live-mode invoker tests. */
import { readFileSync } from 'node:fs';
import { DEFAULT_LIMITS } from '../../src/local-openwhisk/action-limits';
import type { InvocationContext, InvocationOutcome } from '../../src/local-openwhisk/invoker';
import type { ActionLimits, StoredAction } from '../../src/local-openwhisk/stored-entities';

/** The real wall clock: these tests run real processes. */
export const wallClock = { nowMs: () => Date.now() };

/** A stored nodejs:20 action running `code`, with `limits` over OpenWhisk's defaults. */
export function nodeAction(name: string, code: string, limits: Partial<ActionLimits> = {}, version = '0.0.1'): StoredAction {
  return {
    namespace: 'guest',
    name,
    version,
    publish: false,
    exec: { kind: 'nodejs:20', code, binary: false },
    limits: { ...DEFAULT_LIMITS, ...limits },
    annotations: [],
    parameters: [],
    updated: 0,
  };
}

let activations = 0;

/** A context for one activation (a fresh id each call). */
export function contextOf(): InvocationContext {
  activations += 1;
  return { activationId: activations.toString(16).padStart(32, '0'), namespace: 'guest', apiHost: 'http://127.0.0.1:9', apiKey: 'user:secret', deadlineMs: Date.now() + 60_000 };
}

/** A field of a successful outcome's result object. */
export function resultField(outcome: InvocationOutcome, field: string): unknown {
  const r = outcome.result;
  if (typeof r !== 'object' || r === null || !(field in r)) throw new Error(`no '${field}' in ${JSON.stringify(outcome)}`);
  return Reflect.get(r, field);
}

/** A numeric field of a successful outcome's result. */
export function numberField(outcome: InvocationOutcome, field: string): number {
  const v = resultField(outcome, field);
  if (typeof v !== 'number') throw new Error(`'${field}' is not a number in ${JSON.stringify(outcome.result)}`);
  return v;
}

/** An action that returns its pid after `ms` of waiting, and when it started (epoch ms). */
export function sleeper(ms: number): string {
  return `exports.main = async () => { const startedAt = Date.now(); await new Promise((r) => setTimeout(r, ${ms})); return { pid: process.pid, startedAt }; };`;
}

/** Whether a process is still running (gone, or a zombie waiting to be reaped, count as not running). */
export function running(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // `pid (comm) S …`: the state follows the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/** The median of `values`. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

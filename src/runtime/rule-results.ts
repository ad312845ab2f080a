/**
 * What a fired trigger's rules ran, read from the local OpenWhisk: the
 * trigger activation's log lines name each rule's action activation
 * (OpenWhisk's format, `{"activationId", "rule", "action", ...}`), and each
 * of those, once ended, has its result.
 */
import type { LocalOpenWhisk } from '../local-openwhisk/local-openwhisk-server';

/** The results of the ended rule activations, the first error among them, and the ids still running. */
export interface RuleResults {
  readonly results: unknown[];
  readonly failure: string | null;
  readonly pending: string[];
}

/** The error text of an action's result, or null when it has none. */
export function errorOf(result: unknown): string | null {
  if (typeof result === 'object' && result !== null && 'error' in result) {
    const e = result.error;
    return typeof e === 'string' ? e : JSON.stringify(e) ?? 'error';
  }
  return null;
}

/** The activation ids the trigger activation's rules started, in rule order. */
export function ruleActivationIds(server: LocalOpenWhisk, triggerActivationId: string): string[] {
  const ids: string[] = [];
  for (const line of server.controller.getActivation(triggerActivationId).logs) {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof entry === 'object' && entry !== null && 'activationId' in entry && typeof entry.activationId === 'string') ids.push(entry.activationId);
  }
  return ids;
}

/** Reads what `ids` answered so far. */
export function ruleResults(server: LocalOpenWhisk, ids: readonly string[]): RuleResults {
  const results: unknown[] = [];
  const pending: string[] = [];
  let failure: string | null = null;
  for (const id of ids) {
    const a = server.controller.findActivation(id);
    if (a === undefined) {
      pending.push(id);
      continue;
    }
    results.push(a.response.result);
    if (failure === null && !a.response.success) failure = errorOf(a.response.result) ?? a.response.status;
  }
  return { results, failure, pending };
}

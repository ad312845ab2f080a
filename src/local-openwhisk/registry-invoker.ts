/**
 * An in-process invoker for tests: actions are functions registered by name,
 * so a test can run the REST API without starting processes.
 */
import type { Clock } from '../core/clock';
import { classifyResult, type InvocationContext, type InvocationOutcome, type Invoker } from './invoker';
import { actionPath, type StoredAction } from './stored-entities';

/** What a registered function gets besides its params. */
export interface RegisteredContext extends InvocationContext {
  /** Appends a line to the activation's logs (as `stdout`). */
  log(line: string): void;
}

/** A registered action body: returns (or resolves to) the result, throws or rejects to fail. */
export type RegisteredFunction = (params: Record<string, unknown>, context: RegisteredContext) => unknown;

/** A registered action with its timing, for tests that assert on durations. */
export interface RegisteredAction {
  run: RegisteredFunction;
  /** Run time reported for each activation, ms (default: measured with the clock). */
  durationMs?: number;
  /** Init time reported for the first activation (the cold start), ms (default 0). */
  coldInitMs?: number;
}

/**
 * Runs the function registered under the action's path (`pkg/name` or `name`).
 * An unregistered action is a developer error; a thrown error or a rejection
 * is an application error whose `error` is its message.
 */
export class RegistryInvoker implements Invoker {
  private readonly actions = new Map<string, RegisteredAction>();
  private readonly warm = new Set<string>();

  /** @param clock measures run time when an action has no fixed `durationMs`. */
  constructor(
    private readonly clock: Clock,
    actions: Readonly<Record<string, RegisteredFunction | RegisteredAction>> = {},
  ) {
    for (const [name, action] of Object.entries(actions)) this.register(name, action);
  }

  /** Registers (or replaces) the function of the action at `path` (`pkg/name` or `name`). */
  register(path: string, action: RegisteredFunction | RegisteredAction): void {
    this.actions.set(path, typeof action === 'function' ? { run: action } : action);
    this.warm.delete(path);
  }

  async invoke(action: StoredAction, params: Record<string, unknown>, context: InvocationContext): Promise<InvocationOutcome> {
    const path = actionPath(action);
    const registered = this.actions.get(path);
    if (registered === undefined) {
      return { status: 'action developer error', result: { error: `no function registered for action '${path}'` }, logs: [], durationMs: 0 };
    }
    const cold = !this.warm.has(path);
    this.warm.add(path);
    const logs: string[] = [];
    const started = this.clock.nowMs();
    const log = (line: string): void => {
      logs.push(`${new Date(this.clock.nowMs()).toISOString()} stdout: ${line}`);
    };
    let outcome: { status: InvocationOutcome['status']; result: unknown };
    try {
      outcome = classifyResult(await registered.run(params, { ...context, log }));
    } catch (err) {
      outcome = { status: 'application error', result: { error: err instanceof Error ? err.message : String(err) } };
    }
    const initTimeMs = cold ? (registered.coldInitMs ?? 0) : undefined;
    const runMs = registered.durationMs ?? this.clock.nowMs() - started;
    return { ...outcome, logs, durationMs: runMs + (initTimeMs ?? 0), ...(initTimeMs === undefined ? {} : { initTimeMs }) };
  }
}

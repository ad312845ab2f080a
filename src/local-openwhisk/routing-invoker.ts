/**
 * An invoker that hands each action to one of several invokers by a rule on
 * the action, e.g. a composition's real conductor code to a
 * {@link ChildProcessInvoker} and its components to a {@link RegistryInvoker}
 * of stand-ins, so a test runs the deployed conductor against fake steps.
 */
import type { InvocationContext, InvocationOutcome, Invoker } from './invoker';
import type { StoredAction } from './stored-entities';

/** One route: the invoker for the actions `when` accepts. */
export interface InvokerRoute {
  when(action: StoredAction): boolean;
  invoker: Invoker;
}

/** Routes each action to the first route that accepts it, else to the fallback. */
export class RoutingInvoker implements Invoker {
  constructor(
    private readonly routes: readonly InvokerRoute[],
    private readonly fallback: Invoker,
  ) {}

  invoke(action: StoredAction, params: Record<string, unknown>, context: InvocationContext): Promise<InvocationOutcome> {
    const route = this.routes.find((r) => r.when(action));
    return (route?.invoker ?? this.fallback).invoke(action, params, context);
  }

  /** Closes every distinct invoker once. */
  async close(): Promise<void> {
    const all = new Set<Invoker>([...this.routes.map((r) => r.invoker), this.fallback]);
    await Promise.all([...all].map((i) => i.close?.()));
  }
}

/**
 * The invoker of the replayed trace's functions in the local runtime (the
 * actions of its `trace` package): a warm-up invocation becomes a warm-up
 * request of the simulated cluster, as a warm-up sent to a stock OpenWhisk
 * keeps or starts a container; any other invocation is answered at once
 * without running anything, since the trace's own arrivals are the load.
 * The local runtime routes only those actions here (a `RoutingInvoker` route);
 * the manager's bundles run in child Node processes.
 */
import { isWarmupRequest } from '../platform/managed-action';
import type { InvocationContext, InvocationOutcome, Invoker } from '../local-openwhisk/invoker';
import type { StoredAction } from '../local-openwhisk/stored-entities';
import type { PlatformPoolPolicy } from './platform-pool-policy';

/** Runs the trace package's actions on the simulated cluster. */
export class TraceFunctionInvoker implements Invoker {
  /** Warm-up invocations received. */
  warmUps = 0;

  constructor(
    /** The package whose actions are the trace's functions, e.g. `trace`. */
    readonly tracePackage: string,
    /** The function index of each trace action's name. */
    private readonly functionIndex: ReadonlyMap<string, number>,
    private readonly pool: PlatformPoolPolicy,
  ) {}

  /** Whether `action` is one of the trace's functions' (the route's rule). */
  handles(action: StoredAction): boolean {
    return action.packageName === this.tracePackage;
  }

  async invoke(action: StoredAction, params: Record<string, unknown>, _context: InvocationContext): Promise<InvocationOutcome> {
    const fn = this.handles(action) ? this.functionIndex.get(action.name) : undefined;
    if (fn === undefined) {
      return { status: 'action developer error', result: { error: `${this.tracePackage}/${action.name} is not a function of the replayed trace` }, logs: [], durationMs: 0 };
    }
    if (isWarmupRequest(params)) {
      this.pool.requestWarmUp(fn);
      this.warmUps++;
      return { status: 'success', result: { warmed: true }, logs: [], durationMs: 0 };
    }
    return { status: 'success', result: { simulated: true, note: "the trace replays this function's own arrivals; this invocation ran nothing" }, logs: [], durationMs: 0 };
  }
}

/**
 * The invoker of the replayed workflows' actions (their stage and entry
 * actions): their runs are recorded by the workflow replay, so an invocation
 * through the API runs nothing. A warm-up is answered `{ warmed: true }`, as
 * a stage wrapped with `wrapManagedAction` answers it; the stages' containers
 * are not part of the simulated pool, so it changes nothing else.
 */
export class ReplayedWorkflowInvoker implements Invoker {
  /** Warm-up invocations received. */
  warmUps = 0;

  constructor(private readonly packages: ReadonlySet<string>) {}

  /** Whether `action` belongs to a replayed workflow (the route's rule). */
  handles(action: StoredAction): boolean {
    return action.packageName !== undefined && this.packages.has(action.packageName);
  }

  async invoke(action: StoredAction, params: Record<string, unknown>, _context: InvocationContext): Promise<InvocationOutcome> {
    if (isWarmupRequest(params)) {
      this.warmUps++;
      return { status: 'success', result: { warmed: true }, logs: [], durationMs: 0 };
    }
    return { status: 'success', result: { simulated: true, note: `the workflow replay runs ${action.packageName ?? ''}/${action.name} at each invocation of its driver; this invocation ran nothing` }, logs: [], durationMs: 0 };
  }
}

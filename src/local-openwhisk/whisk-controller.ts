/**
 * The local OpenWhisk's controller: entities, invocations, triggers and rules,
 * and the activation records, for one namespace. HTTP-agnostic: the REST
 * layer (`local-openwhisk-server.ts`) maps requests onto these methods, and
 * their {@link ApiError}s onto status codes. Time comes from the injected
 * clock (read as epoch ms), ids from the injected generator.
 */
import type { Clock } from '../core/clock';
import type { Rng } from '../core/rng';
import type { ActivationCause } from './activation-cause';
import { DEFAULT_LIMITS } from './action-limits';
import { annotation, responseOf, summarise, type ActivationRecord, type ActivationStatus } from './activation-record';
import { ApiError } from './api-error';
import { ACTION_SEQUENCE_LIMIT, CompositionAccounting, isConductorAction, runComposition, type CompositionHost } from './conductor';
import { assertLegalName, parseQualifiedName, qualifiedName, type EntityPath } from './entity-name';
import { actionSummary, actionView, packageSummary, packageView, ruleView, triggerSummary, triggerView } from './entity-views';
import { activationId as newActivationId } from './ids';
import type { InvocationOutcome, Invoker } from './invoker';
import { page, type ActivationQuery, type PageQuery } from './list-query';
import { parseActionBody, parseParametrisedBody, parseRuleBody } from './parse-entity-body';
import {
  actionPath,
  nextVersion,
  type KeyValue,
  type RuleStatus,
  type StoredAction,
  type StoredPackage,
  type StoredParametrised,
  type StoredRule,
  type StoredTrigger,
} from './stored-entities';

/** What the controller needs. */
export interface WhiskControllerOptions {
  /** The one namespace this server hosts, e.g. `guest`. */
  namespace: string;
  /** Read as epoch ms: activation times and `updated` come from it. */
  clock: Clock;
  rng: Rng;
  invoker: Invoker;
  /** `uuid:secret` handed to actions as `__OW_API_KEY`. */
  apiKey: string;
  /** Where actions reach the API (`http://127.0.0.1:PORT`); read at each invocation, so it may be set after listening. */
  apiHost: () => string;
  /** Accept `limits.cpu` (cores), for clusters with a CPU-limit extension (default false: ignored, as stock OpenWhisk). */
  cpuLimitExtension?: boolean;
}

/** The answer of an invocation: the finished record (blocking) or just its id (non-blocking). */
export type InvokeAnswer = { kind: 'completed'; activation: ActivationRecord } | { kind: 'accepted'; activationId: string };

/** Most components a sequence runs (OpenWhisk's `actionSequenceLimit`), and deepest nesting of sequences (OpenWhisk's defaults). */
const SEQUENCE_MAX = ACTION_SEQUENCE_LIMIT;
const SEQUENCE_DEPTH_MAX = 10;

function sortByUpdated<T extends { updated: number }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => b.updated - a.updated);
}

function toParams(kvs: readonly KeyValue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of kvs) out[kv.key] = kv.value;
  return out;
}

function withAnnotation(annotations: readonly KeyValue[], key: string, value: unknown): KeyValue[] {
  return [...annotations.filter((a) => a.key !== key), { key, value }];
}

/** Truncates logs to `limitMB`, as OpenWhisk does, with its closing message. */
function truncateLogs(logs: readonly string[], limitMB: number): string[] {
  const limit = limitMB * 1024 * 1024;
  let bytes = 0;
  const out: string[] = [];
  for (const line of logs) {
    bytes += Buffer.byteLength(line, 'utf8');
    if (bytes > limit) {
      out.push(`Logs were truncated because the total bytes size exceeds the limit of ${limit} bytes.`);
      return out;
    }
    out.push(line);
  }
  return out;
}

/** An activation run elsewhere (the simulated cluster), for {@link WhiskController.recordSimulatedActivation}. */
export interface SimulatedRun {
  /** When it started (placed on a container), epoch ms. */
  startMs: number;
  /** When it ended, epoch ms (>= startMs); the duration includes the init time of a cold start. */
  endMs: number;
  /** Time it waited for room before starting, ms (0 when it started at once). */
  waitMs: number;
  /** Set only on a cold start: time spent creating the container and initialising the code, ms. */
  initTimeMs?: number;
  /** The result it answered (a JSON object; `{ error }` when it failed). */
  result: Record<string, unknown>;
  /** It failed: recorded as an application error (default false). */
  failed?: boolean;
}

/** One namespace's entities and activations, and the logic of invoking and firing. */
export class WhiskController {
  readonly namespace: string;
  private readonly packages = new Map<string, StoredPackage>();
  private readonly actions = new Map<string, StoredAction>();
  private readonly triggers = new Map<string, StoredTrigger>();
  private readonly rules = new Map<string, StoredRule>();
  /** Finished activations, in the order they finished. */
  private readonly activations: ActivationRecord[] = [];
  private readonly activationById = new Map<string, ActivationRecord>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly options: WhiskControllerOptions) {
    this.namespace = options.namespace;
  }

  private now(): number {
    return this.options.clock.nowMs();
  }

  /** A package or trigger created from `body`, or `old` updated by it (409 when it exists and `overwrite` is off). */
  private parametrised(name: string, body: unknown, old: StoredParametrised | undefined, overwrite: boolean): StoredParametrised {
    const input = parseParametrisedBody(body);
    if (old !== undefined && !overwrite) throw ApiError.conflict();
    return {
      namespace: this.namespace,
      name,
      version: old === undefined ? '0.0.1' : nextVersion(old.version),
      publish: input.publish ?? old?.publish ?? false,
      annotations: input.annotations ?? old?.annotations ?? [],
      parameters: input.parameters ?? old?.parameters ?? [],
      updated: this.now(),
    };
  }

  // ---- packages -------------------------------------------------------

  putPackage(name: string, body: unknown, overwrite: boolean): Record<string, unknown> {
    assertLegalName(name);
    const pkg = this.parametrised(name, body, this.packages.get(name), overwrite);
    this.packages.set(name, pkg);
    return packageView(pkg, this.actionsIn(name));
  }

  getPackage(name: string): Record<string, unknown> {
    return packageView(this.requirePackage(name), this.actionsIn(name));
  }

  listPackages(query: PageQuery): unknown {
    const all = sortByUpdated(this.packages.values());
    return query.count ? { packages: all.length } : page(all, query).map(packageSummary);
  }

  deletePackage(name: string): Record<string, unknown> {
    const pkg = this.requirePackage(name);
    const inside = this.actionsIn(name);
    if (inside.length > 0) throw new ApiError(409, `Package not empty (contains ${inside.length} ${inside.length === 1 ? 'entity' : 'entities'})`);
    this.packages.delete(name);
    return packageView(pkg, []);
  }

  private requirePackage(name: string): StoredPackage {
    const pkg = this.packages.get(name);
    if (pkg === undefined) throw ApiError.notFound();
    return pkg;
  }

  private actionsIn(packageName: string | undefined): StoredAction[] {
    return sortByUpdated([...this.actions.values()].filter((a) => a.packageName === packageName));
  }

  // ---- actions --------------------------------------------------------

  putAction(path: EntityPath, body: unknown, overwrite: boolean): Record<string, unknown> {
    if (path.packageName !== undefined) {
      assertLegalName(path.packageName);
      if (!this.packages.has(path.packageName)) throw ApiError.notFound(`${this.namespace}/${path.packageName}`);
    }
    assertLegalName(path.name);
    const input = parseActionBody(body, this.options.cpuLimitExtension ?? false);
    const key = actionPath(path);
    const old = this.actions.get(key);
    if (old !== undefined && !overwrite) throw ApiError.conflict();
    const exec = input.exec ?? old?.exec;
    if (exec === undefined) throw ApiError.malformed('exec', 'missing (required to create an action)');
    if ('components' in exec) {
      const self = qualifiedName(this.namespace, path);
      exec.components.forEach((c, i) => {
        const q = parseQualifiedName(c, this.namespace, `exec.components[${i}]`);
        if (qualifiedName(q.namespace, q) === self) throw new ApiError(400, 'Sequence may not refer to itself.');
      });
    }
    const action: StoredAction = {
      namespace: this.namespace,
      ...(path.packageName === undefined ? {} : { packageName: path.packageName }),
      name: path.name,
      version: old === undefined ? '0.0.1' : nextVersion(old.version),
      publish: input.publish ?? old?.publish ?? false,
      exec,
      limits: { ...DEFAULT_LIMITS, ...old?.limits, ...input.limits },
      annotations: withAnnotation(input.annotations ?? old?.annotations ?? [], 'exec', exec.kind),
      parameters: input.parameters ?? old?.parameters ?? [],
      updated: this.now(),
    };
    this.actions.set(key, action);
    return actionView(action);
  }

  getAction(path: EntityPath, includeCode: boolean): Record<string, unknown> {
    return actionView(this.requireAction(path), includeCode);
  }

  /** Actions of the namespace (all of them, packaged ones too, as OpenWhisk), or of one package. */
  listActions(packageName: string | undefined, query: PageQuery): unknown {
    if (packageName !== undefined) this.requirePackage(packageName);
    const all = packageName === undefined ? sortByUpdated(this.actions.values()) : this.actionsIn(packageName);
    return query.count ? { actions: all.length } : page(all, query).map(actionSummary);
  }

  deleteAction(path: EntityPath): Record<string, unknown> {
    const action = this.requireAction(path);
    this.actions.delete(actionPath(path));
    return actionView(action);
  }

  private requireAction(path: EntityPath): StoredAction {
    const action = this.actions.get(actionPath(path));
    if (action === undefined) throw ApiError.notFound();
    return action;
  }

  /** The stored action at `path`, or undefined (for invokers and tests). */
  findAction(path: EntityPath): StoredAction | undefined {
    return this.actions.get(actionPath(path));
  }

  // ---- invocation -----------------------------------------------------

  /**
   * Invokes an action with `params` over its package's and its own default
   * parameters. Blocking: resolves when the activation is over. Non-blocking:
   * resolves at once with the id; the record appears when the run ends. A
   * sequence runs its components in turn; a conductor action (annotation
   * `conductor` truthy) runs as a composition (see `conductor.ts`), and the
   * id answered is its primary activation's. `cause` is the id of a trigger
   * activation that caused this one.
   */
  async invokeAction(path: EntityPath, params: Record<string, unknown>, blocking: boolean, cause?: string): Promise<InvokeAnswer> {
    const action = this.requireAction(path);
    const id = newActivationId(this.options.rng);
    const run = this.track(this.runActivation(action, params, id, cause === undefined ? undefined : { activationId: cause, causedBy: 'trigger' }));
    if (!blocking) return { kind: 'accepted', activationId: id };
    return { kind: 'completed', activation: await run };
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const done = (): void => {
      this.inFlight.delete(promise);
    };
    promise.then(done, done);
    return promise;
  }

  private mergedParams(action: StoredAction, params: Record<string, unknown>): Record<string, unknown> {
    const pkg = action.packageName === undefined ? undefined : this.packages.get(action.packageName);
    return { ...toParams(pkg?.parameters ?? []), ...toParams(action.parameters), ...params };
  }

  /** What compositions use of this controller: the same clock, ids, entities and records. */
  private compositionHost(): CompositionHost {
    return {
      namespace: this.namespace,
      now: () => this.now(),
      newActivationId: () => newActivationId(this.options.rng),
      findAction: (path) => this.findAction(path),
      runConductorCode: (conductor, params, id, cause) => this.runCode(conductor, params, id, cause),
      runComponent: (action, params, id, cause, accounting, depth) => this.runActivation(action, params, id, cause, depth, accounting),
      record: (activation) => this.record(activation),
    };
  }

  /**
   * Runs any action and records it: a sequence, a composition (sharing the
   * caller's `accounting` when it is a component of another), or code.
   */
  private runActivation(
    action: StoredAction,
    params: Record<string, unknown>,
    id: string,
    cause?: ActivationCause,
    depth = 0,
    accounting?: CompositionAccounting,
  ): Promise<ActivationRecord> {
    if ('components' in action.exec) return this.runSequence(action, action.exec.components, params, id, cause, depth);
    if (isConductorAction(action)) return runComposition(this.compositionHost(), action, params, id, cause, accounting ?? new CompositionAccounting(), depth);
    return this.runCode(action, params, id, cause);
  }

  /** Runs a code action once through the invoker, over its default params, and records it. */
  private async runCode(action: StoredAction, params: Record<string, unknown>, id: string, cause?: ActivationCause): Promise<ActivationRecord> {
    const start = this.now();
    const context = {
      activationId: id,
      namespace: this.namespace,
      apiHost: this.options.apiHost(),
      apiKey: this.options.apiKey,
      deadlineMs: start + action.limits.timeout,
    };
    let outcome: InvocationOutcome;
    if (this.closed) {
      outcome = { status: 'whisk internal error', result: { error: 'The server is shutting down.' }, logs: [], durationMs: 0 };
    } else {
      try {
        outcome = await this.options.invoker.invoke(action, this.mergedParams(action, params), context);
      } catch (err) {
        outcome = { status: 'whisk internal error', result: { error: `invoker failed: ${err instanceof Error ? err.message : String(err)}` }, logs: [], durationMs: 0 };
      }
    }
    const duration = Math.max(0, Math.round(outcome.durationMs));
    let annotations: KeyValue[] = [
      { key: 'path', value: `${this.namespace}/${actionPath(action)}` },
      { key: 'waitTime', value: 0 },
      { key: 'kind', value: action.exec.kind },
      { key: 'timeout', value: outcome.timedOut === true },
      { key: 'limits', value: { ...action.limits } },
    ];
    if (outcome.initTimeMs !== undefined) annotations = [...annotations, { key: 'initTime', value: Math.round(outcome.initTimeMs) }];
    if (cause !== undefined) annotations = [...annotations, { key: 'causedBy', value: cause.causedBy }];
    return this.record({
      activationId: id,
      namespace: this.namespace,
      name: action.name,
      version: action.version,
      subject: this.namespace,
      start,
      end: start + duration,
      duration,
      statusCode: 0,
      response: responseOf(outcome.status, outcome.result),
      logs: truncateLogs(outcome.logs, action.limits.logs),
      annotations,
      publish: false,
      ...(cause === undefined ? {} : { cause: cause.activationId }),
    });
  }

  private async runSequence(
    action: StoredAction,
    components: readonly string[],
    params: Record<string, unknown>,
    id: string,
    cause: ActivationCause | undefined,
    depth: number,
  ): Promise<ActivationRecord> {
    const start = this.now();
    const ids: string[] = [];
    let value: Record<string, unknown> = this.mergedParams(action, params);
    let status: ActivationStatus = 'success';
    let result: unknown = value;
    let end = start;
    for (const component of components.slice(0, SEQUENCE_MAX)) {
      const q = parseQualifiedName(component, this.namespace, 'component');
      const target = q.namespace === this.namespace ? this.findAction(q) : undefined;
      if (target === undefined) {
        status = 'application error';
        result = { error: 'Sequence component does not exist.' };
        break;
      }
      if (depth >= SEQUENCE_DEPTH_MAX && 'components' in target.exec) {
        status = 'application error';
        result = { error: 'Too many actions in the sequence.' };
        break;
      }
      const childId = newActivationId(this.options.rng);
      const child = await this.runActivation(target, value, childId, { activationId: id, causedBy: 'sequence' }, depth + 1);
      ids.push(childId);
      end = Math.max(end, child.end);
      result = child.response.result;
      if (!child.response.success) {
        status = child.response.status;
        break;
      }
      value = typeof result === 'object' && result !== null && !Array.isArray(result) ? { ...result } : {};
    }
    return this.record({
      activationId: id,
      namespace: this.namespace,
      name: action.name,
      version: action.version,
      subject: this.namespace,
      start,
      end,
      duration: end - start,
      statusCode: 0,
      response: responseOf(status, result),
      logs: ids,
      annotations: [
        { key: 'path', value: `${this.namespace}/${actionPath(action)}` },
        { key: 'kind', value: 'sequence' },
        { key: 'topmost', value: cause === undefined || cause.causedBy === 'trigger' },
        ...(cause === undefined ? [] : [{ key: 'causedBy', value: cause.causedBy }]),
        { key: 'limits', value: { ...action.limits } },
      ],
      publish: false,
      ...(cause === undefined ? {} : { cause: cause.activationId }),
    });
  }

  private record(activation: ActivationRecord): ActivationRecord {
    activation.statusCode = activation.response.statusCode;
    this.activations.push(activation);
    this.activationById.set(activation.activationId, activation);
    return activation;
  }

  // ---- triggers -------------------------------------------------------

  putTrigger(name: string, body: unknown, overwrite: boolean): Record<string, unknown> {
    assertLegalName(name);
    const trigger = this.parametrised(name, body, this.triggers.get(name), overwrite);
    this.triggers.set(name, trigger);
    return triggerView(trigger, this.rulesOf(name));
  }

  getTrigger(name: string): Record<string, unknown> {
    return triggerView(this.requireTrigger(name), this.rulesOf(name));
  }

  listTriggers(query: PageQuery): unknown {
    const all = sortByUpdated(this.triggers.values());
    return query.count ? { triggers: all.length } : page(all, query).map(triggerSummary);
  }

  deleteTrigger(name: string): Record<string, unknown> {
    const trigger = this.requireTrigger(name);
    const view = triggerView(trigger, this.rulesOf(name));
    this.triggers.delete(name);
    return view;
  }

  private requireTrigger(name: string): StoredTrigger {
    const trigger = this.triggers.get(name);
    if (trigger === undefined) throw ApiError.notFound();
    return trigger;
  }

  private rulesOf(triggerName: string): StoredRule[] {
    const fqn = `/${this.namespace}/${triggerName}`;
    return [...this.rules.values()].filter((r) => r.trigger === fqn);
  }

  /**
   * Fires a trigger: records the trigger's activation (its result the
   * parameters, one log line per rule) and invokes each active rule's action,
   * not blocking. Null when no rule is active (OpenWhisk answers 204).
   */
  fireTrigger(name: string, params: Record<string, unknown>): { activationId: string } | null {
    const trigger = this.requireTrigger(name);
    const active = this.rulesOf(name).filter((r) => r.status === 'active');
    if (active.length === 0) return null;
    const id = newActivationId(this.options.rng);
    const payload = { ...toParams(trigger.parameters), ...params };
    const logs: string[] = [];
    for (const rule of active) {
      const q = parseQualifiedName(rule.action, this.namespace, 'action');
      const target = q.namespace === this.namespace ? this.findAction(q) : undefined;
      const ruleName = `${this.namespace}/${rule.name}`;
      const actionName = q.packageName === undefined ? `${q.namespace}/${q.name}` : `${q.namespace}/${q.packageName}/${q.name}`;
      if (target === undefined) {
        logs.push(JSON.stringify({ statusCode: 1, success: false, error: 'The requested resource does not exist.', rule: ruleName, action: actionName }));
        continue;
      }
      const childId = newActivationId(this.options.rng);
      this.track(this.runActivation(target, payload, childId, { activationId: id, causedBy: 'trigger' }));
      logs.push(JSON.stringify({ statusCode: 0, success: true, activationId: childId, rule: ruleName, action: actionName }));
    }
    const now = this.now();
    this.record({
      activationId: id,
      namespace: this.namespace,
      name: trigger.name,
      version: trigger.version,
      subject: this.namespace,
      start: now,
      end: now,
      duration: 0,
      statusCode: 0,
      response: responseOf('success', payload),
      logs,
      annotations: [{ key: 'path', value: `${this.namespace}/${trigger.name}` }],
      publish: false,
    });
    return { activationId: id };
  }

  // ---- rules ----------------------------------------------------------

  putRule(name: string, body: unknown, overwrite: boolean): Record<string, unknown> {
    assertLegalName(name);
    const input = parseRuleBody(body);
    const old = this.rules.get(name);
    if (old !== undefined && !overwrite) throw ApiError.conflict();
    const triggerRef = input.trigger ?? old?.trigger;
    const actionRef = input.action ?? old?.action;
    if (triggerRef === undefined) throw ApiError.malformed('trigger', 'missing');
    if (actionRef === undefined) throw ApiError.malformed('action', 'missing');
    const t = parseQualifiedName(triggerRef, this.namespace, 'trigger');
    if (t.packageName !== undefined) throw ApiError.malformed('trigger', `expected /namespace/name, found ${JSON.stringify(triggerRef)}`);
    const a = parseQualifiedName(actionRef, this.namespace, 'action');
    if (t.namespace !== this.namespace || !this.triggers.has(t.name)) throw ApiError.notFound(`${t.namespace}/${t.name}`);
    if (a.namespace !== this.namespace || this.findAction(a) === undefined) throw ApiError.notFound(qualifiedName(a.namespace, a).slice(1));
    const rule: StoredRule = {
      namespace: this.namespace,
      name,
      version: old === undefined ? '0.0.1' : nextVersion(old.version),
      publish: input.publish ?? old?.publish ?? false,
      annotations: input.annotations ?? old?.annotations ?? [],
      status: input.status ?? old?.status ?? 'active',
      trigger: qualifiedName(t.namespace, t),
      action: qualifiedName(a.namespace, a),
      updated: this.now(),
    };
    this.rules.set(name, rule);
    return ruleView(rule);
  }

  getRule(name: string): Record<string, unknown> {
    return ruleView(this.requireRule(name));
  }

  listRules(query: PageQuery): unknown {
    const all = sortByUpdated(this.rules.values());
    return query.count ? { rules: all.length } : page(all, query).map(ruleView);
  }

  deleteRule(name: string): Record<string, unknown> {
    const rule = this.requireRule(name);
    this.rules.delete(name);
    return ruleView(rule);
  }

  /** Activates or deactivates a rule. */
  setRuleStatus(name: string, status: RuleStatus): void {
    const rule = this.requireRule(name);
    rule.status = status;
  }

  private requireRule(name: string): StoredRule {
    const rule = this.rules.get(name);
    if (rule === undefined) throw ApiError.notFound();
    return rule;
  }

  // ---- activations ----------------------------------------------------

  /**
   * Stores the record of an activation that ran outside this controller: the
   * local runtime's simulated cluster runs the trace's functions and reports
   * each finished activation here, so it is listed, paged and read back like
   * any other. Annotations as {@link runCode} gives them (`initTime` on a
   * cold start, `waitTime` the queueing before the start).
   */
  recordSimulatedActivation(path: EntityPath, run: SimulatedRun): ActivationRecord {
    const action = this.findAction(path);
    if (action === undefined) throw ApiError.notFound();
    const duration = Math.max(0, Math.round(run.endMs - run.startMs));
    const annotations: KeyValue[] = [
      { key: 'path', value: `${this.namespace}/${actionPath(action)}` },
      { key: 'waitTime', value: Math.max(0, Math.round(run.waitMs)) },
      { key: 'kind', value: action.exec.kind },
      { key: 'timeout', value: false },
      { key: 'limits', value: { ...action.limits } },
      ...(run.initTimeMs === undefined ? [] : [{ key: 'initTime', value: Math.round(run.initTimeMs) }]),
    ];
    return this.record({
      activationId: newActivationId(this.options.rng),
      namespace: this.namespace,
      name: action.name,
      version: action.version,
      subject: this.namespace,
      start: Math.round(run.startMs),
      end: Math.round(run.startMs) + duration,
      duration,
      statusCode: 0,
      response: responseOf(run.failed === true ? 'application error' : 'success', run.result),
      logs: [],
      annotations,
      publish: false,
    });
  }

  /** Activations newest first, filtered and paged as `GET .../activations`. */
  listActivations(query: ActivationQuery): unknown {
    const matches = this.activations
      .filter((a) => {
        if (query.since !== undefined && a.start < query.since) return false;
        if (query.upto !== undefined && a.start > query.upto) return false;
        if (query.name === undefined) return true;
        if (!query.name.includes('/')) return a.name === query.name;
        return annotation(a.annotations, 'path') === `${this.namespace}/${query.name}`;
      })
      .map((a, order) => ({ a, order }))
      .sort((x, y) => y.a.start - x.a.start || y.order - x.order)
      .map((x) => x.a);
    if (query.count) return { activations: matches.length };
    const selected = page(matches, query);
    return query.docs ? selected : selected.map(summarise);
  }

  getActivation(id: string): ActivationRecord {
    const record = this.activationById.get(id);
    if (record === undefined) throw ApiError.notFound();
    return record;
  }

  /** The activation's record once it has ended; undefined while it runs (or when there is no such activation). */
  findActivation(id: string): ActivationRecord | undefined {
    return this.activationById.get(id);
  }

  /** Resolves once every activation started so far (and any they started) has ended. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Refuses new runs from now on: they end as whisk internal errors. */
  shutDown(): void {
    this.closed = true;
  }
}

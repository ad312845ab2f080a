/**
 * OpenWhisk's conductor actions (apache/openwhisk `docs/conductors.md`, the
 * controller's `PrimitiveActions.invokeComposition`), for the local
 * OpenWhisk. An action whose `conductor` annotation is truthy (and which is
 * not a sequence) is a composition: invoking it runs the conductor with the
 * params (a *secondary* activation); its result is a continuation
 * `{ action, params, state }`. With an `action`, the controller invokes that
 * component with `params` (boxed as `{ value }` when not an object; `{}` when
 * absent), then the conductor again with the component's result, the
 * `state` fields added over it (a non-object state boxed as `{ state }`).
 * Without an `action` the composition ends: its result is the last
 * conductor result's `params` (boxed) or, when absent, the whole result,
 * with that activation's status.
 *
 * As OpenWhisk: a component's result, error or not, goes back to the
 * conductor, which decides (openwhisk-composer's conductor ends the
 * composition with the component's `{ error }`); an action name that does
 * not parse, does not resolve, or lies in another namespace is not invoked,
 * and the conductor is run again on `{ error: <why> }` instead. The
 * *primary* record (the id the invoker gets) is written at the end: result
 * and status as above, `logs` the ids of the secondary and component
 * activations in order (a nested composition contributes only its own
 * primary id), `duration` the sum of their durations (OpenWhisk's
 * definition; `end - start` is the time end to end), annotations `topmost`,
 * `path`, `kind: sequence`, `conductor: true`, `limits` (the conductor's,
 * with the largest memory limit seen), and `causedBy` when nested. Every
 * derived record has `cause` set to the primary id and `causedBy: sequence`.
 *
 * Limits (OpenWhisk's `actionSequenceLimit`, default 50 = {@link ACTION_SEQUENCE_LIMIT}):
 * at most n component activations and 2n + 1 conductor activations per
 * invocation, counted over nested compositions together (a sequence
 * component counts once). Past the component limit the conductor is run on
 * `{ error: 'Too many actions in the composition.' }`; past the conductor
 * limit the composition ends with that error as an application error.
 */
import type { ActivationCause } from './activation-cause';
import { annotation, responseOf, type ActivationRecord, type ActivationResponse } from './activation-record';
import { ApiError } from './api-error';
import { parseQualifiedName, qualifiedName, type EntityPath } from './entity-name';
import { isJsonObject } from './invoker';
import { actionPath, type StoredAction } from './stored-entities';

/** OpenWhisk's default `actionSequenceLimit`: most components of a sequence, most component activations of a composition. */
export const ACTION_SEQUENCE_LIMIT = 50;

/** The messages OpenWhisk's controller gives a composition (its `Messages`). */
export const CompositionMessages = {
  tooLong: 'Too many actions in the composition.',
  componentInvalid: (value: unknown): string => `Failed to parse action name from json value ${JSON.stringify(value) ?? 'undefined'} during composition.`,
  componentNotFound: (name: string): string => `Failed to resolve action with name '${name}' during composition.`,
  componentNotAccessible: (name: string): string => `Failed entitlement check for action with name '${name}' during composition.`,
} as const;

/**
 * OpenWhisk's truthiness of an annotation value: `true`, a non-zero number,
 * a non-empty string, any object or array; not `false`, `0`, `''`, `null`
 * or absent.
 */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  return true;
}

/** Whether invoking `action` runs a composition: a truthy `conductor` annotation on a code action (ignored on sequences, as OpenWhisk). */
export function isConductorAction(action: StoredAction): boolean {
  return !('components' in action.exec) && isTruthy(annotation(action.annotations, 'conductor'));
}

/**
 * Counts of one invocation's activations, shared with the compositions it
 * nests (a component that is itself a conductor action counts its own
 * conductor and component activations here).
 */
export class CompositionAccounting {
  /** Component activations so far (a sequence counts once). */
  components = 0;
  /** Conductor (secondary) activations so far. */
  conductors = 0;
}

/** A conductor result read as a continuation. */
export interface Continuation {
  /** Whether the result has an `action` field (of any value: a bad one is reported to the conductor). */
  hasAction: boolean;
  /** The `action` field as given. */
  action: unknown;
  /** `params`, boxed as `{ value }` when not an object; undefined when absent. */
  params: Record<string, unknown> | undefined;
  /** `state`, boxed as `{ state }` when not an object; undefined when absent. */
  state: Record<string, unknown> | undefined;
}

/** Reads a conductor's result (a JSON object) as OpenWhisk does. */
export function readContinuation(result: Record<string, unknown>): Continuation {
  const box = (value: unknown, key: string): Record<string, unknown> | undefined => {
    if (value === undefined) return undefined;
    return isJsonObject(value) ? value : { [key]: value };
  };
  return {
    hasAction: 'action' in result && result['action'] !== undefined,
    action: result['action'],
    params: box(result['params'], 'value'),
    state: box(result['state'], 'state'),
  };
}

/** Where a continuation's `action` points: a path in the namespace, or why it cannot be invoked. */
export type ComponentTarget = { kind: 'path'; path: EntityPath; name: string } | { kind: 'refused'; reason: 'invalid' | 'inaccessible'; message: string };

/**
 * Resolves a continuation's `action` against the namespace: a string
 * `/ns/[pkg/]name` (`_` for the namespace) or a relative `[pkg/]name`.
 * Anything else, or a malformed name, is `invalid`; another namespace is
 * `inaccessible` (this server hosts one).
 */
export function resolveComponent(action: unknown, namespace: string): ComponentTarget {
  if (typeof action !== 'string') return { kind: 'refused', reason: 'invalid', message: CompositionMessages.componentInvalid(action) };
  let q: ReturnType<typeof parseQualifiedName>;
  try {
    q = parseQualifiedName(action.trim(), namespace, 'action');
  } catch (err) {
    if (err instanceof ApiError) return { kind: 'refused', reason: 'invalid', message: CompositionMessages.componentInvalid(action) };
    throw err;
  }
  const name = qualifiedName(q.namespace, q).slice(1);
  if (q.namespace !== namespace) return { kind: 'refused', reason: 'inaccessible', message: CompositionMessages.componentNotAccessible(name) };
  const path: EntityPath = q.packageName === undefined ? { name: q.name } : { packageName: q.packageName, name: q.name };
  return { kind: 'path', path, name };
}

/** What a composition needs of the controller. */
export interface CompositionHost {
  readonly namespace: string;
  /** Epoch ms, from the controller's clock. */
  now(): number;
  newActivationId(): string;
  findAction(path: EntityPath): StoredAction | undefined;
  /** Runs the conductor's code once (a secondary activation) over its default params, and records it. */
  runConductorCode(conductor: StoredAction, params: Record<string, unknown>, id: string, cause: ActivationCause): Promise<ActivationRecord>;
  /** Runs a component (code action, sequence or composition, the latter sharing `accounting`), and records it. */
  runComponent(action: StoredAction, params: Record<string, unknown>, id: string, cause: ActivationCause, accounting: CompositionAccounting, depth: number): Promise<ActivationRecord>;
  /** Stores a finished record. */
  record(activation: ActivationRecord): ActivationRecord;
}

/** The memory limit a record's `limits` annotation gives, MB, if any. */
function memoryOf(record: ActivationRecord): number | undefined {
  const limits = annotation(record.annotations, 'limits');
  return isJsonObject(limits) && typeof limits['memory'] === 'number' ? limits['memory'] : undefined;
}

/**
 * Runs one invocation of a conductor action to its end and records its
 * primary activation under `sessionId`. `accounting` is the caller's when
 * this composition is a component of another one.
 */
export async function runComposition(
  host: CompositionHost,
  conductor: StoredAction,
  params: Record<string, unknown>,
  sessionId: string,
  cause: ActivationCause | undefined,
  accounting: CompositionAccounting,
  depth: number,
): Promise<ActivationRecord> {
  const start = host.now();
  const logs: string[] = [];
  let duration = 0;
  let lastEnd = start;
  let maxMemory = conductor.limits.memory;
  const derived: ActivationCause = { activationId: sessionId, causedBy: 'sequence' };
  const note = (record: ActivationRecord): void => {
    logs.push(record.activationId);
    duration += record.duration;
    lastEnd = Math.max(lastEnd, record.end);
    maxMemory = Math.max(maxMemory, memoryOf(record) ?? 0);
  };

  let payload: Record<string, unknown> = params;
  let state: Record<string, unknown> | undefined;
  let response: ActivationResponse;
  for (;;) {
    if (accounting.conductors > 2 * ACTION_SEQUENCE_LIMIT) {
      response = responseOf('application error', { error: CompositionMessages.tooLong });
      break;
    }
    accounting.conductors += 1;
    const secondary = await host.runConductorCode(conductor, state === undefined ? payload : { ...payload, ...state }, host.newActivationId(), derived);
    note(secondary);
    const result = isJsonObject(secondary.response.result) ? secondary.response.result : { value: secondary.response.result };
    const next = readContinuation(result);
    state = next.state;
    if (!next.hasAction) {
      response = responseOf(secondary.response.status, next.params ?? result);
      break;
    }
    const target = resolveComponent(next.action, host.namespace);
    if (target.kind === 'refused') {
      payload = { error: target.message };
      continue;
    }
    if (accounting.components >= ACTION_SEQUENCE_LIMIT) {
      payload = { error: CompositionMessages.tooLong };
      continue;
    }
    const component = host.findAction(target.path);
    if (component === undefined) {
      payload = { error: CompositionMessages.componentNotFound(target.name) };
      continue;
    }
    // A nested composition counts its own activations in the shared accounting.
    if (!isConductorAction(component)) accounting.components += 1;
    const record = await host.runComponent(component, next.params ?? {}, host.newActivationId(), derived, accounting, depth + 1);
    note(record);
    payload = isJsonObject(record.response.result) ? record.response.result : { value: record.response.result };
  }

  const end = Math.max(host.now(), lastEnd);
  const topmost = cause === undefined || cause.causedBy === 'trigger';
  return host.record({
    activationId: sessionId,
    namespace: host.namespace,
    name: conductor.name,
    version: conductor.version,
    subject: host.namespace,
    start,
    end,
    duration,
    statusCode: response.statusCode,
    response,
    logs,
    annotations: [
      { key: 'topmost', value: topmost },
      { key: 'path', value: `${host.namespace}/${actionPath(conductor)}` },
      { key: 'kind', value: 'sequence' },
      { key: 'conductor', value: true },
      ...(cause === undefined ? [] : [{ key: 'causedBy', value: cause.causedBy }]),
      { key: 'limits', value: { ...conductor.limits, memory: maxMemory } },
    ],
    publish: false,
    ...(cause === undefined ? {} : { cause: cause.activationId }),
  });
}

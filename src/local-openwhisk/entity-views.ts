/** The JSON OpenWhisk answers for each entity, in full (`GET` of one) and in lists. */
import { parseQualifiedName } from './entity-name';
import type { StoredAction, StoredPackage, StoredRule, StoredTrigger } from './stored-entities';

/** `{ name, path }`, OpenWhisk's form of a reference in rules and triggers. */
export interface PathName {
  name: string;
  /** `namespace` or `namespace/package`. */
  path: string;
}

/** A fully qualified name as `{ name, path }`. */
export function pathName(qualified: string, defaultNamespace: string): PathName {
  const q = parseQualifiedName(qualified, defaultNamespace, 'name');
  return { name: q.name, path: q.packageName === undefined ? q.namespace : `${q.namespace}/${q.packageName}` };
}

/** The `namespace` field of an action: `ns` or `ns/pkg`. */
function actionNamespace(a: StoredAction): string {
  return a.packageName === undefined ? a.namespace : `${a.namespace}/${a.packageName}`;
}

/** The full view of an action; without `code` when `includeCode` is false (`?code=false`). */
export function actionView(a: StoredAction, includeCode = true): Record<string, unknown> {
  const e = a.exec;
  const exec: Record<string, unknown> =
    'components' in e
      ? { kind: e.kind, components: e.components }
      : { kind: e.kind, binary: e.binary, ...(includeCode ? { code: e.code } : {}), ...(e.main === undefined ? {} : { main: e.main }) };
  return {
    namespace: actionNamespace(a),
    name: a.name,
    version: a.version,
    publish: a.publish,
    exec,
    annotations: a.annotations,
    parameters: a.parameters,
    limits: a.limits,
    updated: a.updated,
  };
}

/** An action as `GET .../actions` lists it. */
export function actionSummary(a: StoredAction): Record<string, unknown> {
  return {
    namespace: actionNamespace(a),
    name: a.name,
    version: a.version,
    publish: a.publish,
    annotations: a.annotations,
    limits: a.limits,
    exec: { binary: 'binary' in a.exec ? a.exec.binary : false },
    updated: a.updated,
  };
}

/** The full view of a package with the actions it holds. */
export function packageView(p: StoredPackage, actions: readonly StoredAction[]): Record<string, unknown> {
  return {
    namespace: p.namespace,
    name: p.name,
    version: p.version,
    publish: p.publish,
    annotations: p.annotations,
    parameters: p.parameters,
    binding: {},
    actions: actions.map((a) => ({ name: a.name, version: a.version, annotations: a.annotations })),
    feeds: [],
    updated: p.updated,
  };
}

/** A package as lists give it. */
export function packageSummary(p: StoredPackage): Record<string, unknown> {
  return { namespace: p.namespace, name: p.name, version: p.version, publish: p.publish, annotations: p.annotations, binding: false, updated: p.updated };
}

/** The full view of a trigger, with the rules that name it. */
export function triggerView(t: StoredTrigger, rules: readonly StoredRule[]): Record<string, unknown> {
  const byName: Record<string, { action: PathName; status: string }> = {};
  for (const r of rules) byName[`${r.namespace}/${r.name}`] = { action: pathName(r.action, r.namespace), status: r.status };
  return {
    namespace: t.namespace,
    name: t.name,
    version: t.version,
    publish: t.publish,
    annotations: t.annotations,
    parameters: t.parameters,
    limits: {},
    rules: byName,
    updated: t.updated,
  };
}

/** A trigger as lists give it. */
export function triggerSummary(t: StoredTrigger): Record<string, unknown> {
  return { namespace: t.namespace, name: t.name, version: t.version, publish: t.publish, annotations: t.annotations, updated: t.updated };
}

/** The view of a rule (full and in lists). */
export function ruleView(r: StoredRule): Record<string, unknown> {
  return {
    namespace: r.namespace,
    name: r.name,
    version: r.version,
    publish: r.publish,
    annotations: r.annotations,
    status: r.status,
    trigger: pathName(r.trigger, r.namespace),
    action: pathName(r.action, r.namespace),
    updated: r.updated,
  };
}

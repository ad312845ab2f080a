/**
 * The OpenWhisk entities `@adobe/aio-lib-runtime`'s `processPackage` makes of
 * a manifest, validated: the library is untyped JavaScript, so its answer is
 * checked field by field and an unexpected shape is a {@link DeployError}
 * naming the field, never a silent `undefined` later.
 */

/** A deploy that cannot go on, with why (the message names the entity, file or variable). */
export class DeployError extends Error {
  override readonly name = 'DeployError';
}

/** OpenWhisk's `{key, value}` pair. */
export interface KeyValue {
  key: string;
  value: unknown;
}

/** A package (or a package binding from `dependencies`). */
export interface PackageEntity {
  name: string;
  package?: { publish?: boolean; parameters?: KeyValue[]; binding?: { namespace: string; name: string } };
}

/** An action with its code (full processing) or only its name. */
export interface ActionEntity {
  /** `package/action`. */
  name: string;
  /** The code: a zip's bytes, or JavaScript source. */
  action?: Buffer | string;
  /** Sequences: the components (already resolved by the library). */
  exec?: { kind?: string; main?: string; image?: string; components?: string[] };
  /** ms, MB, MB, count. */
  limits?: { timeout?: number; memory?: number; logs?: number; concurrency?: number };
  /** Default parameters. */
  params?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

/** A trigger; `feed` names its feed action (e.g. `/whisk.system/alarms/alarm`). */
export interface TriggerEntity {
  name: string;
  trigger?: { parameters?: KeyValue[]; annotations?: KeyValue[]; feed?: string };
}

/** A rule: trigger name and `package/action`. */
export interface RuleEntity {
  name: string;
  trigger?: string;
  action?: string;
}

/** Everything a manifest declares, in `processPackage`'s shape. */
export interface ManifestEntities {
  pkgAndDeps: PackageEntity[];
  actions: ActionEntity[];
  triggers: TriggerEntity[];
  rules: RuleEntity[];
  /** API routes; this project declares none. */
  apis: unknown[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function fail(path: string, expected: string, found: unknown): never {
  const text = found === undefined ? 'nothing' : Buffer.isBuffer(found) ? 'a Buffer' : (JSON.stringify(found) ?? String(found));
  throw new DeployError(`aio-lib-runtime entities: ${path}: expected ${expected}, found ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`);
}

function str(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') fail(path, 'a non-empty string', value);
  return value;
}

function optStr(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : str(value, path);
}

function optNum(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'a finite number', value);
  return value;
}

function optRecord(value: unknown, path: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) fail(path, 'an object', value);
  return value;
}

function keyValues(value: unknown, path: string): KeyValue[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(path, 'an array of {key, value}', value);
  return value.map((item: unknown, i) => {
    if (!isRecord(item)) fail(`${path}[${i}]`, 'an object {key, value}', item);
    return { key: str(item['key'], `${path}[${i}].key`), value: item['value'] };
  });
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, 'an array', value);
  return value;
}

export function parsePackage(value: unknown, path: string): PackageEntity {
  if (!isRecord(value)) fail(path, 'an object', value);
  const name = str(value['name'], `${path}.name`);
  const body = optRecord(value['package'], `${path}.package`);
  if (body === undefined) return { name };
  const out: NonNullable<PackageEntity['package']> = {};
  const publish = body['publish'];
  if (publish !== undefined) {
    if (typeof publish !== 'boolean') fail(`${path}.package.publish`, 'a boolean', publish);
    out.publish = publish;
  }
  const parameters = keyValues(body['parameters'], `${path}.package.parameters`);
  if (parameters !== undefined) out.parameters = parameters;
  const binding = optRecord(body['binding'], `${path}.package.binding`);
  if (binding !== undefined) out.binding = { namespace: str(binding['namespace'], `${path}.package.binding.namespace`), name: str(binding['name'], `${path}.package.binding.name`) };
  return { name, package: out };
}

export function parseAction(value: unknown, path: string): ActionEntity {
  if (!isRecord(value)) fail(path, 'an object', value);
  const out: ActionEntity = { name: str(value['name'], `${path}.name`) };
  const code = value['action'];
  if (code !== undefined) {
    if (!Buffer.isBuffer(code) && typeof code !== 'string') fail(`${path}.action`, 'a Buffer or a string', code);
    out.action = code;
  }
  const exec = optRecord(value['exec'], `${path}.exec`);
  if (exec !== undefined) {
    const kind = optStr(exec['kind'], `${path}.exec.kind`);
    const main = optStr(exec['main'], `${path}.exec.main`);
    const image = optStr(exec['image'], `${path}.exec.image`);
    const rawComponents = exec['components'];
    const components = rawComponents === undefined ? undefined : list(rawComponents, `${path}.exec.components`).map((c, i) => str(c, `${path}.exec.components[${i}]`));
    out.exec = {
      ...(kind === undefined ? {} : { kind }),
      ...(main === undefined ? {} : { main }),
      ...(image === undefined ? {} : { image }),
      ...(components === undefined ? {} : { components }),
    };
  }
  const limits = optRecord(value['limits'], `${path}.limits`);
  if (limits !== undefined) {
    const timeout = optNum(limits['timeout'], `${path}.limits.timeout`);
    const memory = optNum(limits['memory'], `${path}.limits.memory`);
    const logs = optNum(limits['logs'], `${path}.limits.logs`);
    const concurrency = optNum(limits['concurrency'], `${path}.limits.concurrency`);
    out.limits = {
      ...(timeout === undefined ? {} : { timeout }),
      ...(memory === undefined ? {} : { memory }),
      ...(logs === undefined ? {} : { logs }),
      ...(concurrency === undefined ? {} : { concurrency }),
    };
  }
  const params = optRecord(value['params'], `${path}.params`);
  if (params !== undefined) out.params = params;
  const annotations = optRecord(value['annotations'], `${path}.annotations`);
  if (annotations !== undefined) out.annotations = annotations;
  return out;
}

export function parseTrigger(value: unknown, path: string): TriggerEntity {
  if (!isRecord(value)) fail(path, 'an object', value);
  const name = str(value['name'], `${path}.name`);
  const body = optRecord(value['trigger'], `${path}.trigger`);
  if (body === undefined) return { name };
  const parameters = keyValues(body['parameters'], `${path}.trigger.parameters`);
  const annotations = keyValues(body['annotations'], `${path}.trigger.annotations`);
  const feed = optStr(body['feed'], `${path}.trigger.feed`);
  return {
    name,
    trigger: {
      ...(parameters === undefined ? {} : { parameters }),
      ...(annotations === undefined ? {} : { annotations }),
      ...(feed === undefined ? {} : { feed }),
    },
  };
}

export function parseRule(value: unknown, path: string): RuleEntity {
  if (!isRecord(value)) fail(path, 'an object', value);
  const trigger = optStr(value['trigger'], `${path}.trigger`);
  const action = optStr(value['action'], `${path}.action`);
  return { name: str(value['name'], `${path}.name`), ...(trigger === undefined ? {} : { trigger }), ...(action === undefined ? {} : { action }) };
}

/** Validates `processPackage`'s answer into {@link ManifestEntities}, or throws a {@link DeployError} naming the bad field. */
export function parseManifestEntities(value: unknown): ManifestEntities {
  if (!isRecord(value)) fail('(result)', 'an object {pkgAndDeps, actions, triggers, rules, apis}', value);
  return {
    pkgAndDeps: list(value['pkgAndDeps'], 'pkgAndDeps').map((p, i) => parsePackage(p, `pkgAndDeps[${i}]`)),
    actions: list(value['actions'], 'actions').map((a, i) => parseAction(a, `actions[${i}]`)),
    triggers: list(value['triggers'], 'triggers').map((t, i) => parseTrigger(t, `triggers[${i}]`)),
    rules: list(value['rules'], 'rules').map((r, i) => parseRule(r, `rules[${i}]`)),
    apis: list(value['apis'], 'apis'),
  };
}

/**
 * `npm run deploy` / `npm run undeploy`: the wskdeploy manifest applied to an
 * OpenWhisk with `@adobe/aio-lib-runtime`'s `processPackage` (manifest to
 * entities) and `deployPackage` / `undeployPackage` (the order of the calls),
 * over the `openwhisk` npm client, configured as the platform adapter is
 * (`__OW_API_HOST` / `__OW_API_KEY`, or `~/.wskprops`).
 *
 * The client handed to the library is an adapter that validates each entity
 * and sends it as `wsk` would, where the library and client alone would not:
 *
 * - a zip action's body says `binary: true` (the `openwhisk` client leaves
 *   it to the server to guess), and its annotations are sent;
 * - a trigger with a `feed` (the alarms) gets the `feed` annotation and the
 *   feed action is invoked with `lifecycleEvent: CREATE` and the trigger's
 *   parameters (`cron`, `trigger_payload`), as `wsk trigger create --feed`
 *   does; undeploy invokes it with `DELETE` first.
 *
 * Feeds: before anything is deployed, each feed action is looked up. When its
 * provider is missing (a local OpenWhisk has no `/whisk.system/alarms`), the
 * default (`feeds: 'auto'`) creates the trigger without its feed and warns
 * that only a manual fire (or the local runtime) will fire it; `'require'`
 * fails instead, and `'skip'` never looks.
 */
import openwhisk from 'openwhisk';
import { utils, type AioOpenWhisk } from '@adobe/aio-lib-runtime';
import { resolvePlatformConfig, type PlatformConfig } from '../platform/platform-config';
import { PlatformError } from '../platform/platform-error';
import { loadManifest, processManifest } from './manifest';
import { DeployError, parseAction, parsePackage, parseRule, parseTrigger, type ActionEntity, type KeyValue, type ManifestEntities } from './manifest-entities';

/** How triggers' feeds are handled. */
export type FeedMode = 'auto' | 'skip' | 'require';

/** Options of {@link deployManifest} and {@link undeployManifest}. */
export interface DeployOptions {
  /** The wskdeploy manifest, e.g. `manifests/manifest.yaml`. */
  manifestPath: string;
  /** Its deployment file (optional). */
  deploymentPath?: string;
  /** Environment: manifest placeholders, and `__OW_API_HOST` / `__OW_API_KEY` / `__OW_NAMESPACE` / `WSK_CONFIG_FILE` (pass `process.env` explicitly). */
  env: Readonly<Record<string, string | undefined>>;
  /** Home directory whose `.wskprops` is read (default: none). */
  homeDir?: string;
  /** Explicit API host, over the environment and `.wskprops`. */
  apiHost?: string;
  /** Explicit `uuid:secret` key, over the environment and `.wskprops`. */
  apiKey?: string;
  /** Explicit namespace (default: the key's own, asked of the API). */
  namespace?: string;
  /** Feed handling (default `auto`: warn and go on without a missing feed). */
  feeds?: FeedMode;
  /** Leave out inputs whose `$VAR` is unset instead of failing (default false; undeploy always allows it). */
  allowUnset?: boolean;
  /**
   * Take the `.zip` functions from this folder instead of the manifest's paths, each at its path below the folder
   * the manifest's zips share: `dist/actions` for `manifest.yaml` (by file name), `dist/workflows` for
   * `workflows.yaml` (`<workflow>/<stage>.zip`), see `bundleRootOf` in `manifest.ts`.
   */
  bundleDir?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Warnings (default: `log` with a `warning:` prefix). */
  warn?: (line: string) => void;
}

/** What happened to one trigger's feed. */
export interface FeedOutcome {
  trigger: string;
  feed: string;
  /** `created`: registered with its provider; `missing-provider`: the feed action was not found; `skipped`: `feeds: 'skip'`. */
  status: 'created' | 'missing-provider' | 'skipped';
}

/** What a deploy or undeploy did. */
export interface DeployReport {
  apiHost: string;
  /** The resolved namespace, e.g. `guest`. */
  namespace: string;
  packages: string[];
  /** `package/action`. */
  actions: string[];
  triggers: string[];
  rules: string[];
  feeds: FeedOutcome[];
  warnings: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The HTTP status of a rejected `openwhisk` client call, if it has one. */
export function statusOf(err: unknown): number | undefined {
  return err instanceof Error && 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function keyValuesOf(record: Record<string, unknown> | undefined): KeyValue[] {
  return record === undefined ? [] : Object.entries(record).map(([key, value]) => ({ key, value }));
}

function objectOf(kvs: readonly KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of kvs ?? []) out[kv.key] = kv.value;
  return out;
}

/** The action body, as `wsk action update` sends it. */
function actionBody(action: ActionEntity): openwhisk.Action {
  const base = {
    parameters: keyValuesOf(action.params),
    annotations: keyValuesOf(action.annotations),
    ...(action.limits === undefined ? {} : { limits: action.limits }),
  };
  const exec = action.exec ?? {};
  if (exec.kind === 'sequence') {
    if (exec.components === undefined || exec.components.length === 0) throw new DeployError(`action ${action.name}: a sequence without components`);
    return { ...base, exec: { kind: 'sequence', components: exec.components } };
  }
  if (action.action === undefined) throw new DeployError(`action ${action.name}: no code (its manifest entry has no function)`);
  if (exec.kind === undefined) throw new DeployError(`action ${action.name}: no runtime kind (set runtime: nodejs:20 in the manifest)`);
  const binary = Buffer.isBuffer(action.action);
  const code = Buffer.isBuffer(action.action) ? action.action.toString('base64') : action.action;
  return { ...base, exec: { kind: exec.kind, code, binary, ...(exec.main === undefined ? {} : { main: exec.main }), ...(exec.image === undefined ? {} : { image: exec.image }) } };
}

/** Resolves the connection: explicit options over the environment over `.wskprops`; a {@link DeployError} says what is missing. */
export function deployConfig(options: DeployOptions): PlatformConfig {
  try {
    return resolvePlatformConfig({
      env: options.env,
      ...(options.apiHost === undefined ? {} : { apiHost: options.apiHost }),
      ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      ...(options.homeDir === undefined ? {} : { homeDir: options.homeDir }),
    });
  } catch (err) {
    if (err instanceof PlatformError) throw new DeployError(`OpenWhisk connection: ${err.message}`);
    throw err;
  }
}

/** A client on the resolved namespace (`_` is asked of the API: the key's own namespace). */
async function connect(config: PlatformConfig): Promise<{ ow: openwhisk.Client; namespace: string }> {
  const probe = openwhisk({ apihost: config.apiHost, api_key: config.apiKey, namespace: config.namespace });
  if (config.namespace !== '_') return { ow: probe, namespace: config.namespace };
  let namespaces: unknown;
  try {
    namespaces = await probe.namespaces.list();
  } catch (err) {
    throw new DeployError(`OpenWhisk at ${config.apiHost}: listing the key's namespaces failed (${statusOf(err) ?? 'no status'}): ${messageOf(err)}`);
  }
  const first: unknown = Array.isArray(namespaces) ? namespaces[0] : undefined;
  if (typeof first !== 'string' || first === '') throw new DeployError(`OpenWhisk at ${config.apiHost}: expected the key's namespaces as a list of names, found ${JSON.stringify(namespaces)}`);
  return { ow: openwhisk({ apihost: config.apiHost, api_key: config.apiKey, namespace: first }), namespace: first };
}

/** Whether each feed action exists: statuses 401, 403 and 404 mean its provider is not installed (or not shared with this key). */
async function probeFeeds(ow: openwhisk.Client, feeds: readonly string[], mode: FeedMode, apiHost: string): Promise<Map<string, string | null>> {
  const missing = new Map<string, string | null>();
  if (mode === 'skip') return missing;
  for (const feed of feeds) {
    try {
      await ow.actions.get({ name: feed });
      missing.set(feed, null);
    } catch (err) {
      const status = statusOf(err);
      if (status === 401 || status === 403 || status === 404) missing.set(feed, `GET ${feed} answered ${status}`);
      else throw new DeployError(`feed ${feed}: looking it up on ${apiHost} failed: ${messageOf(err)}`);
    }
  }
  const absent = [...missing].filter(([, why]) => why !== null);
  if (mode === 'require' && absent.length > 0) {
    throw new DeployError(`feed provider missing on ${apiHost}: ${absent.map(([feed, why]) => `${feed} (${why ?? ''})`).join('; ')}. Install it (e.g. the alarms package) or deploy without --require-feeds`);
  }
  return missing;
}

/** Deletes, treating 404 as already gone. */
async function deleteQuietly(kind: string, name: string, del: () => Promise<unknown>, log: (line: string) => void): Promise<void> {
  try {
    await del();
  } catch (err) {
    if (statusOf(err) === 404) {
      log(`Info: ${kind} [${name}] was not deployed.`);
      return;
    }
    throw new DeployError(`deleting ${kind} ${name} failed (${statusOf(err) ?? 'no status'}): ${messageOf(err)}`);
  }
}

interface AdapterContext {
  ow: openwhisk.Client;
  namespace: string;
  apiHost: string;
  feedMode: FeedMode;
  /** Feed action -> null when present, else why it is missing. */
  feedStatus: Map<string, string | null>;
  feeds: FeedOutcome[];
  log: (line: string) => void;
  warn: (line: string) => void;
}

function option(value: Record<string, unknown>, call: string): Record<string, unknown> {
  if (!isRecord(value)) throw new DeployError(`${call}: expected an options object, found ${JSON.stringify(value)}`);
  return value;
}

/** The client `deployPackage` / `undeployPackage` call, over the real `openwhisk` client. */
function aioAdapter(ctx: AdapterContext): AioOpenWhisk {
  const { ow, namespace } = ctx;
  const fqTrigger = (name: string): string => `/${namespace}/${name}`;
  return {
    actions: {
      client: { options: { namespace } },
      async update(options) {
        const action = parseAction(option(options, 'actions.update'), 'actions.update');
        return ow.actions.update({ name: action.name, action: actionBody(action) });
      },
      delete: ({ name }) => deleteQuietly('action', name, () => ow.actions.delete({ name }), ctx.log),
    },
    packages: {
      async update(options) {
        const pkg = parsePackage(option(options, 'packages.update'), 'packages.update');
        return ow.packages.update({ name: pkg.name, package: pkg.package ?? {} });
      },
      delete: ({ name }) => deleteQuietly('package', name, () => ow.packages.delete({ name }), ctx.log),
    },
    triggers: {
      async update(options) {
        const trigger = parseTrigger(option(options, 'triggers.update'), 'triggers.update');
        const body = trigger.trigger ?? {};
        const feed = body.feed;
        const register = feed !== undefined && ctx.feedMode !== 'skip' && ctx.feedStatus.get(feed) === null;
        const annotations = [...(body.annotations ?? []).filter((a) => a.key !== 'feed'), ...(register && feed !== undefined ? [{ key: 'feed', value: feed }] : [])];
        const answer = await ow.triggers.update({ name: trigger.name, trigger: { parameters: body.parameters ?? [], annotations } });
        if (feed === undefined) return answer;
        if (!register) {
          const why = ctx.feedMode === 'skip' ? 'feeds skipped (--skip-feeds)' : `its provider is missing on ${ctx.apiHost} (${ctx.feedStatus.get(feed) ?? 'not looked up'})`;
          ctx.feeds.push({ trigger: trigger.name, feed, status: ctx.feedMode === 'skip' ? 'skipped' : 'missing-provider' });
          ctx.warn(`trigger ${trigger.name}: created without its feed ${feed}: ${why}. It fires only when fired by hand (wsk trigger fire ${trigger.name}) or by the local runtime; install the feed's package and deploy again to schedule it.`);
          return answer;
        }
        const params = objectOf(body.parameters);
        try {
          await ow.feeds.delete({ name: feed, trigger: fqTrigger(trigger.name) });
        } catch {
          // None registered yet: CREATE fails if one is, so any old one is removed first (as aio-lib-runtime's Triggers.create does).
        }
        try {
          await ow.feeds.create({ name: feed, trigger: fqTrigger(trigger.name), params });
        } catch (err) {
          await ow.triggers.delete({ name: trigger.name }).catch(() => undefined);
          throw new DeployError(`trigger ${trigger.name}: the feed ${feed} refused it (${statusOf(err) ?? 'no status'}): ${messageOf(err)}; the trigger was removed again`);
        }
        ctx.feeds.push({ trigger: trigger.name, feed, status: 'created' });
        ctx.log(`Info: feed [${feed}] registered for trigger [${trigger.name}] with ${JSON.stringify(params)}.`);
        return answer;
      },
      async delete({ name }) {
        let existing: unknown;
        try {
          existing = await ow.triggers.get({ name });
        } catch (err) {
          if (statusOf(err) === 404) {
            ctx.log(`Info: trigger [${name}] was not deployed.`);
            return undefined;
          }
          throw new DeployError(`reading trigger ${name} failed (${statusOf(err) ?? 'no status'}): ${messageOf(err)}`);
        }
        const annotations: unknown = isRecord(existing) ? existing['annotations'] : undefined;
        const feedAnnotation = Array.isArray(annotations) ? annotations.find((a: unknown) => isRecord(a) && a['key'] === 'feed') : undefined;
        const feed: unknown = isRecord(feedAnnotation) ? feedAnnotation['value'] : undefined;
        if (typeof feed === 'string' && feed !== '') {
          try {
            await ow.feeds.delete({ name: feed, trigger: fqTrigger(name) });
            ctx.log(`Info: feed [${feed}] of trigger [${name}] deleted.`);
          } catch (err) {
            ctx.warn(`trigger ${name}: deleting its feed ${feed} failed (${statusOf(err) ?? 'no status'}): ${messageOf(err)}; deleting the trigger anyway`);
          }
        }
        return deleteQuietly('trigger', name, () => ow.triggers.delete({ name }), ctx.log);
      },
    },
    rules: {
      async update(options) {
        const rule = parseRule(option(options, 'rules.update'), 'rules.update');
        if (rule.trigger === undefined || rule.action === undefined) throw new DeployError(`rule ${rule.name}: needs a trigger and an action`);
        return ow.rules.update({ name: rule.name, trigger: rule.trigger, action: rule.action });
      },
      delete: ({ name }) => deleteQuietly('rule', name, () => ow.rules.delete({ name }), ctx.log),
    },
    routes: {
      create: () => Promise.reject(new DeployError('API routes are not supported by this deploy')),
      delete: () => Promise.reject(new DeployError('API routes are not supported by this deploy')),
    },
    initOptions: { apihost: ctx.apiHost },
  };
}

function names(entities: ManifestEntities): Pick<DeployReport, 'packages' | 'actions' | 'triggers' | 'rules'> {
  return {
    packages: entities.pkgAndDeps.map((p) => p.name),
    actions: entities.actions.map((a) => a.name),
    triggers: entities.triggers.map((t) => t.name),
    rules: entities.rules.map((r) => r.name),
  };
}

function loggers(options: DeployOptions, warnings: string[]): { log: (line: string) => void; warn: (line: string) => void } {
  const log = options.log ?? ((): void => undefined);
  const sink = options.warn ?? ((line: string): void => log(`warning: ${line}`));
  return {
    log,
    warn: (line) => {
      warnings.push(line);
      sink(line);
    },
  };
}

async function run(options: DeployOptions, mode: 'deploy' | 'undeploy'): Promise<DeployReport> {
  const warnings: string[] = [];
  const { log, warn } = loggers(options, warnings);
  const loaded = loadManifest({
    manifestPath: options.manifestPath,
    ...(options.deploymentPath === undefined ? {} : { deploymentPath: options.deploymentPath }),
    env: options.env,
    allowUnset: mode === 'undeploy' || options.allowUnset === true,
    ...(options.bundleDir === undefined ? {} : { bundleDir: options.bundleDir }),
  });
  if (mode === 'deploy') for (const u of loaded.placeholders.filter((p) => !p.set)) warn(`${u.where}: $${u.variable} is unset; the input is left out`);
  const config = deployConfig(options);
  const entities = processManifest(loaded, { namesOnly: mode === 'undeploy', apihost: config.apiHost });
  const { ow, namespace } = await connect(config);
  const feedMode = options.feeds ?? 'auto';
  const feedActions = [...new Set(entities.triggers.flatMap((t) => (t.trigger?.feed === undefined ? [] : [t.trigger.feed])))];
  const feedStatus = mode === 'deploy' ? await probeFeeds(ow, feedActions, feedMode, config.apiHost) : new Map<string, string | null>();
  const feeds: FeedOutcome[] = [];
  const client = aioAdapter({ ow, namespace, apiHost: config.apiHost, feedMode, feedStatus, feeds, log, warn });
  log(`${mode === 'deploy' ? 'Deploying' : 'Undeploying'} ${loaded.manifestPath} ${mode === 'deploy' ? 'to' : 'from'} ${config.apiHost} (namespace ${namespace}, key from ${config.source.apiKey})`);
  try {
    if (mode === 'deploy') await utils.deployPackage(entities, client, log);
    else await utils.undeployPackage(entities, client, log);
  } catch (err) {
    if (err instanceof DeployError) throw err;
    throw new DeployError(`${mode} to ${config.apiHost} failed (${statusOf(err) ?? 'no status'}): ${messageOf(err)}`);
  }
  return { apiHost: config.apiHost, namespace, ...names(entities), feeds, warnings };
}

/** Creates or updates everything the manifest declares; rejects with a {@link DeployError} naming what failed. */
export function deployManifest(options: DeployOptions): Promise<DeployReport> {
  return run(options, 'deploy');
}

/** Deletes everything the manifest declares (feeds first; what is already gone is skipped); rejects with a {@link DeployError}. */
export function undeployManifest(options: DeployOptions): Promise<DeployReport> {
  return run(options, 'undeploy');
}

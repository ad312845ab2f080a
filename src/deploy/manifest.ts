/**
 * Reading the wskdeploy manifest (and its optional deployment file) into
 * OpenWhisk entities with `@adobe/aio-lib-runtime`: `setPaths` reads the YAML,
 * `processPackage` makes the entities. Two things are done here first, so the
 * result does not depend on the working directory or on `process.env`:
 *
 * - **Placeholders.** Every `$NAME` / `${NAME}` in an `inputs` value is
 *   replaced from the `env` passed in. An unset (or empty) variable is an
 *   error naming it and where it is used, or, with `allowUnset`, the input
 *   is left out (the action then uses its own default) and reported. A value
 *   containing `$` is refused: the library would expand it again.
 * - **Paths.** An action's `function` is relative to the manifest's folder,
 *   as wskdeploy reads it (`../dist/actions/bo-step.zip`); it is made
 *   absolute, or with `bundleDir` taken from that folder instead: each zip at
 *   its path below the deepest folder all the manifest's zips share
 *   ({@link bundleRootOf}). For `manifest.yaml`, whose zips are all in
 *   `../dist/actions/`, that is by file name (`<bundleDir>/bo-step.zip`); for
 *   `workflows.yaml` (`../dist/workflows/<workflow>/<stage>.zip`) it keeps
 *   the workflow's folder (`<bundleDir>/video-pipeline/transcode-1.zip`), so
 *   stages of the same name in different packages never share a zip.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { utils } from '@adobe/aio-lib-runtime';
import { DeployError, parseManifestEntities, type ManifestEntities } from './manifest-entities';

/** What {@link loadManifest} reads. */
export interface ManifestSources {
  /** The wskdeploy manifest, e.g. `manifests/manifest.yaml`. */
  manifestPath: string;
  /** The deployment file binding its inputs (optional). */
  deploymentPath?: string;
  /** Where `$NAME` placeholders are looked up (pass `process.env` explicitly to use the process's). */
  env: Readonly<Record<string, string | undefined>>;
  /** Leave out inputs whose variable is unset instead of failing (default false). */
  allowUnset?: boolean;
  /**
   * Take each `.zip` function from this folder instead of the manifest's path, e.g. a test's build: at its path
   * below the deepest folder the manifest's zips share (by file name when they share one folder; see {@link bundleRootOf}).
   */
  bundleDir?: string;
}

/** One use of a placeholder. */
export interface PlaceholderUse {
  /** The variable, e.g. `COUCHDB_URL`. */
  variable: string;
  /** File and field, e.g. `manifests/deployment.yaml: packages.aquatope.actions.bo-step.inputs.couchdbUrl`. */
  where: string;
  /** Whether the variable had a value (unset uses are left out of the entities, with `allowUnset`). */
  set: boolean;
}

/** A manifest read and resolved, ready for `processPackage`. */
export interface LoadedManifest {
  /** `project.name`, or `''`. */
  projectName: string;
  manifestPath: string;
  /** Every placeholder use, in file order. */
  placeholders: PlaceholderUse[];
  /** The action name (`package/action`) of each declared action, with its resolved `function` path. */
  functions: { action: string; path: string }[];
  /** The YAML objects as `setPaths` gave them, resolved. `processPackage` mutates them: make a fresh load per call. */
  packages: Record<string, unknown>;
  deploymentPackages: Record<string, unknown>;
  deploymentTriggers: Record<string, unknown>;
}

const PLACEHOLDER = /\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new DeployError(`${what}: expected a mapping, found ${JSON.stringify(value) ?? String(value)}`);
  return value;
}

interface Resolver {
  env: Readonly<Record<string, string | undefined>>;
  uses: PlaceholderUse[];
}

/** Resolves the placeholders of one string; `undefined` when a variable is unset. */
function resolveString(text: string, where: string, resolver: Resolver): string | undefined {
  let unset = false;
  const out = text.replace(PLACEHOLDER, (_match, braced: string | undefined, bare: string | undefined) => {
    const variable = braced ?? bare ?? '';
    const value = resolver.env[variable];
    const set = value !== undefined && value !== '';
    resolver.uses.push({ variable, where, set });
    if (!set) {
      unset = true;
      return '';
    }
    if (value.includes('$')) {
      throw new DeployError(`${variable} (${where}): its value contains '$', which @adobe/aio-lib-runtime would expand again; escape it (in a URL, '$' is %24)`);
    }
    return value;
  });
  return unset ? undefined : out;
}

/** Resolves every string under `value` in place (it is a fresh YAML object); deletes a key whose string has an unset variable. */
function resolveTree(value: unknown, where: string, resolver: Resolver): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (typeof item === 'string') {
        const r = resolveString(item, `${where}[${i}]`, resolver);
        value[i] = r ?? '';
      } else resolveTree(item, `${where}[${i}]`, resolver);
    });
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, item] of Object.entries(value)) {
    const path = `${where}.${key}`;
    if (typeof item === 'string') {
      const r = resolveString(item, path, resolver);
      if (r === undefined) delete value[key];
      else value[key] = r;
    } else resolveTree(item, path, resolver);
  }
}

/** Resolves the `inputs` mappings anywhere in `value` (packages, actions, triggers, dependencies). */
function resolveInputs(value: unknown, where: string, resolver: Resolver): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => resolveInputs(item, `${where}[${i}]`, resolver));
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, item] of Object.entries(value)) {
    const path = where === '' ? key : `${where}.${key}`;
    if (key === 'inputs') resolveTree(item, path, resolver);
    else resolveInputs(item, path, resolver);
  }
}

/**
 * The deepest folder every path of `zips` (absolute) lies in: what
 * `bundleDir` stands in for. For `[/r/dist/actions/a.zip, /r/dist/actions/b.zip]`
 * it is `/r/dist/actions`; for `[/r/dist/workflows/w1/s.zip, /r/dist/workflows/w2/s.zip]`
 * `/r/dist/workflows`. `undefined` for no paths.
 */
export function bundleRootOf(zips: readonly string[]): string | undefined {
  const [first, ...rest] = zips.map((z) => dirname(resolve(z)));
  if (first === undefined) return undefined;
  let root = first;
  for (const dir of rest) {
    while (dir !== root && !dir.startsWith(root.endsWith(sep) ? root : `${root}${sep}`)) {
      const up = dirname(root);
      if (up === root) break;
      root = up;
    }
  }
  return root;
}

/**
 * Reads and resolves the manifest. Throws a {@link DeployError} for a file
 * that does not exist, a placeholder whose variable is unset (all of them,
 * each with where it is used; unless `allowUnset`), or a value with `$`.
 */
export function loadManifest(sources: ManifestSources): LoadedManifest {
  const manifestPath = resolve(sources.manifestPath);
  if (!existsSync(manifestPath)) throw new DeployError(`manifest ${manifestPath}: no such file`);
  const deploymentPath = sources.deploymentPath === undefined ? undefined : resolve(sources.deploymentPath);
  if (deploymentPath !== undefined && !existsSync(deploymentPath)) throw new DeployError(`deployment file ${deploymentPath}: no such file`);
  let read: unknown;
  try {
    read = utils.setPaths({ manifest: manifestPath, ...(deploymentPath === undefined ? {} : { deployment: deploymentPath }) });
  } catch (err) {
    throw new DeployError(`${deploymentPath === undefined ? manifestPath : `${manifestPath} / ${deploymentPath}`}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const files = asRecord(read, 'aio-lib-runtime setPaths');
  const packages = asRecord(files['packages'], `${manifestPath}: project.packages (or packages)`);
  if (Object.keys(packages).length === 0) throw new DeployError(`${manifestPath}: declares no package`);
  const deploymentPackages = asRecord(files['deploymentPackages'], `${deploymentPath ?? ''}: project.packages`);
  const projectName = typeof files['projectName'] === 'string' ? files['projectName'] : '';

  const resolver: Resolver = { env: sources.env, uses: [] };
  const manifestName = sources.manifestPath;
  resolveInputs(packages, `${manifestName}: packages`, resolver);
  if (deploymentPath !== undefined) resolveInputs(deploymentPackages, `${sources.deploymentPath ?? deploymentPath}: packages`, resolver);
  // What setPaths derives from the deployment file (each trigger's inputs), derived again from the resolved objects.
  const deploymentTriggers: Record<string, unknown> = {};
  for (const pkg of Object.values(deploymentPackages)) {
    if (!isRecord(pkg) || !isRecord(pkg['triggers'])) continue;
    for (const [trigger, spec] of Object.entries(pkg['triggers'])) deploymentTriggers[trigger] = isRecord(spec) && isRecord(spec['inputs']) ? spec['inputs'] : {};
  }
  const unset = resolver.uses.filter((u) => !u.set);
  if (unset.length > 0 && sources.allowUnset !== true) {
    const names = [...new Set(unset.map((u) => u.variable))];
    throw new DeployError(
      `unset environment variable${names.length > 1 ? 's' : ''} ${names.join(', ')}: used at ${unset.map((u) => `${u.where} ($${u.variable})`).join('; ')}. Set ${names.length > 1 ? 'them' : 'it'}, or pass --allow-unset to leave those inputs out`,
    );
  }

  const manifestDir = dirname(manifestPath);
  const declared: { action: string; spec: Record<string, unknown>; path: string; zip: boolean }[] = [];
  for (const [pkgName, pkg] of Object.entries(packages)) {
    const actions = asRecord(asRecord(pkg, `${manifestName}: packages.${pkgName}`)['actions'], `${manifestName}: packages.${pkgName}.actions`);
    for (const [actionName, action] of Object.entries(actions)) {
      const where = `${manifestName}: packages.${pkgName}.actions.${actionName}`;
      const spec = asRecord(action, where);
      const fn = spec['function'];
      if (typeof fn !== 'string' || fn === '') throw new DeployError(`${where}.function: expected the path of the action's code, found ${JSON.stringify(fn) ?? 'nothing'}`);
      declared.push({ action: `${pkgName}/${actionName}`, spec, path: isAbsolute(fn) ? fn : resolve(manifestDir, fn), zip: fn.endsWith('.zip') });
    }
  }
  const bundleRoot = sources.bundleDir === undefined ? undefined : bundleRootOf(declared.filter((d) => d.zip).map((d) => d.path));
  const functions: { action: string; path: string }[] = [];
  for (const d of declared) {
    const path = sources.bundleDir !== undefined && bundleRoot !== undefined && d.zip ? join(resolve(sources.bundleDir), relative(bundleRoot, d.path)) : d.path;
    d.spec['function'] = path;
    functions.push({ action: d.action, path });
  }
  return { projectName, manifestPath, placeholders: resolver.uses, functions, packages, deploymentPackages, deploymentTriggers };
}

/**
 * The entities of a loaded manifest, through `processPackage`. With
 * `namesOnly` (undeploy) nothing but names, and no file is read; otherwise
 * every action's `function` must exist (a {@link DeployError} says to run
 * `npm run build`), and the library checks that each rule's trigger and
 * action are declared.
 */
export function processManifest(loaded: LoadedManifest, options: { namesOnly: boolean; apihost?: string }): ManifestEntities {
  if (!options.namesOnly) {
    const missing = loaded.functions.filter((f) => !existsSync(f.path));
    if (missing.length > 0) {
      throw new DeployError(`${missing.map((f) => `${f.action}: no ${f.path}`).join('; ')} (run npm run build first)`);
    }
  }
  let raw: unknown;
  try {
    raw = utils.processPackage(loaded.packages, loaded.deploymentPackages, loaded.deploymentTriggers, {}, options.namesOnly, options.apihost === undefined ? {} : { apihost: options.apihost });
  } catch (err) {
    throw new DeployError(`${loaded.manifestPath}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const entities = parseManifestEntities(raw);
  if (entities.apis.length > 0) throw new DeployError(`${loaded.manifestPath}: declares API routes (apis), which this deploy does not support`);
  return entities;
}

/**
 * Compositions, compiled into their conductor actions with openwhisk-composer
 * 0.12's own code generation: `compositions/<name>.js` exports a composition
 * (combinators of `openwhisk-composer`); `composer.parse(...).compile()` gives
 * the portable JSON that composer's `compose` command prints, and
 * `conductor.generate` the conductor action's source and annotations, as
 * `compose --js` and `deploy` do.
 *
 * The generated source `require`s `openwhisk` (the nodejs runtime ships it;
 * the local invoker does not), and, only for the `parallel` and `map`
 * combinators, `redis` and `uuid`. It is bundled by esbuild with `openwhisk`
 * inlined: the code runs inside a function whose `require` parameter answers
 * `openwhisk` from the bundle and anything else from Node, and composer hands
 * the same `require` to the composition's functions. So the zip, like every
 * action's, runs with no `node_modules`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BuildError } from './action-sources';

/** A composition found under `compositions/`. */
export interface CompositionSource {
  /** The file name without `.js`, which is its conductor action's name in the manifest. */
  name: string;
  /** Absolute path of `compositions/<name>.js`. */
  file: string;
  /** How errors name the file (default `compositions/<name>.js`), e.g. `benchmark/workflows/ml-inference/composition.js`. */
  label?: string;
}

/** A key/value annotation, OpenWhisk's form. */
export interface Annotation {
  key: string;
  value: unknown;
}

/** A composition compiled by openwhisk-composer. */
export interface CompiledComposition {
  name: string;
  /** How errors and the bundle name the source file (see {@link CompositionSource.label}). */
  label: string;
  /** composer's portable JSON `{ composition, ast, version }`, what `compose` prints and `deploy` reads. */
  json: { composition: Record<string, unknown>; ast: Record<string, unknown>; version: string };
  /** The conductor action's source, as `compose --js` prints it. */
  conductorCode: string;
  /** The annotations composer gives the conductor action: `conductor` (the AST), `composerVersion`, `conductorVersion`, `provide-api-key`. */
  annotations: Annotation[];
}

/** The runtime kind the conductor code is generated for. */
export const CONDUCTOR_KIND = 'nodejs:20';

const COMPOSITION_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The compositions under `<rootDir>/compositions`, sorted by name: every
 * `<name>.js` file (none when the folder is absent). Throws a
 * {@link BuildError} for a name that is not kebab-case.
 */
export function findCompositionSources(rootDir: string): CompositionSource[] {
  const dir = join(rootDir, 'compositions');
  if (!existsSync(dir)) return [];
  const out: CompositionSource[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const name = entry.name.slice(0, -'.js'.length);
    if (!COMPOSITION_NAME.test(name)) throw new BuildError(`compositions/${entry.name}: a composition file name must be kebab-case (a-z, 0-9, '-') with .js, found ${JSON.stringify(entry.name)}`);
    out.push({ name, file: join(dir, entry.name) });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A function property of a loaded module, or a {@link BuildError} naming it. */
function method(value: unknown, key: string, where: string): (...args: unknown[]) => unknown {
  const fn: unknown = isRecord(value) ? value[key] : undefined;
  if (typeof fn !== 'function') throw new BuildError(`${where}: expected a function ${key}, found ${typeof fn}`);
  return (...args: unknown[]): unknown => Reflect.apply(fn, value, args);
}

/**
 * Loads `source` (afresh) and compiles it with the `openwhisk-composer`
 * installed under `rootDir`. Throws a {@link BuildError} naming the file for
 * a module that does not load, is not a composition, or embeds action
 * definitions (components are deployed from `actions/`, not by composer).
 */
export function compileComposition(rootDir: string, source: CompositionSource): CompiledComposition {
  const where = source.label ?? `compositions/${source.name}.js`;
  const req = createRequire(join(rootDir, 'package.json'));
  let composer: unknown;
  let conductor: unknown;
  try {
    composer = req('openwhisk-composer');
    conductor = req('openwhisk-composer/conductor');
  } catch (err) {
    throw new BuildError(`${where}: openwhisk-composer is not installed under ${rootDir} (${messageOf(err)})`);
  }
  let compiled: unknown;
  try {
    delete req.cache[req.resolve(source.file)];
    const exported: unknown = req(source.file);
    const composition = method(composer, 'parse', 'openwhisk-composer')(exported);
    compiled = method(composition, 'compile', `${where}: the parsed composition`)();
  } catch (err) {
    throw new BuildError(`${where}: ${messageOf(err)}`);
  }
  if (!isRecord(compiled)) throw new BuildError(`${where}: composer compiled it to ${typeof compiled}, expected an object`);
  const { composition, ast, version, actions } = compiled;
  if (actions !== undefined) {
    throw new BuildError(`${where}: embeds action definitions (composer.action(name, { action | filename | sequence })); declare the components under actions/ and in the manifest instead`);
  }
  if (!isRecord(composition) || !isRecord(ast) || typeof version !== 'string') {
    throw new BuildError(`${where}: composer compiled it to an unexpected shape (expected { composition, ast, version })`);
  }
  let generated: unknown;
  try {
    generated = method(conductor, 'generate', 'openwhisk-composer/conductor')({ name: source.name, composition, ast, version }, undefined, CONDUCTOR_KIND);
  } catch (err) {
    throw new BuildError(`${where}: generating its conductor failed: ${messageOf(err)}`);
  }
  const action = isRecord(generated) ? generated['action'] : undefined;
  const exec = isRecord(action) ? action['exec'] : undefined;
  const code = isRecord(exec) ? exec['code'] : undefined;
  const rawAnnotations = isRecord(action) ? action['annotations'] : undefined;
  if (typeof code !== 'string' || !Array.isArray(rawAnnotations)) throw new BuildError(`${where}: conductor.generate answered an unexpected shape (expected { action: { exec: { code }, annotations } })`);
  const annotations = rawAnnotations.map((a: unknown, i): Annotation => {
    if (!isRecord(a) || typeof a['key'] !== 'string') throw new BuildError(`${where}: conductor.generate annotations[${i}]: expected { key, value }`);
    return { key: a['key'], value: a['value'] };
  });
  return { name: source.name, label: where, json: { composition, ast, version }, conductorCode: code, annotations };
}

/** The module esbuild bundles: the generated code, run with a `require` that answers `openwhisk` from the bundle. */
export function conductorEntrySource(compiled: CompiledComposition): string {
  return [
    `// The conductor action of ${compiled.label}, generated by openwhisk-composer ${compiled.json.version}; do not edit (npm run build).`,
    "'use strict';",
    "const bundled = { openwhisk: require('openwhisk') };",
    'function conductorRequire(name) {',
    '  return Object.prototype.hasOwnProperty.call(bundled, name) ? bundled[name] : module.require(name);',
    '}',
    'module.exports = (function (require) {',
    compiled.conductorCode,
    'return { main };',
    '})(conductorRequire);',
    '',
  ].join('\n');
}

/** Bundles the conductor of a compiled composition into one CommonJS file (Node 20, minified), `openwhisk` inside. */
export async function bundleConductor(rootDir: string, compiled: CompiledComposition): Promise<Buffer> {
  const result = await build({
    absWorkingDir: rootDir,
    stdin: { contents: conductorEntrySource(compiled), resolveDir: rootDir, sourcefile: compiled.label.replace(/\.js$/, '.conductor.js'), loader: 'js' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    write: false,
    logLevel: 'warning',
  });
  const [output] = result.outputFiles;
  if (output === undefined || result.outputFiles.length !== 1) throw new BuildError(`${compiled.label}: esbuild gave ${result.outputFiles.length} output files, expected 1`);
  return Buffer.from(output.contents);
}

/**
 * `npm run build`: each `actions/<name>/index.ts` bundled by esbuild (Node
 * 20, CommonJS, minified, every dependency inlined, so nothing is needed from
 * `node_modules` at run time) into `<outDir>/actions/<name>/index.js`, and
 * zipped with a `package.json` (`{"main":"index.js"}`) and the action's
 * declared extra files (see `action-sources.ts`) into
 * `<outDir>/actions/<name>.zip`: what `wsk action create --kind nodejs:20
 * <name>.zip` and the manifest deploy. The folder `<outDir>/actions/<name>/`
 * holds the same files as the zip. One esbuild run builds every action.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { BuildError, findActionSources, resolveExtraFiles, type ActionSource } from './action-sources';
import { writeZip, type ZipInput } from './zip-writer';

/** Options of {@link buildActions}. */
export interface BuildOptions {
  /** Repository root: `actions/` is read from it and extra files resolve against it. */
  rootDir: string;
  /** Output root: bundles go to `<outDir>/actions/` (the CLI uses `<rootDir>/dist`). */
  outDir: string;
  /** Build only these actions (default: every one found). */
  only?: readonly string[];
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** One built action. */
export interface BuiltAction {
  name: string;
  /** Absolute path of the bundle, `<outDir>/actions/<name>/index.js`. */
  bundlePath: string;
  /** Absolute path of the zip, `<outDir>/actions/<name>.zip`. */
  zipPath: string;
  /** Size of `index.js`, bytes. */
  bundleBytes: number;
  /** Size of the zip, bytes. */
  zipBytes: number;
  /** The zip's entries, in order. */
  entries: string[];
}

/** The `package.json` every zip carries: the nodejs runtime `require`s its `main`. */
export const ZIP_PACKAGE_JSON = `${JSON.stringify({ main: 'index.js' })}\n`;

/** `1234567` → `1.18 MiB`, `2048` → `2.0 KiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
}

function select(sources: readonly ActionSource[], only: readonly string[] | undefined): ActionSource[] {
  if (only === undefined) return [...sources];
  const known = new Set(sources.map((s) => s.name));
  const unknown = only.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new BuildError(`unknown action${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')} (found: ${[...known].join(', ') || 'none'})`);
  }
  return sources.filter((s) => only.includes(s.name));
}

/**
 * Builds the actions. Resolves with one record per action, sorted by name;
 * rejects with a {@link BuildError} (bad action folder or extra file) or
 * esbuild's error (a compile error, with its messages already logged).
 */
export async function buildActions(options: BuildOptions): Promise<BuiltAction[]> {
  const log = options.log ?? ((): void => undefined);
  const sources = select(findActionSources(options.rootDir), options.only);
  if (sources.length === 0) throw new BuildError(`${join(options.rootDir, 'actions')}: no action folder with an index.ts`);
  const actionsOut = join(options.outDir, 'actions');
  // Extra files first: a missing model or wasm file fails before any bundling.
  const extras = new Map(sources.map((s) => [s.name, resolveExtraFiles(options.rootDir, s.name, s.extraFiles)]));
  for (const source of sources) {
    rmSync(join(actionsOut, source.name), { recursive: true, force: true });
    rmSync(join(actionsOut, `${source.name}.zip`), { force: true });
  }
  await build({
    absWorkingDir: options.rootDir,
    entryPoints: sources.map((s) => ({ in: s.entry, out: `${s.name}/index` })),
    outdir: actionsOut,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    logLevel: 'warning',
  });
  const built: BuiltAction[] = [];
  for (const source of sources) {
    const dir = join(actionsOut, source.name);
    const bundlePath = join(dir, 'index.js');
    const bundle = readFileSync(bundlePath);
    const files: ZipInput[] = [
      { path: 'index.js', data: bundle },
      { path: 'package.json', data: Buffer.from(ZIP_PACKAGE_JSON, 'utf8') },
    ];
    for (const extra of extras.get(source.name) ?? []) {
      if (extra.path === 'index.js' || extra.path === 'package.json') {
        throw new BuildError(`actions/${source.name}/bundle.json: ${extra.source} would replace the zip's ${extra.path}`);
      }
      files.push({ path: extra.path, data: readFileSync(extra.source) });
    }
    for (const file of files.slice(1)) {
      const target = join(dir, ...file.path.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.data);
    }
    const zip = writeZip(files);
    const zipPath = join(actionsOut, `${source.name}.zip`);
    writeFileSync(zipPath, zip);
    const record: BuiltAction = { name: source.name, bundlePath, zipPath, bundleBytes: bundle.length, zipBytes: zip.length, entries: files.map((f) => f.path) };
    built.push(record);
    const extraCount = files.length - 2;
    log(`${source.name}: index.js ${formatBytes(record.bundleBytes)}, ${source.name}.zip ${formatBytes(record.zipBytes)}${extraCount > 0 ? ` (${extraCount} extra file${extraCount > 1 ? 's' : ''})` : ''}`);
  }
  return built;
}

/**
 * The actions the build knows: every folder `actions/<name>/` with an
 * `index.ts` is one (a folder without it, e.g. shared helpers, is not), and an
 * optional `actions/<name>/bundle.json` declares the extra files its zip
 * carries beside the bundle:
 *
 * ```json
 * { "files": [
 *     { "from": "node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm" },
 *     { "from": "models/default", "to": "models/default" } ] }
 * ```
 *
 * `from` is relative to the repository root: a file, a directory (its whole
 * tree), or a glob whose last part has `*` or `?` (files of that directory
 * only). `to` is a directory inside the zip (default: beside `index.js`); a
 * file lands at `to/<its name>`, a directory's files at `to/<path inside it>`.
 * Bundled code finds them through `__dirname`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';

/** A problem with the actions folder or a `bundle.json`; the message names the action, file and value. */
export class BuildError extends Error {
  override readonly name = 'BuildError';
}

/** One `files` entry of a `bundle.json`. */
export interface ExtraFileRule {
  /** Relative to the repository root: a file, a directory, or a glob in its last part. */
  from: string;
  /** Directory inside the zip, `/`-separated, `''` for the zip's root. */
  to: string;
}

/** An action found under `actions/`. */
export interface ActionSource {
  /** The folder name, which is the action's name in the manifest. */
  name: string;
  /** Absolute path of its `index.ts`. */
  entry: string;
  /** The extra files it declares (none without a `bundle.json`). */
  extraFiles: ExtraFileRule[];
}

/** A file to copy into a zip. */
export interface ExtraFile {
  /** Absolute path on disk. */
  source: string;
  /** Path inside the zip. */
  path: string;
}

/** Action names: lower-case kebab-case, as the files and the manifest use them. */
const ACTION_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? String(value);
}

function zipDir(value: unknown, where: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new BuildError(`${where}: expected a relative directory inside the zip, found ${preview(value)}`);
  const parts = value.split('/').filter((p) => p !== '' && p !== '.');
  if (value.startsWith('/') || value.includes('\\') || parts.includes('..')) {
    throw new BuildError(`${where}: expected a relative directory inside the zip (no leading '/', '\\' or '..'), found ${preview(value)}`);
  }
  return parts.join('/');
}

/** Parses a `bundle.json`'s text; `file` names it in errors. */
export function parseBundleSpec(text: string, file: string): ExtraFileRule[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new BuildError(`${file}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isRecord(raw)) throw new BuildError(`${file}: expected an object {"files": [...]}, found ${preview(raw)}`);
  for (const key of Object.keys(raw)) {
    if (key !== 'files') throw new BuildError(`${file}: unknown field ${JSON.stringify(key)} (expected only "files")`);
  }
  const files = raw['files'] ?? [];
  if (!Array.isArray(files)) throw new BuildError(`${file}: files: expected an array, found ${preview(files)}`);
  return files.map((item: unknown, i): ExtraFileRule => {
    const where = `${file}: files[${i}]`;
    if (!isRecord(item)) throw new BuildError(`${where}: expected {"from", "to"?}, found ${preview(item)}`);
    for (const key of Object.keys(item)) {
      if (key !== 'from' && key !== 'to') throw new BuildError(`${where}: unknown field ${JSON.stringify(key)} (expected "from" and "to")`);
    }
    const from = item['from'];
    if (typeof from !== 'string' || from.trim() === '' || from.startsWith('/') || from.split(/[\\/]/).includes('..')) {
      throw new BuildError(`${where}.from: expected a path relative to the repository root (no leading '/' or '..'), found ${preview(from)}`);
    }
    return { from, to: zipDir(item['to'], `${where}.to`) };
  });
}

/**
 * The actions under `<rootDir>/actions`, sorted by name. Throws a
 * {@link BuildError} for a folder name that is not kebab-case or a bad
 * `bundle.json`.
 */
export function findActionSources(rootDir: string): ActionSource[] {
  const actionsDir = join(rootDir, 'actions');
  if (!existsSync(actionsDir)) throw new BuildError(`${actionsDir}: no actions folder`);
  const out: ActionSource[] = [];
  for (const entry of readdirSync(actionsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const entryFile = join(actionsDir, entry.name, 'index.ts');
    if (!existsSync(entryFile)) continue;
    if (!ACTION_NAME.test(entry.name)) throw new BuildError(`actions/${entry.name}: an action folder name must be kebab-case (a-z, 0-9, '-'), found ${JSON.stringify(entry.name)}`);
    const specFile = join(actionsDir, entry.name, 'bundle.json');
    const extraFiles = existsSync(specFile) ? parseBundleSpec(readFileSync(specFile, 'utf8'), `actions/${entry.name}/bundle.json`) : [];
    out.push({ name: entry.name, entry: entryFile, extraFiles });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

function toZipPath(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split(/[\\/]/))
    .filter((p) => p !== '' && p !== '.')
    .join('/');
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

/**
 * The files `rules` select, resolved against `rootDir`, sorted by their path in
 * the zip. Throws a {@link BuildError} naming the action and rule when a path
 * does not exist or a glob matches nothing.
 */
export function resolveExtraFiles(rootDir: string, action: string, rules: readonly ExtraFileRule[]): ExtraFile[] {
  const out: ExtraFile[] = [];
  rules.forEach((rule, i) => {
    const where = `actions/${action}/bundle.json: files[${i}].from ${JSON.stringify(rule.from)}`;
    const last = basename(rule.from);
    if (/[*?]/.test(last)) {
      const dir = join(rootDir, dirname(rule.from));
      if (/[*?]/.test(dirname(rule.from))) throw new BuildError(`${where}: a glob may only be in the last part of the path`);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BuildError(`${where}: no directory ${dir}`);
      const re = globToRegExp(last);
      const matches = readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && re.test(e.name))
        .map((e) => e.name)
        .sort();
      if (matches.length === 0) throw new BuildError(`${where}: matches no file in ${dir}`);
      for (const name of matches) out.push({ source: join(dir, name), path: toZipPath(rule.to, name) });
      return;
    }
    const source = join(rootDir, rule.from);
    if (!existsSync(source)) throw new BuildError(`${where}: no such file or directory (${source})`);
    if (statSync(source).isDirectory()) {
      const files = walk(source);
      if (files.length === 0) throw new BuildError(`${where}: the directory is empty`);
      for (const file of files) out.push({ source: file, path: toZipPath(rule.to, relative(source, file).split(sep).join('/')) });
    } else {
      out.push({ source, path: toZipPath(rule.to, last) });
    }
  });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

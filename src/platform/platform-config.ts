/**
 * Where the adapter finds OpenWhisk: explicit options first, then the
 * environment an action runs in (`__OW_API_HOST`, `__OW_API_KEY`,
 * `__OW_NAMESPACE`), then the `wsk` CLI's `~/.wskprops` (`APIHOST`, `AUTH`,
 * `NAMESPACE`; `WSK_CONFIG_FILE` in the environment names another file).
 * Nothing is read at import time: the environment and home directory are
 * passed in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformError } from './platform-error';

/** The resolved connection settings. */
export interface PlatformConfig {
  /** `https://host`, `http://127.0.0.1:3233` or a bare host (the client then assumes https). */
  apiHost: string;
  /** `uuid:secret`. */
  apiKey: string;
  /** Namespace of the calls (`_`: the key's own). */
  namespace: string;
  /** Where each value came from, for messages and logs. */
  source: { apiHost: ConfigSource; apiKey: ConfigSource };
}

/** Where a setting was found. */
export type ConfigSource = 'options' | 'env' | 'wskprops';

/** The inputs of {@link resolvePlatformConfig}. */
export interface PlatformConfigSources {
  apiHost?: string;
  apiKey?: string;
  namespace?: string;
  /** Environment variables to consult (pass `process.env` explicitly to use the process's). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Home directory whose `.wskprops` is read (default: no `.wskprops`). */
  homeDir?: string;
  /** A `.wskprops` path, overriding `homeDir` and `WSK_CONFIG_FILE`. */
  wskpropsPath?: string;
  /** Reads a file, or returns undefined when it does not exist (default: `fs.readFileSync`). */
  readFile?: (path: string) => string | undefined;
}

/** Parses `.wskprops` text: `KEY=VALUE` lines, `#` comments and blank lines ignored. */
export function parseWskProps(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

function defaultReadFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return undefined;
    throw err;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim().length === 0 ? undefined : value.trim();
}

/** Resolves the settings, or throws a `config` {@link PlatformError} that says what is missing and where it looked. */
export function resolvePlatformConfig(sources: PlatformConfigSources): PlatformConfig {
  const env = sources.env ?? {};
  const propsPath =
    sources.wskpropsPath ?? nonEmpty(env['WSK_CONFIG_FILE']) ?? (sources.homeDir === undefined ? undefined : join(sources.homeDir, '.wskprops'));
  let props: Record<string, string> = {};
  if (propsPath !== undefined) {
    const text = (sources.readFile ?? defaultReadFile)(propsPath);
    if (text !== undefined) props = parseWskProps(text);
  }
  const pick = (explicit: string | undefined, envKey: string, propKey: string): { value: string; source: ConfigSource } | undefined => {
    const e = nonEmpty(explicit);
    if (e !== undefined) return { value: e, source: 'options' };
    const v = nonEmpty(env[envKey]);
    if (v !== undefined) return { value: v, source: 'env' };
    const p = nonEmpty(props[propKey]);
    if (p !== undefined) return { value: p, source: 'wskprops' };
    return undefined;
  };
  const apiHost = pick(sources.apiHost, '__OW_API_HOST', 'APIHOST');
  const apiKey = pick(sources.apiKey, '__OW_API_KEY', 'AUTH');
  const where = `options, __OW_API_HOST/__OW_API_KEY${propsPath === undefined ? '' : ` or ${propsPath}`}`;
  if (apiHost === undefined) throw new PlatformError('config', 'configure', 'OpenWhisk', `no API host (looked in ${where})`);
  if (apiKey === undefined) throw new PlatformError('config', 'configure', 'OpenWhisk', `no API key (looked in ${where})`);
  if (!/^[^:\s]+:\S+$/.test(apiKey.value)) throw new PlatformError('config', 'configure', 'OpenWhisk', `the API key from ${apiKey.source} is not of the form uuid:secret`);
  const namespace = pick(sources.namespace, '__OW_NAMESPACE', 'NAMESPACE')?.value ?? '_';
  return { apiHost: apiHost.value, apiKey: apiKey.value, namespace, source: { apiHost: apiHost.source, apiKey: apiKey.source } };
}

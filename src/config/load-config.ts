/**
 * The manager's settings, read at call time (never at import time) from an
 * action's params, then the environment it runs in, then the defaults below.
 * Every value is validated; a bad one is a {@link ConfigError} naming the
 * param or env var and the value (API keys and URL passwords masked). An
 * environment variable set to the empty string counts as unset (a
 * deployment file often leaves them blank); a param set to `null` too.
 *
 * | setting | param | env var | default |
 * |---|---|---|---|
 * | apiHost | `apiHost` | `__OW_API_HOST` | none |
 * | apiKey | `apiKey` | `__OW_API_KEY` | none |
 * | namespace | `namespace` | `__OW_NAMESPACE` | none (`_`, the key's own) |
 * | couchDbUrl | `couchdbUrl` | `COUCHDB_URL` | none: the embedded server |
 * | dbPrefix | `dbPrefix` | `AQUATOPE_DB_PREFIX` | {@link DEFAULT_DB_PREFIX} |
 * | cpuLimitExtension | `cpuLimitExtension` | `AQUATOPE_CPU_LIMIT_EXTENSION` | false |
 * | method | `method` | none | {@link DEFAULT_METHOD} |
 * | probeWindowMs | `probeWindowMs` | none | {@link DEFAULT_PROBE_WINDOW_MS} |
 * | leaseMs | `leaseMs` | none | {@link DEFAULT_LEASE_MS} |
 * | storeTimeoutMs | `storeTimeoutMs` | none | {@link DEFAULT_STORE_TIMEOUT_MS} |
 */
import { isMethodName, METHOD_NAMES, type MethodName } from '../tuning/method-registry';
import { DEFAULT_DB_PREFIX } from '../store/store';
import { ConfigError, type ConfigOrigin } from './config-error';

/** The manager's settings. */
export interface AquatopeConfig {
  /** OpenWhisk API host (`https://host`, `http://127.0.0.1:3233` or a bare host); undefined: the platform adapter looks further (`.wskprops`). */
  readonly apiHost: string | undefined;
  /** OpenWhisk API key `uuid:secret`; undefined as for apiHost. */
  readonly apiKey: string | undefined;
  /** OpenWhisk namespace; undefined: the key's own (`_`). */
  readonly namespace: string | undefined;
  /** CouchDB server URL (http or https, credentials may be in it); undefined: the embedded CouchDB-compatible server. */
  readonly couchDbUrl: string | undefined;
  /** Prefix of every database name. */
  readonly dbPrefix: string;
  /** The cluster has the CPU-limit extension: CPU limits (cores) are set and searched; otherwise CPU follows memory. */
  readonly cpuLimitExtension: boolean;
  /** The tuning method `bo-step` runs. */
  readonly method: MethodName;
  /** Length of one probe window (the `bo-step` alarm's period), ms. */
  readonly probeWindowMs: number;
  /** How long a claimed tick stays claimed before another activation may take over an unfinished one, ms. */
  readonly leaseMs: number;
  /** Client-side deadline of one CouchDB call, ms. */
  readonly storeTimeoutMs: number;
}

/** Default CouchDB URL: none, meaning the embedded server. */
export const DEFAULT_COUCHDB_URL: string | undefined = undefined;
/** Default database name prefix: the store's {@link DEFAULT_DB_PREFIX}. */
export { DEFAULT_DB_PREFIX };
/** No value (API host, key and namespace default to none). */
const NONE: string | undefined = undefined;
/** Default: stock OpenWhisk, no CPU limit. */
export const DEFAULT_CPU_LIMIT_EXTENSION = false;
/** Default tuning method: ours. */
export const DEFAULT_METHOD: MethodName = 'aquatope';
/** Default probe window, ms (5 minutes). */
export const DEFAULT_PROBE_WINDOW_MS = 300_000;
/** Default tick lease, ms (2 minutes: longer than a `bo-step` activation may run). */
export const DEFAULT_LEASE_MS = 120_000;
/** Default client-side deadline of one CouchDB call, ms. */
export const DEFAULT_STORE_TIMEOUT_MS = 10_000;

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly expected: string };

/** One setting: where to find it, how to read it, how to show a bad value. */
interface Setting<T> {
  readonly param: string;
  readonly env?: string;
  readonly parse: (raw: unknown, origin: ConfigOrigin) => Parsed<T>;
  readonly fallback: T;
  readonly show?: (raw: unknown) => string;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(expected: string): Parsed<T> => ({ ok: false, expected });

function nonEmptyString(raw: unknown): Parsed<string> {
  return typeof raw === 'string' && raw.trim() !== '' ? ok(raw.trim()) : bad('a non-empty string');
}

function apiHost(raw: unknown): Parsed<string> {
  const expected = 'an API host such as https://openwhisk.example.com, http://127.0.0.1:3233 or a bare host name';
  if (typeof raw !== 'string' || raw.trim() === '' || /\s/.test(raw.trim())) return bad(expected);
  const text = raw.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      return url.protocol === 'http:' || url.protocol === 'https:' ? ok(text) : bad(expected);
    } catch {
      return bad(expected);
    }
  }
  return /^[A-Za-z0-9.-]+(:\d+)?$/.test(text) ? ok(text) : bad(expected);
}

function apiKey(raw: unknown): Parsed<string> {
  return typeof raw === 'string' && /^[^:\s]+:[^:\s]+$/.test(raw.trim()) ? ok(raw.trim()) : bad('an API key uuid:secret');
}

function couchUrl(raw: unknown): Parsed<string> {
  const expected = 'an http:// or https:// CouchDB URL';
  if (typeof raw !== 'string') return bad(expected);
  try {
    const url = new URL(raw.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? ok(raw.trim()) : bad(expected);
  } catch {
    return bad(expected);
  }
}

function dbPrefix(raw: unknown): Parsed<string> {
  return typeof raw === 'string' && /^[a-z][a-z0-9_-]*$/.test(raw) ? ok(raw) : bad('a database prefix of a-z, 0-9, _ and -, starting with a letter');
}

function flag(raw: unknown): Parsed<boolean> {
  if (typeof raw === 'boolean') return ok(raw);
  if (typeof raw === 'string') {
    const t = raw.trim().toLowerCase();
    if (t === 'true' || t === '1' || t === 'yes') return ok(true);
    if (t === 'false' || t === '0' || t === 'no') return ok(false);
  }
  return bad('true or false (or 1/0, yes/no)');
}

function method(raw: unknown): Parsed<MethodName> {
  return typeof raw === 'string' && isMethodName(raw) ? ok(raw) : bad(`one of ${METHOD_NAMES.join(', ')}`);
}

function positiveMs(raw: unknown): Parsed<number> {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  return Number.isSafeInteger(value) && value > 0 ? ok(value) : bad('a positive integer (ms)');
}

function preview(raw: unknown): string {
  if (raw === undefined) return 'nothing';
  const text = JSON.stringify(raw) ?? String(raw);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A key shown with its secret masked. */
function maskKey(raw: unknown): string {
  if (typeof raw !== 'string') return preview(raw);
  const colon = raw.indexOf(':');
  return JSON.stringify(colon < 0 ? '***' : `${raw.slice(0, colon)}:***`);
}

/** A URL shown with its password masked. */
function maskUrl(raw: unknown): string {
  if (typeof raw !== 'string') return preview(raw);
  return preview(raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@'));
}

const SETTINGS: { readonly [K in keyof AquatopeConfig]: Setting<AquatopeConfig[K]> } = {
  apiHost: { param: 'apiHost', env: '__OW_API_HOST', parse: apiHost, fallback: NONE },
  apiKey: { param: 'apiKey', env: '__OW_API_KEY', parse: apiKey, fallback: NONE, show: maskKey },
  namespace: { param: 'namespace', env: '__OW_NAMESPACE', parse: nonEmptyString, fallback: NONE },
  couchDbUrl: { param: 'couchdbUrl', env: 'COUCHDB_URL', parse: couchUrl, fallback: DEFAULT_COUCHDB_URL, show: maskUrl },
  dbPrefix: { param: 'dbPrefix', env: 'AQUATOPE_DB_PREFIX', parse: dbPrefix, fallback: DEFAULT_DB_PREFIX },
  cpuLimitExtension: { param: 'cpuLimitExtension', env: 'AQUATOPE_CPU_LIMIT_EXTENSION', parse: flag, fallback: DEFAULT_CPU_LIMIT_EXTENSION },
  method: { param: 'method', parse: method, fallback: DEFAULT_METHOD },
  probeWindowMs: { param: 'probeWindowMs', parse: positiveMs, fallback: DEFAULT_PROBE_WINDOW_MS },
  leaseMs: { param: 'leaseMs', parse: positiveMs, fallback: DEFAULT_LEASE_MS },
  storeTimeoutMs: { param: 'storeTimeoutMs', parse: positiveMs, fallback: DEFAULT_STORE_TIMEOUT_MS },
};

function resolve<T>(setting: Setting<T>, params: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): T {
  const fromParam = Object.prototype.hasOwnProperty.call(params, setting.param) ? params[setting.param] : undefined;
  const read = (raw: unknown, origin: ConfigOrigin, key: string): T => {
    const parsed = setting.parse(raw, origin);
    if (parsed.ok) return parsed.value;
    throw new ConfigError(origin, key, (setting.show ?? preview)(raw), parsed.expected);
  };
  if (fromParam !== undefined && fromParam !== null) return read(fromParam, 'param', setting.param);
  if (setting.env !== undefined) {
    const fromEnv = env[setting.env];
    if (fromEnv !== undefined && fromEnv !== '') return read(fromEnv, 'env', setting.env);
  }
  return setting.fallback;
}

/**
 * The settings from `params` over `env` over the defaults, frozen.
 * @param env the environment to consult (an action passes `process.env` at call time)
 * @throws ConfigError naming the first bad param or env var and its value
 */
export function loadConfig(params: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): Readonly<AquatopeConfig> {
  const config: AquatopeConfig = {
    apiHost: resolve(SETTINGS.apiHost, params, env),
    apiKey: resolve(SETTINGS.apiKey, params, env),
    namespace: resolve(SETTINGS.namespace, params, env),
    couchDbUrl: resolve(SETTINGS.couchDbUrl, params, env),
    dbPrefix: resolve(SETTINGS.dbPrefix, params, env),
    cpuLimitExtension: resolve(SETTINGS.cpuLimitExtension, params, env),
    method: resolve(SETTINGS.method, params, env),
    probeWindowMs: resolve(SETTINGS.probeWindowMs, params, env),
    leaseMs: resolve(SETTINGS.leaseMs, params, env),
    storeTimeoutMs: resolve(SETTINGS.storeTimeoutMs, params, env),
  };
  return Object.freeze(config);
}

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
 * | handoverMaxContainers | `handoverMaxContainers` | none | {@link DEFAULT_HANDOVER_MAX_CONTAINERS} |
 * | storeTimeoutMs | `storeTimeoutMs` | none | {@link DEFAULT_STORE_TIMEOUT_MS} |
 * | riskLevel | `riskLevel` | `AQUATOPE_RISK_LEVEL` | {@link DEFAULT_RISK_LEVEL} |
 * | headroomRiskLevel | `headroomRiskLevel` | `AQUATOPE_HEADROOM_RISK_LEVEL` | none: riskLevel |
 * | coldStartWorthGBs | `coldStartWorthGBs` | `AQUATOPE_COLD_START_WORTH_GBS` | none: size at riskLevel |
 * | managerPackage | `managerPackage` | `AQUATOPE_PACKAGE` | {@link DEFAULT_MANAGER_PACKAGE} |
 * | collectorFirstMinutes | `collectorFirstMinutes` | none | {@link DEFAULT_COLLECTOR_FIRST_MINUTES} |
 * | collectorLookbackMinutes | `collectorLookbackMinutes` | none | {@link DEFAULT_COLLECTOR_LOOKBACK_MINUTES} |
 * | collectorMaxMinutes | `collectorMaxMinutes` | none | {@link DEFAULT_COLLECTOR_MAX_MINUTES} |
 * | forecastContextMinutes | `forecastContextMinutes` | none | {@link DEFAULT_FORECAST_CONTEXT_MINUTES} |
 * | platformKeepAliveMinutes | `platformKeepAliveMinutes` | none | {@link DEFAULT_PLATFORM_KEEP_ALIVE_MINUTES} |
 * | defaultMemoryMB | `defaultMemoryMB` | none | {@link DEFAULT_MEMORY_MB} |
 * | clusterMemoryMB | `clusterMemoryMB` | `AQUATOPE_CLUSTER_MEMORY_MB` | none: no memory budget |
 * | prewarmMode | `prewarmMode` | `AQUATOPE_PREWARM_MODE` | {@link DEFAULT_PREWARM_MODE} |
 * | prewarmAdminUrl | `prewarmAdminUrl` | `AQUATOPE_PREWARM_ADMIN_URL` | none (required in mode `runtime-manifest`) |
 * | prewarmAdminAuth | `prewarmAdminAuth` | `AQUATOPE_PREWARM_ADMIN_AUTH` | none: no auth header |
 * | prewarmAdminTimeoutMs | `prewarmAdminTimeoutMs` | none | {@link DEFAULT_PREWARM_ADMIN_TIMEOUT_MS} |
 * | prewarmBaseManifest | `prewarmBaseManifest` | `AQUATOPE_PREWARM_BASE_MANIFEST` | none: the endpoint's GET |
 * | prewarmDefaultKind | `prewarmDefaultKind` | `AQUATOPE_PREWARM_DEFAULT_KIND` | {@link DEFAULT_PREWARM_KIND} |
 *
 * collectorFirstMinutes to clusterMemoryMB are the one-minute scheduler
 * chain's (collector, forecaster, pool-sizer; see `src/scheduler/`), the
 * `prewarm*` settings the pool sizer's: `warmup` prewarms by warm-up
 * invocations of each action, `runtime-manifest` by stem-cell counts per
 * runtime kind and memory posted to the dynamic-prewarm extension's admin
 * endpoint (`src/platform/runtime-manifest-prewarm.ts`). Mode
 * `runtime-manifest` without an admin URL is an error naming it.
 */
import { isMethodName, METHOD_NAMES, type MethodName } from '../tuning/method-registry';
import { DEFAULT_DB_PREFIX } from '../store/store';
import { parseRuntimeManifest, type RuntimeManifest } from '../platform/runtime-manifest-prewarm';
import { ConfigError, type ConfigOrigin } from './config-error';

/** How the pool sizer prewarms: `warmup` invocations per action, or stem cells per runtime kind and memory through the `runtime-manifest` admin endpoint. */
export type PrewarmMode = 'warmup' | 'runtime-manifest';

/** The prewarm modes. */
export const PREWARM_MODES: readonly PrewarmMode[] = ['warmup', 'runtime-manifest'];

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
  /** Most warm-ups `bo-step` sends to a stage action whose limits it changed (its warm handover; 0: none). */
  readonly handoverMaxContainers: number;
  /** Client-side deadline of one CouchDB call, ms. */
  readonly storeTimeoutMs: number;
  /**
   * The pool sizer's risk level, in (0, 1): the forecast quantile of each
   * minute's count and the probability an arrival finds a warm container. The
   * forecaster stores this quantile level beside its fixed ones.
   */
  readonly riskLevel: number;
  /**
   * The pool sizer's headroom risk level, in (0, 1): the probability an arrival
   * finds a warm container given the minute's count (the Poisson headroom of
   * the container count), apart from `riskLevel`'s forecast quantile.
   * Undefined: `riskLevel` for both.
   */
  readonly headroomRiskLevel: number | undefined;
  /**
   * Idle memory one cold start is worth, GB-s (a finite number > 0): when set,
   * the pool sizer sizes each function at its own quantiles from this and the
   * function's memory (the simulator's `aquatope-worth@<GB-s>`), so a
   * big-memory function keeps fewer idle containers than a small one, and
   * `riskLevel` and `headroomRiskLevel` are not used for sizing; the
   * forecaster then stores the extra levels this needs. Undefined: size at
   * `riskLevel`.
   */
  readonly coldStartWorthGBs: number | undefined;
  /** The OpenWhisk package of the manager's own actions, whose activations the collector leaves out. */
  readonly managerPackage: string;
  /** Minutes the collector's first tick (nothing collected yet) reads back, an integer >= 1. */
  readonly collectorFirstMinutes: number;
  /**
   * Minutes already collected that each collector tick computes again, an
   * integer >= 0: OpenWhisk lists an activation only once it has ended, so one
   * running over the last tick's fire time is counted one tick later.
   */
  readonly collectorLookbackMinutes: number;
  /** Most minutes one collector tick writes (catching up after an outage), an integer >= 1; older missing minutes stay unrecorded. */
  readonly collectorMaxMinutes: number;
  /**
   * Minutes of each function's past the forecaster reads (the idle-time model's
   * context; the network reads the last 48), an integer >= 48. Cost: one series
   * document per minute read at each tick, each holding every function active
   * in it (in a warm container only the minutes not cached yet are read).
   */
  readonly forecastContextMinutes: number;
  /** How long the platform keeps an idle container, minutes (OpenWhisk's idle-container timeout), an integer >= 1. */
  readonly platformKeepAliveMinutes: number;
  /** Memory of a function's container when its activations do not say, MB (OpenWhisk's default limit), an integer >= 1. */
  readonly defaultMemoryMB: number;
  /** Memory of the invokers together, MB; prewarms stop at 80% of it. Undefined: no budget. */
  readonly clusterMemoryMB: number | undefined;
  /** How the pool sizer prewarms. */
  readonly prewarmMode: PrewarmMode;
  /** Admin URL (http or https, no credentials in it) under which the dynamic-prewarm extension serves `config/runtime`; required in mode `runtime-manifest`. */
  readonly prewarmAdminUrl: string | undefined;
  /** Admin credentials `user:password` of that endpoint (Basic auth; never shown); undefined: none sent. */
  readonly prewarmAdminAuth: string | undefined;
  /** Time limit of one admin call attempt, ms. */
  readonly prewarmAdminTimeoutMs: number;
  /** The runtime manifest to change when the endpoint has no GET (a JSON object, or its text); undefined: read the cluster's by GET. */
  readonly prewarmBaseManifest: RuntimeManifest | undefined;
  /** Runtime kind of a function whose kind the platform does not report (stem cells are per kind). */
  readonly prewarmDefaultKind: string;
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
/** Default most warm-ups of `bo-step`'s warm handover per changed stage action. */
export const DEFAULT_HANDOVER_MAX_CONTAINERS = 4;
/** Default client-side deadline of one CouchDB call, ms. */
export const DEFAULT_STORE_TIMEOUT_MS = 10_000;

/** Default risk level of the pool sizer (0.95). */
export const DEFAULT_RISK_LEVEL = 0.95;
/** Default package of the manager's own actions (the manifest's). */
export const DEFAULT_MANAGER_PACKAGE = 'aquatope';
/** Default minutes the collector's first tick reads back (1: the minute before the fire time). */
export const DEFAULT_COLLECTOR_FIRST_MINUTES = 1;
/** Default minutes each collector tick computes again (1). */
export const DEFAULT_COLLECTOR_LOOKBACK_MINUTES = 1;
/** Default most minutes one collector tick writes (60). */
export const DEFAULT_COLLECTOR_MAX_MINUTES = 60;
/** Default minutes of the past the forecaster reads (1,440: a day, the idle-time model's context). */
export const DEFAULT_FORECAST_CONTEXT_MINUTES = 1440;
/** Smallest forecastContextMinutes: the network's input window (48 minutes). */
export const MIN_FORECAST_CONTEXT_MINUTES = 48;
/** Default platform keep-alive, minutes (10: OpenWhisk's idle-container timeout). */
export const DEFAULT_PLATFORM_KEEP_ALIVE_MINUTES = 10;
/** Default container memory, MB (256: OpenWhisk's default memory limit). */
export const DEFAULT_MEMORY_MB = 256;

/** Default prewarm mode: warm-up invocations (stock OpenWhisk). */
export const DEFAULT_PREWARM_MODE: PrewarmMode = 'warmup';
/** Default time limit of one admin call attempt, ms (10 s). */
export const DEFAULT_PREWARM_ADMIN_TIMEOUT_MS = 10_000;
/** Default runtime kind of a function whose kind is not known. */
export const DEFAULT_PREWARM_KIND = 'nodejs:20';

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

function integerAtLeast(min: number, unit: string): (raw: unknown) => Parsed<number> {
  return (raw) => {
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
    return Number.isSafeInteger(value) && value >= min ? ok(value) : bad(`an integer >= ${min} (${unit})`);
  };
}

function probability(raw: unknown): Parsed<number> {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d*\.?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  return value > 0 && value < 1 ? ok(value) : bad('a number strictly between 0 and 1');
}

function positiveGBs(raw: unknown): Parsed<number> {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d*\.?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  return value > 0 && Number.isFinite(value) ? ok(value) : bad('a finite number of GB-s > 0');
}

function packageName(raw: unknown): Parsed<string> {
  return typeof raw === 'string' && /^[A-Za-z0-9_@.-][A-Za-z0-9_@. -]*$/.test(raw) && raw.trim() === raw ? ok(raw) : bad('an OpenWhisk package name');
}

function prewarmMode(raw: unknown): Parsed<PrewarmMode> {
  const found = PREWARM_MODES.find((m) => m === raw);
  return found === undefined ? bad(`one of ${PREWARM_MODES.join(', ')}`) : ok(found);
}

function adminUrl(raw: unknown): Parsed<string> {
  const expected = 'an http:// or https:// admin URL without credentials (set those in prewarmAdminAuth)';
  if (typeof raw !== 'string') return bad(expected);
  try {
    const url = new URL(raw.trim());
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' ? ok(raw.trim()) : bad(expected);
  } catch {
    return bad(expected);
  }
}

function adminAuth(raw: unknown): Parsed<string> {
  return typeof raw === 'string' && /^[^:\s]+:\S+$/.test(raw.trim()) ? ok(raw.trim()) : bad('admin credentials user:password');
}

function runtimeManifest(raw: unknown, origin: ConfigOrigin): Parsed<RuntimeManifest> {
  const expected = 'a runtime manifest { "runtimes": { <family>: [ { "kind", "stemCells"?, ... } ] } } (a JSON object or its text)';
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return bad(expected);
    }
  } else if (origin === 'env') return bad(expected);
  try {
    return ok(parseRuntimeManifest(value, 'manifest'));
  } catch (error) {
    return bad(`${expected}; ${error instanceof Error ? error.message : String(error)}`);
  }
}

function runtimeKind(raw: unknown): Parsed<string> {
  return typeof raw === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*(:[A-Za-z0-9][A-Za-z0-9._-]*)?$/.test(raw.trim()) ? ok(raw.trim()) : bad('a runtime kind such as nodejs:20');
}

/** Credentials shown masked: the user only. */
function maskAuth(raw: unknown): string {
  return maskKey(raw);
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
  handoverMaxContainers: { param: 'handoverMaxContainers', parse: integerAtLeast(0, 'containers'), fallback: DEFAULT_HANDOVER_MAX_CONTAINERS },
  storeTimeoutMs: { param: 'storeTimeoutMs', parse: positiveMs, fallback: DEFAULT_STORE_TIMEOUT_MS },
  riskLevel: { param: 'riskLevel', env: 'AQUATOPE_RISK_LEVEL', parse: probability, fallback: DEFAULT_RISK_LEVEL },
  headroomRiskLevel: { param: 'headroomRiskLevel', env: 'AQUATOPE_HEADROOM_RISK_LEVEL', parse: probability, fallback: undefined },
  coldStartWorthGBs: { param: 'coldStartWorthGBs', env: 'AQUATOPE_COLD_START_WORTH_GBS', parse: positiveGBs, fallback: undefined },
  managerPackage: { param: 'managerPackage', env: 'AQUATOPE_PACKAGE', parse: packageName, fallback: DEFAULT_MANAGER_PACKAGE },
  collectorFirstMinutes: { param: 'collectorFirstMinutes', parse: integerAtLeast(1, 'minutes'), fallback: DEFAULT_COLLECTOR_FIRST_MINUTES },
  collectorLookbackMinutes: { param: 'collectorLookbackMinutes', parse: integerAtLeast(0, 'minutes'), fallback: DEFAULT_COLLECTOR_LOOKBACK_MINUTES },
  collectorMaxMinutes: { param: 'collectorMaxMinutes', parse: integerAtLeast(1, 'minutes'), fallback: DEFAULT_COLLECTOR_MAX_MINUTES },
  forecastContextMinutes: { param: 'forecastContextMinutes', parse: integerAtLeast(MIN_FORECAST_CONTEXT_MINUTES, 'minutes'), fallback: DEFAULT_FORECAST_CONTEXT_MINUTES },
  platformKeepAliveMinutes: { param: 'platformKeepAliveMinutes', parse: integerAtLeast(1, 'minutes'), fallback: DEFAULT_PLATFORM_KEEP_ALIVE_MINUTES },
  defaultMemoryMB: { param: 'defaultMemoryMB', parse: integerAtLeast(1, 'MB'), fallback: DEFAULT_MEMORY_MB },
  clusterMemoryMB: { param: 'clusterMemoryMB', env: 'AQUATOPE_CLUSTER_MEMORY_MB', parse: integerAtLeast(1, 'MB'), fallback: undefined },
  prewarmMode: { param: 'prewarmMode', env: 'AQUATOPE_PREWARM_MODE', parse: prewarmMode, fallback: DEFAULT_PREWARM_MODE },
  prewarmAdminUrl: { param: 'prewarmAdminUrl', env: 'AQUATOPE_PREWARM_ADMIN_URL', parse: adminUrl, fallback: NONE, show: maskUrl },
  prewarmAdminAuth: { param: 'prewarmAdminAuth', env: 'AQUATOPE_PREWARM_ADMIN_AUTH', parse: adminAuth, fallback: NONE, show: maskAuth },
  prewarmAdminTimeoutMs: { param: 'prewarmAdminTimeoutMs', parse: positiveMs, fallback: DEFAULT_PREWARM_ADMIN_TIMEOUT_MS },
  prewarmBaseManifest: { param: 'prewarmBaseManifest', env: 'AQUATOPE_PREWARM_BASE_MANIFEST', parse: runtimeManifest, fallback: undefined },
  prewarmDefaultKind: { param: 'prewarmDefaultKind', env: 'AQUATOPE_PREWARM_DEFAULT_KIND', parse: runtimeKind, fallback: DEFAULT_PREWARM_KIND },
};

/** Where a setting's value comes from: `param`, `env`, or undefined (the default). */
function originOf(setting: Setting<unknown>, params: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): ConfigOrigin | undefined {
  const fromParam = Object.prototype.hasOwnProperty.call(params, setting.param) ? params[setting.param] : undefined;
  if (fromParam !== undefined && fromParam !== null) return 'param';
  if (setting.env !== undefined && env[setting.env] !== undefined && env[setting.env] !== '') return 'env';
  return undefined;
}

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
    handoverMaxContainers: resolve(SETTINGS.handoverMaxContainers, params, env),
    storeTimeoutMs: resolve(SETTINGS.storeTimeoutMs, params, env),
    riskLevel: resolve(SETTINGS.riskLevel, params, env),
    headroomRiskLevel: resolve(SETTINGS.headroomRiskLevel, params, env),
    coldStartWorthGBs: resolve(SETTINGS.coldStartWorthGBs, params, env),
    managerPackage: resolve(SETTINGS.managerPackage, params, env),
    collectorFirstMinutes: resolve(SETTINGS.collectorFirstMinutes, params, env),
    collectorLookbackMinutes: resolve(SETTINGS.collectorLookbackMinutes, params, env),
    collectorMaxMinutes: resolve(SETTINGS.collectorMaxMinutes, params, env),
    forecastContextMinutes: resolve(SETTINGS.forecastContextMinutes, params, env),
    platformKeepAliveMinutes: resolve(SETTINGS.platformKeepAliveMinutes, params, env),
    defaultMemoryMB: resolve(SETTINGS.defaultMemoryMB, params, env),
    clusterMemoryMB: resolve(SETTINGS.clusterMemoryMB, params, env),
    prewarmMode: resolve(SETTINGS.prewarmMode, params, env),
    prewarmAdminUrl: resolve(SETTINGS.prewarmAdminUrl, params, env),
    prewarmAdminAuth: resolve(SETTINGS.prewarmAdminAuth, params, env),
    prewarmAdminTimeoutMs: resolve(SETTINGS.prewarmAdminTimeoutMs, params, env),
    prewarmBaseManifest: resolve(SETTINGS.prewarmBaseManifest, params, env),
    prewarmDefaultKind: resolve(SETTINGS.prewarmDefaultKind, params, env),
  };
  if (config.prewarmMode === 'runtime-manifest' && config.prewarmAdminUrl === undefined) {
    const origin = originOf(SETTINGS.prewarmMode, params, env) ?? 'param';
    throw new ConfigError(
      origin,
      origin === 'env' ? 'AQUATOPE_PREWARM_MODE' : 'prewarmMode',
      '"runtime-manifest" with no admin URL',
      'an admin URL (param prewarmAdminUrl or env AQUATOPE_PREWARM_ADMIN_URL) in mode runtime-manifest',
    );
  }
  return Object.freeze(config);
}

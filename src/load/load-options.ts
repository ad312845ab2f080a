/**
 * Options of `npm run load` (trace-shaped Locust load). Every value is checked
 * here, with an error naming it, before anything is read or started.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseMinuteRange, parsePositiveInt, parseSeed, UsageError } from '../cli/parse-options';
import { isLegalName } from '../local-openwhisk/entity-name';
import { parseFunctionSpec, type FunctionSpec } from './function-spec';
import { errorMessage } from './load-errors';

/** Workflows driven round-robin by the chosen functions (default of `--workflows`). */
export const DEFAULT_LOAD_WORKFLOWS: readonly string[] = ['ml-inference', 'video-pipeline', 'social-network'];
/** Default `--functions`: the 3 busiest functions over the replayed minutes. */
export const DEFAULT_LOAD_FUNCTIONS: FunctionSpec = { kind: 'top', count: 3 };
/** Default `--minutes`: the first 10 minutes of the trace (0-based offsets, end excluded). */
export const DEFAULT_LOAD_MINUTES: { readonly start: number; readonly end: number } = { start: 0, end: 10 };
/** Default `--speedup`: real time (one trace minute lasts 60 s). */
export const DEFAULT_LOAD_SPEEDUP = 1;
/** Default `--max-users`: ceiling on Locust's users. */
export const DEFAULT_LOAD_MAX_USERS = 50;
/** Default `--pacing`, s: one user starts a request every second. */
export const DEFAULT_LOAD_PACING_S = 1;
/** Default `--out`: where the Locust CSV files and the summary go. */
export const DEFAULT_LOAD_OUT = join('reports', 'load');
/** Default `--seed`: of the synthetic trace and of the workflow choice. */
export const DEFAULT_LOAD_SEED = 1;

/** Parsed, validated options of `npm run load`. */
export interface LoadOptions {
  /** Invocation trace (any layout `readTrace` accepts); the synthetic trace when absent. */
  readonly trace?: string;
  /** Rows to replay (default {@link DEFAULT_LOAD_FUNCTIONS}). */
  readonly functions: FunctionSpec;
  /** Replayed minutes, 0-based offsets from the trace's first minute, end excluded (default {@link DEFAULT_LOAD_MINUTES}). */
  readonly minutes: { readonly start: number; readonly end: number };
  /** Trace minutes per wall minute: a trace minute lasts 60 / speedup s; finite, > 0 (default {@link DEFAULT_LOAD_SPEEDUP}). */
  readonly speedup: number;
  /** Ceiling on the users, >= 1 (default {@link DEFAULT_LOAD_MAX_USERS}). */
  readonly maxUsers: number;
  /** Seconds between the starts of one user's requests, > 0 (default {@link DEFAULT_LOAD_PACING_S}). */
  readonly pacingS: number;
  /** Workflow (OpenWhisk package with an `invoke` action) of each chosen function, round-robin (default {@link DEFAULT_LOAD_WORKFLOWS}). */
  readonly workflows: readonly string[];
  /** JSON parameters of every invocation (default `{}`). */
  readonly params: Readonly<Record<string, unknown>>;
  /** OpenWhisk API host, e.g. `http://127.0.0.1:3233`, no trailing slash; absent: start the local runtime. */
  readonly host?: string;
  /** Output directory (default {@link DEFAULT_LOAD_OUT}). */
  readonly out: string;
  /** Seed of the synthetic trace and the workflow choice (default {@link DEFAULT_LOAD_SEED}). */
  readonly seed: number;
}

/** A plain decimal number (`2`, `0.5`, `.5`, `1e3`), optional leading `+`: no hex, no `Infinity`. */
const DECIMAL = /^\+?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A finite number > 0.
 *
 * @throws UsageError `"<flag> must be a finite number > 0, got "<value>""` for `0`, `-1`, `abc`, `Infinity`, …
 */
export function parsePositiveNumber(flag: string, value: string): number {
  const text = value.trim();
  const n = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a finite number > 0, got "${value}"`);
  return n;
}

/** Workflow names: OpenWhisk entity names without spaces, comma-separated. */
export function parseWorkflows(flag: string, value: string): string[] {
  const names = value.split(',').map((n) => n.trim());
  for (const n of names) {
    if (!isLegalName(n) || n.includes(' ')) {
      throw new UsageError(`${flag} must be comma-separated OpenWhisk package names like ml-inference,social-network, got "${value}"`);
    }
  }
  return names;
}

/** A JSON object. */
export function parseParams(flag: string, value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    throw new UsageError(`${flag} must be a JSON object, got ${JSON.stringify(value)} (${errorMessage(e)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${flag} must be a JSON object, got ${JSON.stringify(value)}`);
  }
  return Object.fromEntries(Object.entries(parsed));
}

/** An `http://` or `https://` URL without path, query or credentials; the trailing slash dropped. */
export function parseHost(flag: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UsageError(`${flag} must be an http:// or https:// URL like http://127.0.0.1:3233, got "${value}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new UsageError(`${flag} must be an http:// or https:// URL like http://127.0.0.1:3233 (no credentials, query or fragment), got "${value}"`);
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Parses `npm run load -- [options]`.
 *
 * @throws UsageError (or node's `ERR_PARSE_ARGS_*` TypeError for an unknown option) naming the bad value
 */
export function parseLoadArgs(args: readonly string[]): LoadOptions {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      trace: { type: 'string' },
      functions: { type: 'string' },
      minutes: { type: 'string' },
      speedup: { type: 'string' },
      'max-users': { type: 'string' },
      pacing: { type: 'string' },
      workflows: { type: 'string' },
      params: { type: 'string' },
      host: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  if (values.trace === '') throw new UsageError('--trace needs a file');
  if (values.out === '') throw new UsageError('--out needs a directory');
  const host = values.host === undefined ? undefined : parseHost('--host', values.host);
  return {
    ...(values.trace === undefined ? {} : { trace: values.trace }),
    functions: values.functions === undefined ? DEFAULT_LOAD_FUNCTIONS : parseFunctionSpec('--functions', values.functions),
    minutes: values.minutes === undefined ? DEFAULT_LOAD_MINUTES : parseMinuteRange('--minutes', values.minutes),
    speedup: values.speedup === undefined ? DEFAULT_LOAD_SPEEDUP : parsePositiveNumber('--speedup', values.speedup),
    maxUsers: values['max-users'] === undefined ? DEFAULT_LOAD_MAX_USERS : parsePositiveInt('--max-users', values['max-users']),
    pacingS: values.pacing === undefined ? DEFAULT_LOAD_PACING_S : parsePositiveNumber('--pacing', values.pacing),
    workflows: values.workflows === undefined ? DEFAULT_LOAD_WORKFLOWS : parseWorkflows('--workflows', values.workflows),
    params: values.params === undefined ? {} : parseParams('--params', values.params),
    ...(host === undefined ? {} : { host }),
    out: values.out ?? DEFAULT_LOAD_OUT,
    seed: values.seed === undefined ? DEFAULT_LOAD_SEED : parseSeed('--seed', values.seed),
  };
}

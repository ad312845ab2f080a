/**
 * Prewarming through the runtime-manifest admin endpoint of the
 * dynamic-prewarm extension (apache/openwhisk PRs #4790 and #4871): `POST
 * <adminUrl>/config/runtime` with admin Basic auth and a runtime manifest
 * (`runtimes.json`) as the body makes the invokers keep, for each runtime kind
 * and memory size, `initialCount` stem cells (prewarmed runtime containers; a
 * start on one needs only code init).
 *
 * Stem cells are per (kind, memory), not per action, so the pool sizer sums
 * its per-function prewarm counts per (kind, memory MB) and this module sets
 * those counts in the cluster's current manifest:
 *
 * - {@link buildStemCellManifest}: the pure part. It keeps every runtime (and
 *   every other field) of the base manifest and only changes the stem-cell
 *   counts of the (kind, memory) pairs given; a runtime missing from a
 *   manifest makes its actions fail on that invoker, so none is ever dropped.
 * - {@link RuntimeManifestAdmin}: the HTTP adapter over Node's global
 *   `fetch`, with a timeout per attempt, retries with backoff on 429, 5xx,
 *   timeouts and network errors (setting a manifest is idempotent), and the
 *   admin credentials sent, never shown.
 */
import type { Rng } from '../core/rng';
import { kindOfStatus, PlatformError } from './platform-error';
import { backoffDelay, DEFAULT_RETRY, realSleep, type RetryPolicy, type Sleep } from './retry';

/** The path of the admin endpoint under the admin URL. */
export const RUNTIME_CONFIG_PATH = 'config/runtime';

/** A runtime manifest (`runtimes.json`): `{ runtimes: { <family>: [ { kind, image, stemCells?, ... } ] }, blackboxes?, ... }`, kept as JSON. */
export type RuntimeManifest = Readonly<Record<string, unknown>>;

/** How many stem cells to keep of one runtime kind and memory size. */
export interface StemCellCount {
  /** Runtime kind, e.g. `nodejs:20`. */
  readonly kind: string;
  /** Memory of one stem cell, MB (an integer >= 1). */
  readonly memoryMB: number;
  /** Stem cells to keep (`initialCount`), an integer >= 0. */
  readonly count: number;
}

/** A count that could not be placed (its kind is not in the manifest: a runtime cannot be added without its image). */
export interface StemCellSkipped extends StemCellCount {
  readonly reason: string;
}

/** What {@link buildStemCellManifest} made. */
export interface StemCellManifest {
  /** The new manifest. */
  readonly manifest: RuntimeManifest;
  /** The counts placed, in the order given. */
  readonly applied: readonly StemCellCount[];
  /** The counts whose kind the manifest has no runtime of. */
  readonly skipped: readonly StemCellSkipped[];
}

/** A bad manifest or count: the message names the path and the value. */
export class RuntimeManifestError extends RangeError {
  override readonly name = 'RuntimeManifestError';
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function fail(path: string, expected: string, found: unknown): never {
  throw new RuntimeManifestError(`${path}: expected ${expected}, found ${show(found)}`);
}

const KIND = /^[A-Za-z0-9][A-Za-z0-9._-]*(:[A-Za-z0-9][A-Za-z0-9._-]*)?$/;
const MEMORY = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;
/** MB per unit of a memory size (OpenWhisk's `ByteSize`: B, K/KB, M/MB, G/GB, case-insensitive). */
const MB_PER_UNIT: Readonly<Record<string, number>> = { b: 1 / (1024 * 1024), k: 1 / 1024, kb: 1 / 1024, m: 1, mb: 1, g: 1024, gb: 1024 };

/**
 * A memory size string of a manifest (`"256 MB"`, `"256m"`, `"1 GB"`), MB.
 * @throws RuntimeManifestError naming `path` unless it is a whole number of MB >= 1
 */
export function parseMemoryMB(text: unknown, path: string): number {
  const expected = 'a memory size such as "256 MB" (B, KB, MB or GB; a whole number of MB >= 1)';
  if (typeof text !== 'string') return fail(path, expected, text);
  const match = MEMORY.exec(text);
  const factor = match === null ? undefined : MB_PER_UNIT[match[2].toLowerCase()];
  if (match === null || factor === undefined) return fail(path, expected, text);
  const mb = Number(match[1]) * factor;
  return Number.isSafeInteger(mb) && mb >= 1 ? mb : fail(path, expected, text);
}

/** The manifest's memory string of `mb` MB (`"256 MB"`). */
export function formatMemory(mb: number): string {
  return `${mb} MB`;
}

/** The stem-cell count field a stem cell uses: `initialCount` (#4871), or `count` in the older format (#3716). */
function countField(cell: Json): 'initialCount' | 'count' {
  return 'initialCount' in cell || !('count' in cell) ? 'initialCount' : 'count';
}

function checkCount(value: unknown, path: string): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : fail(path, 'an integer >= 0', value);
}

/**
 * Checks a runtime manifest's shape: an object whose `runtimes` maps each
 * family to an array of runtimes with a string `kind`, each runtime's
 * `stemCells` (if any) an array of `{ memory, initialCount | count }` with a
 * parseable memory and a count >= 0. Other fields are not looked at.
 * @param what how to name the manifest in errors (e.g. `param prewarmBaseManifest`)
 * @throws RuntimeManifestError naming the bad path and value
 */
export function parseRuntimeManifest(value: unknown, what = 'runtime manifest'): RuntimeManifest {
  if (!isObject(value)) return fail(what, 'a runtime manifest object { "runtimes": { ... } }', value);
  const runtimes = value.runtimes;
  if (!isObject(runtimes)) return fail(`${what}.runtimes`, 'an object of runtime families', runtimes);
  for (const [family, list] of Object.entries(runtimes)) {
    const familyPath = `${what}.runtimes.${family}`;
    if (!Array.isArray(list)) return fail(familyPath, 'an array of runtimes', list);
    list.forEach((runtime: unknown, i) => {
      const path = `${familyPath}[${i}]`;
      if (!isObject(runtime)) return fail(path, 'a runtime object', runtime);
      if (typeof runtime.kind !== 'string' || !KIND.test(runtime.kind)) fail(`${path}.kind`, 'a runtime kind such as "nodejs:20"', runtime.kind);
      const cells = runtime.stemCells;
      if (cells === undefined) return undefined;
      if (!Array.isArray(cells)) return fail(`${path}.stemCells`, 'an array of stem cells', cells);
      cells.forEach((cell: unknown, j) => {
        const cellPath = `${path}.stemCells[${j}]`;
        if (!isObject(cell)) return fail(cellPath, 'a stem cell { "initialCount", "memory" }', cell);
        parseMemoryMB(cell.memory, `${cellPath}.memory`);
        const field = countField(cell);
        return checkCount(cell[field], `${cellPath}.${field}`);
      });
      return undefined;
    });
  }
  return value;
}

/**
 * Checks aggregated counts: kinds like `nodejs:20`, memory an integer >= 1
 * (MB), counts integers >= 0, each (kind, memory) once.
 * @throws RuntimeManifestError naming the bad entry and value
 */
export function checkStemCellCounts(counts: readonly StemCellCount[]): void {
  const seen = new Set<string>();
  counts.forEach((c, i) => {
    const path = `stem cells[${i}]`;
    if (typeof c.kind !== 'string' || !KIND.test(c.kind)) fail(`${path}.kind`, 'a runtime kind such as "nodejs:20"', c.kind);
    if (!Number.isSafeInteger(c.memoryMB) || c.memoryMB < 1) fail(`${path}.memoryMB`, 'an integer >= 1 (MB)', c.memoryMB);
    checkCount(c.count, `${path}.count`);
    const key = `${c.kind} ${c.memoryMB}`;
    if (seen.has(key)) fail(path, `each kind and memory once`, `${c.kind} with ${c.memoryMB} MB again`);
    seen.add(key);
  });
}

/**
 * The manifest `base` with, for each count, the stem cells of that kind and
 * memory set to `count` (`initialCount`, or `count` where the stem cell uses
 * the older field). A kind with no stem cell of that memory gets one
 * `{ initialCount, memory: "<mb> MB" }` (none when the count is 0). Every
 * runtime, every other stem cell and every other field (e.g. `reactive`,
 * `image`, `blackboxes`) is kept as it was; `base` is not changed. A count
 * whose kind the manifest has no runtime of is skipped (a runtime cannot be
 * added without its image).
 * @throws RuntimeManifestError on a bad manifest or count, naming it
 */
export function buildStemCellManifest(base: unknown, counts: readonly StemCellCount[]): StemCellManifest {
  const checked = parseRuntimeManifest(base, 'base manifest');
  checkStemCellCounts(counts);
  // A deep copy: the manifest is JSON.
  const manifest: unknown = JSON.parse(JSON.stringify(checked));
  const runtimes = isObject(manifest) && isObject(manifest.runtimes) ? manifest.runtimes : {};
  const byKind = new Map<string, Json[]>();
  for (const list of Object.values(runtimes)) {
    if (!Array.isArray(list)) continue;
    for (const runtime of list) {
      if (!isObject(runtime) || typeof runtime.kind !== 'string') continue;
      byKind.set(runtime.kind, [...(byKind.get(runtime.kind) ?? []), runtime]);
    }
  }
  const applied: StemCellCount[] = [];
  const skipped: StemCellSkipped[] = [];
  for (const c of counts) {
    const found = byKind.get(c.kind);
    if (found === undefined) {
      skipped.push({ ...c, reason: `the manifest has no runtime of kind ${c.kind}` });
      continue;
    }
    for (const runtime of found) {
      const cells: unknown[] = Array.isArray(runtime.stemCells) ? runtime.stemCells : [];
      let placed = false;
      for (const cell of cells) {
        if (!isObject(cell) || parseMemoryMB(cell.memory, 'stem cell memory') !== c.memoryMB) continue;
        cell[countField(cell)] = c.count;
        placed = true;
      }
      if (!placed && c.count > 0) runtime.stemCells = [...cells, { initialCount: c.count, memory: formatMemory(c.memoryMB) }];
    }
    applied.push(c);
  }
  return { manifest: parseRuntimeManifest(manifest), applied, skipped };
}

/** Options of {@link RuntimeManifestAdmin}. */
export interface RuntimeManifestAdminOptions {
  /** The admin URL of the controller (or an invoker), http(s); `config/runtime` is under it. */
  readonly adminUrl: string;
  /** Admin credentials `user:password`, sent as Basic auth and never shown; undefined: none sent. */
  readonly auth?: string;
  /** The manifest to start from when the endpoint has no GET (404, 405 or 501); undefined: such an endpoint is an error. */
  readonly baseManifest?: RuntimeManifest;
  /** Time limit of one attempt, ms (default 10,000). */
  readonly timeoutMs?: number;
  /** Retry policy (defaults: 4 retries, 200 ms doubling up to 5 s). */
  readonly retry?: Partial<RetryPolicy>;
  /** Waits between retries (default: a real timer). */
  readonly sleep?: Sleep;
  /** Jitter of the backoff (default none). */
  readonly rng?: Rng;
  /** The fetch to use (default Node's global `fetch`). */
  readonly fetch?: typeof fetch;
}

/** What {@link RuntimeManifestAdmin.setStemCells} did. */
export interface StemCellUpdate {
  readonly applied: readonly StemCellCount[];
  readonly skipped: readonly StemCellSkipped[];
  /** Where the manifest changed came from: the endpoint's GET, or the configured base manifest. */
  readonly base: 'endpoint' | 'configured';
}

/** Default time limit of one admin call, ms. */
export const DEFAULT_ADMIN_TIMEOUT_MS = 10_000;

class Timeout extends Error {}

/** The URL shown in messages: its password masked. */
function shownUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/** The runtime-manifest admin endpoint, over `fetch`. */
export class RuntimeManifestAdmin {
  private readonly endpoint: string;
  private readonly entity: string;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: RuntimeManifestAdminOptions) {
    let url: URL;
    try {
      url = new URL(options.adminUrl);
    } catch {
      throw new RangeError(`adminUrl: expected an http:// or https:// URL, found ${JSON.stringify(shownUrl(options.adminUrl))}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new RangeError(`adminUrl: expected an http:// or https:// URL, found ${JSON.stringify(shownUrl(options.adminUrl))}`);
    }
    if (options.auth !== undefined && !/^[^:\s]+:\S+$/.test(options.auth)) throw new RangeError('auth: expected admin credentials user:password, found "***"');
    this.endpoint = `${options.adminUrl.replace(/\/+$/, '')}/${RUNTIME_CONFIG_PATH}`;
    this.entity = `runtime manifest at ${shownUrl(this.endpoint)}`;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /**
   * The cluster's current manifest by `GET config/runtime`; when the endpoint
   * has no GET (404, 405 or 501), the configured base manifest.
   * @throws PlatformError on a failed call, a bad answer, or no GET and no base manifest
   */
  async readManifest(): Promise<{ readonly manifest: RuntimeManifest; readonly base: 'endpoint' | 'configured' }> {
    const answer = await this.call('read', 'GET', undefined, [404, 405, 501]);
    if (answer.status >= 400) {
      if (this.options.baseManifest !== undefined) return { manifest: this.options.baseManifest, base: 'configured' };
      throw new PlatformError(
        'config',
        'read',
        this.entity,
        `the endpoint has no GET (HTTP ${answer.status}); configure the base manifest (param prewarmBaseManifest or env AQUATOPE_PREWARM_BASE_MANIFEST)`,
        answer.status,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      throw new PlatformError('invalid-response', 'read', this.entity, `the answer is not JSON: ${show(answer.text)}`);
    }
    try {
      return { manifest: parseRuntimeManifest(body, 'the answered manifest'), base: 'endpoint' };
    } catch (error) {
      throw new PlatformError('invalid-response', 'read', this.entity, error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * Sets the cluster's manifest by `POST config/runtime`.
   * @throws PlatformError on a failed call (401: the credentials were refused)
   */
  async postManifest(manifest: RuntimeManifest): Promise<void> {
    await this.call('set', 'POST', JSON.stringify(manifest), []);
  }

  /**
   * Reads the current manifest, sets the stem-cell counts of the given kinds
   * and memories in it ({@link buildStemCellManifest}) and posts it. Nothing
   * is posted when no count can be placed.
   * @throws RuntimeManifestError on a bad count; PlatformError on a failed call
   */
  async setStemCells(counts: readonly StemCellCount[]): Promise<StemCellUpdate> {
    checkStemCellCounts(counts);
    const current = await this.readManifest();
    let built: StemCellManifest;
    try {
      built = buildStemCellManifest(current.manifest, counts);
    } catch (error) {
      throw new PlatformError('invalid-response', 'read', this.entity, error instanceof Error ? error.message : String(error));
    }
    if (built.applied.length > 0) await this.postManifest(built.manifest);
    return { applied: built.applied, skipped: built.skipped, base: current.base };
  }

  /** One call with retries; a status in `passOn` is answered, not thrown. */
  private async call(operation: string, method: 'GET' | 'POST', body: string | undefined, passOn: readonly number[]): Promise<{ status: number; text: string }> {
    const sleep = this.options.sleep ?? realSleep;
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_ADMIN_TIMEOUT_MS;
    for (let attempt = 1; ; attempt++) {
      let failure: PlatformError;
      let retryable: boolean;
      try {
        const answer = await this.attempt(method, body, timeoutMs);
        if (answer.status < 300 || passOn.includes(answer.status)) return answer;
        const detail =
          answer.status === 401 || answer.status === 403
            ? `the admin endpoint refused the credentials (prewarmAdminAuth / AQUATOPE_PREWARM_ADMIN_AUTH ${this.options.auth === undefined ? 'not set' : 'set'})`
            : show(answer.text.trim() === '' ? `HTTP ${answer.status}` : answer.text.trim());
        failure = new PlatformError(kindOfStatus(answer.status), operation, this.entity, detail, answer.status, attempt);
        retryable = answer.status === 429 || answer.status >= 500;
      } catch (error) {
        failure =
          error instanceof Timeout
            ? new PlatformError('timeout', operation, this.entity, `no answer within ${timeoutMs} ms`, undefined, attempt)
            : new PlatformError('network', operation, this.entity, error instanceof Error ? error.message : String(error), undefined, attempt);
        retryable = true;
      }
      if (!retryable || attempt > this.retry.retries) throw failure;
      await sleep(backoffDelay(this.retry, attempt - 1, this.options.rng));
    }
  }

  private async attempt(method: 'GET' | 'POST', body: string | undefined, timeoutMs: number): Promise<{ status: number; text: string }> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.auth !== undefined) headers.authorization = `Basic ${Buffer.from(this.options.auth).toString('base64')}`;
    try {
      const response = await (this.options.fetch ?? fetch)(this.endpoint, { method, headers, body, signal: controller.signal });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      if (timedOut) throw new Timeout();
      // fetch's own message; the cause (e.g. ECONNREFUSED) says more.
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new Error(`${error instanceof Error ? error.message : String(error)}${cause}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

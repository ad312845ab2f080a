/**
 * One CouchDB database through `nano`: opened (created if missing) with the
 * Mango indexes its repository declares, every call bounded by a client-side
 * timeout (PouchDB and express-pouchdb ignore CouchDB's server-side ones), and
 * every failure turned into a {@link StoreError} with a typed outcome.
 *
 * All requests go through nano's `relax` so each can carry an `AbortSignal`
 * (nano 11 forwards `opts.signal` to `fetch`; its typings omit the field).
 * Documents come back as {@link RawDocument}s (`unknown` fields): the
 * repositories validate them.
 */
import nano from 'nano';
import { StoreError, type StoreOutcome } from './store-error';

/** A document as stored: its id, its revision and fields not yet validated. */
export interface RawDocument {
  readonly _id: string;
  readonly _rev: string;
  readonly [field: string]: unknown;
}

/** A document to write: plain JSON data with its id and, to replace a stored one, its `_rev`. */
export interface WritableDocument {
  readonly _id: string;
  readonly _rev?: string;
  readonly [field: string]: unknown;
}

/** A Mango (JSON) index a repository needs, created on open if missing. */
export interface MangoIndex {
  /** Index name, unique in the database; its design document is `_design/aquatope-<name>`. */
  readonly name: string;
  /** Fields in index order (dotted paths for nested fields). */
  readonly fields: readonly string[];
}

/**
 * Anything undici-compatible that can carry requests (an `undici.Agent`, a
 * `MockAgent` in tests): given to `fetch` as its `dispatcher`.
 */
export interface HttpDispatcher {
  dispatch(options: never, handler: never): unknown;
}

/** How to reach CouchDB. */
export interface CouchConnectionOptions {
  /** Server URL, e.g. `http://admin:secret@127.0.0.1:5984` (credentials are never put in error messages). */
  readonly url: string;
  /** Client-side deadline of each HTTP call, ms. Default {@link DEFAULT_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
  /** Transport to use instead of Node's global one (tests pass an undici `MockAgent`). */
  readonly dispatcher?: HttpDispatcher;
}

/** Default client-side deadline of one CouchDB call, ms. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Rows fetched per `_all_docs` / `_find` page. */
const PAGE_SIZE = 500;

/** A Mango selector (CouchDB `_find` syntax). */
export type MangoSelector = { readonly [field: string]: unknown };

/** A `_find` query; results are fetched page by page until exhausted (or `limit`). */
export interface FindQuery {
  readonly selector: MangoSelector;
  /** Sort fields, ascending; they must be a prefix of a declared index's fields and appear in the selector. */
  readonly sort?: readonly string[];
  /** Index to use, by {@link MangoIndex.name}. */
  readonly useIndex?: string;
  /** At most this many documents. Default: all. */
  readonly limit?: number;
}

/** A key range over document ids for `_all_docs`. */
export interface IdRange {
  /** First id (inclusive). */
  readonly startId: string;
  /** Last id (inclusive). */
  readonly endId: string;
  /** Newest-first order: then `startId` is the larger id. Default false. */
  readonly descending?: boolean;
  /** At most this many documents. Default: all. */
  readonly limit?: number;
}

/** nano's request options plus the abort signal it forwards to fetch. */
interface SignalledRequest extends nano.RequestOptions {
  signal: AbortSignal;
}

/** One request, before the signal is attached. */
interface CouchRequest {
  readonly method: 'get' | 'put' | 'post' | 'delete' | 'head';
  readonly doc?: string;
  readonly path?: string;
  readonly qs?: Record<string, unknown>;
  readonly body?: unknown;
}

/** The server connection: one nano instance, one timeout, error mapping. */
export class CouchServer {
  /** Server URL without credentials, no trailing slash. */
  readonly url: string;
  /** Client-side deadline of each call, ms. */
  readonly timeoutMs: number;
  private readonly client: nano.ServerScope;

  constructor(options: CouchConnectionOptions) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new RangeError(`CouchDB timeoutMs must be a positive number, got ${timeoutMs}`);
    }
    this.timeoutMs = timeoutMs;
    this.url = scrubUrl(options.url);
    const dispatcher = options.dispatcher;
    if (dispatcher !== undefined && !isNanoAgent(dispatcher)) {
      throw new TypeError('CouchDB dispatcher must be an undici Dispatcher (an object with a dispatch method)');
    }
    this.client = dispatcher === undefined ? nano({ url: options.url }) : nano({ url: options.url, agentOptions: dispatcher });
  }

  /**
   * Sends one request (`db` empty: a server-level path) within the timeout.
   * @throws StoreError for every failure.
   */
  async request(operation: string, db: string, request: CouchRequest, docId?: string): Promise<unknown> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const options: SignalledRequest = { method: request.method, signal: controller.signal };
    if (db !== '') options.db = db;
    if (request.doc !== undefined) options.doc = request.doc;
    if (request.path !== undefined) options.path = request.path;
    if (request.qs !== undefined) options.qs = request.qs;
    if (request.body !== undefined) options.body = request.body;
    const where = db === '' ? this.url : `${this.url}/${db}`;
    try {
      const response: unknown = await this.client.relax(options);
      return response;
    } catch (error) {
      if (timedOut) {
        throw new StoreError('unavailable', operation, where, `no answer within ${this.timeoutMs} ms (client-side timeout)`, docId);
      }
      throw toStoreError(error, operation, where, docId);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** One database: documents by id, id ranges, Mango queries. */
export class CouchDatabase {
  /** URL of the database, credentials removed. */
  readonly url: string;

  constructor(
    private readonly server: CouchServer,
    /** Database name. */
    readonly name: string,
  ) {
    this.url = `${server.url}/${name}`;
  }

  /**
   * The stored document, or undefined when there is none (a missing database
   * is not "no document": it throws `not-found`).
   */
  async get(id: string): Promise<RawDocument | undefined> {
    try {
      const body = await this.server.request('get', this.name, { method: 'get', doc: id }, id);
      return rawDocument(body, this.url, 'get', id);
    } catch (error) {
      if (error instanceof StoreError && error.outcome === 'not-found' && !/no_db_file|does not exist/i.test(error.detail)) {
        return undefined;
      }
      throw error;
    }
  }

  /**
   * Creates (no `_rev`) or replaces (with the stored `_rev`) a document.
   * @returns the new revision.
   * @throws StoreError `conflict` when the document exists (create) or changed (replace).
   */
  async put(doc: WritableDocument): Promise<string> {
    const body = await this.server.request('put', this.name, { method: 'put', doc: doc._id, body: doc }, doc._id);
    if (isObject(body) && typeof body.rev === 'string') return body.rev;
    throw new StoreError('unavailable', 'put', this.url, `expected {"ok": true, "rev": ...}, found ${preview(body)}`, doc._id);
  }

  /** Documents whose ids lie in the range, in id order (descending if asked), read page by page. */
  async range(range: IdRange): Promise<RawDocument[]> {
    const descending = range.descending ?? false;
    const limit = range.limit ?? Number.POSITIVE_INFINITY;
    const docs: RawDocument[] = [];
    let startKey = range.startId;
    let skip = 0;
    while (docs.length < limit) {
      const pageSize = Math.min(PAGE_SIZE, limit - docs.length);
      const qs = { include_docs: true, startkey: startKey, endkey: range.endId, descending, limit: pageSize, skip };
      const body = await this.server.request('list', this.name, { method: 'get', path: '_all_docs', qs });
      const rows = isObject(body) && Array.isArray(body.rows) ? body.rows : undefined;
      if (rows === undefined) {
        throw new StoreError('unavailable', 'list', this.url, `expected {"rows": [...]}, found ${preview(body)}`);
      }
      for (const row of rows) {
        const doc = isObject(row) ? row.doc : undefined;
        if (doc === undefined || doc === null) continue;
        docs.push(rawDocument(doc, this.url, 'list', isObject(row) && typeof row.id === 'string' ? row.id : '?'));
      }
      if (rows.length < pageSize) break;
      const last = rows[rows.length - 1];
      if (!isObject(last) || typeof last.id !== 'string') break;
      startKey = last.id;
      skip = 1;
    }
    return docs;
  }

  /** Documents matching a Mango query, every page of them (CouchDB's `_find` returns 25 unless told). */
  async find(query: FindQuery): Promise<RawDocument[]> {
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    const docs: RawDocument[] = [];
    while (docs.length < limit) {
      const pageSize = Math.min(PAGE_SIZE, limit - docs.length);
      const body: Record<string, unknown> = { selector: query.selector, limit: pageSize, skip: docs.length };
      if (query.sort !== undefined) body.sort = query.sort.map((field) => ({ [field]: 'asc' }));
      if (query.useIndex !== undefined) body.use_index = [designDocName(query.useIndex), query.useIndex];
      const response = await this.server.request('find', this.name, { method: 'post', path: '_find', body });
      const page = isObject(response) && Array.isArray(response.docs) ? response.docs : undefined;
      if (page === undefined) {
        throw new StoreError('unavailable', 'find', this.url, `expected {"docs": [...]}, found ${preview(response)}`);
      }
      for (const doc of page) docs.push(rawDocument(doc, this.url, 'find', isObject(doc) && typeof doc._id === 'string' ? doc._id : '?'));
      if (page.length < pageSize) break;
    }
    return docs;
  }

  /** Creates the database if it does not exist (a concurrent creation is fine). */
  async ensureExists(): Promise<void> {
    try {
      await this.server.request('open database', this.name, { method: 'get' });
      return;
    } catch (error) {
      if (!(error instanceof StoreError && error.outcome === 'not-found')) throw error;
    }
    try {
      await this.server.request('create database', this.name, { method: 'put' });
    } catch (error) {
      // 412: someone else created it since we looked.
      if (!(error instanceof StoreError && error.status === 412)) throw error;
    }
  }

  /** Creates a Mango index if missing (CouchDB answers `exists` for an identical one). */
  async ensureIndex(index: MangoIndex): Promise<void> {
    const body = { index: { fields: [...index.fields] }, name: index.name, ddoc: designDocName(index.name), type: 'json' };
    await this.server.request('create index', this.name, { method: 'post', path: '_index', body }, `_index/${index.name}`);
  }
}

/**
 * Opens database `name` on the server, creating it and the given indexes if missing.
 * @throws StoreError (e.g. `unavailable` naming the URL when the server is down).
 */
export async function openDatabase(
  server: CouchServer,
  name: string,
  indexes: readonly MangoIndex[] = [],
): Promise<CouchDatabase> {
  if (!/^[a-z][a-z0-9_$()+/-]*$/.test(name)) {
    throw new RangeError(`CouchDB database name must match ^[a-z][a-z0-9_$()+/-]*$, got ${JSON.stringify(name)}`);
  }
  const db = new CouchDatabase(server, name);
  await db.ensureExists();
  for (const index of indexes) await db.ensureIndex(index);
  return db;
}

/** The design document an index lives in (without `_design/`). */
function designDocName(indexName: string): string {
  return `aquatope-${indexName}`;
}

/** Maps a nano rejection (or anything thrown by fetch) to a typed failure. */
function toStoreError(error: unknown, operation: string, where: string, docId?: string): StoreError {
  const status = isObject(error) && typeof error.statusCode === 'number' ? error.statusCode : undefined;
  if (status === undefined) {
    const message = error instanceof Error ? error.message : String(error);
    return new StoreError('unavailable', operation, where, message.replace(/^error happened in your connection\. Reason: /, ''), docId);
  }
  const reason = isObject(error) && typeof error.reason === 'string' ? error.reason : undefined;
  const code = isObject(error) && typeof error.error === 'string' ? error.error : undefined;
  const detail = [code, reason].filter((part) => part !== undefined && part !== '').join(': ') || `HTTP ${status}`;
  return new StoreError(outcomeOf(status), operation, where, detail, docId, status);
}

function outcomeOf(status: number): StoreOutcome {
  if (status === 409) return 'conflict';
  if (status === 404) return 'not-found';
  if (status >= 500) return 'unavailable';
  return 'rejected';
}

function rawDocument(value: unknown, url: string, operation: string, id: string): RawDocument {
  if (isObject(value) && typeof value._id === 'string' && typeof value._rev === 'string') {
    return { ...value, _id: value._id, _rev: value._rev };
  }
  throw new StoreError('unavailable', operation, url, `expected a document with _id and _rev, found ${preview(value)}`, id);
}

/** True for a non-null, non-array object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * nano 11 hands `agentOptions` to fetch as its `dispatcher`, but types it as
 * undici's classes (`typeof Dispatcher`) rather than instances; this checks the
 * runtime contract (a `dispatch` method) and narrows to nano's declared type.
 */
function isNanoAgent(value: HttpDispatcher): value is HttpDispatcher & NonNullable<nano.Configuration['agentOptions']> {
  return typeof value.dispatch === 'function';
}

/** The URL without credentials or trailing slash. */
function scrubUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError(`CouchDB url is not a valid URL: ${JSON.stringify(url.replace(/\/\/[^@/]*@/, '//'))}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new RangeError(`CouchDB url must be http or https, got ${parsed.protocol}`);
  }
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/+$/, '');
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

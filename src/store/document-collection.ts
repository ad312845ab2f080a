/**
 * The typed documents of one kind in one database: what every repository is
 * built on. A stored document is the repository's plain JSON data plus `_id`,
 * `_rev` and `docType` (the kind, checked on every read). Every replace carries
 * the `_rev` it read; {@link DocumentCollection.updateWithRetry} re-reads and
 * re-applies a change when someone else wrote in between; append-only
 * documents go through {@link DocumentCollection.insertOnce}.
 */
import { isObject, type CouchDatabase, type FindQuery, type MangoSelector, type RawDocument, type WritableDocument } from './couch';
import { DocumentReader } from './document-reader';
import { MalformedDocumentError, StoreError } from './store-error';

/** How to read one kind of document back. */
export interface DocumentType<T> {
  /** Stored in each document's `docType` field, e.g. `tick`. */
  readonly docType: string;
  /** Builds the value from the stored fields (the reader is at the document root); throws on a malformed field. */
  decode(reader: DocumentReader): T;
}

/** A document as stored: its id, its current revision and its validated content. */
export interface Stored<T> {
  readonly id: string;
  /** The revision to quote when replacing it. */
  readonly rev: string;
  readonly doc: T;
}

/** What {@link DocumentCollection.insertOnce} did. */
export type InsertOnceResult<T> =
  /** Written now. */
  | { readonly outcome: 'created'; readonly stored: Stored<T> }
  /** The same content was already stored under this id (a repeated insert). */
  | { readonly outcome: 'already-stored'; readonly stored: Stored<T> };

/** What {@link DocumentCollection.updateWithRetry} did. */
export type UpdateResult<T> =
  /** The change was written (`created`: there was no document before). */
  | { readonly outcome: 'written'; readonly stored: Stored<T>; readonly created: boolean; readonly attempts: number }
  /** `mutate` asked for no change; `stored` is what is there (undefined: nothing). */
  | { readonly outcome: 'unchanged'; readonly stored: Stored<T> | undefined; readonly attempts: number };

/** Options of {@link DocumentCollection.updateWithRetry}. */
export interface UpdateOptions {
  /** Read-mutate-write rounds before giving up on conflicts, >= 1. Default {@link DEFAULT_MAX_ATTEMPTS}. */
  readonly maxAttempts?: number;
}

/** Default rounds of {@link DocumentCollection.updateWithRetry}. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/** Upper bound for id ranges: sorts after every id with the same prefix. */
const HIGH_KEY = '\ufff0';

/** Typed access to the documents of one kind in a database. */
export class DocumentCollection<T extends object> {
  constructor(
    /** The database. */
    readonly db: CouchDatabase,
    private readonly type: DocumentType<T>,
  ) {}

  /** The stored document with this id, validated; undefined when there is none. */
  async get(id: string): Promise<Stored<T> | undefined> {
    const raw = await this.db.get(id);
    return raw === undefined ? undefined : this.decode(raw);
  }

  /**
   * Creates a document.
   * @throws StoreError `conflict` when the id is taken.
   */
  async create(id: string, doc: T): Promise<Stored<T>> {
    const { body, checked } = this.prepare(id, doc);
    const rev = await this.db.put(body);
    return { id, rev, doc: checked };
  }

  /**
   * Replaces the stored revision `stored.rev` with `doc`.
   * @throws StoreError `conflict` when the document changed since that revision.
   */
  async replace(stored: { readonly id: string; readonly rev: string }, doc: T): Promise<Stored<T>> {
    const { body, checked } = this.prepare(stored.id, doc);
    const rev = await this.db.put({ ...body, _rev: stored.rev });
    return { id: stored.id, rev, doc: checked };
  }

  /**
   * Creates a document that is never changed afterwards. Inserting the same
   * content again is not an error (`already-stored`).
   * @throws StoreError `conflict` when the id holds different content.
   */
  async insertOnce(id: string, doc: T): Promise<InsertOnceResult<T>> {
    const { body, checked } = this.prepare(id, doc);
    try {
      const rev = await this.db.put(body);
      return { outcome: 'created', stored: { id, rev, doc: checked } };
    } catch (error) {
      if (!(error instanceof StoreError && error.outcome === 'conflict')) throw error;
      const raw = await this.db.get(id);
      if (raw === undefined) throw error;
      const { _rev: rev, ...content } = raw;
      if (canonicalJson(content) !== canonicalJson(body)) {
        throw new StoreError('conflict', 'insert', this.db.url, 'already stored with different content (append-only documents are never replaced)', id, 409);
      }
      return { outcome: 'already-stored', stored: this.decode(raw) };
    }
  }

  /**
   * Reads the document, applies `mutate` and writes the result with the `_rev`
   * it read (or creates it when there was none); on a conflict (someone wrote
   * in between) it reads again and re-applies `mutate` to the newer version, up
   * to `maxAttempts` rounds. `mutate` must be pure: it may run several times.
   * Returning undefined from `mutate` leaves the document as it is.
   * @throws StoreError `conflict` naming the id and the number of attempts when every round conflicted.
   * @throws RangeError when maxAttempts is not an integer >= 1.
   */
  async updateWithRetry(id: string, mutate: (current: T | undefined) => T | undefined, options: UpdateOptions = {}): Promise<UpdateResult<T>> {
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new RangeError(`updateWithRetry maxAttempts must be an integer >= 1, got ${maxAttempts}`);
    }
    let lastConflict: StoreError | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const current = await this.get(id);
      const next = mutate(current?.doc);
      if (next === undefined) return { outcome: 'unchanged', stored: current, attempts: attempt };
      try {
        const stored = current === undefined ? await this.create(id, next) : await this.replace(current, next);
        return { outcome: 'written', stored, created: current === undefined, attempts: attempt };
      } catch (error) {
        if (!(error instanceof StoreError && error.outcome === 'conflict')) throw error;
        lastConflict = error;
      }
    }
    throw new StoreError(
      'conflict',
      'update',
      this.db.url,
      `still conflicting after ${maxAttempts} attempt(s)${lastConflict === undefined ? '' : ` (last: ${lastConflict.detail})`}`,
      id,
      409,
    );
  }

  /** Documents whose ids start with `prefix`, in id order (newest first if `descending`), at most `limit`. */
  async withIdPrefix(prefix: string, options: { readonly descending?: boolean; readonly limit?: number } = {}): Promise<Stored<T>[]> {
    return this.inIdRange(prefix, `${prefix}${HIGH_KEY}`, options);
  }

  /** Documents with `fromId <= id <= toId`, in id order (or reversed), at most `limit`. */
  async inIdRange(fromId: string, toId: string, options: { readonly descending?: boolean; readonly limit?: number } = {}): Promise<Stored<T>[]> {
    const descending = options.descending ?? false;
    const raws = await this.db.range({
      startId: descending ? toId : fromId,
      endId: descending ? fromId : toId,
      descending,
      limit: options.limit,
    });
    return raws.map((raw) => this.decode(raw));
  }

  /** Documents of this kind matching a Mango query (the `docType` condition is added). */
  async find(query: FindQuery): Promise<Stored<T>[]> {
    const selector: MangoSelector = { ...query.selector, docType: this.type.docType };
    const raws = await this.db.find({ ...query, selector });
    return raws.map((raw) => this.decode(raw));
  }

  /**
   * Validates a stored document.
   * @throws MalformedDocumentError naming the id and the field.
   */
  decode(raw: RawDocument): Stored<T> {
    const reader = new DocumentReader(raw._id, raw);
    const docType = reader.field('docType').string();
    if (docType !== this.type.docType) reader.field('docType').fail(`expected ${JSON.stringify(this.type.docType)}, found ${JSON.stringify(docType)}`);
    return { id: raw._id, rev: raw._rev, doc: this.type.decode(reader) };
  }

  /**
   * The body to write for `doc`, and what it reads back as. The decoder runs
   * before the write, so nothing is stored that could not be read, and the
   * body holds the decoded fields only (a caller's extra fields are dropped).
   * @throws RangeError naming the id and the field.
   */
  private prepare(id: string, doc: T): { readonly body: WritableDocument; readonly checked: T } {
    const json = toJsonObject(doc, `${this.type.docType} ${id}`);
    if ('_id' in json || '_rev' in json || 'docType' in json) {
      throw new RangeError(`cannot store ${this.type.docType} ${id}: _id, _rev and docType are set by the store`);
    }
    let checked: T;
    try {
      checked = this.decode({ ...json, _id: id, _rev: 'unwritten', docType: this.type.docType }).doc;
    } catch (error) {
      if (error instanceof MalformedDocumentError) {
        throw new RangeError(`cannot store ${this.type.docType} ${id}: ${error.field}: ${error.detail}`);
      }
      throw error;
    }
    return { body: { ...toJsonObject(checked, `${this.type.docType} ${id}`), _id: id, docType: this.type.docType }, checked };
  }
}

/** The object as JSON carries it (undefined fields dropped, numbers that JSON cannot hold become null). */
function toJsonObject(value: object, what: string): Record<string, unknown> {
  const json: unknown = JSON.parse(JSON.stringify(value));
  if (!isObject(json)) throw new RangeError(`cannot store ${what}: expected an object, found ${JSON.stringify(json)}`);
  return json;
}

/**
 * JSON text with object keys sorted at every level: equal for equal JSON
 * content whatever the key order (and whatever realm built the objects, which
 * `util.isDeepStrictEqual` would compare too).
 */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/**
 * Validation of documents read back from CouchDB: a reader walks the stored
 * JSON by field, and the first value of the wrong shape throws a
 * {@link MalformedDocumentError} naming the document id and the field's path
 * (`functions[2].invocations: expected an integer >= 0, found -1`). Unknown
 * fields are ignored, so documents written by a newer version still read.
 */
import { MalformedDocumentError } from './store-error';
import { canonicalInstant, canonicalMinute } from './time-keys';

/** Bounds of a number field. */
export interface NumberBounds {
  /** Smallest allowed value (inclusive). */
  readonly min?: number;
  /** Largest allowed value (inclusive). */
  readonly max?: number;
  /** Values must be greater than this (exclusive). */
  readonly above?: number;
  /** Values must be less than this (exclusive). */
  readonly below?: number;
  /** Only integers. */
  readonly integer?: boolean;
}

/** A position in a stored document: its id, a JSON path and the value there. */
export class DocumentReader {
  constructor(
    /** The document's `_id`. */
    readonly docId: string,
    /** The value at {@link path}. */
    readonly value: unknown,
    /** JSON path from the document root (`document` for the root itself). */
    readonly path = 'document',
  ) {}

  /** Throws the {@link MalformedDocumentError} for this position. */
  fail(detail: string): never {
    throw new MalformedDocumentError(this.docId, this.path, detail);
  }

  /** The reader of a required field of this object. */
  field(name: string): DocumentReader {
    const object = this.objectValue();
    if (!Object.prototype.hasOwnProperty.call(object, name)) {
      throw new MalformedDocumentError(this.docId, this.childPath(name), 'missing');
    }
    return new DocumentReader(this.docId, object[name], this.childPath(name));
  }

  /** The reader of an optional field, or undefined when it is absent (or null). */
  optionalField(name: string): DocumentReader | undefined {
    const object = this.objectValue();
    const value = object[name];
    return value === undefined || value === null ? undefined : new DocumentReader(this.docId, value, this.childPath(name));
  }

  /** A non-empty string. */
  string(): string {
    if (typeof this.value !== 'string' || this.value === '') this.fail(`expected a non-empty string, found ${preview(this.value)}`);
    return this.value;
  }

  /** One of the given strings. */
  oneOf<T extends string>(values: readonly T[]): T {
    const found = values.find((v) => v === this.value);
    if (found === undefined) this.fail(`expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}, found ${preview(this.value)}`);
    return found;
  }

  /** A boolean. */
  boolean(): boolean {
    if (typeof this.value !== 'boolean') this.fail(`expected true or false, found ${preview(this.value)}`);
    return this.value;
  }

  /** A finite number within the bounds. */
  number(bounds: NumberBounds = {}): number {
    const v = this.value;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`expected ${describe(bounds)}, found ${preview(v)}`);
    const ok =
      (bounds.integer !== true || Number.isInteger(v)) &&
      (bounds.min === undefined || v >= bounds.min) &&
      (bounds.max === undefined || v <= bounds.max) &&
      (bounds.above === undefined || v > bounds.above) &&
      (bounds.below === undefined || v < bounds.below);
    if (!ok) this.fail(`expected ${describe(bounds)}, found ${preview(v)}`);
    return v;
  }

  /** A canonical ISO 8601 UTC instant (`2024-05-01T12:34:56.789Z`). */
  instant(): string {
    const text = this.string();
    if (!isCanonical(text, canonicalInstant)) this.fail(`expected an ISO 8601 UTC time like 2024-05-01T12:34:56.000Z, found ${preview(text)}`);
    return text;
  }

  /** A canonical ISO 8601 UTC minute (`2024-05-01T12:34:00.000Z`). */
  minute(): string {
    const text = this.string();
    if (!isCanonical(text, canonicalMinute)) this.fail(`expected the start of a minute like 2024-05-01T12:34:00.000Z, found ${preview(text)}`);
    return text;
  }

  /** An array, each element read by `item`; at least `minLength` long (default 0). */
  array<T>(item: (element: DocumentReader, index: number) => T, minLength = 0): T[] {
    if (!Array.isArray(this.value)) this.fail(`expected an array, found ${preview(this.value)}`);
    const elements: unknown[] = this.value;
    if (elements.length < minLength) this.fail(`expected at least ${minLength} element(s), found ${elements.length}`);
    return elements.map((element, index) => item(new DocumentReader(this.docId, element, `${this.path}[${index}]`), index));
  }

  /** `null`, or the value read by `read`. */
  nullable<T>(read: (reader: DocumentReader) => T): T | null {
    return this.value === null ? null : read(this);
  }

  private objectValue(): Record<string, unknown> {
    const v = this.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(`expected an object, found ${preview(v)}`);
    return Object.fromEntries(Object.entries(v));
  }

  private childPath(name: string): string {
    return this.path === 'document' ? name : `${this.path}.${name}`;
  }
}

function isCanonical(text: string, canonical: (iso: string, what: string) => string): boolean {
  try {
    return canonical(text, 'time') === text;
  } catch {
    return false;
  }
}

function describe(bounds: NumberBounds): string {
  const parts: string[] = [];
  if (bounds.min !== undefined) parts.push(`>= ${bounds.min}`);
  if (bounds.above !== undefined) parts.push(`> ${bounds.above}`);
  if (bounds.max !== undefined) parts.push(`<= ${bounds.max}`);
  if (bounds.below !== undefined) parts.push(`< ${bounds.below}`);
  const kind = bounds.integer === true ? 'an integer' : 'a finite number';
  return parts.length === 0 ? kind : `${kind} ${parts.join(' and ')}`;
}

function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { TraceFormatError } from './trace-format-error';

/*
 * Line-level reading of CSV trace files: the line stream itself, and the checks
 * every trace reader shares (header, blank lines, field counts, numeric fields),
 * so that all readers word their errors the same way.
 */

/** One line of a text file, without its line terminator. */
export interface TraceLine {
  /** The line's text, without `\n` / `\r\n` (and without a UTF-8 byte-order mark on line 1). */
  readonly text: string;
  /** 1-based line number. */
  readonly line: number;
}

/**
 * Streams a text file line by line, in constant memory (the Azure 2019 day files
 * are hundreds of MB: they are never read whole).
 *
 * `\n`, `\r\n` and a lone `\r` all end a line; a final line terminator does not
 * produce an extra empty line, but every other empty line is yielded (the
 * readers reject them). A UTF-8 byte-order mark at the start of the file is dropped.
 * The file is closed when the iteration ends, including by `break` or a throw.
 * I/O errors (missing file, directory, …) reject the iteration with Node's error.
 *
 * @param path file to read (UTF-8)
 */
export async function* readLines(path: string): AsyncGenerator<TraceLine, void, undefined> {
  const input = fs.createReadStream(path, { encoding: 'utf8' });
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of lines) {
      line++;
      const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      yield { text, line };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

/** The error for a file with no line at all: line 0, "expected a header line". */
export function emptyFileError(file: string): TraceFormatError {
  return new TraceFormatError(file, 0, 0, 'a header line', '');
}

/** The error for an empty first line: line 1, column 1, "expected a header line". */
export function emptyHeaderError(file: string): TraceFormatError {
  return new TraceFormatError(file, 1, 1, 'a header line', '');
}

/** The error for an empty line after the header (only the file's final line terminator may be omitted or present). */
export function blankLineError(file: string, line: number): TraceFormatError {
  return new TraceFormatError(file, line, 1, 'a data row (blank lines are not allowed)', '');
}

/** The error for a file that has a header and nothing after it: reported at line 2. */
export function noDataRowsError(file: string): TraceFormatError {
  return new TraceFormatError(file, 2, 1, 'at least one data row after the header', '');
}

/**
 * The error for a row with the wrong number of comma-separated fields. The
 * column is the first missing field (too few) or the first extra field (too many).
 *
 * @param found number of fields on the line
 * @param expected number of fields the header asks for
 * @param layout short description of the expected fields, e.g. `"app,func,end_timestamp,duration"`
 */
export function fieldCountError(file: string, line: number, found: number, expected: number, layout: string): TraceFormatError {
  const column = found < expected ? found + 1 : expected + 1;
  const plural = (n: number): string => `${n} ${n === 1 ? 'field' : 'fields'}`;
  return new TraceFormatError(file, line, column, `${plural(expected)} separated by commas (${layout})`, plural(found));
}

/**
 * Checks a header line against a fixed list of column names, reporting the
 * first column that differs (or the first missing / extra one).
 *
 * @returns the header's fields (equal to `expected`)
 */
export function expectExactHeader(file: string, text: string, expected: readonly string[]): string[] {
  if (text === '') throw emptyHeaderError(file);
  const fields = text.split(',');
  const n = Math.min(fields.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (fields[i] !== expected[i]) {
      throw new TraceFormatError(file, 1, i + 1, `header column "${expected[i]}" (header ${expected.join(',')})`, fields[i]);
    }
  }
  if (fields.length !== expected.length) {
    throw fieldCountError(file, 1, fields.length, expected.length, `header ${expected.join(',')}`);
  }
  return fields;
}

/** Largest per-minute count a `Uint32Array` holds. */
export const MAX_COUNT = 0xffffffff;

/** What a per-minute count field must be (used in error messages). */
export const COUNT_EXPECTED = 'a non-negative integer count';

/**
 * Parses one per-minute invocation count: decimal digits, optionally followed by
 * `.` and zeros only (`12.0`, as pandas writes integer columns that went through
 * floats). No sign, no spaces, no exponent.
 *
 * @throws TraceFormatError on an empty, non-numeric, negative, fractional or > {@link MAX_COUNT} field
 * @returns the count (invocations in that minute)
 */
export function parseCount(file: string, line: number, column: number, cell: string): number {
  const n = cell.length;
  let value = 0;
  let i = 0;
  for (; i < n; i++) {
    const c = cell.charCodeAt(i);
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  const digits = i;
  if (i < n && cell.charCodeAt(i) === 46 /* . */) {
    i++;
    while (i < n && cell.charCodeAt(i) === 48 /* 0 */) i++;
  }
  if (digits === 0 || i !== n) throw new TraceFormatError(file, line, column, COUNT_EXPECTED, cell);
  if (value > MAX_COUNT) throw new TraceFormatError(file, line, column, `a count of at most ${MAX_COUNT}`, cell);
  return value;
}

const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a non-negative decimal number (`12`, `12.5`, `.5`, `1e3`; no sign, no spaces).
 *
 * @param what the column and its unit, for the error message, e.g. `"Average, ms"`
 * @throws TraceFormatError on an empty, non-numeric or negative field
 */
export function parseNonNegativeNumber(file: string, line: number, column: number, cell: string, what: string): number {
  const value = DECIMAL.test(cell) ? Number(cell) : Number.NaN;
  if (!Number.isFinite(value)) throw new TraceFormatError(file, line, column, `a non-negative number (${what})`, cell);
  return value;
}

/**
 * Parses a non-negative integer (`12`, or `12.0`) up to `Number.MAX_SAFE_INTEGER`.
 *
 * @param what the column, for the error message, e.g. `"Count"`
 * @throws TraceFormatError on an empty, non-numeric, negative or fractional field
 */
export function parseNonNegativeInteger(file: string, line: number, column: number, cell: string, what: string): number {
  const value = DECIMAL.test(cell) ? Number(cell) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new TraceFormatError(file, line, column, `a non-negative integer (${what})`, cell);
  return value;
}

/**
 * Returns `cell` if it is non-empty.
 *
 * @param what the column, for the error message, e.g. `"HashApp"`
 * @throws TraceFormatError on an empty field
 */
export function requireNonEmpty(file: string, line: number, column: number, cell: string, what: string): string {
  if (cell === '') throw new TraceFormatError(file, line, column, `a non-empty ${what}`, '');
  return cell;
}

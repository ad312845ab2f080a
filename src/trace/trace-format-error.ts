/**
 * A trace file that does not have the expected shape. The message always names
 * the file, the 1-based line and column, what was found and what was expected,
 * so an operator can open the file at that spot.
 */
export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';

  constructor(
    /** Path (or label) of the file. */
    readonly file: string,
    /** 1-based line number; 0 when the problem is the file as a whole (e.g. empty). */
    readonly line: number,
    /** 1-based column (CSV field) number; 0 when the problem is the whole line. */
    readonly column: number,
    /** What was expected there, e.g. "a non-negative integer count". */
    readonly expected: string,
    /** What was found ('' when nothing). */
    readonly found: string,
  ) {
    super(
      `${file}:${line}${column > 0 ? `:${column}` : ''}: expected ${expected}` +
        (found === '' ? '' : `, found ${JSON.stringify(found.length > 80 ? `${found.slice(0, 77)}...` : found)}`),
    );
  }
}

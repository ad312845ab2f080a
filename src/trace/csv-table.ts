import { TraceFormatError } from './trace-format-error';
import {
  blankLineError,
  emptyFileError,
  expectExactHeader,
  fieldCountError,
  noDataRowsError,
  parseNonNegativeNumber,
  readLines,
} from './line-reader';

/**
 * Streams a CSV file whose header must be exactly `columns`, checks every data
 * row's field count (no blank lines, at least one row) and turns each row into a
 * value with `parseRow(fields, line)`, which throws a TraceFormatError naming the
 * bad cell.
 */
export async function readCsvTable<T>(
  path: string,
  columns: readonly string[],
  parseRow: (fields: readonly string[], line: number) => T,
): Promise<T[]> {
  const layoutText = columns.join(',');
  let sawHeader = false;
  const rows: T[] = [];
  for await (const { text, line } of readLines(path)) {
    if (!sawHeader) {
      expectExactHeader(path, text, columns);
      sawHeader = true;
      continue;
    }
    if (text === '') throw blankLineError(path, line);
    const f = text.split(',');
    if (f.length !== columns.length) throw fieldCountError(path, line, f.length, columns.length, layoutText);
    rows.push(parseRow(f, line));
  }
  if (!sawHeader) throw emptyFileError(path);
  if (rows.length === 0) throw noDataRowsError(path);
  return rows;
}

/**
 * The non-negative, non-decreasing numbers in columns `first..` of a row (percentile columns).
 * @param unit appended to the column name in errors, e.g. `ms` or `MB`
 */
export function parsePercentiles(
  path: string,
  line: number,
  fields: readonly string[],
  columns: readonly string[],
  first: number,
  unit: string,
): number[] {
  const values: number[] = [];
  for (let i = first; i < columns.length; i++) {
    const v = parseNonNegativeNumber(path, line, i + 1, fields[i], `${columns[i]}, ${unit}`);
    if (values.length > 0) {
      const prev = values[values.length - 1];
      if (v < prev) {
        throw new TraceFormatError(path, line, i + 1, `a value >= ${prev} (${columns[i - 1]}): percentiles must not decrease`, fields[i]);
      }
    }
    values.push(v);
  }
  return values;
}

import { TraceFormatError } from './trace-format-error';
import { DURATION_PERCENTILE_POINTS, type DurationPercentiles } from './types';
import {
  blankLineError,
  emptyFileError,
  expectExactHeader,
  fieldCountError,
  noDataRowsError,
  parseNonNegativeInteger,
  parseNonNegativeNumber,
  readLines,
  requireNonEmpty,
} from './line-reader';

/** Header of the Azure 2019 `function_durations_percentiles.anon.dXX.csv` files (and of vHive's `*_run.csv`). */
export const AZURE_2019_DURATIONS_HEADER: readonly string[] = [
  'HashOwner',
  'HashApp',
  'HashFunction',
  'Average',
  'Count',
  'Minimum',
  'Maximum',
  ...DURATION_PERCENTILE_POINTS.map((p) => `percentile_Average_${p}`),
];

/** Index of the first percentile column. */
const FIRST_PERCENTILE = 7;

/**
 * Reads an Azure Functions 2019 duration-percentiles file, streaming it line by line.
 *
 * @param path the CSV file, header {@link AZURE_2019_DURATIONS_HEADER}
 * @returns one row each, in file order; all times in ms, percentiles at {@link DURATION_PERCENTILE_POINTS}
 * @throws TraceFormatError on a wrong header, a wrong field count, an empty id, a
 *   non-numeric or negative number, a non-integer `Count`, or decreasing percentiles
 */
export async function readAzure2019Durations(path: string): Promise<DurationPercentiles[]> {
  const columns = AZURE_2019_DURATIONS_HEADER;
  const layoutText = columns.join(',');
  let sawHeader = false;
  const rows: DurationPercentiles[] = [];
  for await (const { text, line } of readLines(path)) {
    if (!sawHeader) {
      expectExactHeader(path, text, columns);
      sawHeader = true;
      continue;
    }
    if (text === '') throw blankLineError(path, line);
    const f = text.split(',');
    if (f.length !== columns.length) throw fieldCountError(path, line, f.length, columns.length, layoutText);
    const ms = (i: number): number => parseNonNegativeNumber(path, line, i + 1, f[i], `${columns[i]}, ms`);
    const owner = requireNonEmpty(path, line, 1, f[0], columns[0]);
    const app = requireNonEmpty(path, line, 2, f[1], columns[1]);
    const func = requireNonEmpty(path, line, 3, f[2], columns[2]);
    const averageMs = ms(3);
    const count = parseNonNegativeInteger(path, line, 5, f[4], columns[4]);
    const minimumMs = ms(5);
    const maximumMs = ms(6);
    const percentilesMs: number[] = [];
    for (let i = FIRST_PERCENTILE; i < columns.length; i++) {
      const v = ms(i);
      if (percentilesMs.length > 0) {
        const prev = percentilesMs[percentilesMs.length - 1];
        if (v < prev) {
          throw new TraceFormatError(path, line, i + 1, `a value >= ${prev} (${columns[i - 1]}): percentiles must not decrease`, f[i]);
        }
      }
      percentilesMs.push(v);
    }
    rows.push({ owner, app, func, averageMs, count, minimumMs, maximumMs, percentilesMs });
  }
  if (!sawHeader) throw emptyFileError(path);
  if (rows.length === 0) throw noDataRowsError(path);
  return rows;
}

import { TraceFormatError } from './trace-format-error';
import { MEMORY_PERCENTILE_POINTS, type MemoryPercentiles } from './types';
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

/** Header of the Azure 2019 `app_memory_percentiles.anon.dXX.csv` files (and of vHive's `*_mem.csv`). */
export const AZURE_2019_MEMORY_HEADER: readonly string[] = [
  'HashOwner',
  'HashApp',
  'SampleCount',
  'AverageAllocatedMb',
  ...MEMORY_PERCENTILE_POINTS.map((p) => `AverageAllocatedMb_pct${p}`),
];

/** Index of the first percentile column. */
const FIRST_PERCENTILE = 4;

/**
 * Reads an Azure Functions 2019 app memory-percentiles file, streaming it line by line.
 *
 * @param path the CSV file, header {@link AZURE_2019_MEMORY_HEADER}
 * @returns one row each, in file order; memory in MB, percentiles at {@link MEMORY_PERCENTILE_POINTS}
 * @throws TraceFormatError on a wrong header, a wrong field count, an empty id, a
 *   non-numeric or negative number, a non-integer `SampleCount`, or decreasing percentiles
 */
export async function readAzure2019Memory(path: string): Promise<MemoryPercentiles[]> {
  const columns = AZURE_2019_MEMORY_HEADER;
  const layoutText = columns.join(',');
  let sawHeader = false;
  const rows: MemoryPercentiles[] = [];
  for await (const { text, line } of readLines(path)) {
    if (!sawHeader) {
      expectExactHeader(path, text, columns);
      sawHeader = true;
      continue;
    }
    if (text === '') throw blankLineError(path, line);
    const f = text.split(',');
    if (f.length !== columns.length) throw fieldCountError(path, line, f.length, columns.length, layoutText);
    const mb = (i: number): number => parseNonNegativeNumber(path, line, i + 1, f[i], `${columns[i]}, MB`);
    const owner = requireNonEmpty(path, line, 1, f[0], columns[0]);
    const app = requireNonEmpty(path, line, 2, f[1], columns[1]);
    const sampleCount = parseNonNegativeInteger(path, line, 3, f[2], columns[2]);
    const averageMB = mb(3);
    const percentilesMB: number[] = [];
    for (let i = FIRST_PERCENTILE; i < columns.length; i++) {
      const v = mb(i);
      if (percentilesMB.length > 0) {
        const prev = percentilesMB[percentilesMB.length - 1];
        if (v < prev) {
          throw new TraceFormatError(path, line, i + 1, `a value >= ${prev} (${columns[i - 1]}): percentiles must not decrease`, f[i]);
        }
      }
      percentilesMB.push(v);
    }
    rows.push({ owner, app, sampleCount, averageMB, percentilesMB });
  }
  if (!sawHeader) throw emptyFileError(path);
  if (rows.length === 0) throw noDataRowsError(path);
  return rows;
}

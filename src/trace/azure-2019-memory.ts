import { MEMORY_PERCENTILE_POINTS, type MemoryPercentiles } from './types';
import { parseNonNegativeInteger, parseNonNegativeNumber, requireNonEmpty } from './line-reader';
import { parsePercentiles, readCsvTable } from './csv-table';

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
  return readCsvTable(path, columns, (f, line) => ({
    owner: requireNonEmpty(path, line, 1, f[0], columns[0]),
    app: requireNonEmpty(path, line, 2, f[1], columns[1]),
    sampleCount: parseNonNegativeInteger(path, line, 3, f[2], columns[2]),
    averageMB: parseNonNegativeNumber(path, line, 4, f[3], `${columns[3]}, MB`),
    percentilesMB: parsePercentiles(path, line, f, columns, FIRST_PERCENTILE, 'MB'),
  }));
}

import { DURATION_PERCENTILE_POINTS, type DurationPercentiles } from './types';
import { parseNonNegativeInteger, parseNonNegativeNumber, requireNonEmpty } from './line-reader';
import { parsePercentiles, readCsvTable } from './csv-table';

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
  return readCsvTable(path, columns, (f, line) => {
    const ms = (i: number): number => parseNonNegativeNumber(path, line, i + 1, f[i], `${columns[i]}, ms`);
    return {
      owner: requireNonEmpty(path, line, 1, f[0], columns[0]),
      app: requireNonEmpty(path, line, 2, f[1], columns[1]),
      func: requireNonEmpty(path, line, 3, f[2], columns[2]),
      averageMs: ms(3),
      count: parseNonNegativeInteger(path, line, 5, f[4], columns[4]),
      minimumMs: ms(5),
      maximumMs: ms(6),
      percentilesMs: parsePercentiles(path, line, f, columns, FIRST_PERCENTILE, 'ms'),
    };
  });
}

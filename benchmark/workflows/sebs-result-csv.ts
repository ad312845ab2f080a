/**
 * Reader of the SeBS perf-cost measurements of AWS Lambda
 * (`../shared/data/sebs-perf-cost/aws/<bench>/result.csv`, from
 * spcl/serverless-benchmarks-artifact; Copik et al., "SeBS: A Serverless
 * Benchmark Suite for Function-as-a-Service Computing", Middleware 2021), and
 * SeBS's own row filter. Streams the file with the project's CSV helpers, so a
 * malformed row is reported as `file:line:column: expected ..., found ...`.
 */
import { readCsvTable } from '../../src/trace/csv-table';
import { parseNonNegativeInteger, parseNonNegativeNumber } from '../../src/trace/line-reader';
import { TraceFormatError } from '../../src/trace/trace-format-error';

/** Header of an AWS (and Azure) SeBS `result.csv`. GCP files have no `mem_used` and are not read here. */
export const SEBS_RESULT_HEADER: readonly string[] = [
  'memory',
  'type',
  'is_cold',
  'exec_time',
  'connection_time',
  'client_time',
  'provider_time',
  'mem_used',
];

/** Values of the `type` column (AWS: cold, warm; Azure also burst, sequential). */
const TYPES = ['cold', 'warm', 'burst', 'sequential'];

/** One measured invocation. */
export interface SebsRow {
  /** 1-based line in the file. */
  readonly line: number;
  /** Memory limit, MB (0 on Azure: dynamic allocation). */
  readonly memoryMB: number;
  /** `cold`, `warm` (AWS), `burst` or `sequential` (Azure). */
  readonly type: string;
  /** The platform said the invocation started cold. */
  readonly isCold: boolean;
  /** Function execution time measured inside the function, µs. */
  readonly execTimeUs: number;
  /** Billed duration reported by the provider, µs on AWS (0 when the provider reported none). */
  readonly providerTimeUs: number;
  /** Peak memory used, MB; undefined when the cell is empty (rows without a provider report). */
  readonly memUsedMB: number | undefined;
}

/**
 * Reads one SeBS `result.csv` with header {@link SEBS_RESULT_HEADER}.
 *
 * @throws TraceFormatError on a wrong header, a wrong field count, a non-integer
 *   memory, an unknown `type`, an `is_cold` other than True/False, or a
 *   non-numeric or negative time or memory
 */
export async function readSebsResult(path: string): Promise<SebsRow[]> {
  const columns = SEBS_RESULT_HEADER;
  return readCsvTable(path, columns, (f, line): SebsRow => {
    const num = (i: number, unit: string): number => parseNonNegativeNumber(path, line, i + 1, f[i], `${columns[i]}, ${unit}`);
    const type = f[1];
    if (!TYPES.includes(type)) throw new TraceFormatError(path, line, 2, `one of ${TYPES.join(', ')} (type)`, type);
    if (f[2] !== 'True' && f[2] !== 'False') throw new TraceFormatError(path, line, 3, 'True or False (is_cold)', f[2]);
    num(4, 's');
    num(5, 'µs');
    return {
      line,
      memoryMB: parseNonNegativeInteger(path, line, 1, f[0], 'memory, MB'),
      type,
      isCold: f[2] === 'True',
      execTimeUs: num(3, 'µs'),
      providerTimeUs: num(6, 'µs'),
      memUsedMB: f[7] === '' ? undefined : num(7, 'MB'),
    };
  });
}

/** One warm invocation kept for fitting. */
export interface WarmRun {
  /** Memory limit, MB. */
  readonly memoryMB: number;
  /** Execution time, ms. */
  readonly execMs: number;
  /** Peak memory used, MB. */
  readonly memUsedMB: number;
}

/**
 * The warm invocations SeBS itself keeps: `type == warm` with `is_cold` False
 * (SeBS drops rows where the two disagree), and non-zero `exec_time` and
 * `provider_time` (SeBS drops zeros). Times converted from µs to ms.
 *
 * @param path the file the rows came from, for errors
 * @throws TraceFormatError when a kept row has no `mem_used`
 */
export function keptWarmRuns(path: string, rows: readonly SebsRow[]): WarmRun[] {
  const runs: WarmRun[] = [];
  for (const r of rows) {
    if (r.type !== 'warm' || r.isCold || r.execTimeUs === 0 || r.providerTimeUs === 0) continue;
    if (r.memUsedMB === undefined) throw new TraceFormatError(path, r.line, 8, 'a mem_used value (MB) on a warm row with a provider time', '');
    runs.push({ memoryMB: r.memoryMB, execMs: r.execTimeUs / 1000, memUsedMB: r.memUsedMB });
  }
  return runs;
}

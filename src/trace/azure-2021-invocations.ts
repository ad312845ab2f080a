import type { FunctionSeries, InvocationRecord, InvocationTrace } from './types';
import { parseNonNegativeNumber, requireNonEmpty } from './line-reader';
import { readCsvTable } from './csv-table';

/** Header of the Azure Functions 2021 per-invocation trace (`AzureFunctionsInvocationTraceForTwoWeeksJan2021.txt`). */
export const AZURE_2021_HEADER: readonly string[] = ['app', 'func', 'end_timestamp', 'duration'];

/** Width of one bin of {@link recordsToTrace}, s. */
export const MINUTE_S = 60;

/**
 * Reads an Azure Functions 2021 per-invocation file (`app,func,end_timestamp,duration`,
 * both times in seconds from the trace start), streaming it line by line.
 *
 * @param path the CSV file
 * @returns the records in file order (the file is not sorted; neither is the result)
 * @throws TraceFormatError on a wrong header, a wrong field count, an empty id, or a non-numeric or negative time
 */
export async function readAzure2021Invocations(path: string): Promise<InvocationRecord[]> {
  return readCsvTable(path, AZURE_2021_HEADER, (f, line) => ({
    app: requireNonEmpty(path, line, 1, f[0], 'app'),
    func: requireNonEmpty(path, line, 2, f[1], 'func'),
    endTimestampS: parseNonNegativeNumber(path, line, 3, f[2], 'end_timestamp, s'),
    durationS: parseNonNegativeNumber(path, line, 4, f[3], 'duration, s'),
  }));
}

/**
 * Bins per-invocation records into a per-minute trace. Each invocation counts in
 * the minute of its START, `max(0, endTimestampS - durationS)`: bin
 * `floor(start / 60)`. One {@link FunctionSeries} per distinct (app, func) pair,
 * in first-seen order, with `id = func`, `app = app`, `owner = trigger = ''`.
 * The trace runs from minute 0 (`firstMinuteLabel` 0) to the last minute with a
 * start; no records give an empty trace (0 minutes, no functions).
 *
 * @param records invocations, in any order; times in s
 * @param source the trace's `source` label (e.g. the file path)
 * @throws RangeError when a record has a negative or non-finite time
 */
export function recordsToTrace(records: readonly InvocationRecord[], source: string): InvocationTrace {
  const minuteOf = new Uint32Array(records.length);
  const seriesOf = new Uint32Array(records.length);
  const byApp = new Map<string, Map<string, number>>();
  const keys: { app: string; func: string }[] = [];
  let minutes = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (!(Number.isFinite(r.endTimestampS) && r.endTimestampS >= 0 && Number.isFinite(r.durationS) && r.durationS >= 0)) {
      throw new RangeError(`recordsToTrace: record ${i} (${r.app}, ${r.func}) has end ${r.endTimestampS} s and duration ${r.durationS} s; both must be finite and >= 0`);
    }
    const minute = Math.floor(Math.max(0, r.endTimestampS - r.durationS) / MINUTE_S);
    minuteOf[i] = minute;
    if (minute + 1 > minutes) minutes = minute + 1;
    let funcs = byApp.get(r.app);
    if (funcs === undefined) {
      funcs = new Map<string, number>();
      byApp.set(r.app, funcs);
    }
    let index = funcs.get(r.func);
    if (index === undefined) {
      index = keys.length;
      funcs.set(r.func, index);
      keys.push({ app: r.app, func: r.func });
    }
    seriesOf[i] = index;
  }
  const counts = keys.map(() => new Uint32Array(minutes));
  for (let i = 0; i < records.length; i++) counts[seriesOf[i]][minuteOf[i]]++;
  const functions: FunctionSeries[] = keys.map((k, i) => ({ id: k.func, owner: '', app: k.app, trigger: '', counts: counts[i] }));
  return { source, firstMinuteLabel: 0, minutes, functions };
}

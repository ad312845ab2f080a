import { TraceFormatError } from './trace-format-error';
import type { InvocationTrace } from './types';
import { emptyFileError, emptyHeaderError, readLines } from './line-reader';
import {
  AZURE_2019_INVITRO_LAYOUT,
  AZURE_2019_OFFICIAL_LAYOUT,
  describeLayout,
  matchAzure2019Layout,
  readAzure2019Invocations,
} from './azure-2019-invocations';
import { AZURE_2021_HEADER, readAzure2021Invocations, recordsToTrace } from './azure-2021-invocations';
import { isMinuteSeriesHeader, readMinuteSeries } from './minute-series';

/** The invocation-trace layouts {@link readTrace} accepts, as listed in its error message. */
export const ACCEPTED_TRACE_LAYOUTS: readonly string[] = [
  `Azure 2019 per-minute (${describeLayout(AZURE_2019_OFFICIAL_LAYOUT)})`,
  `vHive in-vitro per-minute (${describeLayout(AZURE_2019_INVITRO_LAYOUT)})`,
  `Azure 2021 per-invocation (${AZURE_2021_HEADER.join(',')})`,
  'single-column per-minute series (one header token, e.g. "0", then one count per line)',
];

/** Reads only the first line of `path` (`undefined` for an empty file). */
async function readHeaderLine(path: string): Promise<string | undefined> {
  for await (const { text } of readLines(path)) return text;
  return undefined;
}

/**
 * Reads any supported invocation trace, choosing the reader from the header line:
 * Azure 2019 per-minute (official or vHive in-vitro layout, see
 * {@link readAzure2019Invocations}), Azure 2021 per-invocation (binned per minute
 * by start time, see {@link recordsToTrace}), or a single-column per-minute series
 * ({@link readMinuteSeries}).
 *
 * @param path the trace file; also the trace's `source`
 * @returns counts in invocations per minute
 * @throws TraceFormatError for an empty file, or at line 1 for a header of no
 *   accepted layout (the message lists them), or whatever the chosen reader finds
 */
export async function readTrace(path: string): Promise<InvocationTrace> {
  const header = await readHeaderLine(path);
  if (header === undefined) throw emptyFileError(path);
  if (header === '') throw emptyHeaderError(path);
  if (matchAzure2019Layout(header) !== undefined) return readAzure2019Invocations(path);
  if (header === AZURE_2021_HEADER.join(',')) return recordsToTrace(await readAzure2021Invocations(path), path);
  if (isMinuteSeriesHeader(header)) return readMinuteSeries(path);
  throw new TraceFormatError(path, 1, 1, `a header of one of the accepted layouts: ${ACCEPTED_TRACE_LAYOUTS.join('; ')}`, header);
}

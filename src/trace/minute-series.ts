import * as nodePath from 'node:path';
import { TraceFormatError } from './trace-format-error';
import type { InvocationTrace } from './types';
import { blankLineError, emptyFileError, emptyHeaderError, noDataRowsError, parseCount, readLines } from './line-reader';

/** Label given to the first minute of a single-column series (Azure numbers minutes from 1). */
export const MINUTE_SERIES_FIRST_LABEL = 1;

/** True when `header` is a single-column series header: one non-empty token, no comma. */
export function isMinuteSeriesHeader(header: string): boolean {
  return header !== '' && !header.includes(',');
}

/**
 * Reads a single-column per-minute series: one header line (any single token,
 * e.g. `0` as pandas writes it), then one non-negative integer count per line,
 * minute 1 first. Streams the file line by line.
 *
 * @param path the file; its base name without extension becomes the function id
 * @returns a trace with one function (`owner`, `app`, `trigger` all `''`),
 *   `firstMinuteLabel` {@link MINUTE_SERIES_FIRST_LABEL}, counts in invocations per minute
 * @throws TraceFormatError on a missing or multi-column header, a line that is not
 *   exactly one count, a blank line, or no counts at all
 */
export async function readMinuteSeries(path: string): Promise<InvocationTrace> {
  let sawHeader = false;
  let counts = new Uint32Array(1024);
  let minutes = 0;
  for await (const { text, line } of readLines(path)) {
    if (!sawHeader) {
      if (text === '') throw emptyHeaderError(path);
      if (!isMinuteSeriesHeader(text)) {
        throw new TraceFormatError(path, 1, 2, 'a single-column header (one token, e.g. "0")', text);
      }
      sawHeader = true;
      continue;
    }
    if (text === '') throw blankLineError(path, line);
    const comma = text.indexOf(',');
    if (comma >= 0) throw new TraceFormatError(path, line, 2, 'a single field (one count per line)', text);
    if (minutes === counts.length) {
      const grown = new Uint32Array(counts.length * 2);
      grown.set(counts);
      counts = grown;
    }
    counts[minutes++] = parseCount(path, line, 1, text);
  }
  if (!sawHeader) throw emptyFileError(path);
  if (minutes === 0) throw noDataRowsError(path);
  const id = nodePath.parse(path).name;
  return {
    source: path,
    firstMinuteLabel: MINUTE_SERIES_FIRST_LABEL,
    minutes,
    functions: [{ id, owner: '', app: '', trigger: '', counts: counts.slice(0, minutes) }],
  };
}

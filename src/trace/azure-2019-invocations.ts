import { TraceFormatError } from './trace-format-error';
import type { FunctionSeries, InvocationTrace } from './types';
import {
  blankLineError,
  emptyFileError,
  emptyHeaderError,
  fieldCountError,
  MAX_COUNT,
  noDataRowsError,
  parseCount,
  readLines,
  requireNonEmpty,
} from './line-reader';

/** One of the two per-minute Azure 2019 invocation layouts. */
export interface Azure2019InvocationLayout {
  /** Short name, for messages. */
  readonly name: string;
  /** The id columns, in order, before the minute columns. */
  readonly idColumns: readonly string[];
  /** Prefix of each minute column's label (`''` for `1,2,…`, `'minute_'` for `minute_1,…`). */
  readonly minutePrefix: string;
}

/** The official Azure 2019 `invocations_per_function_md.anon.dXX.csv`: `HashOwner,HashApp,HashFunction,Trigger,1,…,1440`. */
export const AZURE_2019_OFFICIAL_LAYOUT: Azure2019InvocationLayout = {
  name: 'Azure 2019',
  idColumns: ['HashOwner', 'HashApp', 'HashFunction', 'Trigger'],
  minutePrefix: '',
};

/** The vHive in-vitro sample (`1350_inv.csv`): `HashFunction,HashOwner,HashApp,minute_1,…,minute_1440`. */
export const AZURE_2019_INVITRO_LAYOUT: Azure2019InvocationLayout = {
  name: 'vHive in-vitro',
  idColumns: ['HashFunction', 'HashOwner', 'HashApp'],
  minutePrefix: 'minute_',
};

/** Both per-minute Azure 2019 layouts, in the order they are tried. */
export const AZURE_2019_INVOCATION_LAYOUTS: readonly Azure2019InvocationLayout[] = [AZURE_2019_OFFICIAL_LAYOUT, AZURE_2019_INVITRO_LAYOUT];

/** Human-readable header of a layout, e.g. `HashOwner,HashApp,HashFunction,Trigger,1,2,…`. */
export function describeLayout(layout: Azure2019InvocationLayout): string {
  const p = layout.minutePrefix;
  return `${layout.idColumns.join(',')},${p}1,${p}2,…`;
}

/**
 * The layout whose id columns start `header` (`undefined` when none does). Only
 * the id columns are compared: the minute columns are checked by the reader.
 */
export function matchAzure2019Layout(header: string): Azure2019InvocationLayout | undefined {
  for (const layout of AZURE_2019_INVOCATION_LAYOUTS) {
    if (header.startsWith(`${layout.idColumns.join(',')},`) || header === layout.idColumns.join(',')) return layout;
  }
  return undefined;
}

/** A parsed header: the layout and its contiguous minute range. */
interface ParsedHeader {
  readonly layout: Azure2019InvocationLayout;
  /** Label of the first minute column. */
  readonly firstMinuteLabel: number;
  /** Number of minute columns. */
  readonly minutes: number;
}

function parseHeader(file: string, text: string): ParsedHeader {
  if (text === '') throw emptyHeaderError(file);
  const fields = text.split(',');
  const layout = AZURE_2019_INVOCATION_LAYOUTS.find((l) => fields[0] === l.idColumns[0]);
  if (layout === undefined) {
    throw new TraceFormatError(
      file,
      1,
      1,
      `header column "HashOwner" (${describeLayout(AZURE_2019_OFFICIAL_LAYOUT)}) or "HashFunction" (${describeLayout(AZURE_2019_INVITRO_LAYOUT)})`,
      fields[0],
    );
  }
  const ids = layout.idColumns;
  for (let i = 1; i < ids.length; i++) {
    const found = i < fields.length ? fields[i] : '';
    if (found !== ids[i]) {
      throw new TraceFormatError(file, 1, i + 1, `header column "${ids[i]}" (${describeLayout(layout)})`, found);
    }
  }
  const prefix = layout.minutePrefix;
  if (fields.length === ids.length) {
    throw new TraceFormatError(file, 1, ids.length + 1, `minute columns after ${ids[ids.length - 1]} (${describeLayout(layout)})`, '');
  }
  const first = fields[ids.length];
  const label = first.startsWith(prefix) ? first.slice(prefix.length) : '';
  if (!/^\d+$/.test(label) || String(Number(label)) !== label) {
    throw new TraceFormatError(file, 1, ids.length + 1, `a minute column label like "${prefix}1" (${describeLayout(layout)})`, first);
  }
  const firstMinuteLabel = Number(label);
  for (let i = ids.length + 1; i < fields.length; i++) {
    const want = `${prefix}${firstMinuteLabel + (i - ids.length)}`;
    if (fields[i] !== want) {
      throw new TraceFormatError(file, 1, i + 1, `minute column "${want}" (minute columns must be contiguous)`, fields[i]);
    }
  }
  return { layout, firstMinuteLabel, minutes: fields.length - ids.length };
}

/**
 * Parses one data row. Hot path: the counts are scanned character by character
 * (no split, no regex); only a malformed count goes through {@link parseCount}
 * to build the error.
 */
function parseRow(file: string, line: number, text: string, header: ParsedHeader): FunctionSeries {
  const ids = header.layout.idColumns;
  const nIds = ids.length;
  const expected = nIds + header.minutes;
  const layoutText = `${nIds} id columns and ${header.minutes} minute columns, as in the header`;
  const len = text.length;
  const idValues: string[] = [];
  let pos = 0;
  for (let k = 0; k < nIds; k++) {
    const comma = text.indexOf(',', pos);
    if (comma < 0) throw fieldCountError(file, line, k + 1, expected, layoutText);
    idValues.push(requireNonEmpty(file, line, k + 1, text.slice(pos, comma), ids[k]));
    pos = comma + 1;
  }
  const counts = new Uint32Array(header.minutes);
  const last = header.minutes - 1;
  for (let m = 0; m <= last; m++) {
    const start = pos;
    let value = 0;
    let clean = true;
    for (; pos < len; pos++) {
      const c = text.charCodeAt(pos);
      if (c === 44 /* , */) break;
      if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
      else clean = false;
    }
    if (!clean || pos === start || value > MAX_COUNT) {
      value = parseCount(file, line, nIds + m + 1, text.slice(start, pos));
    }
    counts[m] = value;
    if (pos >= len) {
      if (m < last) throw fieldCountError(file, line, nIds + m + 1, expected, layoutText);
    } else if (m === last) {
      let fields = expected + 1;
      for (let i = pos + 1; i < len; i++) if (text.charCodeAt(i) === 44) fields++;
      throw fieldCountError(file, line, fields, expected, layoutText);
    } else {
      pos++;
    }
  }
  const field = (name: string): string => {
    const i = ids.indexOf(name);
    return i < 0 ? '' : idValues[i];
  };
  return { id: field('HashFunction'), owner: field('HashOwner'), app: field('HashApp'), trigger: field('Trigger'), counts };
}

/**
 * Reads an Azure Functions 2019 per-minute invocation file, streaming it line by
 * line. Two layouts are accepted:
 *
 * - official: `HashOwner,HashApp,HashFunction,Trigger,1,2,…,1440`
 *   (`invocations_per_function_md.anon.dXX.csv`);
 * - vHive in-vitro: `HashFunction,HashOwner,HashApp,minute_1,…,minute_1440` (no trigger: `trigger` is `''`).
 *
 * The minute columns may be any contiguous range (`480,…,959` or
 * `minute_480,…,minute_959`); the first label becomes `firstMinuteLabel`.
 * Rows are kept in file order, duplicates included (the in-vitro samples repeat rows).
 *
 * @param path the CSV file; also the trace's `source`
 * @returns one {@link FunctionSeries} per row, counts in invocations per minute
 * @throws TraceFormatError on any malformed header, row or count (nothing is skipped)
 */
export async function readAzure2019Invocations(path: string): Promise<InvocationTrace> {
  let header: ParsedHeader | undefined;
  const functions: FunctionSeries[] = [];
  for await (const { text, line } of readLines(path)) {
    if (header === undefined) {
      header = parseHeader(path, text);
      continue;
    }
    if (text === '') throw blankLineError(path, line);
    functions.push(parseRow(path, line, text, header));
  }
  if (header === undefined) throw emptyFileError(path);
  if (functions.length === 0) throw noDataRowsError(path);
  return { source: path, firstMinuteLabel: header.firstMinuteLabel, minutes: header.minutes, functions };
}

/**
 * The trace of a load run: read with the project's own parsers (any layout
 * `readTrace` accepts) or generated (the synthetic trace), the chosen rows
 * picked, and, when the locustfile cannot read the file as it is, the chosen
 * rows written as an Azure 2019 per-minute CSV.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AZURE_2019_OFFICIAL_LAYOUT, matchAzure2019Layout } from '../trace/azure-2019-invocations';
import { readLines } from '../trace/line-reader';
import { readTrace } from '../trace/read-trace';
import { generateSyntheticTrace } from '../trace/synthetic';
import { TraceFormatError } from '../trace/trace-format-error';
import type { InvocationTrace } from '../trace/types';
import { formatFunctionSpec, selectFunctions, type FunctionSpec } from './function-spec';
import { errorMessage, LoadValidationError } from './load-errors';

/**
 * Functions of the synthetic trace used without `--trace`: `npm start`'s
 * default (`DEFAULT_START_FUNCTIONS` of src/cli/start-command.ts), so the same
 * seed gives the same functions.
 */
export const DEFAULT_LOAD_SYNTHETIC_FUNCTIONS = 200;

/** Most minutes of a synthetic trace (14 days, the longest Azure 2019 release). */
export const MAX_SYNTHETIC_MINUTES = 14 * 1440;

/** File name of the converted trace in the output directory. */
export const CONVERTED_TRACE_FILE = 'trace-azure-2019.csv';

/** The trace and the rows a run replays. */
export interface LoadTrace {
  /** The whole trace as parsed (or generated). */
  readonly trace: InvocationTrace;
  /** Whether `trace.source` is a file in the official Azure 2019 layout, which the locustfile reads as it is. */
  readonly officialLayout: boolean;
  /** 0-based rows replayed, in load order. */
  readonly rows: readonly number[];
  /** Per replayed row, its counts of the replayed minutes. */
  readonly counts: readonly Uint32Array[];
}

/** What to read. */
export interface LoadTraceOptions {
  /** A trace file; the synthetic trace when absent. */
  readonly trace?: string;
  readonly functions: FunctionSpec;
  readonly minutes: { readonly start: number; readonly end: number };
  /** Seed of the synthetic trace. */
  readonly seed: number;
}

async function firstLine(path: string): Promise<string> {
  for await (const { text } of readLines(path)) return text;
  return '';
}

/**
 * Reads (or generates) the trace and picks the rows.
 *
 * @throws LoadValidationError naming the file and line of a trace that does not
 *   parse, an unreadable file, minutes outside the trace, or rows it does not have
 */
export async function loadTraceForLoad(opts: LoadTraceOptions): Promise<LoadTrace> {
  const { start, end } = opts.minutes;
  let trace: InvocationTrace;
  let officialLayout = false;
  if (opts.trace === undefined) {
    if (end > MAX_SYNTHETIC_MINUTES) {
      throw new LoadValidationError(`--minutes "${start}:${end}": the synthetic trace has at most ${MAX_SYNTHETIC_MINUTES} minutes`);
    }
    trace = generateSyntheticTrace({ functions: DEFAULT_LOAD_SYNTHETIC_FUNCTIONS, minutes: end, seed: opts.seed }).trace;
  } else {
    const path = opts.trace;
    try {
      trace = await readTrace(path);
      officialLayout = matchAzure2019Layout(await firstLine(path)) === AZURE_2019_OFFICIAL_LAYOUT;
    } catch (e) {
      if (e instanceof TraceFormatError) throw new LoadValidationError(`--trace: ${e.message}`);
      throw new LoadValidationError(`--trace ${path}: cannot read the trace (${errorMessage(e)})`);
    }
    if (end > trace.minutes) {
      throw new LoadValidationError(`--minutes "${start}:${end}": the trace ${path} has ${trace.minutes} minutes (0:${trace.minutes} at most)`);
    }
  }
  const rows = selectFunctions(trace, opts.functions, opts.minutes);
  const counts = rows.map((r) => trace.functions[r].counts.slice(start, end));
  return { trace, officialLayout, rows, counts };
}

/** A CSV field: the id columns of other layouts may be empty or hold separators, which the 2019 layout cannot. */
function idField(value: string, fallback: string): string {
  const clean = value.replace(/[,\r\n"]/g, '_');
  return clean === '' ? fallback : clean;
}

/**
 * The replayed rows and minutes as an official Azure 2019 per-minute CSV
 * (`HashOwner,HashApp,HashFunction,Trigger,<labels>`), minute labels kept
 * from the trace. Empty ids become `row<N>` (N the original 0-based row),
 * an unknown trigger `unknown`.
 */
export function azure2019Csv(load: LoadTrace, minutes: { readonly start: number; readonly end: number }): string {
  const first = load.trace.firstMinuteLabel + minutes.start;
  const labels = Array.from({ length: minutes.end - minutes.start }, (_, i) => String(first + i));
  const lines = [`HashOwner,HashApp,HashFunction,Trigger,${labels.join(',')}`];
  load.rows.forEach((row, k) => {
    const f = load.trace.functions[row];
    const id = `row${row}`;
    lines.push([idField(f.owner, id), idField(f.app, id), idField(f.id, id), idField(f.trigger, 'unknown'), ...Array.from(load.counts[k], String)].join(','));
  });
  return `${lines.join('\n')}\n`;
}

/** What the locustfile is given: its `--trace`, `--functions` and `--minutes`. */
export interface LocustTraceArgs {
  readonly trace: string;
  readonly functions: string;
  readonly minutes: string;
  /** Whether {@link trace} was written (converted) into the output directory. */
  readonly converted: boolean;
}

/**
 * The locustfile's trace arguments: the original file with the resolved rows
 * when it is in the official 2019 layout, else the replayed rows and minutes
 * written to `<outDir>/`{@link CONVERTED_TRACE_FILE}.
 */
export function locustTraceArgs(load: LoadTrace, minutes: { readonly start: number; readonly end: number }, outDir: string): LocustTraceArgs {
  if (load.officialLayout) {
    return { trace: resolve(load.trace.source), functions: formatFunctionSpec({ kind: 'indices', indices: load.rows }), minutes: `${minutes.start}:${minutes.end}`, converted: false };
  }
  const file = resolve(join(outDir, CONVERTED_TRACE_FILE));
  writeFileSync(file, azure2019Csv(load, minutes));
  return { trace: file, functions: formatFunctionSpec({ kind: 'first', count: load.rows.length }), minutes: `0:${minutes.end - minutes.start}`, converted: true };
}

import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { buildWorkload } from '../sim/build-workload';
import type { Workload } from '../sim/workload';
import { readAzure2019Durations } from '../trace/azure-2019-durations';
import { readAzure2019Memory } from '../trace/azure-2019-memory';
import { readTrace } from '../trace/read-trace';
import { DEFAULT_SYNTHETIC_FUNCTIONS, DEFAULT_SYNTHETIC_MINUTES, generateSyntheticTrace } from '../trace/synthetic';
import type { DurationPercentiles, InvocationTrace, MemoryPercentiles } from '../trace/types';

/** What the user asked for on the command line. */
export interface WorkloadOptions {
  /** Invocation trace file; synthetic when absent. */
  readonly trace?: string;
  /** Duration percentiles file; found beside the trace when absent (see {@link siblingFiles}). */
  readonly durations?: string;
  /** App memory percentiles file; found beside the trace when absent. */
  readonly memory?: string;
  /** First N functions. */
  readonly functions?: number;
  /** Half-open range of 0-based minute offsets. */
  readonly minutes?: { readonly start: number; readonly end: number };
  /** Seed of the synthetic trace (the bench's seed). */
  readonly seed: number;
}

export interface LoadedWorkload {
  readonly workload: Workload;
  readonly minuteRange: { readonly start: number; readonly end: number };
  /** Files joined for durations and memory ('' when none). */
  readonly durationsFile: string;
  readonly memoryFile: string;
  /** Per workload function, the trace's counts of the minutes before the range (the past a forecaster may read). */
  readonly history: readonly Uint32Array[];
}

/**
 * The duration and memory files that belong to an invocation file, by the
 * naming of the Azure 2019 release (`invocations_per_function_md.anon.d01.csv`
 * -> `function_durations_percentiles.anon.d01.csv`, `app_memory_percentiles.anon.d01.csv`)
 * or of the in-vitro samples (`1350_inv.csv` -> `1350_run.csv`, `1350_mem.csv`).
 * A file is returned only if it exists.
 */
export function siblingFiles(tracePath: string): { durations: string; memory: string } {
  const dir = dirname(tracePath);
  const name = basename(tracePath);
  const candidates: [string, string][] = [];
  const azure = /^invocations_per_function_md\.anon\.(d\d+)\.csv$/.exec(name);
  if (azure !== null) {
    candidates.push([`function_durations_percentiles.anon.${azure[1]}.csv`, `app_memory_percentiles.anon.${azure[1]}.csv`]);
  }
  const invitro = /^(.*)_inv\.csv$/.exec(name);
  if (invitro !== null) candidates.push([`${invitro[1]}_run.csv`, `${invitro[1]}_mem.csv`]);
  let durations = '';
  let memory = '';
  for (const [d, m] of candidates) {
    if (durations === '' && existsSync(join(dir, d))) durations = join(dir, d);
    if (memory === '' && existsSync(join(dir, m))) memory = join(dir, m);
  }
  return { durations, memory };
}

/** Reads (or generates) the trace and joins durations and memory into a workload. */
export async function loadWorkload(opts: WorkloadOptions): Promise<LoadedWorkload> {
  let durations: readonly DurationPercentiles[] | undefined;
  let memory: readonly MemoryPercentiles[] | undefined;
  let durationsFile = '';
  let memoryFile = '';
  let workload: Workload;
  let trace: InvocationTrace;
  if (opts.trace === undefined) {
    const synthetic = generateSyntheticTrace({
      functions: opts.functions ?? DEFAULT_SYNTHETIC_FUNCTIONS,
      minutes: opts.minutes === undefined ? DEFAULT_SYNTHETIC_MINUTES : opts.minutes.end,
      seed: opts.seed,
    });
    trace = synthetic.trace;
    workload = buildWorkload({
      trace: synthetic.trace,
      durations: synthetic.durations,
      memory: synthetic.memory,
      minutes: opts.minutes,
    });
  } else {
    const siblings = siblingFiles(opts.trace);
    durationsFile = opts.durations ?? siblings.durations;
    memoryFile = opts.memory ?? siblings.memory;
    const [t, d, m] = await Promise.all([
      readTrace(opts.trace),
      durationsFile === '' ? Promise.resolve(undefined) : readAzure2019Durations(durationsFile),
      memoryFile === '' ? Promise.resolve(undefined) : readAzure2019Memory(memoryFile),
    ]);
    trace = t;
    durations = d;
    memory = m;
    workload = buildWorkload({ trace, durations, memory, functions: opts.functions, minutes: opts.minutes });
  }
  const start = opts.minutes?.start ?? 0;
  const history = trace.functions.slice(0, workload.functions.length).map((f) => f.counts.slice(0, start));
  return {
    history,
    workload,
    minuteRange: { start, end: start + workload.minutes },
    durationsFile,
    memoryFile,
  };
}

/**
 * Per-function, per-minute activity as the collector computes it from
 * OpenWhisk activations: one document per minute holding every function seen
 * in it (the forecaster and the pool sizer read all functions at once), and,
 * when the collector was told the workflows' top-level actions, each
 * workflow's end-to-end latencies. Ids are `series:<minute>`, so a time range
 * is an id range. Documents written before the optional fields existed
 * (`workflows`, `memoryMB`) read as they were.
 */
import type { CouchDatabase, MangoIndex } from './couch';
import { DocumentCollection, type DocumentType, type UpdateOptions, type UpdateResult } from './document-collection';
import type { DocumentReader } from './document-reader';
import { requireDistinct } from './document-parts';
import { canonicalMinute, epochMsOf } from './time-keys';

/** One function's activity in one minute. */
export interface FunctionMinute {
  /** Fully qualified action name, e.g. `/guest/ml/resize`. */
  readonly function: string;
  /** Activations that started in the minute, an integer >= 0. */
  readonly invocations: number;
  /** Of those, cold starts (a container had to initialise), an integer in [0, invocations]. */
  readonly coldStarts: number;
  /** Most activations running at the same time during the minute, an integer >= 0. */
  readonly peakConcurrency: number;
  /** Mean number running (activation-ms within the minute / 60,000 ms), >= 0. */
  readonly meanConcurrency: number;
  /** Mean run time of the minute's activations, ms (>= 0); null when there were none. */
  readonly meanDurationMs: number | null;
  /**
   * Memory limit of the function's containers, MB (> 0), from the `limits`
   * annotation of its latest activation in the minute; absent when not known
   * (no annotation, or a document written before the field existed).
   */
  readonly memoryMB?: number;
}

/** One workflow's end-to-end activity in one minute. */
export interface WorkflowMinute {
  /** The workflow's name. */
  readonly workflow: string;
  /** Top-level activations of the workflow that ended in the minute, an integer >= 0. */
  readonly invocations: number;
  /** Of those, the ones that failed, an integer in [0, invocations]. */
  readonly failures: number;
  /** End-to-end latencies of the successful ones, ms (each >= 0), in order of their end; `invocations - failures` values. */
  readonly latenciesMs: readonly number[];
}

/** Every function's activity in one minute. */
export interface SeriesMinute {
  /** Start of the minute, canonical ISO UTC (`2024-05-01T12:34:00.000Z`). */
  readonly minute: string;
  /** One entry per function, sorted by name, names distinct. */
  readonly functions: readonly FunctionMinute[];
  /**
   * One entry per workflow whose top-level activations the collector was told
   * about, sorted by name, names distinct; absent when there is none (and in
   * documents written before the field existed).
   */
  readonly workflows?: readonly WorkflowMinute[];
}

/** What {@link SeriesRepository.recordMinute} records of a minute. */
export interface MinuteActivity {
  readonly functions: readonly FunctionMinute[];
  /** Default none. */
  readonly workflows?: readonly WorkflowMinute[];
}

const SERIES_TYPE: DocumentType<SeriesMinute> = {
  docType: 'series-minute',
  decode(reader: DocumentReader): SeriesMinute {
    const list = reader.field('functions');
    const functions = list.array((r) => {
      const invocations = r.field('invocations').number({ min: 0, integer: true });
      const memoryMB = r.optionalField('memoryMB')?.number({ above: 0 });
      const entry: FunctionMinute = {
        function: r.field('function').string(),
        invocations,
        coldStarts: r.field('coldStarts').number({ min: 0, max: invocations, integer: true }),
        peakConcurrency: r.field('peakConcurrency').number({ min: 0, integer: true }),
        meanConcurrency: r.field('meanConcurrency').number({ min: 0 }),
        meanDurationMs: r.field('meanDurationMs').nullable((d) => d.number({ min: 0 })),
        ...(memoryMB === undefined ? {} : { memoryMB }),
      };
      if (invocations === 0 && entry.meanDurationMs !== null) r.field('meanDurationMs').fail('expected null when invocations is 0');
      return entry;
    });
    functions.forEach((f, i) => {
      if (i > 0 && functions[i - 1].function >= f.function) list.fail(`expected functions sorted by name with no repeats, found ${JSON.stringify(f.function)} at [${i}]`);
    });
    const workflowList = reader.optionalField('workflows');
    const workflows = workflowList?.array((r) => {
      const invocations = r.field('invocations').number({ min: 0, integer: true });
      const failures = r.field('failures').number({ min: 0, max: invocations, integer: true });
      const latencies = r.field('latenciesMs');
      const latenciesMs = latencies.array((v) => v.number({ min: 0 }));
      if (latenciesMs.length !== invocations - failures) latencies.fail(`expected ${invocations - failures} latencies (invocations - failures), found ${latenciesMs.length}`);
      return { workflow: r.field('workflow').string(), invocations, failures, latenciesMs };
    });
    workflows?.forEach((w, i) => {
      if (i > 0 && workflows[i - 1].workflow >= w.workflow) workflowList?.fail(`expected workflows sorted by name with no repeats, found ${JSON.stringify(w.workflow)} at [${i}]`);
    });
    const minute = reader.field('minute').minute();
    return workflows === undefined || workflows.length === 0 ? { minute, functions } : { minute, functions, workflows };
  },
};

/** Mango indexes of the series database (ranges use ids, so none). */
export const SERIES_INDEXES: readonly MangoIndex[] = [];

/** The id of a minute's document. */
export function seriesId(minute: string): string {
  return `series:${canonicalMinute(minute, 'series minute')}`;
}

/** Per-minute invocation counts and concurrency. */
export class SeriesRepository {
  private readonly docs: DocumentCollection<SeriesMinute>;

  constructor(db: CouchDatabase) {
    this.docs = new DocumentCollection(db, SERIES_TYPE);
  }

  /**
   * Records functions' activity in a minute: their entries replace any stored
   * for the same functions (the collector recomputes a minute from the
   * activations, so a later pass that saw more of them wins); other functions'
   * entries stay. Recording the same entries again changes nothing.
   * @throws RangeError on an invalid minute or entry (naming the field); StoreError on a store failure.
   */
  async record(minute: string, functions: readonly FunctionMinute[], options?: UpdateOptions): Promise<UpdateResult<SeriesMinute>> {
    return this.recordMinute(minute, { functions }, options);
  }

  /**
   * Records functions' and workflows' activity in a minute, as
   * {@link SeriesRepository.record} does for functions: the given entries
   * replace any stored for the same function or workflow, the others stay, and
   * recording the same entries again changes nothing (`unchanged`). A 409
   * (another writer in between) is re-read and re-applied.
   * @throws RangeError on an invalid minute or entry (naming the field); StoreError on a store failure.
   */
  async recordMinute(minute: string, activity: MinuteActivity, options?: UpdateOptions): Promise<UpdateResult<SeriesMinute>> {
    const id = seriesId(minute);
    const canonical = canonicalMinute(minute, 'series minute');
    const { functions } = activity;
    const workflows = activity.workflows ?? [];
    requireDistinct(functions, (f) => f.function, `series ${canonical}: function`);
    requireDistinct(workflows, (w) => w.workflow, `series ${canonical}: workflow`);
    return this.docs.updateWithRetry(
      id,
      (current) => {
        const merged = new Map<string, FunctionMinute>();
        for (const f of current?.functions ?? []) merged.set(f.function, f);
        let changed = current === undefined;
        for (const f of functions) {
          const before = merged.get(f.function);
          if (before === undefined || !sameEntry(before, f)) changed = true;
          merged.set(f.function, copyEntry(f));
        }
        const mergedWorkflows = new Map<string, WorkflowMinute>();
        for (const w of current?.workflows ?? []) mergedWorkflows.set(w.workflow, w);
        for (const w of workflows) {
          const before = mergedWorkflows.get(w.workflow);
          if (before === undefined || !sameWorkflow(before, w)) changed = true;
          mergedWorkflows.set(w.workflow, copyWorkflow(w));
        }
        if (!changed) return undefined;
        const sorted = [...merged.values()].sort((a, b) => (a.function < b.function ? -1 : a.function > b.function ? 1 : 0));
        const sortedWorkflows = [...mergedWorkflows.values()].sort((a, b) => (a.workflow < b.workflow ? -1 : a.workflow > b.workflow ? 1 : 0));
        return sortedWorkflows.length === 0 ? { minute: canonical, functions: sorted } : { minute: canonical, functions: sorted, workflows: sortedWorkflows };
      },
      options,
    );
  }

  /** The latest recorded minute at or before `minute` (canonical ISO UTC), or undefined when none is. */
  async latestMinuteAtOrBefore(minute: string): Promise<string | undefined> {
    const [latest] = await this.docs.inIdRange('series:', seriesId(minute), { descending: true, limit: 1 });
    return latest?.doc.minute;
  }

  /** The minute's document, or undefined when nothing was recorded for it. */
  async get(minute: string): Promise<SeriesMinute | undefined> {
    return (await this.docs.get(seriesId(minute)))?.doc;
  }

  /** Recorded minutes in [from, to), oldest first (minutes nobody recorded are absent). */
  async range(from: string, to: string): Promise<SeriesMinute[]> {
    const fromId = seriesId(from);
    const toId = seriesId(to);
    const stored = await this.docs.inIdRange(fromId, toId);
    return stored.filter((s) => s.id !== toId).map((s) => s.doc);
  }

  /**
   * One function's invocation counts for every minute in [from, to), oldest
   * first: 0 for a recorded minute without the function, null for a minute
   * nobody recorded (unknown, not zero).
   */
  async countsOf(fn: string, from: string, to: string): Promise<(number | null)[]> {
    const start = epochMsOf(canonicalMinute(from, 'from'));
    const end = epochMsOf(canonicalMinute(to, 'to'));
    if (end < start) throw new RangeError(`countsOf: to (${to}) is before from (${from})`);
    const byMinute = new Map<string, SeriesMinute>();
    for (const m of await this.range(from, to)) byMinute.set(m.minute, m);
    const counts: (number | null)[] = [];
    for (let t = start; t < end; t += 60_000) {
      const doc = byMinute.get(new Date(t).toISOString());
      counts.push(doc === undefined ? null : (doc.functions.find((f) => f.function === fn)?.invocations ?? 0));
    }
    return counts;
  }
}

function sameEntry(a: FunctionMinute, b: FunctionMinute): boolean {
  return (
    a.invocations === b.invocations &&
    a.coldStarts === b.coldStarts &&
    a.peakConcurrency === b.peakConcurrency &&
    a.meanConcurrency === b.meanConcurrency &&
    a.meanDurationMs === b.meanDurationMs &&
    a.memoryMB === b.memoryMB
  );
}

function sameWorkflow(a: WorkflowMinute, b: WorkflowMinute): boolean {
  return a.invocations === b.invocations && a.failures === b.failures && a.latenciesMs.length === b.latenciesMs.length && a.latenciesMs.every((v, i) => v === b.latenciesMs[i]);
}

function copyWorkflow(w: WorkflowMinute): WorkflowMinute {
  return { workflow: w.workflow, invocations: w.invocations, failures: w.failures, latenciesMs: [...w.latenciesMs] };
}

/** The entry's own fields only (a caller's object may carry more). */
function copyEntry(f: FunctionMinute): FunctionMinute {
  return {
    function: f.function,
    invocations: f.invocations,
    coldStarts: f.coldStarts,
    peakConcurrency: f.peakConcurrency,
    meanConcurrency: f.meanConcurrency,
    meanDurationMs: f.meanDurationMs,
    ...(f.memoryMB === undefined ? {} : { memoryMB: f.memoryMB }),
  };
}

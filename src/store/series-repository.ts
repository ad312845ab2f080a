/**
 * Per-function, per-minute activity as the collector computes it from
 * OpenWhisk activations: one document per minute holding every function seen
 * in it (the forecaster and the pool sizer read all functions at once). Ids
 * are `series:<minute>`, so a time range is an id range.
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
}

/** Every function's activity in one minute. */
export interface SeriesMinute {
  /** Start of the minute, canonical ISO UTC (`2024-05-01T12:34:00.000Z`). */
  readonly minute: string;
  /** One entry per function, sorted by name, names distinct. */
  readonly functions: readonly FunctionMinute[];
}

const SERIES_TYPE: DocumentType<SeriesMinute> = {
  docType: 'series-minute',
  decode(reader: DocumentReader): SeriesMinute {
    const list = reader.field('functions');
    const functions = list.array((r) => {
      const invocations = r.field('invocations').number({ min: 0, integer: true });
      const entry: FunctionMinute = {
        function: r.field('function').string(),
        invocations,
        coldStarts: r.field('coldStarts').number({ min: 0, max: invocations, integer: true }),
        peakConcurrency: r.field('peakConcurrency').number({ min: 0, integer: true }),
        meanConcurrency: r.field('meanConcurrency').number({ min: 0 }),
        meanDurationMs: r.field('meanDurationMs').nullable((d) => d.number({ min: 0 })),
      };
      if (invocations === 0 && entry.meanDurationMs !== null) r.field('meanDurationMs').fail('expected null when invocations is 0');
      return entry;
    });
    functions.forEach((f, i) => {
      if (i > 0 && functions[i - 1].function >= f.function) list.fail(`expected functions sorted by name with no repeats, found ${JSON.stringify(f.function)} at [${i}]`);
    });
    return { minute: reader.field('minute').minute(), functions };
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
    const id = seriesId(minute);
    const canonical = canonicalMinute(minute, 'series minute');
    requireDistinct(functions, (f) => f.function, `series ${canonical}: function`);
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
        if (!changed) return undefined;
        const sorted = [...merged.values()].sort((a, b) => (a.function < b.function ? -1 : a.function > b.function ? 1 : 0));
        return { minute: canonical, functions: sorted };
      },
      options,
    );
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
    a.meanDurationMs === b.meanDurationMs
  );
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
  };
}

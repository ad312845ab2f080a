/**
 * The forecaster's view of the stored series: each recorded minute's counts.
 * {@link storeSeriesCounts} reads them from the store at every call;
 * {@link CachedSeriesCounts} keeps, per container, the counts of minutes old
 * enough that the collector no longer rewrites them, so a warm container reads
 * only the last few minutes at each tick instead of the whole context (a day
 * by default: 1,441 documents).
 */
import type { SeriesRepository } from '../store/series-repository';
import { canonicalMinute, epochMsOf } from '../store/time-keys';
import type { MinuteCounts, SeriesCountsReader } from './forecast-tick-ports';
import { isoMinute, MINUTE_MS } from './tick';

/** The series calls the reader needs (a {@link SeriesRepository} has them). */
export type SeriesRange = Pick<SeriesRepository, 'range'>;

/** Reads the counts from the store at every call. */
export function storeSeriesCounts(series: SeriesRange): SeriesCountsReader {
  return {
    async countsBetween(from: string, to: string): Promise<MinuteCounts[]> {
      const docs = await series.range(from, to);
      return docs.map((d) => ({ minute: d.minute, counts: new Map(d.functions.map((f) => [f.function, f.invocations])) }));
    },
  };
}

/**
 * A per-container cache of settled minutes in front of the store. A minute is
 * settled, and cached (recorded or known unrecorded), once it is more than
 * `unsettledMinutes` before the `to` of the call that read it: the collector
 * rewrites only its last `collectorLookbackMinutes` + 1 minutes. Each call
 * reads from the store only [first minute not cached, to). Holds at most
 * `maxMinutes` minutes (the oldest are dropped).
 */
export class CachedSeriesCounts implements SeriesCountsReader {
  /** Minute -> its counts, or null for a settled minute nobody recorded. */
  private readonly minutes = new Map<string, MinuteCounts | null>();

  constructor(
    private readonly series: SeriesRange,
    /** Minutes before `to` that may still change, an integer >= 0. */
    private readonly unsettledMinutes: number,
    /** Most minutes kept, an integer >= 1. */
    private readonly maxMinutes: number,
  ) {}

  /** Minutes held (recorded or not). */
  get size(): number {
    return this.minutes.size;
  }

  async countsBetween(from: string, to: string): Promise<MinuteCounts[]> {
    const fromMs = epochMsOf(canonicalMinute(from, 'from'));
    const toMs = epochMsOf(canonicalMinute(to, 'to'));
    let readFrom = fromMs;
    while (readFrom < toMs && this.minutes.has(isoMinute(readFrom))) readFrom += MINUTE_MS;
    const fresh = readFrom < toMs ? await storeSeriesCounts(this.series).countsBetween(isoMinute(readFrom), to) : [];
    const freshByMinute = new Map(fresh.map((m) => [m.minute, m]));
    const settledBefore = toMs - this.unsettledMinutes * MINUTE_MS;
    for (let m = readFrom; m < Math.min(settledBefore, toMs); m += MINUTE_MS) {
      const key = isoMinute(m);
      this.minutes.set(key, freshByMinute.get(key) ?? null);
    }
    const out: MinuteCounts[] = [];
    for (let m = fromMs; m < toMs; m += MINUTE_MS) {
      const key = isoMinute(m);
      const doc = m < readFrom ? this.minutes.get(key) : freshByMinute.get(key);
      if (doc !== undefined && doc !== null) out.push(doc);
    }
    this.evict();
    return out;
  }

  private evict(): void {
    if (this.minutes.size <= this.maxMinutes) return;
    const keys = [...this.minutes.keys()].sort();
    for (const key of keys.slice(0, keys.length - this.maxMinutes)) this.minutes.delete(key);
  }
}

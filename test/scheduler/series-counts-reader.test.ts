import { CachedSeriesCounts, storeSeriesCounts, type SeriesRange } from '../../src/scheduler/series-counts-reader';
import type { SeriesMinute } from '../../src/store/series-repository';

const T = Date.parse('2024-05-01T10:00:00Z');
const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** Series minutes in memory, recording each range read. */
class MemorySeries implements SeriesRange {
  readonly reads: [string, string][] = [];
  readonly docs = new Map<string, SeriesMinute>();
  set(ms: number, counts: Record<string, number>): void {
    const functions = Object.entries(counts).map(([fn, n]) => ({ function: fn, invocations: n, coldStarts: 0, peakConcurrency: 1, meanConcurrency: 0, meanDurationMs: 1 }));
    this.docs.set(iso(ms), { minute: iso(ms), functions });
  }
  async range(from: string, to: string): Promise<SeriesMinute[]> {
    this.reads.push([from, to]);
    return [...this.docs.values()].filter((d) => d.minute >= from && d.minute < to).sort((a, b) => (a.minute < b.minute ? -1 : 1));
  }
}

const counts = (list: { minute: string; counts: ReadonlyMap<string, number> }[]): [string, [string, number][]][] =>
  list.map((m) => [m.minute.slice(11, 16), [...m.counts.entries()]]);

describe('series counts', () => {
  it('storeSeriesCounts maps each recorded minute to its functions\' invocations', async () => {
    const series = new MemorySeries();
    series.set(T - 2 * MIN, { '/g/a': 3, '/g/b': 1 });
    series.set(T - MIN, {});
    expect(counts(await storeSeriesCounts(series).countsBetween(iso(T - 3 * MIN), iso(T)))).toEqual([
      ['09:58', [['/g/a', 3], ['/g/b', 1]]],
      ['09:59', []],
    ]);
  });

  it('the cache reads each settled minute once: a warm container reads only the minutes not cached, recorded or not', async () => {
    const series = new MemorySeries();
    for (let m = 10; m >= 1; m--) if (m !== 6) series.set(T - m * MIN, { '/g/a': m });
    const cache = new CachedSeriesCounts(series, 2, 100);
    const first = await cache.countsBetween(iso(T - 10 * MIN), iso(T));
    expect(first.map((m) => m.minute.slice(11, 16))).toEqual(['09:50', '09:51', '09:52', '09:53', '09:55', '09:56', '09:57', '09:58', '09:59']);
    // Minutes before to - 2 are settled: 09:50 .. 09:57 (09:54 as unrecorded).
    expect(cache.size).toBe(8);
    // The collector rewrote 09:58 and wrote 10:00.
    series.set(T - 2 * MIN, { '/g/a': 99 });
    series.set(T, { '/g/a': 0 });
    const next = await cache.countsBetween(iso(T - 9 * MIN), iso(T + MIN));
    expect(series.reads).toEqual([
      [iso(T - 10 * MIN), iso(T)],
      [iso(T - 2 * MIN), iso(T + MIN)],
    ]);
    expect(counts(next).map(([m, c]) => [m, c[0]?.[1]])).toEqual([
      ['09:51', 9], ['09:52', 8], ['09:53', 7], ['09:55', 5], ['09:56', 4], ['09:57', 3], ['09:58', 99], ['09:59', 1], ['10:00', 0],
    ]);
    // A settled minute the store changes afterwards is not read again (the collector never rewrites it).
    series.set(T - 8 * MIN, { '/g/a': 1000 });
    expect((await cache.countsBetween(iso(T - 8 * MIN), iso(T - 7 * MIN)))[0]?.counts.get('/g/a')).toBe(8);
  });

  it('the cache keeps at most maxMinutes, dropping the oldest', async () => {
    const series = new MemorySeries();
    for (let m = 10; m >= 1; m--) series.set(T - m * MIN, { '/g/a': m });
    const cache = new CachedSeriesCounts(series, 0, 4);
    expect((await cache.countsBetween(iso(T - 10 * MIN), iso(T))).length).toBe(10);
    expect(cache.size).toBe(4);
    await cache.countsBetween(iso(T - 4 * MIN), iso(T));
    expect(series.reads).toHaveLength(1);
  });
});

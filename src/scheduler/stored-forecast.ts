/**
 * A stored forecast read back as the simulator's policy reads a fresh one: the
 * shards of one minute merged into one set of functions, and a
 * {@link CountForecast} over their stored quantiles, so the pool sizer sizes
 * its targets with the policy's own code.
 */
import type { CountForecast } from '../forecast/forecast-types';
import type { Forecast, FunctionForecast } from '../store/forecast-repository';

/** Two levels closer than this are the same level. */
export const LEVEL_EPSILON = 1e-9;

/** One function's stored forecast with its document's levels. */
export interface StoredFunctionForecast {
  readonly entry: FunctionForecast;
  readonly levels: readonly number[];
  readonly horizonMinutes: number;
}

/** The shards of one minute, merged. */
export interface MergedForecast {
  readonly firstMinute: string;
  /** The forecaster's name, e.g. `aquatope` (the first document's). */
  readonly model: string;
  /** Functions, by name. */
  readonly functions: ReadonlyMap<string, StoredFunctionForecast>;
  /** Shard count of the documents used (1: the unsharded one). */
  readonly shardCount: number;
  /** Shard indexes of that count with no document (empty when complete). */
  readonly missingShards: readonly number[];
}

/**
 * Merges the documents of one minute. Of the shard counts present, the
 * smallest with every shard stored is used; with none complete, the count with
 * the most documents (the smaller on a tie), its missing shards listed (their
 * functions have no forecast).
 * @returns undefined for no documents.
 */
export function mergeShards(docs: readonly Forecast[]): MergedForecast | undefined {
  if (docs.length === 0) return undefined;
  const byCount = new Map<number, Map<number, Forecast>>();
  for (const doc of docs) {
    const count = doc.shard?.count ?? 1;
    const index = doc.shard?.index ?? 0;
    const group = byCount.get(count) ?? new Map<number, Forecast>();
    group.set(index, doc);
    byCount.set(count, group);
  }
  const counts = [...byCount.keys()].sort((a, b) => a - b);
  const complete = counts.find((c) => (byCount.get(c)?.size ?? 0) === c);
  const count = complete ?? counts.reduce((best, c) => ((byCount.get(c)?.size ?? 0) > (byCount.get(best)?.size ?? 0) ? c : best), counts[0]);
  const group = byCount.get(count) ?? new Map<number, Forecast>();
  const functions = new Map<string, StoredFunctionForecast>();
  for (const index of [...group.keys()].sort((a, b) => a - b)) {
    const doc = group.get(index);
    if (doc === undefined) continue;
    for (const entry of doc.functions) functions.set(entry.function, { entry, levels: doc.levels, horizonMinutes: doc.horizonMinutes });
  }
  const missingShards = Array.from({ length: count }, (_, i) => i).filter((i) => !group.has(i));
  return { firstMinute: docs[0].firstMinute, model: docs[0].model, functions, shardCount: count, missingShards };
}

/**
 * The index of the stored level that answers a quantile at `q`: the level
 * equal to it, else the smallest above it (the conservative one), else the
 * largest.
 */
export function levelIndex(levels: readonly number[], q: number): number {
  const exact = levels.findIndex((l) => Math.abs(l - q) <= LEVEL_EPSILON);
  if (exact >= 0) return exact;
  const above = levels.findIndex((l) => l > q);
  return above >= 0 ? above : levels.length - 1;
}

/**
 * Stored forecasts as a {@link CountForecast}, `offset` steps on (a forecast
 * made `offset` minutes before the minute sized): window w is `entries[w]`,
 * step s its stored step s + offset.
 * - quantile(q): the stored quantile at the level {@link levelIndex} picks;
 * - cdf(k): the largest stored level whose quantile is <= k (a lower bound of P(count <= k)), 0 when none;
 * - point: the stored expected count.
 */
export class StoredCountForecast implements CountForecast {
  readonly windows: number;
  readonly horizon: number;

  /** @throws RangeError when `offset` leaves no step of some entry. */
  constructor(
    private readonly entries: readonly StoredFunctionForecast[],
    private readonly offset: number,
    horizon: number,
  ) {
    this.windows = entries.length;
    this.horizon = horizon;
    for (const e of entries) {
      if (e.horizonMinutes < offset + horizon) throw new RangeError(`stored forecast of ${e.entry.function}: ${e.horizonMinutes} steps, needs ${offset + horizon}`);
    }
  }

  point(window: number, step: number): number {
    return this.entries[window].entry.mean[step + this.offset];
  }

  quantile(window: number, step: number, q: number): number {
    const e = this.entries[window];
    return e.entry.quantiles[levelIndex(e.levels, q)][step + this.offset];
  }

  cdf(window: number, step: number, k: number): number {
    const e = this.entries[window];
    let p = 0;
    e.levels.forEach((level, i) => {
      if (e.entry.quantiles[i][step + this.offset] <= k && level > p) p = level;
    });
    return p;
  }
}

/**
 * The forecaster's output, one document per tick: for every function, the
 * mean and quantiles of its invocation count in each of the next
 * `horizonMinutes` minutes. Written once (`forecast:<firstMinute>`); a repeated
 * write of the same forecast is a no-op, a different one a conflict.
 *
 * A tick split into shards (`shard: {index, count}`, count > 1: each shard
 * forecasts the functions whose name hashes to its index) stores one document
 * per shard, `forecast:<firstMinute>:shard-<index>-of-<count>`; these sort
 * right after the minute's unsharded id and before the next minute's, so
 * {@link ForecastRepository.shardsAt} reads every shard of a minute with one
 * id-prefix query. A count of 1 is the unsharded document.
 */
import type { CouchDatabase, MangoIndex } from './couch';
import { DocumentCollection, type DocumentType, type InsertOnceResult } from './document-collection';
import type { DocumentReader } from './document-reader';
import { requireDistinct } from './document-parts';
import { canonicalMinute } from './time-keys';

/** One function's forecast. */
export interface FunctionForecast {
  /** Fully qualified action name. */
  readonly function: string;
  /** Expected invocations per minute, one per step (`horizonMinutes` values, each >= 0). */
  readonly mean: readonly number[];
  /**
   * `quantiles[k][s]`: the `levels[k]`-quantile of the invocation count in
   * step `s` (counts >= 0, non-decreasing in k).
   */
  readonly quantiles: readonly (readonly number[])[];
}

/** Which part of a sharded tick a forecast is. */
export interface ForecastShard {
  /** 0-based, < count. */
  readonly index: number;
  /** Shards of the tick, an integer >= 1. */
  readonly count: number;
}

/** A forecast of every function (of its shard) for the coming minutes. */
export interface Forecast {
  /** The minute of step 0 (the first minute forecast), canonical ISO UTC. */
  readonly firstMinute: string;
  /** Steps forecast, minutes (an integer >= 1). */
  readonly horizonMinutes: number;
  /** The forecaster's name, e.g. `aquatope`. */
  readonly model: string;
  /** Quantile levels, strictly increasing, each in (0, 1). */
  readonly levels: readonly number[];
  /** One per function, names distinct. */
  readonly functions: readonly FunctionForecast[];
  /** The shard this document holds (count > 1); absent: the tick's whole forecast. */
  readonly shard?: ForecastShard;
}

const FORECAST_TYPE: DocumentType<Forecast> = {
  docType: 'forecast',
  decode(reader: DocumentReader): Forecast {
    const horizonMinutes = reader.field('horizonMinutes').number({ min: 1, integer: true });
    const levelsReader = reader.field('levels');
    const levels = levelsReader.array((r) => r.number({ above: 0, below: 1 }));
    levels.forEach((level, k) => {
      if (k > 0 && levels[k - 1] >= level) levelsReader.fail(`expected strictly increasing levels, found ${levels[k - 1]} then ${level}`);
    });
    const steps = (r: DocumentReader): number[] => {
      const values = r.array((v) => v.number({ min: 0 }));
      if (values.length !== horizonMinutes) r.fail(`expected ${horizonMinutes} values (horizonMinutes), found ${values.length}`);
      return values;
    };
    const functionsReader = reader.field('functions');
    const functions = functionsReader.array((r) => {
      const quantilesReader = r.field('quantiles');
      const quantiles = quantilesReader.array(steps);
      if (quantiles.length !== levels.length) quantilesReader.fail(`expected ${levels.length} rows (one per level), found ${quantiles.length}`);
      for (let k = 1; k < quantiles.length; k += 1) {
        for (let s = 0; s < horizonMinutes; s += 1) {
          if (quantiles[k][s] < quantiles[k - 1][s]) quantilesReader.fail(`expected quantiles non-decreasing in level, found [${k - 1}][${s}] = ${quantiles[k - 1][s]} > [${k}][${s}] = ${quantiles[k][s]}`);
        }
      }
      return { function: r.field('function').string(), mean: steps(r.field('mean')), quantiles };
    });
    const seen = new Set<string>();
    functions.forEach((f, i) => {
      if (seen.has(f.function)) functionsReader.fail(`function ${JSON.stringify(f.function)} appears twice (again at [${i}])`);
      seen.add(f.function);
    });
    const shardReader = reader.optionalField('shard');
    let shard: ForecastShard | undefined;
    if (shardReader !== undefined) {
      const count = shardReader.field('count').number({ min: 2, integer: true });
      shard = { index: shardReader.field('index').number({ min: 0, max: count - 1, integer: true }), count };
    }
    const base = { firstMinute: reader.field('firstMinute').minute(), horizonMinutes, model: reader.field('model').string(), levels, functions };
    return shard === undefined ? base : { ...base, shard };
  },
};

/** Mango indexes of the forecast database (lookups use ids, so none). */
export const FORECAST_INDEXES: readonly MangoIndex[] = [];

/**
 * The id of the forecast whose first step is `firstMinute` (of shard `shard`
 * when its count is above 1).
 * @throws RangeError on a bad minute or shard.
 */
export function forecastId(firstMinute: string, shard?: ForecastShard): string {
  const base = `forecast:${canonicalMinute(firstMinute, 'forecast firstMinute')}`;
  if (shard === undefined || shard.count === 1) {
    if (shard !== undefined && shard.index !== 0) throw new RangeError(`forecast shard: index must be 0 with count 1, got ${shard.index}`);
    return base;
  }
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new RangeError(`forecast shard: expected an integer count >= 1 and index in [0, count), got ${JSON.stringify(shard)}`);
  }
  return `${base}:shard-${shard.index}-of-${shard.count}`;
}

/** Sorts after every id that starts with the same prefix. */
const HIGH_KEY = '\ufff0';

/** Forecasts, one per tick. */
export class ForecastRepository {
  private readonly docs: DocumentCollection<Forecast>;

  constructor(db: CouchDatabase) {
    this.docs = new DocumentCollection(db, FORECAST_TYPE);
  }

  /**
   * Stores a forecast (once per first minute).
   * @throws RangeError on an invalid forecast (naming the field); StoreError `conflict` when a different forecast is stored for that minute.
   */
  async save(forecast: Forecast): Promise<InsertOnceResult<Forecast>> {
    requireDistinct(forecast.functions, (f) => f.function, `forecast ${forecast.firstMinute}: function`);
    const { shard, ...rest } = forecast;
    // A count of 1 is the unsharded document: stored without the field.
    return this.docs.insertOnce(forecastId(forecast.firstMinute, shard), shard === undefined || shard.count === 1 ? rest : { ...rest, shard });
  }

  /** The forecast of shard `shard` starting at `firstMinute` (the unsharded one for count 1), if stored. */
  async getShard(firstMinute: string, shard: ForecastShard): Promise<Forecast | undefined> {
    return (await this.docs.get(forecastId(firstMinute, shard)))?.doc;
  }

  /** Every forecast document starting at `firstMinute`: the unsharded one and every shard's, in id order. */
  async shardsAt(firstMinute: string): Promise<Forecast[]> {
    return (await this.docs.withIdPrefix(forecastId(firstMinute))).map((s) => s.doc);
  }

  /** The first minute of the latest forecast (any shard) starting at or before `minute`, if any. */
  async latestMinuteAtOrBefore(minute: string): Promise<string | undefined> {
    const [latest] = await this.docs.inIdRange('forecast:', `${forecastId(minute)}${HIGH_KEY}`, { descending: true, limit: 1 });
    return latest?.doc.firstMinute;
  }

  /** The forecast starting at `firstMinute`, if stored. */
  async get(firstMinute: string): Promise<Forecast | undefined> {
    return (await this.docs.get(forecastId(firstMinute)))?.doc;
  }

  /** The latest forecast whose first minute is at or before `minute`, if any. */
  async latestAtOrBefore(minute: string): Promise<Forecast | undefined> {
    const [latest] = await this.docs.inIdRange('forecast:', forecastId(minute), { descending: true, limit: 1 });
    return latest?.doc;
  }
}

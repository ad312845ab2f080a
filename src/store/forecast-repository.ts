/**
 * The forecaster's output, one document per tick: for every function, the
 * mean and quantiles of its invocation count in each of the next
 * `horizonMinutes` minutes. Written once (`forecast:<firstMinute>`); a repeated
 * write of the same forecast is a no-op, a different one a conflict.
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

/** A forecast of every function for the coming minutes. */
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
    return { firstMinute: reader.field('firstMinute').minute(), horizonMinutes, model: reader.field('model').string(), levels, functions };
  },
};

/** Mango indexes of the forecast database (lookups use ids, so none). */
export const FORECAST_INDEXES: readonly MangoIndex[] = [];

/** The id of the forecast whose first step is `firstMinute`. */
export function forecastId(firstMinute: string): string {
  return `forecast:${canonicalMinute(firstMinute, 'forecast firstMinute')}`;
}

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
    return this.docs.insertOnce(forecastId(forecast.firstMinute), forecast);
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

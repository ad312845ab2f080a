/**
 * The `forecaster` action: the second step of the one-minute scheduler chain.
 * It forecasts every function's invocations for the next 12 minutes with ours
 * (`aquatope`: the hybrid Bayesian network for busy functions, the idle-time
 * model for the rest) from the stored series, and stores the forecast
 * (`src/scheduler/forecast-tick.ts`).
 *
 * The model (`models/default`, beside the bundle: see `bundle.json`) and the
 * TensorFlow.js wasm backend are loaded once per container; settled series
 * minutes are cached per container too, so a warm container reads only the
 * last few minutes of the context at each tick.
 *
 * Params: `fireTime` (ISO 8601; absent: the start of the current minute),
 * `shard` (`{index, count}`: only the functions whose name hashes to `index`
 * mod `count`; each shard's forecast is stored on its own and the pool sizer
 * reads them all), `describeModel` (true: only load the model and answer its
 * description and a self-test forecast; no CouchDB needed), and the config
 * params of `loadConfig` (`couchdbUrl`, `dbPrefix`, `riskLevel` (its quantile
 * is stored beside 0.05, 0.5, 0.9, 0.95 and 0.99), `coldStartWorthGBs` (when
 * set, the levels the pool sizer's worth rule reads are stored too:
 * `WORTH_FORECAST_LEVELS`), `forecastContextMinutes`,
 * `collectorLookbackMinutes`, `leaseMs`, `storeTimeoutMs`, ...).
 *
 * Answers the tick's summary with `fireTimeSource`, `{ loadedModel }` for
 * `describeModel`, or `{ error: { code, message } }` with code
 * `invalid-param`, `store-unavailable`, `store-error` or `model-error`.
 */
import { loadConfig } from '../../src/config/load-config';
import { currentMinute, failureOf, missingCouchDb, type SchedulerActionFailure } from '../../src/scheduler/action-failure';
import { runForecastTick, storedForecastLevels, type ForecastTickSummary } from '../../src/scheduler/forecast-tick';
import { describeModel, forecasterOnce, loadModelOnce, resolveModelDir, type ModelDescription } from '../../src/scheduler/scheduler-forecaster';
import { CachedSeriesCounts } from '../../src/scheduler/series-counts-reader';
import { openStore } from '../../src/store/store';
import { parseForecasterParams } from './parse-params';

/** What the action answers. */
export type ForecasterActionResult = (ForecastTickSummary & { readonly fireTimeSource: 'param' | 'clock' }) | { readonly loadedModel: ModelDescription } | SchedulerActionFailure;

/** Per store (URL and prefix): the settled series minutes this container has read. */
const seriesCaches = new Map<string, CachedSeriesCounts>();

/** The action's entry point. */
export async function main(params: Record<string, unknown>): Promise<ForecasterActionResult> {
  try {
    const input = parseForecasterParams(params);
    const config = loadConfig(params, process.env);
    if (input.describeModel) return { loadedModel: describeModel(await loadModelOnce(resolveModelDir(__dirname)), config.forecastContextMinutes) };
    if (config.couchDbUrl === undefined) return missingCouchDb('forecaster');
    const fireTime = input.fireTime ?? currentMinute(Date.now());
    const store = await openStore({ url: config.couchDbUrl, dbPrefix: config.dbPrefix, timeoutMs: config.storeTimeoutMs });
    const loaded = await loadModelOnce(resolveModelDir(__dirname));
    const forecaster = forecasterOnce(loaded.model, config.forecastContextMinutes);
    const cacheKey = `${config.couchDbUrl}|${config.dbPrefix}`;
    let series = seriesCaches.get(cacheKey);
    if (series === undefined) {
      series = new CachedSeriesCounts(store.series, config.collectorLookbackMinutes + 2, config.forecastContextMinutes + 2);
      seriesCaches.set(cacheKey, series);
    }
    const summary = await runForecastTick(
      { fireTime, claimant: process.env.__OW_ACTIVATION_ID ?? 'forecaster', shard: input.shard },
      { store, series, forecaster, wallClock: { nowEpochMs: () => Date.now() } },
      { leaseMs: config.leaseMs, contextMinutes: config.forecastContextMinutes, levels: storedForecastLevels(config.riskLevel, config.coldStartWorthGBs) },
    );
    return { ...summary, fireTimeSource: input.fireTime === undefined ? 'clock' : 'param' };
  } catch (error) {
    return failureOf(error);
  }
}

import { AdaptiveAverageForecaster } from './adaptive-average';
import { BayesianForecaster } from './bayesian-forecaster';
import type { ForecastModel } from './forecast-model';
import { IdleHazardForecaster, type IdleHazardOptions } from './idle-hazard';
import { INFERENCE_CONFIGS } from './model-config';
import { QuantileAverageForecaster } from './quantile-average';
import { RegimeForecaster } from './regime-forecaster';

/**
 * Weight of the network in the quantile average of busy windows. Fitted on
 * validation minutes before the held-out ones (every 4th minute of 720:960 of
 * the 1,350-function day, every minute of 14,400:15,840 of the 14-day
 * function; BENCHMARKS.md, "Regimes"): of 0, 0.25, 0.5, 0.75 and 1, 0.5 had the
 * lowest pinball loss at 0.9 and 0.99 summed over both.
 */
export const BUSY_NETWORK_WEIGHT = 0.5;

/**
 * Ours, `aquatope`: busy windows (the default rule of {@link RegimeForecaster})
 * get the quantile average (Vincentization) of the hybrid Bayesian network
 * (`aquatope-lstm`) and the idle-time model, weight {@link BUSY_NETWORK_WEIGHT}
 * each; every other window gets the idle-time model (`idle-hazard`, one day of
 * context) alone.
 */
export function aquatopeForecaster(model: ForecastModel, options: AquatopeOptions = {}): RegimeForecaster {
  const hazard = new IdleHazardForecaster(options.hazard ?? {});
  const busy = new QuantileAverageForecaster('aquatope-busy', new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']), hazard, BUSY_NETWORK_WEIGHT);
  return new RegimeForecaster(busy, hazard, {}, options.name ?? 'aquatope');
}

/** Variants of {@link aquatopeForecaster} (e.g. a shorter context for the idle-time model). */
export interface AquatopeOptions {
  /** Settings of the idle-time model; default its defaults. */
  readonly hazard?: IdleHazardOptions;
  /** The name in reports; default `aquatope`. */
  readonly name?: string;
}

/** L of {@link adaptiveAquatopeForecaster}: each window's last 30 minutes score the two experts. */
export const ADAPTIVE_LOOKBACK_MINUTES = 30;
/** eta of {@link adaptiveAquatopeForecaster}. */
export const ADAPTIVE_ETA = 2;
/** Only windows with at least 25 invoked minutes of their last 48 are combined in {@link adaptiveAquatopeForecaster}. */
export const ADAPTIVE_MIN_INVOKED_MINUTES = 25;

/**
 * The replay budget of {@link adaptiveAquatopeForecaster}: at most 2,000
 * minutes replayed per call, which keeps a forecasting tick with nothing
 * remembered (the first after a restart) near 2 s for the 1,350-function day
 * (BENCHMARKS.md, "Forecasting tick"); at about 190 combined windows of 30
 * minutes, all are served by the third tick.
 */
export const ADAPTIVE_MAX_REPLAYS_PER_CALL = 2000;

/**
 * A candidate, `aquatope-adaptive` (not ours yet): ours and the network
 * (`aquatope-lstm`) averaged by quantile with weights each window learns from
 * its own last {@link ADAPTIVE_LOOKBACK_MINUTES} minutes
 * ({@link AdaptiveAverageForecaster}, eta {@link ADAPTIVE_ETA}), for windows
 * with at least {@link ADAPTIVE_MIN_INVOKED_MINUTES} invoked minutes of their
 * last 48; levels from 0.95 keep ours' tail. Every other window gets ours
 * alone. The settings were chosen on validation minutes before the held-out
 * ones (BENCHMARKS.md, "An adaptive average with the network").
 */
export function adaptiveAquatopeForecaster(model: ForecastModel): AdaptiveAverageForecaster {
  return new AdaptiveAverageForecaster('aquatope-adaptive', [aquatopeForecaster(model), new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm'])], {
    lookbackMinutes: ADAPTIVE_LOOKBACK_MINUTES,
    eta: ADAPTIVE_ETA,
    minInvokedMinutes: ADAPTIVE_MIN_INVOKED_MINUTES,
    adaptTail: false,
    maxReplaysPerCall: ADAPTIVE_MAX_REPLAYS_PER_CALL,
  });
}

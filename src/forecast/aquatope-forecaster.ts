import { AdaptiveAverageForecaster } from './adaptive-average';
import { BayesianForecaster } from './bayesian-forecaster';
import type { ForecastModel } from './forecast-model';
import type { CountForecast, ForecastWindow, Forecaster } from './forecast-types';
import { IdleHazardForecaster, type IdleHazardOptions } from './idle-hazard';
import { INFERENCE_CONFIGS } from './model-config';
import type { Rng } from '../core/rng';
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
 * `aquatope-regime`, the first expert of ours (and ours before the adaptive
 * average): busy windows (the default rule of {@link RegimeForecaster}) get
 * the quantile average (Vincentization) of the hybrid Bayesian network
 * (`aquatope-lstm`) and the idle-time model, weight {@link BUSY_NETWORK_WEIGHT}
 * each; every other window gets the idle-time model (`idle-hazard`, one day of
 * context) alone.
 */
export function regimeForecaster(model: ForecastModel, options: AquatopeOptions = {}): RegimeForecaster {
  const hazard = new IdleHazardForecaster(options.hazard ?? {});
  const busy = new QuantileAverageForecaster('aquatope-busy', new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']), hazard, BUSY_NETWORK_WEIGHT);
  return new RegimeForecaster(busy, hazard, {}, options.name ?? 'aquatope-regime');
}

/** Variants of {@link aquatopeForecaster} and {@link regimeForecaster} (e.g. a shorter context for the idle-time model). */
export interface AquatopeOptions {
  /** Settings of the idle-time model; default its defaults. */
  readonly hazard?: IdleHazardOptions;
  /** The name in reports; default `aquatope` (`aquatope-regime` for {@link regimeForecaster}). */
  readonly name?: string;
  /** Whether levels from 0.95 are learnt too instead of kept from the regime forecaster; default false (the variant `aquatope-tail`). */
  readonly adaptTail?: boolean;
}

/** L of {@link aquatopeForecaster}: each window's last 30 minutes score the two experts. */
export const ADAPTIVE_LOOKBACK_MINUTES = 30;
/** eta of {@link aquatopeForecaster}. */
export const ADAPTIVE_ETA = 2;
/** Only windows with at least 25 invoked minutes of their last 48 are combined in {@link aquatopeForecaster}. */
export const ADAPTIVE_MIN_INVOKED_MINUTES = 25;
/**
 * The replay budget of {@link aquatopeForecaster}: at most 2,000 minutes
 * replayed per call, which keeps a forecasting tick with nothing remembered
 * (the first after a restart) near 2 s for the 1,350-function day
 * (BENCHMARKS.md, "Forecasting tick"); at about 190 combined windows of 30
 * minutes, all are served by the third tick.
 */
export const ADAPTIVE_MAX_REPLAYS_PER_CALL = 2000;

/**
 * Ours, `aquatope`: the regime forecaster ({@link regimeForecaster}) and the
 * network (`aquatope-lstm`) averaged by quantile with weights each window
 * learns from its own last {@link ADAPTIVE_LOOKBACK_MINUTES} minutes
 * ({@link AdaptiveAverageForecaster}, eta {@link ADAPTIVE_ETA}), for windows
 * with at least {@link ADAPTIVE_MIN_INVOKED_MINUTES} invoked minutes of their
 * last 48; levels from 0.95 keep the regime forecaster's tail, which caps the
 * levels below. Every other
 * window gets the regime forecaster alone. The settings were chosen on
 * validation minutes before the held-out ones (BENCHMARKS.md, "An adaptive
 * average with the network"). Windows with a `key` are remembered between
 * calls (one forecaster per series of ticks).
 */
export function aquatopeForecaster(model: ForecastModel, options: AquatopeOptions = {}): AquatopeForecaster {
  const regime = regimeForecaster(model, { ...(options.hazard === undefined ? {} : { hazard: options.hazard }) });
  const adaptive = new AdaptiveAverageForecaster(options.name ?? 'aquatope', [regime, new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm'])], {
    lookbackMinutes: ADAPTIVE_LOOKBACK_MINUTES,
    eta: ADAPTIVE_ETA,
    minInvokedMinutes: ADAPTIVE_MIN_INVOKED_MINUTES,
    adaptTail: options.adaptTail ?? false,
    maxReplaysPerCall: ADAPTIVE_MAX_REPLAYS_PER_CALL,
  });
  return new AquatopeForecaster(regime, adaptive);
}

/** Ours ({@link aquatopeForecaster}), with what the scheduler asks of it. */
export class AquatopeForecaster implements Forecaster {
  readonly name: string;
  readonly historyMinutes: number;
  readonly contextMinutes: number;

  constructor(
    /** The first expert (`aquatope-regime`). */
    readonly regime: RegimeForecaster,
    private readonly adaptive: AdaptiveAverageForecaster,
  ) {
    this.name = adaptive.name;
    this.historyMinutes = adaptive.historyMinutes;
    this.contextMinutes = adaptive.contextMinutes;
  }

  forecast(windows: readonly ForecastWindow[], horizon: number, rng: Rng): CountForecast {
    return this.adaptive.forecast(windows, horizon, rng);
  }

  /**
   * Whether a window of these counts is forecast from its counts alone, so the
   * same counts give the same forecast at any minute: neither busy (the
   * network, whose time features move) nor combined with the network.
   */
  countsOnly(counts: Float64Array): boolean {
    return !this.regime.isBusy(counts) && !this.adaptive.combines(counts);
  }
}

import { BayesianForecaster } from './bayesian-forecaster';
import type { ForecastModel } from './forecast-model';
import { IdleHazardForecaster } from './idle-hazard';
import { INFERENCE_CONFIGS } from './model-config';
import { RegimeForecaster } from './regime-forecaster';

/**
 * Ours, `aquatope`: the hybrid Bayesian network (`aquatope-lstm`) for busy
 * windows and the idle-time model (`idle-hazard`, one day of context) for the
 * rest, with the default busy rule of {@link RegimeForecaster}.
 */
export function aquatopeForecaster(model: ForecastModel): RegimeForecaster {
  return new RegimeForecaster(new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']), new IdleHazardForecaster());
}

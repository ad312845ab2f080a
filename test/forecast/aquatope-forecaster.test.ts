import { join } from 'node:path';
import { loadForecastModel } from '../../src/adapters/model-files';
import { initTensorflow } from '../../src/adapters/tfjs-backend';
import { SeededRng } from '../../src/core/rng';
import { ADAPTIVE_MIN_INVOKED_MINUTES, adaptiveAquatopeForecaster, aquatopeForecaster, BUSY_NETWORK_WEIGHT } from '../../src/forecast/aquatope-forecaster';
import { BayesianForecaster } from '../../src/forecast/bayesian-forecaster';
import type { ForecastModel } from '../../src/forecast/forecast-model';
import type { ForecastWindow } from '../../src/forecast/forecast-types';
import { IdleHazardForecaster } from '../../src/forecast/idle-hazard';
import { INFERENCE_CONFIGS } from '../../src/forecast/model-config';

let model: ForecastModel;

beforeAll(async () => {
  await initTensorflow();
  model = await loadForecastModel(join(__dirname, '..', '..', 'models', 'default'));
}, 60_000);

describe('aquatopeForecaster (ours)', () => {
  const busyWindow: ForecastWindow = { counts: Float64Array.from({ length: 120 }, (_, i) => 20 + (i % 7)), endMinute: 900 };
  const sparseWindow: ForecastWindow = { counts: Float64Array.from({ length: 120 }, (_, i) => (i % 17 === 3 ? 2 : 0)), endMinute: 900 };

  it('gives a busy window the equal-weight quantile average of the network and the idle-time model', () => {
    expect(BUSY_NETWORK_WEIGHT).toBe(0.5);
    const ours = aquatopeForecaster(model).forecast([busyWindow], 3, new SeededRng('aquatope'));
    // The network draws its dropout masks first, from the same generator.
    const net = new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']).forecast([busyWindow], 3, new SeededRng('aquatope'));
    const hazard = new IdleHazardForecaster().forecast([busyWindow], 3);
    for (let s = 0; s < 3; s++) {
      for (const q of [0.1, 0.5, 0.9, 0.99]) {
        expect(ours.quantile(0, s, q)).toBeCloseTo(0.5 * net.quantile(0, s, q) + 0.5 * hazard.quantile(0, s, q), 9);
      }
    }
  });

  it('gives every other window the idle-time model alone', () => {
    const ours = aquatopeForecaster(model).forecast([sparseWindow], 3, new SeededRng(1));
    const hazard = new IdleHazardForecaster().forecast([sparseWindow], 3);
    for (let s = 0; s < 3; s++) {
      expect(ours.cdf(0, s, 0)).toBe(hazard.cdf(0, s, 0));
      expect(ours.quantile(0, s, 0.99)).toBe(hazard.quantile(0, s, 0.99));
    }
  });

  it('takes the idle-time model settings and a name', () => {
    const f = aquatopeForecaster(model, { hazard: { contextMinutes: 240 }, name: 'aquatope-context-240' });
    expect(f.name).toBe('aquatope-context-240');
    expect(f.contextMinutes).toBe(240);
    expect(aquatopeForecaster(model).name).toBe('aquatope');
    expect(aquatopeForecaster(model).contextMinutes).toBe(1440);
  });

  it('gives the candidate aquatope-adaptive\'s windows with too few invoked minutes ours alone', () => {
    // 8 of the sparse window's last 48 minutes are invoked, under the candidate's 25.
    expect(Array.from(sparseWindow.counts.subarray(72)).filter((c) => c > 0).length).toBeLessThan(ADAPTIVE_MIN_INVOKED_MINUTES);
    const candidate = adaptiveAquatopeForecaster(model);
    expect(candidate.name).toBe('aquatope-adaptive');
    expect(candidate.contextMinutes).toBe(1440);
    const mixed = candidate.forecast([sparseWindow], 3, new SeededRng(1));
    const ours = aquatopeForecaster(model).forecast([sparseWindow], 3, new SeededRng(1));
    for (let s = 0; s < 3; s++) for (const q of [0.5, 0.9, 0.99]) expect(mixed.quantile(0, s, q)).toBe(ours.quantile(0, s, q));
  });
});

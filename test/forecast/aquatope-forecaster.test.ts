import { join } from 'node:path';
import { loadForecastModel } from '../../src/adapters/model-files';
import { initTensorflow } from '../../src/adapters/tfjs-backend';
import { SeededRng } from '../../src/core/rng';
import { ADAPTIVE_MIN_INVOKED_MINUTES, aquatopeForecaster, BUSY_NETWORK_WEIGHT, regimeForecaster } from '../../src/forecast/aquatope-forecaster';
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

describe('regimeForecaster (the first expert of ours)', () => {
  const busyWindow: ForecastWindow = { counts: Float64Array.from({ length: 120 }, (_, i) => 20 + (i % 7)), endMinute: 900 };
  const sparseWindow: ForecastWindow = { counts: Float64Array.from({ length: 120 }, (_, i) => (i % 17 === 3 ? 2 : 0)), endMinute: 900 };

  it('gives a busy window the equal-weight quantile average of the network and the idle-time model', () => {
    expect(BUSY_NETWORK_WEIGHT).toBe(0.5);
    const ours = regimeForecaster(model).forecast([busyWindow], 3, new SeededRng('aquatope'));
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
    const ours = regimeForecaster(model).forecast([sparseWindow], 3, new SeededRng(1));
    const hazard = new IdleHazardForecaster().forecast([sparseWindow], 3);
    for (let s = 0; s < 3; s++) {
      expect(ours.cdf(0, s, 0)).toBe(hazard.cdf(0, s, 0));
      expect(ours.quantile(0, s, 0.99)).toBe(hazard.quantile(0, s, 0.99));
    }
  });

  it('takes the idle-time model settings and a name', () => {
    const f = regimeForecaster(model, { hazard: { contextMinutes: 240 }, name: 'r-240' });
    expect(f.name).toBe('r-240');
    expect(f.contextMinutes).toBe(240);
    expect(regimeForecaster(model).name).toBe('aquatope-regime');
  });
});

describe('aquatopeForecaster (ours)', () => {
  const sparseWindow: ForecastWindow = { counts: Float64Array.from({ length: 120 }, (_, i) => (i % 17 === 3 ? 2 : 0)), endMinute: 900 };
  // 32 of the last 48 minutes invoked, 1 to 3 a minute: combined with the network, not busy.
  const lively = Float64Array.from({ length: 120 }, (_, i) => (i % 3 === 0 ? 0 : 1 + (i % 4 === 1 ? 2 : 0)));

  it('gives windows with too few invoked minutes the regime forecaster alone', () => {
    // 8 of the sparse window's last 48 minutes are invoked, under ours' 25.
    expect(Array.from(sparseWindow.counts.subarray(72)).filter((c) => c > 0).length).toBeLessThan(ADAPTIVE_MIN_INVOKED_MINUTES);
    const ours = aquatopeForecaster(model);
    expect(ours.name).toBe('aquatope');
    expect(ours.contextMinutes).toBe(1440);
    const mixed = ours.forecast([sparseWindow], 3, new SeededRng(1));
    const regime = regimeForecaster(model).forecast([sparseWindow], 3, new SeededRng(1));
    for (let s = 0; s < 3; s++) for (const q of [0.5, 0.9, 0.99]) expect(mixed.quantile(0, s, q)).toBe(regime.quantile(0, s, q));
  });

  it('combines a lively window with the network below 0.95 and keeps the regime forecaster\'s tail, which caps the band below', () => {
    expect(Array.from(lively.subarray(72)).filter((c) => c > 0).length).toBeGreaterThanOrEqual(ADAPTIVE_MIN_INVOKED_MINUTES);
    const mixed = aquatopeForecaster(model).forecast([{ counts: lively, endMinute: 900 }], 1, new SeededRng(1));
    const regime = regimeForecaster(model).forecast([{ counts: lively, endMinute: 900 }], 1, new SeededRng(1));
    expect(mixed.quantile(0, 0, 0.99)).toBe(regime.quantile(0, 0, 0.99));
    expect(mixed.quantile(0, 0, 0.95)).toBe(regime.quantile(0, 0, 0.95));
    expect(mixed.quantile(0, 0, 0.95 - 1e-9)).toBeLessThanOrEqual(regime.quantile(0, 0, 0.95));
    // Below 0.95 a weighted average of the two experts' count quantiles: off the regime forecaster's integers.
    expect(mixed.quantile(0, 0, 0.8)).toBeGreaterThan(regime.quantile(0, 0, 0.8));
    expect(Number.isInteger(mixed.quantile(0, 0, 0.8))).toBe(false);
    // At 0.9 the average is over the regime forecaster's 0.95-quantile (3 on this window), so it is that.
    expect(mixed.quantile(0, 0, 0.9)).toBe(regime.quantile(0, 0, 0.95));
  });

  it('says which windows it forecasts from their counts alone: neither busy nor combined', () => {
    const ours = aquatopeForecaster(model);
    expect(ours.countsOnly(sparseWindow.counts)).toBe(true);
    expect(ours.countsOnly(lively)).toBe(false);
    expect(ours.countsOnly(new Float64Array(48).fill(20))).toBe(false);
    expect(ours.regime.isBusy(lively)).toBe(false);
  });

  it('takes the idle-time model settings and a name', () => {
    const f = aquatopeForecaster(model, { hazard: { contextMinutes: 240 }, name: 'aquatope-context-240' });
    expect(f.name).toBe('aquatope-context-240');
    expect(f.contextMinutes).toBe(240);
    expect(aquatopeForecaster(model).name).toBe('aquatope');
    expect(aquatopeForecaster(model).contextMinutes).toBe(1440);
  });
});

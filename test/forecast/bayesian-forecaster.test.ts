import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadForecastModel, saveForecastModel } from '../../src/adapters/model-files';
import { initTensorflow } from '../../src/adapters/tfjs-backend';
import { SeededRng } from '../../src/core/rng';
import { BayesianForecaster, LogNormalCountForecast } from '../../src/forecast/bayesian-forecaster';
import type { ForecastModel } from '../../src/forecast/forecast-model';
import type { ForecastWindow } from '../../src/forecast/forecast-types';
import { INFERENCE_CONFIGS } from '../../src/forecast/model-config';
import { encodeFeatures, monteCarlo } from '../../src/forecast/monte-carlo';
import { INPUT_FEATURES } from '../../src/forecast/network';
import { normalCdf } from '../../src/core/normal';
import { poissonLogNormalCdf, poissonLogNormalQuantile } from '../../src/forecast/count-distribution';
import { localNoiseVariance } from '../../src/forecast/scaling';
import { trainTinyModel } from '../support/tiny-model';

function flat(value: number, minutes = 48, endMinute = 600): ForecastWindow {
  return { counts: new Float64Array(minutes).fill(value), endMinute };
}

function isLogNormal(f: unknown): f is LogNormalCountForecast {
  return f instanceof LogNormalCountForecast;
}

let model: ForecastModel;

beforeAll(async () => {
  await initTensorflow();
  model = await trainTinyModel();
}, 60_000);

describe('BayesianForecaster', () => {
  it('gives one forecast per window and step, quantiles non-decreasing in q and >= 0', () => {
    const f = new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']);
    const r = f.forecast([flat(0), flat(5), flat(300)], 12, new SeededRng(1));
    expect(r.windows).toBe(3);
    expect(r.horizon).toBe(12);
    for (let w = 0; w < 3; w++) {
      for (let s = 0; s < 12; s++) {
        const qs = [0.05, 0.5, 0.9, 0.99].map((q) => r.quantile(w, s, q));
        expect(qs[0]).toBeGreaterThanOrEqual(0);
        for (let i = 1; i < qs.length; i++) expect(qs[i]).toBeGreaterThanOrEqual(qs[i - 1]);
        expect(r.point(w, s)).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('de-normalises to counts: an idle function forecasts 0, one at 1000 a minute forecasts about 1000', () => {
    const r = new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']).forecast([flat(0), flat(1000)], 1, new SeededRng(2));
    expect(r.point(0, 0)).toBe(0);
    expect(r.point(1, 0)).toBeGreaterThan(700);
    expect(r.point(1, 0)).toBeLessThan(1400);
  });

  it('a timer firing twice every minute is forecast to within one invocation', () => {
    const r = new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']).forecast([flat(2)], 12, new SeededRng(3));
    for (let s = 0; s < 12; s++) expect(Math.abs(r.point(0, s) - 2)).toBeLessThanOrEqual(1);
  });

  it('Monte Carlo samples differ: dropout is on at inference', () => {
    const n = 2;
    const x = new Float32Array(n * 48 * INPUT_FEATURES);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i);
    const features = encodeFeatures(model, x, n);
    const mc = monteCarlo(model, features, new Float32Array(n * 4), n, 16, new SeededRng(4));
    for (const v of mc.variance) expect(v).toBeGreaterThan(0);
  });

  it('the spread grows on a noisier series', () => {
    const smooth = new Float64Array(48).fill(20);
    // About the same recent level in log1p units (ln 21 vs (ln 11 + ln 41) / 2), very different noise.
    const noisy = Float64Array.from({ length: 48 }, (_, i) => (i % 2 === 0 ? 10 : 40));
    const r = new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']).forecast(
      [
        { counts: smooth, endMinute: 600 },
        { counts: noisy, endMinute: 600 },
      ],
      1,
      new SeededRng(5),
    );
    if (!isLogNormal(r)) throw new Error('expected a log-normal forecast');
    expect(r.logMoments(1, 0).sd).toBeGreaterThan(1.5 * r.logMoments(0, 0).sd);
    const width = (w: number): number => r.quantile(w, 0, 0.95) - r.quantile(w, 0, 0.05);
    expect(width(1)).toBeGreaterThan(width(0));
  });

  it('cdf is the distribution its quantiles invert: the Poisson-lognormal mixture for ours, the rounded log1p-normal for aquatope-2023', () => {
    const win = [{ counts: Float64Array.from({ length: 48 }, (_, i) => 3 + (i % 4)), endMinute: 900 }];
    const ours = new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']).forecast(win, 1, new SeededRng(8));
    const old = new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-2023']).forecast(win, 1, new SeededRng(8));
    if (!isLogNormal(ours) || !isLogNormal(old)) throw new Error('expected log-normal forecasts');
    const o = ours.logMoments(0, 0);
    const d = old.logMoments(0, 0);
    for (const k of [0, 2, 5, 9]) {
      expect(ours.cdf(0, 0, k)).toBeCloseTo(poissonLogNormalCdf(k, o.mean, o.sd), 12);
      expect(old.cdf(0, 0, k)).toBeCloseTo(normalCdf((Math.log1p(k + 0.5) - d.mean) / d.sd), 12);
    }
    expect(ours.cdf(0, 0, -1)).toBe(0);
    expect(old.cdf(0, 0, -1)).toBe(0);
    for (const f of [ours, old]) {
      const k = f.quantile(0, 0, 0.9);
      expect(f.cdf(0, 0, k)).toBeGreaterThanOrEqual(0.9 - 1e-9);
      if (k > 0) expect(f.cdf(0, 0, k - 1)).toBeLessThan(0.9);
    }
  });

  it('ours adds the validation noise variance to the Monte Carlo variance; aquatope-2023 does not', () => {
    const counts = Float64Array.from({ length: 48 }, (_, i) => 10 + (i % 5));
    const win = [{ counts, endMinute: 700 }];
    const ours = new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']).forecast(win, 1, new SeededRng(6));
    const old = new BayesianForecaster(model, { ...INFERENCE_CONFIGS['aquatope-2023'], samples: 64 }).forecast(win, 1, new SeededRng(6));
    if (!isLogNormal(ours) || !isLogNormal(old)) throw new Error('expected log-normal forecasts');
    const local = localNoiseVariance(counts, 0, 48);
    const { mean } = ours.logMoments(0, 0);
    expect(old.logMoments(0, 0).mean).toBeCloseTo(mean, 5);
    // Same samples (same seed and count), so the rate variances differ by exactly the step's
    // factor x the local noise; the Poisson sampling noise is in ours's count distribution only.
    expect(ours.logMoments(0, 0).sd ** 2).toBeCloseTo(old.logMoments(0, 0).sd ** 2 + model.noiseVariance[0] * local, 5);
    const { sd } = ours.logMoments(0, 0);
    expect(ours.quantile(0, 0, 0.9)).toBe(poissonLogNormalQuantile(mean, sd, 0.9));
    expect(ours.logMoments(0, 0).sd).toBeGreaterThan(old.logMoments(0, 0).sd);
  });

  it('identical windows share one forecast', () => {
    const r = new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']).forecast([flat(7), flat(3), flat(7)], 2, new SeededRng(8));
    expect(r.quantile(2, 1, 0.9)).toBe(r.quantile(0, 1, 0.9));
    expect(r.point(2, 0)).toBe(r.point(0, 0));
  });

  it('the same seed gives the same forecast; another seed gives other samples', () => {
    const f = new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-2023']);
    const win = [{ counts: Float64Array.from({ length: 48 }, (_, i) => 100 + 30 * Math.sin(i / 3)), endMinute: 900 }];
    const a = f.forecast(win, 12, new SeededRng(9));
    const b = f.forecast(win, 12, new SeededRng(9));
    const c = f.forecast(win, 12, new SeededRng(10));
    const pts = (r: typeof a): number[] => Array.from({ length: 12 }, (_, s) => r.point(0, s));
    expect(pts(b)).toEqual(pts(a));
    expect(pts(c)).not.toEqual(pts(a));
  });

  it.each([
    [0, 'horizon must be an integer in 1..12, got 0'],
    [13, 'horizon must be an integer in 1..12, got 13'],
    [1.5, 'horizon must be an integer in 1..12, got 1.5'],
  ])('horizon %p is rejected', (h, message) => {
    expect(() => new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']).forecast([flat(1)], h, new SeededRng(1))).toThrow(message);
  });

  it('a window shorter than 48 minutes is rejected, naming it', () => {
    expect(() => new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']).forecast([flat(1), flat(1, 47)], 1, new SeededRng(1))).toThrow(
      'window 1 has 47 minutes; the model needs 48',
    );
  });

  it('a saved model loads back and gives identical forecasts for the same seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aquatope-model-'));
    try {
      await saveForecastModel(model, dir);
      const loaded = await loadForecastModel(dir);
      expect(loaded.noiseVariance).toEqual(model.noiseVariance);
      const win = [flat(3), { counts: Float64Array.from({ length: 60 }, (_, i) => (i * 7) % 13), endMinute: 1234 }];
      for (const cfg of [INFERENCE_CONFIGS['aquatope-lstm'], INFERENCE_CONFIGS['aquatope-2023']]) {
        const a = new BayesianForecaster(model, cfg).forecast(win, 12, new SeededRng(11));
        const b = new BayesianForecaster(loaded, cfg).forecast(win, 12, new SeededRng(11));
        for (let w = 0; w < 2; w++) {
          for (let s = 0; s < 12; s++) {
            expect(b.point(w, s)).toBe(a.point(w, s));
            expect(b.quantile(w, s, 0.99)).toBe(a.quantile(w, s, 0.99));
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

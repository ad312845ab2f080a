import { join } from 'node:path';
import { loadForecastModel } from '../../src/adapters/model-files';
import { initTensorflow } from '../../src/adapters/tfjs-backend';
import { SeededRng } from '../../src/core/rng';
import { BayesianForecaster } from '../../src/forecast/bayesian-forecaster';
import type { ForecastModel } from '../../src/forecast/forecast-model';
import { INFERENCE_CONFIGS } from '../../src/forecast/model-config';

// The committed model (models/default), as npm run bench and the policy load it.
let model: ForecastModel;

beforeAll(async () => {
  await initTensorflow();
  model = await loadForecastModel(join(__dirname, '..', '..', 'models', 'default'));
}, 60_000);

describe('the committed default forecaster', () => {
  // Timer triggers fire a fixed number of times per period. A flat busy series (30 or more a
  // minute) is forecast a few percent off: the network's small bias on a flat window is
  // multiplied by the scale floor (BENCHMARKS.md, forecaster).
  it.each([1, 2, 5])('a timer firing %p times every minute is forecast to within one invocation for all 12 minutes', (rate) => {
    const f = new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']);
    const r = f.forecast([{ counts: new Float64Array(48).fill(rate), endMinute: 5000 }], 12, new SeededRng(rate));
    for (let s = 0; s < 12; s++) expect(Math.abs(r.point(0, s) - rate)).toBeLessThanOrEqual(1);
  });

  it('a timer firing once every 5 minutes is forecast to within one invocation for all 12 minutes', () => {
    const counts = Float64Array.from({ length: 48 }, (_, i) => (i % 5 === 2 ? 1 : 0));
    const r = new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']).forecast([{ counts, endMinute: 3000 }], 12, new SeededRng(7));
    for (let s = 0; s < 12; s++) {
      const actual = (48 + s) % 5 === 2 ? 1 : 0;
      expect(Math.abs(r.point(0, s) - actual)).toBeLessThanOrEqual(1);
    }
  });

  it('a function idle for the whole window is forecast idle', () => {
    const r = new BayesianForecaster(model, INFERENCE_CONFIGS['aquatope-lstm']).forecast([{ counts: new Float64Array(48), endMinute: 777 }], 12, new SeededRng(1));
    for (let s = 0; s < 12; s++) expect(r.point(0, s)).toBe(0);
  });

  it('has the shapes of the design: 48-minute window, 12-minute horizon, one noise factor per step', () => {
    expect(model.network.window).toBe(48);
    expect(model.network.horizon).toBe(12);
    expect(model.noiseVariance).toHaveLength(12);
  });
});

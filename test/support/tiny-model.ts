import { SeededRng } from '../../src/core/rng';
import type { ForecastModel } from '../../src/forecast/forecast-model';
import { DEFAULT_NETWORK, DEFAULT_TRAINING, type NetworkConfig } from '../../src/forecast/model-config';
import { trainForecaster } from '../../src/forecast/train';
import type { TrainingTrace } from '../../src/forecast/training-data';

/** A small network with the default window and horizon, so tests train in seconds. */
export const TINY_NETWORK: NetworkConfig = { ...DEFAULT_NETWORK, encoderUnits: 8, decoderUnits: 4, decoderDense: 8, predictorUnits: [16, 8] };

/** Diurnal, noisy and timer-like series, seeded: something to learn from. */
export function tinySeries(functions: number, minutes: number, seed: number): Float64Array[] {
  const rng = new SeededRng(seed);
  const out: Float64Array[] = [];
  for (let f = 0; f < functions; f++) {
    const s = new Float64Array(minutes);
    const base = 1 + 50 * rng.next();
    for (let m = 0; m < minutes; m++) {
      const diurnal = base * (1 + 0.5 * Math.sin((2 * Math.PI * m) / 1440));
      s[m] = f % 3 === 0 ? 2 : Math.max(0, Math.round(diurnal * (0.7 + 0.6 * rng.next())));
    }
    out.push(s);
  }
  return out;
}

/** Trains the tiny model on {@link tinySeries}; deterministic for a seed. */
export async function trainTinyModel(seed = 3): Promise<ForecastModel> {
  const traces: TrainingTrace[] = [{ source: 'tiny', series: tinySeries(12, 600, seed), originMinute: 0, range: { start: 0, end: 600 } }];
  return trainForecaster({
    traces,
    network: TINY_NETWORK,
    training: { ...DEFAULT_TRAINING, windows: 256, encoderEpochs: 1, predictorEpochs: 2, batchSize: 64, validationSamples: 8 },
    seed,
    rng: new SeededRng(seed),
    clock: { nowMs: () => 0 },
  });
}

import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../core/rng';
import type { NetworkConfig } from './model-config';
import { TIME_FEATURES, writeTimeFeatures } from './time-features';

/** Features per input minute: the scaled count z, the time features, and the magnitude. */
export const INPUT_FEATURES = 2 + TIME_FEATURES;

/** log1p(count) is divided by this for the magnitude feature (log1p of 22,000 invocations a minute is 10). Default 10. */
export const MAGNITUDE_SCALE = 10;

/**
 * Writes one input minute at `offset`: z, the time features of absolute minute
 * `minute`, then log1p(count) / {@link MAGNITUDE_SCALE}. The scaled z is the
 * same for a blip of one invocation in a quiet function and a burst of
 * thousands in a busy one; the magnitude tells them apart, so the model can
 * revert the first and follow the second.
 */
export function writeInputStep(x: Float32Array, offset: number, z: number, count: number, minute: number): void {
  x[offset] = z;
  writeTimeFeatures(minute, x, offset + 1);
  x[offset + 1 + TIME_FEATURES] = Math.log1p(count) / MAGNITUDE_SCALE;
}

/**
 * The two networks of the hybrid forecaster. Dropout masks are explicit inputs
 * (0 or 1/(1-p), all ones for a deterministic pass), so that every random draw
 * comes from our seeded generator and Monte Carlo dropout at inference is the
 * same computation as dropout in training.
 *
 * - `encoder`: inputs `x` [window, 5] and `mask` [window, encoderUnits] (variational:
 *   one mask per sequence, repeated over time) -> features [window] (the LSTM's
 *   outputs projected to one value per minute).
 * - `pretrain`: the encoder plus the decoder (LSTM over the encoder's outputs,
 *   then, with the last `horizon` inputs, a dense head) -> z for the next
 *   `horizon` minutes. Trained in stage 1, then only the encoder is kept.
 * - `predictor`: inputs `features` [window], `time` [4] (the first target
 *   minute's time features), masks `m0` [window], `m1`, `m2` (hidden layers)
 *   -> z for the next `horizon` minutes. Trained in stage 2 on the frozen encoder.
 */
export interface Networks {
  readonly encoder: tf.LayersModel;
  readonly pretrain: tf.LayersModel;
  readonly predictor: tf.LayersModel;
}

function seeded(rng: Rng): number {
  return Math.floor(rng.next() * 2 ** 31);
}

function symbolic(x: tf.SymbolicTensor | tf.SymbolicTensor[] | tf.Tensor | tf.Tensor[]): tf.SymbolicTensor {
  if (x instanceof tf.SymbolicTensor) return x;
  throw new TypeError('expected a symbolic tensor from a layer applied in graph mode');
}

/** Builds the encoder and the pretraining model (they share the encoder's layers). */
export function buildEncoder(cfg: NetworkConfig, rng: Rng): { encoder: tf.LayersModel; pretrain: tf.LayersModel } {
  const x = tf.input({ shape: [cfg.window, INPUT_FEATURES], name: 'x' });
  const mask = tf.input({ shape: [cfg.window, cfg.encoderUnits], name: 'mask' });
  const last = tf.input({ shape: [cfg.horizon], name: 'last' });
  const lstm = tf.layers.lstm({
    units: cfg.encoderUnits,
    returnSequences: true,
    kernelInitializer: tf.initializers.glorotUniform({ seed: seeded(rng) }),
    recurrentInitializer: tf.initializers.glorotUniform({ seed: seeded(rng) }),
    name: 'encoder_lstm',
  });
  const seq = symbolic(lstm.apply(x));
  const dropped = symbolic(tf.layers.multiply({ name: 'encoder_dropout' }).apply([seq, mask]));
  const projected = symbolic(
    tf.layers
      .timeDistributed({
        layer: tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seeded(rng) }) }),
        name: 'encoder_projection',
      })
      .apply(dropped),
  );
  const features = symbolic(tf.layers.flatten({ name: 'encoder_features' }).apply(projected));
  const encoder = tf.model({ inputs: [x, mask], outputs: features, name: 'encoder' });

  const decoderSeq = symbolic(
    tf.layers
      .lstm({
        units: cfg.decoderUnits,
        returnSequences: true,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seeded(rng) }),
        recurrentInitializer: tf.initializers.glorotUniform({ seed: seeded(rng) }),
        name: 'decoder_lstm',
      })
      .apply(projected),
  );
  const decoded = symbolic(
    tf.layers
      .timeDistributed({
        layer: tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seeded(rng) }) }),
        name: 'decoder_projection',
      })
      .apply(decoderSeq),
  );
  const flat = symbolic(tf.layers.flatten().apply(decoded));
  const joined = symbolic(tf.layers.concatenate().apply([flat, last]));
  const hidden = symbolic(
    tf.layers
      .dense({ units: cfg.decoderDense, activation: 'relu', kernelInitializer: tf.initializers.heUniform({ seed: seeded(rng) }) })
      .apply(joined),
  );
  const out = symbolic(
    tf.layers.dense({ units: cfg.horizon, kernelInitializer: tf.initializers.glorotUniform({ seed: seeded(rng) }) }).apply(hidden),
  );
  const pretrain = tf.model({ inputs: [x, mask, last], outputs: out, name: 'pretrain' });
  return { encoder, pretrain };
}

/** Builds the prediction network (stage 2). */
export function buildPredictor(cfg: NetworkConfig, rng: Rng): tf.LayersModel {
  const [u1, u2] = cfg.predictorUnits;
  const features = tf.input({ shape: [cfg.window], name: 'features' });
  const time = tf.input({ shape: [TIME_FEATURES], name: 'time' });
  const m0 = tf.input({ shape: [cfg.window], name: 'm0' });
  const m1 = tf.input({ shape: [u1], name: 'm1' });
  const m2 = tf.input({ shape: [u2], name: 'm2' });
  const f = symbolic(tf.layers.multiply().apply([features, m0]));
  const joined = symbolic(tf.layers.concatenate().apply([f, time]));
  const h1 = symbolic(
    tf.layers.dense({ units: u1, activation: 'relu', kernelInitializer: tf.initializers.heUniform({ seed: seeded(rng) }) }).apply(joined),
  );
  const d1 = symbolic(tf.layers.multiply().apply([h1, m1]));
  const h2 = symbolic(
    tf.layers.dense({ units: u2, activation: 'relu', kernelInitializer: tf.initializers.heUniform({ seed: seeded(rng) }) }).apply(d1),
  );
  const d2 = symbolic(tf.layers.multiply().apply([h2, m2]));
  const out = symbolic(
    tf.layers.dense({ units: cfg.horizon, kernelInitializer: tf.initializers.glorotUniform({ seed: seeded(rng) }) }).apply(d2),
  );
  return tf.model({ inputs: [features, time, m0, m1, m2], outputs: out, name: 'predictor' });
}

/**
 * A dropout mask [rows, units] with keep probability 1 - p, scaled by 1/(1-p)
 * (inverted dropout), drawn from tfjs's seeded uniform generator with a seed
 * taken from `rng`. p = 0 gives ones.
 */
export function dropoutMask(rows: number, units: number, p: number, rng: Rng): tf.Tensor2D {
  if (p <= 0) return tf.ones([rows, units]);
  return tf.tidy(() => {
    const u = tf.randomUniform([rows, units], 0, 1, 'float32', seeded(rng));
    return tf.cast(tf.greaterEqual(u, p), 'float32').mul(1 / (1 - p));
  });
}

/** A variational mask [rows, window, units]: one mask per row, repeated over the window. */
export function variationalMask(rows: number, window: number, units: number, p: number, rng: Rng): tf.Tensor3D {
  return tf.tidy(() => {
    const m: tf.Tensor3D = dropoutMask(rows, units, p, rng).reshape([rows, 1, units]);
    return tf.tile(m, [1, window, 1]);
  });
}

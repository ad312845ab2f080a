import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadForecastModel } from '../../src/adapters/model-files';
import { initTensorflow } from '../../src/adapters/tfjs-backend';
import { SeededRng } from '../../src/core/rng';
import type { ForecastModel } from '../../src/forecast/forecast-model';
import { directEncoder, encodeFeatures } from '../../src/forecast/monte-carlo';
import { buildEncoder, INPUT_FEATURES } from '../../src/forecast/network';
import { TINY_NETWORK } from '../support/tiny-model';

/** What the encoder computes through `predict`, with its dropout mask all ones. */
function predicted(encoder: tf.LayersModel, x: Float32Array, rows: number, window: number, units: number): Float32Array {
  return tf.tidy(() => {
    const r = encoder.predict([tf.tensor3d(x, [rows, window, INPUT_FEATURES]), tf.ones([rows, window, units])]);
    if (Array.isArray(r)) throw new TypeError('one output');
    return Float32Array.from(r.dataSync());
  });
}

/** Seeded inputs in the range the scaled counts and time features take. */
function inputs(rows: number, window: number, seed: number): Float32Array {
  const rng = new SeededRng(seed);
  return Float32Array.from({ length: rows * window * INPUT_FEATURES }, () => 4 * rng.next() - 2);
}

let model: ForecastModel;

beforeAll(async () => {
  await initTensorflow();
  model = await loadForecastModel(join(__dirname, '..', '..', 'models', 'default'));
});

describe('encodeFeatures', () => {
  it('gives the committed model\'s encoder features to the bit, over more rows than one chunk', () => {
    const rows = 2100;
    const { window, encoderUnits } = model.network;
    const x = inputs(rows, window, 1);
    expect(directEncoder(model.encoder)).toBeDefined();
    const direct = encodeFeatures(model, x, rows);
    const expected = predicted(model.encoder, x, rows, window, encoderUnits);
    expect(direct.length).toBe(rows * window);
    let unequal = 0;
    for (let i = 0; i < direct.length; i++) if (direct[i] !== expected[i]) unequal++;
    expect(unequal).toBe(0);
    // Not a constant: the features follow the input.
    expect(new Set(Array.from(direct.subarray(0, 500))).size).toBeGreaterThan(100);
  });

  it('gives a freshly built small encoder\'s features to the bit', () => {
    const { encoder } = buildEncoder(TINY_NETWORK, new SeededRng(7));
    const rows = 33;
    const x = inputs(rows, TINY_NETWORK.window, 2);
    const step = directEncoder(encoder);
    if (step === undefined) throw new Error('expected the step-by-step encoder for a model of buildEncoder');
    expect(Array.from(step(x, rows, TINY_NETWORK.window))).toEqual(Array.from(predicted(encoder, x, rows, TINY_NETWORK.window, TINY_NETWORK.encoderUnits)));
  });

  it('leaves no tensor behind', () => {
    const x = inputs(40, model.network.window, 3);
    encodeFeatures(model, x, 40);
    const before = tf.memory().numTensors;
    encodeFeatures(model, x, 40);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves an encoder without the layers of buildEncoder to predict', () => {
    const input = tf.input({ shape: [4, INPUT_FEATURES] });
    const out = tf.layers.flatten().apply(tf.layers.dense({ units: 1 }).apply(input));
    if (Array.isArray(out) || !(out instanceof tf.SymbolicTensor)) throw new TypeError('one output');
    expect(directEncoder(tf.model({ inputs: input, outputs: out }))).toBeUndefined();
  });

  it('rejects an input of the wrong length, naming both sizes', () => {
    const step = directEncoder(model.encoder);
    if (step === undefined) throw new Error('expected the step-by-step encoder');
    expect(() => step(new Float32Array(10), 2, 48)).toThrow('encoder input has 10 values, expected 2 x 48 x 6');
  });
});

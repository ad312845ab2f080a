import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ForecastModel, TrainingRecord } from '../forecast/forecast-model';
import type { NetworkConfig } from '../forecast/model-config';
import { INPUT_FEATURES } from '../forecast/network';

/** Format tag of `forecaster.json`. */
export const MODEL_FORMAT = 'aquatope-forecaster/1';

/** The non-weight part of a saved model. */
interface ForecasterFile {
  readonly format: string;
  readonly network: NetworkConfig;
  readonly noiseVariance: readonly number[];
  readonly record: TrainingRecord;
}

function toArrayBuffer(data: ArrayBuffer | ArrayBuffer[]): ArrayBuffer {
  if (!Array.isArray(data)) return data;
  const total = data.reduce((s, b) => s + b.byteLength, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), o);
    o += b.byteLength;
  }
  return out.buffer;
}

/** Saves one LayersModel in TensorFlow.js layers format: `dir/model.json` + `dir/weights.bin`. */
async function saveLayers(model: tf.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : toArrayBuffer(artifacts.weightData);
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weights));
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileSync(join(dir, 'model.json'), `${JSON.stringify(json)}\n`);
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

async function loadLayers(dir: string): Promise<tf.LayersModel> {
  const path = join(dir, 'model.json');
  const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!isRecord(json) || !isRecord(json.modelTopology) || !Array.isArray(json.weightsManifest)) {
    throw new Error(`${path}: not a TensorFlow.js layers model (needs modelTopology and weightsManifest)`);
  }
  const group: unknown = json.weightsManifest[0];
  if (!isRecord(group) || !Array.isArray(group.weights)) throw new Error(`${path}: weightsManifest[0].weights missing`);
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const w of group.weights) {
    if (!isRecord(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || w.dtype !== 'float32') {
      throw new Error(`${path}: weight entry ${JSON.stringify(w)} is not a float32 tensor spec`);
    }
    specs.push({ name: w.name, shape: w.shape.map(Number), dtype: 'float32' });
  }
  const bin = readFileSync(join(dir, 'weights.bin'));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }));
}

/** Writes `dir/encoder/`, `dir/predictor/` (TensorFlow.js format) and `dir/forecaster.json`. */
export async function saveForecastModel(model: ForecastModel, dir: string): Promise<void> {
  await saveLayers(model.encoder, join(dir, 'encoder'));
  await saveLayers(model.predictor, join(dir, 'predictor'));
  const file: ForecasterFile = { format: MODEL_FORMAT, network: model.network, noiseVariance: model.noiseVariance, record: model.record };
  writeFileSync(join(dir, 'forecaster.json'), `${JSON.stringify(file, null, 2)}\n`);
}

function parseForecasterFile(path: string, v: unknown): ForecasterFile {
  if (!isRecord(v)) throw new Error(`${path}: expected a JSON object`);
  if (v.format !== MODEL_FORMAT) throw new Error(`${path}: format must be "${MODEL_FORMAT}", found ${JSON.stringify(v.format)}`);
  const n = v.network;
  if (!isRecord(n)) throw new Error(`${path}: "network" missing`);
  const num = (k: string): number => {
    const x = n[k];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${path}: network.${k} must be a number, found ${JSON.stringify(x)}`);
    return x;
  };
  const units = n.predictorUnits;
  if (!Array.isArray(units) || units.length !== 2 || typeof units[0] !== 'number' || typeof units[1] !== 'number') {
    throw new Error(`${path}: network.predictorUnits must be two numbers, found ${JSON.stringify(units)}`);
  }
  const network: NetworkConfig = {
    window: num('window'),
    horizon: num('horizon'),
    encoderUnits: num('encoderUnits'),
    decoderUnits: num('decoderUnits'),
    decoderDense: num('decoderDense'),
    predictorUnits: [units[0], units[1]],
    encoderDropout: num('encoderDropout'),
    predictorDropout: num('predictorDropout'),
  };
  const noise = v.noiseVariance;
  if (!Array.isArray(noise) || noise.length !== network.horizon || !noise.every((x) => typeof x === 'number' && x >= 0)) {
    throw new Error(`${path}: noiseVariance must be ${network.horizon} numbers >= 0, found ${JSON.stringify(noise)}`);
  }
  const record = v.record;
  if (!isRecord(record)) throw new Error(`${path}: "record" missing`);
  // The record is descriptive (the model card's source); it is carried as written.
  const rec: TrainingRecord = JSON.parse(JSON.stringify(record));
  return { format: MODEL_FORMAT, network, noiseVariance: noise.map(Number), record: rec };
}

/**
 * Loads a model saved by {@link saveForecastModel}.
 * @throws Error naming the file and field when something is missing or malformed.
 */
export async function loadForecastModel(dir: string): Promise<ForecastModel> {
  const path = join(dir, 'forecaster.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the forecaster model ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const file = parseForecasterFile(path, raw);
  const encoder = await loadLayers(join(dir, 'encoder'));
  const shape = encoder.inputs[0]?.shape ?? [];
  if (shape[1] !== file.network.window || shape[2] !== INPUT_FEATURES) {
    throw new Error(
      `${join(dir, 'encoder', 'model.json')}: the encoder reads ${String(shape[1])} minutes x ${String(shape[2])} features; this version needs ${file.network.window} x ${INPUT_FEATURES} (retrain it with npm run train)`,
    );
  }
  const predictor = await loadLayers(join(dir, 'predictor'));
  return { network: file.network, encoder, predictor, noiseVariance: file.noiseVariance, record: file.record };
}

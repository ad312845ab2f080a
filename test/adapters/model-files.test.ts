import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadForecastModel, MODEL_FORMAT, saveForecastModel } from '../../src/adapters/model-files';
import { initTensorflow } from '../../src/adapters/tfjs-backend';
import type { ForecastModel } from '../../src/forecast/forecast-model';
import { trainTinyModel } from '../support/tiny-model';

let model: ForecastModel;
const dirs: string[] = [];

function savedCopy(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'aquatope-files-'));
  dirs.push(dir);
  return saveForecastModel(model, dir).then(() => dir);
}

beforeAll(async () => {
  await initTensorflow();
  model = await trainTinyModel(5);
}, 60_000);

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('forecaster model files', () => {
  it('writes TensorFlow.js layers format: model.json with a weights manifest, weights.bin of the listed size', async () => {
    const dir = await savedCopy();
    for (const part of ['encoder', 'predictor']) {
      const json = JSON.parse(readFileSync(join(dir, part, 'model.json'), 'utf8'));
      expect(json.format).toBe('layers-model');
      expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
      const floats = json.weightsManifest[0].weights.reduce((n: number, w: { shape: number[] }) => n + w.shape.reduce((a, b) => a * b, 1), 0);
      expect(readFileSync(join(dir, part, 'weights.bin')).byteLength).toBe(4 * floats);
    }
    const meta = JSON.parse(readFileSync(join(dir, 'forecaster.json'), 'utf8'));
    expect(meta.format).toBe(MODEL_FORMAT);
    expect(meta.noiseVariance).toEqual(model.noiseVariance);
  });

  it('a missing model names the file it looked for', async () => {
    await expect(loadForecastModel('/nonexistent/model')).rejects.toThrow('cannot read the forecaster model /nonexistent/model/forecaster.json');
  });

  type Meta = Record<string, unknown> & { network: Record<string, unknown> };
  it.each([
    ['format', (m: Meta) => ({ ...m, format: 'other/9' }), 'format must be "aquatope-forecaster/1", found "other/9"'],
    ['noiseVariance', (m: Meta) => ({ ...m, noiseVariance: [1, 2] }), 'noiseVariance must be 12 numbers >= 0, found [1,2]'],
    ['network.window', (m: Meta) => ({ ...m, network: { ...m.network, window: 'x' } }), 'network.window must be a number, found "x"'],
  ])('a bad %s in forecaster.json is named', async (_field, edit, message) => {
    const dir = await savedCopy();
    const path = join(dir, 'forecaster.json');
    const meta: Meta = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify(edit(meta)));
    await expect(loadForecastModel(dir)).rejects.toThrow(`${path}: ${message}`);
  });

  it('an encoder with another input window is refused with a retrain hint', async () => {
    const dir = await savedCopy();
    const path = join(dir, 'forecaster.json');
    const meta = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...meta, network: { ...meta.network, window: 24 } }));
    await expect(loadForecastModel(dir)).rejects.toThrow('the encoder reads 48 minutes x 6 features; this version needs 24 x 6 (retrain it with npm run train)');
  });
});

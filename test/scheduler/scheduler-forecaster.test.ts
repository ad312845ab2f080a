import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRng } from '../../src/core/rng';
import { aquatopeForecaster } from '../../src/forecast/aquatope-forecaster';
import { describeModel, forecasterOnce, loadModelOnce, resolveModelDir, schedulerForecaster } from '../../src/scheduler/scheduler-forecaster';

const REPO = join(__dirname, '..', '..');

describe('the forecaster action\'s model', () => {
  it('is found beside a bundle, else at the repository\'s models/default, else a model-error naming both places', () => {
    const bundle = mkdtempSync(join(tmpdir(), 'aquatope-bundle-'));
    try {
      mkdirSync(join(bundle, 'models', 'default'), { recursive: true });
      writeFileSync(join(bundle, 'models', 'default', 'forecaster.json'), '{}');
      expect(resolveModelDir(bundle)).toBe(join(bundle, 'models', 'default'));
      expect(resolveModelDir(join(REPO, 'actions', 'forecaster'))).toBe(join(REPO, 'models', 'default'));
      expect(() => resolveModelDir(join(bundle, 'x'))).toThrow(expect.objectContaining({ code: 'model-error', message: expect.stringContaining(`neither ${join(bundle, 'x', 'models', 'default')} nor`) }));
    } finally {
      rmSync(bundle, { recursive: true, force: true });
    }
  });

  it('is loaded once per process (the container), ours forecasts with it, and a failed load is a model-error tried again next time', async () => {
    const dir = join(REPO, 'models', 'default');
    const first = await loadModelOnce(dir);
    const second = await loadModelOnce(dir);
    expect(second.model).toBe(first.model);
    expect([first.cached, second.cached]).toEqual([false, true]);

    const ours = schedulerForecaster(first.model);
    expect([ours.name, ours.historyMinutes, ours.contextMinutes]).toEqual(['aquatope', 48, 1440]);
    const busy = new Float64Array(48).fill(20);
    const sparse = Float64Array.from({ length: 48 }, (_, i) => (i % 7 === 0 ? 1 : 0));
    expect([ours.countsOnly(busy), ours.countsOnly(sparse)]).toEqual([false, true]);
    const windows = [{ counts: busy, endMinute: 600 }, { counts: sparse, endMinute: 600 }];
    const a = ours.forecast(windows, 12, new SeededRng(5));
    const b = aquatopeForecaster(first.model).forecast(windows, 12, new SeededRng(5));
    for (const w of [0, 1]) for (const s of [0, 5, 11]) for (const q of [0.5, 0.95]) expect(a.quantile(w, s, q)).toBe(b.quantile(w, s, q));
    const shorter = schedulerForecaster(first.model, 720);
    expect([shorter.name, shorter.contextMinutes]).toEqual(['aquatope-context-720', 720]);
    // A window combined with the network (30 of its last 48 minutes invoked) is not forecast from its counts alone.
    expect(ours.countsOnly(Float64Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? 0 : 1)))).toBe(false);
    // One forecaster per model and context per process, so a warm container remembers its ticks.
    expect(forecasterOnce(first.model)).toBe(forecasterOnce(first.model));
    expect(forecasterOnce(first.model, 720)).not.toBe(forecasterOnce(first.model));
    expect(forecasterOnce(first.model, 720).name).toBe('aquatope-context-720');

    const described = describeModel(second);
    expect(described).toMatchObject({ dir, forecaster: 'aquatope', window: 48, horizon: 12, backend: 'wasm', cached: true });
    expect(described.selfTest.q50).toHaveLength(12);
    expect(described.selfTest.q90.every((q, s) => q >= described.selfTest.q50[s])).toBe(true);

    const missing = join(tmpdir(), 'aquatope-no-model');
    await expect(loadModelOnce(missing)).rejects.toMatchObject({ code: 'model-error', message: expect.stringContaining(missing) });
    await expect(loadModelOnce(missing)).rejects.toMatchObject({ code: 'model-error' });
  }, 60_000);
});

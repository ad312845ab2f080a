/**
 * The forecaster of the `forecaster` action: ours ({@link aquatopeForecaster})
 * over the committed model, loaded ONCE per container (a module-level cache
 * keyed by the model's directory, shared by every invocation a warm container
 * serves), with TensorFlow.js's wasm backend. The model directory is found
 * beside the bundle (`<bundle>/models/default`, put there by
 * `actions/forecaster/bundle.json`) or, running from source, at the
 * repository's `models/default`.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { loadForecastModel } from '../adapters/model-files';
import { initTensorflow } from '../adapters/tfjs-backend';
import { SeededRng } from '../core/rng';
import { aquatopeForecaster, type AquatopeForecaster } from '../forecast/aquatope-forecaster';
import type { ForecastModel } from '../forecast/forecast-model';
import { DEFAULT_HAZARD_CONTEXT_MINUTES } from '../forecast/idle-hazard';
import type { SchedulerForecaster } from './forecast-tick-ports';
import { SchedulerError } from './scheduler-error';

/** The model's folder inside a bundle and inside the repository. */
export const MODEL_SUBDIR = join('models', 'default');

/**
 * The model directory for code whose `__dirname` is `baseDir`: `baseDir/models/default`
 * (a bundle), else `baseDir/../../models/default` (`actions/<name>/` or `src/<dir>/` in the repository).
 * @throws SchedulerError `model-error` naming both places when neither holds a `forecaster.json`.
 */
export function resolveModelDir(baseDir: string): string {
  const candidates = [join(baseDir, MODEL_SUBDIR), resolve(baseDir, '..', '..', MODEL_SUBDIR)];
  const found = candidates.find((dir) => existsSync(join(dir, 'forecaster.json')));
  if (found === undefined) throw new SchedulerError('model-error', `no forecaster model: neither ${candidates.join(' nor ')} holds a forecaster.json`);
  return found;
}

/**
 * Ours ({@link aquatopeForecaster}) with `contextMinutes` of context for the
 * idle-time model (named `aquatope-context-<n>` when not the default day), and
 * {@link AquatopeForecaster.countsOnly}: a window neither busy nor combined with
 * the network goes to the idle-time model alone, which reads its counts and
 * nothing else. One per model and context per process ({@link forecasterOnce}),
 * so a warm container remembers its earlier ticks' forecasts.
 */
export function schedulerForecaster(model: ForecastModel, contextMinutes: number = DEFAULT_HAZARD_CONTEXT_MINUTES): SchedulerForecaster {
  const ours =
    contextMinutes === DEFAULT_HAZARD_CONTEXT_MINUTES ? aquatopeForecaster(model) : aquatopeForecaster(model, { hazard: { contextMinutes }, name: `aquatope-context-${contextMinutes}` });
  return {
    name: ours.name,
    historyMinutes: ours.historyMinutes,
    contextMinutes: ours.contextMinutes,
    forecast: (windows, horizon, rng) => ours.forecast(windows, horizon, rng),
    countsOnly: (counts) => ours.countsOnly(counts),
  };
}

const forecasters = new WeakMap<ForecastModel, Map<number, SchedulerForecaster>>();

/**
 * The {@link schedulerForecaster} of `model` and `contextMinutes`, made once per
 * process: the container's later invocations get the same one, and with it what
 * it remembers of the functions' past forecasts (the adaptive average replays
 * only minutes it has not forecast).
 */
export function forecasterOnce(model: ForecastModel, contextMinutes: number = DEFAULT_HAZARD_CONTEXT_MINUTES): SchedulerForecaster {
  let byContext = forecasters.get(model);
  if (byContext === undefined) {
    byContext = new Map();
    forecasters.set(model, byContext);
  }
  let forecaster = byContext.get(contextMinutes);
  if (forecaster === undefined) {
    forecaster = schedulerForecaster(model, contextMinutes);
    byContext.set(contextMinutes, forecaster);
  }
  return forecaster;
}

/** A model loaded by {@link loadModelOnce}. */
export interface LoadedModel {
  readonly dir: string;
  readonly model: ForecastModel;
  /** Time the first load took (wasm backend start and both networks), ms. */
  readonly loadMs: number;
  /** This call found it loaded (a warm container). */
  readonly cached: boolean;
}

const models = new Map<string, Promise<{ readonly model: ForecastModel; readonly loadMs: number }>>();

/**
 * The model in `dir`, loaded once per process: later calls (the container's
 * next invocations) get the same one. A failed load is forgotten, so the next
 * call tries again.
 * @throws SchedulerError `model-error` naming the directory when it cannot be loaded.
 */
export async function loadModelOnce(dir: string): Promise<LoadedModel> {
  const key = resolve(dir);
  let pending = models.get(key);
  const cached = pending !== undefined;
  if (pending === undefined) {
    pending = (async () => {
      const t0 = performance.now();
      await initTensorflow();
      const model = await loadForecastModel(key);
      return { model, loadMs: performance.now() - t0 };
    })();
    models.set(key, pending);
  }
  try {
    const { model, loadMs } = await pending;
    return { dir: key, model, loadMs, cached };
  } catch (error) {
    models.delete(key);
    throw new SchedulerError('model-error', `load the forecaster model ${key}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/** What `describeModel` answers: the model the container loaded and a forecast made with it. */
export interface ModelDescription {
  readonly dir: string;
  /** The forecaster's name. */
  readonly forecaster: string;
  /** Input window, minutes. */
  readonly window: number;
  /** Steps the network forecasts, minutes. */
  readonly horizon: number;
  readonly encoderUnits: number;
  /** The TensorFlow.js backend running it (`wasm`). */
  readonly backend: string;
  /** The first load's time, ms (wasm start and both networks). */
  readonly loadMs: number;
  /** The model was already loaded in this container. */
  readonly cached: boolean;
  /** A forecast of a steady 20 invocations a minute for 48 minutes (the network's regime), seed 1: its median and 0.9-quantile per step. */
  readonly selfTest: { readonly q50: readonly number[]; readonly q90: readonly number[] };
}

/** Describes a loaded model and runs one forecast with it (a readiness check of the bundle's model and wasm files). */
export function describeModel(loaded: LoadedModel, contextMinutes: number = DEFAULT_HAZARD_CONTEXT_MINUTES): ModelDescription {
  const forecaster = schedulerForecaster(loaded.model, contextMinutes);
  const horizon = loaded.model.network.horizon;
  const forecast = forecaster.forecast([{ counts: new Float64Array(loaded.model.network.window).fill(20), endMinute: 12 * 60 }], horizon, new SeededRng(1));
  const steps = Array.from({ length: horizon }, (_, s) => s);
  return {
    dir: loaded.dir,
    forecaster: forecaster.name,
    window: loaded.model.network.window,
    horizon,
    encoderUnits: loaded.model.network.encoderUnits,
    backend: tf.getBackend(),
    loadMs: Math.round(loaded.loadMs),
    cached: loaded.cached,
    selfTest: { q50: steps.map((s) => forecast.quantile(0, s, 0.5)), q90: steps.map((s) => forecast.quantile(0, s, 0.9)) },
  };
}

import type { Rng } from '../core/rng';
import type { NetworkConfig } from './model-config';
import { INPUT_FEATURES, writeInputStep } from './network';
import { localNoiseVariance, toZ, windowScale } from './scaling';
import { TIME_FEATURES, writeTimeFeatures } from './time-features';

/** One trace's per-minute series and the minutes of it that training may read. */
export interface TrainingTrace {
  /** Where it came from (a file path), for the model card. */
  readonly source: string;
  /** counts[f][i] = invocations of function f in trace minute i. */
  readonly series: readonly ArrayLike<number>[];
  /** Absolute minute of trace minute 0 (see ForecastWindow.endMinute). */
  readonly originMinute: number;
  /** Half-open range of trace minutes training may read (inputs and targets). */
  readonly range: { readonly start: number; readonly end: number };
}

/**
 * A batch of windows as flat float arrays, row-major:
 * `x` [n, window, 5], `last` [n, horizon] (the last inputs' z), `y` [n, horizon]
 * (targets' z), `time` [n, 4] (time features of the first target minute), and
 * per row the scale (`level`, `scale`), the local noise and the actual target counts.
 */
export interface WindowSet {
  readonly n: number;
  readonly x: Float32Array;
  readonly last: Float32Array;
  readonly y: Float32Array;
  readonly time: Float32Array;
  readonly level: Float64Array;
  readonly scale: Float64Array;
  /** The window's local noise variance (see localNoiseVariance), log1p units squared. */
  readonly noise: Float64Array;
  readonly counts: Float64Array;
}

/** Training and validation windows and where they came from. */
export interface TrainingData {
  readonly train: WindowSet;
  readonly validation: WindowSet;
  /** Per trace: the minutes read, the split point, and the windows drawn. */
  readonly splits: readonly {
    readonly source: string;
    readonly functions: number;
    readonly range: { readonly start: number; readonly end: number };
    /** First target minute of the validation part. */
    readonly validationStart: number;
    readonly trainWindows: number;
    readonly validationWindows: number;
  }[];
}

interface Position {
  readonly trace: number;
  readonly fn: number;
  /** Trace minute of the first target. */
  readonly t: number;
}

function allocate(n: number, cfg: NetworkConfig): WindowSet {
  return {
    n,
    x: new Float32Array(n * cfg.window * INPUT_FEATURES),
    last: new Float32Array(n * cfg.horizon),
    y: new Float32Array(n * cfg.horizon),
    time: new Float32Array(n * TIME_FEATURES),
    level: new Float64Array(n),
    scale: new Float64Array(n),
    noise: new Float64Array(n),
    counts: new Float64Array(n * cfg.horizon),
  };
}

/** Fills row `r` of `set` with the window whose first target is trace minute `t` of series `s`. */
export function fillWindow(set: WindowSet, r: number, s: ArrayLike<number>, t: number, originMinute: number, cfg: NetworkConfig): void {
  const { window: w, horizon: h } = cfg;
  const sc = windowScale(s, t - w, t);
  set.level[r] = sc.level;
  set.scale[r] = sc.scale;
  set.noise[r] = localNoiseVariance(s, t - w, t);
  for (let i = 0; i < w; i++) {
    const c = s[t - w + i];
    writeInputStep(set.x, (r * w + i) * INPUT_FEATURES, toZ(c, sc), c, originMinute + t - w + i);
  }
  for (let k = 0; k < h; k++) {
    set.last[r * h + k] = set.x[(r * w + (w - h + k)) * INPUT_FEATURES];
    set.y[r * h + k] = toZ(s[t + k], sc);
    set.counts[r * h + k] = s[t + k];
  }
  writeTimeFeatures(originMinute + t, set.time, r * TIME_FEATURES);
}

function draw(positions: number, want: number, rng: Rng): number[] {
  const out: number[] = [];
  if (positions <= want) {
    for (let i = 0; i < positions; i++) out.push(i);
    return out;
  }
  for (let i = 0; i < want; i++) out.push(Math.floor(rng.next() * positions));
  return out;
}

/**
 * Draws training and validation windows. Each trace's range is split in time:
 * windows whose targets end before the last `validationShare` of the range are
 * for training, windows whose targets lie in it are for validation. Windows are
 * drawn uniformly over (function, minute) within each trace, with replacement,
 * `trainWindows / traces` per trace (equal shares, so a one-function trace is
 * not drowned by a 1,350-function one), and a sixth of that for validation.
 * @throws RangeError when a range is too short for one window in each part.
 */
export function buildTrainingData(
  traces: readonly TrainingTrace[],
  cfg: NetworkConfig,
  trainWindows: number,
  validationShare: number,
  rng: Rng,
): TrainingData {
  if (traces.length === 0) throw new RangeError('no training traces');
  const span = cfg.window + cfg.horizon;
  const trainPos: Position[] = [];
  const valPos: Position[] = [];
  const splits: TrainingData['splits'][number][] = [];
  const perTrace = Math.ceil(trainWindows / traces.length);
  traces.forEach((tr, k) => {
    const { start, end } = tr.range;
    const valStart = end - Math.floor((end - start) * validationShare);
    const firstT = start + cfg.window;
    const trainT = valStart - cfg.horizon + 1 - firstT; // t in [firstT, valStart - horizon]
    const valFirst = Math.max(valStart, firstT);
    const valT = end - cfg.horizon + 1 - valFirst;
    if (end - start < 2 * span || trainT <= 0 || valT <= 0) {
      throw new RangeError(`${tr.source}: minutes ${start}:${end} are too short for ${cfg.window}-minute windows with a ${cfg.horizon}-minute horizon in both the training and validation parts`);
    }
    const fns = tr.series.length;
    const tDraw = draw(fns * trainT, perTrace, rng);
    const vDraw = draw(fns * valT, Math.max(1, Math.ceil(perTrace / 6)), rng);
    for (const i of tDraw) trainPos.push({ trace: k, fn: Math.floor(i / trainT), t: firstT + (i % trainT) });
    for (const i of vDraw) valPos.push({ trace: k, fn: Math.floor(i / valT), t: valFirst + (i % valT) });
    splits.push({ source: tr.source, functions: fns, range: { start, end }, validationStart: valStart, trainWindows: tDraw.length, validationWindows: vDraw.length });
  });
  const fill = (pos: readonly Position[]): WindowSet => {
    const set = allocate(pos.length, cfg);
    pos.forEach((p, r) => {
      const tr = traces[p.trace];
      fillWindow(set, r, tr.series[p.fn], p.t, tr.originMinute, cfg);
    });
    return set;
  };
  return { train: fill(trainPos), validation: fill(valPos), splits };
}

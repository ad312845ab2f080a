/**
 * `ml-inference/aggregate`: combines the three classifiers' label lists into
 * the ensemble's answer (majority vote, then mean score), with a bootstrap
 * 90% interval of each label's mean score over resampled models, and stores
 * the answer as zlib-deflated JSON (its size and sha256 are the result).
 */
import { deflateSync } from 'node:zlib';
import { seededRandom, deriveSeed } from '../../real/seeded-random';
import { carryOf, intParam, InvalidParamError, isRecord, numberField, objectParam, preview, type StageParams } from '../../real/stage-params';
import { peakMemoryMB, sha256Hex, type StageResultBase } from '../../real/stage-result';
import { ML_INFERENCE_DEFAULTS as D, ML_INFERENCE_KEYS } from '../../real/workflow-inputs';

/** One model's answer, as a classifier gives it. */
export interface ModelLabels {
  /** The classifier stage, e.g. `classify-a`. */
  readonly model: string;
  /** Its best labels with scores in [0, 1]. */
  readonly labels: readonly { readonly label: string; readonly score: number }[];
}

/** The validated params of aggregate. */
export interface AggregateInput {
  /** The models' answers, in the order of their stage names. */
  readonly predictions: readonly ModelLabels[];
  /** Bootstrap resamples. */
  readonly resamples: number;
  /** Seed of the bootstrap (the workflow's `seed`). */
  readonly seed: number;
  readonly carry: Readonly<Record<string, unknown>>;
}

/** One label of the ensemble's answer. */
export interface EnsembleLabel {
  readonly label: string;
  /** Models that listed it. */
  readonly votes: number;
  /** Mean of its score over all models (0 where a model did not list it), in [0, 1]. */
  readonly meanScore: number;
  /** Bootstrap 5% and 95% quantiles of the mean score (both the mean when `resamples` is 0). */
  readonly interval: readonly [number, number];
}

/** What aggregate answers. */
export interface AggregateResult extends StageResultBase {
  /** The ensemble's labels, best first: most votes, then highest mean score. */
  readonly labels: readonly EnsembleLabel[];
  /** The winning label (`labels[0].label`). */
  readonly top: string;
  /** The models combined, in order. */
  readonly models: readonly string[];
  /** Size of the answer's JSON, bytes. */
  readonly jsonBytes: number;
  /** Size of the deflated JSON (zlib, level 9), bytes. */
  readonly compressedBytes: number;
  /** Hex sha256 of the deflated JSON. */
  readonly sha256: string;
  /** `models`, `labels` (distinct), `resampleDraws` (resamples x models x labels), `bytes` (JSON deflated). */
  readonly work: { readonly models: number; readonly labels: number; readonly resampleDraws: number; readonly bytes: number };
}

function parsePrediction(value: unknown, where: string): ModelLabels {
  if (!isRecord(value) || typeof value['model'] !== 'string' || !Array.isArray(value['labels']) || value['labels'].length === 0) {
    throw new InvalidParamError(`${where}: expected a classifier's result { model, labels: [{ label, score }] }, found ${preview(value)}`);
  }
  const labels = value['labels'].map((item: unknown, i) => {
    if (!isRecord(item) || typeof item['label'] !== 'string') throw new InvalidParamError(`${where}.labels[${i}]: expected { label, score }, found ${preview(item)}`);
    return { label: item['label'], score: numberField(item['score'], `${where}.labels[${i}].score`, 0, 1) };
  });
  return { model: value['model'], labels };
}

/**
 * Params: `branches` (the classifiers' results by stage name, as the
 * composition's fan-out collects them), `resamples` (bootstrap resamples, 0
 * to 10,000,000, default 200,000), `seed` (default 1).
 * @throws InvalidParamError naming the bad param and value
 */
export function parseAggregateInput(params: StageParams): AggregateInput {
  const branches = objectParam(params, 'branches', 'the classifiers\' results by stage name');
  const names = Object.keys(branches).sort();
  if (names.length === 0) throw new InvalidParamError('branches: expected at least one classifier result, found {}');
  return {
    predictions: names.map((name) => parsePrediction(branches[name], `branches.${name}`)),
    resamples: intParam(params, 'resamples', { default: D.resamples, min: 0, max: 10_000_000 }),
    seed: intParam(params, 'seed', { default: D.seed, min: 0, max: 4294967295 }),
    carry: carryOf(params, ML_INFERENCE_KEYS),
  };
}

/** The q-quantile of a sorted array (linear interpolation). */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Combines the models' labels (pure: the same input gives the same answer). */
export function combineLabels(predictions: readonly ModelLabels[], resamples: number, seed: number): EnsembleLabel[] {
  const names = [...new Set(predictions.flatMap((p) => p.labels.map((l) => l.label)))].sort();
  const scores = names.map((name) => predictions.map((p) => p.labels.find((l) => l.label === name)?.score ?? 0));
  const rng = seededRandom(deriveSeed(seed, 'aggregate-bootstrap'));
  const m = predictions.length;
  const labels = names.map((label, j): EnsembleLabel => {
    const s = scores[j];
    const meanScore = s.reduce((a, b) => a + b, 0) / m;
    let interval: [number, number] = [meanScore, meanScore];
    if (resamples > 0) {
      const means = new Float64Array(resamples);
      for (let r = 0; r < resamples; r++) {
        let total = 0;
        for (let k = 0; k < m; k++) total += s[rng.int(m)];
        means[r] = total / m;
      }
      means.sort();
      interval = [quantile(means, 0.05), quantile(means, 0.95)];
    }
    return { label, votes: s.filter((v) => v > 0).length, meanScore, interval };
  });
  return labels.sort((a, b) => b.votes - a.votes || b.meanScore - a.meanScore || (a.label < b.label ? -1 : 1));
}

/** Combines, serialises and deflates the ensemble's answer. */
export async function aggregateLabels(input: AggregateInput): Promise<AggregateResult> {
  const labels = combineLabels(input.predictions, input.resamples, input.seed);
  const models = input.predictions.map((p) => p.model);
  const json = JSON.stringify({ models, labels });
  const compressed = deflateSync(Buffer.from(json, 'utf8'), { level: 9 });
  return {
    labels,
    top: labels[0].label,
    models,
    jsonBytes: Buffer.byteLength(json),
    compressedBytes: compressed.length,
    sha256: sha256Hex(compressed),
    work: { models: models.length, labels: labels.length, resampleDraws: input.resamples * models.length * labels.length, bytes: Buffer.byteLength(json) },
    carry: input.carry,
    peakMemoryMB: peakMemoryMB(),
  };
}

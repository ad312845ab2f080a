import * as tf from '@tensorflow/tfjs';
import { main as classifyA } from '../../../../benchmark/workflows/ml-inference/classify-a/index';
import { main as classifyB } from '../../../../benchmark/workflows/ml-inference/classify-b/index';
import { main as classifyC } from '../../../../benchmark/workflows/ml-inference/classify-c/index';
import { main as fetch } from '../../../../benchmark/workflows/ml-inference/fetch/index';
import { main as resize } from '../../../../benchmark/workflows/ml-inference/resize/index';
import { CLASSIFIER_VARIANTS, LABELS, multiplyAddsPerPass, topLabels } from '../../../../benchmark/workflows/real/image-classifier';
import { failure, ok } from './stage-helpers';

const CLASSIFIERS = { 'classify-a': classifyA, 'classify-b': classifyB, 'classify-c': classifyC };

/** resize's result for a small image. */
async function resized(inputSize: number, seed = 4): Promise<Record<string, unknown>> {
  return { ...(await ok(resize({ ...(await ok(fetch({ seed, width: 64, height: 48, shapes: 8, inputSize }))) }))) };
}

describe('ml-inference/classify-a, -b, -c (real/image-classifier.ts)', () => {
  let input: Record<string, unknown>;
  beforeAll(async () => {
    input = await resized(16);
  });

  it('answer a warm-up at once', async () => {
    for (const main of Object.values(CLASSIFIERS)) expect(await main({ __aquatope_warmup: true })).toEqual({ warmed: true });
  });

  it.each(Object.entries(CLASSIFIERS))('%s answers 3 distinct known labels, best first, with scores in [0, 1] summing to at most 1', async (name, main) => {
    const r = await ok(main({ ...input, repeat: 2 }));
    expect(r.model).toBe(name);
    expect(r.labels).toHaveLength(3);
    expect(new Set(r.labels.map((l) => l.label)).size).toBe(3);
    for (const l of r.labels) {
      expect(LABELS).toContain(l.label);
      expect(l.score).toBeGreaterThan(0);
      expect(l.score).toBeLessThanOrEqual(1);
    }
    const scores = r.labels.map((l) => l.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(scores.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-6);
    // The top 3 of 16 softmax outputs hold at least 3/16 of the mass.
    expect(scores.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3 / 16 - 1e-6);
    expect(r.peakMemoryMB).toBeGreaterThan(0);
  });

  it('is deterministic per variant, and the three variants are different networks', async () => {
    const again = await ok(classifyA({ ...input, repeat: 2 }));
    expect((await ok(classifyA({ ...input, repeat: 2 }))).labels).toEqual(again.labels);
    const b = await ok(classifyB({ ...input, repeat: 2 }));
    const c = await ok(classifyC({ ...input, repeat: 2 }));
    expect(new Set([again, b, c].map((r) => JSON.stringify(r.labels))).size).toBe(3);
  });

  it('counts the multiply-adds of repeat passes: linear in repeat, growing with the input size and the variant width', async () => {
    const rows: [number, number][] = [];
    for (const repeat of [1, 2, 4]) rows.push([repeat, (await ok(classifyA({ ...input, repeat }))).work.multiplyAdds]);
    const perPass = multiplyAddsPerPass(CLASSIFIER_VARIANTS['classify-a'], 16);
    expect(rows).toEqual([1, 2, 4].map((repeat) => [repeat, repeat * perPass]));
    expect(perPass).toBe(16 * 16 * 16 * 27 + 8 * 8 * 32 * 9 * 16 + 4 * 4 * 64 * 9 * 32 + 64 * LABELS.length);
    const bigger = await resized(32);
    expect((await ok(classifyA({ ...bigger, repeat: 1 }))).work.multiplyAdds).toBe(multiplyAddsPerPass(CLASSIFIER_VARIANTS['classify-a'], 32));
    expect(multiplyAddsPerPass(CLASSIFIER_VARIANTS['classify-b'], 16)).toBeLessThan(perPass);
    expect(multiplyAddsPerPass(CLASSIFIER_VARIANTS['classify-c'], 16)).toBeGreaterThan(perPass);
  });

  it('runs on the cpu backend and leaves no tensor behind but its cached weights', async () => {
    await ok(classifyB({ ...input, repeat: 1 }));
    expect(tf.getBackend()).toBe('cpu');
    const before = tf.memory().numTensors;
    await ok(classifyB({ ...input, repeat: 3 }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ranks labels by probability (ties by label order)', () => {
    expect(topLabels([0.1, 0.5, 0.2, 0.2], 3)).toEqual([
      { label: LABELS[1], score: 0.5 },
      { label: LABELS[2], score: 0.2 },
      { label: LABELS[3], score: 0.2 },
    ]);
  });

  it.each([
    ['tensor', {}, 'nothing'],
    ['tensor.size', { tensor: { size: 7, rgb: 'AAAA', mean: [0, 0, 0], std: [1, 1, 1] } }, '7'],
    ['tensor.rgb', { tensor: { size: 16, rgb: 'AAAA', mean: [0, 0, 0], std: [1, 1, 1] } }, 'found 3'],
    ['tensor.mean', { tensor: { size: 16, rgb: Buffer.alloc(768).toString('base64'), mean: [0, 0], std: [1, 1, 1] } }, '[0,0]'],
    ['repeat', { repeat: 0 }, '0'],
  ])('names the bad param %s', async (name, params, shown) => {
    const error = await failure(classifyC({ ...(name === 'repeat' ? input : {}), ...params }));
    expect(error.code).toBe('invalid-param');
    expect(error.message).toContain(`${name}:`);
    expect(error.message).toContain(shown);
  });
});

import { main } from '../../../../benchmark/workflows/ml-inference/aggregate/index';
import { combineLabels } from '../../../../benchmark/workflows/ml-inference/aggregate/work';
import { failure, ok } from '../real/stage-helpers';

const branches = {
  'classify-a': { model: 'classify-a', labels: [{ label: 'cat', score: 0.6 }, { label: 'dog', score: 0.3 }, { label: 'cup', score: 0.05 }] },
  'classify-b': { model: 'classify-b', labels: [{ label: 'dog', score: 0.5 }, { label: 'cat', score: 0.2 }, { label: 'fish', score: 0.1 }] },
  'classify-c': { model: 'classify-c', labels: [{ label: 'cat', score: 0.4 }, { label: 'bird', score: 0.35 }, { label: 'dog', score: 0.1 }] },
};

describe('ml-inference/aggregate', () => {
  it('answers a warm-up at once', async () => {
    expect(await main({ __aquatope_warmup: true })).toEqual({ warmed: true });
  });

  it('ranks by votes, then mean score over the three models (0 where one did not list it)', async () => {
    const r = await ok(main({ branches, resamples: 0 }));
    expect(r.top).toBe('cat');
    expect(r.models).toEqual(['classify-a', 'classify-b', 'classify-c']);
    expect(r.labels.map((l) => [l.label, l.votes, Math.round(l.meanScore * 1000)])).toEqual([
      ['cat', 3, 400],
      ['dog', 3, 300],
      ['bird', 1, 117],
      ['fish', 1, 33],
      ['cup', 1, 17],
    ]);
    expect(r.labels[0].interval).toEqual([r.labels[0].meanScore, r.labels[0].meanScore]);
  });

  it('gives a bootstrap interval around each mean, inside the models\' own scores', () => {
    const [cat] = combineLabels(Object.values(branches), 5000, 1);
    expect(cat.label).toBe('cat');
    expect(cat.interval[0]).toBeLessThan(cat.meanScore);
    expect(cat.interval[1]).toBeGreaterThan(cat.meanScore);
    expect(cat.interval[0]).toBeGreaterThanOrEqual(0.2);
    expect(cat.interval[1]).toBeLessThanOrEqual(0.6);
  });

  it('stores the answer deflated: its size and sha256, the same for the same input and seed', async () => {
    const a = await ok(main({ branches, resamples: 500, seed: 3 }));
    const b = await ok(main({ branches, resamples: 500, seed: 3 }));
    expect(b.sha256).toBe(a.sha256);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.compressedBytes).toBeGreaterThan(0);
    expect(a.compressedBytes).toBeLessThan(a.jsonBytes);
    expect(a.work.bytes).toBe(a.jsonBytes);
    const other = { ...branches, 'classify-c': { model: 'classify-c', labels: [{ label: 'horse', score: 0.9 }] } };
    expect((await ok(main({ branches: other, resamples: 500, seed: 3 }))).sha256).not.toBe(a.sha256);
  });

  it('draws resamples x models x labels in the bootstrap', async () => {
    const draws = [];
    for (const resamples of [0, 100, 1000]) draws.push((await ok(main({ branches, resamples }))).work.resampleDraws);
    expect(draws).toEqual([0, 100 * 3 * 5, 1000 * 3 * 5]);
  });

  it.each([
    ['branches', {}, 'nothing'],
    ['branches', { branches: {} }, '{}'],
    ['branches.classify-a', { branches: { 'classify-a': { labels: [] } } }, '{"labels":[]}'],
    ['branches.classify-a.labels[0].score', { branches: { 'classify-a': { model: 'a', labels: [{ label: 'x', score: 2 }] } } }, '2'],
    ['resamples', { branches, resamples: -5 }, '-5'],
  ])('names the bad param %s', async (name, params, shown) => {
    const error = await failure(main(params));
    expect(error.code).toBe('invalid-param');
    expect(error.message).toContain(`${name}:`);
    expect(error.message).toContain(`found ${shown}`);
  });
});

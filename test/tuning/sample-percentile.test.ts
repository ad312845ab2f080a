import { SeededRng } from '../../src/core/rng';
import { buildStageGraph, criticalPathMs } from '../../src/workflow/dag';
import { latencyPercentile } from '../../src/workflow/latency-percentile';
import { PercentileScratch, samplePercentile, selectInPlace } from '../../src/tuning/sample-percentile';

describe('selectInPlace', () => {
  it.each([1, 2, 7, 100, 257])('puts the k-th smallest at k for every k of %p random values (ties included)', (n) => {
    const rng = new SeededRng(n);
    const values = Array.from({ length: n }, () => Math.floor(rng.next() * 20));
    const sorted = [...values].sort((a, b) => a - b);
    for (let k = 0; k < n; k++) {
      const a = Float64Array.from(values);
      expect(selectInPlace(a, k)).toBe(sorted[k]);
      for (let i = 0; i < k; i++) expect(a[i]).toBeLessThanOrEqual(a[k]);
      for (let i = k + 1; i < n; i++) expect(a[i]).toBeGreaterThanOrEqual(a[k]);
    }
  });
});

describe('samplePercentile', () => {
  const stages = [
    { name: 'a', after: [] },
    { name: 'b', after: ['a'] },
    { name: 'c', after: ['a'] },
    { name: 'd', after: ['b', 'c'] },
  ];
  const graph = buildStageGraph(stages);

  it('equals the percentile of per-sample critical paths plus overhead (diamond, 301 samples)', () => {
    const rng = new SeededRng(3);
    const n = 301;
    const samples = stages.map(() => Float64Array.from({ length: n }, () => 10 + 100 * rng.next()));
    const e2e = Array.from({ length: n }, (_, k) => criticalPathMs(graph, samples.map((s) => s[k])) + 5);
    for (const p of [50, 90, 95, 99]) {
      expect(samplePercentile(graph, samples, 5, p, new PercentileScratch(n, 4))).toBeCloseTo(latencyPercentile(e2e, p), 9);
    }
  });

  it('is +Infinity when the percentile touches a failed sample, finite when it does not', () => {
    const n = 20;
    const ok = Float64Array.from({ length: n }, (_, k) => k + 1);
    const failing = Float64Array.from(ok, (v, k) => (k === 0 ? Number.POSITIVE_INFINITY : v));
    const s = new PercentileScratch(n, 4);
    expect(samplePercentile(graph, [failing, ok, ok, ok], 0, 95, s)).toBe(Number.POSITIVE_INFINITY);
    expect(samplePercentile(graph, [failing, ok, ok, ok], 0, 50, s)).toBeLessThan(Number.POSITIVE_INFINITY);
  });
});

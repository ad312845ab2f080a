import { deriveSeed, hashString, seededRandom } from '../../../../benchmark/workflows/real/seeded-random';

describe('seededRandom (mulberry32)', () => {
  it('gives the same stream for the same seed and another for another seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('draws uniform doubles in [0, 1) and integers in [0, n) covering the range', () => {
    const rng = seededRandom(7);
    const counts = new Array<number>(10).fill(0);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
      counts[rng.int(10)]++;
    }
    expect(sum / 20_000).toBeCloseTo(0.5, 1);
    for (const c of counts) expect(c).toBeGreaterThan(1700);
  });

  it('draws standard normals (mean 0, variance 1) and picks from a list', () => {
    const rng = seededRandom(9);
    const xs = Array.from({ length: 20_000 }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(variance).toBeGreaterThan(0.9);
    expect(variance).toBeLessThan(1.1);
    expect(['a', 'b', 'c']).toContain(rng.pick(['a', 'b', 'c']));
    expect(() => rng.pick([])).toThrow(RangeError);
  });

  it('derives independent sub-seeds from labels', () => {
    expect(hashString('abc')).toBe(hashString('abc'));
    expect(deriveSeed(1, 'x')).not.toBe(deriveSeed(1, 'y'));
    expect(deriveSeed(1, 'x')).not.toBe(deriveSeed(2, 'x'));
  });
});

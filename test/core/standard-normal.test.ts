import { SeededRng, type Rng } from '../../src/core/rng';
import { standardNormal } from '../../src/core/standard-normal';

describe('standardNormal', () => {
  it('uses exactly two uniforms per draw: Box-Muller of (0.5, 0) is sqrt(2 ln 2), of (0.5, 0.5) its negative', () => {
    const fixed = (values: number[]): Rng & { calls: number } => {
      const r = { calls: 0, next: () => values[r.calls++] };
      return r;
    };
    const a = fixed([0.5, 0]);
    expect(standardNormal(a)).toBeCloseTo(Math.sqrt(2 * Math.LN2), 12);
    expect(a.calls).toBe(2);
    expect(standardNormal(fixed([0.5, 0.5]))).toBeCloseTo(-Math.sqrt(2 * Math.LN2), 12);
  });

  it('is finite for a uniform of 0 and has mean ~0 and variance ~1 over 20,000 draws', () => {
    expect(Number.isFinite(standardNormal({ next: () => 0 }))).toBe(true);
    const rng = new SeededRng(123);
    const xs = Array.from({ length: 20000 }, () => standardNormal(rng));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.04);
  });
});

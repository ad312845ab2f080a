import { SeededRng } from '../../src/core/rng';
import { optimiseAcquisition, type BatchAcquisition } from '../../src/bo/optimise-acquisition';
import { SearchSpace, steppedValues } from '../../src/bo/search-space';

// A 30 x 30 x 30 grid (27,000 points, more than the 2,000 random candidates).
const axis = (name: string): { name: string; values: number[] } => ({ name, values: steppedValues(0, 29, 1) });
const space = new SearchSpace([{ kind: 'grid', name: 'g', axes: [axis('x'), axis('y'), axis('z')] }]);

/** Two bumps: a broad one at (0.2, 0.2, 0.2) of height 1, a narrow higher one at (0.7, 0.8, 0.6) of height 1.3. */
function surface(u: readonly number[]): number {
  const d2 = (c: number[]): number => u.reduce((s, v, i) => s + (v - c[i]) ** 2, 0);
  return Math.exp(-d2([0.2, 0.2, 0.2]) / 0.08) + 1.3 * Math.exp(-d2([0.7, 0.8, 0.6]) / 0.02);
}
const acquisition: BatchAcquisition = (points) => points.map(surface);

function exhaustiveBest(keep: (raw: readonly number[]) => boolean): { raw: number[]; value: number } {
  let best: { raw: number[]; value: number } = { raw: [], value: Number.NEGATIVE_INFINITY };
  for (const raw of space.enumerate()) {
    if (!keep(raw)) continue;
    const v = surface(space.encode(raw));
    if (v > best.value) best = { raw, value: v };
  }
  return best;
}

describe('optimiseAcquisition', () => {
  it('finds the global maximum of a two-bump surface on a 27,000-point grid, as exhaustive enumeration does', () => {
    const truth = exhaustiveBest(() => true);
    const found = optimiseAcquisition(space, acquisition, { rng: new SeededRng(1) });
    expect(truth.raw).toEqual([20, 23, 17]);
    expect(found?.raw).toEqual(truth.raw);
    expect(found?.value).toBe(truth.value);
    expect(found?.unit).toEqual(space.encode(truth.raw));
    expect(found?.evaluations).toBeLessThan(27_000);
  });

  it('climbs from a seed point to the narrow bump even with few random candidates', () => {
    const found = optimiseAcquisition(space, acquisition, { rng: new SeededRng(1), randomCandidates: 5, seedPoints: [[15, 18, 12]] });
    expect(found?.raw).toEqual([20, 23, 17]);
  });

  it('honours the exclusion predicate: with x >= 15 forbidden it returns the best of the rest', () => {
    const keep = (raw: readonly number[]): boolean => raw[0] < 15;
    const truth = exhaustiveBest(keep);
    const found = optimiseAcquisition(space, acquisition, {
      rng: new SeededRng(2),
      isAllowed: (_units, raws) => raws.map(keep),
    });
    expect(truth.raw).toEqual([6, 6, 6]);
    expect(found?.raw).toEqual(truth.raw);
  });

  it('never proposes an excluded (already evaluated) point: the global maximum excluded gives a neighbour of it', () => {
    const truth = exhaustiveBest((raw) => !(raw[0] === 20 && raw[1] === 23 && raw[2] === 17));
    const found = optimiseAcquisition(space, acquisition, { rng: new SeededRng(3), exclude: [[20, 23, 17]], seedPoints: [[20, 23, 17]] });
    expect(found?.raw).toEqual(truth.raw);
    expect(found?.raw).not.toEqual([20, 23, 17]);
  });

  it('never proposes a point scored -Infinity', () => {
    const masked: BatchAcquisition = (points) => points.map((u) => (u[0] > 0.5 ? Number.NEGATIVE_INFINITY : surface(u)));
    const found = optimiseAcquisition(space, masked, { rng: new SeededRng(4) });
    expect(found?.raw).toEqual(exhaustiveBest((raw) => raw[0] <= 14).raw);
  });

  it('gives the same result for the same seed', () => {
    const bumpy: BatchAcquisition = (points) => points.map((u) => Math.sin(17 * u[0]) * Math.cos(13 * u[1]) + u[2]);
    const a = optimiseAcquisition(space, bumpy, { rng: new SeededRng(9), refineCount: 2 });
    const b = optimiseAcquisition(space, bumpy, { rng: new SeededRng(9), refineCount: 2 });
    expect(a).toEqual(b);
    expect(a?.value).toBeGreaterThan(1.9);
  });

  it('scores every point of a space no larger than the enumeration limit', () => {
    const small = new SearchSpace([{ kind: 'grid', name: 'g', axes: [{ name: 'x', values: [1, 2, 3] }, { name: 'y', values: [10, 20] }] }]);
    const calls: number[] = [];
    const f: BatchAcquisition = (points) => {
      calls.push(points.length);
      return points.map((u) => u[0] - u[1]);
    };
    const found = optimiseAcquisition(small, f, { rng: new SeededRng(1) });
    expect(found?.raw).toEqual([3, 10]);
    expect(found?.value).toBe(1);
    expect(found?.evaluations).toBe(6);
    expect(calls[0]).toBe(6);
  });

  it('is undefined when every point is forbidden', () => {
    expect(optimiseAcquisition(space, acquisition, { rng: new SeededRng(1), randomCandidates: 50, isAllowed: (u) => u.map(() => false) })).toBeUndefined();
  });

  it.each<[string, Parameters<typeof optimiseAcquisition>[2], string]>([
    ['negative random candidates', { rng: new SeededRng(1), randomCandidates: -1 }, 'randomCandidates must be a whole number >= 0, got -1'],
    ['fractional refine count', { rng: new SeededRng(1), refineCount: 0.5 }, 'refineCount must be a whole number >= 0, got 0.5'],
    ['a seed point off the grid', { rng: new SeededRng(1), randomCandidates: 1, seedPoints: [[0.5, 1, 1]] }, 'search space: 0.5 is not an allowed value of axis "x"'],
    ['a predicate with too few answers', { rng: new SeededRng(1), randomCandidates: 3, isAllowed: () => [true] }, 'the predicate gave 1 answers for 3 points'],
  ])('rejects %s', (_name, options, message) => {
    expect(() => optimiseAcquisition(space, acquisition, options)).toThrow(message);
  });

  it('rejects an acquisition that returns the wrong number of values', () => {
    expect(() => optimiseAcquisition(space, () => [1], { rng: new SeededRng(1), randomCandidates: 3 })).toThrow('the acquisition gave 1 values for 3 points');
  });
});

import { SeededRng } from '../../src/core/rng';
import { SearchSpace, steppedValues, type SearchBlock } from '../../src/bo/search-space';

const cpu = steppedValues(0.1, 4, 0.1);
const memory = steppedValues(128, 4096, 64);
const stage = (name: string): SearchBlock => ({ kind: 'grid', name, axes: [{ name: 'cpu', values: cpu }, { name: 'memoryMb', values: memory }] });
const measured: SearchBlock = {
  kind: 'discrete',
  name: 'db',
  axisNames: ['cpu', 'memoryMb'],
  points: [[1, 512], [2, 512], [1, 1024], [4, 4096], [2, 2048]],
  neighbourCount: 2,
};

describe('steppedValues', () => {
  it('gives CPU 0.1..4 in 0.1 steps as 40 values with exact decimals', () => {
    expect(cpu).toHaveLength(40);
    expect(cpu[2]).toBe(0.3);
    expect(cpu[39]).toBe(4);
  });

  it('gives memory 128..4096 in 64 MB steps as 63 values', () => {
    expect(memory).toHaveLength(63);
    expect(memory[1]).toBe(192);
    expect(memory[62]).toBe(4096);
  });

  it.each<[number, number, number]>([
    [1, 0, 0.1],
    [0, 1, 0],
    [0, Number.NaN, 1],
  ])('rejects start %p, stop %p, step %p', (a, b, s) => {
    expect(() => steppedValues(a, b, s)).toThrow('stepped values: need finite start <= stop and step > 0');
  });
});

describe('SearchSpace: encoding', () => {
  const space = new SearchSpace([stage('resize'), measured]);

  it('has the dimension and names of its blocks in order', () => {
    expect(space.dimension).toBe(4);
    expect(space.coordinateNames()).toEqual(['resize.cpu', 'resize.memoryMb', 'db.cpu', 'db.memoryMb']);
  });

  it('scales each coordinate linearly by its allowed min and max', () => {
    expect(space.encode([0.1, 128, 1, 512])).toEqual([0, 0, 0, 0]);
    expect(space.encode([4, 4096, 4, 4096])).toEqual([1, 1, 1, 1]);
    const u = space.encode([2, 2048, 2, 2048]);
    expect(u[0]).toBeCloseTo(1.9 / 3.9, 14);
    expect(u[1]).toBeCloseTo(1920 / 3968, 14);
    expect(u[2]).toBeCloseTo(1 / 3, 14);
    expect(u[3]).toBeCloseTo(1536 / 3584, 14);
  });

  it('round-trips 200 random allowed points through encode and decode', () => {
    const rng = new SeededRng(4);
    for (let i = 0; i < 200; i++) {
      const p = space.randomPoint(rng);
      expect(space.decode(space.encode(p))).toEqual(p);
    }
  });

  it('decodes a unit point to the nearest allowed value per axis and the nearest measured point', () => {
    // 0.52 of cpu's range is 0.1 + 2.028 = 2.128 -> 2.1; 0.3 of memory's is 128 + 1190.4 -> 1344 (nearest of 1280, 1344).
    // (0.05, 0.1) in the db block's cube is nearest to (1, 1024) at (0, 0.142857).
    expect(space.decode([0.52, 0.3, 0.05, 0.1])).toEqual([2.1, 1344, 1, 1024]);
  });

  it('encodes a coordinate with a single allowed value as 0.5 and decodes anything to it', () => {
    const fixed = new SearchSpace([{ kind: 'grid', name: 's', axes: [{ name: 'cpu', values: [1] }, { name: 'mem', values: [128, 256] }] }]);
    expect(fixed.encode([1, 256])).toEqual([0.5, 1]);
    expect(fixed.decode([0.9, 0.2])).toEqual([1, 128]);
  });

  it('keys values that match the same allowed value alike: 0.1 + 0.2 is the allowed 0.3', () => {
    expect(space.key([0.1 + 0.2, 128, 1, 512])).toBe(space.key([0.3, 128, 1, 512]));
    expect(space.canonical([0.1 + 0.2, 128, 1, 512])).toEqual([0.3, 128, 1, 512]);
    expect(space.contains([0.35, 128, 1, 512])).toBe(false);
    expect(space.contains([0.3, 128, 3, 512])).toBe(false);
    expect(space.contains([0.3, 128, 1])).toBe(false);
    expect(() => space.key([0.35, 128, 1, 512])).toThrow('search space: 0.35 is not an allowed value of axis "cpu" of block "resize"');
    expect(() => space.key([0.3, 128, 3, 512])).toThrow('search space: (3, 512) is not an allowed point of block "db"');
  });
});

describe('SearchSpace: neighbours', () => {
  const space = new SearchSpace([stage('a'), measured]);

  it('steps one grid step down and up on each axis in the middle of the grid', () => {
    const n = space.neighbours([2, 2048, 1, 512]).filter((p) => p[2] === 1 && p[3] === 512);
    expect(n).toEqual([
      [1.9, 2048, 1, 512],
      [2.1, 2048, 1, 512],
      [2, 1984, 1, 512],
      [2, 2112, 1, 512],
    ]);
  });

  it('steps only inwards at a corner of the grid', () => {
    const n = space.neighbours([0.1, 4096, 1, 512]).filter((p) => p[2] === 1 && p[3] === 512);
    expect(n).toEqual([
      [0.2, 4096, 1, 512],
      [0.1, 4032, 1, 512],
    ]);
  });

  it('gives the k = 2 nearest measured points in the unit cube, nearest first, never the point itself', () => {
    // In the db cube: (1, 512) -> (0, 0); (2, 512) -> (1/3, 0); (1, 1024) -> (0, 1/7); (2, 2048) -> (1/3, 3/7).
    const n = space.neighbours([2, 2048, 1, 512]).filter((p) => p[0] === 2 && p[1] === 2048);
    expect(n).toEqual([
      [2, 2048, 1, 1024],
      [2, 2048, 2, 512],
    ]);
    expect(n).toHaveLength(2);
  });

  it('changes one block at a time: 4 grid neighbours plus 2 measured ones', () => {
    expect(space.neighbours([2, 2048, 1, 512])).toHaveLength(6);
  });
});

describe('SearchSpace: random points, size and enumeration', () => {
  const space = new SearchSpace([stage('a'), stage('b'), measured]);

  it('draws only allowed points', () => {
    const rng = new SeededRng(8);
    for (let i = 0; i < 500; i++) expect(space.contains(space.randomPoint(rng))).toBe(true);
  });

  it('gives the same draws for the same seed and different draws for another', () => {
    const draw = (seed: number): number[][] => {
      const rng = new SeededRng(seed);
      return Array.from({ length: 50 }, () => space.randomPoint(rng));
    };
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
  });

  it('reaches every value of an axis: 4,000 draws hit all 40 CPU values', () => {
    const rng = new SeededRng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 4000; i++) seen.add(space.randomPoint(rng)[0]);
    expect(seen.size).toBe(40);
  });

  it('counts its points as a bigint: (40 x 63)^2 x 5, and 40^16 for 16 CPU axes without overflow', () => {
    expect(space.size()).toBe(BigInt(40 * 63) ** 2n * 5n);
    const wide = new SearchSpace([{ kind: 'grid', name: 'w', axes: Array.from({ length: 16 }, (_, i) => ({ name: `c${i}`, values: cpu })) }]);
    expect(wide.size()).toBe(40n ** 16n);
    expect(wide.size() > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('enumerates a small space with the last coordinate varying fastest', () => {
    const small = new SearchSpace([
      { kind: 'grid', name: 'g', axes: [{ name: 'x', values: [1, 2] }] },
      { kind: 'discrete', name: 'd', axisNames: ['p', 'q'], points: [[0, 0], [5, 6], [7, 1]] },
    ]);
    expect(small.enumerate()).toEqual([
      [1, 0, 0],
      [1, 5, 6],
      [1, 7, 1],
      [2, 0, 0],
      [2, 5, 6],
      [2, 7, 1],
    ]);
  });

  it('refuses to enumerate more points than the limit', () => {
    expect(() => space.enumerate(1000)).toThrow('search space: 31752000 points, more than the enumeration limit 1000');
  });
});

describe('SearchSpace: invalid blocks', () => {
  it.each<[string, SearchBlock[], string]>([
    ['no blocks', [], 'search space: no blocks'],
    ['a grid without axes', [{ kind: 'grid', name: 'g', axes: [] }], 'grid block "g" has no axes'],
    ['an empty axis', [{ kind: 'grid', name: 'g', axes: [{ name: 'x', values: [] }] }], 'axis "x" of block "g" has no values'],
    ['a descending axis', [{ kind: 'grid', name: 'g', axes: [{ name: 'x', values: [1, 3, 2] }] }], 'axis "x" of block "g" is not strictly ascending at 3, 2'],
    ['a repeated value', [{ kind: 'grid', name: 'g', axes: [{ name: 'x', values: [1, 1] }] }], 'axis "x" of block "g" is not strictly ascending at 1, 1'],
    ['a NaN value', [{ kind: 'grid', name: 'g', axes: [{ name: 'x', values: [Number.NaN] }] }], 'axis "x" of block "g" has a non-finite value NaN'],
    ['a discrete block without points', [{ kind: 'discrete', name: 'd', axisNames: ['x'], points: [] }], 'discrete block "d" has no points'],
    ['a discrete block without axes', [{ kind: 'discrete', name: 'd', axisNames: [], points: [[1]] }], 'discrete block "d" has no axes'],
    ['a point of the wrong length', [{ kind: 'discrete', name: 'd', axisNames: ['x', 'y'], points: [[1, 2], [3]] }], 'point 1 of block "d" has 1 coordinates, expected 2'],
    ['a repeated point', [{ kind: 'discrete', name: 'd', axisNames: ['x'], points: [[1], [2], [1]] }], 'point 2 of block "d" repeats point 0'],
    ['an infinite coordinate', [{ kind: 'discrete', name: 'd', axisNames: ['x'], points: [[Number.POSITIVE_INFINITY]] }], 'point 0 of block "d" has a non-finite coordinate'],
    ['a zero neighbour count', [{ kind: 'discrete', name: 'd', axisNames: ['x'], points: [[1]], neighbourCount: 0 }], 'neighbourCount must be a whole number >= 1, got 0'],
  ])('rejects %s', (_name, blocks, message) => {
    expect(() => new SearchSpace(blocks)).toThrow(message);
  });

  it.each<[string, () => unknown, string]>([
    ['encoding a point of the wrong length', () => new SearchSpace([stage('a')]).encode([1]), 'search space: raw point has 1 coordinates, expected 2'],
    ['decoding a NaN', () => new SearchSpace([stage('a')]).decode([0.5, Number.NaN]), 'search space: unit point has a non-finite coordinate'],
    ['neighbours of a point off the grid', () => new SearchSpace([stage('a')]).neighbours([0.15, 128]), 'search space: 0.15 is not an allowed value of axis "cpu" of block "a"'],
  ])('rejects %s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});

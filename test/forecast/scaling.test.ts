import { fromZ, log1pToCount, SCALE_FLOOR, toZ, windowScale, Z_CLIP } from '../../src/forecast/scaling';

describe('per-window scaling', () => {
  it('level is the mean of log1p and scale its standard deviation', () => {
    const s = windowScale([0, 1, 3, 7], 0, 4);
    const xs = [0, Math.log(2), Math.log(4), Math.log(8)];
    const mean = xs.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
    expect(s.level).toBeCloseTo(mean, 12);
    expect(s.scale).toBeCloseTo(sd, 12);
  });

  it('a flat window gets the scale floor', () => {
    const s = windowScale([5, 5, 5], 0, 3);
    expect(s.level).toBeCloseTo(Math.log(6), 12);
    expect(s.scale).toBe(SCALE_FLOOR);
  });

  it('reads only [from, to)', () => {
    expect(windowScale([1000, 0, 0, 1000], 1, 3)).toEqual({ level: 0, scale: SCALE_FLOOR });
  });

  it('an empty window throws', () => {
    expect(() => windowScale([1, 2], 1, 1)).toThrow(RangeError);
  });

  it('toZ then fromZ then log1pToCount gives the count back', () => {
    const s = windowScale([3, 10, 40, 7, 0], 0, 5);
    for (const c of [0, 1, 7, 40, 123]) expect(log1pToCount(fromZ(toZ(c, s), s))).toBeCloseTo(c, 9);
  });

  it('z is clipped to the bound', () => {
    const s = { level: 0, scale: SCALE_FLOOR };
    expect(toZ(1e9, s)).toBe(Z_CLIP);
  });

  it('negative log values give zero counts', () => {
    expect(log1pToCount(-0.3)).toBe(0);
  });
});

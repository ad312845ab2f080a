import { fromZ, LOCAL_NOISE_FLOOR, poissonLogVariance, RECENT_MINUTES, localNoiseVariance, log1pToCount, SCALE_FLOOR, toZ, windowScale, Z_CLIP } from '../../src/forecast/scaling';

describe('per-window scaling', () => {
  it('level is the last minute\'s log1p and scale the standard deviation of log1p over the window', () => {
    const s = windowScale([0, 1, 3, 7], 0, 4);
    const xs = [0, Math.log(2), Math.log(4), Math.log(8)];
    const mean = xs.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
    expect(s.level).toBeCloseTo(Math.log(8), 12);
    expect(s.scale).toBeCloseTo(sd, 12);
    expect(RECENT_MINUTES).toBe(1);
  });

  it('a flat window gets the scale floor', () => {
    const s = windowScale([5, 5, 5], 0, 3);
    expect(s.level).toBeCloseTo(Math.log(6), 12);
    expect(s.scale).toBe(SCALE_FLOOR);
  });

  it('reads only [from, to)', () => {
    expect(windowScale([1000, 0, 0, 1000], 1, 3)).toEqual({ level: 0, scale: SCALE_FLOOR });
    expect(windowScale([0, 0, 5, 1000], 0, 3).level).toBeCloseTo(Math.log(6), 12);
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

describe('local noise variance', () => {
  it('is (1.4826 x the median absolute first difference of log1p)^2 / 2', () => {
    // |differences| of log1p: ln 2, ln 2, ln 4 (0 -> 1 -> 0 -> 3): median ln 2.
    expect(localNoiseVariance([0, 1, 0, 3], 0, 4)).toBeCloseTo((1.4826 * Math.log(2)) ** 2 / 2, 12);
    // Even count: the mean of the two middle differences (0 and ln 2).
    expect(localNoiseVariance([0, 0, 1, 0, 0], 0, 5)).toBeCloseTo((1.4826 * (Math.log(2) / 2)) ** 2 / 2, 12);
  });

  it('one burst does not widen a quiet window', () => {
    expect(localNoiseVariance([0, 0, 0, 3000, 0, 0, 0, 0], 0, 8)).toBe(LOCAL_NOISE_FLOOR);
  });

  it('a steady timer gets the floor', () => {
    expect(localNoiseVariance([4, 4, 4, 4, 4], 0, 5)).toBe(LOCAL_NOISE_FLOOR);
  });

  it('a bursty window is noisier than a smooth one at the same level', () => {
    expect(localNoiseVariance([2, 40, 2, 40, 2, 40], 0, 6)).toBeGreaterThan(localNoiseVariance([20, 21, 22, 21, 20, 21], 0, 6));
  });
});

describe('Poisson sampling variance in log1p units', () => {
  it.each([
    [0, 0],
    [Math.log1p(1), 1 / 8],
    [Math.log1p(99), 99 / 1e6],
  ])('at log1p %p it is lambda / (1 + lambda)^3 = %p', (x, v) => {
    expect(poissonLogVariance(x)).toBeCloseTo(v, 12);
  });

  it('a negative log mean means no rate and no sampling noise', () => {
    expect(poissonLogVariance(-1)).toBe(0);
  });
});

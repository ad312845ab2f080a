import { fromZ, LOCAL_NOISE_FLOOR, poissonLogVariance, RECENT_MINUTES, localNoiseVariance, log1pToCount, SCALE_FLOOR, toZ, windowScale, Z_CLIP } from '../../src/forecast/scaling';

describe('per-window scaling', () => {
  it('level is the mean of log1p and scale its standard deviation', () => {
    const s = windowScale([0, 1, 3, 7], 0, 4);
    const xs = [0, Math.log(2), Math.log(4), Math.log(8)];
    const mean = xs.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
    expect(s.level).toBeCloseTo(mean, 12);
    expect(s.scale).toBeCloseTo(sd, 12);
  });

  it('the level is the mean log1p of the last 12 minutes; the scale spans the whole window', () => {
    const counts = [...new Array<number>(36).fill(0), ...new Array<number>(12).fill(9)];
    const s = windowScale(counts, 0, 48);
    expect(s.level).toBeCloseTo(Math.log(10), 12);
    // log1p is 0 for 36 minutes and ln 10 for 12: sd = ln 10 x sqrt(0.25 x 0.75).
    expect(s.scale).toBeCloseTo(Math.log(10) * Math.sqrt(0.1875), 12);
    expect(RECENT_MINUTES).toBe(12);
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

describe('local noise variance', () => {
  it('is half the mean squared first difference of log1p', () => {
    const c = [0, 1, 0, 3];
    const x = c.map((v) => Math.log1p(v));
    const expected = ((x[1] - x[0]) ** 2 + (x[2] - x[1]) ** 2 + (x[3] - x[2]) ** 2) / (2 * 3);
    expect(localNoiseVariance(c, 0, 4)).toBeCloseTo(expected, 12);
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
    [Math.log1p(1), 1 / 4],
    [Math.log1p(99), 99 / 10000],
  ])('at log1p %p it is lambda / (1 + lambda)^2 = %p', (x, v) => {
    expect(poissonLogVariance(x)).toBeCloseTo(v, 12);
  });

  it('a negative log mean means no rate and no sampling noise', () => {
    expect(poissonLogVariance(-1)).toBe(0);
  });
});

import { writeTimeFeatures } from '../../src/forecast/time-features';

function features(minute: number): number[] {
  const out = new Float32Array(4);
  writeTimeFeatures(minute, out, 0);
  return Array.from(out);
}

describe('time features', () => {
  it('midnight of day 0 is (0, 1, 0, 1)', () => {
    expect(features(0)).toEqual([0, 1, 0, 1]);
  });

  it('06:00 is a quarter turn of the day', () => {
    const [s, c] = features(360);
    expect(s).toBeCloseTo(1, 6);
    expect(c).toBeCloseTo(0, 6);
  });

  it('the same time a day later has the same hour features and a different weekday', () => {
    const a = features(600);
    const b = features(600 + 1440);
    expect(b[0]).toBeCloseTo(a[0], 6);
    expect(b[1]).toBeCloseTo(a[1], 6);
    expect(b[2]).not.toBeCloseTo(a[2], 3);
  });

  it('a week later everything repeats, and negative minutes wrap', () => {
    expect(features(777 + 7 * 1440).map((v) => v.toFixed(5))).toEqual(features(777).map((v) => v.toFixed(5)));
    expect(features(-1).map((v) => v.toFixed(5))).toEqual(features(7 * 1440 - 1).map((v) => v.toFixed(5)));
  });

  it('writes at the offset and leaves the rest alone', () => {
    const out = new Float32Array(6).fill(9);
    writeTimeFeatures(0, out, 2);
    expect(Array.from(out)).toEqual([9, 9, 0, 1, 0, 1]);
  });
});

import { backoffDelay, DEFAULT_RETRY } from '../../src/platform/retry';

describe('backoffDelay', () => {
  it('doubles from the base delay and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((r) => backoffDelay(DEFAULT_RETRY, r))).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it.each([
    [0, 100],
    [0.5, 150],
    [0.999, 199.9],
  ])('with an rng drawing %p, the first delay is %p (the upper half of 200 ms)', (draw, delay) => {
    expect(backoffDelay(DEFAULT_RETRY, 0, { next: () => draw })).toBeCloseTo(delay, 6);
  });
});

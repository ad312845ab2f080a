import { peakOverlap } from '../../src/core/peak-overlap';

describe('peakOverlap', () => {
  it.each<[string, [number, number][], number]>([
    ['no intervals', [], 0],
    ['one interval', [[0, 100]], 1],
    ['back to back (one ends as the next starts)', [[0, 100], [100, 150], [150, 160]], 1],
    ['two overlapping', [[0, 100], [99, 109]], 2],
    ['three nested, unsorted', [[15, 115], [10, 310], [12, 262], [400, 420]], 3],
    ['a zero-length interval inside another does not count', [[0, 100], [50, 50]], 1],
  ])('%s: %p', (_what, intervals, peak) => {
    expect(peakOverlap(intervals)).toBe(peak);
  });
});

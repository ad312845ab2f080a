import { peakConcurrency } from '../../src/manager/peak-concurrency';

const run = (startMs: number, durationMs: number) => ({ startMs, durationMs });

describe('peakConcurrency', () => {
  it.each([
    ['no activations', [], 0],
    ['one run', [run(0, 100)], 1],
    ['a zero-length run still took a container', [run(5, 0)], 1],
    ['runs one after the other (one ends as the next starts)', [run(0, 100), run(100, 50), run(150, 10)], 1],
    ['two overlapping runs', [run(0, 100), run(99, 10)], 2],
    ['a fan-out of three at once, then one', [run(10, 300), run(12, 250), run(15, 100), run(400, 20)], 3],
    ['unsorted input', [run(400, 20), run(15, 100), run(10, 300), run(12, 250)], 3],
  ])('%s: %p', (_what, activations, peak) => {
    expect(peakConcurrency(activations)).toBe(peak);
  });
});

import type { SebsFit } from '../../../benchmark/workflows/sebs-fit';
import { isOutOfMemory, PRESSURE_END_FACTOR, PRESSURE_SLOWDOWN, pressureFactor, runStageModel, stageMedianMs } from '../../../benchmark/workflows/stage-model';
import { SeededRng } from '../../../src/core/rng';

const fit: SebsFit = {
  benchmark: '411',
  serialMs: 100,
  parallelMs: 500,
  parallelismCores: 1.5,
  sigma: 0.1,
  floorMB: 500,
  workingSetMB: 600,
  points: [],
};
const model = { fit, workScale: 2 };

describe('stage model', () => {
  it('uses a 15% slow-down at the floor that ends at twice the working set', () => {
    expect(PRESSURE_SLOWDOWN).toBe(0.15);
    expect(PRESSURE_END_FACTOR).toBe(2);
    expect(pressureFactor(fit, 500)).toBeCloseTo(1.15, 12);
    // Halfway between the floor (500) and 1200.
    expect(pressureFactor(fit, 850)).toBeCloseTo(1.075, 12);
    expect(pressureFactor(fit, 1200)).toBe(1);
    expect(pressureFactor(fit, 3008)).toBe(1);
  });

  it('has median workScale x (serial + parallel / min(cpu, cap)) x pressure', () => {
    expect(stageMedianMs(model, { cpu: 1, memoryMB: 2048 })).toBeCloseTo(2 * (100 + 500), 9);
    expect(stageMedianMs(model, { cpu: 0.5, memoryMB: 2048 })).toBeCloseTo(2 * (100 + 1000), 9);
    // Beyond the cap, more CPU does not help.
    expect(stageMedianMs(model, { cpu: 2, memoryMB: 2048 })).toBeCloseTo(stageMedianMs(model, { cpu: 1.5, memoryMB: 2048 }), 9);
    expect(stageMedianMs(model, { cpu: 1, memoryMB: 850 })).toBeCloseTo(2 * 600 * 1.075, 9);
  });

  it('runs out of memory below the floor, failing after the floor time scaled by memory / floor', () => {
    expect(isOutOfMemory(model, 499)).toBe(true);
    expect(isOutOfMemory(model, 500)).toBe(false);
    expect(stageMedianMs(model, { cpu: 1, memoryMB: 250 })).toBeCloseTo(2 * 600 * 1.15 * 0.5, 9);
    expect(runStageModel(model, { cpu: 1, memoryMB: 250 }, new SeededRng(1)).outOfMemory).toBe(true);
  });

  it('draws lognormal runs around the median: same seed same runs, log-sd ~ sigma, median ~ model median', () => {
    const draw = (seed: number): number[] => {
      const rng = new SeededRng(seed);
      return Array.from({ length: 4000 }, () => runStageModel(model, { cpu: 1, memoryMB: 2048 }, rng).latencyMs);
    };
    const a = draw(11);
    expect(draw(11)).toEqual(a);
    const logs = a.map((x) => Math.log(x));
    const mean = logs.reduce((s, x) => s + x, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / (logs.length - 1));
    expect(sd).toBeCloseTo(0.1, 2);
    expect(Math.exp(mean) / 1200).toBeCloseTo(1, 2);
  });

  it.each([
    [{ cpu: 0, memoryMB: 1024 }, 'cpu must be a positive number of cores, got 0'],
    [{ cpu: Number.NaN, memoryMB: 1024 }, 'cpu must be a positive number of cores, got NaN'],
    [{ cpu: 1, memoryMB: -1 }, 'memoryMB must be positive, got -1'],
  ])('rejects %j', (config, message) => {
    expect(() => stageMedianMs(model, config)).toThrow(message);
  });
});

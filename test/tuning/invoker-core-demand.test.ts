import { firstOversubscribedMinute, homeInvokerCoreDemand } from '../../src/tuning/invoker-core-demand';

const invoker = { memoryMB: 32768, cores: 16 };

describe('homeInvokerCoreDemand', () => {
  it('is rate x mean run x cpu summed over stages while the busy containers fit the invoker', () => {
    // 120 a minute x 3 s = 6 busy at 0.5 cores (3 cores, 1,536 MB), plus 120 x 0.5 s = 1 busy at 2 cores.
    const stages = [
      { cpu: 0.5, memoryMB: 256, meanRunMs: 3000 },
      { cpu: 2, memoryMB: 1024, meanRunMs: 500 },
    ];
    expect(homeInvokerCoreDemand(120, stages, invoker)).toBeCloseTo(5, 12);
    expect(homeInvokerCoreDemand(0, stages, invoker)).toBe(0);
  });

  it('scales the cores by the share of the busy memory the home invoker holds once they do not fit', () => {
    // 1,200 a minute x 30 s = 600 busy: 300 cores in 153,600 MB; the home invoker holds 32,768 MB of them.
    const demand = homeInvokerCoreDemand(1200, [{ cpu: 0.5, memoryMB: 256, meanRunMs: 30_000 }], invoker);
    expect(demand).toBeCloseTo((300 * 32768) / 153_600, 9);
    expect(demand).toBeCloseTo(64, 9);
  });

  it('never exceeds the invoker at its own ratio of cores to memory, however busy', () => {
    // 1 core per 2,048 MB is the invoker's 16 per 32,768.
    expect(homeInvokerCoreDemand(1e6, [{ cpu: 1, memoryMB: 2048, meanRunMs: 10_000 }], invoker)).toBeCloseTo(16, 9);
  });

  it.each([
    [-1, [{ cpu: 1, memoryMB: 256, meanRunMs: 1 }], invoker, /invocations per minute must be a finite number >= 0, got -1/],
    [Number.POSITIVE_INFINITY, [], invoker, /got Infinity/],
    [1, [{ cpu: 0, memoryMB: 256, meanRunMs: 1 }], invoker, /stage 0: cpu must be a finite number of cores > 0, got 0/],
    [1, [{ cpu: 1, memoryMB: Number.NaN, meanRunMs: 1 }], invoker, /stage 0: memoryMB must be a finite number > 0, got NaN/],
    [1, [{ cpu: 1, memoryMB: 256, meanRunMs: -5 }], invoker, /stage 0: meanRunMs must be a finite number >= 0, got -5/],
    [1, [], { memoryMB: 0, cores: 16 }, /invoker memory must be a finite number of MB > 0, got 0/],
    [1, [], { memoryMB: 1024, cores: -1 }, /invoker cores must be a finite number > 0, got -1/],
  ])('rejects %p invocations with stages %p on %p, naming the value', (count, stages, inv, message) => {
    expect(() => homeInvokerCoreDemand(count, stages, inv)).toThrow(message);
  });
});

describe('firstOversubscribedMinute', () => {
  const stages = [{ cpu: 0.5, memoryMB: 192, meanRunMs: 3500 }];

  it('finds the first minute asking for more than the invoker\'s cores', () => {
    // 16 cores at 0.5 each is 32 busy, i.e. 32 x 60 / 3.5 = 548.6 a minute.
    expect(firstOversubscribedMinute([0, 10, 548, 549, 2000], stages, invoker)).toBe(3);
  });

  it('is undefined for a load that never does', () => {
    expect(firstOversubscribedMinute(Uint32Array.from({ length: 1440 }, () => 12), stages, invoker)).toBeUndefined();
    expect(firstOversubscribedMinute([], stages, invoker)).toBeUndefined();
  });
});

import {
  DEFAULT_ACTION_MEMORY_MB,
  DEFAULT_CORES_PER_MB,
  DEFAULT_DURATION_MS,
  TRACE_WIDE_GRID,
  buildWorkload,
  pooledDurationModel,
  type BuildWorkloadInput,
} from '../../src/sim/build-workload';
import { generateSyntheticTrace } from '../../src/trace/synthetic';
import type { DurationPercentiles, FunctionSeries, InvocationTrace, MemoryPercentiles } from '../../src/trace/types';

function series(id: string, owner: string, app: string, counts: number[]): FunctionSeries {
  return { id, owner, app, trigger: 'http', counts: Uint32Array.from(counts) };
}

function traceOf(functions: FunctionSeries[]): InvocationTrace {
  return { source: 'test.csv', firstMinuteLabel: 1, minutes: functions[0].counts.length, functions };
}

function durationRow(func: string, owner: string, app: string, percentilesMs: number[], count = 1): DurationPercentiles {
  return {
    owner,
    app,
    func,
    averageMs: percentilesMs[3],
    count,
    minimumMs: percentilesMs[0],
    maximumMs: percentilesMs[6],
    percentilesMs,
  };
}

function memoryRow(owner: string, app: string, p50: number): MemoryPercentiles {
  return { owner, app, sampleCount: 10, averageMB: p50, percentilesMB: [p50 - 20, p50 - 10, p50 - 5, p50, p50 + 5, p50 + 10, p50 + 20, p50 + 30] };
}

const tenMinutes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** Three functions: a and b in app X of owner o, c in app Y. */
const small = traceOf([
  series('a', 'o', 'X', tenMinutes),
  series('b', 'o', 'X', [5, 0, 0, 0, 0, 0, 0, 0, 0, 5]),
  series('c', 'o', 'Y', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
]);

describe('buildWorkload: duration join', () => {
  it('gives a function the percentiles of the row with its function id, as a piecewise-linear quantile function', () => {
    const w = buildWorkload({
      trace: small,
      durations: [
        durationRow('b', 'o', 'X', [10, 20, 30, 40, 50, 60, 70]),
        durationRow('a', 'o', 'X', [100, 200, 300, 400, 500, 600, 700]),
        durationRow('c', 'o', 'Y', [1, 2, 3, 4, 5, 6, 7]),
      ],
    });
    const a = w.functions[0].duration;
    expect([0, 0.01, 0.25, 0.5, 0.75, 0.99, 1].map((u) => a.quantile(u))).toEqual([100, 200, 300, 400, 500, 600, 700]);
    expect(a.quantile(0.375)).toBeCloseTo(350, 9);
    expect(w.functions[1].duration.quantile(0.5)).toBe(40);
    expect(w.functions[2].duration.quantile(0.5)).toBe(4);
    // Trapezoid mean of the piecewise-linear quantile function.
    expect(a.meanMs).toBeCloseTo(0.01 * 150 + 0.24 * 250 + 0.25 * 350 + 0.25 * 450 + 0.24 * 550 + 0.01 * 650, 9);
    expect(w.durationSource).toEqual({ 'per-function': 3 });
  });

  it('takes the first row when a function id appears twice', () => {
    const w = buildWorkload({
      trace: small,
      functions: 1,
      durations: [durationRow('a', 'o', 'X', [1, 2, 3, 4, 5, 6, 7]), durationRow('a', 'o', 'X', [8, 9, 10, 11, 12, 13, 14])],
    });
    expect(w.functions[0].duration.quantile(0.5)).toBe(4);
  });

  it('falls back to the same (owner, app) row with the largest count when the function id has no row', () => {
    const w = buildWorkload({
      trace: small,
      durations: [
        durationRow('x1', 'o', 'X', [1, 1, 1, 11, 11, 11, 11], 10),
        durationRow('x2', 'o', 'X', [2, 2, 2, 22, 22, 22, 22], 50),
        durationRow('x3', 'o', 'X', [3, 3, 3, 33, 33, 33, 33], 20),
        durationRow('c', 'o', 'Y', [5, 5, 5, 5, 5, 5, 5]),
      ],
    });
    expect(w.functions[0].duration.quantile(0.5)).toBe(22);
    expect(w.functions[1].duration.quantile(0.5)).toBe(22);
    expect(w.durationSource).toEqual({ 'per-function': 3 });
  });

  it('does not match an app of the same name under another owner: that function goes trace-wide', () => {
    const w = buildWorkload({
      trace: small,
      durations: [durationRow('z', 'other-owner', 'X', [7, 7, 7, 7, 7, 7, 7]), durationRow('c', 'o', 'Y', [5, 5, 5, 5, 5, 5, 5])],
    });
    expect(w.durationSource).toEqual({ 'per-function': 1, 'trace-wide': 2 });
    // The trace-wide mixture of two one-invocation rows: half at 5 ms, half at 7 ms.
    expect(w.functions[0].duration.quantile(0.25)).toBe(5);
    expect(w.functions[0].duration.quantile(0.75)).toBe(7);
    expect(w.functions[0].duration).toBe(w.functions[1].duration);
  });

  it('draws functions without a row from the count-weighted mixture of all rows (3:1 weights of uniform 100..1100 and 2100..3100 ms)', () => {
    const uniformLow = [100, 110, 350, 600, 850, 1090, 1100];
    const uniformHigh = [2100, 2110, 2350, 2600, 2850, 3090, 3100];
    const w = buildWorkload({
      trace: small,
      durations: [durationRow('x', 'p', 'P', uniformLow, 3), durationRow('y', 'p', 'Q', uniformHigh, 1)],
    });
    expect(w.durationSource).toEqual({ 'trace-wide': 3 });
    const d = w.functions[0].duration;
    // F(x) = 0.75 (x - 100) / 1000 on the low part, 0.75 + 0.25 (x - 2100) / 1000 on the high part.
    expect(d.quantile(0)).toBe(100);
    expect(d.quantile(0.3)).toBeCloseTo(500, 6);
    expect(d.quantile(0.5)).toBeCloseTo(100 + (0.5 / 0.75) * 1000, 6);
    expect(d.quantile(0.8)).toBeCloseTo(2300, 6);
    expect(d.quantile(0.9)).toBeCloseTo(2700, 6);
    expect(d.quantile(1)).toBe(3100);
    // The tabulated mean bridges the 1100..2100 gap linearly over one 1% grid step: within 1% of the exact 1100.
    expect(Math.abs(d.meanMs - (0.75 * 600 + 0.25 * 2600))).toBeLessThan(11);
  });

  it('pools atoms (rows with equal percentiles) with their weights: 75% at 100 ms, 25% at 1000 ms', () => {
    const d = pooledDurationModel([
      durationRow('x', 'p', 'P', [100, 100, 100, 100, 100, 100, 100], 300),
      durationRow('y', 'p', 'Q', [1000, 1000, 1000, 1000, 1000, 1000, 1000], 100),
    ]);
    expect(d.quantile(0.1)).toBe(100);
    expect(d.quantile(0.74)).toBe(100);
    expect(d.quantile(0.8)).toBe(1000);
    expect(d.quantile(0.99)).toBe(1000);
  });

  it('keeps the mean of a heavy-tailed pooled distribution within 2% of the exact count-weighted mean (synthetic rows)', () => {
    const rows = generateSyntheticTrace({ functions: 300, minutes: 60, seed: 11 }).durations;
    const probs = [0, 0.01, 0.25, 0.5, 0.75, 0.99, 1];
    let weight = 0;
    let sum = 0;
    for (const r of rows) {
      const v = r.percentilesMs.map((x) => Math.max(1, x));
      let mean = 0;
      for (let j = 1; j < 7; j++) mean += ((v[j] + v[j - 1]) / 2) * (probs[j] - probs[j - 1]);
      weight += r.count;
      sum += r.count * mean;
    }
    const exact = sum / weight;
    expect(Math.abs(pooledDurationModel(rows).meanMs / exact - 1)).toBeLessThan(0.02);
  });

  it('weights rows equally when every count is 0', () => {
    const d = pooledDurationModel([durationRow('x', 'p', 'P', [10, 10, 10, 10, 10, 10, 10], 0), durationRow('y', 'p', 'Q', [30, 30, 30, 30, 30, 30, 30], 0)]);
    expect(d.quantile(0.25)).toBe(10);
    expect(d.quantile(0.75)).toBe(30);
  });

  it('tabulates the trace-wide distribution at 149 increasing probabilities from 0 to 1, finer in the upper tail', () => {
    expect(TRACE_WIDE_GRID).toHaveLength(149);
    expect(TRACE_WIDE_GRID.filter((p) => p >= 0.99 && p < 1)).toHaveLength(19);
    expect(TRACE_WIDE_GRID[0]).toBe(0);
    expect(TRACE_WIDE_GRID[TRACE_WIDE_GRID.length - 1]).toBe(1);
    for (let i = 1; i < TRACE_WIDE_GRID.length; i++) expect(TRACE_WIDE_GRID[i]).toBeGreaterThan(TRACE_WIDE_GRID[i - 1]);
  });

  it('uses a constant 1000 ms for every function when there are no duration rows, noted as default', () => {
    expect(DEFAULT_DURATION_MS).toBe(1000);
    for (const durations of [undefined, []]) {
      const w = buildWorkload({ trace: small, durations });
      expect(w.durationSource).toEqual({ default: 3 });
      for (const f of w.functions) {
        expect(f.duration.meanMs).toBe(1000);
        expect(f.duration.quantile(0.99)).toBe(1000);
      }
    }
  });

  it('raises 0-ms percentiles to 1 ms, per function and in the trace-wide mixture', () => {
    const rows = [durationRow('a', 'o', 'X', [0, 0, 0, 3, 5, 9, 12])];
    const w = buildWorkload({ trace: small, durations: rows });
    const a = w.functions[0].duration;
    expect(a.quantile(0)).toBe(1);
    expect(a.quantile(0.25)).toBe(1);
    expect(a.quantile(0.5)).toBe(3);
    // b falls back to its app's row (a's), c goes trace-wide.
    expect(w.durationSource).toEqual({ 'per-function': 2, 'trace-wide': 1 });
    const wide = w.functions[2].duration;
    expect(wide.quantile(0)).toBe(1);
    expect(wide.quantile(0.1)).toBe(1);
    expect(wide.quantile(1)).toBe(12);
    for (let u = 0; u <= 1; u += 0.01) expect(wide.quantile(u)).toBeGreaterThanOrEqual(1);
  });

  it('rejects a joined row whose percentiles decrease, naming the function', () => {
    expect(() => buildWorkload({ trace: small, durations: [durationRow('a', 'o', 'X', [1, 2, 3, 2, 5, 6, 7])] })).toThrow(/function a \(app X\)/);
  });
});

describe('buildWorkload: memory and CPU', () => {
  it('takes the app p50 rounded up to a whole MB, else the 256 MB OpenWhisk action default', () => {
    expect(DEFAULT_ACTION_MEMORY_MB).toBe(256);
    const w = buildWorkload({ trace: small, memory: [memoryRow('o', 'X', 170.2)] });
    expect(w.functions.map((f) => f.memoryMB)).toEqual([171, 171, 256]);
    expect(w.memorySource).toEqual({ 'per-function': 2, 'action-limit': 1 });
  });

  it('matches memory on owner and app together and takes the first row of an app', () => {
    const w = buildWorkload({
      trace: small,
      memory: [memoryRow('o', 'Y', 100), memoryRow('o', 'Y', 300), memoryRow('someone-else', 'X', 500)],
    });
    expect(w.functions.map((f) => f.memoryMB)).toEqual([256, 256, 100]);
  });

  it('keeps at least 1 MB for a tiny p50', () => {
    const row: MemoryPercentiles = { owner: 'o', app: 'Y', sampleCount: 1, averageMB: 0, percentilesMB: [0, 0, 0, 0, 0, 0, 0, 0] };
    expect(buildWorkload({ trace: small, memory: [row] }).functions[2].memoryMB).toBe(1);
  });

  it('uses defaultMemoryMB for apps without a row', () => {
    const w = buildWorkload({ trace: small, defaultMemoryMB: 512 });
    expect(w.functions.map((f) => f.memoryMB)).toEqual([512, 512, 512]);
    expect(w.memorySource).toEqual({ 'action-limit': 3 });
  });

  it('gives memory-proportional CPU by default (0.125 cores per 256 MB) and a fixed value when cpuCoresPerFunction is set', () => {
    expect(DEFAULT_CORES_PER_MB * 256).toBe(0.125);
    const w = buildWorkload({ trace: small, memory: [memoryRow('o', 'X', 2048)] });
    expect(w.functions.map((f) => f.cpuCores)).toEqual([1, 1, 0.125]);
    const fixed = buildWorkload({ trace: small, memory: [memoryRow('o', 'X', 2048)], cpuCoresPerFunction: 0.5 });
    expect(fixed.functions.map((f) => f.cpuCores)).toEqual([0.5, 0.5, 0.5]);
  });
});

describe('buildWorkload: functions and minutes', () => {
  it('replays the whole trace by default, with the trace source and length', () => {
    const w = buildWorkload({ trace: small });
    expect(w.source).toBe('test.csv');
    expect(w.minutes).toBe(10);
    expect(w.functions.map((f) => f.id)).toEqual(['a', 'b', 'c']);
    expect(Array.from(w.functions[0].counts)).toEqual(tenMinutes);
  });

  it('slices minutes [start, end) so that minute start becomes minute 0', () => {
    const w = buildWorkload({ trace: small, minutes: { start: 3, end: 7 } });
    expect(w.minutes).toBe(4);
    expect(Array.from(w.functions[0].counts)).toEqual([3, 4, 5, 6]);
    expect(Array.from(w.functions[1].counts)).toEqual([0, 0, 0, 0]);
    expect(Array.from(buildWorkload({ trace: small, minutes: { start: 9, end: 10 } }).functions[1].counts)).toEqual([5]);
    expect(Array.from(buildWorkload({ trace: small, minutes: { start: 0, end: 1 } }).functions[0].counts)).toEqual([0]);
  });

  it('keeps functions with no invocation in the range', () => {
    const w = buildWorkload({ trace: small, minutes: { start: 1, end: 9 } });
    expect(w.functions).toHaveLength(3);
    expect(w.functions[1].counts.every((c) => c === 0)).toBe(true);
    expect(w.functions[2].counts.every((c) => c === 0)).toBe(true);
  });

  it('takes the first N functions in file order', () => {
    const w = buildWorkload({ trace: small, functions: 2 });
    expect(w.functions.map((f) => f.id)).toEqual(['a', 'b']);
    expect(w.durationSource).toEqual({ default: 2 });
    expect(w.memorySource).toEqual({ 'action-limit': 2 });
  });

  const bad: [string, Partial<BuildWorkloadInput>, string][] = [
    ['functions 0', { functions: 0 }, 'functions=0'],
    ['functions above the trace', { functions: 4 }, 'functions=4'],
    ['functions negative', { functions: -2 }, 'functions=-2'],
    ['functions fractional', { functions: 1.5 }, 'functions=1.5'],
    ['functions NaN', { functions: Number.NaN }, 'functions=NaN'],
    ['start negative', { minutes: { start: -1, end: 5 } }, 'minutes.start=-1'],
    ['start at the end of the trace', { minutes: { start: 10, end: 10 } }, 'minutes.start=10'],
    ['start fractional', { minutes: { start: 2.5, end: 5 } }, 'minutes.start=2.5'],
    ['end past the trace', { minutes: { start: 0, end: 11 } }, 'minutes.end=11'],
    ['end fractional', { minutes: { start: 0, end: 5.5 } }, 'minutes.end=5.5'],
    ['empty range', { minutes: { start: 5, end: 5 } }, 'minutes.end=5 must be greater than minutes.start=5'],
    ['reversed range', { minutes: { start: 6, end: 2 } }, 'minutes.end=2 must be greater than minutes.start=6'],
    ['defaultMemoryMB 0', { defaultMemoryMB: 0 }, 'defaultMemoryMB=0'],
    ['cpuCoresPerFunction negative', { cpuCoresPerFunction: -1 }, 'cpuCoresPerFunction=-1'],
  ];
  it.each(bad)('rejects %s with a RangeError naming the value', (_name, options, named) => {
    const run = (): unknown => buildWorkload({ trace: small, ...options });
    expect(run).toThrow(RangeError);
    expect(run).toThrow(named);
  });
});

describe('buildWorkload: scale', () => {
  it('joins a 1350 x 1440 trace (half without duration rows: pooled trace-wide) in well under a second', () => {
    const s = generateSyntheticTrace({ functions: 1350, minutes: 1440, seed: 7 });
    const t0 = performance.now();
    const w = buildWorkload({ trace: s.trace, durations: s.durations.slice(0, 675), memory: s.memory, minutes: { start: 60, end: 1440 } });
    const elapsedMs = performance.now() - t0;
    expect(elapsedMs).toBeLessThan(1000);
    expect(w.functions).toHaveLength(1350);
    expect(w.minutes).toBe(1380);
    const perFunction = w.durationSource['per-function'] ?? 0;
    const traceWide = w.durationSource['trace-wide'] ?? 0;
    expect(perFunction).toBeGreaterThanOrEqual(675);
    expect(perFunction + traceWide).toBe(1350);
    expect(w.memorySource).toEqual({ 'per-function': 1350 });
    expect(w.functions[0].counts[0]).toBe(s.trace.functions[0].counts[60]);
  });
});

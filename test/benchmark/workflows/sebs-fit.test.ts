import { curveMs, fitCpuCurve, fitSebsBenchmark, summariseBySize } from '../../../benchmark/workflows/sebs-fit';
import type { WarmRun } from '../../../benchmark/workflows/sebs-result-csv';

const LAMBDA_SIZES = [128, 256, 512, 1024, 1536, 2048, 3008];
const cpuOf = (mb: number): number => mb / 1769;

describe('fitCpuCurve', () => {
  it.each([
    ['serial + parallel with a cap inside the data', { serialMs: 150, parallelMs: 80, parallelismCores: 0.7 }],
    ['purely parallel with a cap at 1 core', { serialMs: 0, parallelMs: 60, parallelismCores: 1 }],
    ['serial-heavy with a low cap', { serialMs: 1400, parallelMs: 870, parallelismCores: 0.45 }],
  ])('recovers %s from exact medians', (_what, truth) => {
    const points = LAMBDA_SIZES.map((mb) => ({ cpu: cpuOf(mb), medianMs: curveMs(truth, cpuOf(mb)) }));
    const fit = fitCpuCurve(points);
    expect(fit.serialMs).toBeCloseTo(truth.serialMs, 3);
    expect(fit.parallelMs).toBeCloseTo(truth.parallelMs, 3);
    expect(fit.parallelismCores).toBeCloseTo(truth.parallelismCores, 4);
  });

  it('puts the cap at the largest measured CPU when the data shows none (no extrapolated speed-up)', () => {
    const points = LAMBDA_SIZES.map((mb) => ({ cpu: cpuOf(mb), medianMs: 530 / cpuOf(mb) }));
    const fit = fitCpuCurve(points);
    expect(fit.parallelismCores).toBeCloseTo(3008 / 1769, 6);
    expect(fit.serialMs).toBeCloseTo(0, 6);
    expect(fit.parallelMs).toBeCloseTo(530, 4);
  });

  it('keeps both coefficients non-negative when the data gets slower with more CPU', () => {
    const fit = fitCpuCurve([0.2, 0.5, 1].map((cpu) => ({ cpu, medianMs: 100 + 50 * cpu })));
    expect(fit.serialMs).toBeGreaterThan(0);
    expect(fit.parallelMs).toBe(0);
  });

  it('needs at least three memory sizes', () => {
    expect(() => fitCpuCurve([{ cpu: 0.1, medianMs: 1 }, { cpu: 0.2, medianMs: 1 }])).toThrow('a CPU curve needs at least 3 measured sizes, got 2');
  });
});

describe('summariseBySize and fitSebsBenchmark', () => {
  // At each size: times median * exp(sigma * z) for z at five symmetric points, so log-IQR / 1.349 is known.
  const z = [-1.5, -0.6744897501960817, 0, 0.6744897501960817, 1.5];
  const truth = { serialMs: 100, parallelMs: 50, parallelismCores: 0.9 };
  const sigmaAt = (mb: number): number => (mb <= 512 ? 0.1 : 0.2);
  const memUsedAt = (mb: number): number => (mb === 128 ? 128 : 140);
  const runs: WarmRun[] = LAMBDA_SIZES.flatMap((mb) =>
    z.map((zi) => ({ memoryMB: mb, execMs: curveMs(truth, cpuOf(mb)) * Math.exp(sigmaAt(mb) * zi), memUsedMB: memUsedAt(mb) })),
  );

  it('summarises each size: median, log-spread IQR(log t)/1.349, median mem_used, ascending memory', () => {
    const sizes = summariseBySize([...runs].reverse());
    expect(sizes.map((s) => s.memoryMB)).toEqual(LAMBDA_SIZES);
    expect(sizes[0].samples).toBe(5);
    expect(sizes[0].medianMs).toBeCloseTo(curveMs(truth, cpuOf(128)), 9);
    // IQR of the five points: quartiles at +-0.6745 sigma, so IQR / 1.349 = sigma (to the constant's 4 digits).
    expect(sizes[0].logSigma).toBeCloseTo(0.1, 4);
    expect(sizes[6].logSigma).toBeCloseTo(0.2, 4);
    expect(sizes[0].memUsedMB).toBe(128);
  });

  it('fits the curve, takes sigma as the median over sizes, the floor and the working set from mem_used, and reports ~0 errors', () => {
    const fit = fitSebsBenchmark('503', runs);
    expect(fit.benchmark).toBe('503');
    expect(fit.serialMs).toBeCloseTo(100, 3);
    expect(fit.parallelMs).toBeCloseTo(50, 3);
    expect(fit.parallelismCores).toBeCloseTo(0.9, 4);
    expect(fit.sigma).toBeCloseTo(0.2, 4); // 3 sizes at 0.1, 4 at 0.2
    expect(fit.floorMB).toBe(128);
    expect(fit.workingSetMB).toBe(140);
    expect(fit.points.map((p) => p.memoryMB)).toEqual(LAMBDA_SIZES);
    for (const p of fit.points) expect(Math.abs(p.relError)).toBeLessThan(1e-6);
  });

  it('refuses an empty run list', () => {
    expect(() => summariseBySize([])).toThrow('no warm runs to summarise');
  });
});

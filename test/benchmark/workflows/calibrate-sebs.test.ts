import * as fs from 'node:fs';
import { calibrateSebs, roundFit, sebsAwsResultPath, sebsFitsModule } from '../../../benchmark/workflows/calibrate-sebs';
import { SEBS_BENCHMARK_IDS } from '../../../benchmark/workflows/sebs-benchmarks';
import type { SebsFit } from '../../../benchmark/workflows/sebs-fit';
import { SEBS_FITS } from '../../../benchmark/workflows/sebs-fits';
import { SHARED_DATA_DIR } from '../../support/temp-files';

const fit: SebsFit = {
  benchmark: '411',
  serialMs: 0.04,
  parallelMs: 531.2849,
  parallelismCores: 1.665432,
  sigma: 0.047712,
  floorMB: 512,
  workingSetMB: 593.96,
  points: [{ memoryMB: 512, samples: 200, relError: -0.021849 }],
};

describe('the committed module', () => {
  it('rounds ms to 0.1, cores and sigma to 1e-4, MB to 0.1 and errors to 1e-4', () => {
    expect(roundFit(fit)).toEqual({
      benchmark: '411',
      serialMs: 0,
      parallelMs: 531.3,
      parallelismCores: 1.6654,
      sigma: 0.0477,
      floorMB: 512,
      workingSetMB: 594,
      points: [{ memoryMB: 512, samples: 200, relError: -0.0218 }],
    });
  });

  it('renders a module that names its command, its sources and the SeBS paper', () => {
    const text = sebsFitsModule([fit]);
    expect(text).toContain('node dist/calibrate-sebs.js --write');
    expect(text).toContain('sebs-perf-cost/aws/{120,210_node,210_python,311,411,503}/result.csv');
    expect(text).toContain('Middleware');
    expect(text).toContain("parallelMs: 531.3,");
  });

  it('holds a fit of every benchmark with at most 8% error at any measured memory size', () => {
    for (const b of SEBS_BENCHMARK_IDS) {
      expect(SEBS_FITS[b].benchmark).toBe(b);
      for (const p of SEBS_FITS[b].points) expect(Math.abs(p.relError)).toBeLessThan(0.08);
    }
  });
});

const hasData = SEBS_BENCHMARK_IDS.every((b) => fs.existsSync(sebsAwsResultPath(SHARED_DATA_DIR, b)));
if (!hasData) console.warn(`skipping the SeBS calibration tests: ${SHARED_DATA_DIR}/sebs-perf-cost/aws is absent (see ../shared/data/README.md)`);
(hasData ? describe : describe.skip)('calibrateSebs on ../shared/data/sebs-perf-cost/aws', () => {
  let fits: SebsFit[] = [];
  beforeAll(async () => {
    fits = (await calibrateSebs(SHARED_DATA_DIR)).map((c) => c.fit);
  });

  it('reproduces the committed coefficients of every benchmark (within their rounding)', () => {
    expect(fits.map((f) => f.benchmark)).toEqual(SEBS_BENCHMARK_IDS);
    for (const f of fits) {
      const c = SEBS_FITS[f.benchmark];
      expect(Math.abs(f.serialMs - c.serialMs)).toBeLessThanOrEqual(0.051);
      expect(Math.abs(f.parallelMs - c.parallelMs)).toBeLessThanOrEqual(0.051);
      expect(Math.abs(f.parallelismCores - c.parallelismCores)).toBeLessThanOrEqual(0.00051);
      expect(Math.abs(f.sigma - c.sigma)).toBeLessThanOrEqual(0.000051);
      expect(f.floorMB).toBeCloseTo(c.floorMB, 1);
      expect(f.workingSetMB).toBeCloseTo(c.workingSetMB, 1);
      expect(f.points.map((p) => [p.memoryMB, p.samples])).toEqual(c.points.map((p) => [p.memoryMB, p.samples]));
      f.points.forEach((p, i) => expect(Math.abs(p.relError - c.points[i].relError)).toBeLessThanOrEqual(0.00051));
    }
  });

  it('regenerates the committed sebs-fits.ts byte for byte', () => {
    const committed = fs.readFileSync(require.resolve('../../../benchmark/workflows/sebs-fits.ts'), 'utf8');
    expect(sebsFitsModule(fits)).toBe(committed);
  });

  it('finds the known shape of the data: 411 needs 512 MB and scales to 1.67 cores, 503 stops at ~1 core, 120 has the widest noise', () => {
    const byId = new Map(fits.map((f) => [f.benchmark, f]));
    expect(byId.get('411')?.floorMB).toBe(512);
    expect(byId.get('411')?.parallelismCores).toBeCloseTo(1.665, 2);
    expect(byId.get('503')?.parallelismCores).toBeCloseTo(0.99, 1);
    expect(Math.max(...fits.map((f) => f.sigma))).toBe(byId.get('120')?.sigma);
  });
});

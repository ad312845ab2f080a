/**
 * Fitted run-time models of the SeBS benchmarks on AWS Lambda (see sebs-fit.ts
 * for the model and the fitting). GENERATED, do not edit: regenerate with
 *
 *   npx esbuild benchmark/workflows/calibrate-sebs.ts --bundle --platform=node --target=node20 --packages=external --outfile=dist/calibrate-sebs.js --log-level=warning && node dist/calibrate-sebs.js --write
 *
 * from the warm rows of ../shared/data/sebs-perf-cost/aws/{120,210_node,210_python,311,411,503}/result.csv
 * (spcl/serverless-benchmarks-artifact, commit 22e8134ca789a54cffd789265303c17d5a0536db,
 * data/performance/aws_perf_cost/<bench>/perf-cost/result.csv). Only these
 * coefficients are committed, never the measurements.
 *
 * Source: M. Copik, G. Kwaśniewski, M. Besta, M. Podstawski, T. Hoefler, "SeBS:
 * A Serverless Benchmark Suite for Function-as-a-Service Computing", Middleware
 * 2021 (artifact DOI 10.5281/zenodo.5209001). The data's license is not stated:
 * research use, with this citation.
 *
 * Median run time t(cpu) = serialMs + parallelMs / min(cpu, parallelismCores), ms,
 * with cpu = memoryMB / 1769 on Lambda; lognormal noise sigma; out of memory below
 * floorMB; points[].relError = fitted / measured median - 1 at each memory size.
 */
import type { SebsBenchmark } from './sebs-benchmarks';
import type { SebsFit } from './sebs-fit';

/** The fitted model of every benchmark. */
export const SEBS_FITS: Readonly<Record<SebsBenchmark, SebsFit>> = {
  '120': {
    benchmark: '120',
    serialMs: 194.7,
    parallelMs: 99.8,
    parallelismCores: 0.6799,
    sigma: 0.1906,
    floorMB: 92.5,
    workingSetMB: 95,
    points: [
      { memoryMB: 128, samples: 249, relError: -0.0331 },
      { memoryMB: 256, samples: 200, relError: -0.0033 },
      { memoryMB: 512, samples: 248, relError: 0.0769 },
      { memoryMB: 1024, samples: 249, relError: -0.05 },
      { memoryMB: 1536, samples: 247, relError: -0.0163 },
      { memoryMB: 2048, samples: 200, relError: -0.0557 },
      { memoryMB: 3008, samples: 200, relError: 0.0645 },
    ],
  },
  '210_node': {
    benchmark: '210_node',
    serialMs: 105.6,
    parallelMs: 117.8,
    parallelismCores: 0.945,
    sigma: 0.1374,
    floorMB: 128,
    workingSetMB: 146,
    points: [
      { memoryMB: 128, samples: 248, relError: 0.0087 },
      { memoryMB: 256, samples: 248, relError: -0.0231 },
      { memoryMB: 512, samples: 247, relError: 0.0193 },
      { memoryMB: 1024, samples: 249, relError: -0.0059 },
      { memoryMB: 2048, samples: 246, relError: -0.0199 },
      { memoryMB: 3008, samples: 241, relError: 0.0191 },
    ],
  },
  '210_python': {
    benchmark: '210_python',
    serialMs: 68.3,
    parallelMs: 67.5,
    parallelismCores: 0.7204,
    sigma: 0.1588,
    floorMB: 93,
    workingSetMB: 96,
    points: [
      { memoryMB: 128, samples: 249, relError: -0.0151 },
      { memoryMB: 256, samples: 245, relError: 0.015 },
      { memoryMB: 512, samples: 245, relError: 0.0057 },
      { memoryMB: 1024, samples: 247, relError: -0.0061 },
      { memoryMB: 2048, samples: 248, relError: 0.0603 },
      { memoryMB: 3008, samples: 245, relError: -0.0687 },
    ],
  },
  '311': {
    benchmark: '311',
    serialMs: 1370,
    parallelMs: 869.6,
    parallelismCores: 0.7086,
    sigma: 0.0933,
    floorMB: 148.5,
    workingSetMB: 160,
    points: [
      { memoryMB: 256, samples: 200, relError: -0.0334 },
      { memoryMB: 512, samples: 200, relError: 0.0545 },
      { memoryMB: 1024, samples: 249, relError: -0.0258 },
      { memoryMB: 1536, samples: 248, relError: -0.0587 },
      { memoryMB: 2048, samples: 249, relError: 0.0305 },
      { memoryMB: 3008, samples: 200, relError: 0.0232 },
    ],
  },
  '411': {
    benchmark: '411',
    serialMs: 0,
    parallelMs: 531.3,
    parallelismCores: 1.6652,
    sigma: 0.0477,
    floorMB: 512,
    workingSetMB: 594,
    points: [
      { memoryMB: 512, samples: 200, relError: -0.0218 },
      { memoryMB: 1024, samples: 248, relError: -0.0157 },
      { memoryMB: 1536, samples: 200, relError: -0.0005 },
      { memoryMB: 2048, samples: 249, relError: 0.036 },
      { memoryMB: 3008, samples: 249, relError: 0 },
    ],
  },
  '503': {
    benchmark: '503',
    serialMs: 0,
    parallelMs: 59.8,
    parallelismCores: 0.9922,
    sigma: 0.0253,
    floorMB: 69,
    workingSetMB: 71,
    points: [
      { memoryMB: 128, samples: 248, relError: -0.0458 },
      { memoryMB: 256, samples: 247, relError: -0.0279 },
      { memoryMB: 512, samples: 245, relError: 0.0164 },
      { memoryMB: 1024, samples: 247, relError: 0.0487 },
      { memoryMB: 1536, samples: 200, relError: 0.0031 },
      { memoryMB: 2048, samples: 247, relError: -0.0036 },
      { memoryMB: 3008, samples: 246, relError: 0.0036 },
    ],
  },
};

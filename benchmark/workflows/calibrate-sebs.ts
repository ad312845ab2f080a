/**
 * The calibration command: reads the SeBS AWS Lambda measurements, fits every
 * benchmark's model ({@link fitSebsBenchmark}), prints the fit report and, with
 * `--write`, regenerates the committed `benchmark/workflows/sebs-fits.ts`.
 *
 * ```sh
 * npx esbuild benchmark/workflows/calibrate-sebs.ts --bundle --platform=node --target=node20 \
 *   --packages=external --outfile=dist/calibrate-sebs.js --log-level=warning \
 *   && node dist/calibrate-sebs.js [--data DIR] [--write]
 * ```
 *
 * `--data` is the shared data folder (default `../shared/data` beside the
 * repository); the files read are `DIR/sebs-perf-cost/aws/<bench>/result.csv`.
 * A malformed row stops the command with `file:line:column: expected ..., found ...`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, sharedDataDir } from '../../src/cli/repo-paths';
import { SEBS_BENCHMARK_IDS, SEBS_BENCHMARKS, type SebsBenchmark } from './sebs-benchmarks';
import { curveMs, fitSebsBenchmark, summariseBySize, type SebsFit, type SebsSizeSummary } from './sebs-fit';
import { keptWarmRuns, readSebsResult } from './sebs-result-csv';

/** The command line that regenerates `sebs-fits.ts`, quoted in that file. */
export const CALIBRATE_COMMAND =
  'npx esbuild benchmark/workflows/calibrate-sebs.ts --bundle --platform=node --target=node20 --packages=external ' +
  '--outfile=dist/calibrate-sebs.js --log-level=warning && node dist/calibrate-sebs.js --write';

/** The AWS result file of one benchmark under a shared data folder. */
export function sebsAwsResultPath(dataDir: string, benchmark: SebsBenchmark): string {
  return join(dataDir, 'sebs-perf-cost', 'aws', benchmark, 'result.csv');
}

/** One benchmark's calibration: its per-size summary and the fit. */
export interface SebsCalibration {
  readonly sizes: readonly SebsSizeSummary[];
  readonly fit: SebsFit;
}

/**
 * Reads and fits every benchmark of {@link SEBS_BENCHMARK_IDS} from `dataDir`.
 * @throws TraceFormatError on a malformed row (naming file, line and column); Node's error on a missing file
 */
export async function calibrateSebs(dataDir: string): Promise<SebsCalibration[]> {
  const out: SebsCalibration[] = [];
  for (const b of SEBS_BENCHMARK_IDS) {
    const path = sebsAwsResultPath(dataDir, b);
    const runs = keptWarmRuns(path, await readSebsResult(path));
    out.push({ sizes: summariseBySize(runs), fit: fitSebsBenchmark(b, runs) });
  }
  return out;
}

/** `x` rounded to `digits` decimals. */
export function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A fit with its coefficients rounded as committed (ms to 0.1, cores and sigma to 1e-4, MB to 0.1, errors to 1e-4). */
export function roundFit(fit: SebsFit): SebsFit {
  return {
    benchmark: fit.benchmark,
    serialMs: roundTo(fit.serialMs, 1),
    parallelMs: roundTo(fit.parallelMs, 1),
    parallelismCores: roundTo(fit.parallelismCores, 4),
    sigma: roundTo(fit.sigma, 4),
    floorMB: roundTo(fit.floorMB, 1),
    workingSetMB: roundTo(fit.workingSetMB, 1),
    points: fit.points.map((p) => ({ memoryMB: p.memoryMB, samples: p.samples, relError: roundTo(p.relError, 4) })),
  };
}

/** The fit report as Markdown: one summary table, then each benchmark's sizes. */
export function calibrationMarkdown(calibrations: readonly SebsCalibration[]): string {
  const lines: string[] = [
    '| benchmark | serial ms | parallel core-ms | cap cores | sigma | floor MB | working set MB | max abs rel err |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const { fit } of calibrations) {
    const maxErr = Math.max(...fit.points.map((p) => Math.abs(p.relError)));
    lines.push(
      `| ${fit.benchmark} | ${fit.serialMs.toFixed(1)} | ${fit.parallelMs.toFixed(1)} | ${fit.parallelismCores.toFixed(3)} | ` +
        `${fit.sigma.toFixed(4)} | ${fit.floorMB.toFixed(1)} | ${fit.workingSetMB.toFixed(1)} | ${(100 * maxErr).toFixed(1)}% |`,
    );
  }
  for (const { sizes, fit } of calibrations) {
    lines.push('', `${fit.benchmark}: ${SEBS_BENCHMARKS[fit.benchmark]}`, '');
    lines.push('| memory MB | cpu | warm runs | median ms | fitted ms | rel err | log sigma | mem_used MB |', '|---|---|---|---|---|---|---|---|');
    for (const s of sizes) {
      const fitted = curveMs(fit, s.cpu);
      lines.push(
        `| ${s.memoryMB} | ${s.cpu.toFixed(3)} | ${s.samples} | ${s.medianMs.toFixed(1)} | ${fitted.toFixed(1)} | ` +
          `${(100 * (fitted / s.medianMs - 1)).toFixed(1)}% | ${s.logSigma.toFixed(3)} | ${s.memUsedMB.toFixed(1)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The text of `benchmark/workflows/sebs-fits.ts` for these fits (rounded with {@link roundFit}). */
export function sebsFitsModule(fits: readonly SebsFit[]): string {
  const body = fits
    .map((raw) => {
      const f = roundFit(raw);
      const points = f.points.map((p) => `      { memoryMB: ${p.memoryMB}, samples: ${p.samples}, relError: ${p.relError} },`).join('\n');
      return [
        `  '${f.benchmark}': {`,
        `    benchmark: '${f.benchmark}',`,
        `    serialMs: ${f.serialMs},`,
        `    parallelMs: ${f.parallelMs},`,
        `    parallelismCores: ${f.parallelismCores},`,
        `    sigma: ${f.sigma},`,
        `    floorMB: ${f.floorMB},`,
        `    workingSetMB: ${f.workingSetMB},`,
        '    points: [',
        points,
        '    ],',
        '  },',
      ].join('\n');
    })
    .join('\n');
  return `/**
 * Fitted run-time models of the SeBS benchmarks on AWS Lambda (see sebs-fit.ts
 * for the model and the fitting). GENERATED, do not edit: regenerate with
 *
 *   ${CALIBRATE_COMMAND}
 *
 * from the warm rows of ../shared/data/sebs-perf-cost/aws/{${SEBS_BENCHMARK_IDS.join(',')}}/result.csv
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
${body}
};
`;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: { data: { type: 'string' }, write: { type: 'boolean' } } });
  const dataDir = values.data ?? sharedDataDir();
  const calibrations = await calibrateSebs(dataDir);
  process.stdout.write(calibrationMarkdown(calibrations));
  if (values.write === true) {
    const file = join(repoRoot(), 'benchmark', 'workflows', 'sebs-fits.ts');
    writeFileSync(file, sebsFitsModule(calibrations.map((c) => c.fit)));
    process.stderr.write(`wrote ${file}\n`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}

/**
 * Small workflows with known behaviour for the tuning tests: run times from
 * a closed formula with lognormal noise, so the optimum can be checked by
 * enumeration.
 */
import type { Rng } from '../../src/core/rng';
import { standardNormal } from '../../src/core/standard-normal';
import type { StageConfig, StageRun, StageSpace, Workflow } from '../../src/workflow/workflow-types';

export const TOY_PRICES = { gbSecond: 0.0000166667, cpuCoreSecond: 0.0000287924 };

/** A stage: `serialMs + parallelMs / min(cpu, capCores)`, out of memory below `floorMB`, working set `workingSetMB`, lognormal noise `sigma`. */
export interface ToyStage {
  readonly name: string;
  readonly after: readonly string[];
  readonly serialMs: number;
  readonly parallelMs: number;
  readonly capCores: number;
  readonly floorMB: number;
  readonly workingSetMB: number;
  readonly sigma: number;
}

export function toyMedianMs(s: ToyStage, c: StageConfig): number {
  return s.serialMs + s.parallelMs / Math.min(c.cpu, s.capCores);
}

/** A workflow of toy stages on `space` with the given target. */
export function toyWorkflow(stages: readonly ToyStage[], space: StageSpace, qos: { percentile: number; targetMs: number }, overheadMs = 0): Workflow {
  return {
    name: `toy-${stages.map((s) => s.name).join('-')}`,
    qos,
    prices: TOY_PRICES,
    stages: stages.map((s) => ({ name: s.name, after: s.after })),
    space: stages.map(() => space),
    overheadMs,
    runStage(stage: number, config: StageConfig, rng: Rng): StageRun {
      const s = stages[stage];
      return {
        latencyMs: toyMedianMs(s, config) * Math.exp(s.sigma * standardNormal(rng)),
        outOfMemory: config.memoryMB < s.floorMB,
        peakMemoryMB: Math.min(config.memoryMB, s.workingSetMB),
      };
    },
  };
}

/** A 2-D problem: one CPU-bound stage (capped at 1.5 cores) on a 0.1..2 core x 128..1024 MB grid, out of memory below 300 MB. */
export const ONE_STAGE: ToyStage = { name: 'work', after: [], serialMs: 100, parallelMs: 800, capCores: 1.5, floorMB: 300, workingSetMB: 320, sigma: 0.1 };

export const SMALL_GRID: StageSpace = { kind: 'grid', cpu: { min: 0.1, max: 2, step: 0.1 }, memoryMB: { min: 128, max: 1024, step: 128 } };

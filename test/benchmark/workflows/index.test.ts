import { isWorkflowName, lookupWorkflow, workflowNames, WORKFLOWS } from '../../../benchmark/workflows/index';
import { MAX_CPU, MAX_MEMORY_MB } from '../../../benchmark/workflows/modelled-workflow';
import { curveMs } from '../../../benchmark/workflows/sebs-fit';
import { SEBS_FITS } from '../../../benchmark/workflows/sebs-fits';
import { stageMedianMs } from '../../../benchmark/workflows/stage-model';
import { quantileSorted } from '../../../src/core/stats';
import { SeededRng } from '../../../src/core/rng';
import { buildStageGraph } from '../../../src/workflow/dag';
import { invokeWorkflowWindow } from '../../../src/workflow/invoke-workflow';
import type { StageConfig, Workflow } from '../../../src/workflow/workflow-types';

/** Empirical median of `n` runs of stage `i` at `config`, seeded with `seed`. */
function empiricalMedian(wf: Workflow, i: number, config: StageConfig, n: number, seed: number): number {
  const rng = new SeededRng(seed);
  const xs = Array.from({ length: n }, () => wf.runStage(i, config, rng).latencyMs).sort((a, b) => a - b);
  return quantileSorted(xs, 0.5);
}

/** The grid's CPU values: 0.1, 0.2, ..., 2. */
const CPUS = Array.from({ length: 20 }, (_, k) => Math.round((k + 1) * 10) / 100);

describe('the workflow registry', () => {
  it('holds an ML inference pipeline, a video pipeline and a social-network path, keyed by their names', () => {
    expect(workflowNames).toEqual(['ml-inference', 'video-pipeline', 'social-network']);
    for (const n of workflowNames) {
      expect(WORKFLOWS[n].name).toBe(n);
      expect(lookupWorkflow(n)).toBe(WORKFLOWS[n]);
      expect(isWorkflowName(n)).toBe(true);
    }
  });

  it('rejects an unknown name, listing the known ones', () => {
    expect(isWorkflowName('ml')).toBe(false);
    expect(() => lookupWorkflow('ml')).toThrow('unknown workflow "ml" (known: ml-inference, video-pipeline, social-network)');
  });

  it('has a parallel fan-out in every workflow (some stage waits for two or more others)', () => {
    for (const n of workflowNames) expect(WORKFLOWS[n].stages.some((s) => s.after.length >= 2)).toBe(true);
  });
});

describe.each(workflowNames.map((n) => [n]))('modelled workflow %s', (name) => {
  const wf = WORKFLOWS[name];

  it('lists its stages in topological order with a CPU 0.1..2 x memory 128..3008 grid for each', () => {
    expect(buildStageGraph(wf.stages).order).toEqual(wf.stages.map((_, i) => i));
    for (const space of wf.space) {
      expect(space).toEqual({ kind: 'grid', cpu: { min: 0.1, max: 2, step: 0.1 }, memoryMB: { min: 128, max: 3008, step: 64 } });
    }
  });

  it('never gets slower with more CPU: each stage\'s median, model and 201 seeded runs, at the floor and at 3008 MB', () => {
    wf.models.forEach((model, i) => {
      for (const memoryMB of [Math.max(128, Math.ceil(model.fit.floorMB)), MAX_MEMORY_MB]) {
        const medians = CPUS.map((cpu) => stageMedianMs(model, { cpu, memoryMB }));
        const empirical = CPUS.map((cpu) => empiricalMedian(wf, i, { cpu, memoryMB }, 201, 9));
        for (let k = 1; k < CPUS.length; k++) {
          expect(medians[k]).toBeLessThanOrEqual(medians[k - 1]);
          expect(empirical[k]).toBeLessThanOrEqual(empirical[k - 1]);
        }
        // And 0.1 cores is much slower than 2 (the CPU axis matters).
        expect(medians[0]).toBeGreaterThan(2 * medians[CPUS.length - 1]);
      }
    });
  });

  it('never gets slower with more memory above the floor, and is slowed close to the working set', () => {
    wf.models.forEach((model) => {
      const floor = Math.ceil(model.fit.floorMB);
      const mems = [floor, floor + 32, floor + 64, 2 * floor, 4 * floor, MAX_MEMORY_MB].filter((m) => m <= MAX_MEMORY_MB);
      const medians = mems.map((memoryMB) => stageMedianMs(model, { cpu: 1, memoryMB }));
      for (let k = 1; k < mems.length; k++) expect(medians[k]).toBeLessThanOrEqual(medians[k - 1]);
      expect(medians[0]).toBeGreaterThan(medians[medians.length - 1]);
    });
  });

  it('runs a stage out of memory below its working-set floor and not at it', () => {
    const rng = new SeededRng(1);
    wf.models.forEach((model, i) => {
      const floor = model.fit.floorMB;
      expect(wf.runStage(i, { cpu: 1, memoryMB: Math.floor(floor) - 1 }, rng).outOfMemory).toBe(true);
      expect(wf.runStage(i, { cpu: 1, memoryMB: Math.ceil(floor) }, rng).outOfMemory).toBe(false);
    });
  });

  it('gives the same invocation samples for the same seed, and other samples for another seed', () => {
    const config = wf.stages.map(() => ({ cpu: 1, memoryMB: 1024 }));
    const a = invokeWorkflowWindow(wf, config, 50, new SeededRng(42));
    expect(invokeWorkflowWindow(wf, config, 50, new SeededRng(42))).toEqual(a);
    expect(invokeWorkflowWindow(wf, config, 50, new SeededRng(43)).latencyMs).not.toEqual(a.latencyMs);
  });

  it('matches the SeBS-fitted curve at the calibration point (1 core, 1769 MB: Lambda\'s 1-vCPU size), stage by stage', () => {
    wf.stageSpecs.forEach((spec, i) => {
      const expected = spec.workScale * curveMs(SEBS_FITS[spec.benchmark], 1);
      expect(stageMedianMs(wf.models[i], { cpu: 1, memoryMB: 1769 })).toBeCloseTo(expected, 9);
      // 2,001 runs: the median's standard error is below 0.6% even for the noisiest benchmark (sigma 0.19).
      expect(Math.abs(empiricalMedian(wf, i, { cpu: 1, memoryMB: 1769 }, 2001, 5) / expected - 1)).toBeLessThan(0.02);
    });
  });

  it('says which benchmark backs each stage and why, with a positive work scale', () => {
    for (const s of wf.stageSpecs) {
      expect(Object.keys(SEBS_FITS)).toContain(s.benchmark);
      expect(s.workScale).toBeGreaterThan(0);
      expect(s.why.length).toBeGreaterThan(10);
    }
    expect(wf.maxConfig).toEqual(wf.stages.map(() => ({ cpu: MAX_CPU, memoryMB: MAX_MEMORY_MB })));
  });
});

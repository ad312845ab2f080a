import { SeededRng } from '../../src/core/rng';
import { invokeWorkflowWindow } from '../../src/workflow/invoke-workflow';
import { parseProfile } from '../../src/workflow/profile';
import { profileWorkflow } from '../../src/workflow/profile-workflow';

const PROFILE = {
  workflow: 'doc-pipeline',
  qos: { percentile: 90, targetMs: 2500 },
  prices: { gbSecond: 0.0000166667, cpuCoreSecond: 0.00001 },
  overheadMs: 25,
  // Listed out of topological order on purpose.
  stages: [
    { name: 'merge', after: ['extract', 'index'] },
    { name: 'extract', after: ['split'] },
    { name: 'split', after: [] },
    { name: 'index', after: ['split'] },
  ],
  measurements: [
    { stage: 'split', config: { memoryMB: 1024, cpu: 0.5 }, latencyMs: [812, 790, 845] },
    { stage: 'split', config: { memoryMB: 2048, cpu: 1 }, latencyMs: [420, 433] },
    { stage: 'extract', config: { memoryMB: 512 }, latencyMs: [1200, 1250, 1190] },
    { stage: 'extract', config: { memoryMB: 128 }, latencyMs: [300], outOfMemory: true },
    { stage: 'index', config: { memoryMB: 256, cpu: 0.25 }, latencyMs: [150, 160] },
    { stage: 'merge', config: { memoryMB: 256, cpu: 0.25 }, latencyMs: [90, 95] },
  ],
};

const wf = profileWorkflow(parseProfile(PROFILE));

describe('profileWorkflow', () => {
  it('lists the stages in topological order and keeps name, QoS, prices and overhead', () => {
    expect(wf.stages.map((s) => s.name)).toEqual(['split', 'extract', 'index', 'merge']);
    expect(wf.name).toBe('doc-pipeline');
    expect(wf.qos).toEqual({ percentile: 90, targetMs: 2500 });
    expect(wf.prices).toEqual({ gbSecond: 0.0000166667, cpuCoreSecond: 0.00001 });
    expect(wf.overheadMs).toBe(25);
  });

  it('gives each stage a discrete space of exactly its measured configurations', () => {
    expect(wf.space[0]).toEqual({ kind: 'discrete', configs: [{ memoryMB: 1024, cpu: 0.5 }, { memoryMB: 2048, cpu: 1 }] });
    expect(wf.space[1]).toEqual({ kind: 'discrete', configs: [{ memoryMB: 512, cpu: 512 / 1769 }, { memoryMB: 128, cpu: 128 / 1769 }] });
  });

  it('draws only measured samples at each configuration, and every one of them', () => {
    const rng = new SeededRng(3);
    const seen = new Set<number>();
    for (let k = 0; k < 300; k++) {
      const run = wf.runStage(0, { memoryMB: 1024, cpu: 0.5 }, rng);
      expect(run.outOfMemory).toBe(false);
      seen.add(run.latencyMs);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([790, 812, 845]);
  });

  it('returns a measured out-of-memory run as failed, and the workflow invocation fails', () => {
    expect(wf.runStage(1, { memoryMB: 128, cpu: 128 / 1769 }, new SeededRng(1))).toEqual({ latencyMs: 300, outOfMemory: true });
    const config = wf.space.map((s) => (s.kind === 'discrete' ? s.configs[s.configs.length - 1] : { memoryMB: 0, cpu: 0 }));
    expect(invokeWorkflowWindow(wf, config, 4, new SeededRng(1)).failures).toBe(4);
  });

  it('composes measured samples: e2e latencies lie between the sums of the fastest and slowest samples on the critical path', () => {
    const config = wf.space.map((s) => (s.kind === 'discrete' ? s.configs[0] : { memoryMB: 0, cpu: 0 }));
    const window = invokeWorkflowWindow(wf, config, 200, new SeededRng(5));
    expect(window.failures).toBe(0);
    for (const l of window.latencyMs) {
      expect(l).toBeGreaterThanOrEqual(790 + 1190 + 90 + 25);
      expect(l).toBeLessThanOrEqual(845 + 1250 + 95 + 25);
    }
  });

  it('names the stage and the configuration when asked for one that was not measured', () => {
    expect(() => wf.runStage(0, { memoryMB: 1024, cpu: 1 }, new SeededRng(1))).toThrow(
      'stage "split" was not measured at memoryMB 1024, cpu 1 (measured: memoryMB 1024, cpu 0.5; memoryMB 2048, cpu 1)',
    );
    expect(() => wf.runStage(4, { memoryMB: 1024, cpu: 0.5 }, new SeededRng(1))).toThrow('workflow "doc-pipeline" has no stage 4 (it has 4)');
  });
});

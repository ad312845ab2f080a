import { workflowNames, WORKFLOWS } from '../../../benchmark/workflows/index';
import { ML_INFERENCE } from '../../../benchmark/workflows/ml-inference';
import {
  buildModelledWorkflow,
  MODELLED_PRICES,
  OVERHEAD_MS_PER_LEVEL,
  QOS_FACTORS,
  withQos,
  type ModelledWorkflowSpec,
  type QosLevel,
} from '../../../benchmark/workflows/modelled-workflow';
import { SeededRng } from '../../../src/core/rng';
import { invokeWorkflowWindow } from '../../../src/workflow/invoke-workflow';
import { latencyPercentile } from '../../../src/workflow/latency-percentile';

describe('modelled workflow prices and overhead', () => {
  it('prices memory as AWS Lambda and a core as the 1769 MB Lambda sells with one vCPU', () => {
    expect(MODELLED_PRICES.gbSecond).toBe(0.0000166667);
    expect(MODELLED_PRICES.cpuCoreSecond).toBeCloseTo(0.0000287924, 10);
    for (const n of workflowNames) expect(WORKFLOWS[n].prices).toBe(MODELLED_PRICES);
  });

  it('adds 20 ms of composition overhead per stage on the longest chain', () => {
    expect(OVERHEAD_MS_PER_LEVEL).toBe(20);
    expect(WORKFLOWS['ml-inference'].overheadMs).toBe(80); // fetch, resize, classify, aggregate
    expect(WORKFLOWS['video-pipeline'].overheadMs).toBe(60); // split, transcode, merge
    expect(WORKFLOWS['social-network'].overheadMs).toBe(60); // compose, filter | graph, store
  });
});

describe.each(workflowNames.map((n) => [n]))('QoS targets of %s', (name) => {
  const wf = WORKFLOWS[name];

  it('are 1.2x, 1.6x and 2.5x the p95 at maximum resources, rounded up to 10 ms, at p95; the default is medium', () => {
    expect(QOS_FACTORS).toEqual({ tight: 1.2, medium: 1.6, loose: 2.5 });
    const levels: readonly QosLevel[] = ['tight', 'medium', 'loose'];
    for (const level of levels) {
      const t = wf.qosTargets[level];
      expect(t.percentile).toBe(95);
      expect(t.targetMs % 10).toBe(0);
      expect(t.targetMs).toBeGreaterThanOrEqual(QOS_FACTORS[level] * wf.p95AtMaxMs);
      expect(t.targetMs).toBeLessThan(QOS_FACTORS[level] * wf.p95AtMaxMs + 10);
    }
    expect(wf.qos).toEqual(wf.qosTargets.medium);
  });

  it('are achievable: maximum resources meet even the tight target on fresh invocations', () => {
    const window = invokeWorkflowWindow(wf, wf.maxConfig, 2000, new SeededRng(77));
    expect(window.failures).toBe(0);
    expect(latencyPercentile(window.latencyMs, 95)).toBeLessThan(wf.qosTargets.tight.targetMs);
  });

  it('are not trivial: the cheapest configuration that does not fail (0.1 core, least memory) misses even the loose target', () => {
    const cheapest = wf.models.map((m) => ({ cpu: 0.1, memoryMB: Math.max(128, 128 + 64 * Math.ceil((m.fit.floorMB - 128) / 64)) }));
    const window = invokeWorkflowWindow(wf, cheapest, 500, new SeededRng(77));
    expect(window.failures).toBe(0);
    expect(latencyPercentile(window.latencyMs, 95)).toBeGreaterThan(wf.qosTargets.loose.targetMs);
  });

  it('can be swapped for another level or target without touching the rest', () => {
    expect(withQos(wf, 'tight').qos).toEqual(wf.qosTargets.tight);
    const custom = withQos(wf, { percentile: 99, targetMs: 5000 });
    expect(custom.qos).toEqual({ percentile: 99, targetMs: 5000 });
    expect(custom.stages).toBe(wf.stages);
    expect(custom.runStage(0, { cpu: 1, memoryMB: 1024 }, new SeededRng(3))).toEqual(wf.runStage(0, { cpu: 1, memoryMB: 1024 }, new SeededRng(3)));
  });
});

describe('buildModelledWorkflow', () => {
  it('is deterministic: building the same spec twice gives the same targets', () => {
    expect(buildModelledWorkflow(ML_INFERENCE).qosTargets).toEqual(WORKFLOWS['ml-inference'].qosTargets);
  });

  it.each<[string, ModelledWorkflowSpec, string]>([
    [
      'stages out of topological order',
      { ...ML_INFERENCE, stages: [...ML_INFERENCE.stages].reverse() },
      'workflow "ml-inference": stages must be listed in a topological order',
    ],
    [
      'a zero work scale',
      { ...ML_INFERENCE, stages: ML_INFERENCE.stages.map((s) => (s.name === 'resize' ? { ...s, workScale: 0 } : s)) },
      'stage "resize": workScale must be positive, got 0',
    ],
    [
      'an unknown stage in after',
      { ...ML_INFERENCE, stages: ML_INFERENCE.stages.map((s) => (s.name === 'resize' ? { ...s, after: ['fetsh'] } : s)) },
      'stages[1].after[0]: unknown stage "fetsh"',
    ],
  ])('rejects %s', (_what, spec, message) => {
    expect(() => buildModelledWorkflow(spec)).toThrow(message);
  });
});

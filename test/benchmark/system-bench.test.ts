import { runSystemBench, systemMarkdown, type SystemCombination } from '../../benchmark/system-bench';
import { clusterConfig } from '../../src/sim/cluster-config';
import type { Workload } from '../../src/sim/workload';
import { ONE_STAGE, SMALL_GRID, toyMedianMs, toyWorkflow } from '../support/toy-workflows';

const minutes = 30;
function fn(id: string, perMinute: number) {
  return { id, counts: Uint32Array.from({ length: minutes }, () => perMinute), memoryMB: 256, cpuCores: 0.1, duration: { quantile: () => 100, meanMs: 100 } };
}
// Function totals 30, 150 and 600: the drivers are picked closest to 5,000 a day, i.e. busiest first here.
const trace: Workload = { source: 'test', minutes, functions: [fn('quiet', 1), fn('mid', 5), fn('busy', 20)], durationSource: {}, memorySource: {} };
const chain = toyWorkflow([{ ...ONE_STAGE, serialMs: 400 }, { ...ONE_STAGE, name: 'b', after: ['work'], serialMs: 100 }], SMALL_GRID, { percentile: 95, targetMs: 4000 });

describe('runSystemBench', () => {
  const report = runSystemBench({
    trace,
    workflows: [chain],
    combinations: [
      { policy: 'openwhisk-default', method: 'max-resources' },
      { policy: 'fixed-0.01', method: 'max-resources' },
    ],
    cluster: clusterConfig(),
    seed: 3,
  });

  it('drives each workflow by the trace function closest to 5,000 invocations a day, one workflow invocation per trace invocation', () => {
    expect(report.workflows).toEqual([{ name: chain.name, drivenBy: 'busy', invocations: 600, targetMs: 4000, percentile: 95 }]);
    expect(report.rows.map((r) => r.workflowInvocations)).toEqual([600, 600]);
    expect(report.configs['max-resources'][chain.name]).toBe('2/1024 2/1024');
  });

  it('charges idle memory at the memory price and adds it to the execution cost', () => {
    for (const r of report.rows) {
      expect(r.idleCost).toBeCloseTo(r.idleMemoryGBs * chain.prices.gbSecond, 12);
      expect(r.totalCost).toBeCloseTo(r.executionCost + r.idleCost, 12);
    }
    // The same runs on the same configuration: the same execution cost whatever the pool policy.
    expect(report.rows[0].executionCost).toBeCloseTo(report.rows[1].executionCost, 12);
  });

  it('counts the cold starts a 0.6-second keep-alive causes at 20 invocations a minute: most activations', () => {
    const [keepAlive, none] = report.rows;
    expect(none.coldStartRate).toBeGreaterThan(0.75); // a Poisson gap shorter than the run plus 0.6 s finds the container still warm
    expect(keepAlive.coldStartRate).toBeLessThan(0.05);
    expect(none.idleMemoryGBs).toBeLessThan(keepAlive.idleMemoryGBs);
    // A cold start (800 ms) per stage still fits the loose 4,000 ms target at the largest configuration: 400 + 800 / 1.5 + 100 + 533 + 1,600 < 4,000.
    expect(none.violationRate).toBeLessThan(0.05);
  });

  it('adds each cold start to the latency: at a 2,200 ms target the warm pool meets it, a pool without keep-alive misses it on most invocations', () => {
    const tight = { ...chain, qos: { percentile: 95, targetMs: 2200 } };
    const [keepAlive, none] = runSystemBench({
      trace,
      workflows: [tight],
      combinations: [
        { policy: 'openwhisk-default', method: 'max-resources' },
        { policy: 'fixed-0.01', method: 'max-resources' },
      ],
      cluster: clusterConfig(),
      seed: 3,
    }).rows;
    // Only the first invocations (both containers cold) miss with the 10-minute keep-alive.
    expect(keepAlive.violationRate).toBeLessThan(0.01);
    // Two cold starts (2 x 800 ms) on the path do not fit; one usually does not either.
    expect(none.violationRate).toBeGreaterThan(0.8);
    // Every miss of both comes from a start: the configuration itself fits the target.
    expect(keepAlive.overTargetByWorkflow[tight.name]).toBe(Math.round(keepAlive.violationRate * 600));
    expect(none.overTargetByWorkflow[tight.name]).toBe(Math.round(none.violationRate * 600));
    expect(keepAlive.violationsWithInitShare).toBe(1);
    expect(none.violationsWithInitShare).toBe(1);
  });

  it('blames the configuration, not the pool, when the run time alone is over target', () => {
    const impossible = { ...chain, qos: { percentile: 95, targetMs: 10 } };
    const [row] = runSystemBench({
      trace,
      workflows: [impossible],
      combinations: [{ policy: 'openwhisk-default', method: 'max-resources' }],
      cluster: clusterConfig(),
      seed: 3,
    }).rows;
    expect(row.violationRate).toBe(1);
    expect(row.overTargetByWorkflow).toEqual({ [impossible.name]: 600 });
    // Only the first invocations start cold; the 10-minute keep-alive serves the rest warm.
    expect(row.violationsWithInitShare).toBeGreaterThan(0);
    expect(row.violationsWithInitShare).toBeLessThan(0.05);
  });

  it('tunes below the target by the combination\'s margin: at 50% the deployed chain runs within half the target', () => {
    const stages = [{ ...ONE_STAGE, serialMs: 400 }, { ...ONE_STAGE, name: 'b', after: ['work'], serialMs: 100 }];
    const medianSum = (configs: string): number =>
      configs.split(' ').reduce((sum, c, i) => {
        const [cpu, memoryMB] = c.split('/').map(Number);
        return sum + toyMedianMs(stages[i], { cpu, memoryMB });
      }, 0);
    const result = runSystemBench({
      trace,
      workflows: [chain],
      combinations: [
        { policy: 'fixed-0.01', method: 'power-tuning-qos' },
        { policy: 'fixed-0.01', method: 'power-tuning-qos', tunePercentile: 95, tuneMargin: 0.5 },
      ],
      cluster: clusterConfig(),
      seed: 3,
    });
    expect(result.rows.map((r) => r.name)).toEqual(['fixed-0.01 + power-tuning-qos', 'fixed-0.01 + power-tuning-qos@p95-50%']);
    const plain = medianSum(result.configs['power-tuning-qos'][chain.name]);
    const halved = medianSum(result.configs['power-tuning-qos@p95-50%'][chain.name]);
    expect(plain).toBeGreaterThan(2000);
    expect(plain).toBeLessThan(4000);
    expect(halved).toBeLessThan(2000);
    expect(result.rows[1].executionCost).toBeGreaterThan(result.rows[0].executionCost);
  });

  it('tunes within a CPU per GB cap: max-resources at 1 core per GB deploys 1 core at 1,024 MB instead of 2', () => {
    const result = runSystemBench({
      trace,
      workflows: [chain],
      combinations: [
        { policy: 'fixed-0.01', method: 'max-resources' },
        { policy: 'fixed-0.01', method: 'max-resources', cpuPerGB: 1 },
      ],
      cluster: clusterConfig(),
      seed: 3,
    });
    expect(result.rows.map((r) => r.name)).toEqual(['fixed-0.01 + max-resources', 'fixed-0.01 + max-resources/cpu1']);
    expect(result.configs['max-resources'][chain.name]).toBe('2/1024 2/1024');
    expect(result.configs['max-resources/cpu1'][chain.name]).toBe('1/1024 1/1024');
  });

  it.each([[-0.1], [1], [Number.NaN]])('rejects a tuning margin of %p naming it', (margin) => {
    expect(() =>
      runSystemBench({ trace, workflows: [chain], combinations: [{ policy: 'fixed-0.01', method: 'max-resources', tuneMargin: margin }], cluster: clusterConfig(), seed: 3 }),
    ).toThrow(new RegExp(`tuneMargin of max-resources.* must be in \\[0, 1\\), got ${margin}$`));
  });

  it('wraps a dag: combination\'s policy in workflow-aware prewarming: with no keep-alive, the later stage no longer starts cold', () => {
    const result = runSystemBench({
      trace,
      workflows: [chain],
      combinations: [
        { policy: 'fixed-0.01', method: 'max-resources' },
        { policy: 'fixed-0.01', method: 'max-resources', dagPrewarm: true },
      ],
      cluster: clusterConfig(),
      seed: 3,
    });
    const [plain, dag] = result.rows;
    // Every invocation announces stage b when its first stage arrives; b's prewarm is ready 800 ms later,
    // before b arrives (after the first stage's start and 400 ms run) unless the first stage started warm
    // and ran fast. Without keep-alive both stages start cold about 84% of the time; with the wrapper the
    // entry stage still does (half the activations x 84%) and b rarely.
    expect(plain.coldStartRate).toBeGreaterThan(0.75);
    expect(dag.coldStartRate).toBeGreaterThan(0.4);
    expect(dag.coldStartRate).toBeLessThan(0.5);
    expect(dag.idleMemoryGBs).toBeGreaterThan(plain.idleMemoryGBs);
  });

  describe('a CPU cap after a burst (/burst-cpuRATIO)', () => {
    // max-resources deploys 2 cores at 1,024 MB (2 cores per GB, 4 times the invoker's 0.5); the cap of 1 deploys 1 core at 1,024 MB.
    const capAfterBurst: SystemCombination[] = [
      { policy: 'openwhisk-default', method: 'max-resources' },
      { policy: 'openwhisk-default', method: 'max-resources', cpuPerGB: 1 },
      { policy: 'openwhisk-default', method: 'max-resources', burstCpuPerGB: 1, dagPrewarm: true },
      { policy: 'openwhisk-default', method: 'max-resources', dagPrewarm: true },
    ];

    it('keeps a steady workflow on its uncapped configuration: the same row as without the cap', () => {
      const result = runSystemBench({ trace, workflows: [chain], combinations: capAfterBurst, cluster: clusterConfig(), seed: 3 });
      const [, , burst, uncapped] = result.rows;
      expect(burst.name).toBe('dag:openwhisk-default + max-resources/burst-cpu1');
      expect(burst.cappedFromMinute).toEqual({ [chain.name]: null });
      expect(uncapped.cappedFromMinute).toBeUndefined();
      // 20 invocations a minute of about 0.4 s keep well under one container busy: never 16 cores.
      expect(burst.executionCost).toBe(uncapped.executionCost);
      expect(burst.idleMemoryGBs).toBe(uncapped.idleMemoryGBs);
      expect(burst.violationRate).toBe(uncapped.violationRate);
      expect(result.configs['max-resources/cpu1'][chain.name]).toBe('1/1024 1/1024');
    });

    it('moves a workflow to its capped configuration from the minute after its load asks an invoker for more than 16 cores', () => {
      // 3,000 invocations in minute 10: about 3,000 x 0.5 s / 60 s = 25 containers busy at 2 cores, 50 cores on the home invoker.
      const counts = Uint32Array.from({ length: minutes }, (_, m) => (m === 10 ? 3000 : 20));
      const bursty: Workload = { ...trace, functions: [{ ...fn('burst', 0), counts }] };
      const result = runSystemBench({ trace: bursty, workflows: [chain], combinations: capAfterBurst, cluster: clusterConfig(), seed: 3 });
      const [uncappedAlone, cappedAlone, burst] = result.rows;
      expect(burst.cappedFromMinute).toEqual({ [chain.name]: 11 });
      expect(burst.workflowInvocations).toBe(3580);
      // Minutes 0 to 10 run at 2 cores, 11 to 29 at 1: the execution cost lies between the two configurations' own.
      const [low, high] = [uncappedAlone.executionCost, cappedAlone.executionCost].sort((a, b) => a - b);
      expect(high - low).toBeGreaterThan(0);
      expect(burst.executionCost).toBeGreaterThan(low);
      expect(burst.executionCost).toBeLessThan(high);
      expect(systemMarkdown(result)).toContain(`dag:openwhisk-default + max-resources/burst-cpu1: on the capped configuration ${chain.name} from minute 11.`);
    });

    it('hands the move over warm: a burst that goes on after the move starts no more containers cold than on one configuration', () => {
      // 1,200 invocations in minutes 10 and 11: about 10 containers of each stage busy at 2 cores, 20 cores on the home invoker.
      const counts = Uint32Array.from({ length: minutes }, (_, m) => (m === 10 || m === 11 ? 1200 : 20));
      const bursty: Workload = { ...trace, functions: [{ ...fn('burst', 0), counts }] };
      const result = runSystemBench({ trace: bursty, workflows: [chain], combinations: capAfterBurst, cluster: clusterConfig(), seed: 3 });
      const [, , burst, uncappedDag] = result.rows;
      expect(burst.cappedFromMinute).toEqual({ [chain.name]: 11 });
      const coldStarts = (r: typeof burst): number => Math.round(r.coldStartRate * r.workflowInvocations * chain.stages.length);
      // 92 on the uncapped configuration throughout. The capped revision, prewarmed to the old one's pool at 11:00, adds 1;
      // starting it with no containers (no handover) added 55: one per container of minute 11's pool.
      expect(coldStarts(uncappedDag)).toBe(92);
      expect(coldStarts(burst)).toBeGreaterThanOrEqual(coldStarts(uncappedDag));
      expect(coldStarts(burst)).toBeLessThanOrEqual(coldStarts(uncappedDag) + 5);
    });

    it.each([
      [{ burstCpuPerGB: 0 }, /burstCpuPerGB of max-resources\/burst-cpu0 must be a finite number of cores > 0, got 0$/],
      [{ burstCpuPerGB: Number.NaN }, /must be a finite number of cores > 0, got NaN$/],
      [{ burstCpuPerGB: 1, cpuPerGB: 2 }, /max-resources\/cpu2\/burst-cpu1: a CPU cap and a CPU cap after a burst cannot be combined/],
    ])('rejects %p naming it', (extra, message) => {
      expect(() => runSystemBench({ trace, workflows: [chain], combinations: [{ policy: 'fixed-0.01', method: 'max-resources', ...extra }], cluster: clusterConfig(), seed: 3 })).toThrow(message);
    });
  });

  it('renders a table row per combination', () => {
    expect(systemMarkdown(report)).toContain('| fixed-0.01 + max-resources | 600 |');
    const row = report.rows[1];
    expect(systemMarkdown(report)).toContain(`| ${(row.violationsWithInitShare * 100).toFixed(2)}% | ${chain.name} ${row.overTargetByWorkflow[chain.name]} |`);
  });
});

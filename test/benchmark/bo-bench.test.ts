import { runBoBench } from '../../benchmark/bo-bench';
import { boPlotSpec } from '../../benchmark/report/bo-plot';
import { boMarkdown } from '../../benchmark/report/bo-table';
import { ConfigEvaluator } from '../../src/tuning/evaluate-config';
import { ONE_STAGE, SMALL_GRID, toyWorkflow } from '../support/toy-workflows';

const problem = toyWorkflow([{ ...ONE_STAGE, serialMs: 400 }], SMALL_GRID, { percentile: 95, targetMs: 1300 });

describe('runBoBench', () => {
  const report = runBoBench(problem, { seeds: [1, 2], methods: ['aquatope', 'max-resources', 'random'], evaluationInvocations: 1000, optimumSamples: 500, clock: { nowMs: () => 0 } });

  it('reports the optimum measured on fresh invocations and every method scored against it', () => {
    expect(report.optimum.config).toEqual([{ cpu: 1.2, memoryMB: 384 }]);
    expect(report.optimum.latencyPercentileMs).toBeLessThanOrEqual(1300 * 1.02);
    expect(report.methods.map((m) => m.name)).toEqual(['aquatope', 'max-resources', 'random']);
    const truth = new ConfigEvaluator(problem, 1000);
    const max = report.methods[1];
    const expected = truth.truth([{ cpu: 2, memoryMB: 1024 }]).costPerInvocation / report.optimum.costPerInvocation - 1;
    expect(max.finalCostVsOptimum.median).toBeCloseTo(expected, 12);
    expect(max).toMatchObject({ runs: 2, probes: { median: 0 }, invocationsSpent: { median: 0 }, finalFeasibleRate: 1, probeViolationRate: 0 });
    expect(report.methods[2].invocationsSpent.median).toBe(300);
  });

  it('compares ours head to head with each baseline whose final configuration was feasible', () => {
    const vsMax = report.headToHead.find((h) => h.baseline === 'max-resources');
    expect(vsMax).toMatchObject({ runs: 2, baselineInvocations: 0 });
    expect(vsMax?.oursInvocations).toBe(6); // ours deploys the largest configuration after its first probe of 6
  });

  it('draws a convergence line per method and a table row per method', () => {
    const values = boPlotSpec(report).data;
    expect(JSON.stringify(values)).toContain('"method":"aquatope"');
    const md = boMarkdown(report);
    expect(md).toContain('| aquatope |');
    expect(md).toContain('| max-resources | 0 | 0 |');
  });
});

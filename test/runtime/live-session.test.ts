import { liveSessionMarkdown, type LiveSessionReport, type LiveSessionRun } from '../../src/runtime/live-session';

function run(managed: boolean, limitsEnforced: boolean, over: number): LiveSessionRun {
  return {
    load: { requests: 40, failures: 0 },
    report: {
      managed,
      limitsEnforced,
      fromMs: 0,
      toMs: 60_000,
      workflows: [{ workflow: 'social-network', qos: { percentile: 95, targetMs: 1390 }, invocations: 40, failed: 0, overTargetRate: over, latencyPercentileMs: 1200, medianMs: 700, costPerInvocation: 2.5e-5, stageRuns: 160, coldStarts: 4, outOfMemory: 0 }],
      processes: {
        coldStarts: 5,
        warmupColdStarts: managed ? 2 : 0,
        coldStartCauses: managed ? { first: 1, changed: 3, busy: 1, expired: 0, evicted: 0, failed: 0 } : { first: 1, changed: 0, busy: 2, expired: 1, evicted: 1, failed: 0 },
        warmStarts: 155,
        prewarmedStarts: managed ? 2 : 0,
        idleMemoryGBs: 12.34,
        outOfMemoryKills: 0,
      },
      schedulerTicks: managed ? 5 : 0,
      failedSchedulerTicks: 0,
      boStepTicks: managed ? 5 : 0,
      failedBoStepTicks: 0,
      firstFailure: null,
      finalLimits: { 'social-network': { 'compose-post': { memoryMB: 256, cpu: 0.5 } } },
      search: { 'social-network': { observations: 4, phase: 'exploring', lastDecision: managed ? 'probe: verify the next deployment' : null } },
    },
  };
}

describe('liveSessionMarkdown', () => {
  it('puts each workflow of the managed run beside the baseline, and the processes of both', () => {
    const r: LiveSessionReport = { managed: run(true, true, 0.05), baseline: run(false, true, 0), wallSeconds: 600 };
    const md = liveSessionMarkdown(r);
    expect(md).toContain('# Live run\n');
    expect(md).toContain('| social-network | aquatope | 40 | 0 | 700 ms | 1200 ms / 1390 ms | 5.0% | 25.00 | 4 | 0 |');
    expect(md).toContain('| social-network | openwhisk-default + max-resources | 40 | 0 | 700 ms | 1200 ms / 1390 ms | 0.0% | 25.00 | 4 | 0 |');
    expect(md).toContain('| aquatope | 40 | 0 | 5 | 155 | 2 | 12.3 | 0 | 5 (0) | 5 (0) |');
    expect(md).toContain('| run | processes started | by a warm-up | first | changed | busy | expired | evicted | failed |');
    expect(md).toContain('| aquatope | 5 | 2 | 1 | 3 | 1 | 0 | 0 | 0 |');
    expect(md).toContain('| openwhisk-default + max-resources | 5 | 0 | 1 | 0 | 2 | 1 | 1 | 0 |');
    expect(md).toContain('- social-network (4 probe windows observed, search exploring; last decision: probe: verify the next deployment): compose-post 256 MB / 0.5 cores');
  });

  it('marks the numbers UNLIMITED when either run had no cgroups', () => {
    const md = liveSessionMarkdown({ managed: run(true, false, 0), baseline: null, wallSeconds: 1 });
    expect(md).toMatch(/^# Live run \(UNLIMITED/);
    expect(md).not.toContain('openwhisk-default + max-resources |');
  });
});

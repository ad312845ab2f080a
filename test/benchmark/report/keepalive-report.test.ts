import { keepalivePlotSpec, keepalivePlotSvg, policyFamily } from '../../../benchmark/report/keepalive-plot';
import { keepaliveMarkdown } from '../../../benchmark/report/keepalive-table';
import type { KeepalivePolicyRow, KeepaliveReport } from '../../../benchmark/keepalive-bench';
import { clusterConfig } from '../../../src/sim/cluster-config';

function row(name: string, coldStarts: number, idle: number): KeepalivePolicyRow {
  const byActivity = [
    { label: '0', minInvocations: 0, maxInvocations: 0, functions: 1, invocations: 0, coldStarts: 0, idleMemoryGBs: idle / 10 },
    { label: '1', minInvocations: 1, maxInvocations: 1, functions: 0, invocations: 0, coldStarts: 0, idleMemoryGBs: 0 },
    { label: '2+', minInvocations: 2, maxInvocations: null, functions: 2, invocations: 1000, coldStarts, idleMemoryGBs: idle - idle / 10 },
  ];
  return {
    byActivity,
    name, invocations: 1000, coldStarts, coldStartRate: coldStarts / 1000,
    functionColdStartRate: { p50: 0.1, p75: 0.25, p99: 1 },
    idleMemoryGBs: idle, idleMemoryVsDefault: idle / 500, wallSeconds: 0.5,
    fullColdStarts: coldStarts, stemCellStarts: 0, warmStarts: 1000 - coldStarts, prewarmedStarts: 0,
    prewarmsOrdered: 0, prewarmsUnused: 0, evictions: 3, expirations: 10, queued: 0, meanStartDelayMs: 12, stemCellMemoryGBs: 0,
  };
}

const report: KeepaliveReport = {
  trace: {
    source: 'trace.csv', functions: 3, minutes: { start: 60, end: 120 }, invocations: 1000,
    durationSource: { 'per-function': 2, 'trace-wide': 1 }, memorySource: { 'action-limit': 3 }, durationsFile: 'run.csv', memoryFile: '',
  },
  seed: 7,
  cluster: clusterConfig(),
  policies: [row('openwhisk-default', 120, 500), row('aquatope@0.9', 40, 300), row('aquatope@0.99', 20, 450), row('fixed-20', 80, 700)],
  simulatedInvocationsPerSecond: 123456,
};

describe('keepalive report', () => {
  it('prints one table row per policy with its rates, idle memory and share of the default', () => {
    const md = keepaliveMarkdown(report);
    expect(md).toContain('| openwhisk-default | 120 | 12.00% | 10.0% / 25.0% / 100.0% | 500 | 100.0% | 3 | 0 | 0.50 |');
    expect(md).toContain('| aquatope@0.9 | 40 | 4.00% | 10.0% / 25.0% / 100.0% | 300 | 60.0% | 3 | 0 | 0.50 |');
    expect(md).toContain('minutes [60, 120), 1,000 invocations, seed 7');
    expect(md).toContain('Durations: per-function: 2, trace-wide: 1 (from `run.csv`)');
    expect(md).toContain('Simulated invocations per second of wall time: 123,456.');
  });

  it.each([
    ['aquatope@0.9', 'aquatope'],
    ['fixed-20', 'fixed keep-alive'],
    ['hybrid-histogram', 'hybrid-histogram'],
  ])('puts %s in the family %s', (name, family) => {
    expect(policyFamily(name)).toBe(family);
  });

  it('splits each policy by activity class, one row per class that has functions', () => {
    const md = keepaliveMarkdown(report);
    expect(md).toContain('| invocations | functions | invocations in class | openwhisk-default | aquatope@0.9 | aquatope@0.99 | fixed-20 |');
    expect(md).toContain('| 0 | 1 | 0 | 0 / 50 | 0 / 30 | 0 / 45 | 0 / 70 |');
    expect(md).toContain('| 2+ | 2 | 1,000 | 120 / 450 | 40 / 270 | 20 / 405 | 80 / 630 |');
    expect(md).not.toMatch(/^\| 1 \|/m);
  });

  it('plots idle memory against cold-start rate in percent, one point per policy', () => {
    const spec = keepalivePlotSpec(report);
    expect(spec.data).toEqual({
      values: [
        { policy: 'openwhisk-default', family: 'openwhisk-default', idleMemoryGBs: 500, coldStartRatePct: 12 },
        { policy: 'aquatope@0.9', family: 'aquatope', idleMemoryGBs: 300, coldStartRatePct: 4 },
        { policy: 'aquatope@0.99', family: 'aquatope', idleMemoryGBs: 450, coldStartRatePct: 2 },
        { policy: 'fixed-20', family: 'fixed keep-alive', idleMemoryGBs: 700, coldStartRatePct: 8 },
      ],
    });
  });

  it('renders an SVG with a label for every policy, without a browser', async () => {
    const svg = await keepalivePlotSvg(report);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const p of report.policies) expect(svg).toContain(p.name);
    expect(svg).toContain('cold-start rate (%)');
  });
});

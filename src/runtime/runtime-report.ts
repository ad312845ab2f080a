/** The local runtime's report: what the cluster measured, side by side, as JSON and markdown. */
import type { SimResult } from '../sim/simulator';
import type { LocalRuntimeReport } from './local-runtime';

/** Price of memory held, $ per GB-second (AWS Lambda's x86 price, the one DESIGN.md costs with). */
export const GB_SECOND_PRICE = 0.0000166667;

/** What one run of the cluster measured. */
export interface PoolRunSummary {
  readonly invocations: number;
  readonly coldStarts: number;
  /** coldStarts / invocations (0 when there were none). */
  readonly coldStartRate: number;
  /** Memory held by containers running nothing, GB-s. */
  readonly idleMemoryGBs: number;
  /** `idleMemoryGBs` at {@link GB_SECOND_PRICE}, $. */
  readonly idleMemoryCost: number;
  readonly prewarmsOrdered: number;
  readonly prewarmsUnused: number;
  readonly evictions: number;
  /** Mean time from arrival to the code's start, ms. */
  readonly meanStartDelayMs: number;
}

export function poolRunSummary(r: SimResult): PoolRunSummary {
  return {
    invocations: r.invocations,
    coldStarts: r.coldStarts,
    coldStartRate: r.invocations === 0 ? 0 : r.coldStarts / r.invocations,
    idleMemoryGBs: r.idleMemoryGBs,
    idleMemoryCost: r.idleMemoryGBs * GB_SECOND_PRICE,
    prewarmsOrdered: r.prewarmsOrdered,
    prewarmsUnused: r.prewarmsUnused,
    evictions: r.evictions,
    meanStartDelayMs: r.meanStartDelayMs,
  };
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

function change(ours: number, base: number): string {
  if (base === 0) return ours === 0 ? '0%' : 'n/a';
  const d = (ours - base) / base;
  return `${d >= 0 ? '+' : ''}${(100 * d).toFixed(1)}%`;
}

function int(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

/** The bound params as `key` = JSON, or that none were. */
function paramsLine(params: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? 'none (the config defaults)' : entries.map(([k, v]) => `\`${k}\` = ${JSON.stringify(v)}`).join(', ');
}

/** The report as markdown (also printed by `npm start`). */
export function runtimeMarkdown(r: LocalRuntimeReport): string {
  const m = r.manager;
  const rows: [string, string, string, string][] = [
    ['cold starts', int(r.managed.coldStarts), int(r.baseline.coldStarts), change(r.managed.coldStarts, r.baseline.coldStarts)],
    ['cold-start rate', pct(r.managed.coldStartRate), pct(r.baseline.coldStartRate), ''],
    ['idle memory (GB-s)', int(r.managed.idleMemoryGBs), int(r.baseline.idleMemoryGBs), change(r.managed.idleMemoryGBs, r.baseline.idleMemoryGBs)],
    ['idle-memory cost ($)', r.managed.idleMemoryCost.toFixed(4), r.baseline.idleMemoryCost.toFixed(4), change(r.managed.idleMemoryCost, r.baseline.idleMemoryCost)],
    ['mean start delay (ms)', r.managed.meanStartDelayMs.toFixed(1), r.baseline.meanStartDelayMs.toFixed(1), change(r.managed.meanStartDelayMs, r.baseline.meanStartDelayMs)],
    ['prewarms ordered / unused', `${int(r.managed.prewarmsOrdered)} / ${int(r.managed.prewarmsUnused)}`, `${int(r.baseline.prewarmsOrdered)} / ${int(r.baseline.prewarmsUnused)}`, ''],
  ];
  return [
    `# Local runtime: ${r.workload}, ${r.functions} functions, ${r.minutes} minutes, seed ${r.seed}`,
    '',
    `Deployed: ${r.deployed.actions.join(', ')}; triggers ${r.deployed.triggers.join(', ')}; rules ${r.deployed.rules.join(', ')}.`,
    '',
    `Manager params bound on the package: ${paramsLine(r.managerParams)}.`,
    '',
    '## What the manager did',
    '',
    `- ${m.schedulerTicks} scheduler ticks fired on the simulated clock (from ${r.epochStart}), ${m.failedTicks} failed${m.firstFailure === null ? '' : ` (first: ${m.firstFailure})`}; one tick (collector, forecaster, pool-sizer) took ${Math.round(m.schedulerTickMs.median)} ms median, ${Math.round(m.schedulerTickMs.max)} ms max of wall time.`,
    `- Stored: ${m.seriesMinutes} series minutes (collector), ${m.forecasts} forecasts (forecaster), ${m.poolDecisions} pool decisions (pool-sizer).`,
    `- ${int(m.warmUpInvocations)} warm-up invocations through the OpenWhisk API started ${int(m.prewarmedContainers)} containers; ${int(m.activationRecords)} trace activation records stored.`,
    '',
    '## Against `openwhisk-default` on the same arrivals',
    '',
    '| | managed (aquatope) | openwhisk-default | change |',
    '|---|---:|---:|---:|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    ...workflowSection(r),
    `Wall time: ${r.wallSeconds.toFixed(1)} s.`,
    '',
  ].join('\n');
}

function ms(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'inf';
}

function workflowSection(r: LocalRuntimeReport): string[] {
  if (r.workflows.length === 0) return [];
  const lines = [
    '## Workflows: `bo-step` against every stage at the largest stock limit (2,048 MB), same invocations',
    '',
    '| workflow | driver | target | bo-step ticks (failed) | observations | phase | invocations | over target: managed / baseline | latency percentile (ms): managed / baseline | cost per invocation ($): managed / baseline | cost change |',
    '|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const w of r.workflows) {
    lines.push(
      `| ${w.workflow} | ${w.driver} | p${w.qos.percentile} <= ${ms(w.qos.targetMs)} | ${w.boStepTicks} (${w.failedBoStepTicks}) | ${w.observations} | ${w.searchPhase ?? 'none'} | ${int(w.managed.invocations)} | ${pct(w.managed.overTargetRate)} / ${pct(w.baseline.overTargetRate)} | ${ms(w.managed.latencyPercentileMs)} / ${ms(w.baseline.latencyPercentileMs)} | ${w.managed.costPerInvocation.toExponential(3)} / ${w.baseline.costPerInvocation.toExponential(3)} | ${change(w.managed.costPerInvocation, w.baseline.costPerInvocation)} |`,
    );
  }
  lines.push('');
  for (const w of r.workflows) {
    lines.push(`- ${w.workflow}: final limits ${Object.entries(w.finalMemoryMB).map(([s, m]) => `${s} ${m} MB`).join(', ')}${w.firstBoStepFailure === null ? '' : `; first bo-step error: ${w.firstBoStepFailure}`}.`);
  }
  lines.push('');
  return lines;
}

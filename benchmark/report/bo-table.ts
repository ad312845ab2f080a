import type { BoReport } from '../bo-bench';

function pct(x: number, digits = 1): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : 'n/a';
}

function num(x: number, digits = 0): string {
  return Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
}

/** A configuration in one line: cpu/memoryMB per stage. */
export function describeConfig(config: readonly { cpu: number; memoryMB: number }[] | undefined): string {
  return config === undefined ? 'none' : config.map((c) => `${c.cpu}/${c.memoryMB}`).join(' ');
}

/** One BO report as Markdown (what `bench bo` prints and writes to bo.md). */
export function boMarkdown(report: BoReport): string {
  const o = report.optimum;
  const lines = [
    `# Resource manager: ${report.workflow}, p${report.qos.percentile} <= ${report.qos.targetMs} ms`,
    '',
    `Seeds ${report.seeds.join(', ')}. Every cost and percentile below is measured on ${num(report.evaluationInvocations)} fresh invocations of the configuration (the same for every method).`,
    `Optimum (exhaustive branch and bound over ${num(o.samples)} common samples per stage configuration${o.proven ? '' : ', NOT proven: node budget hit'}): ` +
      `${describeConfig(o.config)} (cpu/MB per stage), ${o.costPerInvocation.toExponential(4)} per invocation, p${report.qos.percentile} ${num(o.latencyPercentileMs)} ms.`,
    '',
    '| method | probes (median) | invocations (median) | final cost vs optimum (median / p90) | final feasible | probes violating | invocations to final (median) | ms per step |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const m of report.methods) {
    lines.push(
      `| ${m.name} | ${num(m.probes.median)} | ${num(m.invocationsSpent.median)} | +${pct(m.finalCostVsOptimum.median)} / +${pct(m.finalCostVsOptimum.p90)} | ${pct(m.finalFeasibleRate, 0)} | ${pct(m.probeViolationRate)} | ${num(m.invocationsToFinal.median)} | ${num(m.msPerStep, 1)} |`,
    );
  }
  if (report.headToHead.length > 0) {
    lines.push('', 'Invocations to deploy a truly feasible configuration as cheap as the baseline\'s final one (runs where that one was feasible):', '');
    lines.push('| baseline | runs | baseline (median) | aquatope (median) | runs where aquatope needed fewer |', '|---|---:|---:|---:|---:|');
    for (const h of report.headToHead) lines.push(`| ${h.baseline} | ${h.runs} | ${num(h.baselineInvocations)} | ${num(h.oursInvocations)} | ${h.oursFewer} of ${h.runs} |`);
  }
  return `${lines.join('\n')}\n`;
}

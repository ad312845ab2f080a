import type { KeepaliveReport } from '../keepalive-bench';

function pct(x: number, digits = 2): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : 'n/a';
}

function num(x: number, digits = 0): string {
  return Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
}

function sources(s: Readonly<Partial<Record<string, number>>>): string {
  return Object.entries(s)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}

/** The keep-alive report as a Markdown table (what the bench prints on stdout and writes to keepalive.md). */
export function keepaliveMarkdown(report: KeepaliveReport): string {
  const t = report.trace;
  const lines = [
    `# Keep-alive / prewarm policies`,
    '',
    `Trace: \`${t.source}\`, ${t.functions} functions, minutes [${t.minutes.start}, ${t.minutes.end}), ${num(t.invocations)} invocations, seed ${report.seed}.`,
    `Durations: ${sources(t.durationSource)}${t.durationsFile === '' ? '' : ` (from \`${t.durationsFile}\`)`}. ` +
      `Memory: ${sources(t.memorySource)}${t.memoryFile === '' ? '' : ` (from \`${t.memoryFile}\`)`}.`,
    `Cluster: ${report.cluster.invokers} invokers x ${report.cluster.invokerMemoryMB} MB, ${report.cluster.invokerCores} cores; ` +
      `cold start ${report.cluster.coldStartMs} ms, stem cell ${report.cluster.stemCellStartMs} ms, warm ${report.cluster.warmStartMs} ms.`,
    '',
    '| policy | cold starts | cold-start rate | per-function rate p50 / p75 / p99 | idle memory (GB-s) | vs openwhisk-default | evictions | queued | wall (s) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const p of report.policies) {
    const f = p.functionColdStartRate;
    lines.push(
      `| ${p.name} | ${num(p.coldStarts)} | ${pct(p.coldStartRate)} | ${pct(f.p50, 1)} / ${pct(f.p75, 1)} / ${pct(f.p99, 1)} | ` +
        `${num(p.idleMemoryGBs)} | ${pct(p.idleMemoryVsDefault, 1)} | ${num(p.evictions)} | ${num(p.queued)} | ${p.wallSeconds.toFixed(2)} |`,
    );
  }
  lines.push('', `Simulated invocations per second of wall time: ${num(report.simulatedInvocationsPerSecond)}.`, '');
  lines.push(...activityTable(report));
  return lines.join('\n');
}

/**
 * Cold starts and idle memory (GB-s) of each policy by function activity
 * class, one row per class with functions, empty when no row has classes.
 */
function activityTable(report: KeepaliveReport): string[] {
  const policies = report.policies.filter((p) => p.byActivity.length > 0);
  if (policies.length === 0) return [];
  const lines = [
    '## By function activity (invocations in the run)',
    '',
    'Each cell: cold starts / idle memory (GB-s) of the functions in the class.',
    '',
    `| invocations | functions | invocations in class | ${policies.map((p) => p.name).join(' | ')} |`,
    `|---|---:|---:|${policies.map(() => '---:').join('|')}|`,
  ];
  policies[0].byActivity.forEach((c, i) => {
    if (c.functions === 0) return;
    const cells = policies.map((p) => {
      const k = p.byActivity[i];
      return k === undefined ? 'n/a' : `${num(k.coldStarts)} / ${num(k.idleMemoryGBs)}`;
    });
    lines.push(`| ${c.label} | ${num(c.functions)} | ${num(c.invocations)} | ${cells.join(' | ')} |`);
  });
  lines.push('');
  return lines;
}

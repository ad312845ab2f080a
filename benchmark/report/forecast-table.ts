import type { ForecastModelRow, ForecastReport } from '../forecast-bench';

function num(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a';
}

/** Milliseconds with three significant digits (inference times span orders of magnitude). */
function ms(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(3) : 'n/a';
}

/** `text` in bold when `x` is the lowest finite value of the column (every tie is marked). */
function best(x: number, column: readonly number[], text: string): string {
  const finite = column.filter(Number.isFinite);
  return finite.length > 1 && Number.isFinite(x) && x === Math.min(...finite) ? `**${text}**` : text;
}

function scoreRow(
  name: string,
  r: Pick<ForecastModelRow, 'mae' | 'rmse' | 'pinball' | 'coverage90' | 'coverage90Closed'>,
  q90: readonly number[],
  q99: readonly number[],
): string {
  return (
    `| ${name} | ${num(r.mae, 3)} | ${num(r.rmse, 3)} | ${num(r.pinball.q50, 3)} | ` +
    `${best(r.pinball.q90, q90, num(r.pinball.q90, 3))} | ${best(r.pinball.q99, q99, num(r.pinball.q99, 3))} | ` +
    `${pct(r.coverage90)} | ${pct(r.coverage90Closed)} |`
  );
}

/**
 * The forecast report as Markdown (what the bench prints on stdout and writes
 * to forecast.md): one row per model with its step-0 scores, the lowest
 * pinball loss at q = 0.9 and q = 0.99 in bold; then the same over all steps,
 * and the forecasters not scored.
 */
export function forecastMarkdown(report: ForecastReport): string {
  const t = report.trace;
  const models = report.models;
  const train = t.trainMinutes === null ? '' : `, trained on minutes [${t.trainMinutes.start}, ${t.trainMinutes.end})`;
  const lines = [
    `# Invocation count forecasts`,
    '',
    `Trace: \`${t.source}\`, ${t.functions} functions, ${num(t.minutes, 0)} minutes from absolute minute ${t.originMinute}; ` +
      `tested on minutes [${t.testMinutes.start}, ${t.testMinutes.end}) (${num(t.testInvocations, 0)} invocations)${train}. ` +
      `Horizon ${report.horizon} minutes, seed ${report.seed}.`,
    '',
    'Next minute (step 0), in invocations per minute; pinball loss is the mean quantile loss (lower is better, the best in bold). ' +
      '90% coverage (PIT) is the [q0.05, q0.95] interval\'s coverage under the randomised probability integral transform for counts (0.9 is calibrated); ' +
      'closed interval is the share of minutes with q0.05 <= actual <= q0.95 (above 0.9 for a calibrated forecast of counts with many zero minutes).',
    '',
    '| model | MAE | RMSE | pinball q50 | pinball q90 | pinball q99 | 90% coverage (PIT) | closed interval | inference (ms/function) | minutes | cells |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const q90 = models.map((m) => m.pinball.q90);
  const q99 = models.map((m) => m.pinball.q99);
  for (const m of models) {
    lines.push(`${scoreRow(m.name, m, q90, q99)} ${ms(m.inferenceMsPerFunction)} | ${num(m.scoredMinutes, 0)} | ${num(m.cells, 0)} |`);
  }
  if (models.length === 0) lines.push('| (none) | | | | | | | | | | |');
  if (new Set(models.map((m) => m.scoredMinutes)).size > 1) {
    lines.push('', 'Models with a longer history start later in the test range, so they are scored on fewer minutes.');
  }
  if (report.horizon > 1 && models.length > 0) {
    const allQ90 = models.map((m) => m.allSteps.pinball.q90);
    const allQ99 = models.map((m) => m.allSteps.pinball.q99);
    lines.push(
      '',
      `All ${report.horizon} steps (every forecast minute inside the test range):`,
      '',
      `| model | MAE | RMSE | pinball q50 | pinball q90 | pinball q99 | 90% coverage (PIT) | closed interval | cells | MAE step 0 / step ${report.horizon - 1} |`,
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const m of models) {
      const last = m.maeByStep[m.maeByStep.length - 1];
      lines.push(`${scoreRow(m.name, m.allSteps, allQ90, allQ99)} ${num(m.allSteps.cells, 0)} | ${num(m.maeByStep[0], 3)} / ${num(last, 3)} |`);
    }
  }
  if (report.skipped.length > 0) {
    lines.push('', 'Not scored:', '');
    for (const s of report.skipped) lines.push(`- ${s.name}: ${s.reason}`);
  }
  lines.push('');
  return lines.join('\n');
}

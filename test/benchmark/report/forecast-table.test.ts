import type { ForecastModelRow, ForecastReport } from '../../../benchmark/forecast-bench';
import { forecastMarkdown } from '../../../benchmark/report/forecast-table';

function row(name: string, q90: number, q99: number, scoredMinutes = 400): ForecastModelRow {
  const scores = { mae: 1.5, rmse: 2.25, pinball: { q50: 0.75, q90, q99 }, coverage90: 0.875, coverage90Closed: 0.97 };
  return {
    name,
    ...scores,
    inferenceMsPerFunction: 0.01234,
    scoredMinutes,
    cells: scoredMinutes * 1350,
    allSteps: { ...scores, mae: 2, pinball: { q50: 1, q90: q90 * 2, q99: q99 * 2 }, coverage90: 0.8, coverage90Closed: 0.95, cells: 6_000_000 },
    maeByStep: [1.5, 1.75, 2.5],
  };
}

const report: ForecastReport = {
  trace: {
    source: 'd01.csv',
    functions: 1350,
    minutes: 1440,
    originMinute: 0,
    trainMinutes: { start: 0, end: 960 },
    testMinutes: { start: 960, end: 1440 },
    testInvocations: 1234567,
  },
  seed: 7,
  horizon: 3,
  models: [row('aquatope', 0.5, 0.25), row('last-value', 0.9, 0.125), row('moving-average', 0.5, 0.3, 420)],
  skipped: [
    { name: 'previous-day', reason: 'needs 1488 minutes of history' },
    { name: 'hybrid-histogram', reason: 'no count forecast (it predicts idle times, not invocation counts)' },
  ],
};

describe('forecastMarkdown', () => {
  it('prints one row per model with its step-0 scores, bolding the lowest pinball q90 (every tie) and q99', () => {
    const md = forecastMarkdown(report);
    expect(md).toContain(
      '| model | MAE | RMSE | pinball q50 | pinball q90 | pinball q99 | 90% coverage (PIT) | closed interval | inference (ms/function) | minutes | cells |\n' +
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n',
    );
    expect(md).toContain('| aquatope | 1.500 | 2.250 | 0.750 | **0.500** | 0.250 | 87.5% | 97.0% | 0.0123 | 400 | 540,000 |');
    expect(md).toContain('| last-value | 1.500 | 2.250 | 0.750 | 0.900 | **0.125** | 87.5% | 97.0% | 0.0123 | 400 | 540,000 |');
    expect(md).toContain('| moving-average | 1.500 | 2.250 | 0.750 | **0.500** | 0.300 | 87.5% | 97.0% | 0.0123 | 420 | 567,000 |');
  });

  it('says in one line what each coverage column means', () => {
    const md = forecastMarkdown(report);
    const line = md.split('\n').find((l) => l.startsWith('Next minute (step 0)'));
    expect(line).toContain("90% coverage (PIT) is the [q0.05, q0.95] interval's coverage under the randomised probability integral transform for counts (0.9 is calibrated)");
    expect(line).toContain('closed interval is the share of minutes with q0.05 <= actual <= q0.95 (above 0.9 for a calibrated forecast of counts with many zero minutes)');
  });

  it('prints a placeholder row with every column when no model was scored', () => {
    const md = forecastMarkdown({ ...report, models: [] });
    expect(md).toContain('| (none) | | | | | | | | | | |');
    expect(md).not.toContain('All 3 steps');
  });

  it('describes the trace, the split, the horizon and the seed', () => {
    const md = forecastMarkdown(report);
    expect(md).toContain(
      'Trace: `d01.csv`, 1350 functions, 1,440 minutes from absolute minute 0; tested on minutes [960, 1440) (1,234,567 invocations), ' +
        'trained on minutes [0, 960). Horizon 3 minutes, seed 7.',
    );
  });

  it('adds the all-step scores with the first and last step MAE', () => {
    const md = forecastMarkdown(report);
    expect(md).toContain('All 3 steps (every forecast minute inside the test range):');
    expect(md).toContain('| model | MAE | RMSE | pinball q50 | pinball q90 | pinball q99 | 90% coverage (PIT) | closed interval | cells | MAE step 0 / step 2 |');
    expect(md).toContain('| last-value | 2.000 | 2.250 | 1.000 | 1.800 | **0.250** | 80.0% | 95.0% | 6,000,000 | 1.500 / 2.500 |');
  });

  it('lists the forecasters not scored with their reasons, and warns when models were scored on different minutes', () => {
    const md = forecastMarkdown(report);
    expect(md).toContain('- previous-day: needs 1488 minutes of history');
    expect(md).toContain('- hybrid-histogram: no count forecast (it predicts idle times, not invocation counts)');
    expect(md).toContain('scored on fewer minutes');
    const same = forecastMarkdown({ ...report, models: report.models.slice(0, 2) });
    expect(same).not.toContain('scored on fewer minutes');
  });

  it('marks nothing with a single model, and prints n/a for a NaN', () => {
    const md = forecastMarkdown({ ...report, horizon: 1, models: [{ ...row('solo', Number.NaN, 0.5) }] });
    expect(md).toContain('| solo | 1.500 | 2.250 | 0.750 | n/a | 0.500 | 87.5% | 97.0% |');
    expect(md).not.toContain('**');
    expect(md).not.toContain('All 1 steps');
  });
});

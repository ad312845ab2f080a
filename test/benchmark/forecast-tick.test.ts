import { runTickBench } from '../../benchmark/forecast-tick';
import { FakeForecaster } from '../support/fake-forecasters';

describe('forecasting tick bench', () => {
  const series = [Float64Array.from({ length: 20 }, (_, i) => i), Float64Array.from({ length: 20 }, (_, i) => 100 + i)];

  it('makes one call per minute with every function, each window ending just before the minute', () => {
    const fake = new FakeForecaster('fake', 4, () => 0);
    let t = 0;
    const rss = [10, 30, 20, 5].map((mb) => mb * 2 ** 20);
    let k = 0;
    const report = runTickBench({
      source: 's',
      series,
      forecaster: fake,
      horizon: 3,
      minutes: [10, 11, 12],
      seed: 1,
      clock: { nowMs: () => (t += 5) },
      rssBytes: () => rss[k++],
    });
    expect(fake.calls.map((c) => c.counts)).toEqual([
      [
        [6, 7, 8, 9],
        [106, 107, 108, 109],
      ],
      [
        [7, 8, 9, 10],
        [107, 108, 109, 110],
      ],
      [
        [8, 9, 10, 11],
        [108, 109, 110, 111],
      ],
    ]);
    expect(fake.calls.map((c) => c.endMinutes)).toEqual([
      [10, 10],
      [11, 11],
      [12, 12],
    ]);
    expect(report.tickMs).toEqual([5, 5, 5]);
    expect(report.meanTickMs).toBe(5);
    expect(report.maxTickMs).toBe(5);
    expect(report.peakRssMB).toBe(30);
    expect(report.functions).toBe(2);
  });

  it('gives each window the forecaster\'s context where the minutes exist, keyed by the function', () => {
    const fake = new FakeForecaster('fake', 4, () => 0, 12);
    runTickBench({ source: 's', series, forecaster: fake, horizon: 1, minutes: [6, 15], seed: 1, clock: { nowMs: () => 0 }, rssBytes: () => 0 });
    expect(fake.calls.map((c) => c.counts[1])).toEqual([
      [100, 101, 102, 103, 104, 105],
      [103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114],
    ]);
    expect(fake.calls[1].keys).toEqual(['0', '1']);
  });

  it('a minute without a full window before it is rejected, naming it', () => {
    const fake = new FakeForecaster('fake', 4, () => 0);
    expect(() =>
      runTickBench({ source: 's', series, forecaster: fake, horizon: 1, minutes: [3], seed: 1, clock: { nowMs: () => 0 }, rssBytes: () => 0 }),
    ).toThrow('minute 3 has 3 minutes before it; fake needs 4');
  });
});

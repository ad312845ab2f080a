import { SeededRng } from '../../src/core/rng';
import type { ForecastWindow } from '../../src/forecast/forecast-types';
import { RegimeForecaster, type BusyRule } from '../../src/forecast/regime-forecaster';
import { FakeForecaster } from '../support/fake-forecasters';

function win(counts: readonly number[]): ForecastWindow {
  return { counts: Float64Array.from(counts), endMinute: 600 };
}

/** Every quantile of `busy` is 100 + last count; of `sparse`, the last count. */
function parts(): { busy: FakeForecaster; sparse: FakeForecaster } {
  return {
    busy: new FakeForecaster('busy', 48, (c) => 100 + c[c.length - 1]),
    sparse: new FakeForecaster('sparse', 48, (c) => c[c.length - 1], 1440),
  };
}

describe('RegimeForecaster', () => {
  it('sends windows whose last 48 minutes are all invoked, 10 or more a minute, to the busy forecaster, the rest to the sparse one', () => {
    const { busy, sparse } = parts();
    const f = new RegimeForecaster(busy, sparse);
    const windows = [
      win(new Array<number>(48).fill(10)), // busy: mean exactly 10
      win(new Array<number>(48).fill(9)), // every minute, but 9 a minute
      win([...new Array<number>(47).fill(50), 0]), // one idle minute
      win([...new Array<number>(100).fill(0), ...new Array<number>(48).fill(20)]), // busy lately
    ];
    const r = f.forecast(windows, 2, new SeededRng(1));
    expect([0, 1, 2, 3].map((w) => r.quantile(w, 0, 0.9))).toEqual([110, 9, 0, 120]);
    expect([0, 1, 2, 3].map((w) => r.point(w, 1))).toEqual([110, 9, 0, 120]);
    // Each part saw only its own windows, in order, in one call.
    expect(busy.calls.map((c) => c.counts.length)).toEqual([2]);
    expect(sparse.calls.map((c) => c.counts.length)).toEqual([2]);
    expect(busy.calls[0].counts[1]).toHaveLength(148);
  });

  it('reads as much context as its parts ask for', () => {
    const { busy, sparse } = parts();
    const f = new RegimeForecaster(busy, sparse);
    expect(f.name).toBe('aquatope');
    expect(f.historyMinutes).toBe(48);
    expect(f.contextMinutes).toBe(1440);
  });

  it('skips a part that has no windows', () => {
    const { busy, sparse } = parts();
    new RegimeForecaster(busy, sparse).forecast([win(new Array<number>(48).fill(0))], 1, new SeededRng(1));
    expect(busy.calls).toHaveLength(0);
    expect(sparse.calls).toHaveLength(1);
  });

  it('follows a custom rule', () => {
    const { busy, sparse } = parts();
    const r = new RegimeForecaster(busy, sparse, { minutes: 2, mean: 1 }).forecast([win([...new Array<number>(46).fill(0), 1, 1])], 1, new SeededRng(1));
    expect(r.quantile(0, 0, 0.5)).toBe(101);
  });

  it.each<[string, BusyRule, string]>([
    ['more busy minutes than a window holds', { minutes: 49 }, 'busy minutes must be an integer in 1..48, got 49'],
    ['zero busy minutes', { minutes: 0 }, 'busy minutes must be an integer in 1..48, got 0'],
    ['a negative mean', { mean: -1 }, 'busy mean must be a finite number >= 0, got -1'],
  ])('rejects %s', (_name, rule, message) => {
    const { busy, sparse } = parts();
    expect(() => new RegimeForecaster(busy, sparse, rule)).toThrow(message);
  });

  it('rejects a window shorter than its history, naming the window', () => {
    const { busy, sparse } = parts();
    expect(() => new RegimeForecaster(busy, sparse).forecast([win(new Array<number>(48).fill(0)), win([1])], 1, new SeededRng(1))).toThrow(
      'aquatope: window 1 holds 1 minutes, needs at least 48',
    );
  });
});

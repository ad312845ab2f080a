import { SeededRng } from '../../src/core/rng';
import { DEFAULT_NETWORK } from '../../src/forecast/model-config';
import { INPUT_FEATURES, MAGNITUDE_SCALE } from '../../src/forecast/network';
import { toZ, windowScale } from '../../src/forecast/scaling';
import { buildTrainingData, type TrainingTrace } from '../../src/forecast/training-data';

const cfg = DEFAULT_NETWORK;

function ramp(minutes: number, offset: number): Float64Array {
  return Float64Array.from({ length: minutes }, (_, i) => offset + i);
}

describe('training windows', () => {
  const traces: TrainingTrace[] = [
    { source: 'a', series: [ramp(400, 0), ramp(400, 1000)], originMinute: 0, range: { start: 0, end: 400 } },
    { source: 'b', series: [ramp(300, 5)], originMinute: 1440, range: { start: 0, end: 300 } },
  ];
  const data = buildTrainingData(traces, cfg, 100, 0.25, new SeededRng(1));

  it('draws equal shares per trace and a sixth of that for validation', () => {
    expect(data.splits.map((s) => [s.source, s.trainWindows, s.validationWindows])).toEqual([
      ['a', 50, 9],
      ['b', 50, 9],
    ]);
    expect(data.train.n).toBe(100);
    expect(data.validation.n).toBe(18);
  });

  it('splits in time: validation targets lie in the last quarter, training targets end before it', () => {
    expect(data.splits[0].validationStart).toBe(300);
    expect(data.splits[1].validationStart).toBe(225);
    // A ramp's count encodes its minute: count - offset = minute.
    for (let r = 0; r < data.train.n; r++) {
      const first = data.train.counts[r * cfg.horizon];
      const last = data.train.counts[r * cfg.horizon + cfg.horizon - 1];
      const minute = (c: number): number => (c >= 1000 ? c - 1000 : c);
      const isB = r >= 50;
      const lastMinute = isB ? last - 5 : minute(last);
      expect(lastMinute).toBeLessThan(isB ? 225 : 300);
      expect(isB ? first - 5 : minute(first)).toBeGreaterThanOrEqual(cfg.window);
    }
    for (let r = 0; r < data.validation.n; r++) {
      const first = data.validation.counts[r * cfg.horizon];
      const isB = r >= 9;
      const m = isB ? first - 5 : first >= 1000 ? first - 1000 : first;
      expect(m).toBeGreaterThanOrEqual(isB ? 225 : 300);
    }
  });

  it('inputs are the z of the window before the targets, the last inputs repeated, targets scaled the same way', () => {
    const r = 0;
    const firstTarget = data.train.counts[r * cfg.horizon];
    const series = firstTarget >= 1000 ? traces[0].series[1] : traces[0].series[0];
    const t = Array.from(series).indexOf(firstTarget);
    const sc = windowScale(series, t - cfg.window, t);
    expect(data.train.level[r]).toBeCloseTo(sc.level, 12);
    expect(data.train.x[(r * cfg.window + cfg.window - 1) * INPUT_FEATURES]).toBeCloseTo(toZ(series[t - 1], sc), 5);
    expect(data.train.last[r * cfg.horizon + cfg.horizon - 1]).toBeCloseTo(toZ(series[t - 1], sc), 5);
    expect(data.train.y[r * cfg.horizon]).toBeCloseTo(toZ(series[t], sc), 5);
    // The magnitude channel: log1p(count) / MAGNITUDE_SCALE, after the four time features.
    expect(data.train.x[(r * cfg.window + cfg.window - 1) * INPUT_FEATURES + 5]).toBeCloseTo(Math.log1p(series[t - 1]) / MAGNITUDE_SCALE, 5);
    expect(INPUT_FEATURES).toBe(6);
  });

  it('the same seed draws the same windows', () => {
    const again = buildTrainingData(traces, cfg, 100, 0.25, new SeededRng(1));
    expect(Array.from(again.train.counts)).toEqual(Array.from(data.train.counts));
  });

  it.each([
    [{ start: 0, end: 100 }, 'a: minutes 0:100 are too short'],
    [{ start: 250, end: 360 }, 'a: minutes 250:360 are too short'],
  ])('a range too short for both parts (%p) is rejected, naming the trace and range', (range, message) => {
    expect(() => buildTrainingData([{ ...traces[0], range }], cfg, 10, 0.25, new SeededRng(1))).toThrow(message);
  });

  it('no traces is rejected', () => {
    expect(() => buildTrainingData([], cfg, 10, 0.25, new SeededRng(1))).toThrow('no training traces');
  });
});

import { parseTrainArgs } from '../../src/cli/train-command';
import { DEFAULT_TRAINING } from '../../src/forecast/model-config';

describe('train command line', () => {
  it('defaults: the shared traces, seed 1, models/default, the default training settings', () => {
    expect(parseTrainArgs([])).toEqual({ traces: [], seed: 1, out: 'models/default', training: DEFAULT_TRAINING });
  });

  it('pairs the n-th --minutes with the n-th --trace', () => {
    const cmd = parseTrainArgs(['--trace', 'a.csv', '--minutes', '0:960', '--trace', 'b.csv', '--minutes', '0:15840']);
    expect(cmd.traces).toEqual([
      { file: 'a.csv', minutes: { start: 0, end: 960 } },
      { file: 'b.csv', minutes: { start: 0, end: 15840 } },
    ]);
  });

  it('one --minutes applies to every trace', () => {
    const cmd = parseTrainArgs(['--trace', 'a.csv', '--trace', 'b.csv', '--minutes', '10:500']);
    expect(cmd.traces.map((t) => t.minutes)).toEqual([
      { start: 10, end: 500 },
      { start: 10, end: 500 },
    ]);
  });

  it('epochs, windows, seed and out override the defaults', () => {
    const cmd = parseTrainArgs(['--epochs', '3', '--predictor-epochs', '7', '--windows', '500', '--seed', '9', '--out', 'models/x']);
    expect(cmd.training).toEqual({ ...DEFAULT_TRAINING, encoderEpochs: 3, predictorEpochs: 7, windows: 500 });
    expect(cmd.seed).toBe(9);
    expect(cmd.out).toBe('models/x');
  });

  it.each([
    [['--epochs', '0'], '--epochs must be a positive integer, got "0"'],
    [['--windows', '1e3'], '--windows must be a positive integer, got "1e3"'],
    [['--seed=-1'], '--seed must be an integer in [0, 4294967295], got "-1"'],
    [['--minutes', '0:10'], '--minutes needs a --trace'],
    [['--trace', 'a', '--minutes', '9:3'], '--minutes "9:3": the start (9) must be below the end (3)'],
    [['--trace', 'a', '--trace', 'b', '--trace', 'c', '--minutes', '0:1', '--minutes', '0:2'], '--minutes given 2 times for 3 --trace files'],
    [['extra'], 'unexpected argument "extra"'],
  ])('%p is rejected: %s', (args, message) => {
    expect(() => parseTrainArgs(args)).toThrow(message);
  });
});

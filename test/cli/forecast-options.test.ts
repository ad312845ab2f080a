import { join } from 'node:path';
import { parseForecastArgs } from '../../src/cli/forecast-options';
import { UsageError } from '../../src/cli/parse-options';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

const required = ['--trace', 'd01.csv', '--test-minutes', '960:1440'];

describe('parseForecastArgs', () => {
  it('needs only --trace and --test-minutes; the rest has defaults', () => {
    expect(parseForecastArgs(required)).toEqual({
      trace: 'd01.csv',
      testMinutes: { start: 960, end: 1440 },
      out: join('reports', 'forecast'),
      seed: 1,
    });
  });

  it('parses every option', () => {
    const args = [
      ...required,
      '--train-minutes', '0:960', '--model', 'models/lstm', '--out', 'out/f', '--seed', '42',
      '--functions', '100', '--epochs', '8', '--batch-minutes', '60', '--candidates', 'aquatope-tail,aquatope-tail',
    ];
    expect(parseForecastArgs(args)).toEqual({
      trace: 'd01.csv',
      trainMinutes: { start: 0, end: 960 },
      testMinutes: { start: 960, end: 1440 },
      model: 'models/lstm',
      out: 'out/f',
      seed: 42,
      functions: 100,
      epochs: 8,
      batchMinutes: 60,
      candidates: ['aquatope-tail'],
    });
  });

  it('accepts --flag=value', () => {
    expect(parseForecastArgs(['--trace=a.csv', '--test-minutes=10:20']).testMinutes).toEqual({ start: 10, end: 20 });
  });

  it.each<[string, string[], string]>([
    ['no --trace', ['--test-minutes', '0:10'], '--trace FILE is required'],
    ['an empty --trace', ['--trace', '', '--test-minutes', '0:10'], '--trace must name a path, got ""'],
    ['no --test-minutes', ['--trace', 'a.csv'], '--test-minutes C:D is required'],
    ['a reversed --test-minutes', ['--trace', 'a.csv', '--test-minutes', '20:10'], '--test-minutes "20:10": the start (20) must be below the end (10)'],
    ['a malformed --test-minutes', ['--trace', 'a.csv', '--test-minutes', '10-20'], '--test-minutes must be A:B with whole minutes 0 <= A < B, got "10-20"'],
    ['a malformed --train-minutes', [...required, '--train-minutes', ':960'], '--train-minutes must be A:B with whole minutes 0 <= A < B, got ":960"'],
    [
      'training that overlaps the test minutes',
      [...required, '--train-minutes', '0:961'],
      '--train-minutes "0:961" must end at or before the start of --test-minutes "960:1440" (961 > 960): ' +
        'a model may not learn from the minutes it is tested on or later',
    ],
    [
      'training after the test minutes',
      ['--trace', 'a.csv', '--test-minutes', '0:100', '--train-minutes', '100:200'],
      '--train-minutes "100:200" must end at or before the start of --test-minutes "0:100" (200 > 0): ' +
        'a model may not learn from the minutes it is tested on or later',
    ],
    ['a negative --seed', [...required, '--seed=-1'], '--seed must be an integer in [0, 4294967295], got "-1"'],
    ['a --seed past 32 bits', [...required, '--seed', '4294967296'], '--seed must be an integer in [0, 4294967295], got "4294967296"'],
    ['--functions 0', [...required, '--functions', '0'], '--functions must be a positive integer, got "0"'],
    ['--epochs 1.5', [...required, '--epochs', '1.5'], '--epochs must be a positive integer, got "1.5"'],
    ['--batch-minutes x', [...required, '--batch-minutes', 'x'], '--batch-minutes must be a positive integer, got "x"'],
    ['an unknown candidate', [...required, '--candidates', 'aquatope-tail,best'], '--candidates: "best" is not a candidate forecaster (known: aquatope-tail)'],
    ['an empty --model', [...required, '--model', ' '], '--model must name a path, got " "'],
    ['an empty --out', [...required, '--out', ''], '--out must name a path, got ""'],
    ['a stray argument', [...required, 'extra'], 'unexpected argument "extra"'],
  ])('rejects %s with a UsageError naming the flag and value', (_, args, message) => {
    const e = thrown(() => parseForecastArgs(args));
    expect(e).toBeInstanceOf(UsageError);
    expect(e instanceof UsageError && e.message).toBe(message);
  });

  it.each<[string, string[], string]>([
    ['an unknown option', [...required, '--minutes', '0:10'], 'ERR_PARSE_ARGS_UNKNOWN_OPTION'],
    ['an option without its value', [...required, '--seed'], 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'],
  ])('leaves %s to node:util parseArgs: a TypeError with an ERR_PARSE_ARGS code, as main() expects', (_, args, code) => {
    // parseArgs throws from Node's own realm, so check the name rather than instanceof under jest.
    expect(thrown(() => parseForecastArgs(args))).toMatchObject({ name: 'TypeError', code });
  });
});

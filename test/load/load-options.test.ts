import { UsageError } from '../../src/cli/parse-options';
import { DEFAULT_START_FUNCTIONS } from '../../src/cli/start-command';
import { formatFunctionSpec, parseFunctionSpec } from '../../src/load/function-spec';
import { DEFAULT_LOAD_FUNCTIONS, DEFAULT_LOAD_MINUTES, DEFAULT_LOAD_WORKFLOWS, parseLoadArgs } from '../../src/load/load-options';
import { DEFAULT_LOAD_SYNTHETIC_FUNCTIONS } from '../../src/load/load-trace';

describe('parseLoadArgs', () => {
  it('has the documented defaults', () => {
    expect(parseLoadArgs([])).toEqual({
      functions: DEFAULT_LOAD_FUNCTIONS,
      minutes: DEFAULT_LOAD_MINUTES,
      speedup: 1,
      maxUsers: 50,
      pacingS: 1,
      workflows: DEFAULT_LOAD_WORKFLOWS,
      params: {},
      out: 'reports/load',
      seed: 1,
    });
    expect(formatFunctionSpec(DEFAULT_LOAD_FUNCTIONS)).toBe('top:3');
    expect(DEFAULT_LOAD_SYNTHETIC_FUNCTIONS).toBe(DEFAULT_START_FUNCTIONS);
  });

  it('reads every option', () => {
    const o = parseLoadArgs([
      '--trace', 't.csv', '--functions', '0,3,7', '--minutes', '5:9', '--speedup', '2.5', '--max-users', '7', '--pacing', '0.5',
      '--workflows', 'a,b', '--params', '{"x":1}', '--host', 'http://127.0.0.1:3233/', '--out', 'o', '--seed', '9',
    ]);
    expect(o).toEqual({
      trace: 't.csv',
      functions: { kind: 'indices', indices: [0, 3, 7] },
      minutes: { start: 5, end: 9 },
      speedup: 2.5,
      maxUsers: 7,
      pacingS: 0.5,
      workflows: ['a', 'b'],
      params: { x: 1 },
      host: 'http://127.0.0.1:3233',
      out: 'o',
      seed: 9,
    });
  });

  it.each([
    [['--speedup', '0'], '--speedup must be a finite number > 0, got "0"'],
    [['--speedup=-1'], '--speedup must be a finite number > 0, got "-1"'],
    [['--speedup', 'abc'], '--speedup must be a finite number > 0, got "abc"'],
    [['--speedup', 'Infinity'], '--speedup must be a finite number > 0, got "Infinity"'],
    [['--speedup', '0x10'], '--speedup must be a finite number > 0, got "0x10"'],
    [['--pacing', '0'], '--pacing must be a finite number > 0, got "0"'],
    [['--max-users', '0'], '--max-users must be a positive integer, got "0"'],
    [['--minutes', '5:5'], '--minutes "5:5": the start (5) must be below the end (5)'],
    [['--minutes', '3'], '--minutes must be A:B with whole minutes 0 <= A < B, got "3"'],
    [['--functions', 'first:0'], '--functions "first:0": first:N needs a whole number N >= 1'],
    [['--functions', 'busy'], '--functions must be first:N, top:N or comma-separated 0-based row indices like 0,3,7, got "busy"'],
    [['--functions', '1,1'], '--functions "1,1": an index is repeated'],
    [['--workflows', 'a,,b'], '--workflows must be comma-separated OpenWhisk package names like ml-inference,social-network, got "a,,b"'],
    [['--params', '[1]'], '--params must be a JSON object, got "[1]"'],
    [['--host', 'ftp://x'], '--host must be an http:// or https:// URL like http://127.0.0.1:3233 (no credentials, query or fragment), got "ftp://x"'],
    [['--host', 'nope'], '--host must be an http:// or https:// URL like http://127.0.0.1:3233, got "nope"'],
    [['--seed', '-3'], undefined],
  ])('rejects %j', (args, message) => {
    if (message === undefined) expect(() => parseLoadArgs(args)).toThrow();
    else expect(() => parseLoadArgs(args)).toThrow(new UsageError(message));
  });

  it('rejects an unknown option and a value that looks like an option', () => {
    expect(() => parseLoadArgs(['--run-time', '10'])).toThrow(/--run-time/);
    expect(() => parseLoadArgs(['--speedup', '-1'])).toThrow(/--speedup/);
  });

  it('parses function specs as the locustfile does', () => {
    expect(parseFunctionSpec('--functions', 'first:4')).toEqual({ kind: 'first', count: 4 });
    expect(parseFunctionSpec('--functions', 'top:2')).toEqual({ kind: 'top', count: 2 });
    expect(parseFunctionSpec('--functions', '5')).toEqual({ kind: 'indices', indices: [5] });
    expect(parseFunctionSpec('--functions', ' 2, 0 ')).toEqual({ kind: 'indices', indices: [2, 0] });
  });
});

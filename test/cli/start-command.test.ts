import { DEFAULT_START_FUNCTIONS, DEFAULT_START_MINUTES, parseStartArgs } from '../../src/cli/start-command';

describe('parseStartArgs', () => {
  it('defaults: the synthetic trace, its first functions, the default minutes, seed 1, reports/start', () => {
    expect(parseStartArgs([])).toEqual({ functions: DEFAULT_START_FUNCTIONS, minutes: DEFAULT_START_MINUTES, seed: 1, out: 'reports/start', hold: false, managerParams: {} });
  });

  it('a trace file replays every function unless --functions says otherwise', () => {
    expect(parseStartArgs(['--trace', 'x.csv', '--minutes', '960:1020', '--hold'])).toEqual({ trace: 'x.csv', minutes: { start: 960, end: 1020 }, seed: 1, out: 'reports/start', hold: true, managerParams: {} });
    expect(parseStartArgs(['--trace', 'x.csv', '--functions', '50']).functions).toBe(50);
  });

  it('--risk-level and --cold-start-worth bind the pool sizer\'s config params on the manager package', () => {
    expect(parseStartArgs(['--cold-start-worth', '260']).managerParams).toEqual({ coldStartWorthGBs: 260 });
    expect(parseStartArgs(['--risk-level', '0.99', '--cold-start-worth', '12.5']).managerParams).toEqual({ riskLevel: 0.99, coldStartWorthGBs: 12.5 });
  });

  it.each([
    [['--cold-start-worth', '0'], '--cold-start-worth: expected a finite number of GB-s > 0, found "0"'],
    [['--cold-start-worth', 'lots'], '--cold-start-worth: expected a finite number of GB-s > 0, found "lots"'],
    [['--risk-level', '1'], '--risk-level: expected a number strictly between 0 and 1, found "1"'],
    [['--minutes', '9:3'], '--minutes "9:3": the start (9) must be below the end (3)'],
    [['--functions', '0'], '--functions must be a positive integer, got "0"'],
    [['--seed', 'x'], '--seed must be an integer in [0, 4294967295], got "x"'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['extra'], "Unexpected argument 'extra'"],
  ])('rejects %j naming the bad value', (args, message) => {
    expect(() => parseStartArgs(args)).toThrow(message);
  });
});

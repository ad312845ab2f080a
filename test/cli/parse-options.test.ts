import { UsageError, parseMinuteRange, parsePositiveInt, parseSeed } from '../../src/cli/parse-options';

/** Runs `f` and returns what it threw, so the class, name and exact message can all be checked. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

function expectUsageError(f: () => unknown, message: string): void {
  const e = thrown(f);
  expect(e).toBeInstanceOf(UsageError);
  expect(e instanceof UsageError && { name: e.name, message: e.message }).toEqual({ name: 'UsageError', message });
}

describe('parseMinuteRange', () => {
  it.each([
    ['0:60', 0, 60],
    ['0:1', 0, 1],
    ['5:6', 5, 6],
    ['120:1560', 120, 1560],
    ['007:010', 7, 10],
    [' 3:9 ', 3, 9],
  ])('parses %j as start %i, end %i', (value, start, end) => {
    expect(parseMinuteRange('--minutes', value)).toEqual({ start, end });
  });

  const format = (v: string): string => `--minutes must be A:B with whole minutes 0 <= A < B, got "${v}"`;
  it.each([
    ['5:3', '--minutes "5:3": the start (5) must be below the end (3)'],
    ['3:3', '--minutes "3:3": the start (3) must be below the end (3)'],
    ['0:0', '--minutes "0:0": the start (0) must be below the end (0)'],
    ['a:b', format('a:b')],
    ['5', format('5')],
    [':5', format(':5')],
    ['5:', format('5:')],
    ['-1:4', format('-1:4')],
    ['1.5:3', format('1.5:3')],
    ['1:2:3', format('1:2:3')],
    ['1-5', format('1-5')],
    ['', format('')],
    ['1 : 5', format('1 : 5')],
    ['+1:5', format('+1:5')],
    ['1e1:20', format('1e1:20')],
  ])('rejects %j with a UsageError: %s', (value, message) => {
    expectUsageError(() => parseMinuteRange('--minutes', value), message);
  });

  it('names the flag it was given', () => {
    expectUsageError(() => parseMinuteRange('--range', 'x'), '--range must be A:B with whole minutes 0 <= A < B, got "x"');
  });
});

describe('parsePositiveInt', () => {
  it.each([
    ['1', 1],
    ['100', 100],
    ['007', 7],
    [' 12 ', 12],
    ['2147483648', 2147483648],
  ])('parses %j as %i', (value, n) => {
    expect(parsePositiveInt('--functions', value)).toBe(n);
  });

  it.each(['0', '-1', '-0', '1.5', '0.5', 'abc', '', '   ', '12abc', 'Infinity', 'NaN', '1e400', '1e3', '0x10', '+5'])(
    'rejects %j with a UsageError naming the flag and the value',
    (value) => {
      expectUsageError(() => parsePositiveInt('--functions', value), `--functions must be a positive integer, got "${value}"`);
    },
  );
});

describe('parseSeed', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['42', 42],
    ['2147483648', 2 ** 31],
    ['4294967295', 2 ** 32 - 1],
  ])('parses %j as %i', (value, n) => {
    expect(parseSeed('--seed', value)).toBe(n);
  });

  it.each(['-1', '4294967296', '1e10', '1.5', 'abc', '', ' ', 'NaN', 'Infinity', '-Infinity', '1e3', '0x10', '+5'])(
    'rejects %j with a UsageError naming the flag and the range',
    (value) => {
      expectUsageError(() => parseSeed('--seed', value), `--seed must be an integer in [0, 4294967295], got "${value}"`);
    },
  );
});

describe('UsageError', () => {
  it('is an Error named UsageError', () => {
    const e = new UsageError('bad');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('UsageError');
    expect(e.message).toBe('bad');
  });
});

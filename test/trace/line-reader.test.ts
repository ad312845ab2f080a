import * as path from 'node:path';
import {
  expectExactHeader,
  fieldCountError,
  parseCount,
  parseNonNegativeInteger,
  parseNonNegativeNumber,
  readLines,
  requireNonEmpty,
  type TraceLine,
} from '../../src/trace/line-reader';
import { TraceFormatError } from '../../src/trace/trace-format-error';
import { tempFiles } from '../support/temp-files';

const files = tempFiles('f', '.txt');
const write = files.write;

async function collect(file: string): Promise<TraceLine[]> {
  const out: TraceLine[] = [];
  for await (const l of readLines(file)) out.push(l);
  return out;
}

function thrown(f: () => unknown): TraceFormatError {
  try {
    f();
  } catch (e) {
    if (e instanceof TraceFormatError) return e;
    throw e;
  }
  throw new Error('expected a TraceFormatError, nothing was thrown');
}

describe('readLines', () => {
  it('yields each line with its 1-based number and no terminator, and no extra line for the final newline', async () => {
    expect(await collect(write('a,b\nc\nd\n'))).toEqual([
      { text: 'a,b', line: 1 },
      { text: 'c', line: 2 },
      { text: 'd', line: 3 },
    ]);
  });

  it('yields the last line when the file does not end with a newline', async () => {
    expect(await collect(write('a\nb'))).toEqual([
      { text: 'a', line: 1 },
      { text: 'b', line: 2 },
    ]);
  });

  it('strips \\r\\n line endings', async () => {
    expect(await collect(write('a\r\nb\r\nc\r\n'))).toEqual([
      { text: 'a', line: 1 },
      { text: 'b', line: 2 },
      { text: 'c', line: 3 },
    ]);
  });

  it('keeps \\r\\n as one line break when \\r and \\n fall in different 64 KiB read chunks', async () => {
    const first = 'x'.repeat(64 * 1024 - 1); // its \r is the chunk's last byte, \n the next chunk's first
    expect(await collect(write(`${first}\r\nsecond\r\n`))).toEqual([
      { text: first, line: 1 },
      { text: 'second', line: 2 },
    ]);
  });

  it('yields blank lines in the middle and a second trailing newline as empty texts (so readers can reject them)', async () => {
    expect(await collect(write('a\n\nb\n\n'))).toEqual([
      { text: 'a', line: 1 },
      { text: '', line: 2 },
      { text: 'b', line: 3 },
      { text: '', line: 4 },
    ]);
  });

  it('yields nothing for an empty file', async () => {
    expect(await collect(write(''))).toEqual([]);
  });

  it('drops a UTF-8 byte-order mark at the start of line 1 only', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const lines = await collect(write(Buffer.concat([bom, Buffer.from('h\n\ufeffx\n')])));
    expect(lines).toEqual([
      { text: 'h', line: 1 },
      { text: '\ufeffx', line: 2 },
    ]);
  });

  it('streams a file of 200,000 lines and can stop after the first one', async () => {
    const file = write(Array.from({ length: 200_000 }, (_, i) => String(i)).join('\n'));
    let count = 0;
    let last = '';
    for await (const l of readLines(file)) {
      count++;
      last = l.text;
    }
    expect(count).toBe(200_000);
    expect(last).toBe('199999');
    for await (const l of readLines(file)) {
      expect(l).toEqual({ text: '0', line: 1 });
      break;
    }
  });

  it('rejects with ENOENT for a missing file', async () => {
    await expect(collect(files.pathOf('missing.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('parseCount', () => {
  it.each([
    ['0', 0],
    ['7', 7],
    ['007', 7],
    ['12.0', 12],
    ['3.', 3],
    ['4294967295', 4294967295],
  ])('parses %j as %d', (cell, value) => {
    expect(parseCount('f.csv', 2, 5, cell)).toBe(value);
  });

  it.each([
    ['', 'f.csv:2:5: expected a non-negative integer count'],
    ['x', 'f.csv:2:5: expected a non-negative integer count, found "x"'],
    ['-1', 'f.csv:2:5: expected a non-negative integer count, found "-1"'],
    ['2.5', 'f.csv:2:5: expected a non-negative integer count, found "2.5"'],
    ['+3', 'f.csv:2:5: expected a non-negative integer count, found "+3"'],
    [' 3', 'f.csv:2:5: expected a non-negative integer count, found " 3"'],
    ['1e3', 'f.csv:2:5: expected a non-negative integer count, found "1e3"'],
    ['4294967296', 'f.csv:2:5: expected a count of at most 4294967295, found "4294967296"'],
  ])('rejects %j with %j', (cell, message) => {
    expect(thrown(() => parseCount('f.csv', 2, 5, cell)).message).toBe(message);
  });
});

describe('parseNonNegativeNumber / parseNonNegativeInteger / requireNonEmpty', () => {
  it.each([
    ['0', 0],
    ['224.0', 224],
    ['.5', 0.5],
    ['1e3', 1000],
    ['0.07949090003967285', 0.07949090003967285],
  ])('parseNonNegativeNumber parses %j as %d', (cell, value) => {
    expect(parseNonNegativeNumber('f.csv', 3, 4, cell, 'Average, ms')).toBe(value);
  });

  it.each([
    ['', 'f.csv:3:4: expected a non-negative number (Average, ms)'],
    ['-1', 'f.csv:3:4: expected a non-negative number (Average, ms), found "-1"'],
    ['abc', 'f.csv:3:4: expected a non-negative number (Average, ms), found "abc"'],
    ['NaN', 'f.csv:3:4: expected a non-negative number (Average, ms), found "NaN"'],
    ['Infinity', 'f.csv:3:4: expected a non-negative number (Average, ms), found "Infinity"'],
    ['0x10', 'f.csv:3:4: expected a non-negative number (Average, ms), found "0x10"'],
  ])('parseNonNegativeNumber rejects %j with %j', (cell, message) => {
    expect(thrown(() => parseNonNegativeNumber('f.csv', 3, 4, cell, 'Average, ms')).message).toBe(message);
  });

  it('parseNonNegativeInteger accepts 1440 and 3.0 and rejects 1.5 and -2', () => {
    expect(parseNonNegativeInteger('f.csv', 2, 5, '1440', 'Count')).toBe(1440);
    expect(parseNonNegativeInteger('f.csv', 2, 5, '3.0', 'Count')).toBe(3);
    expect(thrown(() => parseNonNegativeInteger('f.csv', 2, 5, '1.5', 'Count')).message).toBe('f.csv:2:5: expected a non-negative integer (Count), found "1.5"');
    expect(thrown(() => parseNonNegativeInteger('f.csv', 2, 5, '-2', 'Count')).message).toBe('f.csv:2:5: expected a non-negative integer (Count), found "-2"');
  });

  it('requireNonEmpty returns the cell and rejects an empty one', () => {
    expect(requireNonEmpty('f.csv', 2, 1, 'abc', 'HashOwner')).toBe('abc');
    expect(thrown(() => requireNonEmpty('f.csv', 2, 1, '', 'HashOwner')).message).toBe('f.csv:2:1: expected a non-empty HashOwner');
  });
});

describe('fieldCountError / expectExactHeader', () => {
  it('points at the first missing field when there are too few fields', () => {
    const e = fieldCountError('f.csv', 4, 3, 5, 'a,b,c,d,e');
    expect([e.line, e.column]).toEqual([4, 4]);
    expect(e.message).toBe('f.csv:4:4: expected 5 fields separated by commas (a,b,c,d,e), found "3 fields"');
  });

  it('says "1 field" (singular) when a line has a single field', () => {
    expect(fieldCountError('f.csv', 2, 1, 4, 'a,b,c,d').message).toBe('f.csv:2:2: expected 4 fields separated by commas (a,b,c,d), found "1 field"');
  });

  it('points at the first extra field when there are too many fields', () => {
    const e = fieldCountError('f.csv', 4, 8, 5, 'a,b,c,d,e');
    expect(e.column).toBe(6);
    expect(e.message).toBe('f.csv:4:6: expected 5 fields separated by commas (a,b,c,d,e), found "8 fields"');
  });

  it('expectExactHeader accepts the exact header and names the first differing, missing or extra column', () => {
    expect(expectExactHeader('f.csv', 'a,b,c', ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(thrown(() => expectExactHeader('f.csv', 'a,B,c', ['a', 'b', 'c'])).message).toBe('f.csv:1:2: expected header column "b" (header a,b,c), found "B"');
    expect(thrown(() => expectExactHeader('f.csv', 'a,b', ['a', 'b', 'c'])).message).toBe('f.csv:1:3: expected 3 fields separated by commas (header a,b,c), found "2 fields"');
    expect(thrown(() => expectExactHeader('f.csv', 'a,b,c,d', ['a', 'b', 'c'])).message).toBe('f.csv:1:4: expected 3 fields separated by commas (header a,b,c), found "4 fields"');
    expect(thrown(() => expectExactHeader('f.csv', '', ['a', 'b', 'c'])).message).toBe('f.csv:1:1: expected a header line');
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readAzure2021Invocations, recordsToTrace } from '../../src/trace/azure-2021-invocations';
import type { InvocationRecord } from '../../src/trace/types';
import { SHARED_DATA_DIR, rejection, tempFiles } from '../support/temp-files';

const dataDir = SHARED_DATA_DIR;
const azure2021 = path.join(dataDir, 'azure-functions-2021-head-sample', 'Azure2021_200.csv');

const files = tempFiles('az21_');
const write = files.write;

const H = 'app,func,end_timestamp,duration';
const rec = (app: string, func: string, endTimestampS: number, durationS: number): InvocationRecord => ({ app, func, endTimestampS, durationS });

describe('readAzure2021Invocations: valid files', () => {
  it('reads every record in file order (unsorted), times in seconds', async () => {
    const file = write(`${H}\nA,f,125.5,0.5\nB,g,0.0794909,0.078\nA,f,61,2\n`);
    expect(await readAzure2021Invocations(file)).toEqual([rec('A', 'f', 125.5, 0.5), rec('B', 'g', 0.0794909, 0.078), rec('A', 'f', 61, 2)]);
  });

  it('reads \\r\\n files without a final newline', async () => {
    expect(await readAzure2021Invocations(write(`${H}\r\nA,f,3,1\r\nA,g,4,2`))).toEqual([rec('A', 'f', 3, 1), rec('A', 'g', 4, 2)]);
  });
});

describe('readAzure2021Invocations: malformed files', () => {
  const FIELDS = `expected 4 fields separated by commas (${H})`;
  it.each([
    ['a non-numeric end_timestamp', `${H}\nA,f,soon,1\n`, ':2:3: expected a non-negative number (end_timestamp, s), found "soon"'],
    ['a negative duration', `${H}\nA,f,3,-1\n`, ':2:4: expected a non-negative number (duration, s), found "-1"'],
    ['an empty duration', `${H}\nA,f,3,\n`, ':2:4: expected a non-negative number (duration, s)'],
    ['an empty app', `${H}\n,f,3,1\n`, ':2:1: expected a non-empty app'],
    ['a missing field', `${H}\nA,f,3\n`, `:2:4: ${FIELDS}, found "3 fields"`],
    ['an extra field', `${H}\nA,f,3,1,9\n`, `:2:5: ${FIELDS}, found "5 fields"`],
    ['a wrong header column', 'app,function,end_timestamp,duration\nA,f,3,1\n', `:1:2: expected header column "func" (header ${H}), found "function"`],
    ['a missing header (data on line 1)', 'A,f,3,1\nA,f,4,1\n', `:1:1: expected header column "app" (header ${H}), found "A"`],
    ['an empty file', '', ':0: expected a header line'],
    ['a header and no data rows', `${H}\n`, ':2:1: expected at least one data row after the header'],
    ['a blank line between rows', `${H}\nA,f,3,1\n\nA,f,4,1\n`, ':3:1: expected a data row (blank lines are not allowed)'],
  ])('rejects %s', async (_what, content, suffix) => {
    const file = write(content);
    const err = await rejection(readAzure2021Invocations(file));
    expect(err.message).toBe(`${file}${suffix}`);
  });
});

describe('recordsToTrace', () => {
  it('bins each invocation by its start (end - duration) into 1-minute bins from minute 0', () => {
    // starts: 125 (minute 2), 59.9 (minute 0), 60 (minute 1), 119.99 (minute 1)
    const trace = recordsToTrace([rec('A', 'f', 125.5, 0.5), rec('A', 'f', 70, 10.1), rec('A', 'f', 61, 1), rec('A', 'f', 120, 0.01)], 'src');
    expect(trace.source).toBe('src');
    expect(trace.firstMinuteLabel).toBe(0);
    expect(trace.minutes).toBe(3);
    expect(Array.from(trace.functions[0].counts)).toEqual([1, 2, 1]);
  });

  it('bins by start, not end: a 90 s invocation ending at 100 s counts in minute 0', () => {
    const trace = recordsToTrace([rec('A', 'f', 100, 90)], 's');
    expect(trace.minutes).toBe(1);
    expect(Array.from(trace.functions[0].counts)).toEqual([1]);
  });

  it('clamps a start before 0 (duration longer than end) to minute 0', () => {
    const trace = recordsToTrace([rec('A', 'f', 1, 5), rec('A', 'f', 130, 0)], 's');
    expect(Array.from(trace.functions[0].counts)).toEqual([1, 0, 1]);
  });

  it('makes one series per (app, func) in first-seen order, the same func name in two apps being two series', () => {
    const trace = recordsToTrace([rec('B', 'g', 200, 1), rec('A', 'f', 5, 1), rec('A', 'g', 5, 1), rec('B', 'g', 10, 1), rec('A', 'f', 70, 1)], 's');
    expect(trace.minutes).toBe(4);
    expect(trace.functions.map((f) => [f.app, f.id, f.owner, f.trigger, Array.from(f.counts)])).toEqual([
      ['B', 'g', '', '', [1, 0, 0, 1]],
      ['A', 'f', '', '', [1, 1, 0, 0]],
      ['A', 'g', '', '', [1, 0, 0, 0]],
    ]);
  });

  it('gives an empty trace (0 minutes, no functions) for no records', () => {
    expect(recordsToTrace([], 's')).toEqual({ source: 's', firstMinuteLabel: 0, minutes: 0, functions: [] });
  });

  it('throws a RangeError naming the record for a negative or non-finite time', () => {
    expect(() => recordsToTrace([rec('A', 'f', 1, 0), rec('A', 'f', -1, 0)], 's')).toThrow(
      new RangeError('recordsToTrace: record 1 (A, f) has end -1 s and duration 0 s; both must be finite and >= 0'),
    );
    expect(() => recordsToTrace([rec('A', 'f', 1, Number.NaN)], 's')).toThrow(RangeError);
  });
});

const has2021 = fs.existsSync(azure2021);
if (!has2021) console.warn(`skipping the Azure2021_200.csv tests: ${azure2021} is absent (see ../shared/data/README.md)`);
(has2021 ? describe : describe.skip)('Azure 2021 on ../shared/data Azure2021_200.csv', () => {
  // The README says 198 records; the file has 199 data lines (wc -l says 199 because the last line has no newline).
  it('reads 199 records from 13 apps and 31 (app, func) pairs, the first one exactly', async () => {
    const records = await readAzure2021Invocations(azure2021);
    expect(records).toHaveLength(199);
    expect(new Set(records.map((r) => r.app)).size).toBe(13);
    expect(new Set(records.map((r) => `${r.app}/${r.func}`)).size).toBe(31);
    expect(records[0]).toEqual(
      rec('7b2c43a2bc30f6bb438074df88b603d2cb982d3e7961de05270735055950a568', 'e3cdb48830f66eb8689cc0223514569a69812b77e6611e3d59814fac0747bd2f', 0.07949090003967285, 0.078),
    );
    expect(Math.max(...records.map((r) => r.endTimestampS))).toBe(1260.0557980537415);
  });

  it('bins them into 21 minutes (starts up to minute 20), 31 series, 199 invocations, 42 in minute 0 and 34 in minute 10', async () => {
    const trace = recordsToTrace(await readAzure2021Invocations(azure2021), azure2021);
    expect(trace.minutes).toBe(21);
    expect(trace.functions).toHaveLength(31);
    expect(trace.functions[0].id).toBe('e3cdb48830f66eb8689cc0223514569a69812b77e6611e3d59814fac0747bd2f');
    const perMinute = Array.from({ length: trace.minutes }, (_, m) => trace.functions.reduce((s, f) => s + f.counts[m], 0));
    expect(perMinute.reduce((s, c) => s + c, 0)).toBe(199);
    expect(perMinute[0]).toBe(42);
    expect(perMinute[10]).toBe(34);
  });
});

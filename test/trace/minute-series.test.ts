import * as fs from 'node:fs';
import * as path from 'node:path';
import { readMinuteSeries } from '../../src/trace/minute-series';
import { SHARED_DATA_DIR, rejection, tempFiles } from '../support/temp-files';

const dataDir = SHARED_DATA_DIR;
const HASH = '40d07b9935b0d765eec41cedf70847d06699c0df3e24e1216e0ca893e6e8f71d';
const series14 = path.join(dataDir, 'azure-functions-2019-one-function-14days', `${HASH}.csv`);

const files = tempFiles('series');
const write = files.write;

describe('readMinuteSeries: valid files', () => {
  it('reads one function named after the file (no extension), one count per minute, first label 1', async () => {
    const file = write('0\n3\n0\n7\n', 'myfunc.csv');
    const trace = await readMinuteSeries(file);
    expect(trace.source).toBe(file);
    expect(trace.firstMinuteLabel).toBe(1);
    expect(trace.minutes).toBe(3);
    expect(trace.functions).toHaveLength(1);
    const f = trace.functions[0];
    expect([f.id, f.owner, f.app, f.trigger]).toEqual(['myfunc', '', '', '']);
    expect(Array.from(f.counts)).toEqual([3, 0, 7]);
  });

  it('accepts any single-token header and \\r\\n endings without a final newline', async () => {
    const trace = await readMinuteSeries(write('count\r\n5\r\n6'));
    expect(Array.from(trace.functions[0].counts)).toEqual([5, 6]);
  });

  it('keeps all of a 3000-minute series (beyond its initial buffer) and nothing more', async () => {
    const values = Array.from({ length: 3000 }, (_, i) => i % 11);
    const trace = await readMinuteSeries(write(`0\n${values.join('\n')}\n`));
    expect(trace.minutes).toBe(3000);
    expect(trace.functions[0].counts).toHaveLength(3000);
    expect(Array.from(trace.functions[0].counts)).toEqual(values);
  });
});

describe('readMinuteSeries: malformed files', () => {
  it.each([
    ['a non-numeric count', '0\n1\nabc\n', ':3:1: expected a non-negative integer count, found "abc"'],
    ['a negative count', '0\n-4\n', ':2:1: expected a non-negative integer count, found "-4"'],
    ['a non-integer count', '0\n1\n2\n0.5\n', ':4:1: expected a non-negative integer count, found "0.5"'],
    ['two columns on a line', '0\n1\n2,3\n', ':3:2: expected a single field (one count per line), found "2,3"'],
    ['a multi-column header', 'a,b\n1\n', ':1:2: expected a single-column header (one token, e.g. "0"), found "a,b"'],
    ['an empty file', '', ':0: expected a header line'],
    ['an empty first line', '\n1\n', ':1:1: expected a header line'],
    ['a header and no counts', '0\n', ':2:1: expected at least one data row after the header'],
    ['a blank line between counts', '0\n1\n\n2\n', ':3:1: expected a data row (blank lines are not allowed)'],
    ['a blank line after the last count', '0\n1\n2\n\n', ':4:1: expected a data row (blank lines are not allowed)'],
  ])('rejects %s', async (_what, content, suffix) => {
    const file = write(content);
    const err = await rejection(readMinuteSeries(file));
    expect(err.message).toBe(`${file}${suffix}`);
  });
});

const has14 = fs.existsSync(series14);
if (!has14) console.warn(`skipping the 14-day series tests: ${series14} is absent (see ../shared/data/README.md)`);
(has14 ? describe : describe.skip)('readMinuteSeries on ../shared/data one function, 14 days', () => {
  it('reads 20,160 minutes, 154,118 invocations, the README per-day totals (day 1: 16,118), id = the hash', async () => {
    const trace = await readMinuteSeries(series14);
    expect(trace.minutes).toBe(20_160);
    const f = trace.functions[0];
    expect(f.id).toBe(HASH);
    expect(f.counts.reduce((s, c) => s + c, 0)).toBe(154_118);
    const perDay = Array.from({ length: 14 }, (_, d) => f.counts.subarray(d * 1440, (d + 1) * 1440).reduce((s, c) => s + c, 0));
    expect(perDay[0]).toBe(16_118);
    expect(perDay).toEqual([16118, 15532, 14931, 14158, 14354, 1941, 1474, 17153, 13391, 15414, 13480, 13518, 1834, 820]);
  });
});
